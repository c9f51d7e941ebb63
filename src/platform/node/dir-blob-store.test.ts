/**
 * Directory-store specifics the conformance suite cannot see: the on-disk
 * layout, the default data root, the lock, damage made directly on disk, and
 * recovery from states a crash leaves (torn journal, unrenamed temps, orphan
 * files, a half-done compaction). The random-kill test is test/store-crash.test.ts.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utf8 } from '../../common/bytes.ts';
import { ContentStore } from '../../unionfs/store/content-store.ts';
import { BlobStoreCorruptError, BlobStoreUnavailableError, ContentCorruptError, InvalidStoreKeyError } from '../../unionfs/store/errors.ts';
import { HOSTILE_BLOB_KEYS } from '../../unionfs/store/testsuite/index.ts';
import { DirBlobStore, defaultDataRoot } from './dir-blob-store.ts';

async function tempRoot(): Promise<{ parent: string; root: string }> {
  const parent = await mkdtemp(join(tmpdir(), 'drydock-dirstore-'));
  return { parent, root: join(parent, 'data') };
}

function journalLine(entry: unknown): string {
  const json = JSON.stringify(entry);
  return `${createHash('sha256').update(json).digest('hex').slice(0, 16)} ${json}\n`;
}

test('the default data root follows XDG_DATA_HOME, else ~/.local/share', () => {
  assert.equal(defaultDataRoot({ XDG_DATA_HOME: '/xdg/data' }, '/home/u'), '/xdg/data/drydock');
  assert.equal(defaultDataRoot({ XDG_DATA_HOME: 'relative/ignored' }, '/home/u'), '/home/u/.local/share/drydock');
  assert.equal(defaultDataRoot({ XDG_DATA_HOME: '' }, '/home/u'), '/home/u/.local/share/drydock');
  assert.equal(defaultDataRoot({}, '/home/u'), '/home/u/.local/share/drydock');
});

test('content lands at blobs/sha256/<hex>, with nothing left in ingest/', async () => {
  const { parent, root } = await tempRoot();
  try {
    const store = await DirBlobStore.open({ root });
    const info = await new ContentStore(store).put(utf8('hello'));
    const hex = info.digest.slice('sha256:'.length);
    assert.equal(await readFile(join(root, 'blobs', 'sha256', hex), 'utf8'), 'hello');
    assert.deepEqual(await readdir(join(root, 'ingest')), []);
    assert.deepEqual(await store.check(), []);
    await store.close();
    assert.deepEqual((await readdir(root)).sort(), ['blobs', 'ingest', 'metadata.journal']);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});

test('hostile blob keys create nothing outside (or inside) the root', async () => {
  const { parent, root } = await tempRoot();
  try {
    const store = await DirBlobStore.open({ root });
    for (const key of HOSTILE_BLOB_KEYS) {
      await assert.rejects(store.commit([{ op: 'putBlob', key, bytes: utf8('escape') }]), InvalidStoreKeyError);
    }
    assert.deepEqual(await readdir(parent), ['data']);
    assert.deepEqual(await readdir(join(root, 'blobs')), []);
    assert.deepEqual(await readdir(join(root, 'ingest')), []);
    await store.close();
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});

test('one store per directory: a second open fails until the first closes; stale locks are taken over', async () => {
  const { parent, root } = await tempRoot();
  try {
    const first = await DirBlobStore.open({ root });
    await assert.rejects(DirBlobStore.open({ root }), BlobStoreUnavailableError);
    await first.close();
    const second = await DirBlobStore.open({ root });
    await second.close();

    // A lock left by a process that died.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(join(root, 'storage.lock'), `${dead.stdout}\n`);
    const third = await DirBlobStore.open({ root });
    await third.close();

    // A lock held by a live process.
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await writeFile(join(root, 'storage.lock'), `${alive.pid}\n`);
      await assert.rejects(DirBlobStore.open({ root }), (error: unknown) => error instanceof BlobStoreUnavailableError && error.message.includes(String(alive.pid)));
    } finally {
      alive.kill('SIGKILL');
    }
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});

test('damage on disk gives ContentCorruptError, and check() reports it', async () => {
  const { parent, root } = await tempRoot();
  try {
    const store = await DirBlobStore.open({ root });
    const content = new ContentStore(store);
    const data = new Uint8Array(100_000).map((_, i) => (i * 7) & 0xff);
    const { digest } = await content.put(data);
    const file = join(root, 'blobs', 'sha256', digest.slice(7));

    const flipped = Buffer.from(data);
    flipped[5000]! ^= 1;
    await writeFile(file, flipped);
    await assert.rejects(content.read(digest), ContentCorruptError);
    assert.deepEqual(await store.check(), []);

    await truncate(file, 1000);
    await assert.rejects(content.read(digest), ContentCorruptError);
    assert.match((await store.check()).join('\n'), /1000 bytes on disk, 100000 committed/);

    await rm(file);
    await assert.rejects(content.read(digest), (error: unknown) => error instanceof ContentCorruptError && /missing/.test(error.message));
    await assert.rejects(store.getBlob(`sha256/${digest.slice(7)}`), BlobStoreCorruptError);
    assert.match((await store.check()).join('\n'), /ENOENT/);
    await store.close();
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});

test('recovery: a torn or corrupt last journal line is cut off; earlier commits stay', async () => {
  const { parent, root } = await tempRoot();
  try {
    let store = await DirBlobStore.open({ root, compactAfter: 1000 });
    await store.commit([{ op: 'putRecord', key: 'a', value: { v: 1 } }]);
    await store.commit([{ op: 'putBlob', key: 'test/b', bytes: utf8('bee') }]);
    await store.close();
    const good = await readFile(join(root, 'metadata.journal'));
    const torn = journalLine({ seq: 3, blobs: [], records: [['c', { v: 3 }]] });
    await appendFile(join(root, 'metadata.journal'), torn.slice(0, torn.length - 7));
    store = await DirBlobStore.open({ root, compactAfter: 1000 });
    assert.deepEqual(await store.getRecord('a'), { v: 1 });
    assert.equal(await store.getRecord('c'), null);
    await store.commit([{ op: 'putRecord', key: 'd', value: { v: 4 } }]);
    await store.close();

    // A line whose checksum does not match (a bit flipped) is not trusted either.
    const bad = journalLine({ seq: 3, blobs: [], records: [['e', { v: 5 }]] }).replace('"v":5', '"v":6');
    await appendFile(join(root, 'metadata.journal'), bad);
    store = await DirBlobStore.open({ root, compactAfter: 1000 });
    assert.deepEqual(await store.getRecord('d'), { v: 4 });
    assert.equal(await store.getRecord('e'), null);
    assert.deepEqual(await store.getBlob('test/b'), utf8('bee'));
    assert.deepEqual(await store.check(), []);
    await store.close();
    assert.ok(good.length > 0);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});

test('recovery: a committed transaction whose temp was not renamed yet is completed', async () => {
  const { parent, root } = await tempRoot();
  try {
    let store = await DirBlobStore.open({ root });
    await store.commit([{ op: 'putBlob', key: 'test/old', bytes: utf8('old') }]);
    await store.close();
    await (await DirBlobStore.open({ root })).close(); // compacts: metadata.json has transaction 1
    // State at a crash between the journal fsync and the renames of transaction 2.
    assert.equal((await stat(join(root, 'metadata.journal'))).size, 0);
    await writeFile(join(root, 'ingest', '2.0.abc.tmp'), 'new bytes');
    await writeFile(join(root, 'ingest', '2.1.abc.tmp'), 'other');
    await writeFile(join(root, 'metadata.journal'), journalLine({ seq: 2, blobs: [['test/old', 9, '2.0.abc.tmp'], ['other/x', 5, '2.1.abc.tmp']], records: [['r', { ok: true }]] }));
    store = await DirBlobStore.open({ root });
    assert.equal(Buffer.from((await store.getBlob('test/old'))!).toString(), 'new bytes');
    assert.equal(Buffer.from((await store.getBlob('other/x'))!).toString(), 'other');
    assert.deepEqual(await store.getRecord('r'), { ok: true });
    assert.deepEqual(await store.check(), []);
    assert.equal((await store.usage()).usedBytes, 9 + 5 + 'r'.length + '{"ok":true}'.length);
    await store.close();
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});

test('recovery: orphan temps and unlisted blob files are removed, never shown', async () => {
  const { parent, root } = await tempRoot();
  try {
    let store = await DirBlobStore.open({ root });
    await store.commit([{ op: 'putBlob', key: 'sha256/keep', bytes: utf8('keep') }]);
    await store.close();
    await writeFile(join(root, 'ingest', '9.0.dead.tmp'), 'half a blob');
    await writeFile(join(root, 'blobs', 'sha256', 'deleted-before-crash'), 'gone');
    await mkdir(join(root, 'blobs', 'ns'), { recursive: true });
    await writeFile(join(root, 'blobs', 'ns', 'x'), 'gone too');
    store = await DirBlobStore.open({ root });
    assert.deepEqual((await store.listBlobs('')).map((b) => b.key), ['sha256/keep']);
    assert.deepEqual(await readdir(join(root, 'ingest')), []);
    assert.deepEqual(await readdir(join(root, 'blobs', 'sha256')), ['keep']);
    assert.deepEqual(await store.check(), []);
    await store.close();
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});

test('recovery: journal lines already in the manifest are not applied twice', async () => {
  const { parent, root } = await tempRoot();
  try {
    let store = await DirBlobStore.open({ root, compactAfter: 1000 });
    await store.commit([{ op: 'putBlob', key: 'test/a', bytes: new Uint8Array(100) }, { op: 'putRecord', key: 'r', value: {} }]);
    await store.commit([{ op: 'deleteRecord', key: 'r' }, { op: 'putRecord', key: 's', value: {} }]);
    const usage = await store.usage();
    await store.close();
    const journal = await readFile(join(root, 'metadata.journal'));
    store = await DirBlobStore.open({ root }); // compacts into metadata.json
    await store.close();
    assert.equal((await stat(join(root, 'metadata.journal'))).size, 0);
    // A crash after the manifest rename but before the journal was emptied.
    await writeFile(join(root, 'metadata.journal'), journal);
    store = await DirBlobStore.open({ root });
    assert.deepEqual(await store.usage(), usage);
    assert.equal(await store.getRecord('r'), null);
    assert.deepEqual(await store.getRecord('s'), {});
    await store.commit([{ op: 'putRecord', key: 't', value: {} }]);
    await store.close();
    store = await DirBlobStore.open({ root });
    assert.deepEqual(await store.getRecord('t'), {});
    await store.close();
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});

test('a corrupt manifest is an error, not an empty store', async () => {
  const { parent, root } = await tempRoot();
  try {
    const store = await DirBlobStore.open({ root, compactAfter: 1 });
    await store.commit([{ op: 'putRecord', key: 'r', value: {} }]);
    await store.close();
    await writeFile(join(root, 'metadata.json'), '{"format":1,"seq":1,"blo');
    await assert.rejects(DirBlobStore.open({ root }), BlobStoreCorruptError);
    // The failed open released the lock.
    await writeFile(join(root, 'metadata.json'), '{"format":1,"seq":1,"blobs":{},"records":{"r":{}}}');
    const again = await DirBlobStore.open({ root });
    assert.deepEqual(await again.getRecord('r'), {});
    await again.close();
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});

test('compaction keeps the state and empties the journal', async () => {
  const { parent, root } = await tempRoot();
  try {
    let store = await DirBlobStore.open({ root, compactAfter: 3 });
    for (let i = 0; i < 10; i++) await store.commit([{ op: 'putRecord', key: `r${i}`, value: { i } }, { op: 'putBlob', key: `test/b${i}`, bytes: utf8(`blob ${i}`) }]);
    const usage = await store.usage();
    await store.close();
    const manifest = JSON.parse(await readFile(join(root, 'metadata.json'), 'utf8')) as { seq: number };
    assert.equal(manifest.seq, 9);
    store = await DirBlobStore.open({ root });
    assert.deepEqual(await store.usage(), usage);
    assert.equal((await store.listRecords('r')).length, 10);
    assert.equal(Buffer.from((await store.getBlob('test/b9'))!).toString(), 'blob 9');
    await store.close();
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
});
