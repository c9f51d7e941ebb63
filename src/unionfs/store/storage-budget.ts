/**
 * The global storage quota, as the engine applies it: the `BlobStore`'s
 * `quotaBytes` bounds what is stored (images, layers, saved writable layers,
 * records), and containers' live writable layers (MemFs uppers, in memory
 * until they are saved) are held to what is left of it, so a guest's write
 * fails with ENOSPC before its layer could no longer be saved.
 */
import type { BlobEntry, BlobStore, BlobStoreOp, BlobStoreUsage, RecordEntry, StoredRecord } from '../../platform/types.ts';
import type { MemFs, SpaceGuard } from '../memfs/memfs.ts';

/**
 * A BlobStore that remembers its latest usage, so the budget can answer
 * synchronously (a guest's write is a synchronous call). Every call is passed
 * to the wrapped store; after each commit (successful or not) the usage is
 * read again. Owns nothing: closing it closes the wrapped store.
 */
export class MeteredBlobStore implements BlobStore {
  private latest: BlobStoreUsage;
  private asked = 0;
  private applied = 0;

  private constructor(
    readonly inner: BlobStore,
    usage: BlobStoreUsage,
  ) {
    this.latest = usage;
  }

  static async wrap(inner: BlobStore): Promise<MeteredBlobStore> {
    return new MeteredBlobStore(inner, await inner.usage());
  }

  /** The usage as of the last completed commit (or the opening). */
  get cachedUsage(): BlobStoreUsage {
    return this.latest;
  }

  getBlob(key: string): Promise<Uint8Array | null> {
    return this.inner.getBlob(key);
  }

  listBlobs(prefix: string): Promise<BlobEntry[]> {
    return this.inner.listBlobs(prefix);
  }

  getRecord(key: string): Promise<StoredRecord | null> {
    return this.inner.getRecord(key);
  }

  listRecords(prefix: string): Promise<RecordEntry[]> {
    return this.inner.listRecords(prefix);
  }

  async commit(ops: readonly BlobStoreOp[]): Promise<void> {
    try {
      await this.inner.commit(ops);
    } finally {
      await this.refresh().catch(() => {});
    }
  }

  async usage(): Promise<BlobStoreUsage> {
    return this.refresh();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Reads the usage; an answer older than one already applied is not applied. */
  private async refresh(): Promise<BlobStoreUsage> {
    const ticket = ++this.asked;
    const usage = await this.inner.usage();
    if (ticket > this.applied) {
      this.applied = ticket;
      this.latest = usage;
    }
    return usage;
  }
}

/**
 * Holds containers' live writable layers to the store's quota. Each tracked
 * upper has a baseline: its `used` bytes when it was loaded or last saved
 * (those bytes are already counted by the store). Growth beyond the baseline
 * is "unsaved"; a layer may grow while
 *
 *     store usedBytes + sum of unsaved bytes of all uppers <= quotaBytes.
 *
 * With no quota every growth is allowed. The estimate counts file data only
 * (a saved layer also stores tar headers), so a save can still hit the store's
 * quota; the store then refuses it whole (StorageQuotaError) and keeps the
 * previous save.
 */
export class StorageBudget implements SpaceGuard {
  private readonly baselines = new Map<MemFs, number>();

  constructor(private readonly blobs: MeteredBlobStore) {}

  /** The store's global quota, or null. */
  get quotaBytes(): number | null {
    return this.blobs.cachedUsage.quotaBytes;
  }

  /** Starts holding `fs` to the budget; its current contents count as saved. */
  track(fs: MemFs): void {
    this.baselines.set(fs, fs.used);
  }

  /** `fs` was saved while it used `usedBytes` (read before the save began). */
  saved(fs: MemFs, usedBytes: number): void {
    if (this.baselines.has(fs)) this.baselines.set(fs, usedBytes);
  }

  /** Stops tracking `fs` (its container was removed). */
  untrack(fs: MemFs): void {
    this.baselines.delete(fs);
  }

  /** Bytes written to tracked uppers and not saved yet. */
  unsavedBytes(): number {
    let total = 0;
    for (const [fs, baseline] of this.baselines) total += Math.max(0, fs.used - baseline);
    return total;
  }

  allow(fs: MemFs, delta: number): boolean {
    const { usedBytes, quotaBytes } = this.blobs.cachedUsage;
    if (quotaBytes === null || delta <= 0) return true;
    const baseline = this.baselines.get(fs);
    if (baseline === undefined) return true;
    const more = Math.max(0, fs.used + delta - baseline) - Math.max(0, fs.used - baseline);
    return usedBytes + this.unsavedBytes() + more <= quotaBytes;
  }
}
