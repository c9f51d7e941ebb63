/**
 * BuildBackend over a real Docker engine: `docker build` with the classic
 * builder runs on the real engine. The context tar is streamed to it as it
 * arrives, its progress messages are relayed one by one, and the image ID
 * comes from its `{"aux":{"ID":…}}` message. The real engine is always asked
 * for full output (q=0): the router hides it for `-q` and shows it when the
 * build fails, as dockerd does.
 */
import type { BuildBackend } from '../../engine/api/routers/build-backend.ts';
import { registryAuthHeader, type DockerClient } from '../../engine/client/client.ts';
import type { BuildOptions, BuildPruneOptions, BuildPruneReport } from '../../engine/types/build.ts';
import type { JsonMessage, ProgressSink } from '../../engine/types/json-message.ts';
import { forward, forwardProgress } from './upstream.ts';

/** POST /build's query for the parsed options (the inverse of the router's parseBuildOptions). */
export function buildQuery(options: BuildOptions): Record<string, string | number | boolean | readonly string[] | undefined> {
  const json = (value: object, empty: boolean) => (empty ? undefined : JSON.stringify(value));
  return {
    dockerfile: options.dockerfile || undefined,
    t: options.tags,
    extrahosts: options.extraHosts,
    remote: options.remote || undefined,
    q: 0,
    nocache: options.noCache,
    cachefrom: json(options.cacheFrom, options.cacheFrom.length === 0),
    pull: options.pull,
    rm: options.remove ? 1 : 0,
    forcerm: options.forceRemove,
    memory: options.memory || undefined,
    memswap: options.memorySwap || undefined,
    cpushares: options.cpuShares || undefined,
    cpusetcpus: options.cpuSetCpus || undefined,
    cpusetmems: options.cpuSetMems || undefined,
    cpuperiod: options.cpuPeriod || undefined,
    cpuquota: options.cpuQuota || undefined,
    buildargs: json(options.buildArgs, Object.keys(options.buildArgs).length === 0),
    shmsize: options.shmSize || undefined,
    labels: json(options.labels, Object.keys(options.labels).length === 0),
    networkmode: options.networkMode || undefined,
    platform: options.platform || undefined,
    target: options.target || undefined,
    ulimits: json(options.ulimits, options.ulimits.length === 0),
  };
}

export class HostBuildBackend implements BuildBackend {
  constructor(private readonly client: DockerClient) {}

  async build(options: BuildOptions, context: AsyncIterable<Uint8Array>, progress: ProgressSink, signal: AbortSignal): Promise<string> {
    let id = '';
    const keep = (message: JsonMessage): boolean => {
      const aux = message.aux as { ID?: unknown } | undefined;
      if (aux && typeof aux.ID === 'string') id = aux.ID;
      return false;
    };
    const headers = Object.keys(options.authConfigs).length > 0 ? { 'X-Registry-Config': registryAuthHeader(options.authConfigs) } : undefined;
    // A remote context (git URL, tarball URL) is fetched by the real engine: no body then.
    const body = options.remote !== '' ? new Uint8Array(0) : context;
    await forwardProgress((onMessage) => this.client.build(body, buildQuery(options), onMessage, headers), progress, signal, keep);
    return id;
  }

  prune(options: BuildPruneOptions): Promise<BuildPruneReport> {
    return forward(() =>
      this.client.pruneBuildCache({
        all: options.all,
        filters: options.filters.toJSON(),
        'keep-storage': options.reservedSpace || undefined,
        'max-used-space': options.maxUsedSpace || undefined,
        'min-free-space': options.minFreeSpace || undefined,
      }),
    );
  }

  cancel(buildId: string): Promise<void> {
    return forward(() => this.client.cancelBuild(buildId));
  }
}
