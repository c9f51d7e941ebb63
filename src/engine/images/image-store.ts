/**
 * The image store: images (config + layers), their references (tags and
 * digests) and the read-only layer trees containers mount. Persistent in a
 * BlobStore, so a restarted daemon finds its images again.
 *
 * Storage (one BlobStore, shared with the ContentStore and Snapshotter):
 *   content `sha256:<id>`               the config JSON, byte for byte (its digest is the image ID)
 *   content `sha256:<blob>`             a layer blob: an uncompressed tar, or the gzip a registry served
 *   record  `images/image/<id>`         ImageRecord: parent, last tag time
 *   record  `images/layer/<diffId>`     LayerRecord: which blob holds the layer, media type, sizes
 *   record  `images/ref/<reference>`    RefRecord: a full reference ("docker.io/library/busybox:latest") -> image ID
 *   record  `images/lease/<owner>`      LeaseRecord: diff ids a container still needs after its image is gone
 *
 * Invariants
 *  - Every change is one BlobStore transaction: an image appears with its
 *    config, layers and tags, or not at all; a delete removes records and
 *    unreferenced blobs together.
 *  - Every stored layer passed the extraction policy and matches its diff
 *    id; every stored config parses and its diff ids all have layers.
 *  - A layer blob stays while an image or a lease names its diff id.
 *  - Within one ImageStore, mutations are serialised (SerialQueue) and the
 *    in-memory index always equals the committed records. Two stores on one
 *    BlobStore (two tabs) do not see each other's changes until `refresh()`.
 *
 * Ownership: the store owns the keys above; the images backend
 * (images-backend.ts) decides dockerd's policies (rmi conflicts, untag
 * semantics) and calls these primitives.
 */
import type { BlobStore, BlobStoreOp, StoredRecord } from '../../platform/types.ts';
import { ContentStore, contentBlobKey, contentInfoKey } from '../../unionfs/store/content-store.ts';
import { BlobStoreConflictError } from '../../unionfs/store/errors.ts';
import { parseDigest } from '../../unionfs/store/digest.ts';
import { SerialQueue } from '../../unionfs/store/serial.ts';
import { loadLayer } from '../../unionfs/layer/load.ts';
import type { LayerTree } from '../../unionfs/layer/tree.ts';
import { NotFoundError, SystemError } from '../errors.ts';
import {
  type HistoryEntry,
  type ImageConfig,
  EMPTY_LAYER_DIFF_ID,
  InvalidImageError,
  chainIds,
  imageIdOf,
  parseImageConfig,
  serializeImageConfig,
} from './image-config.ts';
import { type ImageEventListener, ImageEventEmitter } from './image-events.ts';
import { checkLayerBlob, MediaTypes } from './layer-blob.ts';
import {
  type DigestReference,
  type Reference,
  familiarString,
  isNamed,
  parseAnyReference,
  parseNormalizedNamed,
  referenceString,
  tagNameOnly,
} from './reference.ts';

/** One image, as the store knows it now (a snapshot: tags may change later). */
export interface Image {
  /** "sha256:<hex>" of the config JSON (Docker's image ID). */
  readonly id: string;
  readonly config: ImageConfig;
  /** rootfs.diff_ids, bottom first. */
  readonly diffIds: readonly string[];
  /** Familiar tag references ("busybox:latest"), sorted by full reference. */
  readonly repoTags: readonly string[];
  /** Familiar digest references ("busybox@sha256:…"). */
  readonly repoDigests: readonly string[];
  /** config.created as written (Go's zero time if absent). */
  readonly created: string;
  /** Bytes of the layers' files (dockerd's Size). */
  readonly size: number;
  /** The image this one was committed or built from, when known locally. */
  readonly parent?: string;
  /** When a tag was last set with `tag` (dockerd's Metadata.LastTagTime), or undefined. */
  readonly lastTagTime?: string;
}

/** A layer as the store records it. */
export interface LayerRecord {
  readonly diffId: string;
  /** Digest of the stored blob (equal to diffId for an uncompressed tar). */
  readonly blob: string;
  readonly mediaType: string;
  /** Stored blob bytes. */
  readonly blobSize: number;
  /** dockerd's DiffSize: bytes of the layer's files. */
  readonly size: number;
}

