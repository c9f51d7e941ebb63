/**
 * A container's networking, as dockerd's daemon/container_operations.go
 * does it on top of libnetwork: the network mode and endpoint configs
 * checked at create, a namespace plugged into its networks at start (with
 * its /etc/hosts, /etc/resolv.conf and published ports), torn down when it
 * stops, and `docker network connect/disconnect` on running and stopped
 * containers. The networks themselves are the NetworkManager's (src/net).
 *
 * The record keeps what the user asked for (NetworkSettings.Networks keys
 * with IPAMConfig and Aliases, HostConfig.PortBindings) and, while the
 * container runs, what it got (addresses, endpoint IDs, NetworkSettings.Ports);
 * those runtime fields are cleared when it stops, as in dockerd.
 */
import type { NetworkManager, Endpoint, Network } from '../../net/manager.ts';
import type { NetworkNamespace } from '../../net/namespace.ts';
import type { PublishedPort } from '../../net/publish.ts';
import { NetworkError } from '../../net/errors.ts';
import { ConflictError, ForbiddenError, InvalidParameterError, NotFoundError, SystemError } from '../errors.ts';
import type { EndpointSettings } from '../types/network.ts';
import type { NetworkSettings, PortBinding, PortMap } from '../types/container.ts';
import { randomId } from '../daemon/ids.ts';
import type { ContainerRecord } from './container.ts';

/** What a running container's networking holds. */
export interface ContainerNetwork {
  readonly ns: NetworkNamespace;
  /** This container made the namespace (it releases it); false for `host` and `container:X`. */
  readonly owner: boolean;
  /** By network name. */
  readonly endpoints: Map<string, Endpoint>;
  readonly ports: PublishedPort[];
  /** The hostname, /etc/hosts and /etc/resolv.conf the container gets. */
  readonly hostname: string;
  readonly hosts: string;
  readonly resolvConf: string;
  /** NetworkSettings.SandboxID (the namespace's, shared by `container:X` joiners). */
  readonly sandboxId: string;
}

/** Another container, as `--network container:X` needs it. */
export interface NetworkPeer {
  readonly id: string;
  readonly network: ContainerNetwork | null;
}

/** Maps the network layer's errors to the engine's (one place, by kind). */
export function engineErrorOf(error: unknown): unknown {
  if (!(error instanceof NetworkError)) return error;
  switch (error.kind) {
    case 'not-found':
      return new NotFoundError(error.message);
    case 'conflict':
      return new ConflictError(error.message);
    case 'invalid':
      return new InvalidParameterError(error.message);
    case 'forbidden':
      return new ForbiddenError(error.message);
    default:
      return new SystemError(error.message);
  }
}

/** Runs `fn`, turning network errors into engine errors. */
export function translated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw engineErrorOf(error);
  }
}

/** "container:<name or id>" → the name or id; null for other modes. */
export function containerModeTarget(mode: string): string | null {
  return mode.startsWith('container:') ? mode.slice('container:'.length) : null;
}

/** The network a mode names ("default" is the default bridge). */
function modeNetwork(mode: string): string {
  return mode === 'default' || mode === '' ? 'bridge' : mode;
}

/**
 * A binding's HostPort: "8080" → 8080-8080, "8000-8010" → the range a free
 * port is taken from (`docker run -p 8000-8010:80`, which the CLI sends as
 * one binding), "" → 0 (any free port). Anything else is an error, as
 * dockerd's nat.ParsePortRange (a range must not run backwards).
 */
function hostPortsOf(text: string | undefined, key: string): { start: number; end: number } {
  if (!text) return { start: 0, end: 0 };
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  const start = Number(match?.[1]);
  const end = match?.[2] === undefined ? start : Number(match[2]);
  if (!match || start > 65535 || end > 65535 || end < start) throw new InvalidParameterError(`invalid port specification: "${text}" for ${key}`);
  return { start, end };
}

function parsePortKey(key: string): { port: number; proto: 'tcp' | 'udp' | 'sctp' } {
  const match = /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(key);
  if (!match || Number(match[1]) < 1 || Number(match[1]) > 65535) throw new InvalidParameterError(`invalid port specification: "${key}"`);
  return { port: Number(match[1]), proto: (match[2] ?? 'tcp') as 'tcp' | 'udp' | 'sctp' };
}

