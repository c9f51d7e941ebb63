/**
 * `docker save`: images as one tar, in dockerd 20.10's layout plus the OCI
 * image layout newer Docker writes, so every Docker version and OCI tools
 * can load it:
 *
 *   <id hex>.json                  the config, byte for byte
 *   <v1 id>/VERSION                "1.0"
 *   <v1 id>/json                   the legacy v1 image JSON of that layer
 *   <v1 id>/layer.tar              the uncompressed layer (a symlink to the first copy for a repeated layer)
 *   blobs/sha256/<hex>             OCI blobs: config and layers (hard links to the files above), manifests
 *   index.json, oci-layout         the OCI image layout (one descriptor per tag)
 *   manifest.json                  [{"Config","RepoTags","Layers"[,"Parent"]}] as dockerd writes it
 *   repositories                   {"busybox":{"latest":"<top v1 id>"}} (only when there are tags)
 *
 * The v1 IDs are computed exactly as dockerd's v1.CreateID does, so saving
 * the same image here and on dockerd gives the same member names. The output
 * is deterministic (fixed mtimes from the image's created time, uid/gid 0),
 * which the shipped images' reproducible build relies on.
 */
import { utf8 } from '../../common/bytes.ts';
import type { TarWriteEntry } from '../../unionfs/tar/entry.ts';
import { plainLayerTar } from '../../unionfs/layer/apply.ts';
import { TarWriter } from '../../unionfs/tar/writer.ts';
import { NotFoundError } from '../errors.ts';
import {
  type ImageConfig,
  type Json,
  chainIds,
  goContainerConfig,
  goJson,
  goSortedObject,
  goTimeString,
  parseGoTime,
} from './image-config.ts';
import type { Image, ImageStore } from './image-store.ts';
import { MediaTypes } from './layer-blob.ts';
import {
  type Reference,
  familiarName,
  familiarString,
  isNamed,
  parseAnyReference,
  referenceString,
  tagNameOnly,
} from './reference.ts';
import { sha256Hex } from '../../common/bytes.ts';

/** One image to save and the tags to record for it. */
export interface SaveItem {
  readonly image: Image;
  /** Tagged references (digest references are not saved, as in dockerd). */
  readonly tags: Reference[];
}

/**
 * Resolves `docker save` arguments as dockerd 20.10's tarexport does: an ID
 * saves the image untagged; "name" saves every tag of that repository;
 * "name:tag" that tag. NotFoundError for a name that matches nothing.
 */
export function resolveSaveNames(store: ImageStore, names: readonly string[]): SaveItem[] {
  const items = new Map<string, SaveItem>();
  const add = (image: Image, ref: Reference | null) => {
    let item = items.get(image.id);
    if (!item) {
      item = { image, tags: [] };
      items.set(image.id, item);
    }
    if (ref && ref.tag !== undefined && ref.digest === undefined && !item.tags.some((t) => referenceString(t) === referenceString(ref))) {
      item.tags.push(ref);
    }
  };
  for (const name of names) {
    const ref = parseAnyReference(name);
    if (!isNamed(ref)) {
      const image = store.get(ref.digest);
      if (!image) throw new NotFoundError(`No such image: ${ref.digest}`);
      add(image, null);
      continue;
    }
    if (familiarName(ref) === 'sha256' && ref.tag !== undefined) {
      const id = store.searchId(name);
      if (!id) throw new NotFoundError(`No such image: ${name}`);
      add(store.get(id)!, null);
      continue;
    }
    if (ref.tag === undefined && ref.digest === undefined) {
      let found = false;
      for (const image of store.list()) {
        for (const r of store.referencesOf(image.id)) {
          if (r.domain === ref.domain && r.path === ref.path) {
            add(image, r);
            found = true;
          }
        }
      }
      if (!found) {
        const id = store.searchId(name);
        if (!id) throw new NotFoundError(`No such image: ${name}`);
        add(store.get(id)!, null);
      }
      continue;
    }
    const id = store.refTarget(ref);
    if (!id) throw new NotFoundError('reference does not exist');
    add(store.get(id)!, ref);
  }
  return [...items.values()];
}

// ---- the legacy v1 JSON ---------------------------------------------------

interface V1Image {
  id?: string;
  parent?: string;
  comment?: string;
  created: string;
  container?: string;
  container_config: Record<string, Json>;
  docker_version?: string;
  author?: string;
  config?: Record<string, Json>;
  architecture?: string;
  variant?: string;
  os?: string;
  Size?: number;
}

