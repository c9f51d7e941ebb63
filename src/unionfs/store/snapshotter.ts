/**
 * The snapshotter: containerd's model of filesystem snapshots
 * (core/snapshots/snapshotter.go), storing and listing only. What mounts a
 * snapshot (the overlay in src/unionfs/overlay) is someone else's job: it asks
 * `mounts(key)` for the layers and reads the writable content with `readUpper`.
 *
 * Vocabulary (as in containerd):
 *  - A *key* names an active or view snapshot: a transaction in progress.
 *    `prepare(key, parent)` creates an active (writable) snapshot on top of
 *    the committed snapshot `parent`; `view(key, parent)` a read-only one.
 *  - A *name* names a committed snapshot: immutable, usable as a parent.
 *    `commit(name, key)` turns the active snapshot `key` into the committed
 *    snapshot `name`; `key` no longer exists afterwards.
 *  - Keys and names share one namespace: no key may equal an existing name.
 *  - The *parent* of a snapshot is always a committed snapshot (or none).
 *  - `remove(key)` removes any snapshot, except a committed one that still
 *    has children (SnapshotStateError): remove children first.
 *
 * Content: a committed snapshot references its layer, a blob in the
 * ContentStore (a layer tar, by digest, with its diff id). An active snapshot
 * may hold a checkpoint of its writable content (`checkpoint`), an opaque
 * layer-tar-like blob owned by the snapshot; on commit it (or explicit
 * content) becomes the committed layer, atomically with the metadata.
 *
 * Storage (the ContentStore's BlobStore):
 *   record `snapshot/<key or name>`   the snapshot's metadata (SnapshotRecord)
 *   blob   `upper/<sha256 of key>`    an active snapshot's checkpoint
 * Every operation is one BlobStore transaction with preconditions, so after a
 * crash a snapshot is either fully there (metadata, layer, content) or absent.
 * Committed layer blobs are not deleted by `remove`: content is shared (image
 * layers) and garbage collection (by labels) belongs to a later GC.
 */
import type { BlobStore, BlobStoreOp, StoredRecord } from '../../platform/types.ts';
import { sha256Hex, utf8 } from '../../common/bytes.ts';
import { type ContentStore, contentInfoKey } from './content-store.ts';
import { type Digest, digestOf, isDigest, parseDigest } from './digest.ts';
import { checkRecordKey } from './blob-keys.ts';
import {
  BlobStoreConflictError,
  BlobStoreCorruptError,
  ContentCorruptError,
  InvalidStoreValueError,
  SnapshotExistsError,
  SnapshotNotFoundError,
  SnapshotStateError,
} from './errors.ts';
import { type Labels, checkLabels, labelsFrom } from './labels.ts';
import { SerialQueue } from './serial.ts';

export type SnapshotKind = 'active' | 'view' | 'committed';

/** A committed snapshot's content: a layer blob in the content store. */
export interface SnapshotLayer {
  /** Digest of the stored blob (a layer tar, possibly compressed). */
  readonly digest: Digest;
  readonly size: number;
  /** Digest of the uncompressed layer tar (equal to `digest` for an uncompressed layer). */
  readonly diffId: Digest;
  readonly mediaType: string;
}

/** containerd's snapshots.Info, plus the committed layer. */
export interface SnapshotInfo {
  readonly kind: SnapshotKind;
  /** The key (active, view) or name (committed). */
  readonly name: string;
  readonly parent: string | null;
  readonly labels: Labels;
  /** ISO 8601 times. */
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The layer of a committed snapshot (null for an empty one, and for active and view snapshots). */
  readonly layer: SnapshotLayer | null;
}

/** What the overlay needs to mount an active or view snapshot. */
export interface SnapshotMounts {
  readonly key: string;
  readonly kind: 'active' | 'view';
  readonly readonly: boolean;
  /** The committed ancestors' layers, lowest (root-most) first; empty layers omitted. */
  readonly layers: readonly SnapshotLayer[];
  /** The active snapshot's checkpointed writable content (read it with `readUpper`), or null. */
  readonly upper: { readonly size: number; readonly digest: Digest } | null;
}

