/**
 * The page that real-browser storage tests run in. test/store-browser.test.ts
 * and bench/store.bench.ts bundle this module with esbuild, serve it from
 * 127.0.0.1 and drive Chromium through playwright-core; everything they need
 * is on `window.drydockStoreTest`. Test code only: no entry point imports it.
 */
import { openDB } from 'idb';
import { IdbBlobStore } from './idb-blob-store.ts';
import type { BlobStore } from '../types.ts';
import { recordCost } from '../../unionfs/store/blob-keys.ts';
import { ContentStore } from '../../unionfs/store/content-store.ts';
import { StorageQuotaError } from '../../unionfs/store/errors.ts';
import { Snapshotter } from '../../unionfs/store/snapshotter.ts';
import { type CaseResult, type StoreLocation, patternBytes, runConformance } from '../../unionfs/store/testsuite/index.ts';

/** What a persistence check expects to find after a reload or a browser restart. */
export interface PersistedState {
  readonly contents: string[];
  readonly layer: { readonly name: string; readonly digest: string };
  readonly active: { readonly key: string; readonly upperDigest: string };
  readonly usedBytes: number;
}

export interface QuotaOutcome {
  readonly acked: number;
  readonly error: { readonly name: string; readonly message: string; readonly errno: number; readonly quotaBytes: number | null } | null;
  /** Problems found after the quota error and after deleting half the blobs ([] when healthy). */
  readonly problems: string[];
  /** What deleting half the acknowledged blobs took off the store's own accounting (usedBytes: their bytes and records). */
  readonly freedBytes: number;
  /** The bytes of the blobs deleted. */
  readonly deletedBytes: number;
}

export interface BenchTimes {
  readonly layerCommitMs: number[];
  readonly plainPutMs: number[];
}

export interface StorePageApi {
  runSuite(filter: string): Promise<CaseResult[]>;
  persistWrite(dbName: string): Promise<PersistedState>;
  persistCheck(dbName: string, expected: PersistedState): Promise<string[]>;
  /**
   * Fills store `dbName` with `blobBytes` blobs until the browser refuses one,
   * checks the store, then deletes half of what was acknowledged. The store
   * stays open for `quotaAfterFree`: Chromium does not give deleted IndexedDB
   * space back to the quota at once, so the caller raises the quota (from the
   * browser's current usage) before that step.
   */
  quotaFill(dbName: string, blobBytes: number): Promise<QuotaOutcome>;
  /** After `quotaFill`: stores one more blob, checks, reopens the store and checks again; returns the problems. */
  quotaAfterFree(dbName: string, blobBytes: number): Promise<string[]>;
  bench(sizeBytes: number, rounds: number): Promise<BenchTimes>;
}

declare global {
  interface Window {
    drydockStoreTest: StorePageApi;
  }
}

let counter = 0;
const conformanceFactory = {
  name: 'indexeddb (chromium)',
  async create(): Promise<StoreLocation & { dbName: string }> {
    const dbName = `conformance-${Date.now()}-${counter++}`;
    return { dbName, open: (options) => IdbBlobStore.open({ ...options, name: dbName }) };
  },
  async destroy(location: StoreLocation): Promise<void> {
    await IdbBlobStore.destroy((location as StoreLocation & { dbName: string }).dbName);
  },
};

/** Usage must equal what the listings add up to (the accounting formula of blob-keys.ts). */
async function usageProblems(store: BlobStore): Promise<string[]> {
  let expected = 0;
  for (const blob of await store.listBlobs('')) expected += blob.size;
  for (const record of await store.listRecords('')) expected += recordCost(record.key, JSON.stringify(record.value));
  const { usedBytes } = await store.usage();
  return usedBytes === expected ? [] : [`usage says ${usedBytes} bytes, the contents add up to ${expected}`];
}

/** Every content blob verifies and every snapshot's layer and checkpoint too. */
async function consistencyProblems(store: BlobStore): Promise<string[]> {
  const problems = await usageProblems(store);
  const content = new ContentStore(store);
  const snapshots = new Snapshotter(content);
  for (const info of await content.list()) {
    await content.read(info.digest).catch((error: Error) => problems.push(`content ${info.digest}: ${error.message}`));
  }
  const keys: string[] = [];
  await snapshots.walk((info) => {
    keys.push(info.name);
  });
  for (const key of keys) {
    const info = await snapshots.stat(key);
    if (info.layer && !(await content.has(info.layer.digest))) problems.push(`snapshot ${key}: layer content missing`);
    if (info.kind === 'active') await snapshots.readUpper(key).catch((error: Error) => problems.push(`snapshot ${key}: ${error.message}`));
  }
  return problems;
}

/** Consistency problems, and acknowledged blobs that are gone, each prefixed with `when`. */
async function ackedProblems(when: string, store: BlobStore, acked: readonly string[]): Promise<string[]> {
  const problems = (await consistencyProblems(store)).map((p) => `${when}: ${p}`);
  const content = new ContentStore(store);
  for (const digest of acked) if (!(await content.has(digest))) problems.push(`${when}: acknowledged ${digest} lost`);
  return problems;
}

/** quotaFill's open store and acknowledged digests, until quotaAfterFree. */
const quotaRuns = new Map<string, { store: BlobStore; acked: string[] }>();

