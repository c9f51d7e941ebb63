/** Published ports: host listeners whose connections (TCP) and datagrams (UDP) are carried into a container. */
import { ANY_V4, isIp, parseIp } from './address.ts';
import type { SocketAddress } from './address.ts';
import { STREAM_BUFFER } from './connection.ts';
import { NetworkConflictError, NetworkInvalidError, NetworkNotFoundError, NetworkUnavailableError } from './errors.ts';
import { bridgeHostStream } from './host-bridge.ts';
import type { NetworkNamespace } from './namespace.ts';
import { EPHEMERAL_MAX, EPHEMERAL_MIN } from './ports.ts';
import type { NetworkStack } from './stack.ts';
import type { StreamHandle } from './stream-handle.ts';
import { UdpProxy } from './udp-proxy.ts';
import type { HostDatagramListener, HostListener, HostStream, PortPublisher, PortPublishFailure } from '../platform/types.ts';

/** -p [hostIp:]hostPort[-hostPortEnd]:containerPort[/proto], or -P (hostPort 0). */
export interface PublishSpec {
  /** '' or undefined: every address (0.0.0.0). */
  readonly hostIp?: string;
  /** 0 or undefined: an ephemeral port (32768 and up, as dockerd's port allocator). */
  readonly hostPort?: number;
  /**
   * The last port of a host port range (`-p 8000-8010:80`): one free port
   * of hostPort..hostPortEnd is taken (see PortPublishing.publish).
   * Undefined or equal to hostPort: that one port.
   */
  readonly hostPortEnd?: number;
  readonly containerPort: number;
  readonly proto?: 'tcp' | 'udp';
}

/** A container port reachable on the host. */
export class PublishedPort {
  /** Connections carried so far (TCP; a UDP port's sessions are counted by `udp.opened`). */
  connections = 0;

  constructor(
    readonly ns: NetworkNamespace,
    readonly hostIp: string,
    readonly hostPort: number,
    readonly containerPort: number,
    readonly proto: 'tcp' | 'udp',
    /** Where connections go: the container's address and port. */
    readonly target: SocketAddress,
    readonly listener: HostListener,
    /** Where connections come from: the host namespace, from the network's gateway address. */
    readonly from: NetworkNamespace,
    readonly sourceIp: string,
    /** UDP: the sessions of the port's host clients (null for TCP). */
    readonly udp: UdpProxy | null = null,
  ) {}

  /** "80/tcp -> 0.0.0.0:8080", as `docker port` prints it. */
  toString(): string {
    return `${this.containerPort}/${this.proto} -> ${this.hostIp}:${this.hostPort}`;
  }
}

function failureOf(error: unknown): PortPublishFailure['failure'] | null {
  return (error as Partial<PortPublishFailure> | null)?.failure ?? null;
}

/** Options of PortPublishing. */
export interface PortPublishingOptions {
  /** How long a UDP client's session lives without a reply (docker-proxy: 90 s). */
  readonly udpIdleMs?: number;
}

let warnedUdpInEngine = false;

function overlaps(a: string, b: string): boolean {
  return a === b || a === ANY_V4 || b === ANY_V4 || a === '::' || b === '::';
}

/**
 * The published ports of an engine. A host connection is carried to the
 * container from its network's gateway address, as docker-proxy does; when
 * nothing listens there, the host connection is reset (curl: "Recv failure:
 * Connection reset by peer", as with dockerd). UDP ports are carried by a
 * UdpProxy (a session per host client, see udp-proxy.ts). A TCP and a UDP
 * port of the same number are independent, as on Linux and in dockerd's
 * port allocator. A host port range takes one of its ports in turn, as
 * dockerd's allocator does (see `publish`).
 *
 * Without a PortPublisher (browsers) ports are still published, conflicts
 * and all, but only inside the engine: `connectPublished` reaches TCP ones
 * and `openPublishedDatagram` UDP ones (a page has no UDP at all).
 */
export class PortPublishing {
  private readonly ports: PublishedPort[] = [];
  /** The next ephemeral host port to try, per protocol (dockerd's allocator keeps one per protocol). */
  private readonly nextEphemeral = { tcp: EPHEMERAL_MIN, udp: EPHEMERAL_MIN };
  /** The port last taken from each host port range, by "hostIp/proto/start-end" (dockerd's portRange.last). */
  private readonly rangeLast = new Map<string, number>();
  private readonly udpIdleMs: number | undefined;
  private nextEngineClient = 1;