/** containerd's snapshots.Usage: bytes of the snapshot's own content. */
export interface SnapshotUsage {
  readonly size: number;
}

export interface CommitSnapshotOptions {
  /** The new layer's bytes (a layer tar); stored in the content store in the same transaction. */
  readonly content?: Uint8Array;
  /** A layer already in the content store (an unpacked image layer). */
  readonly layer?: { readonly digest: Digest | string; readonly diffId?: Digest | string; readonly mediaType?: string };
  /** Diff id of `content` when it is compressed (defaults to its digest). */
  readonly diffId?: Digest | string;
  readonly mediaType?: string;
  /** Labels of the committed snapshot (as in containerd, the active snapshot's labels are not carried over). */
  readonly labels?: Labels;
}

/** Media type recorded when the caller gives none. */
export const DEFAULT_LAYER_MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar';

const RECORD_PREFIX = 'snapshot/';
const MAX_CHAIN = 4096;

/** The stored form of a snapshot (`snapshot/<key>` record). */
interface SnapshotRecord {
  kind: SnapshotKind;
  name: string;
  parent: string | null;
  labels: Labels;
  createdAt: string;
  updatedAt: string;
  layer: SnapshotLayer | null;
  upper: { blob: string; size: number; digest: Digest } | null;
}

function recordKey(key: string): string {
  return RECORD_PREFIX + key;
}

function checkSnapshotKey(key: unknown, what: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidStoreValueError(`snapshot ${what} must be a non-empty string`);
  checkRecordKey(recordKey(key));
  return key;
}

function toStored(record: SnapshotRecord): StoredRecord {
  return {
    kind: record.kind,
    name: record.name,
    parent: record.parent,
    labels: { ...record.labels },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    layer: record.layer ? { ...record.layer } : null,
    upper: record.upper ? { ...record.upper } : null,
  };
}

function layerFrom(value: unknown): SnapshotLayer | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (!isDigest(v.digest) || !isDigest(v.diffId) || typeof v.size !== 'number') return null;
  return { digest: v.digest, diffId: v.diffId, size: v.size, mediaType: typeof v.mediaType === 'string' ? v.mediaType : DEFAULT_LAYER_MEDIA_TYPE };
}

function fromStored(stored: StoredRecord, key: string): SnapshotRecord {
  const kind = stored.kind;
  if (kind !== 'active' && kind !== 'view' && kind !== 'committed') {
    throw new BlobStoreCorruptError(`snapshot ${JSON.stringify(key)}: unreadable metadata (kind ${JSON.stringify(kind)})`);
  }
  const upper = stored.upper as Record<string, unknown> | null | undefined;
  return {
    kind,
    name: key,
    parent: typeof stored.parent === 'string' ? stored.parent : null,
    labels: labelsFrom(stored.labels),
    createdAt: typeof stored.createdAt === 'string' ? stored.createdAt : '',
    updatedAt: typeof stored.updatedAt === 'string' ? stored.updatedAt : '',
    layer: layerFrom(stored.layer),
    upper:
      upper && typeof upper === 'object' && typeof upper.blob === 'string' && typeof upper.size === 'number' && isDigest(upper.digest)
        ? { blob: upper.blob, size: upper.size, digest: upper.digest }
        : null,
  };
}

function infoOf(record: SnapshotRecord): SnapshotInfo {
  return {
    kind: record.kind,
    name: record.name,
    parent: record.parent,
    labels: record.labels,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    layer: record.kind === 'committed' ? record.layer : null,
  };
}

function now(): string {
  return new Date().toISOString();
}

/** BlobStore key of the checkpoint blob of active snapshot `key`. */
async function upperBlobKey(key: string): Promise<string> {
  return `upper/${await sha256Hex(utf8(key))}`;
}

/**
 * Snapshots of one BlobStore. Operations of one Snapshotter run one at a
 * time (a SerialQueue); every change is also guarded by transaction
 * preconditions, so two Snapshotters on one store (two browser tabs) cannot
 * create the same key twice or commit a vanished snapshot.
 */
