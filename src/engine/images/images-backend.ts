/**
 * The images backend of the Engine API (api/routers/image-backend.ts) over
 * an ImageStore, with dockerd 20.10's semantics and wording: list filters,
 * inspect's shape, history's "<missing>" rows, tag validation, rmi's untag
 * vs delete rules and conflicts, save/load/import, prune, commit, search
 * without a network, pull/push/distribution against OCI registries.
 *
 * Wiring (by the daemon):
 *   const images = new DrydockImagesBackend({ store, distribution: { fetch: fromWhatwgFetch(fetch) }, commitSource });
 *   store.inUse = (id) => …;              // rmi conflicts
 *   store.onEvent((e) => eventBus.publish('image', e));
 *   createApi({ backends: { images } });
 */
import { concatBytes, fromUtf8 } from '../../common/bytes.ts';
import type { ImagesBackend } from '../api/routers/image-backend.ts';
import { ConflictError, InvalidParameterError, NotFoundError, SystemError } from '../errors.ts';
import type { ContainerConfig } from '../types/container.ts';
import { Filters, InvalidFilterError } from '../types/filters.ts';
import type {
  ContainerCommitOptions,
  DistributionInspect,
  ImageDeleteResponseItem,
  ImageHistoryItem,
  ImageImportOptions,
  ImageInspect,
  ImageListOptions,
  ImagePruneReport,
  ImagePullOptions,
  ImagePushOptions,
  ImageRemoveOptions,
  ImageSearchOptions,
  ImageSearchResult,
  ImageSummary,
} from '../types/image.ts';
import type { ProgressSink } from '../types/json-message.ts';
import type { AuthConfig } from '../types/system.ts';
import { commitFromContainer, importRootfs, repoTagReference } from './commit.ts';
import { createdSeconds, goContainerConfig, goTimeString, parseGoTime, parseImageConfig } from './image-config.ts';
import { type Image, ImageStore, noSuchImage } from './image-store.ts';
import { readImageArchive, storeLoadedImages } from './load.ts';
import { parsePlatform } from './platform.ts';
import { layerProgress, shortId } from './progress.ts';
import {
  type Reference,
  familiarMatch,
  familiarString,
  isNamed,
  parseAnyReference,
  parseNormalizedNamed,
  tagNameOnly,
  withTag,
} from './reference.ts';
import { RegistryClient, registryError, translatePullError } from './registry/client.ts';
import { readBody } from './registry/http.ts';
import { parseManifest } from './registry/manifest.ts';
import { type DistributionOptions, checkPullOptions, fetchBlob, fetchManifest, pullImage } from './registry/pull.ts';
import { pushImage } from './registry/push.ts';
import { resolveSaveNames, saveImages } from './save.ts';

/** What the containers side gives for `docker commit` (the daemon implements it). */
export interface ContainerCommitSource {
  /**
   * Resolves `name` to a container (NotFoundError "No such container: x"),
   * pausing it while its layer is read if `pause`, and returns its writable
   * layer as a layer tar (OverlayFs.commitUpper()), its config and image.
   */
  prepareCommit(
    name: string,
    pause: boolean,
  ): Promise<{ containerId: string; imageId: string | null; baseDiffIds?: readonly string[]; containerConfig: ContainerConfig; layerTar: Uint8Array }>;
}

export interface ImagesBackendOptions {
  readonly store: ImageStore;
  /** How registries are reached; absent means no network (pull, push and search fail as on a daemon without one). */
  readonly distribution?: DistributionOptions;
  readonly commitSource?: ContainerCommitSource;
  /** The storage driver name inspect shows. */
  readonly graphDriver?: string;
}

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';
/** Docker Hub's search endpoint (the v1 index API dockerd still uses). */
const SEARCH_INDEX = 'https://index.docker.io/v1/search';

function isImageIdPrefix(id: string, prefix: string): boolean {
  return id.startsWith(prefix) || id.slice(id.indexOf(':') + 1).startsWith(prefix);
}