export class ContainerNetworking {
  /**
   * How many running containers use each namespace this engine made (its
   * owner and the `container:X` joiners): a namespace is released when the
   * last of them stops, as a netns lives while a process holds it.
   */
  private readonly users = new Map<NetworkNamespace, number>();

  constructor(
    readonly manager: NetworkManager,
    /** The engine's hostname (what `--network host` containers get). */
    private readonly hostHostname: () => string,
  ) {}

  /**
   * Checks the network settings of `docker create` and returns the initial
   * NetworkSettings.Networks (the endpoints the container will have) and the
   * warnings dockerd gives. Like dockerd 20.10 it checks options, not
   * existence: a missing network or `container:X` target fails the start.
   */
  plan(record: ContainerRecord, endpointsConfig: Record<string, EndpointSettings> | undefined): { networks: Record<string, EndpointSettings>; warnings: string[] } {
    const mode = record.hostConfig.NetworkMode ?? 'default';
    const warnings: string[] = [];
    const ports = Object.keys(record.hostConfig.PortBindings ?? {}).length > 0 || record.hostConfig.PublishAllPorts;
    const target = containerModeTarget(mode);
    if (target !== null) {
      // As dockerd 20.10, a missing container is only an error at start ("No such container: x").
      if (record.config.Hostname) throw new InvalidParameterError('conflicting options: hostname and the network mode');
      if (ports) throw new InvalidParameterError('conflicting options: port publishing and the container type network mode');
      if ((record.hostConfig.Dns ?? []).length > 0) throw new InvalidParameterError('conflicting options: dns and the network mode');
      if ((record.hostConfig.ExtraHosts ?? []).length > 0) throw new InvalidParameterError('conflicting options: custom host-to-IP mapping and the network mode');
      return { networks: {}, warnings };
    }
    for (const key of Object.keys(record.hostConfig.PortBindings ?? {})) {
      parsePortKey(key);
      for (const binding of record.hostConfig.PortBindings![key] ?? []) hostPortsOf(binding.HostPort, key);
    }
    // As dockerd 20.10, a network that does not exist is only an error at start ("network x not found").
    const first = modeNetwork(mode);
    const network = this.manager.find(first);
    if (network?.driver === 'host' && ports) {
      warnings.push('Published ports are discarded when using host network mode');
    }
    const networks: Record<string, EndpointSettings> = {};
    const add = (name: string, net: Network | undefined, config: EndpointSettings | undefined) => {
      if (net) this.checkEndpointConfig(net, config);
      networks[net?.name ?? name] = requestedEndpoint(net, config);
    };
    add(first, network, endpointsConfig?.[mode] ?? endpointsConfig?.[first] ?? (network ? (endpointsConfig?.[network.name] ?? endpointsConfig?.[network.id]) : undefined));
    for (const [name, config] of Object.entries(endpointsConfig ?? {})) {
      // Clients since API 1.44 key the first endpoint by the network mode, "default" included.
      const key = modeNetwork(name);
      const net = this.manager.find(key);
      if (key === first || (net && net === network)) continue;
      if (!network || network.driver !== 'bridge' || (net && net.driver !== 'bridge')) {
        throw new InvalidParameterError('Container cannot be connected to network endpoints: ' + Object.keys(endpointsConfig ?? {}).join(', '));
      }
      add(key, net, config);
    }
    return { networks, warnings };
  }

  private checkEndpointConfig(network: Network, config: EndpointSettings | undefined): void {
    const ip = config?.IPAMConfig?.IPv4Address;
    if (!ip) return;
    if (network.isDefaultBridge) throw new InvalidParameterError('user specified IP address is supported on user defined networks only');
    if (!network.userSubnet) throw new InvalidParameterError('user specified IP address is supported only when connecting to networks with user configured subnets');
    if (network.subnet && !network.subnet.contains(ip)) throw new InvalidParameterError(`Invalid address ${ip}: It does not belong to any of this network's subnets`);
  }

