/** NetworksBackend over a real Docker engine: the networks are the real engine's. */
import type { NetworksBackend } from '../../engine/api/routers/network-backend.ts';
import type { DockerClient } from '../../engine/client/client.ts';
import type { Filters } from '../../engine/types/filters.ts';
import type {
  NetworkConnectRequest,
  NetworkCreateRequest,
  NetworkCreateResponse,
  NetworkDisconnectRequest,
  NetworkInspect,
  NetworkInspectOptions,
  NetworkPruneReport,
} from '../../engine/types/network.ts';
import { forward } from './upstream.ts';

export class HostNetworksBackend implements NetworksBackend {
  constructor(private readonly client: DockerClient) {}

  list(filters: Filters): Promise<NetworkInspect[]> {
    return forward(() => this.client.listNetworks(filters.toJSON()));
  }

  inspect(id: string, options: NetworkInspectOptions): Promise<NetworkInspect> {
    return forward(() => this.client.inspectNetwork(id, { verbose: options.verbose, scope: options.scope }));
  }

  create(request: NetworkCreateRequest): Promise<NetworkCreateResponse> {
    return forward(() => this.client.createNetwork(request));
  }

  connect(id: string, request: NetworkConnectRequest): Promise<void> {
    return forward(() => this.client.connectNetwork(id, request));
  }

  disconnect(id: string, request: NetworkDisconnectRequest): Promise<void> {
    return forward(() => this.client.disconnectNetwork(id, request));
  }

  remove(id: string): Promise<void> {
    return forward(() => this.client.removeNetwork(id));
  }

  prune(filters: Filters): Promise<NetworkPruneReport> {
    return forward(() => this.client.pruneNetworks(filters.toJSON()));
  }
}