export class Snapshotter {
  private readonly queue = new SerialQueue();
  private readonly blobs: BlobStore;

  /** Snapshots stored in `content`'s BlobStore, with their layers in `content`. */
  constructor(private readonly content: ContentStore) {
    this.blobs = content.blobs;
  }

  private async load(key: string): Promise<SnapshotRecord | null> {
    const stored = await this.blobs.getRecord(recordKey(key));
    return stored ? fromStored(stored, key) : null;
  }

  private async require(key: string): Promise<SnapshotRecord> {
    const record = await this.load(key);
    if (!record) throw new SnapshotNotFoundError(key);
    return record;
  }

  /** Turns a failed precondition of a snapshot transaction into the snapshot error it means. */
  private conflictError(error: BlobStoreConflictError): Error {
    if (error.key.startsWith(RECORD_PREFIX)) {
      const key = error.key.slice(RECORD_PREFIX.length);
      return error.expectedPresent ? new SnapshotNotFoundError(key) : new SnapshotExistsError(key);
    }
    return error;
  }

  private async commitOps(ops: readonly BlobStoreOp[]): Promise<void> {
    try {
      await this.blobs.commit(ops);
    } catch (error) {
      if (error instanceof BlobStoreConflictError) throw this.conflictError(error);
      throw error;
    }
  }

  /** Info of the snapshot `key` (a key or a committed name). */
  stat(key: string): Promise<SnapshotInfo> {
    return this.queue.run(async () => infoOf(await this.require(checkSnapshotKey(key, 'key'))));
  }

  /** Replaces the labels of `key`. */
  update(key: string, changes: { readonly labels: Labels }): Promise<SnapshotInfo> {
    return this.queue.run(async () => {
      const record = await this.require(checkSnapshotKey(key, 'key'));
      const next: SnapshotRecord = { ...record, labels: checkLabels(changes.labels), updatedAt: now() };
      await this.commitOps([
        { op: 'requireRecord', key: recordKey(key), present: true },
        { op: 'putRecord', key: recordKey(key), value: toStored(next) },
      ]);
      return infoOf(next);
    });
  }

  /** Bytes of the snapshot's own content: its layer (committed) or its checkpoint (active). */
  usage(key: string): Promise<SnapshotUsage> {
    return this.queue.run(async () => {
      const record = await this.require(checkSnapshotKey(key, 'key'));
      if (record.kind === 'committed') return { size: record.layer?.size ?? 0 };
      return { size: record.upper?.size ?? 0 };
    });
  }

  /** Creates the active snapshot `key` on top of the committed snapshot `parent`. */
  prepare(key: string, parent?: string | null, options: { readonly labels?: Labels } = {}): Promise<SnapshotMounts> {
    return this.queue.run(() => this.create('active', key, parent ?? null, options.labels));
  }

  /** Creates the read-only view `key` of the committed snapshot `parent`. */
  view(key: string, parent?: string | null, options: { readonly labels?: Labels } = {}): Promise<SnapshotMounts> {
    return this.queue.run(() => this.create('view', key, parent ?? null, options.labels));
  }

  private async create(kind: 'active' | 'view', key: string, parent: string | null, labels: Labels | undefined): Promise<SnapshotMounts> {
    checkSnapshotKey(key, 'key');
    if (parent !== null) checkSnapshotKey(parent, 'parent');
    const checkedLabels = checkLabels(labels);
    if (await this.load(key)) throw new SnapshotExistsError(key);
    const ops: BlobStoreOp[] = [{ op: 'requireRecord', key: recordKey(key), present: false }];
    if (parent !== null) {
      const parentRecord = await this.require(parent);
      if (parentRecord.kind !== 'committed') {
        throw new SnapshotStateError(parent, `is ${parentRecord.kind}; a parent must be a committed snapshot`);
      }
      ops.push({ op: 'requireRecord', key: recordKey(parent), present: true });
    }
    const time = now();
    const record: SnapshotRecord = { kind, name: key, parent, labels: checkedLabels, createdAt: time, updatedAt: time, layer: null, upper: null };
    ops.push({ op: 'putRecord', key: recordKey(key), value: toStored(record) });
    await this.commitOps(ops);
    return this.mountsOf(record);
  }

