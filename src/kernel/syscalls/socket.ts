/**
 * The socket calls of the drydock extension (wasm/include/drydock.h,
 * "sockets"): thin handlers that decode arguments, call the network layer
 * (src/net) and encode results. Layouts: see the matching functions in
 * guest/imports.ts.
 */
import { Errno, ErrnoError, fail } from '../../common/errno.ts';
import { ipBytes, ipFamily, isIp, parseIp, unmapV4 } from '../../net/address.ts';
import type { IpFamily, SocketAddress } from '../../net/address.ts';
import { DatagramSocket, UDP_MAX_PAYLOAD } from '../../net/datagram-socket.ts';
import { lookupHosts, normalizeName, parseHosts, reverseHosts } from '../../net/hosts.ts';
import type { HostsEntry } from '../../net/hosts.ts';
import { NetworkNamespace } from '../../net/namespace.ts';
import { netinfo } from '../../net/proc-net.ts';
import { MSG } from '../../net/socket.ts';
import type { NetSocket, Received } from '../../net/socket.ts';
import { NetworkStack } from '../../net/stack.ts';
import { StreamSocket } from '../../net/stream-socket.ts';
import { SIG } from '../abi/linux.ts';
import { FDFLAGS } from '../abi/wasi.ts';
import { PAYLOAD_IO_MAX } from '../channel/channel.ts';
import { hintFor } from '../fd/hints.ts';
import { rightsFor } from '../fd/rights.ts';
import { SocketDescription } from '../fd/socket.ts';
import type { Kernel } from '../kernel.ts';
import { TIMED_OUT, blockUntil } from '../proc/blocking.ts';
import type { SyscallContext, SyscallEntry } from './context.ts';
import {
  AF,
  IPPROTO,
  IPV6_OPT,
  IP_OPT,
  SO,
  SOCK,
  SOL_SOCKET,
  TCP_OPT,
  decodeSockaddr,
  encodeSockaddr,
  intBytes,
  intValue,
  timevalBytes,
  timevalMs,
} from './socket-abi.ts';

/** Processes without a network namespace share one per kernel (only `lo`, no way out), like Linux's init_net. */
const defaultNamespaces = new WeakMap<Kernel, NetworkNamespace>();

/** The network namespace of the calling process. */
export function networkOf(ctx: SyscallContext): NetworkNamespace {
  const net = ctx.proc.net;
  if (net instanceof NetworkNamespace) return net;
  let ns = defaultNamespaces.get(ctx.kernel);
  if (!ns) {
    ns = new NetworkStack().createNamespace({ id: 'kernel-default' });
    defaultNamespaces.set(ctx.kernel, ns);
  }
  return ns;
}

function socketDescription(ctx: SyscallContext, fd: number): SocketDescription {
  const d = ctx.fd(fd).description;
  if (!(d instanceof SocketDescription)) fail(Errno.ENOTSOCK);
  return d;
}

function isEagain(error: unknown): boolean {
  return error instanceof ErrnoError && error.errno === Errno.EAGAIN;
}

/**
 * Runs `op`; when it would block and the call may block, parks until the
 * socket changes and retries. `timeoutMs` (SO_RCVTIMEO/SO_SNDTIMEO, 0 for
 * none) ends the wait with EAGAIN, as on Linux.
 */
function blocking<T>(ctx: SyscallContext, d: SocketDescription, nonblock: boolean, timeoutMs: number, op: () => T): T | Promise<T> {
  try {
    return op();
  } catch (error) {
    if (!isEagain(error) || nonblock) throw error;
  }
  return blockUntil(
    ctx.proc,
    [d.waiters],
    () => {
      try {
        return op();
      } catch (error) {
        if (isEagain(error)) return undefined;
        throw error;
      }
    },
    timeoutMs > 0 ? { timeoutMs } : {},
  ).then((result) => {
    if (result === TIMED_OUT) throw new ErrnoError(Errno.EAGAIN);
    return result;
  });
}

function isNonblocking(d: SocketDescription, flags = 0): boolean {
  return (d.fdflags & FDFLAGS.NONBLOCK) !== 0 || (flags & MSG.DONTWAIT) !== 0;
}

