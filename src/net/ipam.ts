/**
 * IP address management as Docker's default IPAM driver does it: subnets
 * from the default address pools, and addresses inside a subnet (or an
 * --ip-range of it) handed out serially.
 */
import { Subnet, intToV4, v4ToInt } from './address.ts';
import { NetworkConflictError, NetworkInvalidError } from './errors.ts';

/**
 * dockerd's default address pools: 172.17.0.0/16 ... 172.31.0.0/16, then
 * 192.168.0.0/20, 192.168.16.0/20, ... 192.168.240.0/20. The default bridge
 * takes the first.
 */
export function defaultPools(): Subnet[] {
  const pools: Subnet[] = [];
  for (let b = 17; b <= 31; b++) pools.push(Subnet.parse(`172.${b}.0.0/16`)!);
  for (let c = 0; c < 256; c += 16) pools.push(Subnet.parse(`192.168.${c}.0/20`)!);
  return pools;
}

/** The first default pool that overlaps none of `taken`. */
export function allocateSubnet(taken: readonly Subnet[]): Subnet {
  for (const pool of defaultPools()) {
    if (!taken.some((t) => t.overlaps(pool))) return pool;
  }
  throw new NetworkConflictError('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
}

/**
 * The addresses of one network. The network address, the broadcast address,
 * the gateway, and the first address of an --ip-range are reserved (dockerd
 * gives 10.9.3.1 first for --ip-range 10.9.3.0/24). `allocate` hands out the next free address
 * of the range after the last one given (wrapping), so a released address
 * is not reused at once, as libnetwork's serial allocation does.
 */
export class AddressPool {
  private readonly used = new Set<number>();
  private next: number;
  readonly range: Subnet;

  constructor(
    readonly subnet: Subnet,
    readonly gateway: string,
    range: Subnet | null,
  ) {
    this.range = range ?? subnet;
    this.next = this.range.network;
    this.used.add(v4ToInt(gateway));
  }

  private usable(n: number): boolean {
    return n !== this.subnet.network && n !== this.subnet.broadcast && n !== this.range.network && !this.used.has(n);
  }

  /** The next free address of the range. */
  allocate(): string {
    const size = this.range.size;
    for (let i = 0; i < size; i++) {
      const offset = (this.next - this.range.network + i) % size;
      const n = (this.range.network + offset) >>> 0;
      if (this.usable(n)) {
        this.used.add(n);
        this.next = (this.range.network + ((offset + 1) % size)) >>> 0;
        return intToV4(n);
      }
    }
    throw new NetworkConflictError(`no available IPv4 addresses on this network's address pools: (${this.subnet})`);
  }

  /** Takes a requested address (--ip): it must be in the subnet and free. */
  claim(ip: string): string {
    if (!this.subnet.contains(ip)) throw new NetworkInvalidError(`Invalid address ${ip}: It does not belong to any of this network's subnets`);
    const n = v4ToInt(ip);
    if (!this.usable(n) && !(n === this.range.network && n !== this.subnet.network && !this.used.has(n))) {
      throw new NetworkConflictError('Address already in use');
    }
    this.used.add(n);
    return ip;
  }

  release(ip: string): void {
    const n = v4ToInt(ip);
    if (ip !== this.gateway) this.used.delete(n);
  }

  /** Addresses in use besides the gateway. */
  get allocated(): number {
    return this.used.size - 1;
  }
}
