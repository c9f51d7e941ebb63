/**
 * IdbBlobStore specifics on fake-indexeddb (the shared contract runs in
 * test/store-conformance.test.ts here and in real Chromium in
 * test/store-browser.test.ts): several connections to one database, as
 * several tabs have, and the stored layout.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import 'fake-indexeddb/auto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { utf8 } from '../../common/bytes.ts';
import { ContentStore } from '../../unionfs/store/content-store.ts';
import { BlobStoreUnavailableError, SnapshotExistsError, StorageQuotaError } from '../../unionfs/store/errors.ts';
import { Snapshotter } from '../../unionfs/store/snapshotter.ts';
import { IdbBlobStore } from './idb-blob-store.ts';

function opener(factory: IDBFactory, quotaBytes: number | null = null) {
  return () => IdbBlobStore.open({ name: 'tabs', indexedDB: factory, keyRange: IDBKeyRange, quotaBytes });
}

test('two tabs on one database see each other’s commits and share one usage count', async () => {
  const factory = new IDBFactory();
  const tab1 = await opener(factory, 1000)();
  const tab2 = await opener(factory, 1000)();
  await tab1.commit([{ op: 'putBlob', key: 'test/a', bytes: new Uint8Array(600) }]);
  assert.equal((await tab2.getBlob('test/a'))?.length, 600);
  assert.equal((await tab2.usage()).usedBytes, 600);
  // The quota is checked against the shared count, inside the transaction.
  await assert.rejects(tab2.commit([{ op: 'putBlob', key: 'test/b', bytes: new Uint8Array(600) }]), StorageQuotaError);
  await tab2.commit([{ op: 'deleteBlob', key: 'test/a' }]);
  assert.equal((await tab1.usage()).usedBytes, 0);
  await Promise.all([tab1.close(), tab2.close()]);
});

test('two tabs racing to create one snapshot: exactly one wins', async () => {
  const factory = new IDBFactory();
  const [tab1, tab2] = await Promise.all([opener(factory)(), opener(factory)()]);
  const s1 = new Snapshotter(new ContentStore(tab1));
  const s2 = new Snapshotter(new ContentStore(tab2));
  const results = await Promise.allSettled([s1.prepare('same'), s2.prepare('same')]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  assert.ok(results.some((r) => r.status === 'rejected' && r.reason instanceof SnapshotExistsError));
  await Promise.all([tab1.close(), tab2.close()]);
});

test('blobs are stored as exact-length byte arrays, records as JSON text', async () => {
  const factory = new IDBFactory();
  const store = await opener(factory)();
  const big = new Uint8Array(1000);
  await store.commit([
    { op: 'putBlob', key: 'test/view', bytes: big.subarray(10, 20) },
    { op: 'putRecord', key: 'r', value: { zero: -0 } },
  ]);
  await store.close();
  const raw = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = factory.open('tabs');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const get = (storeName: string, key: string) =>
    new Promise<unknown>((resolve, reject) => {
      const request = raw.transaction(storeName).objectStore(storeName).get(key);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const blob = (await get('blobs', 'test/view')) as Uint8Array;
  assert.equal(blob.byteLength, 10);
  assert.equal(blob.buffer.byteLength, 10);
  assert.equal(await get('records', 'r'), '{"zero":0}');
  assert.equal(await get('blobSizes', 'test/view'), 10);
  raw.close();
});

test('a deleted database reopens empty; a closed store refuses work', async () => {
  const factory = new IDBFactory();
  const store = await opener(factory)();
  await new ContentStore(store).put(utf8('hello'));
  await store.close();
  await assert.rejects(store.getBlob('test/a'), BlobStoreUnavailableError);
  await IdbBlobStore.destroy('tabs', factory);
  const again = await opener(factory)();
  assert.deepEqual(await again.listBlobs(''), []);
  assert.equal((await again.usage()).usedBytes, 0);
  await again.close();
});
