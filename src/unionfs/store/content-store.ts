/**
 * The content store: immutable blobs addressed by their sha256 digest, as in
 * containerd (core/content). Bytes are ingested under a ref by a
 * `ContentWriter` and committed with the digest the writer expects; a
 * mismatch stores nothing. Every read is verified, so corrupt storage gives
 * ContentCorruptError, never wrong bytes.
 *
 * Storage (one BlobStore, shared with the snapshotter):
 *   blob   `sha256/<hex>`            the bytes
 *   record `content/sha256:<hex>`    ContentInfo (size, times, labels)
 * Both are written and deleted in one transaction, so a blob without its
 * record (or the reverse) never becomes visible.
 *
 * Ownership: the ContentStore owns these keys; nobody else writes them (the
 * snapshotter adds content only through `stage`). Ingests in progress live in
 * memory and belong to this ContentStore instance: a crash or reload simply
 * drops them, which is the consistent outcome (nothing was committed).
 */
import type { BlobStore, BlobStoreOp, StoredRecord } from '../../platform/types.ts';
import { concatBytes } from '../../common/bytes.ts';
import { type Digest, digestHex, digestOf, isDigest, parseDigest } from './digest.ts';
import {
  BlobStoreConflictError,
  BlobStoreCorruptError,
  ContentAlreadyExistsError,
  ContentCorruptError,
  ContentDigestMismatchError,
  ContentNotFoundError,
  ContentSizeMismatchError,
  IngestLockedError,
  IngestNotFoundError,
  InvalidStoreValueError,
} from './errors.ts';
import { type Labels, checkLabels, labelsFrom } from './labels.ts';

/** What the store knows about one blob (containerd's content.Info). */
export interface ContentInfo {
  readonly digest: Digest;
  readonly size: number;
  /** ISO 8601 times. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly labels: Labels;
}

/** Progress of an ingest (containerd's content.Status). */
export interface IngestStatus {
  readonly ref: string;
  /** Bytes written so far. */
  readonly offset: number;
  /** The announced total size, or null. */
  readonly total: number | null;
  readonly expected: Digest | null;
  readonly startedAt: string;
  readonly updatedAt: string;
}

export interface WriterOptions {
  /** The digest the content must have; if that content already exists, `writer` fails with ContentAlreadyExistsError. */
  readonly expected?: Digest | string;
  /** The total size the content must have. */
  readonly total?: number;
}

export interface CommitOptions {
  readonly expected?: Digest | string;
  readonly size?: number;
  readonly labels?: Labels;
}

const BLOB_PREFIX = 'sha256/';
const INFO_PREFIX = 'content/';

/** BlobStore key of a digest's bytes. */
export function contentBlobKey(digest: Digest): string {
  return BLOB_PREFIX + digestHex(digest);
}

/** BlobStore record key of a digest's ContentInfo. */
export function contentInfoKey(digest: Digest): string {
  return INFO_PREFIX + digest;
}

function infoRecord(info: ContentInfo): StoredRecord {
  return { digest: info.digest, size: info.size, createdAt: info.createdAt, updatedAt: info.updatedAt, labels: { ...info.labels } };
}

function infoFrom(record: StoredRecord, digest: Digest): ContentInfo {
  return {
    digest,
    size: typeof record.size === 'number' ? record.size : -1,
    createdAt: typeof record.createdAt === 'string' ? record.createdAt : '',
    updatedAt: typeof record.updatedAt === 'string' ? record.updatedAt : '',
    labels: labelsFrom(record.labels),
  };
}

function now(): string {
  return new Date().toISOString();
}

/** Steps of a transaction that stores content, plus the info it will have. */
export interface StagedContent {
  readonly info: ContentInfo;
  readonly ops: readonly BlobStoreOp[];
}

export class ContentStore {
  private readonly ingests = new Map<string, ContentWriter>();

  /**
   * The content store over `blobs`. Other stores (the snapshotter) may share
   * the BlobStore, under their own keys, to commit together with content.
   */
  constructor(readonly blobs: BlobStore) {}

  /** Info of `digest`; ContentNotFoundError if absent. */
  async info(digest: Digest | string): Promise<ContentInfo> {
    const d = parseDigest(digest);
    const record = await this.blobs.getRecord(contentInfoKey(d));
    if (!record) throw new ContentNotFoundError(d);
    return infoFrom(record, d);
  }

  async has(digest: Digest | string): Promise<boolean> {
    return (await this.blobs.getRecord(contentInfoKey(parseDigest(digest)))) !== null;
  }

  /** Every blob's info, sorted by digest. */
  async list(): Promise<ContentInfo[]> {
    const out: ContentInfo[] = [];
    for (const { key, value } of await this.blobs.listRecords(INFO_PREFIX)) {
      const digest = key.slice(INFO_PREFIX.length);
      if (isDigest(digest)) out.push(infoFrom(value, digest));
    }
    return out;
  }