function byFullString(a: Reference, b: Reference): number {
  const sa = `${a.domain}/${a.path}${a.tag !== undefined ? `:${a.tag}` : ''}${a.digest !== undefined ? `@${a.digest}` : ''}`;
  const sb = `${b.domain}/${b.path}${b.tag !== undefined ? `:${b.tag}` : ''}${b.digest !== undefined ? `@${b.digest}` : ''}`;
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** dockerd's isSingleReference: at most one tag, and every digest reference in that tag's repository. */
function isSingleReference(refs: readonly Reference[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  let single: Reference | null = null;
  const canonical = new Set<string>();
  for (const ref of refs) {
    if (ref.digest !== undefined) canonical.add(`${ref.domain}/${ref.path}`);
    else if (single === null) single = ref;
    else return false;
  }
  const chosen = single ?? refs[0]!;
  return canonical.size === 1 && canonical.has(`${chosen.domain}/${chosen.path}`);
}

async function readAll(stream: AsyncIterable<Uint8Array>, signal: AbortSignal): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) {
    signal.throwIfAborted();
    chunks.push(chunk);
  }
  return concatBytes(chunks);
}

export class DrydockImagesBackend implements ImagesBackend {
  readonly store: ImageStore;
  private readonly distribution: DistributionOptions | null;
  private readonly commitSource: ContainerCommitSource | null;
  private readonly graphDriver: string;

  constructor(options: ImagesBackendOptions) {
    this.store = options.store;
    this.distribution = options.distribution ?? null;
    this.commitSource = options.commitSource ?? null;
    this.graphDriver = options.graphDriver ?? 'drydock-overlay';
  }

  // ---- list, inspect, history ----------------------------------------------

  async list(options: ImageListOptions): Promise<ImageSummary[]> {
    const filters = options.filters;
    const danglingOnly = filters.has('dangling') ? filters.getBool('dangling', true) : false;
    const beforeFilter = filters.get('before').map((name) => this.store.resolve(name));
    const sinceFilter = filters.get('since').map((name) => this.store.resolve(name));
    const until = filters.get('until').map(parseUntil);
    const patterns = filters.get('reference');
    const all = this.store.list();
    const hasChildren = new Set(all.map((i) => i.parent).filter((p): p is string => !!p));
    const out: (ImageSummary & { sortKey: bigint; diffIds: readonly string[] })[] = [];
    for (const image of all) {
      if (danglingOnly && hasChildren.has(image.id)) continue;
      const created = parseGoTime(goTimeString(image.created)) ?? 0n;
      if (beforeFilter.some((b) => created >= (parseGoTime(goTimeString(b.created)) ?? 0n))) continue;
      if (sinceFilter.some((s) => created <= (parseGoTime(goTimeString(s.created)) ?? 0n))) continue;
      if (until.some((u) => created >= u)) continue;
      const labels = image.config.config?.Labels ?? null;
      if (!filters.matchKeyValue('label', labels)) continue;
      if (filters.has('label!') && filters.get('label!').some((kv) => Filters.of({ label: [kv] }).matchKeyValue('label', labels))) continue;
      let tags: string[] | null = null;
      let digests: string[] | null = null;
      for (const ref of this.store.referencesOf(image.id)) {
        if (patterns.length > 0 && !patterns.some((p) => familiarMatch(p, ref))) continue;
        if (ref.digest !== undefined) (digests ??= []).push(familiarString(ref));
        else (tags ??= []).push(familiarString(ref));
      }
      if (tags === null && digests === null) {
        if (!(options.all || !hasChildren.has(image.id))) continue;
        if (filters.has('dangling') && !danglingOnly) continue;
        if (patterns.length > 0) continue;
        digests = ['<none>@<none>'];
        tags = ['<none>:<none>'];
      } else if (danglingOnly && tags !== null) {
        continue;
      }
      out.push({
        Containers: -1,
        Created: createdSeconds(image.created),
        Id: image.id,
        Labels: labels,
        ParentId: image.parent ?? '',
        RepoDigests: digests,
        RepoTags: tags,
        SharedSize: -1,
        Size: image.size,
        VirtualSize: image.size,
        sortKey: created,
        diffIds: image.diffIds,
      });
    }
    if (options.sharedSize) {
      // As dockerd: a layer is shared when more than one of the listed images uses it.
      const shared = this.layerUseCounts(out.map((i) => i.diffIds));
      for (const summary of out) {
        summary.SharedSize = 0;
        for (const d of new Set(summary.diffIds)) if ((shared.get(d) ?? 0) > 1) summary.SharedSize += this.store.layer(d)?.size ?? 0;
      }
    }
    out.sort((a, b) => (a.sortKey > b.sortKey ? -1 : a.sortKey < b.sortKey ? 1 : 0));
    return out.map(({ sortKey: _sortKey, diffIds: _diffIds, ...summary }) => summary);
  }