const api: StorePageApi = {
  runSuite: (filter) => runConformance(conformanceFactory, filter),

  async persistWrite(dbName) {
    const store = await IdbBlobStore.open({ name: dbName });
    try {
      const content = new ContentStore(store);
      const snapshots = new Snapshotter(content);
      const contents = [(await content.put(patternBytes(1024 * 1024, 1))).digest, (await content.put(patternBytes(10, 2))).digest];
      await snapshots.prepare('unpack');
      const layer = await snapshots.commit('layer-1', 'unpack', { content: patternBytes(2 * 1024 * 1024, 3) });
      await snapshots.prepare('container', 'layer-1');
      await snapshots.checkpoint('container', patternBytes(300_000, 4));
      const upper = (await snapshots.mounts('container')).upper!;
      return {
        contents,
        layer: { name: 'layer-1', digest: layer.layer!.digest },
        active: { key: 'container', upperDigest: upper.digest },
        usedBytes: (await store.usage()).usedBytes,
      };
    } finally {
      await store.close();
    }
  },

  async persistCheck(dbName, expected) {
    const store = await IdbBlobStore.open({ name: dbName });
    try {
      const problems = await consistencyProblems(store);
      const content = new ContentStore(store);
      const snapshots = new Snapshotter(content);
      for (const digest of expected.contents) {
        if (!(await content.has(digest))) problems.push(`content ${digest} lost`);
      }
      const layer = await snapshots.stat(expected.layer.name).catch(() => null);
      if (layer?.layer?.digest !== expected.layer.digest) problems.push(`layer ${expected.layer.name} lost or changed`);
      const mounts = await snapshots.mounts(expected.active.key).catch(() => null);
      if (mounts?.upper?.digest !== expected.active.upperDigest) problems.push(`checkpoint of ${expected.active.key} lost or changed`);
      if (mounts && mounts.layers.map((l) => l.digest).join() !== expected.layer.digest) problems.push('mounts of the active snapshot changed');
      const { usedBytes } = await store.usage();
      if (usedBytes !== expected.usedBytes) problems.push(`usage ${usedBytes}, expected ${expected.usedBytes}`);
      return problems;
    } finally {
      await store.close();
    }
  },

  async quotaFill(dbName, blobBytes) {
    const store = await IdbBlobStore.open({ name: dbName });
    const acked: string[] = [];
    quotaRuns.set(dbName, { store, acked });
    let error: QuotaOutcome['error'] = null;
    const problems: string[] = [];
    const content = new ContentStore(store);
    for (let i = 0; i < 400 && error === null; i++) {
      try {
        acked.push((await content.put(patternBytes(blobBytes, 100 + i))).digest);
      } catch (e) {
        if (!(e instanceof StorageQuotaError)) throw e;
        error = { name: e.name, message: e.message, errno: e.errno, quotaBytes: e.quotaBytes };
      }
    }
    problems.push(...(await ackedProblems('after the quota error', store, acked)));
    const before = (await store.usage()).usedBytes;
    const doomed = acked.splice(0, Math.ceil(acked.length / 2));
    for (const digest of doomed) await content.delete(digest);
    const freedBytes = before - (await store.usage()).usedBytes;
    problems.push(...(await ackedProblems('after deleting half', store, acked)));
    for (const digest of doomed) if (await content.has(digest)) problems.push(`deleted ${digest} is still there`);
    return { acked: acked.length + doomed.length, error, problems, freedBytes, deletedBytes: doomed.length * blobBytes };
  },

  async quotaAfterFree(dbName, blobBytes) {
    const run = quotaRuns.get(dbName);
    if (!run) throw new Error(`quotaFill('${dbName}') did not run`);
    quotaRuns.delete(dbName);
    let store = run.store;
    try {
      run.acked.push((await new ContentStore(store).put(patternBytes(blobBytes, 9999))).digest);
      const problems = await ackedProblems('after freeing space', store, run.acked);
      await store.close();
      store = await IdbBlobStore.open({ name: dbName });
      problems.push(...(await ackedProblems('after reopening', store, run.acked)));
      return problems;
    } finally {
      await store.close();
    }
  },

  async bench(sizeBytes, rounds) {
    const layerCommitMs: number[] = [];
    const plainPutMs: number[] = [];
    const dbName = `bench-${Date.now()}`;
    const store = await IdbBlobStore.open({ name: dbName });
    const plain = await openDB(`${dbName}-plain`, 1, { upgrade: (db) => void db.createObjectStore('blobs') });
    try {
      const snapshots = new Snapshotter(new ContentStore(store));
      for (let r = 0; r < rounds; r++) {
        const bytes = patternBytes(sizeBytes, 1000 + r);
        await snapshots.prepare(`k${r}`);
        let t = performance.now();
        await snapshots.commit(`layer-${r}`, `k${r}`, { content: bytes });
        layerCommitMs.push(performance.now() - t);
        const other = patternBytes(sizeBytes, 5000 + r);
        t = performance.now();
        const tx = plain.transaction('blobs', 'readwrite', { durability: 'strict' });
        await Promise.all([tx.store.put(other, `b${r}`), tx.done]);
        plainPutMs.push(performance.now() - t);
      }
    } finally {
      await store.close();
      plain.close();
      await IdbBlobStore.destroy(dbName);
      await IdbBlobStore.destroy(`${dbName}-plain`);
    }
    return { layerCommitMs, plainPutMs };
  },
};

window.drydockStoreTest = api;
