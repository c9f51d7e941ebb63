/**
 * `docker load`: reading an image archive, either dockerd's `docker save`
 * layout (manifest.json + config + layer tars) or an OCI image layout
 * (index.json + blobs/), plain or compressed with gzip, bzip2 or xz (as
 * dockerd's load, whose Untar runs DecompressStream), into images ready to
 * store.
 *
 * Everything is verified before anything is stored: every path the
 * manifests name must be a member of the archive (symlinks and hard links
 * resolved inside it, never above its root), each config must parse, each
 * layer must pass the extraction policy and hash to its config's diff id,
 * OCI blobs must match their descriptors' digests. A hostile or malformed
 * archive is refused with InvalidImageError naming the problem, and then
 * nothing at all is loaded.
 */
import { concatBytes, fromUtf8 } from '../../common/bytes.ts';
import { BZIP2_MAGIC_BYTES, isBzip2 } from '../../unionfs/tar/bzip2.ts';
import { decompress, DecompressLimitError, MAX_DECOMPRESSED_BYTES } from '../../unionfs/tar/decompress.ts';
import type { TarEntry } from '../../unionfs/tar/entry.ts';
import { TarError } from '../../unionfs/tar/errors.ts';
import { isXz } from '../../unionfs/tar/xz.ts';
import { readTarStream } from '../../unionfs/tar/reader.ts';
import { sha256Hex } from '../../common/bytes.ts';
import { InvalidImageError, imageIdOf, parseImageConfig } from './image-config.ts';
import type { AddImageResult, ImageStore, LayerInput } from './image-store.ts';
import { checkLayerBlob, MediaTypes } from './layer-blob.ts';
import { choosePlatform } from './platform.ts';
import { type Reference, parseNormalizedNamed, tagNameOnly } from './reference.ts';

/** One image found in an archive, verified. */
export interface LoadedImage {
  readonly id: string;
  readonly configBytes: Uint8Array;
  readonly layers: LayerInput[];
  /** Tagged references to set ("busybox:latest"). */
  readonly refs: Reference[];
  /** manifest.json's Parent, when the parent is in the same archive. */
  readonly parent?: string;
}

interface Member {
  readonly type: TarEntry['type'];
  readonly data: Uint8Array;
  readonly link: string;
}

const MAX_LINK_DEPTH = 40;

/** Splits an archive path into clean components; null if it climbs above the root. */
function components(path: string): string[] | null {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out;
}

/** The archive's members by clean path. */
class Archive {
  constructor(private readonly members: ReadonlyMap<string, Member>) {}

  has(path: string): boolean {
    const parts = components(path);
    return parts !== null && this.members.has(parts.join('/'));
  }

  /**
   * The bytes of the regular file at `path`, following symlinks (relative
   * to the link's directory, absolute ones from the archive root) and hard
   * links; InvalidImageError if it is missing, escapes or loops.
   */
  read(path: string, what: string): Uint8Array {
    let parts = components(path);
    for (let depth = 0; depth <= MAX_LINK_DEPTH; depth++) {
      if (parts === null) throw new InvalidImageError(`invalid archive: ${what} ${JSON.stringify(path)} points outside the archive`);
      // Resolve symlinked parent directories too.
      parts = this.resolveParents(parts, what, path);
      const member = this.members.get(parts.join('/'));
      if (!member) throw new InvalidImageError(`invalid archive: ${what} ${JSON.stringify(path)} is not in the archive`);
      if (member.type === 'file') return member.data;
      if (member.type === 'hardlink') {
        parts = components(member.link);
        continue;
      }
      if (member.type === 'symlink') {
        parts = member.link.startsWith('/') ? components(member.link) : components([...parts.slice(0, -1), member.link].join('/'));
        continue;
      }
      throw new InvalidImageError(`invalid archive: ${what} ${JSON.stringify(path)} is a ${member.type}, not a file`);
    }
    throw new InvalidImageError(`invalid archive: ${what} ${JSON.stringify(path)}: too many levels of symbolic links`);
  }

  private resolveParents(parts: string[], what: string, original: string): string[] {
    let current = parts;
    for (let depth = 0; depth <= MAX_LINK_DEPTH; depth++) {
      let changed = false;
      for (let i = 0; i < current.length - 1; i++) {
        const member = this.members.get(current.slice(0, i + 1).join('/'));
        if (member?.type === 'symlink') {
          const base = member.link.startsWith('/') ? member.link : [...current.slice(0, i), member.link].join('/');
          const resolved = components([base, ...current.slice(i + 1)].join('/'));
          if (resolved === null) throw new InvalidImageError(`invalid archive: ${what} ${JSON.stringify(original)} points outside the archive`);
          current = resolved;
          changed = true;
          break;
        }
      }
      if (!changed) return current;
    }
    throw new InvalidImageError(`invalid archive: ${what} ${JSON.stringify(original)}: too many levels of symbolic links`);
  }
}

