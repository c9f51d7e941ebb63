import { Errno, fail } from '../common/errno.ts';
import { LOOPBACK_V4, LOOPBACK_V6, isUnspecified, unmapV4 } from './address.ts';
import type { IpFamily, SocketAddress } from './address.ts';
import { ConnectionEnd } from './connection.ts';
import type { NetworkNamespace } from './namespace.ts';
import { bindingsOverlap } from './ports.ts';
import type { PortTable } from './ports.ts';
import { MSG, NetSocket, WOULD_BLOCK } from './socket.ts';
import type { Received, SocketReadiness } from './socket.ts';

/** Linux's net.core.somaxconn (5.4+): listen backlogs are capped here. */
export const SOMAXCONN = 4096;

export type StreamState = 'idle' | 'listening' | 'connecting' | 'connected';

/**
 * A connection attempt waiting for room in a listener's accept queue. Linux
 * drops the SYN of a full queue and the client retransmits; here the attempt
 * waits in line and is retried when accept() makes room (or fails when the
 * listener closes or the connect timeout expires). No connection is lost.
 */
export interface WaitingConnect {
  retry(): void;
  refuse(): void;
}

/**
 * A TCP socket. States: idle (new, bound, or after a failed connect),
 * listening, connecting, connected. A connected socket owns one end of a
 * ConnectionEnd pair (connection.ts has the data semantics).
 *
 * Listen backlog: the accept queue holds up to backlog + 1 connections
 * (Linux's rule; backlog capped at SOMAXCONN); further connects wait, as
 * described at WaitingConnect. A connect completes when the listener queues
 * it, before accept(), as on Linux.
 */
export class StreamSocket extends NetSocket {
  state: StreamState = 'idle';
  end: ConnectionEnd | null = null;
  private backlog = 0;
  private readonly acceptQueue: StreamSocket[] = [];
  private readonly waiting: WaitingConnect[] = [];
  private cancelConnect: (() => void) | null = null;

  constructor(ns: NetworkNamespace, family: IpFamily) {
    super(ns, family, 'stream', 'tcp');
  }

  protected get table(): PortTable<NetSocket> {
    return this.ns.tcp as PortTable<NetSocket>;
  }

  override get listening(): boolean {
    return this.state === 'listening';
  }

  get connecting(): boolean {
    return this.state === 'connecting';
  }

  /** Accepted connections not yet taken by accept(). */
  get queued(): number {
    return this.acceptQueue.length;
  }

  private attach(end: ConnectionEnd): void {
    this.end = end;
    this.state = 'connected';
    end.onChange = () => this.notify();
  }

  connect(addr: SocketAddress): 'connected' | 'pending' {
    if (this.closed) fail(Errno.EBADF);
    this.checkFamily(addr);
    if (this.state === 'connected' || this.state === 'listening') fail(Errno.EISCONN);
    if (this.state === 'connecting') fail(Errno.EALREADY);
    let dst = unmapV4(addr.ip);
    if (this.family === 6 && this.options.v6only && dst !== addr.ip) fail(Errno.ENETUNREACH);
    // Linux connects to the wildcard address as to loopback.
    if (isUnspecified(dst)) dst = dst === '::' ? LOOPBACK_V6 : LOOPBACK_V4;
    const stack = this.ns.stack;
    const route = stack.route(this.ns, dst);
    if (route.kind === 'unreachable' && route.delayMs === 0) fail(route.errno);
    const wasBound = this.local !== null;
    this.autobind(route.source);
    const local = this.local!;
    if (isUnspecified(local.ip)) this.local = { ip: this.toOwnFamily(route.source), port: local.port };
    this.error = null;
    this.remote = { ip: this.toOwnFamily(dst), port: addr.port };
    this.state = 'connecting';
    let settled = false;
    const cancel = stack.dialStream(
      this.ns,
      { ip: unmapV4(this.local!.ip), port: local.port },
      { ip: dst, port: addr.port },
      this.receiveCapacity,
      (result) => {
        settled = true;
        this.cancelConnect = null;
        if (this.closed) {
          if (typeof result !== 'number') result.close(true);
          return;
        }
        if (typeof result === 'number') {
          this.error = result;
          this.state = 'idle';
          this.remote = null;
          if (!wasBound || !this.explicitBind) this.unbind();
        } else {
          this.attach(result);
        }
        this.notify();
      },
    );
    if (!settled) this.cancelConnect = cancel;
    return (this.state as StreamState) === 'connected' ? 'connected' : 'pending';
  }