/** What `create` needs: a new image on top of `parent` (or from scratch). */
export interface CreateImageOptions {
  parent?: Image | null;
  /** New uncompressed (or gzip) layer tars, bottom first, stacked on the parent's layers. Empty layers are skipped, as dockerd does. */
  layers?: readonly Uint8Array[];
  /** The config; `rootfs` and `history` are computed (parent's plus `history`). */
  config: Omit<ImageConfig, 'rootfs' | 'history'> & { rootfs?: ImageConfig['rootfs']; history?: HistoryEntry[] };
  /** History entries appended to the parent's (one per instruction; layers must match non-empty ones). */
  history?: readonly HistoryEntry[];
  /** References to point at the new image ("name[:tag]"). */
  tags?: readonly string[];
  /** Diff ids under the new layers when there is no parent image (commit of a container whose image was deleted; they must be stored). */
  baseDiffIds?: readonly string[];
  /** Keep layers that are the empty tar (`docker import` of an empty archive does). */
  keepEmptyLayers?: boolean;
}

/** A layer blob to store along with an image being added (load, pull). */
export interface LayerInput {
  readonly diffId: string;
  readonly blob: Uint8Array;
  readonly mediaType: string;
  /** Set when the blob was already verified (checkLayerBlob) by the caller. */
  readonly size?: number;
}

/** What `addImage` stores. */
export interface AddImageOptions {
  /** The config JSON byte for byte. */
  readonly configBytes: Uint8Array;
  /** Layer blobs for diff ids the store lacks (others may be omitted). */
  readonly layers?: readonly LayerInput[];
  readonly parent?: string | null;
  /** References to point at the image (tags or digests), replacing what they pointed at. */
  readonly refs?: readonly Reference[];
  /** Set LastTagTime (as `docker tag`, commit and import do). */
  readonly touchTagTime?: boolean;
}

/** The outcome of `addImage`. */
export interface AddImageResult {
  readonly image: Image;
  /** Whether the image (its config) was new to the store. */
  readonly created: boolean;
  /** For each reference set: the image it pointed at before, if another one. */
  readonly replaced: ReadonlyMap<string, string>;
}

export interface ImageStoreOptions {
  /** The clock for LastTagTime (RFC 3339). */
  readonly now?: () => string;
}

const IMAGE_PREFIX = 'images/image/';
const LAYER_PREFIX = 'images/layer/';
const REF_PREFIX = 'images/ref/';
const LEASE_PREFIX = 'images/lease/';

