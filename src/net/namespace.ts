import { Errno, fail } from '../common/errno.ts';
import { LOOPBACK_V6, Subnet, ipFamily, unmapV4, v4ToInt } from './address.ts';
import type { SocketAddress } from './address.ts';
import type { DatagramSocket } from './datagram-socket.ts';
import { PortTable } from './ports.ts';
import type { NetSocket } from './socket.ts';
import type { NetworkStack } from './stack.ts';
import type { StreamSocket } from './stream-socket.ts';

/** An address of an interface, with its prefix length. */
export interface InterfaceAddress {
  readonly ip: string;
  readonly prefix: number;
}

/** Packet and byte counters (ifconfig, /proc/net/dev, docker stats). */
export interface InterfaceCounters {
  rxPackets: number;
  rxBytes: number;
  txPackets: number;
  txBytes: number;
}

/** TCP payload per segment on a 1500-byte MTU (Linux's MSS with timestamps). */
const SEGMENT_PAYLOAD = 1448;

/**
 * Counts `bytes` of payload sent from `from` and received by `to` (either
 * may be null: the other side is outside Drydock or not an interface). The
 * stack carries byte streams, not packets: a write counts as the segments it
 * would take (datagrams count one each), so packet counts are estimates and
 * byte counts are payload bytes (no headers).
 */
export function countTraffic(from: InterfaceCounters | null, to: InterfaceCounters | null, bytes: number, datagram = false): void {
  const packets = datagram ? 1 : Math.ceil(bytes / SEGMENT_PAYLOAD);
  if (from) {
    from.txBytes += bytes;
    from.txPackets += packets;
  }
  if (to) {
    to.rxBytes += bytes;
    to.rxPackets += packets;
  }
}

/**
 * A network interface of a namespace: `lo`, or `ethN` plugged into a bridge
 * (a container's veth end) or the bridge's own interface in the host
 * namespace (`docker0`, `br-<id>`), which carries the gateway address.
 */
export class NetInterface {
  readonly counters: InterfaceCounters = { rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0 };
  up = true;

  constructor(
    readonly ns: NetworkNamespace,
    readonly name: string,
    readonly index: number,
    readonly mac: string,
    readonly addresses: InterfaceAddress[],
    readonly bridge: Bridge | null,
    readonly mtu = 1500,
  ) {}

  get isLoopback(): boolean {
    return this.name === 'lo';
  }

  /** The IPv4 address (first one), if any. */
  get ipv4(): InterfaceAddress | null {
    return this.addresses.find((a) => ipFamily(a.ip) === 4) ?? null;
  }
}

/**
 * An L2 segment: a Docker bridge network. Interfaces on it reach each other
 * directly; the IP -> interface table plays the part of ARP.
 */
export class Bridge {
  readonly members = new Map<string, NetInterface>();

  constructor(
    readonly name: string,
    readonly subnet: Subnet,
    /** Docker's --internal: no route out through this bridge. */
    readonly internal: boolean,
  ) {}
}

/** A route of a namespace's table (`ip route`). */
export interface RouteEntry {
  /** A subnet, or null for the default route. */
  readonly destination: Subnet | null;
  readonly gateway: string | null;
  readonly device: NetInterface;
  readonly source: string | null;
}

/** A UDP service the stack itself answers in a namespace (the embedded DNS at 127.0.0.11:53). */
export interface DatagramService {
  receive(data: Uint8Array, from: SocketAddress, reply: (data: Uint8Array) => void): void;
}

/**
 * What name lookups in a namespace ask after /etc/hosts: the embedded DNS
 * of user-defined networks, then the host's resolver.
 */
export interface NameService {
  /** Addresses for `name` (IPv4 and IPv6, plain form); null when this service does not know the name. */
  lookup(name: string): string[] | null;
  /** The name of an address (PTR), or null. */
  reverse(ip: string): string | null;
}

/**
 * A network namespace: interfaces, routes, the ports of its sockets, and
 * the services the stack answers in it. Every namespace has `lo`
 * (127.0.0.1/8, ::1). It implements the kernel's NetworkNamespaceHandle
 * (`id`), so processes carry it as `proc.net`.
 */