  override listen(backlog: number): void {
    if (this.closed) fail(Errno.EBADF);
    if (this.state === 'connected' || this.state === 'connecting') fail(Errno.EINVAL);
    if (this.local === null) this.autobind(null);
    const port = this.local!.port;
    if (this.state !== 'listening') {
      for (const other of this.ns.tcp.holders(port)) {
        if (other === this || !other.listening) continue;
        if (other.reusePort && this.reusePort) continue;
        if (bindingsOverlap(other, this)) fail(Errno.EADDRINUSE);
      }
    }
    this.backlog = Math.max(0, Math.min(Number.isFinite(backlog) ? Math.trunc(backlog) : SOMAXCONN, SOMAXCONN));
    this.state = 'listening';
    this.admitWaiting();
  }

  /**
   * A connection arriving at this listener from `src` to `dst` (plain
   * addresses). Queues the server side and returns the client's end, or
   * null when the accept queue is full.
   */
  offer(src: SocketAddress, dst: SocketAddress, clientCapacity: number): ConnectionEnd | null {
    if (this.state !== 'listening' || this.acceptQueue.length > this.backlog) return null;
    const child = new StreamSocket(this.ns, this.family);
    Object.assign(child.options, this.options);
    child.local = { ip: this.toOwnFamily(dst.ip), port: dst.port };
    child.remote = { ip: this.toOwnFamily(src.ip), port: src.port };
    const [serverEnd, clientEnd] = ConnectionEnd.pair(this.receiveCapacity, clientCapacity);
    child.attach(serverEnd);
    this.acceptQueue.push(child);
    this.notify();
    return clientEnd;
  }

  /** Registers a connect that found the accept queue full. */
  wait(connect: WaitingConnect): void {
    this.waiting.push(connect);
  }

  /** Forgets a waiting connect (it timed out or was cancelled). */
  unwait(connect: WaitingConnect): void {
    const i = this.waiting.indexOf(connect);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  private admitWaiting(): void {
    while (this.waiting.length > 0 && this.state === 'listening' && this.acceptQueue.length <= this.backlog) {
      this.waiting.shift()!.retry();
    }
  }

  override accept(): StreamSocket {
    if (this.state !== 'listening') fail(Errno.EINVAL);
    const child = this.acceptQueue.shift();
    if (!child) throw WOULD_BLOCK;
    this.admitWaiting();
    return child;
  }

  send(data: Uint8Array, _flags: number, _to: SocketAddress | null): number {
    const end = this.end;
    if (!end) {
      this.throwPending();
      if (this.state === 'connecting') throw WOULD_BLOCK;
      // Linux answers a send on an unconnected TCP socket with EPIPE (and SIGPIPE).
      return fail(Errno.EPIPE);
    }
    return end.write(data);
  }

  recv(length: number, flags: number): Received {
    const end = this.end;
    if (!end) {
      this.throwPending();
      if (this.state === 'connecting') throw WOULD_BLOCK;
      return fail(Errno.ENOTCONN);
    }
    const data = end.read(length, (flags & MSG.PEEK) !== 0);
    return { data, from: this.remote, length: data.length };
  }

  shutdown(read: boolean, write: boolean): void {
    const end = this.end;
    if (!end) {
      if (this.state === 'listening' && read) {
        this.stopListening();
        return;
      }
      fail(Errno.ENOTCONN);
    }
    if (write) end.shutdownWrite();
    if (read) end.shutdownRead();
  }

  override takeError(): Errno | null {
    const own = super.takeError();
    if (own !== null) return own;
    const end = this.end;
    if (end && end.error !== null) {
      const error = end.error;
      end.error = null;
      return error;
    }
    return null;
  }

  readiness(): SocketReadiness {
    switch (this.state) {
      case 'listening':
        return { readable: this.acceptQueue.length > 0, writable: false, hangup: false, nbytes: this.acceptQueue.length, error: null };
      case 'connecting':
        return { readable: false, writable: false, hangup: false, nbytes: 0, error: null };
      case 'connected': {
        const end = this.end!;
        return { readable: end.readable, writable: end.writable, hangup: end.hangup, nbytes: end.pending, error: end.error };
      }
      case 'idle': {
        // A failed connect: Linux reports POLLIN|POLLOUT|POLLERR|POLLHUP.
        const failed = this.error !== null;
        return { readable: failed, writable: failed, hangup: true, nbytes: 0, error: this.error };
      }
    }
  }

  /** Ends listening: queued connections are reset, waiting ones refused. */
  private stopListening(): void {
    this.state = 'idle';
    for (const child of this.acceptQueue.splice(0)) child.close(true);
    for (const connect of this.waiting.splice(0)) connect.refuse();
    this.notify();
  }

  /** close(2); `abort` resets an established connection (SO_LINGER 0 does the same). */
  override close(abort = false): void {
    if (this.closed) return;
    if (this.state === 'listening') this.stopListening();
    this.cancelConnect?.();
    this.cancelConnect = null;
    this.end?.close(abort || this.options.lingerSeconds === 0);
    super.close();
  }
}