  private layerUseCounts(images: readonly (readonly string[])[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const diffIds of images) for (const d of new Set(diffIds)) counts.set(d, (counts.get(d) ?? 0) + 1);
    return counts;
  }

  /**
   * The bytes of all layers of the images `docker images` would list (every
   * image but untagged parents), each layer once: dockerd's LayersSize.
   */
  layersSize(): number {
    const all = this.store.list();
    const hasChildren = new Set(all.map((i) => i.parent).filter((p): p is string => !!p));
    const layers = new Set<string>();
    for (const image of all) {
      if (this.store.referencesOf(image.id).length === 0 && hasChildren.has(image.id)) continue;
      for (const d of image.diffIds) layers.add(d);
    }
    let size = 0;
    for (const d of layers) size += this.store.layer(d)?.size ?? 0;
    return size;
  }

  async inspect(name: string): Promise<ImageInspect> {
    const image = this.store.resolve(name);
    const config = image.config;
    const inspect: ImageInspect = {
      Id: image.id,
      RepoTags: [...image.repoTags],
      RepoDigests: [...image.repoDigests],
      Parent: image.parent ?? '',
      // dockerd: the config's comment, else the last history entry's (commit writes it there only).
      Comment: config.comment || config.history?.at(-1)?.comment || '',
      Created: goTimeString(config.created),
      DockerVersion: config.docker_version ?? '',
      Author: config.author ?? '',
      Config: config.config ? (goContainerConfig(config.config) as ContainerConfig) : null,
      Architecture: config.architecture,
      Os: config.os,
      Size: image.size,
      VirtualSize: image.size,
      GraphDriver: { Name: this.graphDriver, Data: null },
      RootFS: { Type: 'layers', Layers: [...image.diffIds] },
      Metadata: { LastTagTime: image.lastTagTime ? goTimeString(image.lastTagTime) : GO_ZERO_TIME },
    };
    if (config.variant) inspect.Variant = config.variant;
    if (config['os.version']) inspect.OsVersion = config['os.version'];
    return inspect;
  }

  async history(name: string): Promise<ImageHistoryItem[]> {
    const image = this.store.resolve(name);
    const rows: ImageHistoryItem[] = [];
    let layer = 0;
    for (const entry of image.config.history ?? []) {
      let size = 0;
      if (!entry.empty_layer) {
        const diffId = image.diffIds[layer];
        if (diffId === undefined) throw new SystemError('too many non-empty layers in History section');
        size = this.store.layer(diffId)?.size ?? 0;
        layer++;
      }
      rows.unshift({ Comment: entry.comment ?? '', Created: createdSeconds(entry.created), CreatedBy: entry.created_by ?? '', Id: '<missing>', Size: size, Tags: null });
    }
    // IDs along the parent chain, one per row from the top (dockerd's history walk).
    let current: Image | null = image;
    for (const row of rows) {
      if (!current) break;
      row.Id = current.id;
      const tags = this.store.referencesOf(current.id).filter((r) => r.digest === undefined).map(familiarString);
      row.Tags = tags.length > 0 ? tags : null;
      current = current.parent ? this.store.get(current.parent) : null;
    }
    return rows;
  }

  // ---- tag, remove, prune --------------------------------------------------