  constructor(
    private readonly stack: NetworkStack,
    private readonly publisher: PortPublisher | null,
    options: PortPublishingOptions = {},
  ) {
    this.udpIdleMs = options.udpIdleMs;
  }

  /**
   * Listens on the host port `spec` asks for: that port ("Bind for IP:PORT
   * failed: port is already allocated" when Drydock or the host holds it),
   * an ephemeral one (-P), or one of a range: the range's next port after
   * the one it gave last (wrapping around, the first request takes its
   * first port), skipping ports Drydock or the host holds ("all ports are
   * allocated" when none is left), as dockerd's portallocator does.
   */
  async publish(ns: NetworkNamespace, from: NetworkNamespace, sourceIp: string, target: SocketAddress, spec: PublishSpec): Promise<PublishedPort> {
    const publisher = this.publisher;
    const proto = spec.proto ?? 'tcp';
    if (proto !== 'tcp' && proto !== 'udp') throw new NetworkInvalidError(`publishing ${String(proto)} ports is not supported`);
    const hostIp = spec.hostIp ? parseIp(spec.hostIp) : ANY_V4;
    if (!hostIp || !isIp(hostIp)) throw new NetworkInvalidError(`invalid host IP address ${spec.hostIp}`);
    if (!Number.isInteger(spec.containerPort) || spec.containerPort < 1 || spec.containerPort > 65535) {
      throw new NetworkInvalidError(`invalid container port ${spec.containerPort}`);
    }
    const onConnection = (stream: HostStream): void => this.carry(from, sourceIp, target, stream, port);
    let port: PublishedPort;
    const udp = proto === 'udp' ? new UdpProxy(from, sourceIp, target, this.udpIdleMs) : null;
    let udpListener: HostDatagramListener | null = null;
    const inUse = (p: number) => this.ports.some((q) => q.proto === proto && q.hostPort === p && overlaps(q.hostIp, hostIp));
    const listen = async (p: number): Promise<HostListener | null> => {
      // Without a host (browsers) the port exists only inside the engine: connectPublished / openPublishedDatagram reach it.
      if (!publisher) {
        if (udp && !warnedUdpInEngine) {
          warnedUdpInEngine = true;
          console.warn(`drydock: UDP port ${p} is published inside Drydock only: this engine has no host ports (a browser page cannot receive UDP)`);
        }
        return { address: hostIp, port: p, close: async () => {} };
      }
      try {
        if (udp) {
          return (udpListener = await publisher.listenUdp(hostIp, p, (data, peer) => {
            udp.forward(`${peer.address}:${peer.port}`, data, (reply) => udpListener?.send(reply, peer));
          }));
        }
        return await publisher.listenTcp(hostIp, p, (stream) => onConnection(stream));
      } catch (error) {
        if (failureOf(error) === 'in-use') return null;
        throw new NetworkUnavailableError(`Bind for ${hostIp}:${p} failed: ${(error as Error).message}`);
      }
    };
    const requested = spec.hostPort ?? 0;
    const last = spec.hostPortEnd ?? requested;
    let listener: HostListener | null = null;
    if (requested !== 0 && last !== requested) {
      if (!Number.isInteger(requested) || !Number.isInteger(last) || requested < 1 || last > 65535 || last < requested) {
        throw new NetworkInvalidError(`invalid port range: ${requested}-${last}`);
      }
      // dockerd's allocator: a range remembers the port it gave last and goes on from the next one, wrapping
      // around (the first request takes the range's first port); ports Drydock or the host hold are skipped.
      const key = `${hostIp}/${proto}/${requested}-${last}`;
      let p = this.rangeLast.get(key) ?? last;
      for (let i = 0; i <= last - requested && !listener; i++) {
        p = p >= last ? requested : p + 1;
        if (!inUse(p)) listener = await listen(p);
      }
      if (!listener) throw new NetworkConflictError('all ports are allocated');
      this.rangeLast.set(key, p);
    } else if (requested !== 0) {
      if (!Number.isInteger(requested) || requested < 1 || requested > 65535) throw new NetworkInvalidError(`invalid host port ${requested}`);
      if (!inUse(requested)) listener = await listen(requested);
      if (!listener) throw new NetworkConflictError(`Bind for ${hostIp}:${requested} failed: port is already allocated`);
    } else {
      const span = EPHEMERAL_MAX - EPHEMERAL_MIN + 1;
      for (let i = 0; i < span && !listener; i++) {
        const p = this.nextEphemeral[proto];
        this.nextEphemeral[proto] = p >= EPHEMERAL_MAX ? EPHEMERAL_MIN : p + 1;
        if (!inUse(p)) listener = await listen(p);
      }
      if (!listener) throw new NetworkConflictError('all ports are allocated');
    }
    port = new PublishedPort(ns, hostIp, listener.port, spec.containerPort, proto, target, listener, from, sourceIp, udp);
    this.ports.push(port);
    return port;
  }