/** The V1Image fields of a config (image.V1Image after json.Unmarshal). */
function v1Of(config: ImageConfig): V1Image {
  const raw = config as unknown as Record<string, unknown>;
  const v1: V1Image = { created: goTimeString(config.created), container_config: goContainerConfig(config.container_config) };
  if (typeof raw.parent === 'string' && raw.parent) v1.parent = raw.parent;
  if (config.comment) v1.comment = config.comment;
  if (config.container) v1.container = config.container;
  if (config.docker_version) v1.docker_version = config.docker_version;
  if (config.author) v1.author = config.author;
  if (config.config) v1.config = goContainerConfig(config.config);
  if (config.architecture) v1.architecture = config.architecture;
  if (config.variant) v1.variant = config.variant;
  if (config.os) v1.os = config.os;
  if (typeof raw.Size === 'number' && raw.Size !== 0) v1.Size = raw.Size;
  return v1;
}

/** json.Marshal(V1Image): struct field order, omitempty fields dropped. */
function v1Struct(v1: V1Image): Record<string, Json> {
  const out: Record<string, Json> = {};
  if (v1.id) out.id = v1.id;
  if (v1.parent) out.parent = v1.parent;
  if (v1.comment) out.comment = v1.comment;
  out.created = v1.created;
  if (v1.container) out.container = v1.container;
  out.container_config = v1.container_config;
  if (v1.docker_version) out.docker_version = v1.docker_version;
  if (v1.author) out.author = v1.author;
  if (v1.config) out.config = v1.config;
  if (v1.architecture) out.architecture = v1.architecture;
  if (v1.variant) out.variant = v1.variant;
  if (v1.os) out.os = v1.os;
  if (v1.Size) out.Size = v1.Size;
  return out;
}

/** dockerd's v1.CreateID: sha256 of the v1 JSON without id, as a sorted map plus layer_id and parent. */
async function v1Id(v1: V1Image, chainId: string, parent: string): Promise<string> {
  const map = v1Struct({ ...v1, id: '' });
  map.layer_id = chainId;
  if (parent) map.parent = parent;
  return sha256Hex(utf8(goJson(goSortedObject(map))));
}

// ---- writing --------------------------------------------------------------

interface PendingEntry {
  readonly entry: TarWriteEntry;
}

function entryChunks(entry: TarWriteEntry): Uint8Array[] {
  const writer = new TarWriter();
  writer.add(entry);
  // finishChunks appends the two end-of-archive blocks; one entry's chunks are the rest.
  return writer.finishChunks().slice(0, -2);
}

function compareWalkOrder(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i]! < pb[i]! ? -1 : 1;
  }
  return pa.length - pb.length;
}

/**
 * The `docker save` tar of `items`, streamed entry by entry (layer bytes
 * are read from the store as they are written). Deterministic.
 */