  /** The layers and writable content of the active or view snapshot `key`. */
  mounts(key: string): Promise<SnapshotMounts> {
    return this.queue.run(async () => this.mountsOf(await this.require(checkSnapshotKey(key, 'key'))));
  }

  private async mountsOf(record: SnapshotRecord): Promise<SnapshotMounts> {
    if (record.kind === 'committed') {
      throw new SnapshotStateError(record.name, 'is committed; only active and view snapshots have mounts (view it first)');
    }
    const layers: SnapshotLayer[] = [];
    const seen = new Set<string>();
    for (let parent = record.parent; parent !== null; ) {
      if (seen.has(parent) || seen.size >= MAX_CHAIN) throw new BlobStoreCorruptError(`snapshot ${JSON.stringify(record.name)}: parent chain loops or is too long`);
      seen.add(parent);
      const ancestor = await this.load(parent);
      if (!ancestor) throw new BlobStoreCorruptError(`snapshot ${JSON.stringify(record.name)}: ancestor ${JSON.stringify(parent)} is missing`);
      if (ancestor.layer) layers.push(ancestor.layer);
      parent = ancestor.parent;
    }
    layers.reverse();
    return {
      key: record.name,
      kind: record.kind,
      readonly: record.kind === 'view',
      layers,
      upper: record.upper ? { size: record.upper.size, digest: record.upper.digest } : null,
    };
  }

  /**
   * Persists `bytes` as the writable content of the active snapshot `key`
   * (replacing an earlier checkpoint), so it survives a restart before commit.
   */
  checkpoint(key: string, bytes: Uint8Array): Promise<void> {
    return this.queue.run(async () => {
      const record = await this.require(checkSnapshotKey(key, 'key'));
      if (record.kind !== 'active') throw new SnapshotStateError(key, `is ${record.kind}; only an active snapshot has writable content`);
      const blob = await upperBlobKey(key);
      const next: SnapshotRecord = { ...record, updatedAt: now(), upper: { blob, size: bytes.length, digest: await digestOf(bytes) } };
      await this.commitOps([
        { op: 'requireRecord', key: recordKey(key), present: true },
        { op: 'putBlob', key: blob, bytes },
        { op: 'putRecord', key: recordKey(key), value: toStored(next) },
      ]);
    });
  }

  /** The verified checkpoint of active snapshot `key`, or null if it has none. */
  readUpper(key: string): Promise<Uint8Array | null> {
    return this.queue.run(async () => {
      const record = await this.require(checkSnapshotKey(key, 'key'));
      return record.upper ? this.readUpperOf(record) : null;
    });
  }

  private async readUpperOf(record: SnapshotRecord): Promise<Uint8Array> {
    const upper = record.upper!;
    const bytes = await this.blobs.getBlob(upper.blob);
    if (!bytes) throw new ContentCorruptError(upper.digest, `checkpoint of snapshot ${JSON.stringify(record.name)} is missing`);
    if (bytes.length !== upper.size || (await digestOf(bytes)) !== upper.digest) {
      throw new ContentCorruptError(upper.digest, `checkpoint of snapshot ${JSON.stringify(record.name)} does not match its digest`);
    }
    return bytes;
  }