/** Raises SIGPIPE for EPIPE (unless MSG_NOSIGNAL) and rethrows. */
function sigpipe(ctx: SyscallContext, error: unknown, flags: number): never {
  if (error instanceof ErrnoError && error.errno === Errno.EPIPE && (flags & MSG.NOSIGNAL) === 0) {
    ctx.kernel.signal(ctx.proc, SIG.PIPE, ctx.proc);
  }
  throw error;
}

function addressFor(socket: NetSocket, bytes: Uint8Array): SocketAddress {
  const decoded = decodeSockaddr(bytes);
  if (decoded.family === 'unspec') fail(Errno.EAFNOSUPPORT);
  if (decoded.family !== socket.family) fail(socket.family === 4 ? Errno.EAFNOSUPPORT : Errno.EINVAL);
  return decoded.address;
}

function installSocket(ctx: SyscallContext, d: SocketDescription, flags: number): number {
  if (flags & SOCK.NONBLOCK) d.fdflags |= FDFLAGS.NONBLOCK;
  const entry = { description: d, cloexec: (flags & SOCK.CLOEXEC) !== 0, ...rightsFor(d) };
  return ctx.proc.fds.add(entry);
}

/**
 * A blocking stream send writes all of `data` (parking while the peer's
 * buffer is full); a non-blocking one writes what fits now or fails with
 * EAGAIN. A send that fails part-way reports what was sent.
 */
function sendStream(ctx: SyscallContext, d: SocketDescription, data: Uint8Array, flags: number): number | Promise<number> {
  const socket = d.socket;
  const nonblock = isNonblocking(d, flags);
  let done = 0;
  try {
    done = socket.send(data, flags, null);
  } catch (error) {
    if (!isEagain(error) || nonblock) sigpipe(ctx, error, flags);
  }
  if (done === data.length || nonblock) return done;
  const rest = async (): Promise<number> => {
    while (done < data.length) {
      try {
        done += await blocking(ctx, d, false, socket.options.sndTimeoutMs, () => socket.send(data.subarray(done), flags, null));
      } catch (error) {
        if (done === 0) sigpipe(ctx, error, flags);
        if (error instanceof ErrnoError && error.errno === Errno.EPIPE && (flags & MSG.NOSIGNAL) === 0) {
          ctx.kernel.signal(ctx.proc, SIG.PIPE, ctx.proc);
        } else if (!(error instanceof ErrnoError)) throw error;
        return done;
      }
    }
    return done;
  };
  return rest();
}

/** recv with MSG_WAITALL on a stream: waits until `length` bytes, end of file or an error (returning what came). */
function recvAll(ctx: SyscallContext, d: SocketDescription, length: number, flags: number): Promise<Received> | Received {
  const socket = d.socket;
  const parts: Uint8Array[] = [];
  let got = 0;
  const attempt = (): Received | undefined => {
    for (;;) {
      let r: Received;
      try {
        r = socket.recv(length - got, flags);
      } catch (error) {
        if (isEagain(error)) return undefined;
        if (got > 0) return joined();
        throw error;
      }
      if (r.data.length === 0) return joined();
      parts.push(r.data);
      got += r.data.length;
      if (got >= length) return joined();
    }
  };
  const joined = (): Received => {
    const data = new Uint8Array(got);
    let at = 0;
    for (const p of parts) {
      data.set(p, at);
      at += p.length;
    }
    return { data, from: socket.remote, length: got };
  };
  const now = attempt();
  if (now !== undefined) return now;
  if (isNonblocking(d, flags)) {
    if (got > 0) return joined();
    fail(Errno.EAGAIN);
  }
  const timeoutMs = socket.options.rcvTimeoutMs;
  return blockUntil(ctx.proc, [d.waiters], attempt, timeoutMs > 0 ? { timeoutMs } : {}).then(
    (result) => {
      if (result !== TIMED_OUT) return result;
      if (got > 0) return joined();
      throw new ErrnoError(Errno.EAGAIN);
    },
    (error: unknown) => {
      // Interrupted after some data arrived: return it (POSIX allows a short read).
      if (got > 0) return joined();
      throw error;
    },
  );
}