interface ImageEntry {
  readonly id: string;
  readonly config: ImageConfig;
  readonly parent: string | null;
  lastTagTime: string | null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function layerFromRecord(value: StoredRecord): LayerRecord | null {
  const diffId = str(value.diffId);
  const blob = str(value.blob);
  if (!diffId || !blob || typeof value.size !== 'number' || typeof value.blobSize !== 'number') return null;
  return { diffId, blob, mediaType: str(value.mediaType) ?? MediaTypes.ociLayer, blobSize: value.blobSize, size: value.size };
}

function layerToRecord(layer: LayerRecord): StoredRecord {
  return { diffId: layer.diffId, blob: layer.blob, mediaType: layer.mediaType, blobSize: layer.blobSize, size: layer.size };
}

function imageToRecord(entry: ImageEntry): StoredRecord {
  return { id: entry.id, parent: entry.parent, lastTagTime: entry.lastTagTime };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The "No such image" error dockerd gives for a reference (ErrImageDoesNotExist). */
export function noSuchImage(ref: Reference | DigestReference | string): NotFoundError {
  if (typeof ref === 'string') return new NotFoundError(`No such image: ${ref}`);
  return new NotFoundError(`No such image: ${isNamed(ref) ? familiarString(tagNameOnly(ref)) : ref.digest}`);
}

export class ImageStore {
  readonly content: ContentStore;
  private readonly images = new Map<string, ImageEntry>();
  private readonly layers = new Map<string, LayerRecord>();
  /** Full reference string -> image ID. */
  private readonly refs = new Map<string, string>();
  private readonly leases = new Map<string, readonly string[]>();
  private readonly trees = new Map<string, Promise<LayerTree>>();
  private readonly queue = new SerialQueue();
  private readonly emitter = new ImageEventEmitter();
  private readonly now: () => string;
  /** Images whose records exist but whose config or layers could not be read at open (reported, left alone). */
  readonly damaged: { id: string; reason: string }[] = [];

  /**
   * Set by the daemon: a container using the image, preferring a running
   * one, or null. rmi's conflicts ("image is being used by running/stopped
   * container …") come from it. Defaults to "never in use".
   */
  inUse: (imageId: string) => { running: boolean; containerId: string } | null = () => null;

  private constructor(
    readonly blobs: BlobStore,
    options: ImageStoreOptions,
  ) {
    this.content = new ContentStore(blobs);
    this.now = options.now ?? (() => new Date().toISOString());
  }

  /** Opens the store over `blobs`, restoring every image, layer, reference and lease recorded there. */
  static async open(blobs: BlobStore, options: ImageStoreOptions = {}): Promise<ImageStore> {
    const store = new ImageStore(blobs, options);
    await store.load();
    return store;
  }

  /** Re-reads every record (after another store on the same BlobStore changed it). */
  refresh(): Promise<void> {
    return this.queue.run(() => this.load());
  }

  private async load(): Promise<void> {
    this.images.clear();
    this.layers.clear();
    this.refs.clear();
    this.leases.clear();
    this.damaged.length = 0;
    for (const { value } of await this.blobs.listRecords(LAYER_PREFIX)) {
      const layer = layerFromRecord(value);
      if (layer) this.layers.set(layer.diffId, layer);
    }
    for (const { key, value } of await this.blobs.listRecords(IMAGE_PREFIX)) {
      const id = key.slice(IMAGE_PREFIX.length);
      try {
        const config = parseImageConfig(await this.content.read(id));
        const missing = config.rootfs.diff_ids.find((d) => !this.layers.has(d));
        if (missing) throw new Error(`layer ${missing} is missing`);
        this.images.set(id, { id, config, parent: str(value.parent), lastTagTime: str(value.lastTagTime) });
      } catch (error) {
        this.damaged.push({ id, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    for (const { key, value } of await this.blobs.listRecords(REF_PREFIX)) {
      const id = str(value.id);
      if (id && this.images.has(id)) this.refs.set(key.slice(REF_PREFIX.length), id);
    }
    for (const { key, value } of await this.blobs.listRecords(LEASE_PREFIX)) {
      if (Array.isArray(value.diffIds)) this.leases.set(key.slice(LEASE_PREFIX.length), value.diffIds.filter((d): d is string => typeof d === 'string'));
    }
  }

  /** Subscribes to image events (tag, untag, delete here; pull, push, load, save, import from the backend). */
  onEvent(listener: ImageEventListener): () => void {
    return this.emitter.onEvent(listener);
  }

  /** @internal The backend emits its events through the store's emitter. */
  emit(...args: Parameters<ImageEventEmitter['emit']>): void {
    this.emitter.emit(...args);
  }

  // ---- reading ------------------------------------------------------------

  /** Every image, in no particular order. */
  list(): Image[] {
    return [...this.images.values()].map((entry) => this.toImage(entry));
  }

  /** The image with exactly this ID, or null. */
  get(id: string): Image | null {
    const entry = this.images.get(id);
    return entry ? this.toImage(entry) : null;
  }

  /** Images whose parent is `id`. */
  children(id: string): Image[] {
    return [...this.images.values()].filter((e) => e.parent === id).map((e) => this.toImage(e));
  }

  /** The layer record of a diff id, or null. */
  layer(diffId: string): LayerRecord | null {
    return this.layers.get(diffId) ?? null;
  }

  /** The image a full reference string points at. */
  refTarget(ref: Reference): string | null {
    return this.refs.get(referenceString(tagNameOnly(ref))) ?? null;
  }

  /** Every reference (parsed) that points at `id`, sorted by full string. */
  referencesOf(id: string): Reference[] {
    const out: string[] = [];
    for (const [ref, target] of this.refs) if (target === id) out.push(ref);
    return out.sort(compareStrings).map((r) => parseNormalizedNamed(r));
  }

  /**
   * Resolves a name as dockerd's GetImage does: a full ID or `sha256:` ID,
   * a reference ("busybox", "busybox:1", "busybox@sha256:…"; default tag
   * latest), then a unique ID prefix. NotFoundError "No such image:
   * busybox:latest"; an invalid reference is InvalidReferenceError (400).
   */
  resolve(name: string): Image {
    const found = this.tryResolve(name);
    if (found) return found;
    throw noSuchImage(parseAnyReference(name));
  }

  /** `resolve`, but null instead of NotFoundError (invalid references still throw). */
  tryResolve(name: string): Image | null {
    const ref = parseAnyReference(name);
    if (!isNamed(ref)) return this.get(ref.digest);
    const id = this.refs.get(referenceString(tagNameOnly(ref)));
    if (id) return this.get(id);
    const byPrefix = this.searchId(name);
    return byPrefix ? this.get(byPrefix) : null;
  }

  /** A unique ID with this hex prefix ("sha256:" optional), or null if none or ambiguous. */
  searchId(prefix: string): string | null {
    const hex = prefix.startsWith('sha256:') ? prefix.slice('sha256:'.length) : prefix;
    if (!/^[0-9a-f]{1,64}$/.test(hex)) return null;
    let found: string | null = null;
    for (const id of this.images.keys()) {
      if (id.slice('sha256:'.length).startsWith(hex)) {
        if (found) return null;
        found = id;
      }
    }
    return found;
  }

  /** The stored config bytes of an image (exactly what its ID hashes). */
  configBytes(image: Image | string): Promise<Uint8Array> {
    return this.content.read(typeof image === 'string' ? image : image.id);
  }

  /** The stored blob of a layer. */
  async layerBlob(diffId: string): Promise<{ record: LayerRecord; bytes: Uint8Array }> {
    const record = this.layers.get(diffId);
    if (!record) throw new NotFoundError(`layer ${diffId} does not exist`);
    return { record, bytes: await this.content.read(record.blob) };
  }

  /** Read-only trees for an OverlayFs, BOTTOM first (reverse for OverlayFs's topmost-first `lowers`); cached per diff id. */
  layerTrees(image: Image): Promise<LayerTree[]> {
    return this.layerTreesFor(image.diffIds);
  }

  /** Trees of these diff ids (bottom first): for containers whose image is gone but whose lease keeps the layers. */
  layerTreesFor(diffIds: readonly string[]): Promise<LayerTree[]> {
    return Promise.all(diffIds.map((diffId) => this.tree(diffId)));
  }

  private tree(diffId: string): Promise<LayerTree> {
    let tree = this.trees.get(diffId);
    if (!tree) {
      tree = (async () => {
        const { bytes } = await this.layerBlob(diffId);
        const layer = await loadLayer(bytes);
        if (layer.diffId !== diffId) throw new SystemError(`layer ${diffId} is corrupt: its tar hashes to ${layer.diffId}`);
        return layer.tree;
      })();
      tree.catch(() => this.trees.delete(diffId));
      this.trees.set(diffId, tree);
    }
    return tree;
  }

  private toImage(entry: ImageEntry): Image {
    const tags: string[] = [];
    const digests: string[] = [];
    for (const ref of this.referencesOf(entry.id)) {
      if (ref.digest !== undefined) digests.push(familiarString(ref));
      else tags.push(familiarString(ref));
    }
    const diffIds = entry.config.rootfs.diff_ids;
    let size = 0;
    for (const d of diffIds) size += this.layers.get(d)?.size ?? 0;
    return {
      id: entry.id,
      config: entry.config,
      diffIds,
      repoTags: tags,
      repoDigests: digests,
      created: entry.config.created ?? '0001-01-01T00:00:00Z',
      size,
      ...(entry.parent ? { parent: entry.parent } : {}),
      ...(entry.lastTagTime ? { lastTagTime: entry.lastTagTime } : {}),
    };
  }

  // ---- writing ------------------------------------------------------------

  /**
   * Stores an image from its config bytes and the layer blobs the store
   * lacks (load, pull, import), and points `refs` at it, in one
   * transaction. Layers given are verified (tar policy, diff id);
   * InvalidImageError names what is wrong, and then nothing is stored.
   */
  addImage(options: AddImageOptions): Promise<AddImageResult> {
    return this.queue.run(() => this.addImageLocked(options));
  }

  private async addImageLocked(options: AddImageOptions): Promise<AddImageResult> {
    const config = parseImageConfig(options.configBytes);
    const id = await imageIdOf(options.configBytes);
    const given = new Map<string, LayerInput>();
    for (const layer of options.layers ?? []) given.set(layer.diffId, layer);
    const newLayers: { record: LayerRecord; blob: Uint8Array }[] = [];
    const seen = new Set<string>();
    for (const [index, diffId] of config.rootfs.diff_ids.entries()) {
      if (this.layers.has(diffId) || seen.has(diffId)) continue;
      const input = given.get(diffId);
      if (!input) throw new InvalidImageError(`layer ${index + 1} of image ${id} (${diffId}) is missing`);
      let size = input.size;
      if (size === undefined) size = (await checkLayerBlob(input.blob, `layer ${index + 1} (${diffId})`, diffId)).size;
      const blobDigest = await imageIdOf(input.blob);
      newLayers.push({ record: { diffId, blob: blobDigest, mediaType: input.mediaType, blobSize: input.blob.length, size }, blob: input.blob });
      seen.add(diffId);
    }
    if (options.parent && !this.images.has(options.parent)) throw new NotFoundError(`No such image: ${options.parent}`);
    const existing = this.images.get(id);
    const entry: ImageEntry = {
      id,
      config,
      parent: existing?.parent ?? options.parent ?? null,
      lastTagTime: options.touchTagTime && (options.refs?.length ?? 0) > 0 ? this.now() : (existing?.lastTagTime ?? null),
    };
    const replaced = new Map<string, string>();
    for (const ref of options.refs ?? []) {
      const previous = this.refs.get(referenceString(ref));
      if (previous && previous !== id) replaced.set(referenceString(ref), previous);
    }
    await this.commitWithRetry(async () => {
      const ops: BlobStoreOp[] = [];
      for (const { record, blob } of newLayers) {
        ops.push(...(await this.content.stage(blob, { expected: record.blob })).ops);
        ops.push({ op: 'putRecord', key: LAYER_PREFIX + record.diffId, value: layerToRecord(record) });
      }
      ops.push(...(await this.content.stage(options.configBytes, { expected: id })).ops);
      ops.push({ op: 'putRecord', key: IMAGE_PREFIX + id, value: imageToRecord(entry) });
      for (const ref of options.refs ?? []) ops.push({ op: 'putRecord', key: REF_PREFIX + referenceString(ref), value: { ref: referenceString(ref), id } });
      return ops;
    });
    for (const { record } of newLayers) this.layers.set(record.diffId, record);
    this.images.set(id, entry);
    for (const ref of options.refs ?? []) this.refs.set(referenceString(ref), id);
    // An image a reference left may now be unreferenced; dockerd keeps it (dangling).
    return { image: this.toImage(entry), created: !existing, replaced };
  }

  /**
   * Creates an image from new layers on top of `parent` (commit, build,
   * import): serialises the config as dockerd does, appends history, and
   * tags it. Layer tars equal to the empty tar add no layer.
   */
  async create(options: CreateImageOptions): Promise<Image> {
    const parent = options.parent ?? null;
    const inputs: LayerInput[] = [];
    const newDiffIds: string[] = [];
    for (const [index, tar] of (options.layers ?? []).entries()) {
      const checked = await checkLayerBlob(tar, `layer ${index + 1}`);
      if (checked.diffId === EMPTY_LAYER_DIFF_ID && !options.keepEmptyLayers) continue;
      inputs.push({ diffId: checked.diffId, ...checked.stored, size: checked.size });
      newDiffIds.push(checked.diffId);
    }
    const { history: ownHistory, rootfs: _rootfs, ...rest } = options.config;
    const history = [...(parent?.config.history ?? []), ...(ownHistory ?? []), ...(options.history ?? [])];
    const below = parent?.diffIds ?? options.baseDiffIds ?? [];
    const config: ImageConfig = { ...rest, rootfs: { type: 'layers', diff_ids: [...below, ...newDiffIds] } };
    if (history.length > 0) config.history = history;
    const refs = (options.tags ?? []).map((t) => tagNameOnly(parseNormalizedNamed(t)));
    const result = await this.addImage({
      configBytes: serializeImageConfig(config),
      layers: inputs,
      parent: parent?.id ?? null,
      refs,
      touchTagTime: true,
    });
    for (const ref of refs) this.emit('tag', result.image.id, { name: familiarString(ref) });
    return result.image;
  }

  /**
   * Points `ref` (a tag or digest reference) at `image` (dockerd's AddTag
   * with force: a tag that named another image moves). Sets LastTagTime
   * and emits "tag", unless `quiet` (digest references a push adds).
   */
  tag(image: Image, ref: Reference, options: { quiet?: boolean } = {}): Promise<void> {
    return this.queue.run(async () => {
      const entry = this.images.get(image.id);
      if (!entry) throw noSuchImage(image.id);
      const key = referenceString(tagNameOnly(ref));
      const updated: ImageEntry = options.quiet ? entry : { ...entry, lastTagTime: this.now() };
      await this.blobs.commit([
        { op: 'requireRecord', key: IMAGE_PREFIX + image.id, present: true },
        { op: 'putRecord', key: REF_PREFIX + key, value: { ref: key, id: image.id } },
        { op: 'putRecord', key: IMAGE_PREFIX + image.id, value: imageToRecord(updated) },
      ]);
      this.refs.set(key, image.id);
      this.images.set(image.id, updated);
      if (!options.quiet) this.emit('tag', image.id, { name: familiarString(ref) });
    });
  }

  /** Removes a reference (a name alone means its :latest tag); returns the image ID it pointed at. NotFoundError if it names nothing. Emits "untag". */
  untag(ref: Reference): Promise<string> {
    return this.queue.run(async () => {
      const key = referenceString(tagNameOnly(ref));
      const id = this.refs.get(key);
      if (!id) throw noSuchImage(ref);
      await this.blobs.commit([{ op: 'deleteRecord', key: REF_PREFIX + key }]);
      this.refs.delete(key);
      this.emit('untag', id, { name: id });
      return id;
    });
  }

  /**
   * Deletes an image record, its remaining references, its config and every
   * layer no other image or lease needs, in one transaction. Policy (in
   * use, children, tags) is the caller's. Returns the chain IDs of the
   * layer stack that no image uses any more, top first (dockerd's
   * "Deleted: sha256:…" lines after the image's own). Emits "delete".
   */
  deleteImage(id: string): Promise<string[]> {
    return this.queue.run(async () => {
      const entry = this.images.get(id);
      if (!entry) throw noSuchImage(id);
      const others = [...this.images.values()].filter((e) => e.id !== id);
      const liveDiffIds = new Set<string>();
      for (const e of others) for (const d of e.config.rootfs.diff_ids) liveDiffIds.add(d);
      for (const diffIds of this.leases.values()) for (const d of diffIds) liveDiffIds.add(d);
      const liveChains = new Set<string>();
      for (const e of others) for (const c of await chainIds(e.config.rootfs.diff_ids)) liveChains.add(c);
      const ops: BlobStoreOp[] = [{ op: 'deleteRecord', key: IMAGE_PREFIX + id }];
      const refs = [...this.refs].filter(([, target]) => target === id).map(([ref]) => ref);
      for (const ref of refs) ops.push({ op: 'deleteRecord', key: REF_PREFIX + ref });
      const liveBlobs = new Set<string>();
      for (const d of liveDiffIds) {
        const blob = this.layers.get(d)?.blob;
        if (blob) liveBlobs.add(blob);
      }
      for (const e of others) liveBlobs.add(e.id);
      const deleteContent = (digest: string) => {
        if (liveBlobs.has(digest)) return;
        liveBlobs.add(digest);
        const d = parseDigest(digest);
        ops.push({ op: 'deleteRecord', key: contentInfoKey(d) }, { op: 'deleteBlob', key: contentBlobKey(d) });
      };
      deleteContent(id);
      const goneLayers: string[] = [];
      for (const diffId of new Set(entry.config.rootfs.diff_ids)) {
        if (liveDiffIds.has(diffId)) continue;
        const layer = this.layers.get(diffId);
        ops.push({ op: 'deleteRecord', key: LAYER_PREFIX + diffId });
        if (layer) deleteContent(layer.blob);
        goneLayers.push(diffId);
      }
      await this.blobs.commit(ops);
      this.images.delete(id);
      for (const ref of refs) this.refs.delete(ref);
      for (const diffId of goneLayers) {
        this.layers.delete(diffId);
        this.trees.delete(diffId);
      }
      this.emit('delete', id, { name: id });
      const chains = await chainIds(entry.config.rootfs.diff_ids);
      return chains.filter((c) => !liveChains.has(c)).reverse();
    });
  }

  /** Sets or clears LastTagTime-independent metadata: the parent link (load restores it). */
  setParent(id: string, parent: string | null): Promise<void> {
    return this.queue.run(async () => {
      const entry = this.images.get(id);
      if (!entry) throw noSuchImage(id);
      if (parent && !this.images.has(parent)) throw noSuchImage(parent);
      const updated: ImageEntry = { ...entry, parent };
      await this.blobs.commit([{ op: 'putRecord', key: IMAGE_PREFIX + id, value: imageToRecord(updated) }]);
      this.images.set(id, updated);
    });
  }

  /**
   * Keeps the layers `diffIds` stored under the name `owner` (a container
   * ID) even if every image using them is deleted, as a container's
   * read-write layer holds its parents in dockerd. Replaces an earlier
   * lease of the same owner.
   */
  acquireLease(owner: string, diffIds: readonly string[]): Promise<void> {
    return this.queue.run(async () => {
      const missing = diffIds.find((d) => !this.layers.has(d));
      if (missing) throw new NotFoundError(`layer ${missing} does not exist`);
      await this.blobs.commit([{ op: 'putRecord', key: LEASE_PREFIX + owner, value: { diffIds: [...diffIds] } }]);
      this.leases.set(owner, [...diffIds]);
    });
  }

  /** Drops `owner`'s lease and deletes the layers nothing needs any more. */
  releaseLease(owner: string): Promise<void> {
    return this.queue.run(async () => {
      const held = this.leases.get(owner);
      if (!held) return;
      const live = new Set<string>();
      for (const e of this.images.values()) for (const d of e.config.rootfs.diff_ids) live.add(d);
      for (const [o, diffIds] of this.leases) if (o !== owner) for (const d of diffIds) live.add(d);
      const liveBlobs = new Set<string>([...this.images.keys()]);
      for (const d of live) {
        const blob = this.layers.get(d)?.blob;
        if (blob) liveBlobs.add(blob);
      }
      const ops: BlobStoreOp[] = [{ op: 'deleteRecord', key: LEASE_PREFIX + owner }];
      const gone: string[] = [];
      for (const diffId of new Set(held)) {
        if (live.has(diffId)) continue;
        const layer = this.layers.get(diffId);
        ops.push({ op: 'deleteRecord', key: LAYER_PREFIX + diffId });
        if (layer && !liveBlobs.has(layer.blob)) {
          liveBlobs.add(layer.blob);
          const d = parseDigest(layer.blob);
          ops.push({ op: 'deleteRecord', key: contentInfoKey(d) }, { op: 'deleteBlob', key: contentBlobKey(d) });
        }
        gone.push(diffId);
      }
      await this.blobs.commit(ops);
      this.leases.delete(owner);
      for (const d of gone) {
        this.layers.delete(d);
        this.trees.delete(d);
      }
    });
  }

  /** Waits for queued mutations. */
  drain(): Promise<void> {
    return this.queue.drain();
  }

  /** Commits ops built by `build`, building them again if a concurrent store changed a precondition. */
  private async commitWithRetry(build: () => Promise<BlobStoreOp[]>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const ops = await build();
      try {
        await this.blobs.commit(ops);
        return;
      } catch (error) {
        if (error instanceof BlobStoreConflictError && attempt < 3) continue;
        throw error;
      }
    }
  }
}