  async tag(name: string, repo: string, tag: string): Promise<void> {
    const image = this.store.resolve(name);
    let ref = parseNormalizedNamed(repo);
    if (tag !== '') ref = withTag(ref, tag);
    if (ref.digest !== undefined) throw new InvalidParameterError('refusing to create a tag with a digest reference');
    if (ref.path === 'sha256' || ref.path === 'library/sha256') {
      throw new InvalidParameterError('refusing to create an ambiguous tag using digest algorithm as name');
    }
    await this.store.tag(image, tagNameOnly(ref));
  }

  async remove(name: string, options: ImageRemoveOptions): Promise<ImageDeleteResponseItem[]> {
    const image = this.store.resolve(name);
    const records: ImageDeleteResponseItem[] = [];
    const id = image.id;
    let repoRefs = this.store.referencesOf(id);
    let removedRepositoryRef = false;
    if (!isImageIdPrefix(id, name)) {
      if (!options.force && isSingleReference(repoRefs)) {
        const user = this.store.inUse(id);
        if (user) {
          throw new ConflictError(
            `conflict: unable to remove repository reference "${name}" (must force) - container ${shortId(user.containerId)} is using its referenced image ${shortId(id)}`,
          );
        }
      }
      let parsed = parseNormalizedNamed(name);
      parsed = parsed.digest !== undefined ? parsed : tagNameOnly(parsed);
      await this.store.untag(parsed);
      records.push({ Untagged: familiarString(parsed) });
      repoRefs = this.store.referencesOf(id);
      if (parsed.digest === undefined) {
        const sameRepoTag = repoRefs.some((r) => r.digest === undefined && r.domain === parsed.domain && r.path === parsed.path);
        if (!sameRepoTag) {
          const remaining: Reference[] = [];
          for (const r of repoRefs) {
            if (r.digest !== undefined && r.domain === parsed.domain && r.path === parsed.path) {
              await this.store.untag(r);
              records.push({ Untagged: familiarString(r) });
            } else remaining.push(r);
          }
          repoRefs = remaining;
        }
      }
      if (repoRefs.length > 0) return records;
      removedRepositoryRef = true;
    } else if (isSingleReference(repoRefs)) {
      const conflict = this.deleteConflict(id, options.force ? { hard: true } : { hard: true, stopped: true });
      if (conflict) throw conflict.error;
      for (const r of repoRefs) {
        await this.store.untag(r);
        records.push({ Untagged: familiarString(r) });
      }
    }
    await this.deleteHelper(id, records, options.force, !options.noPrune, removedRepositoryRef);
    return records;
  }

  /** dockerd's checkImageDeleteConflict for the masks it uses. */
  private deleteConflict(id: string, mask: { hard?: boolean; references?: boolean; stopped?: boolean }): { error: ConflictError; hard: boolean; used: boolean } | null {
    const conflict = (message: string, hard: boolean, used: boolean) => ({
      error: new ConflictError(`conflict: unable to delete ${shortId(id)} (${hard ? 'cannot be forced' : 'must be forced'}) - ${message}`),
      hard,
      used,
    });
    if (mask.hard && this.store.children(id).length > 0) return conflict('image has dependent child images', true, false);
    const user = this.store.inUse(id);
    if (mask.hard && user?.running) return conflict(`image is being used by running container ${shortId(user.containerId)}`, true, true);
    if (mask.references && this.store.referencesOf(id).length > 0) return conflict('image is referenced in multiple repositories', false, false);
    if (mask.stopped && user && !user.running) return conflict(`image is being used by stopped container ${shortId(user.containerId)}`, false, true);
    return null;
  }

  private async deleteHelper(id: string, records: ImageDeleteResponseItem[], force: boolean, prune: boolean, quiet: boolean): Promise<void> {
    const conflict = this.deleteConflict(id, force ? { hard: true } : { hard: true, references: true, stopped: true });
    if (conflict) {
      // dockerd's imageIsDangling: no references and no child images.
      const dangling = this.store.referencesOf(id).length === 0 && this.store.children(id).length === 0;
      if (quiet && (!dangling || conflict.used)) return;
      throw conflict.error;
    }
    const image = this.store.get(id);
    if (!image) throw noSuchImage(id);
    for (const r of this.store.referencesOf(id)) {
      await this.store.untag(r);
      records.push({ Untagged: familiarString(r) });
    }
    const removedLayers = await this.store.deleteImage(id);
    records.push({ Deleted: id });
    for (const chain of removedLayers) records.push({ Deleted: chain });
    if (!prune || !image.parent || !this.store.get(image.parent)) return;
    await this.deleteHelper(image.parent, records, false, true, true);
  }

