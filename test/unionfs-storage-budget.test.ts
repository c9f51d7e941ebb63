import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { Errno, ErrnoError } from '../src/common/errno.ts';
import { MemoryBlobStore } from '../src/platform/memory/blob-store.ts';
import { MemFs } from '../src/unionfs/memfs/memfs.ts';
import { StorageQuotaError } from '../src/unionfs/store/errors.ts';
import { MeteredBlobStore, StorageBudget } from '../src/unionfs/store/storage-budget.ts';

function enospc(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch (error) {
    if (error instanceof ErrnoError && error.errno === Errno.ENOSPC) return true;
    throw error;
  }
}

test('live writable layers may grow only into what the store has left', async () => {
  const blobs = await MeteredBlobStore.wrap(await MemoryBlobStore.open(undefined, { quotaBytes: 100_000 }));
  const budget = new StorageBudget(blobs);
  await blobs.commit([{ op: 'putBlob', key: 'test/a', bytes: new Uint8Array(40_000) }]);
  assert.equal(blobs.cachedUsage.usedBytes, 40_000, 'usage is refreshed after a commit');

  const one = new MemFs({ guard: budget });
  const two = new MemFs({ guard: budget });
  budget.track(one);
  budget.track(two);
  const a = one.root().create('a', 'file', { mode: 0o644, uid: 0, gid: 0 });
  const b = two.root().create('b', 'file', { mode: 0o644, uid: 0, gid: 0 });
  a.write(0, new Uint8Array(32 * 1024));
  b.write(0, new Uint8Array(16 * 1024));
  assert.equal(budget.unsavedBytes(), 48 * 1024);
  assert.ok(enospc(() => b.write(16 * 1024, new Uint8Array(16 * 1024))), 'both layers share what is left');

  // Saving a layer moves its bytes into the store: its baseline rises with it.
  const used = one.used;
  await blobs.commit([{ op: 'putBlob', key: 'test/one', bytes: new Uint8Array(used) }]);
  budget.saved(one, used);
  assert.equal(budget.unsavedBytes(), 16 * 1024);
  assert.ok(enospc(() => b.write(16 * 1024, new Uint8Array(16 * 1024))), 'still full');

  // Freeing store space makes room; deleting files in a layer does too.
  await blobs.commit([{ op: 'deleteBlob', key: 'test/a' }]);
  b.write(16 * 1024, new Uint8Array(16 * 1024));
  one.root().unlink('a');
  budget.untrack(two);
  assert.equal(budget.unsavedBytes(), 0);

  // The store itself still refuses what does not fit, and stays usable.
  await assert.rejects(blobs.commit([{ op: 'putBlob', key: 'test/big', bytes: new Uint8Array(200_000) }]), StorageQuotaError);
  await assert.rejects(blobs.commit([{ op: 'putBlob', key: 'test/big', bytes: new Uint8Array(200_000) }]), /^StorageQuotaError: no space left on device: the storage quota is full/);
  assert.equal(blobs.cachedUsage.usedBytes, used);
  await blobs.close();
});

test('without a quota every growth is allowed, and untracked layers are not held', async () => {
  const blobs = await MeteredBlobStore.wrap(await MemoryBlobStore.open());
  const budget = new StorageBudget(blobs);
  assert.equal(budget.quotaBytes, null);
  const fs = new MemFs({ guard: budget });
  budget.track(fs);
  fs.root().create('f', 'file', { mode: 0o644, uid: 0, gid: 0 }).write(0, new Uint8Array(1_000_000));
  const limited = await MeteredBlobStore.wrap(await MemoryBlobStore.open(undefined, { quotaBytes: 10 }));
  const loose = new MemFs({ guard: new StorageBudget(limited) });
  loose.root().create('f', 'file', { mode: 0o644, uid: 0, gid: 0 }).write(0, new Uint8Array(1000));
  await blobs.close();
  await limited.close();
});
