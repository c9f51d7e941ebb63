import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fromUtf8, sha256Hex, utf8 } from '../src/common/bytes.ts';
import type { BlobStore } from '../src/platform/types.ts';
import { MemoryBlobMedium, MemoryBlobStore } from '../src/platform/memory/blob-store.ts';
import { DirBlobStore } from '../src/platform/node/dir-blob-store.ts';
import { gzip } from '../src/unionfs/tar/gzip.ts';
import { NotFoundError } from '../src/engine/errors.ts';
import { chainIds, EMPTY_LAYER_DIFF_ID, InvalidImageError, serializeImageConfig } from '../src/engine/images/image-config.ts';
import type { ImageEvent } from '../src/engine/images/image-events.ts';
import { ImageStore } from '../src/engine/images/image-store.ts';
import { MediaTypes } from '../src/engine/images/layer-blob.ts';
import { parseNormalizedNamed } from '../src/engine/images/reference.ts';
import { baseConfig, layerTar } from '../src/engine/images/testing/fixtures.ts';

const BASE = layerTar({ bin: { dir: true }, 'bin/sh': 'shell', etc: { dir: true }, 'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\n' });
const TOP = layerTar({ 'hello': 'hello world\n', 'bin/hi': { link: 'sh' } });

async function sampleImage(store: ImageStore, tags = ['busybox']) {
  const base = await store.create({ layers: [BASE], config: baseConfig(), tags: [] });
  return store.create({ parent: base, layers: [TOP], config: baseConfig({ config: { Cmd: ['/hello'] } }), history: [{ created_by: 'COPY hello /' }], tags });
}

function fileText(tree: Awaited<ReturnType<ImageStore['layerTrees']>>[number], path: string): string {
  const node = tree.lookup(path.split('/'));
  assert.ok(node?.data, `no file ${path}`);
  return fromUtf8(node.data.read(0, node.data.size));
}

