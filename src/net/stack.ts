import { Errno, ErrnoError, fail } from '../common/errno.ts';
import type { HostConnectFailure, HostNetwork } from '../platform/types.ts';
import { LOOPBACK_V4, LOOPBACK_V6, Subnet, ipFamily, isLoopback, unmapV4 } from './address.ts';
import type { SocketAddress } from './address.ts';
import { ConnectionEnd, STREAM_BUFFER } from './connection.ts';
import type { DatagramSocket } from './datagram-socket.ts';
import { bridgeHostStream } from './host-bridge.ts';
import { Bridge, countTraffic, NetworkNamespace } from './namespace.ts';
import { StreamHandle } from './stream-handle.ts';
import { EmbeddedDns } from './dns/server.ts';
import type { WaitingConnect } from './stream-socket.ts';
import { hasUdp } from './udp-outbound.ts';

/** Where a packet from a namespace to an address goes. */
export type Route =
  /** Delivered to a namespace of this stack (possibly the same one). */
  | { readonly kind: 'local'; readonly ns: NetworkNamespace; readonly source: string }
  /** Leaves through the host's network (outbound). */
  | { readonly kind: 'external'; readonly source: string }
  /** Nobody answers: after `delayMs` the sender learns `errno` (0 ms: at once, as a missing route). */
  | { readonly kind: 'unreachable'; readonly errno: Errno; readonly delayMs: number; readonly source: string }
  /** Silently dropped (Docker's isolation rules between bridges): connects time out. */
  | { readonly kind: 'dropped'; readonly source: string };

export interface StackOptions {
  /** The host's network for outbound traffic; absent in browsers. */
  readonly host?: HostNetwork | null;
  /** Whether containers may reach the host's network (default true when `host` is given). */
  readonly outbound?: boolean;
  /**
   * How long a connect to a silent address waits before ETIMEDOUT. Linux's
   * SYN retries (net.ipv4.tcp_syn_retries = 6) give up after about 127 s.
   */
  readonly connectTimeoutMs?: number;
  /** How long a connect to an unused address of a local subnet waits before EHOSTUNREACH (Linux: 3 ARP probes, 3 s). */
  readonly arpTimeoutMs?: number;
}

function errnoOfFailure(error: unknown): Errno {
  const failure = (error as { failure?: HostConnectFailure } | null)?.failure;
  switch (failure) {
    case 'refused':
      return Errno.ECONNREFUSED;
    case 'timeout':
      return Errno.ETIMEDOUT;
    case 'host-unreachable':
      return Errno.EHOSTUNREACH;
    case 'network-unreachable':
      return Errno.ENETUNREACH;
    case 'reset':
      return Errno.ECONNRESET;
    default:
      return Errno.ECONNREFUSED;
  }
}

let nextNamespaceId = 1;

/**
 * The network stack: every namespace and bridge of one engine, routing
 * between them, and the way out to the host's network. Sockets
 * (stream-socket.ts, datagram-socket.ts) call into it to reach other
 * namespaces; nothing here knows about processes.
 *
 * Routing from a namespace to an address (see `route`):
 *  1. loopback or one of its own addresses: the namespace itself;
 *  2. inside the subnet of a bridge it is plugged into: the namespace that
 *     holds the address there, else EHOSTUNREACH after the ARP timeout;
 *  3. through its default route: an address of the host namespace (a
 *     gateway of any bridge) is the host; an address in another bridge's
 *     subnet is dropped (Docker's isolation: connects time out); anything
 *     else is dropped when the route goes through an --internal network,
 *     and otherwise leaves through the host network if outbound traffic is
 *     allowed (else ENETUNREACH);
 *  4. no default route (`none`): ENETUNREACH.
 * The host namespace is plugged into every bridge (its gateway address) and
 * sends everything else to the host network.
 */
export class NetworkStack {
  readonly namespaces = new Set<NetworkNamespace>();
  readonly bridges = new Set<Bridge>();
  hostNamespace: NetworkNamespace | null = null;
  host: HostNetwork | null;
  outbound: boolean;
  connectTimeoutMs: number;
  arpTimeoutMs: number;
  /**
   * The nameservers containers are given by default (the host's, or
   * dockerd's fallback; set by the NetworkManager): DNS queries to them
   * are answered by the host's resolver instead of going out over UDP.
   */
  hostResolvers: ReadonlySet<string> = new Set();
  private nextProxyPort = 49152;

  constructor(options: StackOptions = {}) {
    this.host = options.host ?? null;
    this.outbound = options.outbound ?? this.host !== null;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 127_000;
    this.arpTimeoutMs = options.arpTimeoutMs ?? 3_000;
  }