function putAddress(ctx: SyscallContext, socket: NetSocket, address: SocketAddress | null): Uint8Array {
  return address === null ? new Uint8Array(0) : encodeSockaddr(socket.family, address);
}

// ------------------------------------------------------------------ socket options

function setOption(socket: NetSocket, level: number, name: number, value: Uint8Array): void {
  const o = socket.options;
  if (level === SOL_SOCKET) {
    switch (name) {
      case SO.REUSEADDR:
        o.reuseAddr = intValue(value) !== 0;
        return;
      case SO.REUSEPORT:
        o.reusePort = intValue(value) !== 0;
        return;
      case SO.KEEPALIVE:
        o.keepAlive = intValue(value) !== 0;
        return;
      case SO.BROADCAST:
        o.broadcast = intValue(value) !== 0;
        return;
      case SO.RCVBUF: {
        // Linux doubles the value (bookkeeping overhead) and reports the doubled size.
        o.rcvbuf = Math.max(1152, Math.min(intValue(value), 4 * 1024 * 1024));
        if (socket instanceof StreamSocket && socket.end) socket.end.rx.capacity = socket.receiveCapacity;
        return;
      }
      case SO.SNDBUF:
        o.sndbuf = Math.max(2304, Math.min(intValue(value), 4 * 1024 * 1024));
        return;
      case SO.LINGER: {
        if (value.length < 8) fail(Errno.EINVAL);
        const v = new DataView(value.buffer, value.byteOffset, value.byteLength);
        o.lingerSeconds = v.getInt32(0, true) !== 0 ? v.getInt32(4, true) : null;
        return;
      }
      case SO.RCVTIMEO:
        o.rcvTimeoutMs = timevalMs(value);
        return;
      case SO.SNDTIMEO:
        o.sndTimeoutMs = timevalMs(value);
        return;
      case SO.OOBINLINE:
      case SO.DONTROUTE:
      case SO.RCVLOWAT:
      case SO.SNDLOWAT:
        intValue(value);
        return;
      default:
        fail(Errno.ENOPROTOOPT);
    }
  }
  if (level === IPPROTO.TCP) {
    if (socket.kind !== 'stream') fail(Errno.ENOPROTOOPT);
    switch (name) {
      case TCP_OPT.NODELAY:
        o.noDelay = intValue(value) !== 0;
        return;
      case TCP_OPT.MAXSEG:
      case TCP_OPT.CORK:
      case TCP_OPT.KEEPIDLE:
      case TCP_OPT.KEEPINTVL:
      case TCP_OPT.KEEPCNT:
      case TCP_OPT.QUICKACK:
        intValue(value);
        return;
      default:
        fail(Errno.ENOPROTOOPT);
    }
  }
  if (level === IPPROTO.IP) {
    if (name === IP_OPT.TTL) {
      const ttl = intValue(value);
      if (ttl < -1 || ttl === 0 || ttl > 255) fail(Errno.EINVAL);
      o.ttl = ttl === -1 ? 64 : ttl;
      return;
    }
    if (name === IP_OPT.TOS) {
      intValue(value);
      return;
    }
    fail(Errno.ENOPROTOOPT);
  }
  if (level === IPPROTO.IPV6) {
    if (socket.family !== 6) fail(Errno.ENOPROTOOPT);
    if (name === IPV6_OPT.V6ONLY) {
      if (socket.local !== null) fail(Errno.EINVAL);
      o.v6only = intValue(value) !== 0;
      return;
    }
    if (name === IPV6_OPT.UNICAST_HOPS) {
      const hops = intValue(value);
      o.ttl = hops === -1 ? 64 : hops;
      return;
    }
    fail(Errno.ENOPROTOOPT);
  }
  fail(Errno.ENOPROTOOPT);
}

