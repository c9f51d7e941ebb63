import { Errno, fail } from '../common/errno.ts';
import { ANY_V4, ANY_V6, LOOPBACK_V4, LOOPBACK_V6, isUnspecified, unmapV4 } from './address.ts';
import type { IpFamily, SocketAddress } from './address.ts';
import type { NetworkNamespace } from './namespace.ts';
import type { PortTable } from './ports.ts';
import type { Route } from './stack.ts';
import { MSG, NetSocket, WOULD_BLOCK } from './socket.ts';
import type { Received, SocketReadiness } from './socket.ts';
import { UdpOutbound, hasUdp } from './udp-outbound.ts';

/** The largest UDP payload over IPv4 (65535 - 8 - 20). */
export const UDP_MAX_PAYLOAD = 65507;

interface Datagram {
  readonly data: Uint8Array;
  /** Sender, plain form. */
  readonly from: SocketAddress;
}

/** ICMP types of the echo exchange. */
export const ICMP = { ECHO_REPLY: 0, ECHO_REQUEST: 8, V6_ECHO_REQUEST: 128, V6_ECHO_REPLY: 129 } as const;

/** The Internet checksum (RFC 1071) of `bytes`. */
export function internetChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length % 2 === 1) sum += bytes[bytes.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * A datagram socket: UDP, or an ICMP "ping socket" (Linux's SOCK_DGRAM +
 * IPPROTO_ICMP, which is how an unprivileged ping sends echo requests: the
 * socket's port is the echo identifier, and recv returns the ICMP reply
 * without an IP header).
 *
 * Datagrams keep their boundaries; a read shorter than the datagram
 * truncates it (the rest is dropped, and `length` reports the full size for
 * MSG_TRUNC). The receive queue is bounded by the receive buffer: what does
 * not fit is dropped, as UDP does. A datagram to a port nobody holds makes a
 * connected sender's next call fail with ECONNREFUSED (ICMP port unreachable).
 */
export class DatagramSocket extends NetSocket {
  private readonly queue: Datagram[] = [];
  private queuedBytes = 0;
  private readShut = false;
  private writeShut = false;
  /** Datagrams dropped because the queue was full. */
  drops = 0;
  /** The local address was the wildcard until connect chose one (disconnect restores the wildcard). */
  private addressFromConnect = false;
  /** The way out to the host network, made by the first datagram sent there (UDP only). */
  outbound: UdpOutbound | null = null;

  constructor(ns: NetworkNamespace, family: IpFamily, protocol: 'udp' | 'icmp') {
    super(ns, family, 'dgram', protocol);
  }

  protected get table(): PortTable<NetSocket> {
    return (this.protocol === 'udp' ? this.ns.udp : this.ns.icmp) as PortTable<NetSocket>;
  }

  get connecting(): boolean {
    return false;
  }

  /** Bytes waiting in the receive queue. */
  get pending(): number {
    return this.queuedBytes;
  }

  private destination(addr: SocketAddress): SocketAddress {
    this.checkFamily(addr);
    let ip = unmapV4(addr.ip);
    if (this.family === 6 && this.options.v6only && ip !== addr.ip) fail(Errno.ENETUNREACH);
    if (isUnspecified(ip)) ip = ip === '::' ? LOOPBACK_V6 : LOOPBACK_V4;
    return { ip, port: addr.port };
  }

  connect(addr: SocketAddress): 'connected' | 'pending' {
    if (this.closed) fail(Errno.EBADF);
    const dst = this.destination(addr);
    const route = this.routeTo(dst);
    if (route.kind === 'unreachable' && route.delayMs === 0) fail(route.errno);
    this.autobind(route.source);
    const local = this.local!;
    // As Linux (ip4_datagram_connect): a wildcard local address becomes the route's source, even after bind(0.0.0.0:port).
    if (isUnspecified(local.ip)) {
      this.local = { ip: this.toOwnFamily(route.source), port: local.port };
      this.addressFromConnect = true;
    }
    this.remote = { ip: this.toOwnFamily(dst.ip), port: dst.port };
    this.error = null;
    return 'connected';
  }

  /** connect(AF_UNSPEC): forget the peer; a local address that connect chose goes back to the wildcard (Linux: unless bind named it). */
  disconnect(): void {
    this.remote = null;
    if (this.addressFromConnect && this.local) {
      this.local = { ip: this.family === 4 ? ANY_V4 : ANY_V6, port: this.local.port };
      this.addressFromConnect = false;
    }
  }

  send(data: Uint8Array, _flags: number, to: SocketAddress | null): number {
    if (this.closed) fail(Errno.EBADF);
    this.throwPending();
    if (this.writeShut) fail(Errno.EPIPE);
    const target = to ?? this.remote;
    if (target === null) fail(Errno.EDESTADDRREQ);
    if (data.length > UDP_MAX_PAYLOAD) fail(Errno.EMSGSIZE);
    const dst = this.destination(target);
    const stack = this.ns.stack;
    const route = this.routeTo(dst);
    if (route.kind === 'unreachable' && route.delayMs === 0) fail(route.errno);
    this.autobind(route.source);
    const local = this.local!;
    const src = { ip: isUnspecified(local.ip) ? route.source : unmapV4(local.ip), port: local.port };
    if (this.protocol === 'icmp') {
      this.sendEcho(data, src, dst);
      return data.length;
    }
    stack.sendDatagram(this, src, dst, data.slice(), route);
    return data.length;
  }

  /** Where a datagram to `dst` goes (UDP has its own rules for the outside: NetworkStack.udpRoute). */
  private routeTo(dst: SocketAddress): Route {
    const stack = this.ns.stack;
    return this.protocol === 'udp' ? stack.udpRoute(this.ns, dst) : stack.route(this.ns, dst.ip);
  }

  /**
   * A datagram for the host network (`src` is this socket's address): it
   * leaves through this socket's host UDP socket (udp-outbound.ts), made on
   * first use. Only where the host network has UDP (the stack's udpRoute
   * refuses the others).
   */
  sendOutside(src: SocketAddress, dst: SocketAddress, data: Uint8Array): void {
    const host = this.ns.stack.host;
    if (this.closed || this.protocol !== 'udp' || host === null || !hasUdp(host)) return;
    this.outbound ??= new UdpOutbound(this, host);
    this.outbound.send(src, dst, data);
  }

  /** An ICMP echo request: the reply comes back if the destination answers (see NetworkStack.ping). */
  private sendEcho(data: Uint8Array, src: SocketAddress, dst: SocketAddress): void {
    const v6 = this.family === 6;
    if (data.length < 8 || data[0] !== (v6 ? ICMP.V6_ECHO_REQUEST : ICMP.ECHO_REQUEST) || data[1] !== 0) fail(Errno.EINVAL);
    const reply = data.slice();
    reply[0] = v6 ? ICMP.V6_ECHO_REPLY : ICMP.ECHO_REPLY;
    // Linux puts the socket's identifier in the echo id.
    reply[4] = (src.port >> 8) & 0xff;
    reply[5] = src.port & 0xff;
    reply[2] = 0;
    reply[3] = 0;
    const sum = internetChecksum(reply);
    reply[2] = sum >> 8;
    reply[3] = sum & 0xff;
    this.ns.stack.ping(this.ns, dst.ip, () => this.deliver(reply, { ip: dst.ip, port: 0 }));
  }

  /** True if a datagram from `src` (plain) may be delivered here (connected sockets only take their peer's). */
  acceptsFrom(src: SocketAddress): boolean {
    if (this.closed || this.readShut) return false;
    return this.remote === null || (unmapV4(this.remote.ip) === src.ip && this.remote.port === src.port);
  }

  /** A datagram arrives (the data is kept: pass a copy). */
  deliver(data: Uint8Array, from: SocketAddress): void {
    if (this.closed || this.readShut) return;
    if (this.queuedBytes + data.length > this.receiveCapacity) {
      this.drops++;
      return;
    }
    this.queue.push({ data, from });
    this.queuedBytes += data.length;
    this.notify();
  }

  /** ICMP port unreachable for a datagram we sent to `dst`: a connected socket learns ECONNREFUSED. */
  portUnreachable(dst: SocketAddress): void {
    if (this.remote && unmapV4(this.remote.ip) === dst.ip && this.remote.port === dst.port) {
      this.error = Errno.ECONNREFUSED;
      this.notify();
    }
  }

  recv(length: number, flags: number): Received {
    if (this.closed) fail(Errno.EBADF);
    const next = this.queue[0];
    if (!next) {
      this.throwPending();
      if (this.readShut) return { data: new Uint8Array(0), from: null, length: 0 };
      throw WOULD_BLOCK;
    }
    if ((flags & MSG.PEEK) === 0) {
      this.queue.shift();
      this.queuedBytes -= next.data.length;
    }
    const data = next.data.length <= length ? next.data : next.data.subarray(0, length);
    return { data, from: { ip: this.toOwnFamily(next.from.ip), port: next.from.port }, length: next.data.length };
  }

  shutdown(read: boolean, write: boolean): void {
    if (this.remote === null) fail(Errno.ENOTCONN);
    if (read) {
      this.readShut = true;
      this.queue.length = 0;
      this.queuedBytes = 0;
    }
    if (write) this.writeShut = true;
    this.notify();
  }

  readiness(): SocketReadiness {
    const next = this.queue[0];
    return {
      readable: next !== undefined || this.error !== null || this.readShut,
      writable: true,
      hangup: this.readShut && this.writeShut,
      nbytes: next ? next.data.length : 0,
      error: this.error,
    };
  }

  override close(): void {
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.outbound?.close();
    super.close();
  }
}
