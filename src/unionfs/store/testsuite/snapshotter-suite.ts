/**
 * Conformance cases for the Snapshotter over any BlobStore, following
 * containerd's snapshotter test suite (core/snapshots/testsuite): key, name
 * and parent semantics, layer commit atomicity, persistence.
 */
import type { BlobStore } from '../../../platform/types.ts';
import { utf8 } from '../../../common/bytes.ts';
import { ContentStore } from '../content-store.ts';
import { digestOf } from '../digest.ts';
import {
  ContentCorruptError,
  ContentNotFoundError,
  InvalidStoreValueError,
  SnapshotExistsError,
  SnapshotNotFoundError,
  SnapshotStateError,
  StorageQuotaError,
} from '../errors.ts';
import { type SnapshotInfo, Snapshotter } from '../snapshotter.ts';
import { bytesEqual, deepEqual, equal, ok, rejects } from './assert.ts';
import { type ConformanceCase, type StoreLocation, patternBytes, withStore } from './harness.ts';

function snapshotCase(name: string, run: (location: StoreLocation) => Promise<void>): ConformanceCase {
  return { group: 'snapshotter', name, run };
}

function snapshotterOn(blobs: BlobStore): { content: ContentStore; snapshots: Snapshotter } {
  const content = new ContentStore(blobs);
  return { content, snapshots: new Snapshotter(content) };
}

async function walkAll(snapshots: Snapshotter): Promise<SnapshotInfo[]> {
  const out: SnapshotInfo[] = [];
  await snapshots.walk((info) => {
    out.push(info);
  });
  return out;
}

