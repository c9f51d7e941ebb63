/**
 * The image subsystem of the engine: the image store (src/engine/images)
 * seen by containers as an ImageSource, and its API backend, which commits
 * containers through the container manager.
 */
import type { BlobStore } from '../../platform/types.ts';
import type { ContainerImage, ImageSource } from '../containers/image-source.ts';
import type { ContainerManager } from '../containers/manager.ts';
import { DrydockImagesBackend } from '../images/images-backend.ts';
import type { ImagesBackendOptions } from '../images/images-backend.ts';
import { ImageStore } from '../images/image-store.ts';
import type { Image } from '../images/image-store.ts';
import { preloadImages } from '../images/preload.ts';
import type { EventBus } from './events.ts';

function asContainerImage(image: Image): ContainerImage {
  return { id: image.id, config: image.config.config ?? {}, diffIds: image.diffIds, repoTags: image.repoTags };
}

export interface ImageSubsystemOptions {
  readonly blobs: BlobStore;
  /** How registries are reached (absent: no network). */
  readonly distribution?: ImagesBackendOptions['distribution'];
  /** Image archives (`docker save` tars) to make sure are present: the shipped images. */
  readonly preload?: () => Promise<Uint8Array[]>;
}

export class ImageSubsystem {
  readonly source: ImageSource;
  readonly backend: DrydockImagesBackend;
  /** Set by the engine once containers exist (commit reads a container's layer). */
  containers: ContainerManager | null = null;

  private constructor(
    readonly store: ImageStore,
    distribution: ImagesBackendOptions['distribution'],
  ) {
    this.source = {
      resolve: (name) => asContainerImage(store.resolve(name)),
      byId: (id) => {
        const image = store.get(id);
        return image ? asContainerImage(image) : null;
      },
      layerTrees: (diffIds) => store.layerTreesFor(diffIds),
      lease: (owner, diffIds) => store.acquireLease(owner, diffIds),
      release: (owner) => store.releaseLease(owner),
    };
    this.backend = new DrydockImagesBackend({
      store,
      ...(distribution ? { distribution } : {}),
      commitSource: {
        prepareCommit: async (name, pause) => {
          const manager = this.containers;
          if (!manager) throw new Error('containers are not ready');
          const container = manager.get(name);
          const overlay = await manager.filesystem(container);
          const group = container.runtime?.group;
          const freeze = pause && group !== undefined && !group.frozen;
          if (freeze) group.frozen = true;
          try {
            return {
              containerId: container.id,
              imageId: container.record.image,
              baseDiffIds: container.record.layers,
              containerConfig: container.record.config,
              layerTar: overlay.commitUpper(),
            };
          } finally {
            if (freeze) group.thaw();
          }
        },
      },
    });
  }

  static async open(options: ImageSubsystemOptions): Promise<ImageSubsystem> {
    const store = await ImageStore.open(options.blobs);
    if (options.preload) await preloadImages(store, await options.preload());
    return new ImageSubsystem(store, options.distribution);
  }

  /** Wires rmi conflicts and image events to the containers and the event bus. */
  connect(containers: ContainerManager, events: EventBus): void {
    this.containers = containers;
    this.store.inUse = (imageId) => {
      const users = containers.all().filter((c) => c.record.image === imageId);
      if (users.length === 0) return null;
      const running = users.find((c) => c.running);
      return { running: running !== undefined, containerId: (running ?? users[0]!).id };
    };
    this.store.onEvent(({ action, id, attributes }) => events.publish('image', action, id, attributes));
  }
}
