/** MemoryBlobStore specifics (the shared contract is in test/store-conformance.test.ts). */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { utf8 } from '../../common/bytes.ts';
import { BlobStoreUnavailableError, InvalidStoreValueError } from '../../unionfs/store/errors.ts';
import { MemoryBlobMedium, MemoryBlobStore } from './blob-store.ts';

test('one store per medium at a time; the medium keeps the data between stores', async () => {
  const medium = new MemoryBlobMedium();
  const first = await MemoryBlobStore.open(medium);
  await assert.rejects(MemoryBlobStore.open(medium), BlobStoreUnavailableError);
  await first.commit([{ op: 'putBlob', key: 'test/a', bytes: utf8('a') }]);
  await first.close();
  const second = await MemoryBlobStore.open(medium);
  assert.deepEqual(await second.getBlob('test/a'), utf8('a'));
  await second.close();
});

test('a fresh medium by default, and invalid quotas are refused', async () => {
  const a = await MemoryBlobStore.open();
  const b = await MemoryBlobStore.open();
  await a.commit([{ op: 'putRecord', key: 'k', value: {} }]);
  assert.equal(await b.getRecord('k'), null);
  await Promise.all([a.close(), b.close()]);
  for (const quotaBytes of [-1, 1.5, Number.NaN]) {
    await assert.rejects(MemoryBlobStore.open(new MemoryBlobMedium(), { quotaBytes }), InvalidStoreValueError);
  }
});