export function snapshotterCases(): ConformanceCase[] {
  return [
    snapshotCase('prepare, commit and view build a chain of layers', async (location) => {
      await withStore(location, {}, async (blobs) => {
        const { content, snapshots } = snapshotterOn(blobs);
        const base = await snapshots.prepare('extract-1', null, { labels: { stage: 'unpack' } });
        deepEqual(base, { key: 'extract-1', kind: 'active', readonly: false, layers: [], upper: null }, 'mounts of a root snapshot');
        const layer1 = utf8('layer one tar');
        const l1 = await snapshots.commit('layer-1', 'extract-1', { content: layer1, labels: { image: 'x' } });
        equal(l1.kind, 'committed', 'kind');
        equal(l1.parent, null, 'parent');
        deepEqual(l1.labels, { image: 'x' }, 'labels come from the commit');
        equal(l1.layer?.digest, await digestOf(layer1), 'layer digest');
        equal(l1.layer?.diffId, await digestOf(layer1), 'diff id of an uncompressed layer');
        bytesEqual(await content.read(l1.layer!.digest), layer1, 'layer stored in the content store');
        await rejects(() => snapshots.stat('extract-1'), SnapshotNotFoundError, 'the active key is gone after commit');

        await snapshots.prepare('extract-2', 'layer-1');
        const layer2 = patternBytes(100_000, 7);
        const l2 = await snapshots.commit('layer-2', 'extract-2', { content: layer2, diffId: `sha256:${'d'.repeat(64)}`, mediaType: 'application/x-test' });
        equal(l2.parent, 'layer-1', 'parent of layer-2');
        equal(l2.layer?.diffId, `sha256:${'d'.repeat(64)}`, 'explicit diff id');
        equal(l2.layer?.mediaType, 'application/x-test', 'media type');

        const view = await snapshots.view('view-1', 'layer-2');
        equal(view.readonly, true, 'a view is read-only');
        equal(view.kind, 'view', 'view kind');
        deepEqual(view.layers.map((l) => l.digest), [l1.layer!.digest, l2.layer!.digest], 'layers lowest first');
        const container = await snapshots.prepare('container-1', 'layer-2');
        deepEqual(container.layers, view.layers, 'an active snapshot sees the same layers');
        deepEqual(await snapshots.mounts('container-1'), container, 'mounts() returns what prepare returned');
        await rejects(() => snapshots.mounts('layer-1'), SnapshotStateError, 'a committed snapshot has no mounts');

        const all = await walkAll(snapshots);
        deepEqual(all.map((i) => [i.name, i.kind, i.parent]), [
          ['container-1', 'active', 'layer-2'],
          ['layer-1', 'committed', null],
          ['layer-2', 'committed', 'layer-1'],
          ['view-1', 'view', 'layer-2'],
        ], 'walk lists every snapshot in key order');
        deepEqual(await snapshots.stat('layer-2'), l2, 'stat');
        deepEqual(await snapshots.usage('layer-2'), { size: layer2.length }, 'usage of a committed layer');
        deepEqual(await snapshots.usage('view-1'), { size: 0 }, 'usage of a view');
      });
    }),

    snapshotCase('keys and names share one namespace; kinds are enforced', async (location) => {
      await withStore(location, {}, async (blobs) => {
        const { snapshots } = snapshotterOn(blobs);
        await snapshots.prepare('a');
        await snapshots.commit('base', 'a');
        await snapshots.prepare('active', 'base');
        await snapshots.view('view', 'base');
        await rejects(() => snapshots.prepare('active', 'base'), SnapshotExistsError, 'prepare of an existing key');
        await rejects(() => snapshots.prepare('base'), SnapshotExistsError, 'prepare with a committed name as key');
        await rejects(() => snapshots.view('view'), SnapshotExistsError, 'view of an existing key');
        await snapshots.prepare('b', 'base');
        await rejects(() => snapshots.commit('base', 'b'), SnapshotExistsError, 'commit into an existing name');
        await rejects(() => snapshots.commit('view', 'b'), SnapshotExistsError, 'commit into an existing key');
        await rejects(() => snapshots.commit('b', 'b'), SnapshotExistsError, 'commit into its own key');
        await rejects(() => snapshots.commit('x', 'view'), SnapshotStateError, 'commit of a view');
        await rejects(() => snapshots.commit('x', 'base'), SnapshotStateError, 'commit of a committed snapshot');
        await rejects(() => snapshots.commit('x', 'nope'), SnapshotNotFoundError, 'commit of a missing key');
        await rejects(() => snapshots.prepare('c', 'active'), SnapshotStateError, 'an active parent');
        await rejects(() => snapshots.prepare('c', 'view'), SnapshotStateError, 'a view as parent');
        await rejects(() => snapshots.prepare('c', 'nope'), SnapshotNotFoundError, 'a missing parent');
        await rejects(() => snapshots.stat('nope'), SnapshotNotFoundError, 'stat of a missing key');
        await rejects(() => snapshots.prepare(''), InvalidStoreValueError, 'an empty key');
        await rejects(() => snapshots.checkpoint('view', utf8('x')), SnapshotStateError, 'checkpoint of a view');
        await rejects(() => snapshots.checkpoint('base', utf8('x')), SnapshotStateError, 'checkpoint of a committed snapshot');
        await rejects(() => snapshots.commit('y', 'b', { content: utf8('x'), layer: { digest: `sha256:${'0'.repeat(64)}` } }), InvalidStoreValueError, 'content and layer together');
        deepEqual((await walkAll(snapshots)).map((i) => i.name), ['active', 'b', 'base', 'view'], 'refused operations changed nothing');
      });
    }),

    snapshotCase('a snapshot with children cannot be removed; removal deletes its checkpoint', async (location) => {
      await withStore(location, {}, async (blobs) => {
        const { content, snapshots } = snapshotterOn(blobs);
        await snapshots.prepare('k');
        const base = await snapshots.commit('base', 'k', { content: utf8('base layer') });
        await snapshots.prepare('child', 'base');
        await snapshots.checkpoint('child', utf8('writable'));
        await snapshots.view('viewer', 'base');
        const error = await rejects(() => snapshots.remove('base'), SnapshotStateError, 'remove a parent');
        ok(error.message.includes('children'), 'the error says why');
        await snapshots.remove('viewer');
        await rejects(() => snapshots.remove('base'), SnapshotStateError, 'still has an active child');
        equal((await blobs.listBlobs('upper/')).length, 1, 'the checkpoint blob exists');
        await snapshots.remove('child');
        deepEqual(await blobs.listBlobs('upper/'), [], 'removing the active snapshot removed its checkpoint');
        await snapshots.remove('base');
        await rejects(() => snapshots.remove('base'), SnapshotNotFoundError, 'remove twice');
        deepEqual(await walkAll(snapshots), [], 'no snapshots left');
        equal(await content.has(base.layer!.digest), true, 'layer content is kept for the garbage collector');
      });
    }),

    snapshotCase('checkpoints persist an active snapshot and become its layer on commit', async (location) => {
      const upper1 = patternBytes(20_000, 1);
      const upper2 = patternBytes(30_000, 2);
      await withStore(location, {}, async (blobs) => {
        const { snapshots } = snapshotterOn(blobs);
        await snapshots.prepare('ctr');
        equal(await snapshots.readUpper('ctr'), null, 'no checkpoint yet');
        await snapshots.checkpoint('ctr', upper1);
        await snapshots.checkpoint('ctr', upper2);
        const mounts = await snapshots.mounts('ctr');
        deepEqual(mounts.upper, { size: upper2.length, digest: await digestOf(upper2) }, 'mounts report the checkpoint');
        deepEqual(await snapshots.usage('ctr'), { size: upper2.length }, 'usage of an active snapshot');
      });
      await withStore(location, {}, async (blobs) => {
        const { content, snapshots } = snapshotterOn(blobs);
        bytesEqual(await snapshots.readUpper('ctr'), upper2, 'checkpoint after reopen');
        const info = await snapshots.commit('image-layer', 'ctr');
        equal(info.layer?.digest, await digestOf(upper2), 'the checkpoint became the layer');
        bytesEqual(await content.read(info.layer!.digest), upper2, 'layer content');
        deepEqual(await blobs.listBlobs('upper/'), [], 'checkpoint blob removed by the commit');
        await snapshots.prepare('empty');
        const empty = await snapshots.commit('empty-layer', 'empty');
        equal(empty.layer, null, 'committing without any content gives an empty layer');
        await snapshots.prepare('on-empty', 'empty-layer');
        deepEqual((await snapshots.mounts('on-empty')).layers, [], 'empty layers are not mounted');
      });
    }),

    snapshotCase('a corrupt checkpoint is detected, not returned', async (location) => {
      await withStore(location, {}, async (blobs) => {
        const { snapshots } = snapshotterOn(blobs);
        await snapshots.prepare('ctr');
        await snapshots.checkpoint('ctr', utf8('good data'));
        const [upper] = await blobs.listBlobs('upper/');
        await blobs.commit([{ op: 'putBlob', key: upper!.key, bytes: utf8('evil data') }]);
        await rejects(() => snapshots.readUpper('ctr'), ContentCorruptError, 'readUpper');
        await rejects(() => snapshots.commit('layer', 'ctr'), ContentCorruptError, 'commit from a corrupt checkpoint');
        equal((await snapshots.stat('ctr')).kind, 'active', 'the snapshot is still active');
      });
    }),

    snapshotCase('commit can reference a layer already in the content store', async (location) => {
      await withStore(location, {}, async (blobs) => {
        const { content, snapshots } = snapshotterOn(blobs);
        const gz = await content.put(utf8('pretend this is a gzipped layer'));
        await snapshots.prepare('unpack');
        const diffId = `sha256:${'e'.repeat(64)}`;
        const info = await snapshots.commit('chain-1', 'unpack', { layer: { digest: gz.digest, diffId, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' } });
        deepEqual(info.layer, { digest: gz.digest, size: gz.size, diffId, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }, 'layer reference');
        await snapshots.prepare('unpack-2', 'chain-1');
        await rejects(() => snapshots.commit('chain-2', 'unpack-2', { layer: { digest: `sha256:${'f'.repeat(64)}` } }), ContentNotFoundError, 'a missing layer');
        equal((await snapshots.stat('unpack-2')).kind, 'active', 'nothing changed');
        await rejects(() => snapshots.stat('chain-2'), SnapshotNotFoundError, 'no committed snapshot');
      });
    }),

    snapshotCase('snapshots survive a reopen with their layers', async (location) => {
      const layer = patternBytes(500_000, 13);
      await withStore(location, {}, async (blobs) => {
        const { snapshots } = snapshotterOn(blobs);
        await snapshots.prepare('k1');
        await snapshots.commit('l1', 'k1', { content: layer, labels: { ref: 'image' } });
        await snapshots.prepare('ctr', 'l1', { labels: { container: 'c1' } });
      });
      await withStore(location, {}, async (blobs) => {
        const { content, snapshots } = snapshotterOn(blobs);
        const l1 = await snapshots.stat('l1');
        deepEqual(l1.labels, { ref: 'image' }, 'labels after reopen');
        bytesEqual(await content.read(l1.layer!.digest), layer, 'layer after reopen');
        const mounts = await snapshots.mounts('ctr');
        deepEqual(mounts.layers.map((l) => l.digest), [l1.layer!.digest], 'mounts after reopen');
        const updated = await snapshots.update('ctr', { labels: { container: 'c2' } });
        deepEqual(updated.labels, { container: 'c2' }, 'update');
      });
      await withStore(location, {}, async (blobs) => {
        deepEqual((await snapshotterOn(blobs).snapshots.stat('ctr')).labels, { container: 'c2' }, 'updated labels after reopen');
      });
    }),

    snapshotCase('a layer commit over the quota changes nothing and can be retried', async (location) => {
      await withStore(location, { quotaBytes: 60_000 }, async (blobs) => {
        const { content, snapshots } = snapshotterOn(blobs);
        await snapshots.prepare('ctr');
        await snapshots.checkpoint('ctr', patternBytes(25_000, 1));
        const usage = await blobs.usage();
        // The commit frees the checkpoint in the same transaction: only the net growth counts.
        await rejects(() => snapshots.commit('layer', 'ctr', { content: patternBytes(70_000, 2) }), StorageQuotaError, 'layer over quota');
        equal((await snapshots.stat('ctr')).kind, 'active', 'still active');
        await rejects(() => snapshots.stat('layer'), SnapshotNotFoundError, 'no committed snapshot');
        deepEqual(await content.list(), [], 'no content');
        deepEqual(await blobs.usage(), usage, 'usage unchanged');
        bytesEqual(await snapshots.readUpper('ctr'), patternBytes(25_000, 1), 'checkpoint intact');
        await rejects(() => snapshots.checkpoint('ctr', patternBytes(70_000, 3)), StorageQuotaError, 'checkpoint over quota');
        bytesEqual(await snapshots.readUpper('ctr'), patternBytes(25_000, 1), 'checkpoint intact after a refused checkpoint');
      });
      await withStore(location, { quotaBytes: 200_000 }, async (blobs) => {
        const { snapshots } = snapshotterOn(blobs);
        const info = await snapshots.commit('layer', 'ctr', { content: patternBytes(70_000, 2) });
        equal(info.layer?.size, 70_000, 'commit succeeds with room');
        ok((await blobs.usage()).usedBytes < 70_000 + 25_000, 'the checkpoint space was reclaimed');
        deepEqual(await blobs.listBlobs('upper/'), [], 'checkpoint released');
      });
    }),

    snapshotCase('two snapshotters on one store (two tabs) cannot both create a key', async (location) => {
      await withStore(location, {}, async (blobs) => {
        const first = snapshotterOn(blobs).snapshots;
        const second = snapshotterOn(blobs).snapshots;
        await first.prepare('k');
        await first.commit('base', 'k');
        const results = await Promise.allSettled([first.prepare('same', 'base'), second.prepare('same', 'base')]);
        equal(results.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one prepare wins');
        const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        ok(lost.reason instanceof SnapshotExistsError, `the other gets SnapshotExistsError, got ${String(lost.reason)}`);
        await first.prepare('ctr', 'base');
        const commits = await Promise.allSettled([first.commit('n1', 'ctr'), second.commit('n2', 'ctr')]);
        equal(commits.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one commit of a key wins');
        const names = (await walkAll(first)).map((i) => i.name);
        ok(names.includes('n1') !== names.includes('n2'), `one committed name exists, got ${names.join(',')}`);
      });
    }),

    snapshotCase('odd snapshot keys are plain metadata and name no files', async (location) => {
      await withStore(location, {}, async (blobs) => {
        const { snapshots } = snapshotterOn(blobs);
        const keys = ['../../../../etc/passwd', '/abs/olute', 'default/3/sha256:abc', 'ünï cøde\n', '.'];
        for (const key of keys) {
          await snapshots.prepare(key);
          await snapshots.checkpoint(key, utf8(key));
        }
        for (const key of keys) bytesEqual(await snapshots.readUpper(key), utf8(key), `checkpoint of ${JSON.stringify(key)}`);
        for (const { key } of await blobs.listBlobs('')) ok(/^upper\/[0-9a-f]{64}$/.test(key), `blob key ${key} is a hash`);
        deepEqual((await walkAll(snapshots)).map((i) => i.name), [...keys].sort(), 'walk');
      });
    }),
  ];
}
