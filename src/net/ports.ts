import { Errno, fail } from '../common/errno.ts';
import { ipFamily, isUnspecified, unmapV4 } from './address.ts';
import type { IpFamily } from './address.ts';

/** Linux's default net.ipv4.ip_local_port_range. */
export const EPHEMERAL_MIN = 32768;
export const EPHEMERAL_MAX = 60999;

/** What the port table needs to know of a bound socket. */
export interface PortBinding {
  readonly family: IpFamily;
  /** The bound address, in the socket's family (an IPv6 socket may hold "::ffff:a.b.c.d"). */
  readonly boundIp: string;
  readonly reuseAddr: boolean;
  readonly reusePort: boolean;
  readonly v6only: boolean;
  /** TCP: the socket listens (SO_REUSEADDR does not let a second socket share a listening address). */
  readonly listening: boolean;
}

type Cover = 'none' | 'all' | string;

/** The IPv4 and IPv6 addresses a binding covers (an IPv6 wildcard without V6ONLY also takes IPv4). */
function covers(b: PortBinding): { v4: Cover; v6: Cover } {
  if (b.family === 4) return { v4: b.boundIp === '0.0.0.0' ? 'all' : b.boundIp, v6: 'none' };
  if (b.boundIp === '::') return { v4: b.v6only ? 'none' : 'all', v6: 'all' };
  const v4 = unmapV4(b.boundIp);
  if (v4 !== b.boundIp) return { v4, v6: 'none' };
  return { v4: 'none', v6: b.boundIp };
}

function intersects(a: Cover, b: Cover): boolean {
  if (a === 'none' || b === 'none') return false;
  return a === 'all' || b === 'all' || a === b;
}

/** True if two bindings of the same port take a common address. */
export function bindingsOverlap(a: PortBinding, b: PortBinding): boolean {
  const ca = covers(a);
  const cb = covers(b);
  return intersects(ca.v4, cb.v4) || intersects(ca.v6, cb.v6);
}

/**
 * Whether `b` may be bound (or listen) next to `a` on the same port. Linux's
 * rules, simplified (inet_csk_bind_conflict): overlapping addresses conflict
 * unless both sockets set SO_REUSEPORT, or both set SO_REUSEADDR and, for
 * TCP, neither of them listens.
 */
export function bindingsConflict(a: PortBinding, b: PortBinding, tcp: boolean): boolean {
  if (!bindingsOverlap(a, b)) return false;
  if (a.reusePort && b.reusePort) return false;
  if (a.reuseAddr && b.reuseAddr && (!tcp || (!a.listening && !b.listening))) return false;
  return true;
}

/**
 * The ports of one protocol in one network namespace: which sockets hold
 * which port, conflicts (EADDRINUSE), ephemeral allocation (32768-60999,
 * starting at a random place as Linux does), and lookups for delivery.
 */
export class PortTable<S extends PortBinding> {
  private readonly ports = new Map<number, Set<S>>();
  private nextEphemeral: number;

  constructor(
    readonly tcp: boolean,
    readonly ephemeralMin = EPHEMERAL_MIN,
    readonly ephemeralMax = EPHEMERAL_MAX,
  ) {
    this.nextEphemeral = ephemeralMin + Math.floor(Math.random() * (ephemeralMax - ephemeralMin + 1));
  }

  /** Throws EADDRINUSE if `socket` (with its options) cannot hold `port`. */
  check(socket: S, port: number): void {
    for (const other of this.ports.get(port) ?? []) {
      if (other !== socket && bindingsConflict(other, socket, this.tcp)) fail(Errno.EADDRINUSE);
    }
  }

  /** Records `socket` on `port` (0: an ephemeral port); returns the port. */
  bind(socket: S, port: number): number {
    if (port === 0) port = this.ephemeral(socket);
    else this.check(socket, port);
    let set = this.ports.get(port);
    if (!set) this.ports.set(port, (set = new Set()));
    set.add(socket);
    return port;
  }

  /** Forgets `socket` on `port`. */
  release(socket: S, port: number): void {
    const set = this.ports.get(port);
    if (!set) return;
    set.delete(socket);
    if (set.size === 0) this.ports.delete(port);
  }

  private ephemeral(socket: S): number {
    const span = this.ephemeralMax - this.ephemeralMin + 1;
    for (let tries = 0; tries < span; tries++) {
      const port = this.nextEphemeral;
      this.nextEphemeral = port >= this.ephemeralMax ? this.ephemeralMin : port + 1;
      const holders = this.ports.get(port);
      if (!holders || holders.size === 0) return port;
      if (![...holders].some((other) => bindingsOverlap(other, socket))) return port;
    }
    return fail(Errno.EADDRINUSE, 'no ephemeral port left');
  }

  /** The sockets holding `port`. */
  holders(port: number): ReadonlySet<S> {
    return this.ports.get(port) ?? new Set();
  }

  /**
   * The best socket bound to `port` that accepts traffic for `dstIp` (given
   * in plain form, IPv4 unmapped), among those `accept` allows: an exact
   * address beats a wildcard, and a socket of the traffic's own family beats
   * an IPv6 wildcard taking IPv4.
   */
  lookup(dstIp: string, port: number, accept: (socket: S) => boolean): S | null {
    const family = ipFamily(dstIp);
    let best: S | null = null;
    let bestScore = 0;
    for (const socket of this.ports.get(port) ?? []) {
      if (!accept(socket)) continue;
      const c = covers(socket);
      const cover = family === 4 ? c.v4 : c.v6;
      if (cover === 'none') continue;
      let score: number;
      if (cover === 'all') score = socket.family === family ? 2 : 1;
      else if (cover === dstIp) score = 4;
      else continue;
      if (score > bestScore) {
        best = socket;
        bestScore = score;
      }
    }
    return best;
  }

  /** Every socket in the table (for netstat). */
  *all(): IterableIterator<S> {
    for (const set of this.ports.values()) yield* set;
  }
}

/** True if `ip` is a wildcard or one of `owned`. */
export function isBindable(ip: string, owns: (ip: string) => boolean): boolean {
  return isUnspecified(ip) || owns(unmapV4(ip));
}
