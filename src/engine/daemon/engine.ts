/**
 * createEngine: the whole Drydock engine in one object — the kernel, the
 * stores, the container, exec, image and volume subsystems, events, and the
 * Engine API over them. Platform pieces (storage, workers, host directories)
 * come from the entry point, so the same engine runs in Node and in a page.
 */
import type { Kernel } from '../../kernel/kernel.ts';
import { NetworkManager } from '../../net/manager.ts';
import type { BlobStore } from '../../platform/types.ts';
import { ContentStore } from '../../unionfs/store/content-store.ts';
import { Snapshotter } from '../../unionfs/store/snapshotter.ts';
import { MeteredBlobStore, StorageBudget } from '../../unionfs/store/storage-budget.ts';
import { createApi } from '../api/create-api.ts';
import type { EngineApi } from '../api/create-api.ts';
import { EngineSystemBackend } from '../api/engine-system.ts';
import { ClassicBuilder } from '../build/builder.ts';
import { EngineContainersBackend } from '../containers/containers-backend.ts';
import { ExecManager } from '../containers/exec.ts';
import { HealthMonitor } from '../containers/health.ts';
import { ContainerManager } from '../containers/manager.ts';
import { ContainerNetworking } from '../containers/networking.ts';
import { EngineNetworks } from '../networks/networks.ts';
import { fetchPublished, publishedPortOf } from '../networks/published-http.ts';
import { toFetchRequest } from '../api/fetch.ts';
import type { FetchInitLike, FetchInput, FetchResponseLike } from '../api/fetch.ts';
import type { BindSource } from '../containers/manager.ts';
import { ContainerStore } from '../containers/store.ts';
import type { VolumeDriver } from '../volumes/volumes.ts';
import { VolumeManager } from '../volumes/volumes.ts';
import { Filters } from '../types/filters.ts';
import { fullName, parseNormalizedNamed } from '../images/reference.ts';
import { diskUsage } from './disk-usage.ts';
import { EventBus } from './events.ts';
import { ImageSubsystem } from './images.ts';
import type { ImageSubsystemOptions } from './images.ts';

export interface EngineOptions {
  readonly kernel: Kernel;
  /**
   * Persistent storage (IndexedDB, a directory, memory). Its `quotaBytes`
   * (given when it is opened) is the global storage quota: the store refuses
   * growth beyond it, and containers' writable layers get ENOSPC before they
   * could no longer be saved (src/unionfs/store/storage-budget.ts).
   */
  readonly blobs: BlobStore;
  /** How registries are reached (absent: no network; pulls and pushes fail as on a daemon without one). */
  readonly distribution?: ImageSubsystemOptions['distribution'];
  /** The image archives to preload (the shipped images, public/images/*.tar). */
  readonly preloadImages?: () => Promise<Uint8Array[]>;
  readonly volumes: VolumeDriver;
  readonly binds?: BindSource;
  /**
   * The container network stack (Node: with the host's network for outbound
   * traffic and a PortPublisher for published ports; default: a stack with
   * neither, as in browsers, where published ports are reached through
   * engine.fetch).
   */
  readonly network?: NetworkManager;
  /** CPUs and memory reported by `docker info` and used for stats. */
  readonly ncpu: number;
  readonly memTotal: number;
  /** Where data lives, shown by `docker info` ("Docker Root Dir"). */
  readonly dataRoot: string;
  /** The host runtime ("node v20.20.2", a browser name), shown as the server's Go version. */
  readonly runtime?: string;
  /** This build's short git commit and build time ("2006-01-02T15:04:05.000000000+00:00"), shown by `docker version`. */
  readonly gitCommit?: string;
  readonly buildTime?: string;
  readonly name?: string;
}