function getOption(socket: NetSocket, level: number, name: number): Uint8Array {
  const o = socket.options;
  const flag = (b: boolean) => intBytes(b ? 1 : 0);
  if (level === SOL_SOCKET) {
    switch (name) {
      case SO.TYPE:
        return intBytes(socket.kind === 'stream' ? SOCK.STREAM : SOCK.DGRAM);
      case SO.ERROR:
        return intBytes(socket.takeError() ?? 0);
      case SO.REUSEADDR:
        return flag(o.reuseAddr);
      case SO.REUSEPORT:
        return flag(o.reusePort);
      case SO.KEEPALIVE:
        return flag(o.keepAlive);
      case SO.BROADCAST:
        return flag(o.broadcast);
      case SO.RCVBUF:
        return intBytes(o.rcvbuf * 2);
      case SO.SNDBUF:
        return intBytes(o.sndbuf * 2);
      case SO.ACCEPTCONN:
        return flag(socket.listening);
      case SO.PROTOCOL:
        return intBytes(socket.protocol === 'tcp' ? IPPROTO.TCP : socket.protocol === 'udp' ? IPPROTO.UDP : socket.family === 4 ? IPPROTO.ICMP : IPPROTO.ICMPV6);
      case SO.DOMAIN:
        return intBytes(socket.family === 4 ? AF.INET : AF.INET6);
      case SO.LINGER: {
        const out = new Uint8Array(8);
        const v = new DataView(out.buffer);
        v.setInt32(0, o.lingerSeconds === null ? 0 : 1, true);
        v.setInt32(4, o.lingerSeconds ?? 0, true);
        return out;
      }
      case SO.RCVTIMEO:
        return timevalBytes(o.rcvTimeoutMs);
      case SO.SNDTIMEO:
        return timevalBytes(o.sndTimeoutMs);
      case SO.RCVLOWAT:
      case SO.SNDLOWAT:
        return intBytes(1);
      case SO.OOBINLINE:
      case SO.DONTROUTE:
        return intBytes(0);
      default:
        return fail(Errno.ENOPROTOOPT);
    }
  }
  if (level === IPPROTO.TCP) {
    if (socket.kind !== 'stream') fail(Errno.ENOPROTOOPT);
    switch (name) {
      case TCP_OPT.NODELAY:
        return flag(o.noDelay);
      case TCP_OPT.MAXSEG:
        return intBytes(65483);
      case TCP_OPT.KEEPIDLE:
        return intBytes(7200);
      case TCP_OPT.KEEPINTVL:
        return intBytes(75);
      case TCP_OPT.KEEPCNT:
        return intBytes(9);
      case TCP_OPT.CORK:
      case TCP_OPT.QUICKACK:
        return intBytes(0);
      default:
        return fail(Errno.ENOPROTOOPT);
    }
  }
  if (level === IPPROTO.IP && name === IP_OPT.TTL) return intBytes(o.ttl);
  if (level === IPPROTO.IPV6 && socket.family === 6) {
    if (name === IPV6_OPT.V6ONLY) return flag(o.v6only);
    if (name === IPV6_OPT.UNICAST_HOPS) return intBytes(o.ttl);
  }
  return fail(Errno.ENOPROTOOPT);
}

// ------------------------------------------------------------------ names

/** The process's /etc/hosts, parsed (empty if it is missing or unreadable). */
function hostsOf(ctx: SyscallContext): HostsEntry[] {
  try {
    const mounts = ctx.proc.mounts;
    const loc = mounts.resolve(mounts.root(), '/etc/hosts', { follow: true, creds: ctx.proc.creds });
    if (loc.inode.kind !== 'file') return [];
    const size = Math.min(loc.inode.stat().size, 1024 * 1024);
    return parseHosts(new TextDecoder().decode(loc.inode.read(0, size).slice()));
  } catch {
    return [];
  }
}

/** getaddrinfo's family argument as IP families. */
function familiesFor(family: number): IpFamily[] {
  if (family === AF.UNSPEC) return [4, 6];
  if (family === AF.INET) return [4];
  if (family === AF.INET6) return [6];
  return fail(Errno.EAFNOSUPPORT);
}