  /**
   * Starts a container's networking: its namespace (new, the host's, or
   * another container's), its endpoints, the files it gets and its published
   * ports. On failure everything made so far is undone.
   */
  async setUp(record: ContainerRecord, peer: (idOrName: string) => NetworkPeer | null): Promise<ContainerNetwork> {
    const mode = record.hostConfig.NetworkMode ?? 'default';
    const target = containerModeTarget(mode);
    if (target !== null) {
      const other = peer(target);
      if (!other) throw new NotFoundError(`No such container: ${target}`);
      if (!other.network) throw new ConflictError(`cannot join network of a non running container: ${other.id}`);
      if (this.users.has(other.network.ns)) this.users.set(other.network.ns, this.users.get(other.network.ns)! + 1);
      return { ...other.network, owner: false, endpoints: new Map(), ports: [] };
    }
    const isHost = translated(() => this.manager.get(modeNetwork(mode))).driver === 'host';
    const ns = isHost ? this.manager.hostNamespace : this.manager.createNamespace();
    if (!isHost) this.users.set(ns, 1);
    const endpoints = new Map<string, Endpoint>();
    const ports: PublishedPort[] = [];
    const sandboxId = randomId();
    const partial: ContainerNetwork = { ns, owner: !isHost, endpoints, ports, hostname: '', hosts: '', resolvConf: '', sandboxId };
    try {
      for (const [name, settings] of Object.entries(record.networkSettings.Networks)) {
        endpoints.set(name, this.attach(ns, name, record, settings));
      }
      const hostname = isHost ? this.hostHostname() : record.config.Hostname!;
      const extraHosts = (record.hostConfig.ExtraHosts ?? []).map(parseExtraHost);
      const hosts = this.manager.hostsFileFor(ns, {
        hostname,
        ...(record.config.Domainname ? { domainname: record.config.Domainname } : {}),
        extraHosts,
      });
      const resolvConf = this.manager.resolvConfFor(ns, {
        ...(record.hostConfig.Dns?.length ? { dns: record.hostConfig.Dns } : {}),
        ...(record.hostConfig.DnsSearch?.length ? { dnsSearch: record.hostConfig.DnsSearch } : {}),
        ...(record.hostConfig.DnsOptions?.length ? { dnsOptions: record.hostConfig.DnsOptions } : {}),
      });
      if (!isHost) await this.publishPorts(record, ns, endpoints, ports);
      return { ns, owner: !isHost, endpoints, ports, hostname, hosts, resolvConf, sandboxId };
    } catch (error) {
      await this.tearDown(partial);
      throw engineErrorOf(error);
    }
  }

  private attach(ns: NetworkNamespace, name: string, record: ContainerRecord, settings: EndpointSettings): Endpoint {
    return translated(() =>
      this.manager.attach(ns, settings.NetworkID && this.manager.find(settings.NetworkID) ? settings.NetworkID : name, {
        containerId: record.id,
        containerName: record.name.slice(1),
        ...(settings.IPAMConfig?.IPv4Address ? { ip: settings.IPAMConfig.IPv4Address } : {}),
        aliases: settings.Aliases?.filter((a) => a !== record.id.slice(0, 12)) ?? [],
      }),
    );
  }

  private async publishPorts(record: ContainerRecord, ns: NetworkNamespace, endpoints: Map<string, Endpoint>, ports: PublishedPort[]): Promise<void> {
    const bindings = record.hostConfig.PortBindings ?? {};
    const wanted: { key: string; hostIp: string; hostPort: number; hostPortEnd: number }[] = [];
    for (const [key, list] of Object.entries(bindings)) {
      for (const binding of list ?? [{ HostIp: '', HostPort: '' }]) {
        const { start, end } = hostPortsOf(binding.HostPort, key);
        wanted.push({ key, hostIp: binding.HostIp ?? '', hostPort: start, hostPortEnd: end });
      }
    }
    if (record.hostConfig.PublishAllPorts) {
      for (const key of Object.keys(record.config.ExposedPorts ?? {})) if (!(key in bindings)) wanted.push({ key, hostIp: '', hostPort: 0, hostPortEnd: 0 });
    }
    if (wanted.length === 0) return;
    const bridged = [...endpoints.values()].find((e) => e.network.driver === 'bridge');
    if (!bridged) return; // `none`: dockerd publishes nothing either
    for (const w of wanted) {
      const { port, proto } = parsePortKey(w.key);
      try {
        if (proto === 'sctp') throw new InvalidParameterError('publishing sctp ports is not supported by Drydock yet');
        ports.push(await this.manager.publish(ns, { hostIp: w.hostIp, hostPort: w.hostPort, hostPortEnd: w.hostPortEnd, containerPort: port, proto }));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new SystemError(`driver failed programming external connectivity on endpoint ${record.name.slice(1)} (${bridged.id}): ${message}`);
      }
    }
  }