export async function* saveImages(store: ImageStore, items: readonly SaveItem[]): AsyncGenerator<Uint8Array> {
  const manifest: Json[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  const indexManifests: Json[] = [];
  /** Legacy part of the archive, in dockerd's directory-walk order; file contents loaded lazily. */
  const legacy: { path: string; type: 'file' | 'dir' | 'symlink'; mode: number; mtimeNs: bigint; data?: () => Promise<Uint8Array>; link?: string }[] = [];
  const blobs: { path: string; link?: string; data?: Uint8Array; mtimeNs: bigint }[] = [];
  const layerPaths = new Map<string, string>();
  const savedV1 = new Set<string>();
  const blobNames = new Set<string>();
  const savedIds = new Set(items.map((i) => i.image.id));

  for (const { image, tags } of items) {
    const config = image.config;
    const created = parseGoTime(goTimeString(config.created)) ?? 0n;
    const mtimeNs = created > 0n ? (created / 1_000_000_000n) * 1_000_000_000n : 0n;
    const diffIds = image.diffIds;
    const chains = await chainIds(diffIds);
    const layerFiles: string[] = [];
    const layerDescriptors: Json[] = [];
    let parent = '';
    for (let i = 0; i < diffIds.length; i++) {
      const diffId = diffIds[i]!;
      // dockerd 20.10 gives the lower layers' v1 JSON the Unix epoch as created time (time.Unix(0, 0), in UTC here).
      let v1: V1Image = { created: '1970-01-01T00:00:00Z', container_config: goContainerConfig(undefined) };
      if (i === diffIds.length - 1) v1 = v1Of(config);
      const id = await v1Id(v1, chains[i]!, parent ? `sha256:${parent}` : '');
      v1 = { ...v1, id };
      if (parent) v1.parent = parent;
      if (config.os) v1.os = config.os;
      layerFiles.push(`${id}/layer.tar`);
      const record = store.layer(diffId);
      if (!record) throw new NotFoundError(`layer ${diffId} does not exist`);
      const hex = diffId.slice('sha256:'.length);
      // The tar size is only known after decompressing a gzip blob; the descriptor needs it.
      let tarSize = record.blobSize;
      if (record.mediaType.endsWith('gzip') || record.blob !== diffId) {
        tarSize = plainLayerTar((await store.layerBlob(diffId)).bytes).length;
      }
      layerDescriptors.push({ mediaType: MediaTypes.ociLayer, digest: diffId, size: tarSize });
      if (!savedV1.has(id)) {
        savedV1.add(id);
        const v1Json = utf8(goJson(v1Struct(v1)));
        legacy.push({ path: id, type: 'dir', mode: 0o755, mtimeNs });
        legacy.push({ path: `${id}/VERSION`, type: 'file', mode: 0o644, mtimeNs, data: async () => utf8('1.0') });
        legacy.push({ path: `${id}/json`, type: 'file', mode: 0o644, mtimeNs, data: async () => v1Json });
        const earlier = layerPaths.get(diffId);
        if (earlier) {
          legacy.push({ path: `${id}/layer.tar`, type: 'symlink', mode: 0o777, mtimeNs, link: `../${earlier}` });
        } else {
          layerPaths.set(diffId, `${id}/layer.tar`);
          legacy.push({
            path: `${id}/layer.tar`,
            type: 'file',
            mode: 0o644,
            mtimeNs,
            data: async () => plainLayerTar((await store.layerBlob(diffId)).bytes),
          });
        }
        if (!blobNames.has(hex)) {
          blobNames.add(hex);
          blobs.push({ path: `blobs/sha256/${hex}`, link: layerPaths.get(diffId)!, mtimeNs });
        }
      }
      parent = id;
    }
    const configHex = image.id.slice('sha256:'.length);
    const configBytes = await store.configBytes(image);
    legacy.push({ path: `${configHex}.json`, type: 'file', mode: 0o644, mtimeNs, data: async () => configBytes });
    if (!blobNames.has(configHex)) {
      blobNames.add(configHex);
      blobs.push({ path: `blobs/sha256/${configHex}`, link: `${configHex}.json`, mtimeNs });
    }
    const repoTags = tags.map((t) => familiarString(t));
    const item: Record<string, Json> = { Config: `${configHex}.json`, RepoTags: repoTags.length > 0 ? repoTags : null, Layers: layerFiles };
    if (image.parent && savedIds.has(image.parent)) item.Parent = image.parent;
    manifest.push(item);
    for (const t of tags) {
      const name = familiarName(t);
      repositories[name] ??= {};
      repositories[name]![t.tag!] = parent;
    }
    // OCI: one image manifest per image, one index descriptor per tag (or one without a name).
    const ociManifest = utf8(
      goJson({
        schemaVersion: 2,
        mediaType: MediaTypes.ociManifest,
        config: { mediaType: MediaTypes.ociConfig, digest: image.id, size: configBytes.length },
        layers: layerDescriptors,
      }),
    );
    const manifestHex = await sha256Hex(ociManifest);
    if (!blobNames.has(manifestHex)) {
      blobNames.add(manifestHex);
      blobs.push({ path: `blobs/sha256/${manifestHex}`, data: ociManifest, mtimeNs });
    }
    const descriptor = { mediaType: MediaTypes.ociManifest, digest: `sha256:${manifestHex}`, size: ociManifest.length };
    if (tags.length === 0) indexManifests.push(descriptor);
    for (const t of tags) {
      indexManifests.push({
        ...descriptor,
        annotations: { 'io.containerd.image.name': referenceString(tagNameOnly(t)), 'org.opencontainers.image.ref.name': t.tag! },
      });
    }
  }

  legacy.sort((a, b) => compareWalkOrder(a.path, b.path));
  for (const e of legacy) {
    const entry: TarWriteEntry = { path: e.path, type: e.type, mode: e.mode, mtimeNs: e.mtimeNs };
    if (e.type === 'file') entry.data = await e.data!();
    if (e.type === 'symlink') entry.linkTarget = e.link!;
    yield* entryChunks(entry);
  }
  yield* entryChunks({ path: 'blobs', type: 'dir', mode: 0o755 });
  yield* entryChunks({ path: 'blobs/sha256', type: 'dir', mode: 0o755 });
  blobs.sort((a, b) => compareWalkOrder(a.path, b.path));
  for (const b of blobs) {
    if (b.link) yield* entryChunks({ path: b.path, type: 'hardlink', mode: 0o644, linkTarget: b.link, mtimeNs: b.mtimeNs });
    else yield* entryChunks({ path: b.path, type: 'file', mode: 0o644, data: b.data!, mtimeNs: b.mtimeNs });
  }
  const index = { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: indexManifests };
  yield* entryChunks({ path: 'index.json', type: 'file', mode: 0o644, data: utf8(goJson(index)) });
  yield* entryChunks({ path: 'manifest.json', type: 'file', mode: 0o644, data: utf8(`${goJson(manifest)}\n`) });
  yield* entryChunks({ path: 'oci-layout', type: 'file', mode: 0o644, data: utf8('{"imageLayoutVersion":"1.0.0"}') });
  if (Object.keys(repositories).length > 0) {
    const sorted: Record<string, Json> = {};
    for (const name of Object.keys(repositories).sort()) sorted[name] = goSortedObject(repositories[name]!);
    yield* entryChunks({ path: 'repositories', type: 'file', mode: 0o644, data: utf8(`${goJson(sorted)}\n`) });
  }
  yield new Uint8Array(1024);
}
