/**
 * The directory store on a real full disk: a 4 MB tmpfs mounted in a private
 * mount namespace (`unshare --mount`, so nothing leaks into the host's mount
 * table). The child (this file with DRYDOCK_STORE_DISKFULL_CHILD set) fills
 * it until the kernel says ENOSPC, which must surface as StorageQuotaError
 * (errno ENOSPC) with the store consistent, every acknowledged blob intact,
 * and the store usable again once space is freed, also after a reopen.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Errno } from '../src/common/errno.ts';
import { DirBlobStore } from '../src/platform/node/dir-blob-store.ts';
import { ContentStore } from '../src/unionfs/store/content-store.ts';
import { StorageQuotaError } from '../src/unionfs/store/errors.ts';
import { Snapshotter } from '../src/unionfs/store/snapshotter.ts';
import { patternBytes } from '../src/unionfs/store/testsuite/index.ts';

async function fill(content: ContentStore, sizes: () => number, acked: string[], seed: number): Promise<StorageQuotaError> {
  for (let i = 0; i < 10_000; i++) {
    try {
      acked.push((await content.put(patternBytes(sizes(), seed + i))).digest);
    } catch (error) {
      if (error instanceof StorageQuotaError) return error;
      throw error;
    }
  }
  throw new Error('the 4 MB disk never filled up');
}

async function checkConsistent(store: DirBlobStore, content: ContentStore, acked: readonly string[], when: string): Promise<void> {
  assert.deepEqual(await store.check(), [], `${when}: directory consistent`);
  assert.deepEqual(await readdir(join(store.root, 'ingest')), [], `${when}: no temp left`);
  for (const digest of acked) await content.read(digest);
}

async function runChild(dir: string): Promise<void> {
  const root = join(dir, 'data');
  let store = await DirBlobStore.open({ root, compactAfter: 4 });
  let content = new ContentStore(store);
  const acked: string[] = [];

  const full = await fill(content, () => 256 * 1024, acked, 1);
  assert.equal(full.errno, Errno.ENOSPC);
  assert.equal(full.quotaBytes, null, 'the disk, not our quota, was hit');
  assert.ok(acked.length >= 4, `some blobs fit before the disk filled (${acked.length})`);
  await checkConsistent(store, content, acked, 'after ENOSPC on a blob');

  // A layer commit on a full disk changes nothing.
  const snapshots = new Snapshotter(content);
  await snapshots.prepare('ctr').catch((error: unknown) => {
    if (!(error instanceof StorageQuotaError)) throw error;
  });
  if ((await store.getRecord('snapshot/ctr')) !== null) {
    await assert.rejects(snapshots.commit('layer', 'ctr', { content: patternBytes(1024 * 1024, 99) }), StorageQuotaError);
    assert.equal((await snapshots.stat('ctr')).kind, 'active');
  }

  // Small transactions until even the journal cannot grow: partial journal writes must be cut off.
  let small = 0;
  const smallFull = await fill(content, () => 1 + (small++ % 7) * 997, acked, 10_000);
  assert.equal(smallFull.errno, Errno.ENOSPC);
  await checkConsistent(store, content, acked, 'after ENOSPC on small commits');

  // Free space: the store works again.
  for (const digest of acked.splice(0, Math.ceil(acked.length / 2))) await content.delete(digest);
  acked.push((await content.put(patternBytes(300 * 1024, 5))).digest);
  await checkConsistent(store, content, acked, 'after freeing space');

  await store.close();
  store = await DirBlobStore.open({ root, compactAfter: 4 });
  content = new ContentStore(store);
  await checkConsistent(store, content, acked, 'after reopening');
  acked.push((await content.put(patternBytes(100 * 1024, 6))).digest);
  await store.close();
}

/** Command prefix that runs a command in a private mount namespace, or null if this machine cannot. */
function mountNamespacePrefix(): string[] | null {
  const prefix = ['unshare', '--mount', '--propagation', 'private', ...(process.getuid?.() === 0 ? [] : ['--map-root-user'])];
  const probe = spawnSync(prefix[0]!, [...prefix.slice(1), 'sh', '-c', 'mount -t tmpfs -o size=1m tmpfs /mnt 2>/dev/null || mount -t tmpfs -o size=1m tmpfs "$TMPDIR"'], {
    env: { ...process.env, TMPDIR: tmpdir() },
    stdio: 'ignore',
  });
  return probe.status === 0 ? prefix : null;
}

const childDir = process.env.DRYDOCK_STORE_DISKFULL_CHILD;
if (childDir) {
  await runChild(childDir);
} else {
  const prefix = mountNamespacePrefix();
  const skip = prefix === null && !process.env.CI ? 'cannot mount a tmpfs in a private mount namespace here (unshare --mount)' : false;
  test('directory store on a full disk: ENOSPC becomes StorageQuotaError, nothing is corrupted', { skip, timeout: 120_000 }, async () => {
    assert.ok(prefix, 'unshare --mount with a tmpfs must work in CI');
    const dir = await mkdtemp(join(tmpdir(), 'drydock-diskfull-'));
    try {
      const script = 'mount -t tmpfs -o size=4m tmpfs "$DRYDOCK_STORE_DISKFULL_CHILD" && exec "$0" --import tsx "$1"';
      const result = spawnSync(prefix[0]!, [...prefix.slice(1), 'sh', '-c', script, process.execPath, import.meta.filename], {
        env: { ...process.env, DRYDOCK_STORE_DISKFULL_CHILD: dir },
        encoding: 'utf8',
        timeout: 100_000,
      });
      assert.equal(result.status, 0, `child failed:\n${result.stdout}\n${result.stderr}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
