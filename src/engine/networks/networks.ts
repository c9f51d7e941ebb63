/**
 * The network API of the engine (moby daemon/network.go): Docker's network
 * objects over the NetworkManager of src/net, persisted in the blob store so
 * user-defined networks survive a daemon restart, with dockerd's JSON shapes,
 * filters, events and errors.
 */
import { msToNs } from '../../common/time.ts';
import type { Network, NetworkManager } from '../../net/manager.ts';
import type { BlobStore } from '../../platform/types.ts';
import { formatRfc3339Nano } from '../api/timestamp.ts';
import type { NetworksBackend } from '../api/routers/network-backend.ts';
import type { ContainerManager } from '../containers/manager.ts';
import { translated } from '../containers/networking.ts';
import type { EventBus } from '../daemon/events.ts';
import { InvalidParameterError } from '../errors.ts';
import type { Filters } from '../types/filters.ts';
import type {
  NetworkConnectRequest,
  NetworkCreateRequest,
  NetworkCreateResponse,
  NetworkDisconnectRequest,
  NetworkInspect,
  NetworkInspectOptions,
  NetworkPruneReport,
} from '../types/network.ts';

/** What is stored for a user-defined network (`network/<id>`). */
interface NetworkRecord {
  id: string;
  name: string;
  /** Milliseconds since the epoch. */
  created: number;
  subnet: string;
  gateway: string;
  ipRange: string | null;
  /** The subnet was given by the user (only then may containers ask for --ip). */
  userSubnet: boolean;
  internal: boolean;
  attachable: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
}

/** The options dockerd shows for the default bridge. */
const DEFAULT_BRIDGE_OPTIONS: Record<string, string> = {
  'com.docker.network.bridge.default_bridge': 'true',
  'com.docker.network.bridge.enable_icc': 'true',
  'com.docker.network.bridge.enable_ip_masquerade': 'true',
  'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
  'com.docker.network.bridge.name': 'docker0',
  'com.docker.network.driver.mtu': '1500',
};

function untilMs(value: string): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidParameterError(`failed to parse value as time or duration: "${value}"`);
  return ms;
}

/** dockerd's name/id filters are regular expressions matched anywhere (an invalid one matches literally). */
function matches(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern).test(value);
  } catch {
    return value.includes(pattern);
  }
}

export class EngineNetworks implements NetworksBackend {
  private constructor(
    readonly manager: NetworkManager,
    private readonly containers: ContainerManager,
    private readonly store: BlobStore,
    private readonly events: EventBus,
  ) {}

  /** Loads the stored user-defined networks into `manager`. */
  static async open(manager: NetworkManager, containers: ContainerManager, store: BlobStore, events: EventBus): Promise<EngineNetworks> {
    const networks = new EngineNetworks(manager, containers, store, events);
    const records = (await store.listRecords('network/')).map(({ value }) => value as unknown as NetworkRecord).sort((a, b) => a.created - b.created);
    for (const record of records) {
      try {
        manager.createNetwork({
          id: record.id,
          name: record.name,
          created: new Date(record.created),
          subnet: record.subnet,
          gateway: record.gateway,
          ...(record.ipRange ? { ipRange: record.ipRange } : {}),
          userSubnet: record.userSubnet,
          internal: record.internal,
          attachable: record.attachable,
          labels: record.labels,
          options: record.options,
        });
      } catch (error) {
        console.warn(`drydock: network ${record.name} could not be restored: ${(error as Error).message}`);
      }
    }
    return networks;
  }

  private render(network: Network, withContainers: boolean): NetworkInspect {
    const containers: NetworkInspect['Containers'] = {};
    if (withContainers) {
      for (const endpoint of network.endpoints.values()) {
        if (!endpoint.containerId) continue;
        containers[endpoint.containerId] = {
          Name: endpoint.containerName,
          EndpointID: endpoint.id,
          MacAddress: endpoint.mac,
          IPv4Address: endpoint.ip ? `${endpoint.ip}/${endpoint.prefix}` : '',
          IPv6Address: '',
        };
      }
    }
    const config = network.subnet
      ? [{ Subnet: network.subnet.toString(), ...(network.ipRange ? { IPRange: network.ipRange.toString() } : {}), Gateway: network.gateway! }]
      : [];
    return {
      Name: network.name,
      Id: network.id,
      Created: formatRfc3339Nano(msToNs(network.created.getTime())),
      Scope: 'local',
      Driver: network.driver,
      EnableIPv6: false,
      IPAM: { Driver: 'default', Options: network.predefined ? null : {}, Config: config },
      Internal: network.internal,
      Attachable: network.attachable,
      Ingress: false,
      ConfigFrom: { Network: '' },
      ConfigOnly: false,
      Containers: containers,
      Options: network.isDefaultBridge ? { ...DEFAULT_BRIDGE_OPTIONS } : { ...network.options },
      Labels: { ...network.labels },
    };
  }