/**
 * Resolves `name`: a numeric address, /etc/hosts, "localhost" (RFC 6761),
 * then the namespace's DNS and the host resolver (NetworkStack.resolve).
 * IPv4 addresses come first.
 */
async function resolveName(ctx: SyscallContext, name: string, families: IpFamily[]): Promise<{ addresses: string[]; canonical: string }> {
  const numeric = parseIp(name);
  let addresses: string[];
  let canonical = name;
  if (numeric) {
    addresses = [unmapV4(numeric)];
  } else {
    const fromHosts = lookupHosts(hostsOf(ctx), name);
    if (fromHosts.addresses.length > 0) {
      addresses = fromHosts.addresses;
      canonical = fromHosts.canonical ?? name;
    } else if (normalizeName(name) === 'localhost' || normalizeName(name).endsWith('.localhost')) {
      addresses = ['127.0.0.1', '::1'];
    } else {
      const ns = networkOf(ctx);
      addresses = await ns.stack.resolve(ns, normalizeName(name));
    }
  }
  const wanted = addresses.filter((a) => families.includes(ipFamily(a)));
  if (wanted.length === 0) fail(Errno.ENOENT, `no ${families.join('/')} address for ${name}`);
  wanted.sort((a, b) => ipFamily(a) - ipFamily(b));
  return { addresses: wanted, canonical };
}

// ------------------------------------------------------------------ the calls