  /** A new namespace with only `lo`. */
  createNamespace(options: { isHost?: boolean; id?: string } = {}): NetworkNamespace {
    const ns = new NetworkNamespace(this, options.id ?? `netns-${nextNamespaceId++}`, options);
    this.namespaces.add(ns);
    if (options.isHost) this.hostNamespace = ns;
    return ns;
  }

  /** Closes every socket of `ns` and forgets it. */
  destroyNamespace(ns: NetworkNamespace): void {
    ns.closeAll();
    for (const iface of [...ns.interfaces]) if (iface.bridge) ns.removeInterface(iface);
    this.namespaces.delete(ns);
    if (this.hostNamespace === ns) this.hostNamespace = null;
  }

  createBridge(name: string, subnet: Subnet, internal: boolean): Bridge {
    const bridge = new Bridge(name, subnet, internal);
    this.bridges.add(bridge);
    return bridge;
  }

  removeBridge(bridge: Bridge): void {
    this.bridges.delete(bridge);
  }

  /** Whether `ns` may send traffic to the host's network. */
  canGoOutside(ns: NetworkNamespace): boolean {
    return this.outbound && this.host !== null && (ns.isHost || ns.defaultRoute !== null);
  }

  route(from: NetworkNamespace, dst: string): Route {
    if (isLoopback(dst)) return { kind: 'local', ns: from, source: ipFamily(dst) === 6 ? LOOPBACK_V6 : LOOPBACK_V4 };
    if (from.owns(dst)) return { kind: 'local', ns: from, source: dst };
    if (ipFamily(dst) === 6) return { kind: 'unreachable', errno: Errno.ENETUNREACH, delayMs: 0, source: LOOPBACK_V6 };
    for (const iface of from.interfaces) {
      const bridge = iface.bridge;
      const addr = iface.ipv4;
      if (!bridge || !addr || !iface.up || !bridge.subnet.contains(dst)) continue;
      const member = bridge.members.get(dst);
      if (member && member.up) return { kind: 'local', ns: member.ns, source: addr.ip };
      return { kind: 'unreachable', errno: Errno.EHOSTUNREACH, delayMs: this.arpTimeoutMs, source: addr.ip };
    }
    if (from.isHost) {
      const source = from.interfaces.find((i) => !i.isLoopback && i.ipv4)?.ipv4?.ip ?? LOOPBACK_V4;
      if (!this.canGoOutside(from)) {
        this.warnNoOutside();
        return { kind: 'unreachable', errno: Errno.ENETUNREACH, delayMs: 0, source };
      }
      return { kind: 'external', source };
    }
    const def = from.defaultRoute;
    if (!def) return { kind: 'unreachable', errno: Errno.ENETUNREACH, delayMs: 0, source: LOOPBACK_V4 };
    const source = def.source ?? LOOPBACK_V4;
    const hostNs = this.hostNamespace;
    if (hostNs && hostNs.owns(dst)) return { kind: 'local', ns: hostNs, source };
    for (const bridge of this.bridges) if (bridge.subnet.contains(dst)) return { kind: 'dropped', source };
    // An --internal network has a default route, but nothing leaves the bridge (dockerd drops it).
    if (def.device.bridge?.internal) return { kind: 'dropped', source };
    if (!this.canGoOutside(from)) {
      this.warnNoOutside();
      return { kind: 'unreachable', errno: Errno.ENETUNREACH, delayMs: 0, source };
    }
    return { kind: 'external', source };
  }

  /**
   * The route of a UDP datagram from `from` to `dst`: `route`'s, except
   * that where the host network has no UDP (browsers) the way out is
   * ENETUNREACH at once, but for the DNS queries the host's resolver
   * answers (see `answersDns`).
   */
  udpRoute(from: NetworkNamespace, dst: SocketAddress): Route {
    const route = this.route(from, dst.ip);
    if (route.kind !== 'external' || this.answersDns(dst) || (this.host !== null && hasUdp(this.host))) return route;
    this.warnNoUdp(dst);
    return { kind: 'unreachable', errno: Errno.ENETUNREACH, delayMs: 0, source: route.source };
  }

  /**
   * Whether a datagram for `dst` outside is a DNS query the host's resolver
   * answers: one to a nameserver of `hostResolvers` (what containers on the
   * default bridge are given), or to any nameserver when the host network
   * has no UDP. Other nameservers (`--dns`, `nslookup NAME SERVER`) are
   * asked over real UDP.
   */
  answersDns(dst: SocketAddress): boolean {
    return dst.port === 53 && this.host !== null && (this.hostResolvers.has(unmapV4(dst.ip)) || !hasUdp(this.host));
  }

