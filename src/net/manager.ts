/**
 * Docker's networks on top of the stack: what the engine's daemon uses to
 * create networks, plug containers into them, write their /etc/hosts and
 * /etc/resolv.conf, and publish their ports.
 */
import { Subnet, ipBytes, ipFamily } from './address.ts';
import type { SocketAddress } from './address.ts';
import { EMBEDDED_DNS_IP, EMBEDDED_DNS_PORT, EmbeddedDns } from './dns/server.ts';
import {
  NetworkConflictError,
  NetworkForbiddenError,
  NetworkInvalidError,
  NetworkNotFoundError,
} from './errors.ts';
import { defaultNameservers, hostsFile, resolvConf } from './etc-files.ts';
import type { HostsFileOptions, ResolvConfOptions } from './etc-files.ts';
import { AddressPool, allocateSubnet } from './ipam.ts';
import type { Bridge, NameService, NetInterface, NetworkNamespace } from './namespace.ts';
import { PortPublishing } from './publish.ts';
import type { PublishedDatagramClient, PublishedPort, PublishSpec } from './publish.ts';
import { NetworkStack } from './stack.ts';
import type { StackOptions } from './stack.ts';
import type { StreamHandle } from './stream-handle.ts';
import type { PortPublisher } from '../platform/types.ts';

export type NetworkDriver = 'bridge' | 'host' | 'null';

/** What `docker network create` asks for. */
export interface NetworkSpec {
  readonly name: string;
  /** Only 'bridge' can be created; 'host' and 'null' are the predefined networks. */
  readonly driver?: string;
  readonly subnet?: string;
  readonly gateway?: string;
  readonly ipRange?: string;
  /**
   * The subnet counts as user-configured (so containers may ask for --ip).
   * Default: whether `subnet` is given; a daemon restoring a network passes
   * the subnet it had and says here whether the user chose it.
   */
  readonly userSubnet?: boolean;
  readonly internal?: boolean;
  readonly attachable?: boolean;
  readonly enableIPv6?: boolean;
  readonly labels?: Record<string, string>;
  readonly options?: Record<string, string>;
  /** Restore a network under a known ID (the daemon reloading its state). */
  readonly id?: string;
  readonly created?: Date;
}

/** What a container's endpoint on a network asks for. */
export interface AttachOptions {
  readonly containerId: string;
  readonly containerName: string;
  /** --ip: only on networks with a user-configured subnet. */
  readonly ip?: string;
  /** --network-alias / --alias. */
  readonly aliases?: readonly string[];
  readonly mac?: string;
}

