/**
 * A BlobStore in IndexedDB (browser), through `idb`. Every commit is one
 * readwrite IDB transaction over all object stores, with `durability:
 * 'strict'`: its preconditions, quota check and writes commit or abort
 * together, so a reload, a crash of the tab or a QuotaExceededError leaves
 * either all of it or none of it.
 *
 * Object stores (database version 1):
 *   blobs      key -> Uint8Array        the bytes
 *   blobSizes  key -> number            sizes, so accounting never reads bytes
 *   records    key -> string            the record as JSON text (same semantics as the other stores)
 *   meta       'usedBytes' -> number    space accounting, updated in each transaction
 *
 * Invariants: blobs and blobSizes have the same keys; meta.usedBytes equals
 * the sum of blob sizes and record costs (blob-keys.ts). Several tabs may
 * open the same database: each commit reads what it depends on inside its own
 * transaction, so they never see or leave a half state. A browser quota error
 * (QuotaExceededError) becomes StorageQuotaError after the transaction aborted.
 */
import { type DBSchema, type IDBPDatabase, type IDBPTransaction, wrap } from 'idb';
import type { BlobEntry, BlobStore, BlobStoreOp, BlobStoreOptions, BlobStoreUsage, RecordEntry, StoredRecord } from '../types.ts';
import { checkBlobKey, checkRecordKey, enforceQuota, normalizeQuota, planTransaction, recordCost, usageDelta } from '../../unionfs/store/blob-keys.ts';
import { BlobStoreConflictError, BlobStoreCorruptError, BlobStoreUnavailableError, StorageQuotaError } from '../../unionfs/store/errors.ts';

interface StorageSchema extends DBSchema {
  blobs: { key: string; value: Uint8Array };
  blobSizes: { key: string; value: number };
  records: { key: string; value: string };
  meta: { key: string; value: number };
}

const STORES = ['blobs', 'blobSizes', 'records', 'meta'] as const;
const VERSION = 1;
const USED_BYTES = 'usedBytes';

export interface IdbBlobStoreOptions extends BlobStoreOptions {
  /** Database name (default "drydock-storage"). */
  readonly name?: string;
  /** The IndexedDB factory (default: the global `indexedDB`; tests pass fake-indexeddb's). */
  readonly indexedDB?: IDBFactory;
  /** IDBKeyRange of the same implementation as `indexedDB` (default: the global one). */
  readonly keyRange?: typeof IDBKeyRange;
}

function isQuotaError(error: unknown): boolean {
  return error !== null && typeof error === 'object' && (error as { name?: unknown }).name === 'QuotaExceededError';
}

function toBytes(value: unknown, key: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new BlobStoreCorruptError(`blob ${key} holds a ${typeof value}, not bytes`);
}

/** BlobStore over one IndexedDB database. */
export class IdbBlobStore implements BlobStore {
  private closed = false;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly quotaBytes: number | null;

  private constructor(
    private readonly db: IDBPDatabase<StorageSchema>,
    private readonly keyRange: typeof IDBKeyRange,
    options: IdbBlobStoreOptions,
  ) {
    this.quotaBytes = normalizeQuota(options.quotaBytes);
  }

  /** Opens (creating if needed) the database `options.name`. */
  static async open(options: IdbBlobStoreOptions = {}): Promise<IdbBlobStore> {
    const quota = normalizeQuota(options.quotaBytes);
    const factory = options.indexedDB ?? globalThis.indexedDB;
    const keyRange = options.keyRange ?? globalThis.IDBKeyRange;
    if (!factory || !keyRange) throw new BlobStoreUnavailableError('IndexedDB is not available here');
    const request = factory.open(options.name ?? 'drydock-storage', VERSION);
    request.addEventListener('upgradeneeded', () => {
      const db = request.result;
      for (const name of STORES) if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
    });
    const db = (await wrap(request)) as unknown as IDBPDatabase<StorageSchema>;
    // Another tab upgrading the schema: let it, this connection is done.
    db.addEventListener('versionchange', () => db.close());
    return new IdbBlobStore(db, keyRange, { ...options, quotaBytes: quota });
  }

  /** Deletes the database `name` (tests, "reset storage" in the UI). */
  static async destroy(name: string, factory: IDBFactory = globalThis.indexedDB): Promise<void> {
    await wrap(factory.deleteDatabase(name));
  }

  private checkOpen(): void {
    if (this.closed) throw new BlobStoreUnavailableError('blob store is closed');
  }