  async prune(filters: Filters): Promise<ImagePruneReport> {
    let danglingOnly = true;
    if (filters.has('dangling')) {
      if (filters.exactMatch('dangling', 'false') || filters.exactMatch('dangling', '0')) danglingOnly = false;
      else if (!filters.exactMatch('dangling', 'true') && !filters.exactMatch('dangling', '1')) {
        throw new InvalidFilterError('dangling', filters.get('dangling'));
      }
    }
    const until = filters.get('until').map(parseUntil);
    const all = this.store.list();
    const hasChildren = new Set(all.map((i) => i.parent).filter((p): p is string => !!p));
    const deleted: ImageDeleteResponseItem[] = [];
    let reclaimed = 0;
    for (const image of all) {
      if (danglingOnly && hasChildren.has(image.id)) continue;
      if (!this.store.get(image.id)) continue;
      if (this.store.inUse(image.id)) continue;
      const created = parseGoTime(goTimeString(image.created)) ?? 0n;
      if (until.some((u) => created >= u)) continue;
      const labels = image.config.config?.Labels ?? null;
      if (!filters.matchKeyValue('label', labels)) continue;
      if (filters.has('label!') && filters.get('label!').some((kv) => Filters.of({ label: [kv] }).matchKeyValue('label', labels))) continue;
      const refs = this.store.referencesOf(image.id);
      if (danglingOnly && refs.length > 0) continue;
      const sizes = new Map(image.diffIds.map((d) => [d, this.store.layer(d)?.size ?? 0]));
      const before = new Set(sizes.keys());
      const records: ImageDeleteResponseItem[] = [];
      try {
        if (refs.length === 0) await this.deleteHelper(image.id, records, false, true, false);
        else for (const r of refs) records.push(...(await this.remove(familiarString(r), { force: false, noPrune: false })));
      } catch (error) {
        if (error instanceof ConflictError) continue;
        throw error;
      }
      deleted.push(...records);
      if (records.some((r) => r.Deleted === image.id)) {
        for (const d of before) if (!this.store.layer(d)) reclaimed += sizes.get(d) ?? 0;
      }
    }
    return { ImagesDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed };
  }

  // ---- save, load, import, commit ------------------------------------------

  async export(names: string[], signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
    if (names.length === 0) throw new InvalidParameterError('no images given to save');
    const items = resolveSaveNames(this.store, names);
    const store = this.store;
    const stream = saveImages(store, items);
    return (async function* () {
      for await (const chunk of stream) {
        signal.throwIfAborted();
        yield chunk;
      }
      for (const item of items) store.emit('save', item.image.id, { name: item.image.id });
    })();
  }

  async load(tar: AsyncIterable<Uint8Array>, options: { quiet: boolean }, progress: ProgressSink, signal: AbortSignal): Promise<void> {
    const images = await readImageArchive(tar, {
      signal,
      onLayer: options.quiet ? undefined : (diffId, size) => layerProgress(progress, shortId(diffId), 'Loading layer', size, size),
    });
    const previous = new Map<string, string | null>();
    for (const image of images) for (const ref of image.refs) previous.set(familiarString(ref), this.store.refTarget(ref));
    await storeLoadedImages(this.store, images);
    for (const image of images) {
      for (const ref of image.refs) {
        const before = previous.get(familiarString(ref));
        if (before && before !== image.id) {
          progress({ stream: `The image ${familiarString(ref)} already exists, renaming the old one with ID ${before} to empty string\n` });
        }
        progress({ stream: `Loaded image: ${familiarString(ref)}\n` });
      }
      if (image.refs.length === 0) progress({ stream: `Loaded image ID: ${image.id}\n` });
      this.store.emit('load', image.id, { name: image.id });
    }
  }

