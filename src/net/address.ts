/**
 * IP addresses as canonical strings: IPv4 in dotted quad ("172.17.0.2"),
 * IPv6 in RFC 5952 form ("::1", "fe80::42:acff:fe11:2"). Canonical strings
 * compare equal exactly when the addresses are equal, so they serve as map
 * keys. IPv4-mapped IPv6 addresses ("::ffff:1.2.3.4") are kept in that form;
 * `unmapV4` turns them into the IPv4 address they stand for.
 */

export type IpFamily = 4 | 6;

/** An IP address and port: one end of a connection or a bound name. */
export interface SocketAddress {
  readonly ip: string;
  readonly port: number;
}

export const ANY_V4 = '0.0.0.0';
export const ANY_V6 = '::';
export const LOOPBACK_V4 = '127.0.0.1';
export const LOOPBACK_V6 = '::1';

function parseV4Parts(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** The 4 or 16 bytes of an address, or null if `text` is not an IP address. */
export function ipBytes(text: string): Uint8Array | null {
  const v4 = parseV4Parts(text);
  if (v4) return Uint8Array.from(v4);
  if (!text.includes(':')) return null;
  const zone = text.indexOf('%');
  const body = zone >= 0 ? text.slice(0, zone) : text;
  let head = body;
  let tail = '';
  const gap = body.indexOf('::');
  if (gap >= 0) {
    if (body.indexOf('::', gap + 1) >= 0) return null;
    head = body.slice(0, gap);
    tail = body.slice(gap + 2);
  }
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes('.')) {
        const quad = parseV4Parts(piece);
        if (!quad) return null;
        out.push((quad[0]! << 8) | quad[1]!, (quad[2]! << 8) | quad[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return null;
      out.push(parseInt(piece, 16));
    }
    return out;
  };
  const h = groups(head);
  const t = groups(tail);
  if (!h || !t) return null;
  const missing = 8 - h.length - t.length;
  if (gap >= 0 ? missing < 1 : missing !== 0) return null;
  const all = [...h, ...new Array<number>(missing).fill(0), ...t];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

/** The canonical form of an address given as 4 or 16 bytes. */
export function ipFromBytes(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.length !== 16) throw new RangeError(`an IP address has 4 or 16 bytes, not ${bytes.length}`);
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[i * 2]! << 8) | bytes[i * 2 + 1]!);
  // IPv4-mapped: ::ffff:a.b.c.d
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  }
  // RFC 5952: compress the longest run (of at least two) of zero groups, the first one on ties.
  let bestAt = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(':');
  if (bestAt < 0) return hex(groups);
  return `${hex(groups.slice(0, bestAt))}::${hex(groups.slice(bestAt + bestLen))}`;
}

/** The canonical form of `text`, or null if it is not an IP address. */
export function parseIp(text: string): string | null {
  const bytes = ipBytes(text.trim());
  return bytes ? ipFromBytes(bytes) : null;
}

export function isIp(text: string): boolean {
  return ipBytes(text) !== null;
}

/** 4 or 6 (IPv4-mapped addresses are family 6: they belong to IPv6 sockets). */
export function ipFamily(ip: string): IpFamily {
  return ip.includes(':') ? 6 : 4;
}

/** The IPv4 address an IPv4-mapped IPv6 address stands for; other addresses unchanged. */
export function unmapV4(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** The IPv4-mapped IPv6 form of an IPv4 address ("::ffff:1.2.3.4"). */
export function mapV4(ip: string): string {
  return ipFamily(ip) === 4 ? `::ffff:${ip}` : ip;
}

export function isUnspecified(ip: string): boolean {
  return ip === ANY_V4 || ip === ANY_V6;
}

export function isLoopback(ip: string): boolean {
  const v4 = unmapV4(ip);
  if (ipFamily(v4) === 4) return v4.startsWith('127.');
  return ip === LOOPBACK_V6;
}

/** An IPv4 address as an unsigned 32-bit number. */
export function v4ToInt(ip: string): number {
  const parts = parseV4Parts(ip);
  if (!parts) throw new RangeError(`not an IPv4 address: ${ip}`);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function intToV4(n: number): string {
  return `${(n >>> 24) & 0xff}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/**
 * An IPv4 subnet ("172.18.0.0/16"). The network address is normalised (host
 * bits cleared), as Docker reports subnets.
 */
export class Subnet {
  readonly network: number;
  readonly mask: number;

  constructor(
    network: number,
    readonly prefix: number,
  ) {
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new RangeError(`invalid prefix length ${prefix}`);
    this.mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    this.network = (network & this.mask) >>> 0;
  }

  /** Parses "a.b.c.d/n"; null if malformed. */
  static parse(text: string): Subnet | null {
    const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(text.trim());
    if (!m || !parseV4Parts(m[1]!)) return null;
    const prefix = Number(m[2]);
    if (prefix > 32) return null;
    return new Subnet(v4ToInt(m[1]!), prefix);
  }

  /** The number of addresses in the subnet. */
  get size(): number {
    return 2 ** (32 - this.prefix);
  }

  get broadcast(): number {
    return (this.network | (~this.mask >>> 0)) >>> 0;
  }

  contains(ip: string): boolean {
    const v4 = unmapV4(ip);
    if (ipFamily(v4) !== 4) return false;
    return ((v4ToInt(v4) & this.mask) >>> 0) === this.network;
  }

  /** True if the two subnets share any address. */
  overlaps(other: Subnet): boolean {
    const shorter = Math.min(this.prefix, other.prefix);
    const mask = shorter === 0 ? 0 : (0xffffffff << (32 - shorter)) >>> 0;
    return ((this.network & mask) >>> 0) === ((other.network & mask) >>> 0);
  }

  /** True if `other` lies entirely inside this subnet. */
  covers(other: Subnet): boolean {
    return other.prefix >= this.prefix && this.contains(intToV4(other.network));
  }

  /** The address `offset` from the network address. */
  at(offset: number): string {
    return intToV4((this.network + offset) >>> 0);
  }

  /** The dotted netmask ("255.255.0.0"). */
  get netmask(): string {
    return intToV4(this.mask);
  }

  toString(): string {
    return `${intToV4(this.network)}/${this.prefix}`;
  }
}
