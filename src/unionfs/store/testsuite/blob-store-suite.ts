/**
 * Conformance cases for BlobStore implementations: the contract documented on
 * `BlobStore` in src/platform/types.ts, checked the same way for every store.
 */
import type { BlobStore, BlobStoreOp, StoredRecord } from '../../../platform/types.ts';
import { utf8 } from '../../../common/bytes.ts';
import { Errno, ErrnoError } from '../../../common/errno.ts';
import { recordCost } from '../blob-keys.ts';
import {
  BlobStoreConflictError,
  BlobStoreUnavailableError,
  InvalidStoreKeyError,
  InvalidStoreValueError,
  StorageQuotaError,
} from '../errors.ts';
import { bytesEqual, deepEqual, equal, ok, rejects } from './assert.ts';
import { type ConformanceCase, type StoreLocation, patternBytes, withStore } from './harness.ts';

function cost(key: string, value: StoredRecord): number {
  return recordCost(key, JSON.stringify(value));
}

/** A snapshot of everything visible in a store, to check that a failed transaction changed nothing. */
async function contents(store: BlobStore): Promise<unknown> {
  const blobs = [];
  for (const entry of await store.listBlobs('')) blobs.push({ ...entry, bytes: await store.getBlob(entry.key) });
  return { blobs, records: await store.listRecords(''), usage: await store.usage() };
}

function blobCase(name: string, run: (location: StoreLocation) => Promise<void>): ConformanceCase {
  return { group: 'blob-store', name, run };
}

export const HOSTILE_BLOB_KEYS: readonly string[] = [
  '',
  'sha256',
  'sha256/',
  '/sha256/abc',
  'sha256//abc',
  '../x',
  'sha256/..',
  'sha256/.',
  'sha256/../../../etc/passwd',
  'sha256/.hidden',
  'sha256/a/b',
  'SHA256/abc',
  'sha256/a b',
  'sha256/a\0b',
  'sha256/a\\b',
  'sha256/a\nb',
  'sha256/é',
  `sha256/${'x'.repeat(201)}`,
  `${'n'.repeat(33)}/x`,
];