/** Bytes needed to tell bzip2 (its header and first block's magic) and xz from a plain tar. */
const MAGIC_BYTES = BZIP2_MAGIC_BYTES;

/**
 * The archive with bzip2 or xz undone (gzip and plain tars pass through as
 * they stream: readTarStream undoes gzip itself). Those two decoders take
 * the whole file, so such an archive is read into memory first, at most
 * MAX_DECOMPRESSED_BYTES of it. bzip2 is taken only with its first block's
 * magic after the header, so a plain tar whose first member is named "BZh1…"
 * stays a plain tar.
 */
async function* undoWholeFileCompression(source: AsyncIterable<Uint8Array>, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < MAGIC_BYTES) {
    const next = await iterator.next();
    if (next.done) break;
    chunks.push(next.value);
    length += next.value.length;
  }
  const head = concatBytes(chunks);
  if (!isBzip2(head) && !isXz(head)) {
    if (head.length > 0) yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  for (;;) {
    signal?.throwIfAborted();
    const next = await iterator.next();
    if (next.done) break;
    chunks.push(next.value);
    length += next.value.length;
    if (length > MAX_DECOMPRESSED_BYTES) {
      throw new InvalidImageError(`invalid archive: the compressed archive is larger than ${MAX_DECOMPRESSED_BYTES} bytes (the limit for one archive)`);
    }
  }
  yield decompress(concatBytes(chunks));
}

