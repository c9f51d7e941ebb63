/**
 * Conformance cases for the ContentStore over any BlobStore: ingest and
 * commit by digest, verification on read, labels, persistence, quotas.
 */
import { utf8 } from '../../../common/bytes.ts';
import { ContentStore, contentBlobKey } from '../content-store.ts';
import { type Digest, digestOf } from '../digest.ts';
import {
  ContentAlreadyExistsError,
  ContentCorruptError,
  ContentDigestMismatchError,
  ContentNotFoundError,
  ContentSizeMismatchError,
  IngestLockedError,
  IngestNotFoundError,
  InvalidDigestError,
  InvalidStoreValueError,
  StorageQuotaError,
} from '../errors.ts';
import { bytesEqual, deepEqual, equal, ok, rejects } from './assert.ts';
import { type ConformanceCase, type StoreLocation, patternBytes, withStore } from './harness.ts';

/** sha256("hello"), from the SHA-256 specification's behaviour (`printf hello | sha256sum`). */
const HELLO = 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824' as Digest;

function contentCase(name: string, run: (location: StoreLocation) => Promise<void>): ConformanceCase {
  return { group: 'content-store', name, run };
}

export const HOSTILE_DIGESTS: readonly string[] = [
  '',
  'sha256:',
  'sha256:../../../../etc/passwd',
  `sha256:${'a'.repeat(63)}`,
  `sha256:${'a'.repeat(65)}`,
  `sha256:${'A'.repeat(64)}`,
  `sha512:${'a'.repeat(128)}`,
  `sha256/${'a'.repeat(64)}`,
  `sha256:${'a'.repeat(63)}/`,
  `sha256:${'a'.repeat(62)}..`,
];