function randomHex(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(raw, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Docker's MAC for an address: 02:42 and the four bytes of the IPv4 address. */
export function macFor(ip: string): string {
  const b = ipBytes(ip) ?? new Uint8Array(4);
  return ['02', '42', ...Array.from(b.subarray(0, 4), (x) => x.toString(16).padStart(2, '0'))].join(':');
}

/**
 * A Docker network. Bridge networks own a Bridge of the stack, an address
 * pool, and an interface in the host namespace carrying the gateway
 * (`docker0` for the default bridge, `br-<id12>` for the others).
 */
export class Network {
  readonly endpoints = new Map<string, Endpoint>();

  constructor(
    readonly id: string,
    readonly name: string,
    readonly driver: NetworkDriver,
    readonly created: Date,
    readonly subnet: Subnet | null,
    readonly gateway: string | null,
    readonly ipRange: Subnet | null,
    /** --subnet was given (only then may containers ask for --ip). */
    readonly userSubnet: boolean,
    readonly internal: boolean,
    readonly attachable: boolean,
    readonly labels: Readonly<Record<string, string>>,
    readonly options: Readonly<Record<string, string>>,
    readonly bridge: Bridge | null,
    readonly pool: AddressPool | null,
    readonly hostInterface: NetInterface | null,
  ) {}

  /** bridge, host and none: they exist from the start and cannot be removed. */
  get predefined(): boolean {
    return this.name === 'bridge' || this.name === 'host' || this.name === 'none';
  }

  /** The default bridge: no DNS by container name, as in Docker. */
  get isDefaultBridge(): boolean {
    return this.name === 'bridge' && this.driver === 'bridge';
  }

  /** User-defined bridge networks get the embedded DNS. */
  get hasDns(): boolean {
    return this.driver === 'bridge' && !this.isDefaultBridge;
  }

  /** The Linux bridge device name. */
  get bridgeName(): string {
    return this.isDefaultBridge ? 'docker0' : `br-${this.id.slice(0, 12)}`;
  }
}

/** A container's attachment to a network: an interface in its namespace. */
export class Endpoint {
  constructor(
    readonly id: string,
    readonly network: Network,
    readonly ns: NetworkNamespace,
    readonly iface: NetInterface | null,
    /** IPv4 address (null on host/none). */
    readonly ip: string | null,
    readonly prefix: number,
    readonly mac: string,
    readonly gateway: string | null,
    readonly containerId: string,
    readonly containerName: string,
    readonly aliases: readonly string[],
  ) {}

  /** The names the embedded DNS answers for this endpoint (dockerd's DNSNames). */
  get dnsNames(): string[] {
    const names = [this.containerName, ...this.aliases];
    if (this.containerId) names.push(this.containerId.slice(0, 12));
    return [...new Set(names.filter((n) => n.length > 0))];
  }
}

export interface NetworkManagerOptions extends StackOptions {
  /** Listens on host ports for published container ports (Node); absent in browsers. */
  readonly publisher?: PortPublisher | null;
  /** How long a published UDP port's client session lives without a reply (default 90 s, docker-proxy's). */
  readonly udpIdleMs?: number;
  /** The host's nameservers (default: HostNetwork.nameservers(), else none). */
  readonly hostNameservers?: readonly string[];
  /** The host's search domains for resolv.conf. */
  readonly hostSearch?: readonly string[];
}

/**
 * Docker networks of one engine: the predefined `bridge` (172.17.0.0/16,
 * gateway 172.17.0.1, no DNS by name), `host` (the engine's own namespace)
 * and `none` (only lo), and user-defined bridges (172.18.0.0/16, 172.19...,
 * with the embedded DNS at 127.0.0.11).
 *
 * Containers: the daemon makes a namespace per container
 * (`createNamespace`), `attach`es it to networks (eth0, eth1, ...; the first
 * network's gateway is the default route), writes `hostsFileFor` and
 * `resolvConfFor` into its mounts, `publish`es its ports, and
 * `releaseNamespace`s it when the container stops.
 */
export class NetworkManager {
  readonly stack: NetworkStack;
  /** The engine's namespace: `--network host`, the bridges' gateways, published ports' proxies. */
  readonly hostNamespace: NetworkNamespace;
  readonly publishing: PortPublishing;
  private readonly networks = new Map<string, Network>();
  private readonly hostNameservers: readonly string[];
  private readonly hostSearch: readonly string[];

  constructor(options: NetworkManagerOptions = {}) {
    this.stack = new NetworkStack(options);
    this.hostNamespace = this.stack.createNamespace({ isHost: true, id: 'host' });
    this.hostNameservers = options.hostNameservers ?? options.host?.nameservers() ?? [];
    this.hostSearch = options.hostSearch ?? [];
    // Queries to the nameservers containers are given by default are answered by the host's resolver (see NetworkStack.answersDns).
    this.stack.hostResolvers = new Set(defaultNameservers(this.hostNameservers));
    this.publishing = new PortPublishing(this.stack, options.publisher ?? null, options.udpIdleMs === undefined ? {} : { udpIdleMs: options.udpIdleMs });
    this.addNetwork('bridge', 'bridge', { subnet: '172.17.0.0/16', gateway: '172.17.0.1' }, false);
    this.addNetwork('host', 'host', {}, false);
    this.addNetwork('none', 'null', {}, false);
  }

  // ---------------------------------------------------------------- networks

  /** docker network create. */
  createNetwork(spec: NetworkSpec): Network {
    const driver = spec.driver ?? 'bridge';
    if (driver === 'host' || driver === 'null') {
      throw new NetworkForbiddenError(`only one instance of "${driver}" network is allowed`);
    }
    if (driver !== 'bridge') throw new NetworkNotFoundError(`plugin "${driver}" not found`);
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(spec.name)) {
      throw new NetworkInvalidError(`invalid network name "${spec.name}"`);
    }
    if ([...this.networks.values()].some((n) => n.name === spec.name)) {
      throw new NetworkConflictError(`network with name ${spec.name} already exists`);
    }
    if (spec.enableIPv6) throw new NetworkInvalidError('IPv6 networks are not supported');
    return this.addNetwork(spec.name, 'bridge', spec, true);
  }

  private addNetwork(name: string, driver: NetworkDriver, spec: Partial<NetworkSpec>, user: boolean): Network {
    const id = spec.id ?? randomHex(32);
    if (driver !== 'bridge') {
      const network = new Network(id, name, driver, spec.created ?? new Date(), null, null, null, false, false, false, {}, {}, null, null, null);
      this.networks.set(id, network);
      return network;
    }
    let subnet: Subnet;
    if (spec.subnet) {
      const parsed = Subnet.parse(spec.subnet);
      if (!parsed) throw new NetworkInvalidError(`Invalid subnet ${spec.subnet} : invalid CIDR address: ${spec.subnet}`);
      subnet = parsed;
      if (this.bridgeNetworks().some((n) => n.subnet!.overlaps(subnet))) {
        throw new NetworkConflictError('Pool overlaps with other one on this address space');
      }
    } else {
      subnet = allocateSubnet(this.bridgeNetworks().map((n) => n.subnet!));
    }
    let gateway = subnet.at(1);
    if (spec.gateway) {
      if (ipFamily(spec.gateway) !== 4 || !ipBytes(spec.gateway) || !subnet.contains(spec.gateway)) {
        throw new NetworkInvalidError(`no matching subnet for gateway ${spec.gateway}`);
      }
      gateway = spec.gateway;
    }
    let range: Subnet | null = null;
    if (spec.ipRange) {
      range = Subnet.parse(spec.ipRange);
      if (!range) throw new NetworkInvalidError(`invalid CIDR address: ${spec.ipRange}`);
      if (!subnet.covers(range)) throw new NetworkInvalidError(`no matching subnet for range ${spec.ipRange}`);
    }
    const pool = new AddressPool(subnet, gateway, range);
    const internal = spec.internal ?? false;
    const isDefault = name === 'bridge' && !user;
    const bridgeName = isDefault ? 'docker0' : `br-${id.slice(0, 12)}`;
    const bridge = this.stack.createBridge(bridgeName, subnet, internal);
    const hostInterface = this.hostNamespace.addInterface(bridgeName, bridge, [{ ip: gateway, prefix: subnet.prefix }], macFor(gateway));
    const network = new Network(
      id,
      name,
      'bridge',
      spec.created ?? new Date(),
      subnet,
      gateway,
      range,
      user && (spec.userSubnet ?? spec.subnet !== undefined),
      internal,
      spec.attachable ?? false,
      { ...(spec.labels ?? {}) },
      { ...(spec.options ?? {}) },
      bridge,
      pool,
      hostInterface,
    );
    this.networks.set(id, network);
    return network;
  }

  private bridgeNetworks(): Network[] {
    return [...this.networks.values()].filter((n) => n.driver === 'bridge');
  }

  /** Every network, the predefined ones first, then by creation. */
  list(): Network[] {
    return [...this.networks.values()];
  }

  /** A network by full ID, name, or unique ID prefix (dockerd's order); undefined if none. */
  find(idOrName: string): Network | undefined {
    const byId = this.networks.get(idOrName);
    if (byId) return byId;
    const byName = [...this.networks.values()].find((n) => n.name === idOrName);
    if (byName) return byName;
    const byPrefix = [...this.networks.values()].filter((n) => n.id.startsWith(idOrName));
    return byPrefix.length === 1 ? byPrefix[0] : undefined;
  }

  /** Like find, but NetworkNotFoundError ("network X not found") when missing. */
  get(idOrName: string): Network {
    const network = this.find(idOrName);
    if (!network) throw new NetworkNotFoundError(`network ${idOrName} not found`);
    return network;
  }

  /** docker network rm: 403 for predefined networks, 409 while containers are attached. */
  removeNetwork(idOrName: string): void {
    const network = this.get(idOrName);
    if (network.predefined) throw new NetworkForbiddenError(`${network.name} is a pre-defined network and cannot be removed`);
    if (network.endpoints.size > 0) {
      throw new NetworkConflictError(`error while removing network: network ${network.name} id ${network.id} has active endpoints`);
    }
    if (network.hostInterface) this.hostNamespace.removeInterface(network.hostInterface);
    if (network.bridge) this.stack.removeBridge(network.bridge);
    this.networks.delete(network.id);
  }

  // ---------------------------------------------------------------- namespaces and endpoints

  /** A new namespace for a container (only lo: `--network none` stays like this). */
  createNamespace(): NetworkNamespace {
    return this.stack.createNamespace();
  }

  /**
   * Plugs `ns` into `network` (docker run --network, docker network
   * connect). For `host` the namespace must be the host namespace; for
   * `none` nothing is added.
   */
  attach(ns: NetworkNamespace, networkIdOrName: string, options: AttachOptions): Endpoint {
    const network = this.get(networkIdOrName);
    if ([...network.endpoints.values()].some((e) => e.ns === ns)) {
      throw new NetworkConflictError(`endpoint with name ${options.containerName} already exists in network ${network.name}`);
    }
    if (network.driver !== 'bridge') {
      if (options.ip) throw new NetworkInvalidError('user specified IP address is supported only when connecting to networks with user configured subnets');
      if (network.driver === 'host' && ns !== this.hostNamespace) {
        throw new NetworkInvalidError('container cannot be disconnected from host network or connected to host network');
      }
      if (network.driver === 'null' && this.endpointsOf(ns).length > 0) {
        throw new NetworkInvalidError('container cannot be connected to multiple networks with one of the networks in private (none) mode');
      }
      const endpoint = new Endpoint(randomHex(32), network, ns, null, null, 0, '', null, options.containerId, options.containerName, [...(options.aliases ?? [])]);
      network.endpoints.set(endpoint.id, endpoint);
      return endpoint;
    }
    if (this.endpointsOf(ns).some((e) => e.network.driver === 'null')) {
      throw new NetworkInvalidError('container cannot be connected to multiple networks with one of the networks in private (none) mode');
    }
    if (options.ip && network.isDefaultBridge) {
      throw new NetworkInvalidError('user specified IP address is supported on user defined networks only');
    }
    if (options.ip && !network.userSubnet) {
      throw new NetworkInvalidError('user specified IP address is supported only when connecting to networks with user configured subnets');
    }
    const pool = network.pool!;
    const ip = options.ip ? pool.claim(options.ip) : pool.allocate();
    const mac = options.mac ?? macFor(ip);
    let iface: NetInterface;
    try {
      iface = ns.addInterface(this.nextEthName(ns), network.bridge, [{ ip, prefix: network.subnet!.prefix }], mac);
    } catch (error) {
      pool.release(ip);
      throw error;
    }
    if (!ns.defaultRoute) ns.setDefaultRoute(network.gateway!, iface);
    const endpoint = new Endpoint(
      randomHex(32),
      network,
      ns,
      iface,
      ip,
      network.subnet!.prefix,
      mac,
      network.gateway,
      options.containerId,
      options.containerName,
      [...(options.aliases ?? [])],
    );
    network.endpoints.set(endpoint.id, endpoint);
    this.refreshNames(ns);
    return endpoint;
  }

  private nextEthName(ns: NetworkNamespace): string {
    for (let i = 0; ; i++) if (!ns.interfaces.some((iface) => iface.name === `eth${i}`)) return `eth${i}`;
  }

  /** Unplugs an endpoint (docker network disconnect, container stop). */
  detach(endpoint: Endpoint): void {
    const network = endpoint.network;
    if (!network.endpoints.delete(endpoint.id)) return;
    const ns = endpoint.ns;
    if (endpoint.iface) {
      const wasDefault = ns.defaultRoute?.device === endpoint.iface;
      ns.removeInterface(endpoint.iface);
      if (wasDefault) {
        const next = this.endpointsOf(ns).find((e) => e.iface && e.gateway);
        if (next) ns.setDefaultRoute(next.gateway!, next.iface!);
      }
    }
    if (endpoint.ip && network.pool) network.pool.release(endpoint.ip);
    this.refreshNames(ns);
  }

  /** Detaches `ns` from the network (docker network disconnect); NetworkNotFoundError if not attached. */
  disconnect(ns: NetworkNamespace, networkIdOrName: string): void {
    const network = this.get(networkIdOrName);
    const endpoint = [...network.endpoints.values()].find((e) => e.ns === ns);
    if (!endpoint) throw new NetworkNotFoundError(`container is not connected to network ${network.name}`);
    this.detach(endpoint);
  }

  /** The endpoints of `ns`, in attach order. */
  endpointsOf(ns: NetworkNamespace): Endpoint[] {
    const out: Endpoint[] = [];
    for (const network of this.networks.values()) for (const e of network.endpoints.values()) if (e.ns === ns) out.push(e);
    return out.sort((a, b) => (a.iface?.index ?? 0) - (b.iface?.index ?? 0));
  }

  /**
   * Tears a container's namespace down: ports unpublished, endpoints
   * detached, sockets closed. Only for the namespace's owner: a container
   * that shares another's namespace (`--network host`, `--network
   * container:X`) detaches just its own endpoints (`detach`) when it stops.
   */
  async releaseNamespace(ns: NetworkNamespace): Promise<void> {
    await this.publishing.unpublishAll(ns);
    for (const endpoint of this.endpointsOf(ns)) this.detach(endpoint);
    if (ns !== this.hostNamespace) this.stack.destroyNamespace(ns);
  }

  /** Installs (or removes) the embedded DNS and the name service of `ns` after its networks changed. */
  private refreshNames(ns: NetworkNamespace): void {
    const dnsNetworks = this.endpointsOf(ns).filter((e) => e.network.hasDns).map((e) => e.network);
    const key = `${EMBEDDED_DNS_IP}:${EMBEDDED_DNS_PORT}`;
    if (dnsNetworks.length === 0) {
      ns.udpServices.delete(key);
      ns.names = null;
      return;
    }
    if (!ns.udpServices.has(key)) ns.udpServices.set(key, new EmbeddedDns(ns));
    ns.names = this.nameServiceFor(ns);
  }

  /** Names visible from `ns`: those of every endpoint on the user-defined networks it is on. */
  private nameServiceFor(ns: NetworkNamespace): NameService {
    const networks = (): Network[] => this.endpointsOf(ns).filter((e) => e.network.hasDns).map((e) => e.network);
    return {
      lookup: (name) => {
        const want = name.toLowerCase().replace(/\.$/, '');
        const found: string[] = [];
        for (const network of networks()) {
          const suffix = `.${network.name.toLowerCase()}`;
          const bare = want.endsWith(suffix) ? want.slice(0, -suffix.length) : null;
          for (const e of network.endpoints.values()) {
            if (!e.ip) continue;
            const names = e.dnsNames.map((n) => n.toLowerCase());
            if (names.includes(want) || (bare !== null && names.includes(bare))) if (!found.includes(e.ip)) found.push(e.ip);
          }
        }
        return found.length > 0 ? found : null;
      },
      reverse: (ip) => {
        for (const network of networks()) {
          for (const e of network.endpoints.values()) if (e.ip === ip) return `${e.containerName || e.containerId.slice(0, 12)}.${network.name}`;
        }
        return null;
      },
    };
  }

  // ---------------------------------------------------------------- /etc files

  /**
   * The /etc/hosts dockerd writes for a container in `ns`: the defaults,
   * extra hosts, and "IP\thostname" with the first network's address (none
   * for `none`). For the host network the caller should copy the host's
   * file; this gives the defaults and 127.0.1.1-free content then.
   */
  hostsFileFor(ns: NetworkNamespace, options: Omit<HostsFileOptions, 'ip'>): string {
    const first = this.endpointsOf(ns).find((e) => e.ip !== null);
    return hostsFile({ ...options, ip: first?.ip ?? null });
  }

  /** The /etc/resolv.conf dockerd writes for a container in `ns`. */
  resolvConfFor(ns: NetworkNamespace, options: Partial<Pick<ResolvConfOptions, 'dns' | 'dnsSearch' | 'dnsOptions'>> = {}): string {
    const embeddedDns = this.endpointsOf(ns).some((e) => e.network.hasDns);
    return resolvConf({ ...options, embeddedDns, hostNameservers: this.hostNameservers, hostSearch: this.hostSearch });
  }

  // ---------------------------------------------------------------- ports

  /**
   * Publishes a container port on the host (-p, -P): a host listener whose
   * connections (TCP) or datagrams (UDP, a session per host client) are
   * carried to the container's first bridge address, from its network's
   * gateway (as docker-proxy does). Errors:
   * NetworkConflictError "Bind for 0.0.0.0:8080 failed: port is already
   * allocated" (dockerd prefixes it with "driver failed programming external
   * connectivity on endpoint NAME (ID): "), "all ports are allocated" for
   * a host port range (`hostPortEnd`) with no free port left,
   * NetworkUnavailableError when the host refuses the listener for another
   * reason. Without a PortPublisher
   * (browsers) the port is published inside the engine only.
   */
  publish(ns: NetworkNamespace, spec: PublishSpec): Promise<PublishedPort> {
    const endpoint = this.endpointsOf(ns).find((e) => e.ip !== null && e.network.driver === 'bridge');
    if (!endpoint) throw new NetworkInvalidError('cannot publish ports of a container without a bridge network');
    const target: SocketAddress = { ip: endpoint.ip!, port: spec.containerPort };
    return this.publishing.publish(ns, this.hostNamespace, endpoint.gateway!, target, spec);
  }

  /** Connects to a published port as a host client would (engine.fetch, a Service Worker); see PortPublishing.connectPublished. */
  connectPublished(hostPort: number, hostIp?: string): Promise<StreamHandle> {
    return this.publishing.connectPublished(hostPort, hostIp);
  }

  /** A UDP client of a published port from JavaScript (tests; browsers have no UDP); see PortPublishing.openPublishedDatagram. */
  openPublishedDatagram(hostPort: number, hostIp?: string): PublishedDatagramClient {
    return this.publishing.openPublishedDatagram(hostPort, hostIp);
  }

  /** The published ports of `ns` (docker port). */
  portsOf(ns: NetworkNamespace): PublishedPort[] {
    return this.publishing.portsOf(ns);
  }
}
