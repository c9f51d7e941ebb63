/**
 * `createHostEngine`: Drydock's Docker Engine API served in front of a real
 * Docker engine. The routers are Drydock's own (src/engine/api); every
 * backend forwards to the real engine through a DockerClient, so containers
 * run natively there and every answer, error messages included, is the real
 * engine's.
 *
 * The API version range is the real engine's, clipped to what Drydock's
 * routers serve ([1.24, 1.47]); every forwarded call is pinned to the top of
 * that range, so a client negotiates the same version it would with the
 * real engine and reads answers of that version.
 */
import { createApi, type EngineApi } from '../../engine/api/create-api.ts';
import { fetchThroughApi, toFetchRequest, type FetchInitLike, type FetchInput, type FetchResponseLike } from '../../engine/api/fetch.ts';
import type { ApiRequest } from '../../engine/api/request.ts';
import { compareVersions, DRYDOCK_VERSION, MAX_API_VERSION, MIN_API_VERSION } from '../../engine/api/version.ts';
import { DockerClient } from '../../engine/client/client.ts';
import type { EngineTransport } from '../../engine/client/transport.ts';
import type { SystemVersion } from '../../engine/types/system.ts';
import { HostBuildBackend } from './build.ts';
import { HostContainersBackend } from './containers.ts';
import { HostExecBackend } from './exec.ts';
import { HostImagesBackend } from './images.ts';
import { HostNetworksBackend } from './networks.ts';
import { HostSystemBackend } from './system.ts';
import { forward, versionedTransport } from './upstream.ts';
import { HostVolumesBackend } from './volumes.ts';

export interface HostEngineOptions {
  /**
   * Reaches the real engine (Node: `EngineSocketTransport` from
   * src/platform/node/engine-socket-transport.ts over its unix socket or
   * TCP port). With `upload` (UploadingEngineTransport) request bodies of
   * load, build, import and `docker cp` are streamed; without, each is
   * collected first. Paths are sent with a `/vX.Y` prefix.
   */
  readonly transport: EngineTransport & { close?(): void };
  /** How the real engine is named in `docker version` (its address); default "host engine". */
  readonly hostEngine?: string;
  /** Called for every 5xx answer; never throws into the router. */
  readonly onServerError?: (error: unknown, request: ApiRequest) => void;
}

/** Drydock in front of a real engine; the same `api`/`fetch` surface as createEngine's Engine. */
export interface HostEngine {
  readonly api: EngineApi;
  /** The real engine, at the API version every forwarded call uses. */
  readonly upstream: DockerClient;
  /** What the real engine reported at start (`GET /version`). */
  readonly upstreamVersion: SystemVersion;
  /** WHATWG fetch into the API (`http://drydock/v1.41/info`). */
  fetch(input: FetchInput, init?: FetchInitLike): Promise<FetchResponseLike>;
  /** Closes the transport to the real engine (when it has `close`). Containers keep running there. */
  shutdown(): Promise<void>;
}

const maxVersion = (a: string, b: string) => (compareVersions(a, b) >= 0 ? a : b);
const minVersion = (a: string, b: string) => (compareVersions(a, b) <= 0 ? a : b);

/**
 * Asks the real engine for its version (failing with a clear message when
 * it cannot be reached) and builds the API over the host backends.
 */
export async function createHostEngine(options: HostEngineOptions): Promise<HostEngine> {
  const hostEngine = options.hostEngine ?? 'host engine';
  const probe = new DockerClient(options.transport);
  let upstreamVersion: SystemVersion;
  try {
    upstreamVersion = await forward(() => probe.version());
  } catch (error) {
    throw new Error(`the host engine at ${hostEngine} does not answer GET /version: ${(error as Error).message}`, { cause: error });
  }
  const max = minVersion(upstreamVersion.ApiVersion, MAX_API_VERSION);
  const min = maxVersion(upstreamVersion.MinAPIVersion ?? MIN_API_VERSION, MIN_API_VERSION);
  if (compareVersions(min, max) > 0) {
    throw new Error(`the host engine at ${hostEngine} speaks API ${upstreamVersion.ApiVersion}; Drydock needs ${MIN_API_VERSION} to ${MAX_API_VERSION}`);
  }
  const upstream = new DockerClient(versionedTransport(options.transport, max));
  const api = createApi({
    backends: {
      system: new HostSystemBackend(upstream, { hostEngine }),
      containers: new HostContainersBackend(upstream),
      exec: new HostExecBackend(upstream),
      images: new HostImagesBackend(upstream),
      build: new HostBuildBackend(upstream),
      volumes: new HostVolumesBackend(upstream),
      networks: new HostNetworksBackend(upstream),
    },
    serverVersion: DRYDOCK_VERSION,
    minApiVersion: min,
    maxApiVersion: max,
    experimental: upstreamVersion.Experimental ?? false,
    ...(options.onServerError ? { onServerError: options.onServerError } : {}),
  });
  return {
    api,
    upstream,
    upstreamVersion,
    fetch: (input, init) => fetchThroughApi(api, toFetchRequest(input, init)),
    async shutdown() {
      options.transport.close?.();
    },
  };
}