  /** Calls `fn` for every blob's info, in digest order. */
  async walk(fn: (info: ContentInfo) => void | Promise<void>): Promise<void> {
    for (const info of await this.list()) await fn(info);
  }

  /** Replaces the labels of `digest`. */
  async update(digest: Digest | string, changes: { readonly labels: Labels }): Promise<ContentInfo> {
    const d = parseDigest(digest);
    const labels = checkLabels(changes.labels);
    const current = await this.info(d);
    const info: ContentInfo = { ...current, labels, updatedAt: now() };
    try {
      await this.blobs.commit([
        { op: 'requireRecord', key: contentInfoKey(d), present: true },
        { op: 'putRecord', key: contentInfoKey(d), value: infoRecord(info) },
      ]);
    } catch (error) {
      if (error instanceof BlobStoreConflictError) throw new ContentNotFoundError(d);
      throw error;
    }
    return info;
  }

  /** Deletes the blob and its info atomically; ContentNotFoundError if absent. */
  async delete(digest: Digest | string): Promise<void> {
    const d = parseDigest(digest);
    try {
      await this.blobs.commit([
        { op: 'requireRecord', key: contentInfoKey(d), present: true },
        { op: 'deleteRecord', key: contentInfoKey(d) },
        { op: 'deleteBlob', key: contentBlobKey(d) },
      ]);
    } catch (error) {
      if (error instanceof BlobStoreConflictError) throw new ContentNotFoundError(d);
      throw error;
    }
  }

  /**
   * The verified bytes of `digest`. ContentNotFoundError if it was never
   * committed; ContentCorruptError if the stored bytes are missing or do not
   * match their size or digest.
   */
  async read(digest: Digest | string): Promise<Uint8Array> {
    const info = await this.info(digest);
    let bytes: Uint8Array | null;
    try {
      bytes = await this.blobs.getBlob(contentBlobKey(info.digest));
    } catch (error) {
      if (error instanceof BlobStoreCorruptError) throw new ContentCorruptError(info.digest, error.message);
      throw error;
    }
    if (!bytes) throw new ContentCorruptError(info.digest, 'its bytes are missing from the store');
    if (bytes.length !== info.size) {
      throw new ContentCorruptError(info.digest, `stored size ${bytes.length} differs from committed size ${info.size}`);
    }
    const actual = await digestOf(bytes);
    if (actual !== info.digest) throw new ContentCorruptError(info.digest, `stored bytes hash to ${actual}`);
    return bytes;
  }

  /**
   * Starts an ingest under `ref` (a caller-chosen name, such as the layer
   * being pulled). IngestLockedError if another writer holds `ref`.
   */
  async writer(ref: string, options: WriterOptions = {}): Promise<ContentWriter> {
    if (typeof ref !== 'string' || ref.length === 0) throw new InvalidStoreValueError('an ingest ref must be a non-empty string');
    const expected = options.expected === undefined ? null : parseDigest(options.expected);
    const total = options.total ?? null;
    if (total !== null && (!Number.isSafeInteger(total) || total < 0)) throw new InvalidStoreValueError(`invalid total size ${total}`);
    if (this.ingests.has(ref)) throw new IngestLockedError(ref);
    if (expected && (await this.has(expected))) throw new ContentAlreadyExistsError(expected);
    // Checked again: another writer may have taken the ref while we awaited.
    if (this.ingests.has(ref)) throw new IngestLockedError(ref);
    const writer = new ContentWriter(this, ref, expected, total, () => this.ingests.delete(ref));
    this.ingests.set(ref, writer);
    return writer;
  }

  /** Status of every ingest in progress, sorted by ref. */
  statuses(): IngestStatus[] {
    return [...this.ingests.values()].map((w) => w.status()).sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  }

  /** Abandons the ingest under `ref`. */
  abort(ref: string): void {
    const writer = this.ingests.get(ref);
    if (!writer) throw new IngestNotFoundError(ref);
    writer.abort();
  }

  /**
   * Stores `bytes` (ingest + commit in one call). Idempotent: if the content
   * exists already, its labels are merged with `labels` and its info returned.
   */
  async put(bytes: Uint8Array, options: { readonly expected?: Digest | string; readonly labels?: Labels } = {}): Promise<ContentInfo> {
    for (let attempt = 0; ; attempt++) {
      const staged = await this.stage(bytes, options);
      try {
        if (staged.ops.length > 0) await this.blobs.commit(staged.ops);
        return staged.info;
      } catch (error) {
        // A concurrent commit or delete of the same digest: stage again against the new state.
        if (error instanceof BlobStoreConflictError && attempt < 3) continue;
        throw error;
      }
    }
  }

