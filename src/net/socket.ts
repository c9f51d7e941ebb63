import { Errno, ErrnoError, fail } from '../common/errno.ts';
import { ANY_V4, ANY_V6, ipFamily, isUnspecified, mapV4, unmapV4 } from './address.ts';
import type { IpFamily, SocketAddress } from './address.ts';
import type { NetworkNamespace } from './namespace.ts';
import type { PortBinding, PortTable } from './ports.ts';
import { isBindable } from './ports.ts';

export type SocketKind = 'stream' | 'dgram';
export type Protocol = 'tcp' | 'udp' | 'icmp';

/** Readiness as the kernel's poll sees it. */
export interface SocketReadiness {
  readonly readable: boolean;
  readonly writable: boolean;
  readonly hangup: boolean;
  /** Bytes (stream) or the size of the next datagram that a read would return. */
  readonly nbytes: number;
  /** A pending error (SO_ERROR), reported as poll's error, not consumed. */
  readonly error: Errno | null;
}

/** What recv returns. */
export interface Received {
  readonly data: Uint8Array;
  /** Datagrams: the sender. Streams: the peer (or null). */
  readonly from: SocketAddress | null;
  /** Datagrams: the full length of the datagram (> data.length when truncated). */
  readonly length: number;
}

/** MSG_* flags the network layer acts on (values of Drydock's ABI, see wasm/include/drydock.h). */
export const MSG = {
  PEEK: 0x1,
  WAITALL: 0x2,
  TRUNC: 0x20,
  DONTWAIT: 0x40,
  NOSIGNAL: 0x4000,
} as const;

/** Socket options kept per socket; the kernel maps setsockopt/getsockopt onto these. */
export interface SocketOptions {
  reuseAddr: boolean;
  reusePort: boolean;
  keepAlive: boolean;
  noDelay: boolean;
  broadcast: boolean;
  v6only: boolean;
  /** SO_LINGER: null off; 0 means close resets the connection. */
  lingerSeconds: number | null;
  /** Receive buffer size as setsockopt gave it (Linux reports and uses twice this). */
  rcvbuf: number;
  sndbuf: number;
  /** SO_RCVTIMEO / SO_SNDTIMEO in milliseconds (0: none). */
  rcvTimeoutMs: number;
  sndTimeoutMs: number;
  /** IP_TTL / IPV6_UNICAST_HOPS. */
  ttl: number;
}

/** Linux's defaults as getsockopt reports them (net.core.rmem_default, tcp_wmem[1]). */
export const DEFAULT_RCVBUF = 131072;
export const DEFAULT_SNDBUF = 16384;
export const DEFAULT_UDP_RCVBUF = 212992;
export const DEFAULT_UDP_SNDBUF = 212992;

/**
 * The "would block" error, made once: sockets throw it on every attempt that
 * must wait (a blocked reader retries on each wake-up), and capturing a new
 * stack each time is a measurable part of the data path. Never mutate it.
 */
export const WOULD_BLOCK: ErrnoError = new ErrnoError(Errno.EAGAIN, 'would block');

let nextSocketId = 1;

/**
 * A socket of the network layer: an endpoint in one network namespace.
 * Kernel code wraps it in a file description (src/kernel/fd/socket.ts);
 * nothing here knows about fds or processes.
 *
 * Addresses are kept in the socket's own family: an IPv6 socket talking to
 * an IPv4 peer sees "::ffff:a.b.c.d", as Linux reports it.
 *
 * `onChange` is the owner's hook, called whenever readiness may have changed
 * (data arrived, room appeared, a connection completed or failed).
 */
export abstract class NetSocket implements PortBinding {
  readonly id = nextSocketId++;
  /** The bound address, or null while unbound. */
  local: SocketAddress | null = null;
  /** The peer (connected streams, connected datagram sockets). */
  remote: SocketAddress | null = null;
  /** SO_ERROR: an error from an asynchronous operation, taken once. */
  error: Errno | null = null;
  closed = false;
  onChange: (() => void) | null = null;
  readonly options: SocketOptions;
  /** Bound with an explicit port (bind), as opposed to an automatic one (connect, sendto). */
  protected explicitBind = false;

  constructor(
    readonly ns: NetworkNamespace,
    readonly family: IpFamily,
    readonly kind: SocketKind,
    readonly protocol: Protocol,
  ) {
    const dgram = kind === 'dgram';
    this.options = {
      reuseAddr: false,
      reusePort: false,
      keepAlive: false,
      noDelay: false,
      broadcast: false,
      v6only: false,
      lingerSeconds: null,
      rcvbuf: dgram ? DEFAULT_UDP_RCVBUF / 2 : DEFAULT_RCVBUF / 2,
      sndbuf: dgram ? DEFAULT_UDP_SNDBUF / 2 : DEFAULT_SNDBUF / 2,
      rcvTimeoutMs: 0,
      sndTimeoutMs: 0,
      ttl: 64,
    };
    ns.sockets.add(this);
  }