/** Reads the archive's members into memory (the manifest usually comes last). */
async function readArchive(tar: AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<Archive> {
  const members = new Map<string, Member>();
  let count = 0;
  try {
    for await (const entry of readTarStream(undoWholeFileCompression(tar, signal))) {
      signal?.throwIfAborted();
      count++;
      const parts = components(entry.path);
      if (parts === null) throw new InvalidImageError(`invalid archive: member ${JSON.stringify(entry.path)} points outside the archive`);
      if (parts.length === 0) continue;
      members.set(parts.join('/'), { type: entry.type, data: entry.type === 'file' ? entry.data.slice() : new Uint8Array(0), link: entry.linkTarget });
    }
  } catch (error) {
    if (error instanceof TarError || error instanceof DecompressLimitError) throw new InvalidImageError(`invalid archive: ${error.message}`);
    throw error;
  }
  if (count === 0) throw new InvalidImageError('invalid archive: it is empty (no tar entries)');
  return new Archive(members);
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(fromUtf8(bytes));
  } catch (error) {
    throw new InvalidImageError(`invalid archive: ${what} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Parses and verifies every image of a `docker save` or OCI-layout archive (plain, gzip, bzip2 or xz). Stores nothing. */
export async function readImageArchive(
  tar: AsyncIterable<Uint8Array>,
  options: {
    signal?: AbortSignal;
    onLayer?: (diffId: string, size: number) => void;
    /** Images (by ID) whose layers need not be read or verified: they come back with no layers (preload of images already stored). */
    skipLayersOf?: (id: string) => boolean;
  } = {},
): Promise<LoadedImage[]> {
  const archive = await readArchive(tar, options.signal);
  if (archive.has('manifest.json')) return readDockerSave(archive, options.onLayer, options.skipLayersOf);
  if (archive.has('index.json')) return readOciLayout(archive, options.onLayer);
  throw new InvalidImageError(
    'invalid archive: it has neither manifest.json (a docker save archive) nor index.json (an OCI image layout)',
  );
}

async function readDockerSave(
  archive: Archive,
  onLayer?: (diffId: string, size: number) => void,
  skipLayersOf?: (id: string) => boolean,
): Promise<LoadedImage[]> {
  const manifest = parseJson(archive.read('manifest.json', 'manifest'), 'manifest.json');
  if (!Array.isArray(manifest)) throw new InvalidImageError('invalid archive: manifest.json is not a list');
  const images: LoadedImage[] = [];
  const idsByConfigPath = new Map<string, string>();
  const pendingParents: { index: number; parent: string }[] = [];
  for (const [index, item] of manifest.entries()) {
    if (!isObject(item) || typeof item.Config !== 'string' || !Array.isArray(item.Layers) || !item.Layers.every((l) => typeof l === 'string')) {
      throw new InvalidImageError(`invalid archive: manifest.json entry ${index + 1} needs "Config" and "Layers"`);
    }
    if (item.RepoTags !== undefined && item.RepoTags !== null && (!Array.isArray(item.RepoTags) || !item.RepoTags.every((t) => typeof t === 'string'))) {
      throw new InvalidImageError(`invalid archive: manifest.json entry ${index + 1}: RepoTags must be a list of strings`);
    }
    const configBytes = archive.read(item.Config, 'config');
    const config = parseImageConfig(configBytes);
    const id = await imageIdOf(configBytes);
    const diffIds = config.rootfs.diff_ids;
    const layerPaths = item.Layers as string[];
    if (layerPaths.length !== diffIds.length) {
      throw new InvalidImageError(`invalid manifest, layers length mismatch: expected ${layerPaths.length}, got ${diffIds.length}`);
    }
    const layers: LayerInput[] = [];
    for (const [i, path] of layerPaths.entries()) {
      if (skipLayersOf?.(id)) break;
      const blob = archive.read(path, `layer ${i + 1}`);
      const checked = await checkLayerBlob(blob, `invalid archive: layer ${i + 1} (${path})`, diffIds[i]);
      onLayer?.(checked.diffId, blob.length);
      layers.push({ diffId: checked.diffId, ...checked.stored, size: checked.size });
    }
    const refs = ((item.RepoTags as string[] | null | undefined) ?? []).map((tag) => {
      let ref: Reference;
      try {
        ref = parseNormalizedNamed(tag);
      } catch {
        throw new InvalidImageError(`invalid tag ${JSON.stringify(tag)}`);
      }
      if (ref.tag === undefined || ref.digest !== undefined) throw new InvalidImageError(`invalid tag ${JSON.stringify(tag)}`);
      return ref;
    });
    idsByConfigPath.set(item.Config, id);
    if (typeof item.Parent === 'string' && item.Parent !== '') pendingParents.push({ index: images.length, parent: item.Parent });
    images.push({ id, configBytes, layers, refs });
  }
  // Parent links only within the archive (dockerd checks the parent exists and is an ancestor).
  const ids = new Set(images.map((i) => i.id));
  for (const { index, parent } of pendingParents) {
    if (ids.has(parent)) images[index] = { ...images[index]!, parent };
  }
  return images;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string; variant?: string };
}

function descriptorOf(value: unknown, what: string): Descriptor {
  if (!isObject(value) || typeof value.digest !== 'string' || typeof value.size !== 'number') {
    throw new InvalidImageError(`invalid archive: ${what} is not a descriptor (mediaType, digest, size)`);
  }
  if (!/^sha256:[0-9a-f]{64}$/.test(value.digest)) throw new InvalidImageError(`invalid archive: ${what} has an unsupported digest ${JSON.stringify(value.digest)}`);
  return value as unknown as Descriptor;
}

async function readBlob(archive: Archive, descriptor: Descriptor, what: string): Promise<Uint8Array> {
  const hex = descriptor.digest.slice('sha256:'.length);
  const bytes = archive.read(`blobs/sha256/${hex}`, what);
  if (bytes.length !== descriptor.size) {
    throw new InvalidImageError(`invalid archive: ${what} ${descriptor.digest} has ${bytes.length} bytes, its descriptor says ${descriptor.size}`);
  }
  const actual = `sha256:${await sha256Hex(bytes)}`;
  if (actual !== descriptor.digest) throw new InvalidImageError(`invalid archive: ${what} ${descriptor.digest} hashes to ${actual}`);
  return bytes;
}

const MANIFEST_TYPES: readonly string[] = [MediaTypes.ociManifest, MediaTypes.dockerManifest];
const INDEX_TYPES: readonly string[] = [MediaTypes.ociIndex, MediaTypes.dockerManifestList];

async function readOciLayout(archive: Archive, onLayer?: (diffId: string, size: number) => void): Promise<LoadedImage[]> {
  const index = parseJson(archive.read('index.json', 'index'), 'index.json');
  if (!isObject(index) || !Array.isArray(index.manifests)) throw new InvalidImageError('invalid archive: index.json has no "manifests" list');
  const byId = new Map<string, LoadedImage>();
  const order: string[] = [];
  for (const [i, raw] of index.manifests.entries()) {
    let descriptor = descriptorOf(raw, `index.json manifest ${i + 1}`);
    // containerd's full name, else an OCI ref.name that is a whole reference ("busybox:latest"); a bare "latest" names no repository.
    const refName = descriptor.annotations?.['org.opencontainers.image.ref.name'];
    const name = descriptor.annotations?.['io.containerd.image.name'] ?? (refName !== undefined && /[:/]/.test(refName) ? refName : undefined);
    // A nested index (multi-platform): take the engine's platform.
    for (let depth = 0; INDEX_TYPES.includes(descriptor.mediaType); depth++) {
      if (depth > 4) throw new InvalidImageError('invalid archive: image indexes nested too deeply');
      const nested = parseJson(await readBlob(archive, descriptor, 'image index'), `image index ${descriptor.digest}`);
      if (!isObject(nested) || !Array.isArray(nested.manifests)) throw new InvalidImageError(`invalid archive: image index ${descriptor.digest} has no "manifests" list`);
      const entries = nested.manifests.map((m, j) => descriptorOf(m, `image index entry ${j + 1}`));
      descriptor = choosePlatform(entries, null);
    }
    if (!MANIFEST_TYPES.includes(descriptor.mediaType)) {
      throw new InvalidImageError(`invalid archive: unsupported manifest media type ${JSON.stringify(descriptor.mediaType)}`);
    }
    const manifest = parseJson(await readBlob(archive, descriptor, 'manifest'), `manifest ${descriptor.digest}`);
    if (!isObject(manifest) || !Array.isArray(manifest.layers)) throw new InvalidImageError(`invalid archive: manifest ${descriptor.digest} has no "layers"`);
    const configDescriptor = descriptorOf(manifest.config, `config of manifest ${descriptor.digest}`);
    const configBytes = await readBlob(archive, configDescriptor, 'config');
    const config = parseImageConfig(configBytes);
    const id = configDescriptor.digest;
    const layerDescriptors = manifest.layers.map((l, j) => descriptorOf(l, `layer ${j + 1} of manifest ${descriptor.digest}`));
    if (layerDescriptors.length !== config.rootfs.diff_ids.length) {
      throw new InvalidImageError(`invalid manifest, layers length mismatch: expected ${layerDescriptors.length}, got ${config.rootfs.diff_ids.length}`);
    }
    let image = byId.get(id);
    if (!image) {
      const layers: LayerInput[] = [];
      for (const [j, layerDescriptor] of layerDescriptors.entries()) {
        if (layerDescriptor.mediaType === MediaTypes.ociLayerZstd) throw new InvalidImageError(`invalid archive: layer ${j + 1} is zstd-compressed, which Drydock does not support`);
        const blob = await readBlob(archive, layerDescriptor, `layer ${j + 1}`);
        const checked = await checkLayerBlob(blob, `invalid archive: layer ${j + 1} (${layerDescriptor.digest})`, config.rootfs.diff_ids[j], layerDescriptor.mediaType);
        onLayer?.(checked.diffId, blob.length);
        layers.push({ diffId: checked.diffId, ...checked.stored, size: checked.size });
      }
      image = { id, configBytes, layers, refs: [] };
      byId.set(id, image);
      order.push(id);
    }
    if (name !== undefined) {
      let ref: Reference;
      try {
        ref = tagNameOnly(parseNormalizedNamed(name));
      } catch {
        throw new InvalidImageError(`invalid tag ${JSON.stringify(name)}`);
      }
      if (ref.digest === undefined && !image.refs.some((r) => r.domain === ref.domain && r.path === ref.path && r.tag === ref.tag)) image.refs.push(ref);
    }
  }
  return order.map((id) => byId.get(id)!);
}

/**
 * Stores verified archive images (each one atomically), parents first so
 * that parent links can be recorded; returns, per image in archive order,
 * the store's result.
 */
export async function storeLoadedImages(store: ImageStore, images: readonly LoadedImage[]): Promise<AddImageResult[]> {
  const results = new Map<string, AddImageResult>();
  const byId = new Map(images.map((i) => [i.id, i]));
  const visiting = new Set<string>();
  const add = async (image: LoadedImage): Promise<void> => {
    if (results.has(image.id) || visiting.has(image.id)) return;
    visiting.add(image.id);
    const parent = image.parent !== undefined ? byId.get(image.parent) : undefined;
    if (parent) await add(parent);
    const parentId = parent && results.has(parent.id) ? parent.id : null;
    results.set(image.id, await store.addImage({ configBytes: image.configBytes, layers: image.layers, refs: image.refs, parent: parentId }));
  };
  for (const image of images) await add(image);
  return images.map((i) => results.get(i.id)!);
}
