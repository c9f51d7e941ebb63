/**
 * SystemBackend over a real Docker engine. `docker info`, `docker events`
 * and `docker system df` are the real engine's. `docker version` is too,
 * with one more component, "Drydock", saying that Drydock serves the API in
 * front of that engine: the real engine's own fields (Version, ApiVersion,
 * the "Engine" component) stay as they are, so clients that read them keep
 * working.
 */
import { DRYDOCK_VERSION } from '../../engine/api/version.ts';
import type { SystemBackend } from '../../engine/api/routers/system-backend.ts';
import type { DockerClient } from '../../engine/client/client.ts';
import type { EventMessage, EventsOptions } from '../../engine/types/events.ts';
import type { AuthConfig, AuthResponse, DiskUsage, DiskUsageOptions, SystemInfo, SystemVersion } from '../../engine/types/system.ts';
import { forward, openIterable, unixTimestamp } from './upstream.ts';

export interface HostSystemOptions {
  /** Where the real engine is, shown in `docker version` ("unix:///var/run/docker.sock"). */
  readonly hostEngine: string;
}

/** The component `docker version` lists for Drydock in front of a real engine. */
export function drydockComponent(hostEngine: string): { Name: string; Version: string; Details: Record<string, string> } {
  return { Name: 'Drydock', Version: DRYDOCK_VERSION, Details: { Backend: 'host', HostEngine: hostEngine } };
}

export class HostSystemBackend implements SystemBackend {
  constructor(
    private readonly client: DockerClient,
    private readonly options: HostSystemOptions,
  ) {}

  async version(): Promise<SystemVersion> {
    const version = await forward(() => this.client.version());
    return { ...version, Components: [...(version.Components ?? []), drydockComponent(this.options.hostEngine)] };
  }

  info(): Promise<SystemInfo> {
    return forward(() => this.client.info());
  }

  events(options: EventsOptions, signal: AbortSignal): AsyncIterable<EventMessage> {
    const client = this.client;
    return {
      async *[Symbol.asyncIterator]() {
        const { values } = await openIterable<EventMessage>(
          (push) =>
            client.events((event) => void push(event), {
              ...(options.since !== undefined ? { since: unixTimestamp(options.since) } : {}),
              ...(options.until !== undefined ? { until: unixTimestamp(options.until) } : {}),
              filters: options.filters.toJSON(),
            }),
          signal,
        );
        yield* values;
      },
    };
  }

  diskUsage(options: DiskUsageOptions): Promise<DiskUsage> {
    const all = options.containers && options.images && options.volumes && options.buildCache;
    const types = all
      ? []
      : [
          ...(options.containers ? ['container'] : []),
          ...(options.images ? ['image'] : []),
          ...(options.volumes ? ['volume'] : []),
          ...(options.buildCache ? ['build-cache'] : []),
        ];
    return forward(() => this.client.diskUsage(types));
  }

  authenticate(config: AuthConfig): Promise<AuthResponse> {
    return forward(() => this.client.authenticate(config));
  }
}
