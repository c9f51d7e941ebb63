/**
 * Outbound UDP: a container socket's datagrams to the host network leave
 * through a UDP socket of the host, as Docker's masquerade (NAT) makes them
 * leave from the host's address. The UDP half of what `HostNetwork.connectTcp`
 * is for streams.
 */
import type { HostDatagramPeer, HostDatagramSocket, HostNetwork } from '../platform/types.ts';
import { unmapV4 } from './address.ts';
import type { SocketAddress } from './address.ts';
import type { DatagramSocket } from './datagram-socket.ts';
import { countTraffic } from './namespace.ts';

/** A HostNetwork that has UDP (Node's; browsers have none). */
export type UdpHostNetwork = HostNetwork & Required<Pick<HostNetwork, 'openUdp'>>;

/** Whether `host` can open UDP sockets. */
export function hasUdp(host: HostNetwork): host is UdpHostNetwork {
  return typeof host.openUdp === 'function';
}

/** One host socket and what waits for it while it is being opened. */
interface Binding {
  /** The peer the host socket is connected to, or null (unconnected: any destination). */
  readonly peer: SocketAddress | null;
  /** Null while the host is still binding it. */
  socket: HostDatagramSocket | null;
  /** Datagrams sent before the host socket was ready, in order. */
  readonly pending: { readonly data: Uint8Array; readonly to: SocketAddress }[];
  pendingBytes: number;
}

/** The most remote endpoints one socket's replies are accepted from (the oldest is forgotten first). */
const MAX_CONTACTED = 4096;

function samePeer(a: SocketAddress, b: SocketAddress): boolean {
  return unmapV4(a.ip) === unmapV4(b.ip) && a.port === b.port;
}

/**
 * The way out of one container UDP socket (owned by that DatagramSocket,
 * made on its first datagram for the host network, closed with it).
 *
 * - **One host socket per container socket**, on an ephemeral host port
 *   (`HostNetwork.openUdp`): what the container sends outside leaves from
 *   it, so the remote side sees the host's address and that port, and
 *   what the remote side sends back to that port reaches this socket with
 *   the remote address as its source. Docker's conntrack keeps the
 *   container's source port when it is free on the host; here the host
 *   picks the port.
 * - **Connected sockets**: when the container socket is connected to the
 *   destination of its first datagram outside, the host socket is
 *   connected too, so the peer's ICMP port unreachable reaches the
 *   container as ECONNREFUSED (Linux reports it to connected sockets only).
 *   A later datagram to another destination (after a disconnect) replaces
 *   the host socket with an unconnected one (a new host port).
 * - **Nothing is queued beyond the socket's send buffer**: datagrams sent
 *   while the host binds the socket wait (in order, up to twice SO_SNDBUF,
 *   Linux's accounting) and are sent once it is bound; more are dropped,
 *   as are those of a host socket that could not be opened.
 * - **Only replies come in**, as through Linux's conntrack: a datagram
 *   reaches the container socket only from an address:port it has sent to
 *   (up to 4096 of them per socket; conntrack's timeouts are not modelled,
 *   an entry lives as long as the socket), only while the namespace still
 *   routes that address outside (outbound switched off, the network gone:
 *   dropped), and only if the socket accepts it (a connected socket takes
 *   only its peer's).
 */
export class UdpOutbound {
  private binding: Binding | null = null;
  private closed = false;
  /** "ip:port" of every remote endpoint sent to (conntrack's entries), oldest first. */
  private readonly contacted = new Set<string>();
  /** Datagrams sent to and received from the host network (for tests and stats). */
  sent = 0;
  received = 0;

  constructor(
    private readonly socket: DatagramSocket,
    private readonly network: UdpHostNetwork,
  ) {}

  /** The host port datagrams leave from, once the host socket is bound (null before). */
  get hostPort(): number | null {
    return this.binding?.socket?.port ?? null;
  }

  /** Sends `data` from `src` (the container's address, for the interface counters) to `to` outside. */
  send(src: SocketAddress, to: SocketAddress, data: Uint8Array): void {
    if (this.closed) return;
    let binding = this.binding;
    if (binding?.peer && !samePeer(binding.peer, to)) {
      this.release(binding);
      binding = null;
    }
    if (!binding) binding = this.open(this.socket.remote && samePeer(this.socket.remote, to) ? { ip: unmapV4(to.ip), port: to.port } : null);
    countTraffic(this.socket.ns.interfaceOf(src.ip)?.counters ?? null, null, data.length, true);
    this.remember(to);
    if (binding.socket) {
      this.transmit(binding.socket, data, to);
      return;
    }
    if (binding.pendingBytes + data.length > this.socket.options.sndbuf * 2) return;
    binding.pending.push({ data, to });
    binding.pendingBytes += data.length;
  }

  private remember(to: SocketAddress): void {
    const key = `${unmapV4(to.ip)}:${to.port}`;
    this.contacted.delete(key);
    this.contacted.add(key);
    if (this.contacted.size > MAX_CONTACTED) this.contacted.delete(this.contacted.values().next().value!);
  }

  private transmit(socket: HostDatagramSocket, data: Uint8Array, to: SocketAddress): void {
    this.sent++;
    socket.send(data, { address: unmapV4(to.ip), port: to.port });
  }

  private open(peer: SocketAddress | null): Binding {
    const binding: Binding = { peer, socket: null, pending: [], pendingBytes: 0 };
    this.binding = binding;
    const hostPeer: HostDatagramPeer | null = peer ? { address: peer.ip, port: peer.port } : null;
    this.network
      .openUdp(hostPeer, {
        datagram: (data, from) => {
          if (this.binding === binding) this.receive(data, from);
        },
        refused: () => {
          if (this.binding === binding && binding.peer) this.socket.portUnreachable(binding.peer);
        },
      })
      .then(
        (socket) => {
          if (this.binding !== binding || this.closed) {
            void socket.close();
            return;
          }
          binding.socket = socket;
          for (const { data, to } of binding.pending.splice(0)) this.transmit(socket, data, to);
          binding.pendingBytes = 0;
        },
        () => {
          // The host could not give a socket (out of descriptors): what waited is lost, as UDP may lose it; the next datagram tries again.
          if (this.binding === binding) this.binding = null;
        },
      );
    return binding;
  }

  private receive(data: Uint8Array, from: HostDatagramPeer): void {
    const socket = this.socket;
    const src: SocketAddress = { ip: unmapV4(from.address), port: from.port };
    if (socket.closed || !this.contacted.has(`${src.ip}:${src.port}`)) return;
    const route = socket.ns.stack.route(socket.ns, src.ip);
    if (route.kind !== 'external' || !socket.acceptsFrom(src)) return;
    this.received++;
    countTraffic(null, socket.ns.interfaceOf(route.source)?.counters ?? null, data.length, true);
    socket.deliver(data.slice(), src);
  }

  private release(binding: Binding): void {
    if (this.binding === binding) this.binding = null;
    if (binding.socket) void binding.socket.close();
  }

  /** The container socket closed (or its namespace went): the host socket is closed, what waited is dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.binding) this.release(this.binding);
  }
}