  async import(options: ImageImportOptions, content: AsyncIterable<Uint8Array>, progress: ProgressSink, signal: AbortSignal): Promise<string> {
    const tag = repoTagReference(options.repo, options.tag);
    const platform = parsePlatform(options.platform);
    let tar: Uint8Array;
    if (options.fromSrc === '-') {
      tar = await readAll(content, signal);
    } else {
      const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(options.fromSrc) ? options.fromSrc : `http://${options.fromSrc}`;
      if (!this.distribution) throw new SystemError(`Get "${url}": this engine has no network access`);
      const client = new RegistryClient({ fetch: this.distribution.fetch, domain: 'import', ...(this.distribution.browser ? { browser: true } : {}) });
      const response = await client.fetch({ method: 'GET', url, headers: {}, signal });
      if (response.status !== 200) throw new SystemError(`Get "${url}": unexpected status ${response.status}`);
      progress({ status: 'Downloading from', progressDetail: {}, id: url });
      tar = await readBody(response.body(), 4 * 1024 * 1024 * 1024, 'import source');
    }
    const image = await importRootfs(this.store, tar, {
      message: options.message,
      changes: options.changes,
      tags: tag ? [tag] : [],
      platform: platform ? { os: platform.os, architecture: platform.architecture, ...(platform.variant ? { variant: platform.variant } : {}) } : null,
    });
    this.store.emit('import', image.id, { name: image.id });
    return image.id;
  }

  async commit(options: ContainerCommitOptions): Promise<string> {
    const tag = repoTagReference(options.repo, options.tag);
    if (!this.commitSource) throw new NotFoundError(`No such container: ${options.container}`);
    const source = await this.commitSource.prepareCommit(options.container, options.pause);
    const baseImage = source.imageId ? this.store.get(source.imageId) : null;
    const image = await commitFromContainer(this.store, {
      layerTar: source.layerTar,
      baseImage,
      ...(source.baseDiffIds ? { baseDiffIds: source.baseDiffIds } : {}),
      containerId: source.containerId,
      containerConfig: source.containerConfig,
      config: options.config ?? null,
      comment: options.comment,
      author: options.author,
      changes: options.changes,
      tags: tag ? [tag] : [],
    });
    return image.id;
  }

  // ---- registries ------------------------------------------------------------

  private requireDistribution(url: string): DistributionOptions {
    if (!this.distribution) throw new SystemError(`Get "${url}": this engine has no network access (no fetch was given to the images backend)`);
    return this.distribution;
  }