  /**
   * A UDP client of a published port inside the engine, as a host client
   * would be (tests, and browsers, which have no UDP): its datagrams reach
   * the container from the gateway and the container's replies come back to
   * it only. Throws NetworkNotFoundError when no such UDP port is published.
   */
  openPublishedDatagram(hostPort: number, hostIp = ANY_V4): PublishedDatagramClient {
    const port = this.ports.find((p) => p.udp !== null && p.hostPort === hostPort && overlaps(p.hostIp, hostIp));
    if (!port?.udp) throw new NetworkNotFoundError(`no container publishes ${hostIp}:${hostPort}/udp`);
    return new PublishedDatagramClient(port.udp, `engine:${this.nextEngineClient++}`);
  }

  /**
   * Connects to a published port as a host client would (engine.fetch, the
   * browser's Service Worker): the connection reaches the container from its
   * gateway. Rejects with NetworkNotFoundError when no such port is
   * published, and with the ErrnoError of the connect (ECONNREFUSED when
   * nothing listens in the container).
   */
  async connectPublished(hostPort: number, hostIp = ANY_V4, proto: 'tcp' | 'udp' = 'tcp'): Promise<StreamHandle> {
    const port = this.ports.find((p) => p.proto === proto && p.hostPort === hostPort && overlaps(p.hostIp, hostIp));
    if (!port) throw new NetworkNotFoundError(`no container publishes ${hostIp}:${hostPort}/${proto}`);
    port.connections++;
    return this.stack.connect(port.from, port.target, port.sourceIp);
  }

  private carry(from: NetworkNamespace, sourceIp: string, target: SocketAddress, stream: HostStream, port: PublishedPort): void {
    port.connections++;
    this.stack.dialStream(from, { ip: sourceIp, port: this.stack.proxyPort() }, target, STREAM_BUFFER, (result) => {
      if (typeof result === 'number') stream.destroy();
      else bridgeHostStream(result, stream);
    });
  }

  async unpublish(port: PublishedPort): Promise<void> {
    const i = this.ports.indexOf(port);
    if (i < 0) return;
    this.ports.splice(i, 1);
    port.udp?.close();
    await port.listener.close();
  }

  async unpublishAll(ns: NetworkNamespace): Promise<void> {
    await Promise.all(this.portsOf(ns).map((p) => this.unpublish(p)));
  }

  portsOf(ns: NetworkNamespace): PublishedPort[] {
    return this.ports.filter((p) => p.ns === ns);
  }
}

/**
 * A UDP client of a published port driven from JavaScript (see
 * PortPublishing.openPublishedDatagram): `send` datagrams, `receive` the
 * container's replies in order. Replies nobody has asked for yet are kept.
 */
export class PublishedDatagramClient {
  private readonly replies: Uint8Array[] = [];
  private readonly waiters: ((data: Uint8Array | null) => void)[] = [];
  private closed = false;

  constructor(
    private readonly proxy: UdpProxy,
    /** The client's key in the proxy's session table. */
    readonly key: string,
  ) {}

  send(data: Uint8Array): void {
    if (this.closed) return;
    this.proxy.forward(this.key, data, (reply) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(reply);
      else this.replies.push(reply);
    });
  }

  /** The next reply; null if none comes within `timeoutMs` or the client is closed. */
  receive(timeoutMs = 5000): Promise<Uint8Array | null> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter = (data: Uint8Array | null) => {
        clearTimeout(timer);
        resolve(data);
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Ends the client's session; pending receives get null. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.proxy.drop(this.key);
    for (const waiter of this.waiters.splice(0)) waiter(null);
  }
}