export class NetworkNamespace {
  readonly interfaces: NetInterface[] = [];
  readonly routes: RouteEntry[] = [];
  readonly tcp = new PortTable<StreamSocket>(true);
  readonly udp = new PortTable<DatagramSocket>(false);
  readonly icmp = new PortTable<DatagramSocket>(false);
  /** Every open socket (for netstat and for teardown). */
  readonly sockets = new Set<NetSocket>();
  /** UDP services by "ip:port". */
  readonly udpServices = new Map<string, DatagramService>();
  /** Name service consulted by getaddrinfo after /etc/hosts (set by the NetworkManager). */
  names: NameService | null = null;
  /** The host namespace: outbound traffic leaves through the host network. */
  readonly isHost: boolean;
  private nextIndex = 1;
  readonly lo: NetInterface;

  constructor(
    readonly stack: NetworkStack,
    readonly id: string,
    options: { isHost?: boolean } = {},
  ) {
    this.isHost = options.isHost ?? false;
    this.lo = this.addInterface('lo', null, [
      { ip: '127.0.0.1', prefix: 8 },
      { ip: LOOPBACK_V6, prefix: 128 },
    ], '00:00:00:00:00:00', 65536);
  }

  /** Adds an interface (and its connected-subnet route); plugs it into `bridge`. */
  addInterface(name: string, bridge: Bridge | null, addresses: InterfaceAddress[], mac: string, mtu = 1500): NetInterface {
    if (this.interfaces.some((i) => i.name === name)) fail(Errno.EEXIST, `interface ${name} exists`);
    const iface = new NetInterface(this, name, this.nextIndex++, mac, addresses, bridge, mtu);
    this.interfaces.push(iface);
    for (const addr of addresses) {
      if (bridge) bridge.members.set(addr.ip, iface);
      if (ipFamily(addr.ip) === 4 && name !== 'lo') {
        this.routes.push({ destination: new Subnet(v4ToInt(addr.ip), addr.prefix), gateway: null, device: iface, source: addr.ip });
      }
    }
    return iface;
  }

  /** Removes an interface, its routes, and its bridge membership. */
  removeInterface(iface: NetInterface): void {
    const i = this.interfaces.indexOf(iface);
    if (i < 0) return;
    this.interfaces.splice(i, 1);
    for (const addr of iface.addresses) if (iface.bridge?.members.get(addr.ip) === iface) iface.bridge.members.delete(addr.ip);
    for (let r = this.routes.length - 1; r >= 0; r--) if (this.routes[r]!.device === iface) this.routes.splice(r, 1);
  }

  /** Sets the default route (replacing any). */
  setDefaultRoute(gateway: string, device: NetInterface): void {
    this.clearDefaultRoute();
    this.routes.push({ destination: null, gateway, device, source: device.ipv4?.ip ?? null });
  }

  clearDefaultRoute(): void {
    for (let r = this.routes.length - 1; r >= 0; r--) if (this.routes[r]!.destination === null) this.routes.splice(r, 1);
  }

  get defaultRoute(): RouteEntry | null {
    return this.routes.find((r) => r.destination === null) ?? null;
  }

  /** True if `ip` (plain form) is an address of this namespace (all of 127/8 counts, as on Linux). */
  owns(ip: string): boolean {
    const plain = unmapV4(ip);
    if (plain.startsWith('127.') && ipFamily(plain) === 4) return this.lo.up;
    return this.interfaces.some((i) => i.up && i.addresses.some((a) => a.ip === plain));
  }

  /** The interface holding `ip`, if any. */
  interfaceOf(ip: string): NetInterface | null {
    const plain = unmapV4(ip);
    if (plain.startsWith('127.') || plain === LOOPBACK_V6) return this.lo;
    return this.interfaces.find((i) => i.addresses.some((a) => a.ip === plain)) ?? null;
  }

  /** Closes every socket (the namespace is being torn down). */
  closeAll(): void {
    for (const socket of [...this.sockets]) socket.close();
  }
}