  private prefixRange(prefix: string): IDBKeyRange | undefined {
    return prefix === '' ? undefined : this.keyRange.bound(prefix, `${prefix}\uffff`);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    const forget = () => this.pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  async getBlob(key: string): Promise<Uint8Array | null> {
    this.checkOpen();
    checkBlobKey(key);
    const value = await this.db.get('blobs', key);
    return value === undefined ? null : toBytes(value, key);
  }

  async listBlobs(prefix: string): Promise<BlobEntry[]> {
    this.checkOpen();
    const tx = this.db.transaction('blobSizes', 'readonly');
    const range = this.prefixRange(prefix);
    const [keys, sizes] = await Promise.all([tx.store.getAllKeys(range), tx.store.getAll(range), tx.done]);
    return keys.map((key, i) => ({ key, size: sizes[i]! })).filter((e) => e.key.startsWith(prefix));
  }

  async getRecord(key: string): Promise<StoredRecord | null> {
    this.checkOpen();
    checkRecordKey(key);
    const json = await this.db.get('records', key);
    return json === undefined ? null : (JSON.parse(json) as StoredRecord);
  }

  async listRecords(prefix: string): Promise<RecordEntry[]> {
    this.checkOpen();
    const tx = this.db.transaction('records', 'readonly');
    const range = this.prefixRange(prefix);
    const [keys, values] = await Promise.all([tx.store.getAllKeys(range), tx.store.getAll(range), tx.done]);
    return keys.map((key, i) => ({ key, value: JSON.parse(values[i]!) as StoredRecord })).filter((e) => e.key.startsWith(prefix));
  }

  async usage(): Promise<BlobStoreUsage> {
    this.checkOpen();
    return { usedBytes: (await this.db.get('meta', USED_BYTES)) ?? 0, quotaBytes: this.quotaBytes };
  }

  commit(ops: readonly BlobStoreOp[]): Promise<void> {
    try {
      this.checkOpen();
      const plan = planTransaction(ops);
      if (plan.blobs.size === 0 && plan.records.size === 0 && plan.requirements.length === 0) return Promise.resolve();
      return this.track(this.commitPlan(plan));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async commitPlan(plan: ReturnType<typeof planTransaction>): Promise<void> {
    const tx = this.db.transaction(STORES, 'readwrite', { durability: 'strict' });
    const done = tx.done;
    done.catch(() => undefined);
    try {
      await this.applyInTransaction(tx, plan);
      await done;
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // Already finished or aborted.
      }
      await done.catch(() => undefined);
      if (isQuotaError(error) || isQuotaError(tx.error)) {
        throw new StorageQuotaError(null, null, null, `the browser's storage quota is exhausted (QuotaExceededError); nothing was stored`);
      }
      throw error;
    }
  }

  private async applyInTransaction(
    tx: IDBPTransaction<StorageSchema, typeof STORES, 'readwrite'>,
    plan: ReturnType<typeof planTransaction>,
  ): Promise<void> {
    const records = tx.objectStore('records');
    const blobSizes = tx.objectStore('blobSizes');
    const blobs = tx.objectStore('blobs');
    const meta = tx.objectStore('meta');
    // Reads first (all inside the transaction), then the decision, then writes.
    for (const { key, present } of plan.requirements) {
      if (((await records.getKey(key)) !== undefined) !== present) throw new BlobStoreConflictError(key, present);
    }
    const oldSizes = new Map<string, number | null>();
    for (const key of plan.blobs.keys()) oldSizes.set(key, (await blobSizes.get(key)) ?? null);
    const oldCosts = new Map<string, number | null>();
    for (const key of plan.records.keys()) {
      const json = await records.get(key);
      oldCosts.set(key, json === undefined ? null : recordCost(key, json));
    }
    const used = (await meta.get(USED_BYTES)) ?? 0;
    const delta = usageDelta(plan, (key) => oldSizes.get(key) ?? null, (key) => oldCosts.get(key) ?? null);
    enforceQuota(delta, used, this.quotaBytes);
    const writes: Array<Promise<unknown>> = [];
    for (const [key, bytes] of plan.blobs) {
      if (bytes) writes.push(blobs.put(bytes, key), blobSizes.put(bytes.length, key));
      else writes.push(blobs.delete(key), blobSizes.delete(key));
    }
    for (const [key, slot] of plan.records) writes.push(slot ? records.put(slot.json, key) : records.delete(key));
    if (delta !== 0) writes.push(meta.put(used + delta, USED_BYTES));
    await Promise.all(writes);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.pending]);
    this.db.close();
  }
}