  /**
   * Commits the active snapshot `key` as the committed snapshot `name`, with
   * `options.content` (new layer bytes), `options.layer` (a layer already in
   * the content store) or else the snapshot's checkpoint as its layer (none:
   * an empty layer). One transaction: afterwards either `name` exists with its
   * layer stored and `key` is gone, or nothing changed.
   */
  commit(name: string, key: string, options: CommitSnapshotOptions = {}): Promise<SnapshotInfo> {
    return this.queue.run(async () => {
      checkSnapshotKey(name, 'name');
      checkSnapshotKey(key, 'key');
      if (options.content !== undefined && options.layer !== undefined) {
        throw new InvalidStoreValueError('commit takes either content or a layer, not both');
      }
      const labels = checkLabels(options.labels);
      for (let attempt = 0; ; attempt++) {
        const record = await this.require(key);
        if (record.kind !== 'active') throw new SnapshotStateError(key, `is ${record.kind}; only an active snapshot can be committed`);
        if (await this.load(name)) throw new SnapshotExistsError(name);
        const ops: BlobStoreOp[] = [
          { op: 'requireRecord', key: recordKey(key), present: true },
          { op: 'requireRecord', key: recordKey(name), present: false },
        ];
        if (record.parent !== null) ops.push({ op: 'requireRecord', key: recordKey(record.parent), present: true });
        let layer: SnapshotLayer | null = null;
        const mediaType = options.mediaType ?? DEFAULT_LAYER_MEDIA_TYPE;
        if (options.layer !== undefined) {
          const info = await this.content.info(options.layer.digest);
          ops.push({ op: 'requireRecord', key: contentInfoKey(info.digest), present: true });
          layer = {
            digest: info.digest,
            size: info.size,
            diffId: parseDigest(options.layer.diffId ?? info.digest),
            mediaType: options.layer.mediaType ?? mediaType,
          };
        } else {
          const bytes = options.content ?? (record.upper ? await this.readUpperOf(record) : null);
          if (bytes !== null) {
            const staged = await this.content.stage(bytes);
            ops.push(...staged.ops);
            layer = { digest: staged.info.digest, size: staged.info.size, diffId: parseDigest(options.diffId ?? staged.info.digest), mediaType };
          }
        }
        const time = now();
        const committed: SnapshotRecord = { kind: 'committed', name, parent: record.parent, labels, createdAt: time, updatedAt: time, layer, upper: null };
        ops.push({ op: 'putRecord', key: recordKey(name), value: toStored(committed) });
        ops.push({ op: 'deleteRecord', key: recordKey(key) });
        if (record.upper) ops.push({ op: 'deleteBlob', key: record.upper.blob });
        try {
          await this.blobs.commit(ops);
          return infoOf(committed);
        } catch (error) {
          if (!(error instanceof BlobStoreConflictError)) throw error;
          // The content changed under us (committed or deleted elsewhere): stage again.
          if (error.key.startsWith('content/') && attempt < 3) continue;
          throw this.conflictError(error);
        }
      }
    });
  }

  /**
   * Removes the snapshot `key` (any kind) and its checkpoint.
   * SnapshotStateError if other snapshots have it as their parent.
   */
  remove(key: string): Promise<void> {
    return this.queue.run(async () => {
      const record = await this.require(checkSnapshotKey(key, 'key'));
      const children = (await this.records()).filter((r) => r.parent === key);
      if (children.length > 0) {
        const names = children.slice(0, 3).map((c) => JSON.stringify(c.name)).join(', ');
        throw new SnapshotStateError(key, `cannot remove a snapshot with children (${children.length}: ${names}${children.length > 3 ? ', …' : ''})`);
      }
      const ops: BlobStoreOp[] = [
        { op: 'requireRecord', key: recordKey(key), present: true },
        { op: 'deleteRecord', key: recordKey(key) },
      ];
      if (record.upper) ops.push({ op: 'deleteBlob', key: record.upper.blob });
      await this.commitOps(ops);
    });
  }

  private async records(): Promise<SnapshotRecord[]> {
    return (await this.blobs.listRecords(RECORD_PREFIX)).map(({ key, value }) => fromStored(value, key.slice(RECORD_PREFIX.length)));
  }

  /** Calls `fn` for every snapshot (active, view and committed), in key order. */
  async walk(fn: (info: SnapshotInfo) => void | Promise<void>): Promise<void> {
    // `fn` runs outside the queue, so it may call back into the snapshotter.
    const records = await this.queue.run(() => this.records());
    for (const record of records) await fn(infoOf(record));
  }
}