  // PortBinding
  get boundIp(): string {
    return this.local?.ip ?? (this.family === 4 ? ANY_V4 : ANY_V6);
  }
  get reuseAddr(): boolean {
    return this.options.reuseAddr;
  }
  get reusePort(): boolean {
    return this.options.reusePort;
  }
  get v6only(): boolean {
    return this.options.v6only;
  }
  get listening(): boolean {
    return false;
  }

  /** The port table this socket's protocol uses in its namespace. */
  protected abstract get table(): PortTable<NetSocket>;

  notify(): void {
    this.onChange?.();
  }

  /** Takes SO_ERROR. */
  takeError(): Errno | null {
    const error = this.error;
    this.error = null;
    return error;
  }

  /** Throws the pending error, if any (consuming it). */
  protected throwPending(): void {
    const error = this.takeError();
    if (error !== null) fail(error);
  }

  /** The address in this socket's family (IPv4 peers of IPv6 sockets are mapped). */
  toOwnFamily(ip: string): string {
    return this.family === 6 ? mapV4(ip) : ip;
  }

  /** Checks an address given by the guest against this socket's family. */
  protected checkFamily(addr: SocketAddress): void {
    if (ipFamily(addr.ip) !== this.family) fail(Errno.EAFNOSUPPORT);
    if (!Number.isInteger(addr.port) || addr.port < 0 || addr.port > 65535) fail(Errno.EINVAL);
  }

  /** bind(2). */
  bind(addr: SocketAddress): void {
    if (this.closed) fail(Errno.EBADF);
    this.checkFamily(addr);
    if (this.local !== null) fail(Errno.EINVAL);
    if (this.family === 6 && this.options.v6only && unmapV4(addr.ip) !== addr.ip) fail(Errno.EINVAL);
    if (!isBindable(addr.ip, (ip) => this.ns.owns(ip))) fail(Errno.EADDRNOTAVAIL);
    this.local = { ip: addr.ip, port: 0 };
    try {
      const port = this.table.bind(this, addr.port);
      this.local = { ip: addr.ip, port };
    } catch (error) {
      this.local = null;
      throw error;
    }
    this.explicitBind = addr.port !== 0 || !isUnspecified(addr.ip);
  }

  /** Binds to an ephemeral port (and `sourceIp` when the socket is new), for connect and sendto. */
  protected autobind(sourceIp: string | null): void {
    if (this.local !== null) return;
    const ip = sourceIp === null ? (this.family === 4 ? ANY_V4 : ANY_V6) : this.toOwnFamily(sourceIp);
    this.local = { ip, port: 0 };
    try {
      this.local = { ip, port: this.table.bind(this, 0) };
    } catch (error) {
      this.local = null;
      throw error;
    }
  }

  /** Gives the port back (close, or a failed connect of an automatically bound socket). */
  protected unbind(): void {
    if (this.local === null) return;
    this.table.release(this, this.local.port);
    this.local = null;
    this.explicitBind = false;
  }

  /** getsockname(2): the bound address, or the wildcard with port 0. */
  localAddress(): SocketAddress {
    return this.local ?? { ip: this.family === 4 ? ANY_V4 : ANY_V6, port: 0 };
  }

  /** getpeername(2). */
  peerAddress(): SocketAddress {
    if (this.remote === null) fail(Errno.ENOTCONN);
    return this.remote;
  }

  abstract readiness(): SocketReadiness;
  /** connect(2): 'connected' at once, or 'pending' (completion or failure arrives through onChange). */
  abstract connect(addr: SocketAddress): 'connected' | 'pending';
  /** For 'pending' connects: still in progress? */
  abstract get connecting(): boolean;
  abstract send(data: Uint8Array, flags: number, to: SocketAddress | null): number;
  abstract recv(length: number, flags: number): Received;
  abstract shutdown(read: boolean, write: boolean): void;

  listen(_backlog: number): void {
    fail(Errno.ENOTSUP);
  }

  accept(): NetSocket {
    return fail(Errno.ENOTSUP);
  }

  /** The receive buffer a new connection or queue gets. */
  get receiveCapacity(): number {
    return this.options.rcvbuf * 2;
  }

  /** close(2) of the last descriptor. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onChange = null;
    this.unbind();
    this.ns.sockets.delete(this);
  }
}