  /**
   * The transaction steps that store `bytes`, for callers that commit content
   * atomically with records of their own (the snapshotter's layer commit).
   * The steps carry preconditions; if the commit fails with
   * BlobStoreConflictError, stage again. Throws ContentDigestMismatchError if
   * `expected` is given and does not match.
   */
  async stage(bytes: Uint8Array, options: { readonly expected?: Digest | string; readonly labels?: Labels } = {}): Promise<StagedContent> {
    const labels = checkLabels(options.labels);
    const digest = await digestOf(bytes);
    if (options.expected !== undefined) {
      const expected = parseDigest(options.expected);
      if (expected !== digest) throw new ContentDigestMismatchError(expected, digest);
    }
    const key = contentInfoKey(digest);
    const existing = await this.blobs.getRecord(key);
    if (existing) {
      const current = infoFrom(existing, digest);
      const merged = checkLabels({ ...current.labels, ...labels });
      const changed = JSON.stringify(merged) !== JSON.stringify(current.labels);
      const info: ContentInfo = changed ? { ...current, labels: merged, updatedAt: now() } : current;
      const ops: BlobStoreOp[] = [{ op: 'requireRecord', key, present: true }];
      if (changed) ops.push({ op: 'putRecord', key, value: infoRecord(info) });
      // Storing the same bytes again repairs a blob lost or truncated below us.
      const stored = (await this.blobs.listBlobs(contentBlobKey(digest))).find((b) => b.key === contentBlobKey(digest));
      if (stored?.size !== bytes.length) ops.push({ op: 'putBlob', key: contentBlobKey(digest), bytes });
      return { info, ops };
    }
    const time = now();
    const info: ContentInfo = { digest, size: bytes.length, createdAt: time, updatedAt: time, labels };
    return {
      info,
      ops: [
        { op: 'requireRecord', key, present: false },
        { op: 'putBlob', key: contentBlobKey(digest), bytes },
        { op: 'putRecord', key, value: infoRecord(info) },
      ],
    };
  }

  /** @internal Commit path of ContentWriter. */
  async commitIngest(bytes: Uint8Array, expected: Digest | null, labels: Labels): Promise<ContentInfo> {
    const digest = await digestOf(bytes);
    if (expected && expected !== digest) throw new ContentDigestMismatchError(expected, digest);
    if (await this.has(digest)) throw new ContentAlreadyExistsError(digest);
    const time = now();
    const info: ContentInfo = { digest, size: bytes.length, createdAt: time, updatedAt: time, labels };
    try {
      await this.blobs.commit([
        { op: 'requireRecord', key: contentInfoKey(digest), present: false },
        { op: 'putBlob', key: contentBlobKey(digest), bytes },
        { op: 'putRecord', key: contentInfoKey(digest), value: infoRecord(info) },
      ]);
    } catch (error) {
      if (error instanceof BlobStoreConflictError) throw new ContentAlreadyExistsError(digest);
      throw error;
    }
    return info;
  }
}

/**
 * One ingest (containerd's content.Writer): bytes accumulate in memory until
 * `commit`, which stores them only if they match the expected digest and
 * size. After `commit` (successful or not) or `abort`, the ref is released
 * and the writer cannot be used again.
 */
export class ContentWriter {
  private readonly chunks: Uint8Array[] = [];
  private offset = 0;
  private done = false;
  private readonly startedAt = now();
  private updatedAt = this.startedAt;

  /** @internal Created by ContentStore.writer. */
  constructor(
    private readonly store: ContentStore,
    readonly ref: string,
    private readonly expected: Digest | null,
    private readonly total: number | null,
    private readonly release: () => void,
  ) {}

  private checkActive(): void {
    if (this.done) throw new IngestNotFoundError(this.ref);
  }

  /** Appends `chunk` (copied). Fails if it would exceed the announced total. */
  write(chunk: Uint8Array): void {
    this.checkActive();
    if (this.total !== null && this.offset + chunk.length > this.total) {
      throw new ContentSizeMismatchError(this.total, this.offset + chunk.length);
    }
    this.chunks.push(chunk.slice());
    this.offset += chunk.length;
    this.updatedAt = now();
  }

  status(): IngestStatus {
    return { ref: this.ref, offset: this.offset, total: this.total, expected: this.expected, startedAt: this.startedAt, updatedAt: this.updatedAt };
  }

  /**
   * Verifies and stores what was written. ContentSizeMismatchError or
   * ContentDigestMismatchError if it does not match `size`/`expected` (or the
   * writer's own), ContentAlreadyExistsError if the content is already
   * stored; in every failure nothing is stored.
   */
  async commit(options: CommitOptions = {}): Promise<ContentInfo> {
    this.checkActive();
    this.done = true;
    try {
      const labels = checkLabels(options.labels);
      const size = options.size ?? this.total;
      if (size !== null && size !== this.offset) throw new ContentSizeMismatchError(size, this.offset);
      const expectations = [this.expected, options.expected === undefined ? null : parseDigest(options.expected)];
      const [first, second] = expectations;
      if (first && second && first !== second) throw new ContentDigestMismatchError(first, second);
      return await this.store.commitIngest(concatBytes(this.chunks), second ?? first ?? null, labels);
    } finally {
      this.chunks.length = 0;
      this.release();
    }
  }

  /** Abandons the ingest; nothing is stored. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    this.chunks.length = 0;
    this.release();
  }
}