  private warnedNoUdp = false;

  /** Says once why UDP to the outside fails where the host network has no UDP. */
  private warnNoUdp(dst: SocketAddress): void {
    if (this.warnedNoUdp) return;
    this.warnedNoUdp = true;
    console.warn(
      `drydock: a container sent UDP to ${dst.ip}:${dst.port}, outside Drydock: this engine's host network has no UDP (a browser page cannot send any), so it answers ENETUNREACH; only DNS queries to the nameservers of /etc/resolv.conf are answered (by the host's resolver)`,
    );
  }

  private warned = false;

  /** Says once why containers cannot reach outside (ENETUNREACH alone does not tell a learner). */
  private warnNoOutside(): void {
    if (this.warned) return;
    this.warned = true;
    console.warn(
      this.host === null
        ? 'drydock: containers cannot open connections outside Drydock here (this engine was given no host network): connects answer ENETUNREACH'
        : 'drydock: outbound traffic from containers is switched off: connects outside Drydock answer ENETUNREACH',
    );
  }

  /**
   * Opens a stream connection from `src` in `from` to `dst` (plain
   * addresses). `done` gets the client's end, or the errno the connect
   * fails with; it may be called before dialStream returns. Returns a
   * function that abandons the attempt.
   */
  dialStream(
    from: NetworkNamespace,
    src: SocketAddress,
    dst: SocketAddress,
    capacity: number,
    done: (result: ConnectionEnd | Errno) => void,
  ): () => void {
    let finished = false;
    let timer: unknown = null;
    let cleanup: (() => void) | null = null;
    const finish = (result: ConnectionEnd | Errno): void => {
      if (finished) {
        if (typeof result !== 'number') result.close(true);
        return;
      }
      finished = true;
      if (timer !== null) clearTimeout(timer);
      cleanup?.();
      done(result);
    };
    const failAfter = (ms: number, errno: Errno): void => {
      timer = setTimeout(() => finish(errno), ms);
    };
    const route = this.route(from, dst.ip);
    switch (route.kind) {
      case 'local': {
        const target = route.ns;
        const attempt = (): boolean => {
          const listener = target.tcp.lookup(dst.ip, dst.port, (s) => s.listening);
          if (!listener) {
            finish(Errno.ECONNREFUSED);
            return true;
          }
          const end = listener.offer(src, dst, capacity);
          if (end) {
            end.counters = from.interfaceOf(src.ip)?.counters ?? null;
            end.peer.counters = target.interfaceOf(dst.ip)?.counters ?? null;
            finish(end);
            return true;
          }
          const waiting: WaitingConnect = {
            retry: () => {
              if (!finished) attempt();
            },
            refuse: () => finish(Errno.ECONNREFUSED),
          };
          listener.wait(waiting);
          cleanup = () => listener.unwait(waiting);
          return false;
        };
        if (!attempt() && !finished && timer === null) failAfter(this.connectTimeoutMs, Errno.ETIMEDOUT);
        break;
      }
      case 'external': {
        const host = this.host;
        if (!host) {
          finish(Errno.ENETUNREACH);
          break;
        }
        host.connectTcp(dst.ip, dst.port, this.connectTimeoutMs).then(
          (stream) => {
            if (finished) {
              stream.destroy();
              return;
            }
            const [inner, outer] = ConnectionEnd.pair(capacity, STREAM_BUFFER);
            inner.counters = from.interfaceOf(src.ip)?.counters ?? null;
            bridgeHostStream(outer, stream);
            finish(inner);
          },
          (error: unknown) => finish(errnoOfFailure(error)),
        );
        break;
      }
      case 'dropped':
        failAfter(this.connectTimeoutMs, Errno.ETIMEDOUT);
        break;
      case 'unreachable':
        if (route.delayMs === 0) finish(route.errno);
        else failAfter(route.delayMs, route.errno);
        break;
    }
    return () => {
      if (finished) return;
      finished = true;
      if (timer !== null) clearTimeout(timer);
      cleanup?.();
    };
  }