describe('image store', () => {
  test('create: ID is the sha256 of the config bytes; layers, tags, sizes and trees', async () => {
    const store = await ImageStore.open(await MemoryBlobStore.open());
    const image = await sampleImage(store);
    const bytes = await store.configBytes(image);
    assert.equal(image.id, `sha256:${await sha256Hex(bytes)}`);
    assert.equal(image.diffIds.length, 2);
    assert.equal(image.diffIds[0], `sha256:${await sha256Hex(BASE)}`);
    assert.deepEqual(image.repoTags, ['busybox:latest']);
    assert.deepEqual(image.repoDigests, []);
    assert.equal(image.size, 'shell'.length + 'root:x:0:0:root:/root:/bin/sh\n'.length + 'hello world\n'.length);
    assert.ok(image.parent);
    const config = JSON.parse(fromUtf8(bytes));
    assert.deepEqual(Object.keys(config), ['architecture', 'config', 'created', 'history', 'os', 'rootfs']);
    assert.equal(config.history.length, 1);
    const trees = await store.layerTrees(image);
    assert.equal(trees.length, 2);
    assert.equal(fileText(trees[0]!, 'bin/sh'), 'shell');
    assert.equal(fileText(trees[1]!, 'hello'), 'hello world\n');
    assert.equal((await store.layerTrees(image))[0], trees[0], 'trees are cached per diff id');
  });

  test('create is deterministic: the same inputs give the same ID', async () => {
    const a = await sampleImage(await ImageStore.open(await MemoryBlobStore.open()));
    const b = await sampleImage(await ImageStore.open(await MemoryBlobStore.open()));
    assert.equal(a.id, b.id);
  });

  test('an empty layer tar adds no layer (as dockerd skips empty diffs)', async () => {
    const store = await ImageStore.open(await MemoryBlobStore.open());
    const empty = new Uint8Array(1024);
    assert.equal(`sha256:${await sha256Hex(empty)}`, EMPTY_LAYER_DIFF_ID);
    const image = await store.create({ layers: [BASE, empty], config: baseConfig() });
    assert.equal(image.diffIds.length, 1);
  });

  test('resolve: name, name:tag, full ID, sha256: ID, unique prefix; misses in dockerd\'s words', async () => {
    const store = await ImageStore.open(await MemoryBlobStore.open());
    const image = await sampleImage(store);
    const hex = image.id.slice(7);
    for (const name of ['busybox', 'busybox:latest', 'docker.io/library/busybox', 'library/busybox:latest', image.id, hex, hex.slice(0, 12), `sha256:${hex.slice(0, 5)}`]) {
      assert.equal(store.resolve(name).id, image.id, name);
    }
    assert.throws(() => store.resolve('busybox:1'), (e: unknown) => e instanceof NotFoundError && e.message === 'No such image: busybox:1');
    assert.throws(() => store.resolve('alpine'), { message: 'No such image: alpine:latest' });
    assert.throws(() => store.resolve('user/app'), { message: 'No such image: user/app:latest' });
    assert.throws(() => store.resolve(`sha256:${'0'.repeat(64)}`), { message: `No such image: sha256:${'0'.repeat(64)}` });
    assert.throws(() => store.resolve('Busybox'), { message: 'invalid reference format: repository name must be lowercase' });
    assert.throws(() => store.resolve(''), { message: 'invalid reference format' });
  });

  test('an ID prefix two images share is ambiguous: no match', async () => {
    const store = await ImageStore.open(await MemoryBlobStore.open());
    // 17 images: two of them must share their first hex digit.
    for (let i = 0; i < 17; i++) await store.create({ config: baseConfig({ comment: `image ${i}` }) });
    const byFirst = new Map<string, number>();
    for (const image of store.list()) byFirst.set(image.id[7]!, (byFirst.get(image.id[7]!) ?? 0) + 1);
    const shared = [...byFirst].find(([, n]) => n > 1)![0];
    assert.equal(store.searchId(shared), null);
    assert.throws(() => store.resolve(shared), { message: `No such image: ${shared}:latest` });
    const unique = store.list()[0]!.id.slice(7, 7 + 20);
    assert.equal(store.searchId(unique), store.list()[0]!.id);
  });

  test('tag moves a tag, untag removes it, events are emitted', async () => {
    const store = await ImageStore.open(await MemoryBlobStore.open(), { now: () => '2025-05-05T05:05:05Z' });
    const events: ImageEvent[] = [];
    store.onEvent((e) => events.push(e));
    const image = await sampleImage(store, []);
    const other = await store.create({ layers: [TOP], config: baseConfig() });
    await store.tag(image, parseNormalizedNamed('x:1'));
    assert.equal(store.resolve('x:1').id, image.id);
    assert.equal(store.get(image.id)!.lastTagTime, '2025-05-05T05:05:05Z');
    await store.tag(other, parseNormalizedNamed('x:1'));
    assert.equal(store.resolve('x:1').id, other.id);
    assert.deepEqual(store.get(image.id)!.repoTags, []);
    assert.equal(await store.untag(parseNormalizedNamed('x:1')), other.id);
    assert.throws(() => store.resolve('x:1'), { message: 'No such image: x:1' });
    await assert.rejects(store.untag(parseNormalizedNamed('x:1')), { message: 'No such image: x:1' });
    assert.deepEqual(
      events.map((e) => [e.action, e.id, e.attributes.name]),
      [
        ['tag', image.id, 'x:1'],
        ['tag', other.id, 'x:1'],
        ['untag', other.id, other.id],
      ],
    );
  });

  test('a layer whose tar does not hash to its diff id is refused and nothing is stored', async () => {
    const blobs = await MemoryBlobStore.open();
    const store = await ImageStore.open(blobs);
    const before = (await blobs.usage()).usedBytes;
    const config = serializeImageConfig({ ...baseConfig(), rootfs: { type: 'layers', diff_ids: [`sha256:${await sha256Hex(BASE)}`] } });
    await assert.rejects(
      store.addImage({ configBytes: config, layers: [{ diffId: `sha256:${await sha256Hex(BASE)}`, blob: TOP, mediaType: MediaTypes.dockerLayer }] }),
      (e: unknown) => e instanceof InvalidImageError && /invalid diffID/.test(e.message),
    );
    await assert.rejects(store.addImage({ configBytes: config }), /is missing/);
    await assert.rejects(store.addImage({ configBytes: utf8('{"rootfs":{"type":"layers","diff_ids":["x"]}}') }), /diff_ids must be a list of sha256 digests/);
    assert.equal((await blobs.usage()).usedBytes, before);
    assert.equal(store.list().length, 0);
  });

  test('a hostile layer (.. entry) is refused before anything is stored', async () => {
    const blobs = await MemoryBlobStore.open();
    const store = await ImageStore.open(blobs);
    const evil = layerTar({ '../escape': 'x' });
    await assert.rejects(store.create({ layers: [evil], config: baseConfig() }), (e: unknown) => e instanceof InvalidImageError && /\.\./.test(e.message));
    assert.equal((await blobs.listRecords('')).length, 0);
  });

  test('gzip layers are stored as given and verified by diff id', async () => {
    const store = await ImageStore.open(await MemoryBlobStore.open());
    const diffId = `sha256:${await sha256Hex(BASE)}`;
    const blob = gzip(BASE);
    const config = serializeImageConfig({ ...baseConfig(), rootfs: { type: 'layers', diff_ids: [diffId] } });
    const { image } = await store.addImage({ configBytes: config, layers: [{ diffId, blob, mediaType: MediaTypes.dockerLayerGzip }] });
    const record = store.layer(diffId)!;
    assert.equal(record.blob, `sha256:${await sha256Hex(blob)}`);
    assert.equal(record.blobSize, blob.length);
    assert.equal(fileText((await store.layerTrees(image))[0]!, 'bin/sh'), 'shell');
  });

  test('deleteImage removes config and unshared layers, keeps shared ones, reports gone chain IDs', async () => {
    const blobs = await MemoryBlobStore.open();
    const store = await ImageStore.open(blobs);
    const image = await sampleImage(store);
    const base = store.get(image.parent!)!;
    const chains = await chainIds(image.diffIds);
    assert.deepEqual(await store.deleteImage(image.id), [chains[1]]);
    assert.equal(store.layer(image.diffIds[1]!), null);
    assert.ok(store.layer(image.diffIds[0]!));
    assert.throws(() => store.resolve('busybox'), { message: 'No such image: busybox:latest' });
    assert.deepEqual(await store.deleteImage(base.id), [chains[0]]);
    // Nothing of the images is left in the BlobStore.
    assert.deepEqual(await blobs.listBlobs(''), []);
    assert.deepEqual(await blobs.listRecords(''), []);
  });

  test('a lease keeps layers after the image is deleted, until released', async () => {
    const blobs = await MemoryBlobStore.open();
    const store = await ImageStore.open(blobs);
    const image = await sampleImage(store);
    await store.acquireLease('container1', image.diffIds);
    await store.deleteImage(image.id);
    const trees = await store.layerTreesFor(image.diffIds);
    assert.equal(fileText(trees[1]!, 'hello'), 'hello world\n');
    await store.deleteImage(image.parent!);
    assert.ok(store.layer(image.diffIds[0]!));
    await store.releaseLease('container1');
    assert.equal(store.layer(image.diffIds[0]!), null);
    assert.deepEqual(await blobs.listBlobs(''), []);
  });

  for (const kind of ['memory', 'directory'] as const) {
    test(`images, tags, layers and leases survive a reopen (${kind} store)`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'drydock-images-'));
      const medium = new MemoryBlobMedium();
      const open = async (): Promise<BlobStore> => (kind === 'memory' ? MemoryBlobStore.open(medium) : DirBlobStore.open({ root: dir }));
      try {
        let blobs = await open();
        let store = await ImageStore.open(blobs);
        const image = await sampleImage(store);
        await store.tag(image, parseNormalizedNamed('other:2'));
        await store.acquireLease('c1', image.diffIds);
        await blobs.close();

        blobs = await open();
        store = await ImageStore.open(blobs);
        const again = store.resolve('busybox');
        assert.equal(again.id, image.id);
        assert.deepEqual(again.repoTags, ['busybox:latest', 'other:2']);
        assert.equal(again.parent, image.parent);
        assert.equal(again.size, image.size);
        assert.deepEqual(store.damaged, []);
        assert.equal(fileText((await store.layerTrees(again))[1]!, 'hello'), 'hello world\n');
        await store.deleteImage(image.id);
        await store.deleteImage(image.parent!);
        await blobs.close();

        blobs = await open();
        store = await ImageStore.open(blobs);
        assert.equal(store.list().length, 0);
        // The lease kept both layers across the restart.
        assert.equal((await store.layerTreesFor(image.diffIds)).length, 2);
        await store.releaseLease('c1');
        assert.deepEqual(await blobs.listBlobs('sha256/'), []);
        await blobs.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test('an image whose config blob was lost is reported as damaged, not fatal', async () => {
    const medium = new MemoryBlobMedium();
    let blobs = await MemoryBlobStore.open(medium);
    const store = await ImageStore.open(blobs);
    const image = await sampleImage(store);
    await blobs.commit([{ op: 'deleteBlob', key: `sha256/${image.id.slice(7)}` }]);
    await blobs.close();
    blobs = await MemoryBlobStore.open(medium);
    const reopened = await ImageStore.open(blobs);
    assert.deepEqual(reopened.damaged.map((d) => d.id), [image.id]);
    assert.equal(reopened.tryResolve('busybox'), null);
    assert.ok(reopened.get(image.parent!));
  });
});