export function contentStoreCases(): ConformanceCase[] {
  return [
    contentCase('put, info, read, list and delete by digest', async (location) => {
      await withStore(location, {}, async (blobs) => {
        const content = new ContentStore(blobs);
        const info = await content.put(utf8('hello'), { labels: { 'drydock.test': 'yes' } });
        equal(info.digest, HELLO, 'digest of "hello"');
        equal(info.size, 5, 'size');
        deepEqual(info.labels, { 'drydock.test': 'yes' }, 'labels');
        ok(!Number.isNaN(Date.parse(info.createdAt)), 'createdAt is a time');
        deepEqual(await content.info(HELLO), info, 'info');
        bytesEqual(await content.read(HELLO), utf8('hello'), 'read');
        const other = await content.put(patternBytes(70_000, 3));
        deepEqual((await content.list()).map((i) => i.digest), [HELLO, other.digest].sort(), 'list');
        const walked: string[] = [];
        await content.walk((i) => {
          walked.push(i.digest);
        });
        deepEqual(walked, [HELLO, other.digest].sort(), 'walk');
        equal(await content.has(HELLO), true, 'has');
        await content.delete(HELLO);
        equal(await content.has(HELLO), false, 'deleted');
        await rejects(() => content.info(HELLO), ContentNotFoundError, 'info after delete');
        await rejects(() => content.read(HELLO), ContentNotFoundError, 'read after delete');
        await rejects(() => content.delete(HELLO), ContentNotFoundError, 'delete twice');
        equal(await blobs.getBlob(contentBlobKey(HELLO)), null, 'the blob is gone with its info');
        deepEqual((await blobs.listBlobs('sha256/')).map((b) => b.key), [contentBlobKey(other.digest)], 'blobs at sha256/<hex>');
      });
    }),

    contentCase('a writer ingests chunks under a ref and commits with the expected digest', async (location) => {
      await withStore(location, {}, async (blobs) => {
        const content = new ContentStore(blobs);
        const data = patternBytes(300_000, 9);
        const digest = await digestOf(data);
        const writer = await content.writer('layer-1', { expected: digest, total: data.length });
        writer.write(data.subarray(0, 100_000));
        writer.write(data.subarray(100_000));
        const status = writer.status();
        equal(status.offset, data.length, 'status offset');
        equal(status.total, data.length, 'status total');
        equal(status.expected, digest, 'status expected');
        deepEqual(content.statuses().map((s) => s.ref), ['layer-1'], 'statuses lists the ingest');
        equal(await content.has(digest), false, 'nothing visible before commit');
        const info = await writer.commit({ expected: digest, size: data.length, labels: { a: 'b' } });
        equal(info.digest, digest, 'committed digest');
        deepEqual(content.statuses(), [], 'ref released after commit');
        bytesEqual(await content.read(digest), data, 'committed bytes');
        await rejects(() => content.writer('other', { expected: digest }), ContentAlreadyExistsError, 'writer for existing content');
        const again = await content.writer('again');
        again.write(data);
        await rejects(() => again.commit(), ContentAlreadyExistsError, 'commit of existing content');
        deepEqual(content.statuses(), [], 'ref released after a failed commit');
      });
    }),

    contentCase('a digest or size mismatch stores nothing', async (location) => {
      await withStore(location, {}, async (blobs) => {
        const content = new ContentStore(blobs);
        const before = await blobs.usage();
        const writer = await content.writer('bad', { expected: HELLO });
        writer.write(utf8('hellO'));
        const error = await rejects(() => writer.commit(), ContentDigestMismatchError, 'wrong bytes for the expected digest');
        equal(error.expected, HELLO, 'error names the expected digest');
        equal(error.actual, await digestOf(utf8('hellO')), 'error names the actual digest');
        const second = await content.writer('bad');
        second.write(utf8('hello'));
        await rejects(() => second.commit({ expected: `sha256:${'0'.repeat(64)}` }), ContentDigestMismatchError, 'wrong expected digest at commit');
        const sized = await content.writer('sized', { total: 4 });
        await rejects(async () => sized.write(utf8('hello')), ContentSizeMismatchError, 'write past total');
        sized.write(utf8('hel'));
        await rejects(() => sized.commit(), ContentSizeMismatchError, 'commit short of total');
        const third = await content.writer('third');
        third.write(utf8('hello'));
        await rejects(() => third.commit({ size: 6 }), ContentSizeMismatchError, 'commit with wrong size');
        await rejects(() => content.put(utf8('hello'), { expected: `sha256:${'1'.repeat(64)}` }), ContentDigestMismatchError, 'put with wrong digest');
        deepEqual(await content.list(), [], 'no content');
        deepEqual(await blobs.listBlobs(''), [], 'no blobs');
        deepEqual(await blobs.usage(), before, 'usage unchanged');
      });
    }),

    contentCase('ingest refs are exclusive until commit or abort', async (location) => {
      await withStore(location, {}, async (blobs) => {
        const content = new ContentStore(blobs);
        const writer = await content.writer('ref');
        await rejects(() => content.writer('ref'), IngestLockedError, 'second writer on a busy ref');
        writer.write(utf8('partial'));
        content.abort('ref');
        await rejects(async () => writer.write(utf8('more')), IngestNotFoundError, 'write after abort');
        await rejects(() => writer.commit(), IngestNotFoundError, 'commit after abort');
        await rejects(async () => content.abort('ref'), IngestNotFoundError, 'abort twice');
        const next = await content.writer('ref');
        next.write(utf8('hello'));
        equal((await next.commit()).digest, HELLO, 'the ref is usable again');
        await rejects(() => content.writer(''), InvalidStoreValueError, 'empty ref');
        deepEqual(await blobs.listBlobs(''), [{ key: contentBlobKey(HELLO), size: 5 }], 'only the committed blob exists');
      });
    }),

    contentCase('reads are verified: corrupt, truncated or missing bytes give ContentCorruptError', async (location) => {
      await withStore(location, {}, async (blobs) => {
        const content = new ContentStore(blobs);
        const data = patternBytes(50_000, 4);
        const { digest } = await content.put(data);
        const flipped = data.slice();
        flipped[12_345]! ^= 0x40;
        // Simulate damage below the content store: same key, wrong bytes.
        await blobs.commit([{ op: 'putBlob', key: contentBlobKey(digest), bytes: flipped }]);
        const error = await rejects(() => content.read(digest), ContentCorruptError, 'flipped bit');
        equal(error.digest, digest, 'error names the digest');
        await blobs.commit([{ op: 'putBlob', key: contentBlobKey(digest), bytes: data.subarray(0, 49_999) }]);
        await rejects(() => content.read(digest), ContentCorruptError, 'truncated');
        await blobs.commit([{ op: 'deleteBlob', key: contentBlobKey(digest) }]);
        await rejects(() => content.read(digest), ContentCorruptError, 'missing bytes');
        await content.put(data);
        bytesEqual(await content.read(digest), data, 'putting the same content again repairs it');
      });
    }),

    contentCase('hostile digests are refused before they reach storage', async (location) => {
      await withStore(location, {}, async (blobs) => {
        const content = new ContentStore(blobs);
        for (const digest of HOSTILE_DIGESTS) {
          const label = JSON.stringify(digest);
          await rejects(() => content.info(digest), InvalidDigestError, `info ${label}`);
          await rejects(() => content.read(digest), InvalidDigestError, `read ${label}`);
          await rejects(() => content.delete(digest), InvalidDigestError, `delete ${label}`);
          await rejects(() => content.writer('w', { expected: digest }), InvalidDigestError, `writer ${label}`);
          await rejects(() => content.put(utf8('x'), { expected: digest }), InvalidDigestError, `put ${label}`);
        }
        deepEqual(await blobs.listBlobs(''), [], 'nothing stored');
        deepEqual(content.statuses(), [], 'no ingest left behind');
      });
    }),

    contentCase('labels are validated, replaced by update and merged by a repeated put', async (location) => {
      await withStore(location, {}, async (blobs) => {
        const content = new ContentStore(blobs);
        await content.put(utf8('hello'), { labels: { a: '1', b: '2' } });
        const merged = await content.put(utf8('hello'), { labels: { b: '3', c: '4' } });
        deepEqual(merged.labels, { a: '1', b: '3', c: '4' }, 'merged labels');
        deepEqual((await content.info(HELLO)).labels, { a: '1', b: '3', c: '4' }, 'merged labels stored');
        const updated = await content.update(HELLO, { labels: { only: 'this' } });
        deepEqual(updated.labels, { only: 'this' }, 'replaced labels');
        deepEqual((await content.info(HELLO)).labels, { only: 'this' }, 'replaced labels stored');
        await rejects(() => content.update(`sha256:${'2'.repeat(64)}`, { labels: {} }), ContentNotFoundError, 'update of missing content');
        await rejects(() => content.update(HELLO, { labels: { x: 1 as unknown as string } }), InvalidStoreValueError, 'non-string label');
        await rejects(() => content.update(HELLO, { labels: { x: 'v'.repeat(5000) } }), InvalidStoreValueError, 'oversized label');
        deepEqual((await content.info(HELLO)).labels, { only: 'this' }, 'labels unchanged by refused updates');
      });
    }),

    contentCase('committed content survives a reopen and still verifies', async (location) => {
      const data = patternBytes(1_000_000, 21);
      let digest: Digest | null = null;
      await withStore(location, {}, async (blobs) => {
        digest = (await new ContentStore(blobs).put(data, { labels: { keep: 'me' } })).digest;
      });
      await withStore(location, {}, async (blobs) => {
        const content = new ContentStore(blobs);
        bytesEqual(await content.read(digest!), data, 'bytes after reopen');
        deepEqual((await content.info(digest!)).labels, { keep: 'me' }, 'labels after reopen');
      });
    }),

    contentCase('content over the quota fails with StorageQuotaError and the store stays usable', async (location) => {
      await withStore(location, { quotaBytes: 100_000 }, async (blobs) => {
        const content = new ContentStore(blobs);
        const small = await content.put(patternBytes(40_000, 1));
        const writer = await content.writer('big');
        writer.write(patternBytes(70_000, 2));
        await rejects(() => writer.commit(), StorageQuotaError, 'writer over quota');
        await rejects(() => content.put(patternBytes(70_000, 3)), StorageQuotaError, 'put over quota');
        deepEqual((await content.list()).map((i) => i.digest), [small.digest], 'only the first blob');
        deepEqual(content.statuses(), [], 'ingest released');
        await content.delete(small.digest);
        const big = await content.put(patternBytes(70_000, 2));
        bytesEqual(await content.read(big.digest), patternBytes(70_000, 2), 'fits after a delete');
      });
    }),
  ];
}
