/**
 * MemoryVolumeDriver (src/engine/volumes/memory-driver.ts) over a memory
 * BlobStore reopened on the same medium, as a page reload reopens IndexedDB.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { MemoryBlobMedium, MemoryBlobStore } from '../src/platform/memory/blob-store.ts';
import { StorageQuotaError } from '../src/unionfs/store/errors.ts';
import { tarTree } from '../src/unionfs/tar/tree-writer.ts';
import type { TarError } from '../src/unionfs/tar/errors.ts';
import { MemoryVolumeDriver } from '../src/engine/volumes/memory-driver.ts';

const options = { type: 'tmpfs', mountpoint: (name: string) => `/var/lib/drydock/volumes/${name}/_data` };
const text = (s: string) => new TextEncoder().encode(s);

/** A volume tree with what a container may leave in one: owners, modes, a symlink, a hard link, a FIFO. */
async function fillVolume(driver: MemoryVolumeDriver, name: string): Promise<void> {
  const root = driver.open(name).root();
  root.setAttr({ mode: 0o1777, uid: 999, gid: 998 });
  const dir = root.create('data', 'dir', { mode: 0o750, uid: 1000, gid: 1000 });
  const file = dir.create('file.txt', 'file', { mode: 0o640, uid: 1000, gid: 100 });
  file.write(0, text('kept across a reload\n'));
  dir.link('hardlink.txt', file);
  root.create('link', 'symlink', { mode: 0o777, uid: 0, gid: 0, target: 'data/file.txt' });
  root.create('fifo', 'fifo', { mode: 0o600, uid: 0, gid: 0 });
}

test('a flushed volume comes back whole when the store is opened again, its root owner and mode included', async () => {
  const medium = new MemoryBlobMedium();
  const first = await MemoryBlobStore.open(medium);
  const driver = await MemoryVolumeDriver.open(first, options);
  await fillVolume(driver, 'keep');
  driver.open('never-flushed').root().create('lost', 'file', { mode: 0o644, uid: 0, gid: 0 });
  await driver.flush('keep');
  const before = tarTree(driver.open('keep').root());
  const rootBefore = driver.open('keep').root().stat();
  await first.close();

  const again = await MemoryVolumeDriver.open(await MemoryBlobStore.open(medium), options);
  const restored = again.open('keep');
  assert.deepEqual(tarTree(restored.root()), before);
  const root = restored.root().stat();
  assert.deepEqual([root.mode & 0o7777, root.uid, root.gid, root.mtimeNs], [0o1777, 999, 998, rootBefore.mtimeNs]);
  assert.equal(restored.root().lookup('data')!.lookup('hardlink.txt')!.stat().nlink, 2);
  assert.equal(restored.type, 'tmpfs');
  assert.equal(again.open('never-flushed').root().lookup('lost'), null, 'only flushed data is durable');
});

test('destroy removes the saved tree; a later volume of the same name starts empty', async () => {
  const medium = new MemoryBlobMedium();
  const store = await MemoryBlobStore.open(medium);
  const driver = await MemoryVolumeDriver.open(store, options);
  await fillVolume(driver, 'gone');
  await driver.flush('gone');
  await driver.destroy('gone');
  await driver.destroy('gone');
  assert.deepEqual(await store.listBlobs('volumedata/'), []);
  assert.equal(driver.open('gone').root().lookup('data'), null);
  await store.close();
  const again = await MemoryVolumeDriver.open(await MemoryBlobStore.open(medium), options);
  assert.equal(again.open('gone').root().lookup('data'), null);
});

test('a saved tree that does not read opens empty and is reported, and the other volumes load', async () => {
  const medium = new MemoryBlobMedium();
  const store = await MemoryBlobStore.open(medium);
  const driver = await MemoryVolumeDriver.open(store, options);
  await fillVolume(driver, 'good');
  await driver.flush('good');
  await store.commit([{ op: 'putBlob', key: 'volumedata/bad', bytes: text('not a tar archive at all, but long enough to look at '.repeat(20)) }]);
  await store.close();
  const corrupt: string[] = [];
  const again = await MemoryVolumeDriver.open(await MemoryBlobStore.open(medium), {
    ...options,
    onCorrupt: (name: string, error: TarError) => corrupt.push(`${name}: ${error.name}`),
  });
  assert.deepEqual(corrupt, ['bad: TarError']);
  assert.equal([...again.open('bad').root().entries(0n)].filter((e) => e.name !== '.' && e.name !== '..').length, 0);
  assert.ok(again.open('good').root().lookup('data'));
});

test('a flush past the store quota is ENOSPC and the previous save stays whole', async () => {
  const medium = new MemoryBlobMedium();
  const store = await MemoryBlobStore.open(medium, { quotaBytes: 64 * 1024 });
  const driver = await MemoryVolumeDriver.open(store, options);
  await fillVolume(driver, 'full');
  await driver.flush('full');
  driver.open('full').root().create('big', 'file', { mode: 0o644, uid: 0, gid: 0 }).write(0, new Uint8Array(128 * 1024));
  await assert.rejects(driver.flush('full'), StorageQuotaError);
  await store.close();
  const again = await MemoryVolumeDriver.open(await MemoryBlobStore.open(medium), options);
  assert.equal(again.open('full').root().lookup('big'), null);
  assert.ok(again.open('full').root().lookup('data')!.lookup('file.txt'));
});