  async list(filters: Filters): Promise<NetworkInspect[]> {
    for (const type of filters.get('type')) {
      if (type !== 'custom' && type !== 'builtin') throw new InvalidParameterError(`invalid filter: 'type'='${type}'`);
    }
    const dangling = filters.has('dangling') ? filters.getBool('dangling', false) : null;
    return this.manager
      .list()
      .filter((n) => filters.get('name').length === 0 || filters.get('name').some((p) => matches(p, n.name)))
      .filter((n) => filters.get('id').length === 0 || filters.get('id').some((p) => n.id.startsWith(p) || matches(p, n.id)))
      .filter((n) => filters.get('driver').length === 0 || filters.get('driver').includes(n.driver))
      .filter((n) => filters.get('scope').length === 0 || filters.get('scope').includes('local'))
      .filter((n) => filters.get('type').length === 0 || filters.get('type').includes(n.predefined ? 'builtin' : 'custom'))
      .filter((n) => filters.matchKeyValue('label', n.labels))
      .filter((n) => dangling === null || (!n.predefined && n.endpoints.size === 0) === dangling)
      .map((n) => this.render(n, false));
  }

  async inspect(id: string, _options: NetworkInspectOptions): Promise<NetworkInspect> {
    return this.render(translated(() => this.manager.get(id)), true);
  }

  async create(request: NetworkCreateRequest): Promise<NetworkCreateResponse> {
    const name = request.Name ?? '';
    if (name === '') throw new InvalidParameterError('network name must not be empty');
    const ipv4 = (request.IPAM?.Config ?? []).filter((c) => !c.Subnet?.includes(':'));
    if (ipv4.length > 1) throw new InvalidParameterError('Drydock supports one IPv4 subnet per network');
    if ((request.IPAM?.Config ?? []).length > ipv4.length || request.EnableIPv6) throw new InvalidParameterError('IPv6 networks are not supported by Drydock');
    if (request.IPAM?.Driver && request.IPAM.Driver !== 'default') throw new InvalidParameterError(`plugin "${request.IPAM.Driver}" not found`);
    const pool = ipv4[0];
    if (pool && !pool.Subnet && (pool.Gateway || pool.IPRange)) throw new InvalidParameterError('an IP range or gateway needs a subnet');
    const network = translated(() =>
      this.manager.createNetwork({
        name,
        ...(request.Driver ? { driver: request.Driver } : {}),
        ...(pool?.Subnet ? { subnet: pool.Subnet } : {}),
        ...(pool?.Gateway ? { gateway: pool.Gateway } : {}),
        ...(pool?.IPRange ? { ipRange: pool.IPRange } : {}),
        internal: request.Internal ?? false,
        attachable: request.Attachable ?? false,
        labels: request.Labels ?? {},
        options: request.Options ?? {},
      }),
    );
    const record: NetworkRecord = {
      id: network.id,
      name: network.name,
      created: network.created.getTime(),
      subnet: network.subnet!.toString(),
      gateway: network.gateway!,
      ipRange: network.ipRange?.toString() ?? null,
      userSubnet: network.userSubnet,
      internal: network.internal,
      attachable: network.attachable,
      labels: { ...network.labels },
      options: { ...network.options },
    };
    try {
      await this.store.commit([{ op: 'putRecord', key: `network/${network.id}`, value: { ...record } }]);
    } catch (error) {
      this.manager.removeNetwork(network.id);
      throw error;
    }
    this.events.publish('network', 'create', network.id, { name: network.name, type: network.driver });
    return { Id: network.id, Warning: '' };
  }

  async connect(id: string, request: NetworkConnectRequest): Promise<void> {
    const network = translated(() => this.manager.get(id));
    await this.containers.connectNetwork(this.containers.get(request.Container ?? ''), network.id, request.EndpointConfig);
  }

  async disconnect(id: string, request: NetworkDisconnectRequest): Promise<void> {
    const network = translated(() => this.manager.get(id));
    await this.containers.disconnectNetwork(this.containers.get(request.Container ?? ''), network.id);
  }

  async remove(id: string): Promise<void> {
    const network = translated(() => this.manager.get(id));
    translated(() => this.manager.removeNetwork(network.id));
    await this.store.commit([{ op: 'deleteRecord', key: `network/${network.id}` }]);
    this.events.publish('network', 'destroy', network.id, { name: network.name, type: network.driver });
  }

  async prune(filters: Filters): Promise<NetworkPruneReport> {
    const until = filters.get('until').map(untilMs);
    const deleted: string[] = [];
    for (const network of this.manager.list()) {
      if (network.predefined || network.endpoints.size > 0) continue;
      if (until.some((t) => network.created.getTime() >= t)) continue;
      if (!filters.matchKeyValue('label', network.labels)) continue;
      if (filters.get('label!').length > 0 && filters.get('label!').some((l) => {
        const [key, value] = l.split('=', 2) as [string, string?];
        return key in network.labels && (value === undefined || network.labels[key] === value);
      })) continue;
      await this.remove(network.id);
      deleted.push(network.name);
    }
    this.events.publish('network', 'prune', '', { reclaimed: '0' });
    return { NetworksDeleted: deleted.length > 0 ? deleted : null };
  }
}