  /** Undoes setUp: the namespace's owner releases it (ports, endpoints, sockets); a host-mode container detaches its endpoint. */
  async tearDown(network: ContainerNetwork): Promise<void> {
    const shared = this.users.has(network.ns);
    if (network.owner || shared) {
      const left = (this.users.get(network.ns) ?? 1) - 1;
      if (left > 0) {
        this.users.set(network.ns, left);
        // Containers still run in the namespace (container:X joiners, or the owner): as a netns a
        // process holds, it lives on; the owner's endpoints and ports go with the owner.
        if (network.owner) {
          await this.manager.publishing.unpublishAll(network.ns);
          for (const endpoint of network.endpoints.values()) this.manager.detach(endpoint);
        }
        return;
      }
      this.users.delete(network.ns);
      await this.manager.releaseNamespace(network.ns);
      return;
    }
    for (const port of network.ports) await this.manager.publishing.unpublish(port);
    for (const endpoint of network.endpoints.values()) this.manager.detach(endpoint);
  }

  /** docker network connect: on a running container the endpoint is plugged in now; either way it is recorded. */
  connect(record: ContainerRecord, running: ContainerNetwork | null, networkIdOrName: string, config: EndpointSettings | undefined): void {
    const network = translated(() => this.manager.get(networkIdOrName));
    const mode = record.hostConfig.NetworkMode ?? 'default';
    if (containerModeTarget(mode) !== null) throw new ForbiddenError('container sharing network namespace with another container or host cannot be connected to any other network');
    const current = Object.keys(record.networkSettings.Networks).map((name) => this.manager.find(name));
    if (network.driver === 'host' || current.some((n) => n?.driver === 'host')) {
      throw new ForbiddenError('container cannot be disconnected from host network or connected to host network');
    }
    if (network.driver === 'null' || current.some((n) => n?.driver === 'null')) {
      throw new ForbiddenError('container cannot be connected to multiple networks with one of the networks in private (none) mode');
    }
    if (current.includes(network)) throw new ForbiddenError(`endpoint with name ${record.name.slice(1)} already exists in network ${network.name}`);
    this.checkEndpointConfig(network, config);
    const settings = requestedEndpoint(network, config);
    if (running) {
      const endpoint = this.attach(running.ns, network.name, record, settings);
      running.endpoints.set(network.name, endpoint);
      record.networkSettings.Networks[network.name] = { ...settings, ...endpointFields(endpoint, record) };
    } else {
      record.networkSettings.Networks[network.name] = settings;
    }
  }

  /** docker network disconnect. */
  disconnect(record: ContainerRecord, running: ContainerNetwork | null, networkIdOrName: string): void {
    const network = translated(() => this.manager.get(networkIdOrName));
    if (network.driver === 'host') throw new ForbiddenError('container cannot be disconnected from host network or connected to host network');
    if (!(network.name in record.networkSettings.Networks)) {
      // dockerd 20.10 words it differently for a running container (libnetwork) and a stopped one (the daemon).
      throw new ForbiddenError(`container ${record.id} is not connected to ${running ? '' : 'the '}network ${network.name}`);
    }
    if (running) {
      const endpoint = running.endpoints.get(network.name);
      if (endpoint) this.manager.detach(endpoint);
      running.endpoints.delete(network.name);
    }
    delete record.networkSettings.Networks[network.name];
  }

