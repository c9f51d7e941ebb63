/**
 * The UDP half of a published port: docker-proxy's UDP proxy
 * (libnetwork/cmd/proxy/udp_proxy.go) on the stack. Datagrams from a host
 * client go to the container from a socket of the host namespace bound to
 * the network's gateway address; what the container sends back to that
 * socket goes to that client only.
 */
import { Errno, ErrnoError } from '../common/errno.ts';
import type { SocketAddress } from './address.ts';
import { DatagramSocket } from './datagram-socket.ts';
import type { NetworkNamespace } from './namespace.ts';

/** docker-proxy's UDPConnTrackTimeout: a client's session ends after 90 s without a reply. */
export const UDP_SESSION_IDLE_MS = 90_000;

/** Larger than any UDP payload, so a reply is never truncated on its way out. */
const REPLY_BUFFER = 65536;

/** A host client's "connection" through the proxy: one socket of its own in the host namespace. */
interface Session {
  readonly socket: DatagramSocket;
  /** Sends a reply to the client. */
  readonly reply: (data: Uint8Array) => void;
  /** When the session started or last carried a reply (performance.now()). */
  lastReply: number;
  timer: unknown;
  drainQueued: boolean;
}

function unrefTimer(timer: unknown): unknown {
  // Node's timers keep the process alive unless unref'd; browsers' timer ids are numbers.
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/**
 * The sessions of one published UDP port, keyed by the host client's
 * address (whatever string the caller derives from it).
 *
 * - A client's first datagram opens its session: a UDP socket in `from`
 *   bound to `sourceIp` (the gateway) on an ephemeral port of the host
 *   namespace and connected to `target`, so the container sees
 *   gateway:port as the sender and only the container's replies (from
 *   `target`) come back through it. Each client has its own socket, hence
 *   its own source port: the container's replies reach the right client.
 * - A session ends `idleMs` after it started or last carried a reply (as
 *   docker-proxy's read deadline: datagrams towards the container do not
 *   keep it open); the client's next datagram opens a new one.
 * - Datagrams are dropped, never queued beyond the sockets' buffers: to a
 *   port nobody holds in the container (the ICMP error is swallowed, as
 *   docker-proxy ignores ECONNREFUSED), when the container's receive buffer
 *   is full, when the session cannot be made (the network is gone).
 *
 * Owned by its PublishedPort; `close` ends every session.
 */
export class UdpProxy {
  private readonly sessions = new Map<string, Session>();
  private closed = false;
  /** Sessions opened so far. */
  opened = 0;

  constructor(
    private readonly from: NetworkNamespace,
    private readonly sourceIp: string,
    private readonly target: SocketAddress,
    private readonly idleMs = UDP_SESSION_IDLE_MS,
  ) {}

  /** Open sessions. */
  get size(): number {
    return this.sessions.size;
  }

  /**
   * A datagram from the host client `client`: carried to the container;
   * the container's replies go to `reply` (the one given with the
   * session's first datagram).
   */
  forward(client: string, data: Uint8Array, reply: (data: Uint8Array) => void): void {
    if (this.closed) return;
    const session = this.sessions.get(client) ?? this.open(client, reply);
    if (!session) return;
    // A pending ECONNREFUSED (an earlier datagram found no socket) would fail this send: Linux reports it once.
    session.socket.takeError();
    try {
      session.socket.send(data, 0, null);
    } catch {
      // Too large, or the route went away: dropped, as docker-proxy logs and drops it.
    }
  }

  private open(client: string, reply: (data: Uint8Array) => void): Session | null {
    const socket = new DatagramSocket(this.from, 4, 'udp');
    try {
      socket.bind({ ip: this.sourceIp, port: 0 });
      socket.connect(this.target);
    } catch {
      socket.close();
      return null;
    }
    const session: Session = { socket, reply, lastReply: performance.now(), timer: null, drainQueued: false };
    socket.onChange = () => {
      if (session.drainQueued) return;
      session.drainQueued = true;
      // Deferred: the container's sendto that delivered the reply is still running.
      queueMicrotask(() => this.drain(client, session));
    };
    this.sessions.set(client, session);
    this.opened++;
    this.arm(client, session, this.idleMs);
    return session;
  }

  private arm(client: string, session: Session, ms: number): void {
    session.timer = unrefTimer(
      setTimeout(() => {
        const idle = performance.now() - session.lastReply;
        if (idle >= this.idleMs) this.end(client, session);
        else this.arm(client, session, this.idleMs - idle);
      }, ms),
    );
  }

  private drain(client: string, session: Session): void {
    session.drainQueued = false;
    if (this.sessions.get(client) !== session) return;
    for (;;) {
      let data: Uint8Array;
      try {
        data = session.socket.recv(REPLY_BUFFER, 0).data;
      } catch (error) {
        // ECONNREFUSED (a datagram found nobody) is taken and ignored; EAGAIN: nothing more.
        if (error instanceof ErrnoError && error.errno === Errno.ECONNREFUSED) continue;
        return;
      }
      session.lastReply = performance.now();
      session.reply(data);
    }
  }

  private end(client: string, session: Session): void {
    if (this.sessions.get(client) === session) this.sessions.delete(client);
    clearTimeout(session.timer);
    session.socket.close();
  }

  /** Ends `client`'s session, if it has one (its next datagram opens a new one). */
  drop(client: string): void {
    const session = this.sessions.get(client);
    if (session) this.end(client, session);
  }

  /** Ends every session (the port is unpublished); later datagrams are dropped. */
  close(): void {
    this.closed = true;
    for (const [client, session] of [...this.sessions]) this.end(client, session);
  }
}
