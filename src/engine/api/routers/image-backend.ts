/**
 * What the image routes need (moby daemon/server/router/image/backend.go,
 * plus commit and distribution). Images are named by ID, ID prefix,
 * "name[:tag]" or "name@digest"; a missing one is NotFoundError
 * "No such image: x:latest". Long operations report progress through a
 * ProgressSink; the router streams it.
 */
import type { Filters } from '../../types/filters.ts';
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
} from '../../types/image.ts';
import type { ProgressSink } from '../../types/json-message.ts';
import type { AuthConfig } from '../../types/system.ts';

/** Filter names GET /images/json accepts. */
export const IMAGE_LIST_FILTERS = ['before', 'dangling', 'label', 'label!', 'reference', 'since', 'until'] as const;
/** Filter names POST /images/prune accepts. */
export const IMAGE_PRUNE_FILTERS = ['dangling', 'label', 'label!', 'until'] as const;
/** Filter names GET /images/search accepts. */
export const IMAGE_SEARCH_FILTERS = ['is-automated', 'is-official', 'stars'] as const;

export interface ImagesBackend {
  /** GET /images/json. */
  list(options: ImageListOptions): Promise<ImageSummary[]>;
  /** GET /images/{name}/json. */
  inspect(name: string): Promise<ImageInspect>;
  /** GET /images/{name}/history. */
  history(name: string): Promise<ImageHistoryItem[]>;
  /**
   * POST /images/create?fromImage=: pulls, reporting `{status,id,progressDetail}`
   * messages. Failing before the first message gives the client an HTTP
   * error (e.g. 404 for an unknown repository); later failures are in band.
   */
  pull(options: ImagePullOptions, progress: ProgressSink, signal: AbortSignal): Promise<void>;
  /** POST /images/create?fromSrc=: imports a rootfs tar; resolves with the new image ID. */
  import(options: ImageImportOptions, content: AsyncIterable<Uint8Array>, progress: ProgressSink, signal: AbortSignal): Promise<string>;
  /** POST /images/{name}/push. */
  push(name: string, options: ImagePushOptions, progress: ProgressSink, signal: AbortSignal): Promise<void>;
  /** POST /images/{name}/tag: `repo` may be empty only if invalid (the backend rejects it). */
  tag(name: string, repo: string, tag: string): Promise<void>;
  /** DELETE /images/{name}; ConflictError while a container uses it, unless forced. */
  remove(name: string, options: ImageRemoveOptions): Promise<ImageDeleteResponseItem[]>;
  /** GET /images/get and /images/{name}/get: a `docker save` tar of the named images. */
  export(names: string[], signal: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
  /**
   * POST /images/load: reads a docker-save or OCI-layout tar, reporting
   * `{"stream":"Loaded image: x\n"}`. Errors are always reported in band.
   */
  load(tar: AsyncIterable<Uint8Array>, options: { quiet: boolean }, progress: ProgressSink, signal: AbortSignal): Promise<void>;
  /** GET /images/search. */
  search(options: ImageSearchOptions): Promise<ImageSearchResult[]>;
  /** POST /images/prune. */
  prune(filters: Filters): Promise<ImagePruneReport>;
  /** POST /commit: makes an image from a container; resolves with the image ID. */
  commit(options: ContainerCommitOptions): Promise<string>;
  /** GET /distribution/{name}/json: the manifest descriptor in the registry. */
  distributionInspect(name: string, auth: AuthConfig | undefined): Promise<DistributionInspect>;
}