  /**
   * Sends a UDP datagram from `sender` (bound to `src`) to `dst`, along
   * `route` (the caller's `udpRoute`). Delivery inside the stack is
   * immediate; a datagram to a port nobody holds makes the sender learn
   * ECONNREFUSED (if connected). Datagrams for the host network leave
   * through the sender's host socket (udp-outbound.ts), except the DNS
   * queries the host's resolver answers (`answersDns`). Dropped and
   * unreachable routes lose the datagram.
   */
  sendDatagram(sender: DatagramSocket, src: SocketAddress, dst: SocketAddress, data: Uint8Array, route = this.udpRoute(sender.ns, dst)): void {
    if (route.kind === 'external') {
      if (this.answersDns(dst)) {
        // A query for the nameserver containers are given (the host's, on the default bridge): the host's resolver answers it.
        new EmbeddedDns(sender.ns, true).receive(data, src, (reply) => {
          if (!sender.closed) sender.deliver(reply, dst);
        });
      } else {
        sender.sendOutside(src, dst, data);
      }
      return;
    }
    if (route.kind !== 'local') return;
    const target = route.ns;
    const service = target.udpServices.get(`${dst.ip}:${dst.port}`);
    if (service) {
      service.receive(data, src, (reply) => this.deliverDatagram(target, dst, src, reply));
      return;
    }
    if (!this.deliverDatagram(sender.ns, src, dst, data, target)) {
      queueMicrotask(() => sender.portUnreachable(dst));
    }
  }

  /** Delivers a datagram from `src` to `dst` (in `target`, or wherever `dst` routes from `from`); false if no socket holds the port. */
  deliverDatagram(from: NetworkNamespace, src: SocketAddress, dst: SocketAddress, data: Uint8Array, target?: NetworkNamespace): boolean {
    let ns = target;
    if (!ns) {
      const route = this.route(from, dst.ip);
      if (route.kind !== 'local') return false;
      ns = route.ns;
    }
    const socket = ns.udp.lookup(dst.ip, dst.port, (s) => s.acceptsFrom(src));
    if (!socket) return false;
    countTraffic(from.interfaceOf(src.ip)?.counters ?? null, ns.interfaceOf(dst.ip)?.counters ?? null, data.length, true);
    socket.deliver(data, src);
    return true;
  }

  /** An ICMP echo from `from` to `dst`: `reply` runs if something there answers (every namespace of the stack does). */
  ping(from: NetworkNamespace, dst: string, reply: () => void): void {
    const route = this.route(from, dst);
    if (route.kind === 'local') setTimeout(reply, 0);
  }

  /**
   * Resolves a host name for getaddrinfo after /etc/hosts: the namespace's
   * name service (embedded DNS), then the host's resolver when the
   * namespace can reach outside. Throws ENOENT for a name that does not
   * exist, EAGAIN when no resolver can be asked.
   */
  async resolve(ns: NetworkNamespace, name: string): Promise<string[]> {
    const known = ns.names?.lookup(name);
    if (known && known.length > 0) return known;
    const host = this.host;
    if (host && this.canGoOutside(ns)) {
      let found: { address: string }[];
      try {
        found = await host.lookup(name);
      } catch (error) {
        const failure = (error as { failure?: HostConnectFailure } | null)?.failure;
        throw new ErrnoError(failure === 'not-found' ? Errno.ENOENT : Errno.EAGAIN, `resolving ${name}`);
      }
      if (found.length === 0) fail(Errno.ENOENT, `resolving ${name}`);
      return found.map((a) => a.address);
    }
    return fail(ns.names ? Errno.ENOENT : Errno.EAGAIN, `resolving ${name}`);
  }

  /** The name of `ip` as the namespace's name service knows it (PTR), or null. */
  reverse(ns: NetworkNamespace, ip: string): string | null {
    return ns.names?.reverse(ip) ?? null;
  }

  /**
   * Connects from JavaScript (the engine, a published port, a test) as if
   * from `from`: a stream to `dst` with promise-based reads and writes.
   * Rejects with an ErrnoError as connect(2) would fail.
   */
  connect(from: NetworkNamespace, dst: SocketAddress, source?: string): Promise<StreamHandle> {
    const route = this.route(from, dst.ip);
    const src = { ip: source ?? route.source, port: this.proxyPort() };
    return new Promise((resolve, reject) => {
      this.dialStream(from, src, dst, STREAM_BUFFER, (result) => {
        if (typeof result === 'number') reject(new ErrnoError(result, `connect to ${dst.ip}:${dst.port}`));
        else resolve(new StreamHandle(result, src, dst));
      });
    });
  }

  /** A source port for connections made from JavaScript (docker-proxy's ports). */
  proxyPort(): number {
    const port = this.nextProxyPort;
    this.nextProxyPort = port >= 60999 ? 49152 : port + 1;
    return port;
  }
}
