/**
 * ImagesBackend over a real Docker engine: the images are the real
 * engine's, pulls go to its registries, progress streams are relayed
 * message by message.
 */
import type { ImagesBackend } from '../../engine/api/routers/image-backend.ts';
import type { DockerClient } from '../../engine/client/client.ts';
import { SystemError } from '../../engine/errors.ts';
import type { Filters } from '../../engine/types/filters.ts';
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
} from '../../engine/types/image.ts';
import type { JsonMessage, ProgressSink } from '../../engine/types/json-message.ts';
import type { AuthConfig } from '../../engine/types/system.ts';
import { forward, forwardProgress, hostError, openIterable, verbatim, withoutPrefix } from './upstream.ts';

/** The last message of an import: the new image's ID as its status. */
const IMAGE_ID_STATUS = /^sha256:[0-9a-f]{64}$/;

export class HostImagesBackend implements ImagesBackend {
  constructor(private readonly client: DockerClient) {}

  list(options: ImageListOptions): Promise<ImageSummary[]> {
    return forward(() =>
      this.client.listImages({
        all: options.all,
        digests: options.digests,
        sharedSize: options.sharedSize,
        manifests: options.manifests,
        filters: options.filters.toJSON(),
      }),
    );
  }

  async inspect(name: string): Promise<ImageInspect> {
    try {
      return await this.client.inspectImage(name);
    } catch (error) {
      // The router prefixes "no such image: NAME: " as dockerd 20.10 does; an engine that did
      // so already gets its prefix back, any other engine's message stays as it was.
      const failure = hostError(error);
      const prefix = `no such image: ${name}: `;
      throw failure.message.startsWith(prefix) ? withoutPrefix(failure, prefix) : verbatim(failure);
    }
  }

  history(name: string): Promise<ImageHistoryItem[]> {
    return forward(() => this.client.imageHistory(name));
  }

  pull(options: ImagePullOptions, progress: ProgressSink, signal: AbortSignal): Promise<void> {
    return forwardProgress(
      (onMessage) =>
        this.client.pullImage(
          { fromImage: options.fromImage, tag: options.tag, platform: options.platform, ...(options.auth ? { auth: options.auth } : {}) },
          onMessage,
        ),
      progress,
      signal,
    );
  }

  async import(options: ImageImportOptions, content: AsyncIterable<Uint8Array>, progress: ProgressSink, signal: AbortSignal): Promise<string> {
    let id: string | null = null;
    const keep = (message: JsonMessage): boolean => {
      const status = message.status;
      if (status === undefined || !IMAGE_ID_STATUS.test(status) || Object.keys(message).length !== 1) return false;
      id = status;
      return true;
    };
    await forwardProgress(
      (onMessage) =>
        this.client.importImage(
          {
            fromSrc: options.fromSrc,
            repo: options.repo,
            tag: options.tag,
            message: options.message,
            changes: options.changes,
            platform: options.platform,
          },
          options.fromSrc === '-' ? content : null,
          onMessage,
        ),
      progress,
      signal,
      keep,
    );
    if (id === null) throw new SystemError('the host engine did not report the imported image ID');
    return id;
  }

  push(name: string, options: ImagePushOptions, progress: ProgressSink, signal: AbortSignal): Promise<void> {
    return forwardProgress(
      (onMessage) =>
        this.client.pushImage(name, { tag: options.tag, platform: options.platform, ...(options.auth ? { auth: options.auth } : {}) }, onMessage),
      progress,
      signal,
    );
  }

  tag(name: string, repo: string, tag: string): Promise<void> {
    return forward(() => this.client.tagImage(name, repo, tag));
  }

  remove(name: string, options: ImageRemoveOptions): Promise<ImageDeleteResponseItem[]> {
    return forward(() => this.client.removeImage(name, { force: options.force, noPrune: options.noPrune }));
  }

  async export(names: string[], signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
    const { values } = await openIterable<Uint8Array>((push) => this.client.saveImages(names, (chunk) => push(chunk.slice())), signal);
    return values;
  }

  load(tar: AsyncIterable<Uint8Array>, options: { quiet: boolean }, progress: ProgressSink, signal: AbortSignal): Promise<void> {
    return forwardProgress((onMessage) => this.client.loadImages(tar, { quiet: options.quiet }, onMessage), progress, signal);
  }

  search(options: ImageSearchOptions): Promise<ImageSearchResult[]> {
    return forward(() =>
      this.client.searchImages({
        term: options.term,
        ...(options.limit !== undefined ? { limit: options.limit } : {}),
        filters: options.filters.toJSON(),
        ...(options.auth ? { auth: options.auth } : {}),
      }),
    );
  }

  prune(filters: Filters): Promise<ImagePruneReport> {
    return forward(() => this.client.pruneImages(filters.toJSON()));
  }

  commit(options: ContainerCommitOptions): Promise<string> {
    return forward(() =>
      this.client.commitContainer(
        {
          container: options.container,
          repo: options.repo,
          tag: options.tag,
          comment: options.comment,
          author: options.author,
          pause: options.pause,
          changes: options.changes,
        },
        options.config,
      ),
    );
  }

  distributionInspect(name: string, auth: AuthConfig | undefined): Promise<DistributionInspect> {
    return forward(() => this.client.distributionInspect(name, auth));
  }
}