  async pull(options: ImagePullOptions, progress: ProgressSink, signal: AbortSignal): Promise<void> {
    checkPullOptions(options);
    const domain = parseNormalizedNamed(options.fromImage).domain;
    const distribution = this.requireDistribution(`${domain === 'docker.io' ? 'https://registry-1.docker.io' : `https://${domain}`}/v2/`);
    await pullImage(this.store, distribution, options, progress, signal);
  }

  async push(name: string, options: ImagePushOptions, progress: ProgressSink, signal: AbortSignal): Promise<void> {
    const ref = parseNormalizedNamed(name);
    const distribution = this.requireDistribution(`${ref.domain === 'docker.io' ? 'https://registry-1.docker.io' : `https://${ref.domain}`}/v2/`);
    await pushImage(this.store, distribution, name, options, progress, signal);
  }

  async search(options: ImageSearchOptions): Promise<ImageSearchResult[]> {
    const limit = options.limit ?? 25;
    if (limit < 1 || limit > 100) throw new InvalidParameterError(`Limit ${limit} is outside the range of [1, 100]`);
    const filters = options.filters;
    for (const key of ['is-automated', 'is-official']) {
      for (const v of filters.get(key)) if (v !== 'true' && v !== 'false') throw new InvalidParameterError(`Invalid filter '${key}=${v}'`);
    }
    const stars = filters.get('stars').map((v) => {
      if (!/^-?\d+$/.test(v)) throw new InvalidParameterError(`Invalid filter 'stars=${v}'`);
      return Number(v);
    });
    const url = `${SEARCH_INDEX}?q=${encodeURIComponent(options.term)}&n=${limit}`;
    const distribution = this.requireDistribution(url);
    const client = new RegistryClient({ fetch: distribution.fetch, domain: 'docker.io', ...(distribution.browser ? { browser: true } : {}) });
    const response = await client.fetch({ method: 'GET', url, headers: {} });
    if (response.status !== 200) throw await registryError(response);
    const body = JSON.parse(fromUtf8(await RegistryClient.read(response, 'search results'))) as { results?: unknown };
    const results = (Array.isArray(body.results) ? body.results : []) as Record<string, unknown>[];
    return results
      .map((r) => ({
        description: String(r.description ?? ''),
        is_official: r.is_official === true,
        is_automated: false,
        name: String(r.name ?? ''),
        star_count: Number(r.star_count ?? 0),
      }))
      .filter((r) => !filters.has('is-official') || filters.get('is-official').includes(String(r.is_official)))
      .filter((r) => !filters.has('is-automated') || filters.get('is-automated').includes('false'))
      .filter((r) => stars.every((s) => r.star_count >= s))
      .slice(0, limit);
  }

  async distributionInspect(name: string, auth: AuthConfig | undefined): Promise<DistributionInspect> {
    const parsed = parseAnyReference(name);
    if (!isNamed(parsed)) throw new InvalidParameterError(`invalid reference format: ${name} is an image ID, not a repository reference`);
    const ref = parsed.tag === undefined && parsed.digest === undefined ? tagNameOnly(parsed) : parsed;
    const distribution = this.requireDistribution(`https://${ref.domain}/v2/`);
    const client = new RegistryClient({
      fetch: distribution.fetch,
      domain: ref.domain,
      ...(auth ? { auth } : {}),
      ...(distribution.insecureRegistries ? { insecureRegistries: distribution.insecureRegistries } : {}),
      ...(distribution.browser ? { browser: true } : {}),
    });
    try {
      const manifest = await fetchManifest(client, ref.path, ref.digest ?? ref.tag!);
      const parsedManifest = parseManifest(manifest.bytes, manifest.contentType);
      const descriptor = { mediaType: parsedManifest.mediaType, digest: manifest.digest, size: manifest.bytes.length };
      if (parsedManifest.kind === 'list') {
        return {
          Descriptor: descriptor,
          Platforms: parsedManifest.manifests.map((m) => ({
            architecture: m.platform?.architecture ?? '',
            os: m.platform?.os ?? '',
            ...(m.platform?.variant ? { variant: m.platform.variant } : {}),
          })),
        };
      }
      const config = parseImageConfig(await fetchBlob(client, ref.path, parsedManifest.config, undefined));
      return {
        Descriptor: descriptor,
        Platforms: [{ architecture: config.architecture, os: config.os, ...(config.variant ? { variant: config.variant } : {}) }],
      };
    } catch (error) {
      throw translatePullError(error, familiarString({ domain: ref.domain, path: ref.path }), familiarString(ref));
    }
  }
}

/** An `until` filter value: a Unix timestamp, an RFC 3339 time or a Go duration before now. */
function parseUntil(value: string): bigint {
  if (/^-?\d+(\.\d+)?$/.test(value)) {
    const [s, frac = ''] = value.split('.');
    return BigInt(s!) * 1_000_000_000n + BigInt(frac.padEnd(9, '0').slice(0, 9));
  }
  const time = parseGoTime(value) ?? parseGoTime(`${value}T00:00:00Z`);
  if (time !== null) return time;
  const duration = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$/.exec(value);
  if (duration) {
    const units: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
    return BigInt(Date.now()) * 1_000_000n - BigInt(Math.round(Number(duration[1]) * units[duration[2]!]!));
  }
  throw new InvalidParameterError(`failed to parse value as time or duration: "${value}"`);
}

export { ImageStore };