export interface Engine {
  readonly api: EngineApi;
  readonly images: ImageSubsystem;
  readonly kernel: Kernel;
  readonly containers: ContainerManager;
  readonly events: EventBus;
  /** Docker's networks and the container network stack. */
  readonly network: NetworkManager;
  /**
   * WHATWG fetch into the engine: `http://localhost:PORT/…` (or 127.0.0.1,
   * [::1]) reaches the server a container publishes on PORT, as a browser on
   * a Docker host does (networks/published-http.ts); any other URL
   * (`http://drydock/v1.47/info`) is an Engine API request.
   */
  fetch(input: FetchInput, init?: FetchInitLike): Promise<FetchResponseLike>;
  /** Stops containers (saving their state) and releases the stores. */
  shutdown(): Promise<void>;
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const events = new EventBus();
  const blobs = await MeteredBlobStore.wrap(options.blobs);
  const budget = new StorageBudget(blobs);
  const content = new ContentStore(blobs);
  const snapshots = new Snapshotter(content);
  const images = await ImageSubsystem.open({
    blobs,
    ...(options.distribution ? { distribution: options.distribution } : {}),
    ...(options.preloadImages ? { preload: options.preloadImages } : {}),
  });
  const volumes = await VolumeManager.open(options.volumes, blobs, events);
  const network = options.network ?? new NetworkManager();
  const containers = new ContainerManager({
    network: new ContainerNetworking(network, () => options.name ?? options.kernel.rootUts.hostname),
    kernel: options.kernel,
    images: images.source,
    volumes,
    store: new ContainerStore(blobs, snapshots),
    budget,
    events,
    ...(options.binds ? { binds: options.binds } : {}),
  });
  const networks = await EngineNetworks.open(network, containers, blobs, events);
  images.connect(containers, events);
  const health = new HealthMonitor(containers, events);
  health.start();
  await containers.restore();
  const containersBackend = new EngineContainersBackend(containers, {
    dataRoot: options.dataRoot,
    ncpu: options.ncpu,
    memTotal: options.memTotal,
    layersSize: (diffIds) => diffIds.reduce((n, d) => n + (images.store.layer(d)?.size ?? 0), 0),
  });
  const listImages = () => images.backend.list({ all: false, digests: false, sharedSize: false, manifests: false, filters: Filters.empty() });
  const system = new EngineSystemBackend({
    ncpu: options.ncpu,
    memTotal: options.memTotal,
    dataRoot: options.dataRoot,
    ...(options.runtime ? { runtime: options.runtime } : {}),
    ...(options.gitCommit ? { gitCommit: options.gitCommit } : {}),
    ...(options.buildTime ? { buildTime: options.buildTime } : {}),
    ...(options.name ? { name: options.name } : {}),
    counts: async () => {
      const all = containers.all();
      const running = all.filter((c) => c.running && !c.paused).length;
      const paused = all.filter((c) => c.paused).length;
      return { containers: all.length, running, paused, stopped: all.length - running - paused, images: (await listImages()).length };
    },
    events: (eventOptions, signal) => events.subscribe(eventOptions, signal),
    diskUsage: (dfOptions) => diskUsage({ images: images.backend, containers, containersBackend, volumes }, dfOptions),
  });
  const build = new ClassicBuilder({
    store: images.store,
    containers,
    pull: (reference, progress, signal) => {
      const ref = parseNormalizedNamed(reference);
      return images.backend.pull({ fromImage: fullName(ref), tag: ref.digest ?? ref.tag ?? 'latest', platform: '' }, progress, signal);
    },
    ...(options.distribution ? { fetch: options.distribution.fetch } : {}),
  });
  const api = createApi({
    backends: {
      system,
      containers: containersBackend,
      exec: new ExecManager(containers),
      images: images.backend,
      build,
      volumes,
      networks,
    },
  });
  return {
    api,
    images,
    kernel: options.kernel,
    containers,
    events,
    network,
    fetch(input, init) {
      const request = toFetchRequest(input, init);
      const port = publishedPortOf(request.url);
      return port === null ? api.fetch(request) : fetchPublished(network, port, request);
    },
    async shutdown() {
      health.shutdown();
      await containers.shutdown();
      await options.kernel.shutdown();
      await blobs.close();
    },
  };
}