export const SOCKET_SYSCALLS: Record<string, SyscallEntry> = {
  socket: {
    name: 'socket',
    support: 'partial',
    note: 'AF_INET and AF_INET6 (stream, datagram, ICMP ping sockets); no AF_UNIX or raw sockets',
    handler: (ctx) => {
      const domain = ctx.w.i32();
      const type = ctx.w.i32();
      const protocol = ctx.w.i32();
      const flags = type & (SOCK.NONBLOCK | SOCK.CLOEXEC);
      const kind = type & ~(SOCK.NONBLOCK | SOCK.CLOEXEC);
      if (domain !== AF.INET && domain !== AF.INET6) fail(Errno.EAFNOSUPPORT);
      const family: IpFamily = domain === AF.INET ? 4 : 6;
      const ns = networkOf(ctx);
      let socket: NetSocket;
      if (kind === SOCK.STREAM) {
        if (protocol !== 0 && protocol !== IPPROTO.TCP) fail(Errno.EPROTONOSUPPORT);
        socket = new StreamSocket(ns, family);
      } else if (kind === SOCK.DGRAM) {
        if (protocol === 0 || protocol === IPPROTO.UDP) socket = new DatagramSocket(ns, family, 'udp');
        else if ((family === 4 && protocol === IPPROTO.ICMP) || (family === 6 && protocol === IPPROTO.ICMPV6)) {
          socket = new DatagramSocket(ns, family, 'icmp');
        } else fail(Errno.EPROTONOSUPPORT);
      } else if (kind === SOCK.RAW) {
        // Raw sockets are not emulated: programs fall back to ping sockets.
        fail(Errno.EPERM);
      } else {
        fail(Errno.EINVAL);
      }
      const d = new SocketDescription(socket);
      ctx.out().putI32(installSocket(ctx, d, flags));
      return 0;
    },
  },
  bind: {
    name: 'bind',
    support: 'full',
    handler: (ctx) => {
      const d = socketDescription(ctx, ctx.w.i32());
      d.socket.bind(addressFor(d.socket, ctx.w.bytes()));
      return 0;
    },
  },
  listen: {
    name: 'listen',
    support: 'full',
    handler: (ctx) => {
      const d = socketDescription(ctx, ctx.w.i32());
      const backlog = ctx.w.i32();
      if (d.socket.kind !== 'stream') fail(Errno.ENOTSUP);
      d.socket.listen(backlog);
      return 0;
    },
  },
  accept4: {
    name: 'accept4',
    support: 'full',
    handler: (ctx) => {
      const d = socketDescription(ctx, ctx.w.i32());
      const flags = ctx.w.i32();
      if (flags & ~(SOCK.NONBLOCK | SOCK.CLOEXEC)) fail(Errno.EINVAL);
      if (d.socket.kind !== 'stream') fail(Errno.ENOTSUP);
      const finish = (child: NetSocket): number => {
        const cd = new SocketDescription(child);
        const fd = installSocket(ctx, cd, flags);
        const w = ctx.out();
        w.putI32(fd).putU32(hintFor(ctx.proc.fds.get(fd)));
        w.putBytes(putAddress(ctx, child, child.remote));
        return 0;
      };
      const accepted = blocking(ctx, d, isNonblocking(d), d.socket.options.rcvTimeoutMs, () => d.socket.accept());
      return accepted instanceof Promise ? accepted.then(finish) : finish(accepted);
    },
  },
  connect: {
    name: 'connect',
    support: 'full',
    note: 'a non-blocking stream connect always answers EINPROGRESS, as Linux does even on loopback',
    handler: (ctx) => {
      const d = socketDescription(ctx, ctx.w.i32());
      const socket = d.socket;
      const decoded = decodeSockaddr(ctx.w.bytes());
      if (decoded.family === 'unspec') {
        if (socket instanceof DatagramSocket) {
          socket.disconnect();
          return 0;
        }
        fail(Errno.EAFNOSUPPORT);
      }
      if (decoded.family !== socket.family) fail(socket.family === 4 ? Errno.EAFNOSUPPORT : Errno.EINVAL);
      const state = socket.connect(decoded.address);
      if (socket.kind === 'dgram') return 0;
      if (isNonblocking(d)) fail(Errno.EINPROGRESS);
      const outcome = (): number => {
        if (socket instanceof StreamSocket && socket.state === 'connected') return 0;
        return fail(socket.takeError() ?? Errno.ECONNREFUSED);
      };
      if (state === 'connected' || !socket.connecting) return outcome();
      return blockUntil(ctx.proc, [d.waiters], () => (socket.connecting ? undefined : true)).then(outcome);
    },
  },
  sendto: {
    name: 'sendto',
    support: 'full',
    note: 'flags: MSG_DONTWAIT, MSG_NOSIGNAL (others accepted and ignored)',
    handler: (ctx) => {
      const d = socketDescription(ctx, ctx.w.i32());
      const flags = ctx.w.i32();
      const total = ctx.w.u32();
      const data = ctx.w.bytes();
      const addr = ctx.w.bytes();
      const socket = d.socket;
      const finish = (n: number): number => {
        ctx.out().putU32(n);
        return 0;
      };
      if (socket.kind === 'dgram') {
        if (total > UDP_MAX_PAYLOAD) fail(Errno.EMSGSIZE);
        const to = addr.length > 0 ? addressFor(socket, addr) : null;
        try {
          return finish(socket.send(data, flags, to));
        } catch (error) {
          return sigpipe(ctx, error, flags);
        }
      }
      const n = sendStream(ctx, d, data, flags);
      return typeof n === 'number' ? finish(n) : n.then(finish);
    },
  },
  recvfrom: {
    name: 'recvfrom',
    support: 'full',
    note: 'flags: MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT, MSG_TRUNC',
    handler: (ctx) => {
      const d = socketDescription(ctx, ctx.w.i32());
      const length = Math.min(ctx.w.u32(), PAYLOAD_IO_MAX);
      const flags = ctx.w.i32();
      const socket = d.socket;
      const finish = (r: Received): number => {
        const w = ctx.out();
        w.putBytes(r.data).putU32(r.length);
        w.putBytes(putAddress(ctx, socket, r.from));
        return 0;
      };
      const waitAll = socket.kind === 'stream' && (flags & MSG.WAITALL) !== 0 && (flags & MSG.PEEK) === 0 && length > 0;
      const r = waitAll
        ? recvAll(ctx, d, length, flags)
        : blocking(ctx, d, isNonblocking(d, flags), socket.options.rcvTimeoutMs, () => socket.recv(length, flags));
      return r instanceof Promise ? r.then(finish) : finish(r);
    },
  },
  getsockname: {
    name: 'getsockname',
    support: 'full',
    handler: (ctx) => {
      const socket = socketDescription(ctx, ctx.w.i32()).socket;
      ctx.out().putBytes(encodeSockaddr(socket.family, socket.localAddress()));
      return 0;
    },
  },
  getpeername: {
    name: 'getpeername',
    support: 'full',
    handler: (ctx) => {
      const socket = socketDescription(ctx, ctx.w.i32()).socket;
      ctx.out().putBytes(encodeSockaddr(socket.family, socket.peerAddress()));
      return 0;
    },
  },
  setsockopt: {
    name: 'setsockopt',
    support: 'partial',
    note: 'SO_REUSEADDR/REUSEPORT/KEEPALIVE/BROADCAST/RCVBUF/SNDBUF/LINGER/RCVTIMEO/SNDTIMEO, TCP_NODELAY, IPV6_V6ONLY, IP_TTL act; TCP keepalive tuning is accepted and ignored',
    handler: (ctx) => {
      const d = socketDescription(ctx, ctx.w.i32());
      const level = ctx.w.i32();
      const name = ctx.w.i32();
      setOption(d.socket, level, name, ctx.w.bytes().slice());
      return 0;
    },
  },
  getsockopt: {
    name: 'getsockopt',
    support: 'partial',
    note: 'the options setsockopt knows, plus SO_TYPE, SO_ERROR, SO_ACCEPTCONN, SO_PROTOCOL, SO_DOMAIN',
    handler: (ctx) => {
      const d = socketDescription(ctx, ctx.w.i32());
      const level = ctx.w.i32();
      const name = ctx.w.i32();
      ctx.out().putBytes(getOption(d.socket, level, name));
      return 0;
    },
  },
  getaddrinfo: {
    name: 'getaddrinfo',
    support: 'full',
    note: 'numeric addresses, /etc/hosts, localhost, the embedded DNS of user networks, the host resolver (outbound namespaces)',
    handler: (ctx) => {
      const name = ctx.text();
      const family = ctx.w.i32();
      ctx.w.i32(); // flags: interpreted by libdrydock
      const families = familiesFor(family);
      if (name.length === 0 || name.length > 253) fail(Errno.ENOENT);
      return resolveName(ctx, name, families).then(({ addresses, canonical }) => {
        const w = ctx.out();
        w.putU32(addresses.length);
        for (const address of addresses) {
          const raw = ipBytes(address)!;
          w.putI32(raw.length === 4 ? AF.INET : AF.INET6);
          const slot = w.reserve(16);
          slot.fill(0);
          slot.set(raw);
        }
        w.putString(canonical);
        return 0;
      });
    },
  },
  netinfo: {
    name: 'netinfo',
    support: 'full',
    note: 'interfaces, and /proc/net/{route,tcp,tcp6,udp,udp6,dev} as text; cut at a line boundary beyond one channel payload',
    handler: (ctx) => {
      const what = ctx.w.i32();
      const text = netinfo(networkOf(ctx), what);
      if (text === null) fail(Errno.EINVAL);
      let bytes = new TextEncoder().encode(text);
      if (bytes.length > PAYLOAD_IO_MAX) {
        const cut = bytes.subarray(0, PAYLOAD_IO_MAX).lastIndexOf(0x0a);
        bytes = bytes.subarray(0, cut + 1);
      }
      ctx.out().putBytes(bytes);
      return 0;
    },
  },
  getnameinfo: {
    name: 'getnameinfo',
    support: 'full',
    note: 'host names from /etc/hosts and the embedded DNS (PTR); ENOENT when unknown',
    handler: (ctx) => {
      const decoded = decodeSockaddr(ctx.w.bytes());
      if (decoded.family === 'unspec') fail(Errno.EAFNOSUPPORT);
      const ip = unmapV4(decoded.address.ip);
      const name =
        reverseHosts(hostsOf(ctx), ip) ??
        (ip === '127.0.0.1' || ip === '::1' ? 'localhost' : null) ??
        networkOf(ctx).stack.reverse(networkOf(ctx), ip);
      if (name === null || isIp(name)) fail(Errno.ENOENT);
      ctx.out().putString(name);
      return 0;
    },
  },
};
