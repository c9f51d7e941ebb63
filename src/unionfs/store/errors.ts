/**
 * Typed errors of the storage layer: the BlobStore implementations, the
 * content store and the snapshotter. Each has a `kind` in containerd's errdefs
 * vocabulary, so the engine can map it to an HTTP status in one place.
 * `StorageQuotaError` is an `ErrnoError` carrying ENOSPC, so a guest whose
 * write runs out of space gets ENOSPC without any translation.
 */
import { Errno, ErrnoError } from '../../common/errno.ts';

export type StoreErrorKind =
  | 'not-found'
  | 'already-exists'
  | 'failed-precondition'
  | 'invalid-argument'
  | 'data-loss'
  | 'unavailable';

/** Base class of every storage error except StorageQuotaError (which is an ErrnoError). */
export abstract class StoreError extends Error {
  abstract readonly kind: StoreErrorKind;
}

/**
 * Space ran out: a store's global quota, the browser's quota (IndexedDB's
 * QuotaExceededError) or the disk (ENOSPC/EDQUOT). Nothing of the failed
 * transaction was stored; the store stays consistent and usable. The message
 * starts "no space left on device: " as dockerd's do.
 */
export class StorageQuotaError extends ErrnoError {
  readonly kind = 'resource-exhausted';
  constructor(
    /** Bytes the failed transaction would have added, when known. */
    readonly requestedBytes: number | null,
    /** Bytes in use before the transaction, when known. */
    readonly usedBytes: number | null,
    /** The quota that was hit: the store's own, or null for the medium's. */
    readonly quotaBytes: number | null,
    detail: string,
  ) {
    super(Errno.ENOSPC, detail);
    // dockerd's wording for a full disk, which clients and users recognise.
    this.message = `no space left on device: ${detail}`;
    this.name = 'StorageQuotaError';
  }
}

/** A blob or record key that breaks the BlobStore key rules (see BlobStore in src/platform/types.ts). */
export class InvalidStoreKeyError extends StoreError {
  readonly kind = 'invalid-argument';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid store key ${JSON.stringify(key.slice(0, 120))}: ${reason}`);
    this.name = 'InvalidStoreKeyError';
  }
}

/** A record value that is not plain JSON, or a malformed transaction step. */
export class InvalidStoreValueError extends StoreError {
  readonly kind = 'invalid-argument';
  constructor(detail: string) {
    super(detail);
    this.name = 'InvalidStoreValueError';
  }
}

/** A `requireRecord` precondition of a transaction did not hold; nothing was changed. */
export class BlobStoreConflictError extends StoreError {
  readonly kind = 'failed-precondition';
  constructor(
    readonly key: string,
    /** What the precondition required: the record present (true) or absent (false). */
    readonly expectedPresent: boolean,
  ) {
    super(`transaction precondition failed: record ${JSON.stringify(key)} is ${expectedPresent ? 'absent' : 'present'}`);
    this.name = 'BlobStoreConflictError';
  }
}

/** The medium holds something the store cannot explain (a missing or damaged file, a corrupt manifest). */
export class BlobStoreCorruptError extends StoreError {
  readonly kind = 'data-loss';
  constructor(detail: string) {
    super(detail);
    this.name = 'BlobStoreCorruptError';
  }
}

/** The store is closed, locked by another process, or failed and must be reopened. */
export class BlobStoreUnavailableError extends StoreError {
  readonly kind = 'unavailable';
  constructor(detail: string) {
    super(detail);
    this.name = 'BlobStoreUnavailableError';
  }
}

/** A string that is not a well-formed `sha256:<64 lowercase hex>` digest. */
export class InvalidDigestError extends StoreError {
  readonly kind = 'invalid-argument';
  constructor(readonly digest: string) {
    super(`invalid digest ${JSON.stringify(digest.slice(0, 120))}: expected sha256:<64 lowercase hex digits>`);
    this.name = 'InvalidDigestError';
  }
}

export class ContentNotFoundError extends StoreError {
  readonly kind = 'not-found';
  constructor(readonly digest: string) {
    super(`content ${digest}: not found`);
    this.name = 'ContentNotFoundError';
  }
}

export class ContentAlreadyExistsError extends StoreError {
  readonly kind = 'already-exists';
  constructor(readonly digest: string) {
    super(`content ${digest}: already exists`);
    this.name = 'ContentAlreadyExistsError';
  }
}

/** Ingested bytes do not hash to the digest the committer expected; nothing was stored. */
export class ContentDigestMismatchError extends StoreError {
  readonly kind = 'failed-precondition';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`content digest mismatch: expected ${expected}, got ${actual}`);
    this.name = 'ContentDigestMismatchError';
  }
}

/** Ingested bytes do not have the size the writer was promised; nothing was stored. */
export class ContentSizeMismatchError extends StoreError {
  readonly kind = 'failed-precondition';
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`content size mismatch: expected ${expected} bytes, got ${actual}`);
    this.name = 'ContentSizeMismatchError';
  }
}

/** Stored bytes failed verification on read (wrong hash or size, or missing): no bad data is returned. */
export class ContentCorruptError extends StoreError {
  readonly kind = 'data-loss';
  constructor(
    readonly digest: string,
    reason: string,
  ) {
    super(`content ${digest} is corrupt: ${reason}`);
    this.name = 'ContentCorruptError';
  }
}

/** Another writer holds the ingest ref. */
export class IngestLockedError extends StoreError {
  readonly kind = 'unavailable';
  constructor(readonly ref: string) {
    super(`ingest ref ${JSON.stringify(ref)} is locked by another writer`);
    this.name = 'IngestLockedError';
  }
}

export class IngestNotFoundError extends StoreError {
  readonly kind = 'not-found';
  constructor(readonly ref: string) {
    super(`ingest ref ${JSON.stringify(ref)}: not found`);
    this.name = 'IngestNotFoundError';
  }
}

export class SnapshotNotFoundError extends StoreError {
  readonly kind = 'not-found';
  constructor(readonly key: string) {
    super(`snapshot ${JSON.stringify(key)}: not found`);
    this.name = 'SnapshotNotFoundError';
  }
}

/** A key or name is taken: active, view and committed snapshots share one namespace. */
export class SnapshotExistsError extends StoreError {
  readonly kind = 'already-exists';
  constructor(readonly key: string) {
    super(`snapshot ${JSON.stringify(key)}: already exists`);
    this.name = 'SnapshotExistsError';
  }
}

/** The snapshot exists but is of the wrong kind for the operation, or still has children. */
export class SnapshotStateError extends StoreError {
  readonly kind = 'failed-precondition';
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`snapshot ${JSON.stringify(key)}: ${detail}`);
    this.name = 'SnapshotStateError';
  }
}