  /** NetworkSettings of a running container (or a stopped one: `network` null), as dockerd reports them. */
  render(record: ContainerRecord, network: ContainerNetwork | null): void {
    const settings = record.networkSettings;
    const cleared: Partial<NetworkSettings> = {
      SandboxID: '',
      SandboxKey: '',
      Ports: {},
      EndpointID: '',
      Gateway: '',
      IPAddress: '',
      IPPrefixLen: 0,
      MacAddress: '',
      Bridge: '',
    };
    Object.assign(settings, cleared);
    for (const [name, endpoint] of Object.entries(settings.Networks)) {
      const live = network?.endpoints.get(name);
      settings.Networks[name] = live ? { ...endpoint, ...endpointFields(live, record) } : clearedEndpoint(endpoint);
    }
    if (!network) return;
    settings.SandboxID = network.sandboxId;
    settings.SandboxKey = `/var/run/docker/netns/${network.sandboxId.slice(0, 12)}`;
    const bridge = network.endpoints.get('bridge');
    if (bridge && bridge.network.isDefaultBridge && bridge.ip) {
      settings.EndpointID = bridge.id;
      settings.Gateway = bridge.gateway ?? '';
      settings.IPAddress = bridge.ip;
      settings.IPPrefixLen = bridge.prefix;
      settings.MacAddress = bridge.mac;
    }
    settings.Ports = portMap(record, network.ports);
  }
}

/** What is recorded for an endpoint the user asked for (before it exists). */
function requestedEndpoint(network: Network | undefined, config: EndpointSettings | undefined): EndpointSettings {
  return {
    IPAMConfig: config?.IPAMConfig ?? null,
    Links: config?.Links ?? null,
    Aliases: config?.Aliases?.length ? [...config.Aliases] : null,
    NetworkID: network?.id ?? '',
    EndpointID: '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    MacAddress: '',
    DriverOpts: config?.DriverOpts ?? null,
    DNSNames: null,
  };
}

/** The runtime fields of a live endpoint. dockerd lists the short ID among a user network's aliases. */
function endpointFields(endpoint: Endpoint, record: ContainerRecord): EndpointSettings {
  const userNet = endpoint.network.hasDns;
  const aliases = [...endpoint.aliases];
  if (userNet && !aliases.includes(record.id.slice(0, 12))) aliases.push(record.id.slice(0, 12));
  return {
    Aliases: userNet ? aliases : endpoint.aliases.length > 0 ? [...endpoint.aliases] : null,
    NetworkID: endpoint.network.id,
    EndpointID: endpoint.id,
    Gateway: endpoint.gateway ?? '',
    IPAddress: endpoint.ip ?? '',
    IPPrefixLen: endpoint.ip ? endpoint.prefix : 0,
    MacAddress: endpoint.mac,
    DNSNames: userNet ? endpoint.dnsNames : null,
  };
}

function clearedEndpoint(endpoint: EndpointSettings): EndpointSettings {
  return {
    ...endpoint,
    Aliases: endpoint.Aliases?.length ? endpoint.Aliases : null,
    EndpointID: '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    MacAddress: '',
    DNSNames: null,
  };
}

/** NetworkSettings.Ports: every exposed or bound port, with its host bindings (both address families for 0.0.0.0, as dockerd). */
export function portMap(record: ContainerRecord, published: readonly PublishedPort[]): PortMap {
  const map: PortMap = {};
  for (const key of [...Object.keys(record.config.ExposedPorts ?? {}), ...Object.keys(record.hostConfig.PortBindings ?? {})]) map[key] = null;
  for (const port of published) {
    const key = `${port.containerPort}/${port.proto}`;
    const bindings: PortBinding[] = map[key] ?? [];
    bindings.push({ HostIp: port.hostIp, HostPort: String(port.hostPort) });
    if (port.hostIp === '0.0.0.0') bindings.push({ HostIp: '::', HostPort: String(port.hostPort) });
    map[key] = bindings;
  }
  return map;
}

/** "name:ip" (or "name=ip") of --add-host. */
function parseExtraHost(entry: string): [string, string] {
  const i = entry.search(/[:=]/);
  if (i <= 0) throw new InvalidParameterError(`invalid argument "${entry}" for "--add-host" flag`);
  return [entry.slice(0, i), entry.slice(i + 1)];
}

