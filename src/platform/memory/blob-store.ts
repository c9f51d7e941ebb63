/**
 * A BlobStore in memory, for tests and for engines that need no persistence.
 * Its contents live in a `MemoryBlobMedium`, which outlives a store: closing a
 * store and opening another on the same medium is the memory equivalent of a
 * process restart, so the conformance suite can test reopening.
 */
import type { BlobEntry, BlobStore, BlobStoreOp, BlobStoreOptions, BlobStoreUsage, RecordEntry, StoredRecord } from '../types.ts';
import { checkBlobKey, checkRecordKey, copyRecord, enforceQuota, normalizeQuota, planTransaction, recordCost, usageDelta } from '../../unionfs/store/blob-keys.ts';
import { BlobStoreConflictError, BlobStoreUnavailableError } from '../../unionfs/store/errors.ts';

/** The "disk" of memory stores: what survives closing one store and opening the next. */
export class MemoryBlobMedium {
  /** Blob bytes by key (owned by the medium, never handed out). */
  readonly blobs = new Map<string, Uint8Array>();
  /** Records by key, with their cost in usedBytes. */
  readonly records = new Map<string, { value: StoredRecord; cost: number }>();
  usedBytes = 0;
  /** Whether a store is open on this medium (one at a time, like a directory's lock). */
  inUse = false;
}

function sortedByKey<T extends { key: string }>(entries: T[]): T[] {
  return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** BlobStore over a MemoryBlobMedium. Commits are synchronous inside, hence trivially atomic. */
export class MemoryBlobStore implements BlobStore {
  private closed = false;
  private readonly quotaBytes: number | null;

  private constructor(
    private readonly medium: MemoryBlobMedium,
    options: BlobStoreOptions,
  ) {
    this.quotaBytes = normalizeQuota(options.quotaBytes);
  }

  /** Opens a store on `medium` (a fresh, empty one by default). Only one store may be open per medium. */
  static async open(medium: MemoryBlobMedium = new MemoryBlobMedium(), options: BlobStoreOptions = {}): Promise<MemoryBlobStore> {
    const store = new MemoryBlobStore(medium, options);
    if (medium.inUse) throw new BlobStoreUnavailableError('memory medium is already open in another store');
    medium.inUse = true;
    return store;
  }

  private checkOpen(): void {
    if (this.closed) throw new BlobStoreUnavailableError('blob store is closed');
  }

  async getBlob(key: string): Promise<Uint8Array | null> {
    this.checkOpen();
    checkBlobKey(key);
    return this.medium.blobs.get(key)?.slice() ?? null;
  }

  async listBlobs(prefix: string): Promise<BlobEntry[]> {
    this.checkOpen();
    const out: BlobEntry[] = [];
    for (const [key, bytes] of this.medium.blobs) if (key.startsWith(prefix)) out.push({ key, size: bytes.length });
    return sortedByKey(out);
  }

  async getRecord(key: string): Promise<StoredRecord | null> {
    this.checkOpen();
    checkRecordKey(key);
    const entry = this.medium.records.get(key);
    return entry ? copyRecord(entry.value) : null;
  }

  async listRecords(prefix: string): Promise<RecordEntry[]> {
    this.checkOpen();
    const out: RecordEntry[] = [];
    for (const [key, entry] of this.medium.records) if (key.startsWith(prefix)) out.push({ key, value: copyRecord(entry.value) });
    return sortedByKey(out);
  }

  async commit(ops: readonly BlobStoreOp[]): Promise<void> {
    this.checkOpen();
    const plan = planTransaction(ops);
    const { medium } = this;
    for (const { key, present } of plan.requirements) {
      if (medium.records.has(key) !== present) throw new BlobStoreConflictError(key, present);
    }
    const delta = usageDelta(
      plan,
      (key) => medium.blobs.get(key)?.length ?? null,
      (key) => medium.records.get(key)?.cost ?? null,
    );
    enforceQuota(delta, medium.usedBytes, this.quotaBytes);
    for (const [key, bytes] of plan.blobs) {
      if (bytes) medium.blobs.set(key, bytes);
      else medium.blobs.delete(key);
    }
    for (const [key, entry] of plan.records) {
      if (entry) medium.records.set(key, { value: entry.value, cost: recordCost(key, entry.json) });
      else medium.records.delete(key);
    }
    medium.usedBytes += delta;
  }

  async usage(): Promise<BlobStoreUsage> {
    this.checkOpen();
    return { usedBytes: this.medium.usedBytes, quotaBytes: this.quotaBytes };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.medium.inUse = false;
  }
}
