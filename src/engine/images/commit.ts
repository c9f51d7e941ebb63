/**
 * `docker commit` and `docker import`: new images from a container's layer
 * or from a rootfs tar, with the config and history dockerd 20.10 writes.
 */
import { readTar } from '../../unionfs/tar/reader.ts';
import { TarError } from '../../unionfs/tar/errors.ts';
import { DRYDOCK_VERSION } from '../api/version.ts';
import { InvalidParameterError } from '../errors.ts';
import type { ContainerConfig } from '../types/container.ts';
import { applyChanges, mergeConfig } from './changes.ts';
import { type HistoryEntry, type ImageConfig, InvalidImageError } from './image-config.ts';
import type { Image, ImageStore } from './image-store.ts';
import { ENGINE_PLATFORM } from './platform.ts';
import { familiarString, parseNormalizedNamed, tagNameOnly, withTag } from './reference.ts';

/** What the containers backend hands over to commit a container. */
export interface CommitFromContainerOptions {
  /** The container's writable layer as a layer tar (OverlayFs.commitUpper()). */
  readonly layerTar: Uint8Array;
  /** The image the container was created from; null if it was deleted (the new image then has no parent and only the new layer on `baseDiffIds`). */
  readonly baseImage: Image | null;
  /** When `baseImage` is null: the diff ids the container's rootfs stacks (from its lease). */
  readonly baseDiffIds?: readonly string[];
  readonly containerId: string;
  /** The container's config (dockerd's container.Config: image config merged with the create request). */
  readonly containerConfig: ContainerConfig;
  /** POST /commit's body config; null or absent means the container's config. */
  readonly config?: ContainerConfig | null;
  readonly comment?: string;
  readonly author?: string;
  /** `--change` Dockerfile instructions. */
  readonly changes?: readonly string[];
  /** References for the new image ("repo:tag", "repo" = :latest). */
  readonly tags?: readonly string[];
  /** RFC 3339 time of the commit (default now). */
  readonly created?: string;
}

/** True for a layer tar without entries (what an unchanged container commits). */
function isEmptyLayer(tar: Uint8Array): boolean {
  try {
    return readTar(tar).length === 0;
  } catch (error) {
    if (error instanceof TarError) throw new InvalidImageError(`the container's layer is not a valid tar: ${error.message}`);
    throw error;
  }
}

/**
 * Commits a container (dockerd's CreateImageFromContainer): applies
 * `changes` to the config, merges it with the container's config, adds the
 * layer (none when the container changed nothing) and a history entry
 * (created_by = the container's command), and tags the image.
 */
export async function commitFromContainer(store: ImageStore, options: CommitFromContainerOptions): Promise<Image> {
  const created = options.created ?? new Date().toISOString();
  const base = options.baseImage;
  const newConfig = applyChanges(options.config ?? options.containerConfig, options.changes ?? []);
  const merged = mergeConfig(newConfig, options.containerConfig);
  const empty = isEmptyLayer(options.layerTar);
  const history: HistoryEntry = { created, created_by: (options.containerConfig.Cmd ?? []).join(' ') };
  if (options.author) history.author = options.author;
  if (options.comment) history.comment = options.comment;
  if (empty) history.empty_layer = true;
  const config: Omit<ImageConfig, 'rootfs'> = {
    architecture: base?.config.architecture || ENGINE_PLATFORM.architecture,
    os: base?.config.os || ENGINE_PLATFORM.os,
    config: merged,
    container: options.containerId,
    container_config: options.containerConfig,
    created,
    docker_version: DRYDOCK_VERSION,
  };
  // dockerd's commit keeps the comment in the history entry only (inspect falls back to it).
  if (options.author) config.author = options.author;
  if (base?.config.variant) config.variant = base.config.variant;
  const tags = (options.tags ?? []).map(checkRef);
  if (!base && options.baseDiffIds && options.baseDiffIds.length > 0) {
    // The image is gone but its layers live on (a lease): stack the new layer on them, without a parent.
    return store.create({ parent: null, layers: empty ? [] : [options.layerTar], config: { ...config, rootfs: { type: 'layers', diff_ids: [] } }, history: [history], tags, baseDiffIds: options.baseDiffIds });
  }
  return store.create({ parent: base, layers: empty ? [] : [options.layerTar], config, history: [history], tags });
}

/** Validates a "repo[:tag]" for commit/import/build and returns its familiar string. */
export function checkRef(text: string): string {
  return familiarString(tagNameOnly(parseNormalizedNamed(text)));
}

/** Joins `repo` and `tag` query values (commit, import) as dockerd's httputils.RepoTagReference; null for no repo. */
export function repoTagReference(repo: string, tag: string): string | null {
  if (repo === '') {
    if (tag !== '') throw new InvalidParameterError('tag given without a repository name');
    return null;
  }
  const ref = parseNormalizedNamed(repo);
  if (ref.digest !== undefined) throw new InvalidParameterError('cannot commit or import to a digest reference');
  if (tag !== '') {
    if (ref.tag !== undefined) throw new InvalidParameterError('cannot give a tag twice');
    return familiarString(withTag(ref, tag));
  }
  return familiarString(tagNameOnly(ref));
}

/** What `docker import` needs besides the tar. */
export interface ImportOptions {
  readonly message: string;
  readonly changes?: readonly string[];
  readonly tags?: readonly string[];
  readonly platform?: { os: string; architecture: string; variant?: string } | null;
  readonly created?: string;
}

/**
 * `docker import`: the tar (plain or gzip) becomes the only layer as it is
 * (its diff id is the sha256 of the uncompressed input); config from the
 * changes, history with the message (dockerd's ImportImage).
 */
export async function importRootfs(store: ImageStore, tar: Uint8Array, options: ImportOptions): Promise<Image> {
  const created = options.created ?? new Date().toISOString();
  const runtime = applyChanges({}, options.changes ?? []);
  const platform = options.platform ?? ENGINE_PLATFORM;
  const config: Omit<ImageConfig, 'rootfs'> = {
    architecture: platform.architecture,
    os: platform.os,
    config: runtime,
    created,
    docker_version: DRYDOCK_VERSION,
  };
  if (options.message) config.comment = options.message;
  if (platform.variant) config.variant = platform.variant;
  const history: HistoryEntry = { created };
  if (options.message) history.comment = options.message;
  return store.create({ layers: [tar], config, history: [history], tags: (options.tags ?? []).map(checkRef), keepEmptyLayers: true });
}