export function blobStoreCases(): ConformanceCase[] {
  return [
    blobCase('a new store is empty', async (location) => {
      await withStore(location, {}, async (store) => {
        equal(await store.getBlob('sha256/abc'), null, 'getBlob of a missing key');
        equal(await store.getRecord('nothing'), null, 'getRecord of a missing key');
        deepEqual(await store.listBlobs(''), [], 'listBlobs');
        deepEqual(await store.listRecords(''), [], 'listRecords');
        deepEqual(await store.usage(), { usedBytes: 0, quotaBytes: null }, 'usage');
      });
    }),

    blobCase('blobs round-trip every byte value, including empty and large blobs', async (location) => {
      const all = new Uint8Array(256).map((_, i) => i);
      const big = patternBytes(3 * 1024 * 1024 + 7, 11);
      await withStore(location, {}, async (store) => {
        await store.commit([
          { op: 'putBlob', key: 'test/all', bytes: all },
          { op: 'putBlob', key: 'test/empty', bytes: new Uint8Array(0) },
          { op: 'putBlob', key: 'test/big', bytes: big },
        ]);
        bytesEqual(await store.getBlob('test/all'), all, 'all byte values');
        bytesEqual(await store.getBlob('test/empty'), new Uint8Array(0), 'empty blob');
        bytesEqual(await store.getBlob('test/big'), big, 'large blob');
        deepEqual(
          await store.listBlobs('test/'),
          [
            { key: 'test/all', size: 256 },
            { key: 'test/big', size: big.length },
            { key: 'test/empty', size: 0 },
          ],
          'listBlobs',
        );
      });
    }),

    blobCase('stored bytes and records are copies on the way in and out', async (location) => {
      await withStore(location, {}, async (store) => {
        const bytes = utf8('original');
        const value: StoredRecord = { nested: { list: [1, 2, 3] } };
        const pending = store.commit([
          { op: 'putBlob', key: 'test/copy', bytes },
          { op: 'putRecord', key: 'copy', value },
        ]);
        bytes.fill(0);
        (value.nested as { list: number[] }).list.push(4);
        await pending;
        bytesEqual(await store.getBlob('test/copy'), utf8('original'), 'blob after the caller changed its array');
        deepEqual(await store.getRecord('copy'), { nested: { list: [1, 2, 3] } }, 'record after the caller changed its object');
        const read = (await store.getBlob('test/copy'))!;
        read.fill(1);
        bytesEqual(await store.getBlob('test/copy'), utf8('original'), 'blob after the reader changed its copy');
        const record = (await store.getRecord('copy'))!;
        (record.nested as { list: number[] }).list.length = 0;
        deepEqual(await store.getRecord('copy'), { nested: { list: [1, 2, 3] } }, 'record after the reader changed its copy');
      });
    }),

    blobCase('records keep JSON values and any key, and list by prefix in key order', async (location) => {
      const value: StoredRecord = { s: 'text ✓ \u{1F600}', n: -1.5, big: 2 ** 52, t: true, f: false, z: null, a: [1, 'two', { three: [] }], o: {} };
      await withStore(location, {}, async (store) => {
        await store.commit([
          { op: 'putRecord', key: 'p/b', value: { i: 2 } },
          { op: 'putRecord', key: 'p/a', value: { i: 1 } },
          { op: 'putRecord', key: 'p/a/nested', value: { i: 3 } },
          { op: 'putRecord', key: 'q', value },
          { op: 'putRecord', key: 'odd key ../../ with / and ünïcode', value: { i: 4 } },
          { op: 'putBlob', key: 'p/blob', bytes: utf8('x') },
        ]);
        deepEqual(await store.getRecord('q'), value, 'JSON value round-trip');
        deepEqual(await store.getRecord('odd key ../../ with / and ünïcode'), { i: 4 }, 'record with an odd key');
        deepEqual(
          (await store.listRecords('p/')).map((e) => e.key),
          ['p/a', 'p/a/nested', 'p/b'],
          'records with the prefix, sorted; blobs are a separate key space',
        );
        deepEqual(await store.listRecords('p/b'), [{ key: 'p/b', value: { i: 2 } }], 'listRecords with values');
        deepEqual(await store.listRecords('nothing'), [], 'no match');
        deepEqual((await store.listBlobs('p')).map((e) => e.key), ['p/blob'], 'blob prefixes');
        equal(await store.getRecord('p/blob'), null, 'a blob key is not a record key');
      });
    }),

    blobCase('overwrite and delete; deleting a missing key is a no-op', async (location) => {
      await withStore(location, {}, async (store) => {
        await store.commit([
          { op: 'putBlob', key: 'test/a', bytes: utf8('one') },
          { op: 'putRecord', key: 'a', value: { v: 1 } },
        ]);
        await store.commit([
          { op: 'putBlob', key: 'test/a', bytes: utf8('two, longer') },
          { op: 'putRecord', key: 'a', value: { v: 2 } },
        ]);
        bytesEqual(await store.getBlob('test/a'), utf8('two, longer'), 'overwritten blob');
        deepEqual(await store.getRecord('a'), { v: 2 }, 'overwritten record');
        await store.commit([
          { op: 'deleteBlob', key: 'test/a' },
          { op: 'deleteRecord', key: 'a' },
          { op: 'deleteBlob', key: 'test/never' },
          { op: 'deleteRecord', key: 'never' },
        ]);
        equal(await store.getBlob('test/a'), null, 'deleted blob');
        equal(await store.getRecord('a'), null, 'deleted record');
        deepEqual(await store.usage(), { usedBytes: 0, quotaBytes: null }, 'usage back to zero');
        await store.commit([]);
      });
    }),

    blobCase('steps apply in order: the last step on a key wins', async (location) => {
      await withStore(location, {}, async (store) => {
        await store.commit([
          { op: 'putBlob', key: 'test/x', bytes: utf8('first') },
          { op: 'deleteBlob', key: 'test/x' },
          { op: 'putBlob', key: 'test/y', bytes: utf8('first') },
          { op: 'putBlob', key: 'test/y', bytes: utf8('second') },
          { op: 'deleteRecord', key: 'r' },
          { op: 'putRecord', key: 'r', value: { v: 1 } },
          { op: 'putRecord', key: 's', value: { v: 1 } },
          { op: 'deleteRecord', key: 's' },
        ]);
        equal(await store.getBlob('test/x'), null, 'put then delete');
        bytesEqual(await store.getBlob('test/y'), utf8('second'), 'put then put');
        deepEqual(await store.getRecord('r'), { v: 1 }, 'delete then put');
        equal(await store.getRecord('s'), null, 'put then delete record');
        const usage = await store.usage();
        equal(usage.usedBytes, 'second'.length + cost('r', { v: 1 }), 'usage counts only the final state');
      });
    }),

    blobCase('a failed precondition changes nothing, wherever it sits in the transaction', async (location) => {
      await withStore(location, {}, async (store) => {
        await store.commit([
          { op: 'putRecord', key: 'exists', value: { v: 1 } },
          { op: 'putBlob', key: 'test/keep', bytes: utf8('keep') },
        ]);
        const before = await contents(store);
        const attempts: BlobStoreOp[][] = [
          [
            { op: 'putBlob', key: 'test/new', bytes: utf8('new') },
            { op: 'deleteBlob', key: 'test/keep' },
            { op: 'putRecord', key: 'exists', value: { v: 2 } },
            { op: 'requireRecord', key: 'exists', present: false },
          ],
          [
            { op: 'requireRecord', key: 'missing', present: true },
            { op: 'putRecord', key: 'new', value: {} },
          ],
          // Preconditions see the state before the transaction, not its own steps.
          [
            { op: 'putRecord', key: 'missing', value: {} },
            { op: 'requireRecord', key: 'missing', present: true },
          ],
        ];
        for (const [i, ops] of attempts.entries()) {
          const error = await rejects(() => store.commit(ops), BlobStoreConflictError, `attempt ${i}`);
          ok(typeof error.key === 'string', 'the conflict names its key');
          deepEqual(await contents(store), before, `nothing changed after attempt ${i}`);
        }
        await store.commit([
          { op: 'requireRecord', key: 'exists', present: true },
          { op: 'requireRecord', key: 'missing', present: false },
          { op: 'putRecord', key: 'missing', value: { v: 3 } },
        ]);
        deepEqual(await store.getRecord('missing'), { v: 3 }, 'preconditions that hold let the transaction through');
      });
    }),

    blobCase('multi-key transactions are all or nothing across a reopen', async (location) => {
      const layer = patternBytes(200_000, 5);
      await withStore(location, {}, async (store) => {
        await store.commit([
          { op: 'putBlob', key: 'sha256/aaaa', bytes: layer },
          { op: 'putBlob', key: 'upper/bbbb', bytes: utf8('upper') },
          { op: 'putRecord', key: 'content/a', value: { size: layer.length } },
          { op: 'putRecord', key: 'snapshot/x', value: { kind: 'committed' } },
        ]);
      });
      await withStore(location, {}, async (store) => {
        bytesEqual(await store.getBlob('sha256/aaaa'), layer, 'blob after reopen');
        bytesEqual(await store.getBlob('upper/bbbb'), utf8('upper'), 'second blob after reopen');
        deepEqual(await store.getRecord('content/a'), { size: layer.length }, 'record after reopen');
        deepEqual(await store.getRecord('snapshot/x'), { kind: 'committed' }, 'second record after reopen');
        await store.commit([
          { op: 'deleteBlob', key: 'upper/bbbb' },
          { op: 'putRecord', key: 'snapshot/x', value: { kind: 'active' } },
        ]);
      });
      await withStore(location, {}, async (store) => {
        equal(await store.getBlob('upper/bbbb'), null, 'deleted blob stays deleted after reopen');
        deepEqual(await store.getRecord('snapshot/x'), { kind: 'active' }, 'overwritten record after reopen');
        const usage = await store.usage();
        equal(usage.usedBytes, layer.length + cost('content/a', { size: layer.length }) + cost('snapshot/x', { kind: 'active' }), 'usage after reopen');
      });
    }),

    blobCase('hostile and malformed blob keys are refused and change nothing', async (location) => {
      await withStore(location, {}, async (store) => {
        await store.commit([{ op: 'putBlob', key: 'test/keep', bytes: utf8('keep') }]);
        const before = await contents(store);
        for (const key of HOSTILE_BLOB_KEYS) {
          await rejects(
            () => store.commit([
              { op: 'putBlob', key: 'test/valid', bytes: utf8('v') },
              { op: 'putBlob', key, bytes: utf8('escape') },
            ]),
            InvalidStoreKeyError,
            `putBlob ${JSON.stringify(key)}`,
          );
          await rejects(() => store.commit([{ op: 'deleteBlob', key }]), InvalidStoreKeyError, `deleteBlob ${JSON.stringify(key)}`);
          await rejects(() => store.getBlob(key), InvalidStoreKeyError, `getBlob ${JSON.stringify(key)}`);
        }
        for (const key of ['', 'a\0b', 'k'.repeat(1025)]) {
          await rejects(() => store.commit([{ op: 'putRecord', key, value: {} }]), InvalidStoreKeyError, `putRecord ${JSON.stringify(key.slice(0, 10))}`);
          await rejects(() => store.getRecord(key), InvalidStoreKeyError, `getRecord ${JSON.stringify(key.slice(0, 10))}`);
        }
        deepEqual(await contents(store), before, 'nothing changed');
        // Valid keys at the edges are accepted.
        const edge = `z/${'-'.repeat(200)}`;
        await rejects(() => store.commit([{ op: 'putBlob', key: 'sha256:x/a', bytes: utf8('no') }]), InvalidStoreKeyError, 'a namespace with ":"');
        await store.commit([
          { op: 'putBlob', key: edge, bytes: utf8('edge') },
          { op: 'putBlob', key: 'x1/a.b_c=d+e-f:g', bytes: utf8('ok') },
        ]);
        bytesEqual(await store.getBlob(edge), utf8('edge'), 'longest valid name');
        bytesEqual(await store.getBlob('x1/a.b_c=d+e-f:g'), utf8('ok'), 'every allowed character');
      });
    }),

    blobCase('records that are not plain JSON objects are refused and change nothing', async (location) => {
      await withStore(location, {}, async (store) => {
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        const bad: unknown[] = [
          null,
          [1, 2],
          'text',
          { n: Number.NaN },
          { n: Number.POSITIVE_INFINITY },
          { u: undefined },
          { d: new Date(0) },
          { b: new Uint8Array(2) },
          { f: () => 1 },
          { big: 1n },
          cyclic,
          { deep: [{ map: new Map() }] },
        ];
        for (const [i, value] of bad.entries()) {
          await rejects(
            () => store.commit([
              { op: 'putRecord', key: 'ok', value: {} },
              { op: 'putRecord', key: 'bad', value: value as StoredRecord },
            ]),
            InvalidStoreValueError,
            `bad record ${i}`,
          );
        }
        await rejects(() => store.commit([{ op: 'putBlob', key: 'test/x', bytes: [1, 2] as unknown as Uint8Array }]), InvalidStoreValueError, 'blob that is not a Uint8Array');
        await rejects(() => store.commit([{ op: 'explode', key: 'x' } as unknown as BlobStoreOp]), InvalidStoreValueError, 'unknown step');
        deepEqual(await contents(store), { blobs: [], records: [], usage: { usedBytes: 0, quotaBytes: null } }, 'nothing stored');
      });
    }),

    blobCase('usage counts blob bytes plus record key and JSON bytes, and survives a reopen', async (location) => {
      const value = { name: 'ünïcode', list: [1, 2] };
      await withStore(location, {}, async (store) => {
        await store.commit([
          { op: 'putBlob', key: 'test/a', bytes: new Uint8Array(1000) },
          { op: 'putBlob', key: 'test/b', bytes: new Uint8Array(24) },
          { op: 'putRecord', key: 'clé', value },
        ]);
        equal((await store.usage()).usedBytes, 1024 + cost('clé', value), 'after puts');
        await store.commit([
          { op: 'putBlob', key: 'test/a', bytes: new Uint8Array(10) },
          { op: 'deleteBlob', key: 'test/b' },
        ]);
        equal((await store.usage()).usedBytes, 10 + cost('clé', value), 'after overwrite and delete');
      });
      await withStore(location, { quotaBytes: 5000 }, async (store) => {
        deepEqual(await store.usage(), { usedBytes: 10 + cost('clé', value), quotaBytes: 5000 }, 'after reopen with a quota');
      });
    }),

    blobCase('the global quota refuses a growing transaction with StorageQuotaError (ENOSPC) and nothing changes', async (location) => {
      await withStore(location, { quotaBytes: 10_000 }, async (store) => {
        await store.commit([{ op: 'putBlob', key: 'test/a', bytes: patternBytes(6000, 1) }]);
        const before = await contents(store);
        const error = await rejects(
          () => store.commit([
            { op: 'putRecord', key: 'meta', value: { v: 1 } },
            { op: 'putBlob', key: 'test/b', bytes: patternBytes(5000, 2) },
          ]),
          StorageQuotaError,
          'over quota',
        );
        ok(error instanceof ErrnoError && error.errno === Errno.ENOSPC, 'StorageQuotaError is an ErrnoError with ENOSPC');
        equal(error.quotaBytes, 10_000, 'error names the quota');
        deepEqual(await contents(store), before, 'nothing changed');
        // Exactly at the quota is allowed.
        await store.commit([{ op: 'putBlob', key: 'test/b', bytes: new Uint8Array(4000) }]);
        equal((await store.usage()).usedBytes, 10_000, 'full to the byte');
        await rejects(() => store.commit([{ op: 'putBlob', key: 'test/c', bytes: new Uint8Array(1) }]), StorageQuotaError, 'one byte more');
        // Replacing a blob by a smaller one and deleting always work.
        await store.commit([{ op: 'putBlob', key: 'test/a', bytes: new Uint8Array(100) }]);
        await store.commit([{ op: 'deleteBlob', key: 'test/b' }]);
        equal((await store.usage()).usedBytes, 100, 'space freed');
        await store.commit([{ op: 'putBlob', key: 'test/c', bytes: patternBytes(9000, 3) }]);
        bytesEqual(await store.getBlob('test/c'), patternBytes(9000, 3), 'usable after hitting the quota');
      });
      // A lower quota on reopen: the store is over it, can shrink but not grow.
      await withStore(location, { quotaBytes: 1000 }, async (store) => {
        await rejects(() => store.commit([{ op: 'putRecord', key: 'r', value: {} }]), StorageQuotaError, 'grow while over quota');
        await store.commit([
          { op: 'deleteBlob', key: 'test/c' },
          { op: 'putBlob', key: 'test/d', bytes: new Uint8Array(500) },
        ]);
        equal((await store.usage()).usedBytes, 600, 'shrinking transaction went through');
      });
    }),

    blobCase('concurrent commits on one store all apply', async (location) => {
      await withStore(location, {}, async (store) => {
        const commits = [];
        for (let i = 0; i < 24; i++) {
          commits.push(
            store.commit([
              { op: 'putBlob', key: `test/b${String(i).padStart(2, '0')}`, bytes: patternBytes(1000 + i, i + 1) },
              { op: 'putRecord', key: `r${i}`, value: { i } },
            ]),
          );
        }
        await Promise.all(commits);
        const blobs = await store.listBlobs('test/');
        equal(blobs.length, 24, 'every blob');
        for (let i = 0; i < 24; i++) {
          bytesEqual(await store.getBlob(`test/b${String(i).padStart(2, '0')}`), patternBytes(1000 + i, i + 1), `blob ${i}`);
        }
        let expected = 0;
        for (let i = 0; i < 24; i++) expected += 1000 + i + cost(`r${i}`, { i });
        equal((await store.usage()).usedBytes, expected, 'usage of concurrent commits');
      });
    }),

    blobCase('a closed store refuses calls with BlobStoreUnavailableError', async (location) => {
      const store = await location.open({});
      await store.commit([{ op: 'putRecord', key: 'a', value: {} }]);
      await store.close();
      await store.close();
      await rejects(() => store.getRecord('a'), BlobStoreUnavailableError, 'getRecord after close');
      await rejects(() => store.getBlob('test/a'), BlobStoreUnavailableError, 'getBlob after close');
      await rejects(() => store.commit([]), BlobStoreUnavailableError, 'commit after close');
      await rejects(() => store.usage(), BlobStoreUnavailableError, 'usage after close');
      await withStore(location, {}, async (again) => {
        deepEqual(await again.getRecord('a'), {}, 'reopened after close');
      });
    }),
  ];
}
