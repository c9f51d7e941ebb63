/** Published ports: host listeners whose connections are carried into a container. */
import { ANY_V4, isIp, parseIp } from './address.ts';
import type { SocketAddress } from './address.ts';
import { STREAM_BUFFER } from './connection.ts';
import { NetworkConflictError, NetworkInvalidError, NetworkUnavailableError } from './errors.ts';
import { bridgeHostStream } from './host-bridge.ts';
import type { NetworkNamespace } from './namespace.ts';
import { EPHEMERAL_MAX, EPHEMERAL_MIN } from './ports.ts';
import type { NetworkStack } from './stack.ts';
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
 * Connection reset by peer", as with dockerd).
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
    if (!publisher) throw new NetworkUnavailableError('publishing ports on the host is not possible on this platform');
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
    port = new PublishedPort(ns, hostIp, listener.port, spec.containerPort, proto, target, listener);
    this.ports.push(port);
    return port;
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
