/** Published ports: host listeners whose connections are carried into a container. */
import { ANY_V4, isIp, parseIp } from './address.ts';
import type { SocketAddress } from './address.ts';
import { STREAM_BUFFER } from './connection.ts';
import { NetworkConflictError, NetworkInvalidError, NetworkNotFoundError, NetworkUnavailableError } from './errors.ts';
import { bridgeHostStream } from './host-bridge.ts';
import type { NetworkNamespace } from './namespace.ts';
import { EPHEMERAL_MAX, EPHEMERAL_MIN } from './ports.ts';
import type { NetworkStack } from './stack.ts';
import type { StreamHandle } from './stream-handle.ts';
import type { HostListener, HostStream, PortPublisher, PortPublishFailure } from '../platform/types.ts';

/** -p [hostIp:]hostPort:containerPort[/proto], or -P (hostPort 0). */
export interface PublishSpec {
  /** '' or undefined: every address (0.0.0.0). */
  readonly hostIp?: string;
  /** 0 or undefined: an ephemeral port (32768 and up, as dockerd's port allocator). */
  readonly hostPort?: number;
  readonly containerPort: number;
  readonly proto?: 'tcp' | 'udp';
}

/** A container port reachable on the host. */
export class PublishedPort {
  /** Connections carried so far. */
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
  ) {}

  /** "80/tcp -> 0.0.0.0:8080", as `docker port` prints it. */
  toString(): string {
    return `${this.containerPort}/${this.proto} -> ${this.hostIp}:${this.hostPort}`;
  }
}

function failureOf(error: unknown): PortPublishFailure['failure'] | null {
  return (error as Partial<PortPublishFailure> | null)?.failure ?? null;
}

function overlaps(a: string, b: string): boolean {
  return a === b || a === ANY_V4 || b === ANY_V4 || a === '::' || b === '::';
}

/**
 * The published ports of an engine. A host connection is carried to the
 * container from its network's gateway address, as docker-proxy does; when
 * nothing listens there, the host connection is reset (curl: "Recv failure:
 * Connection reset by peer", as with dockerd). Without a PortPublisher
 * (browsers) ports are still published, conflicts and all, but only inside
 * the engine: `connectPublished` reaches them.
 */
export class PortPublishing {
  private readonly ports: PublishedPort[] = [];
  private nextEphemeral = EPHEMERAL_MIN;

  constructor(
    private readonly stack: NetworkStack,
    private readonly publisher: PortPublisher | null,
  ) {}

  async publish(ns: NetworkNamespace, from: NetworkNamespace, sourceIp: string, target: SocketAddress, spec: PublishSpec): Promise<PublishedPort> {
    const publisher = this.publisher;
    const proto = spec.proto ?? 'tcp';
    if (proto !== 'tcp') throw new NetworkInvalidError(`publishing ${proto} ports is not supported`);
    const hostIp = spec.hostIp ? parseIp(spec.hostIp) : ANY_V4;
    if (!hostIp || !isIp(hostIp)) throw new NetworkInvalidError(`invalid host IP address ${spec.hostIp}`);
    if (!Number.isInteger(spec.containerPort) || spec.containerPort < 1 || spec.containerPort > 65535) {
      throw new NetworkInvalidError(`invalid container port ${spec.containerPort}`);
    }
    const onConnection = (stream: HostStream): void => this.carry(from, sourceIp, target, stream, port);
    let port: PublishedPort;
    const inUse = (p: number) => this.ports.some((q) => q.proto === proto && q.hostPort === p && overlaps(q.hostIp, hostIp));
    const listen = async (p: number): Promise<HostListener | null> => {
      // Without a host (browsers) the port exists only inside the engine: connectPublished reaches it.
      if (!publisher) return { address: hostIp, port: p, close: async () => {} };
      try {
        return await publisher.listenTcp(hostIp, p, (stream) => onConnection(stream));
      } catch (error) {
        if (failureOf(error) === 'in-use') return null;
        throw new NetworkUnavailableError(`Bind for ${hostIp}:${p} failed: ${(error as Error).message}`);
      }
    };
    const requested = spec.hostPort ?? 0;
    let listener: HostListener | null = null;
    if (requested !== 0) {
      if (!Number.isInteger(requested) || requested < 1 || requested > 65535) throw new NetworkInvalidError(`invalid host port ${requested}`);
      if (!inUse(requested)) listener = await listen(requested);
      if (!listener) throw new NetworkConflictError(`Bind for ${hostIp}:${requested} failed: port is already allocated`);
    } else {
      const span = EPHEMERAL_MAX - EPHEMERAL_MIN + 1;
      for (let i = 0; i < span && !listener; i++) {
        const p = this.nextEphemeral;
        this.nextEphemeral = p >= EPHEMERAL_MAX ? EPHEMERAL_MIN : p + 1;
        if (!inUse(p)) listener = await listen(p);
      }
      if (!listener) throw new NetworkConflictError('all ports are allocated');
    }
    port = new PublishedPort(ns, hostIp, listener.port, spec.containerPort, proto, target, listener, from, sourceIp);
    this.ports.push(port);
    return port;
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
    await port.listener.close();
  }

  async unpublishAll(ns: NetworkNamespace): Promise<void> {
    await Promise.all(this.portsOf(ns).map((p) => this.unpublish(p)));
  }

  portsOf(ns: NetworkNamespace): PublishedPort[] {
    return this.ports.filter((p) => p.ns === ns);
  }
}
