/**
 * Synthetic addresses for host names, for a host network that cannot
 * resolve names (a browser: fetch takes URLs, not addresses). Each name a
 * container looks up gets its own IPv4 address from 198.18.0.0/15 (RFC
 * 2544's benchmarking range, never routed on the Internet); a connect to
 * that address is then carried out with the name, so
 * `wget http://example.com/` fetches `http://example.com/`. Pure: no DOM or
 * Node APIs.
 *
 * Invariants: the mapping is a bijection for the table's lifetime (one
 * address per name, one name per address); names are compared as DNS does
 * (case-insensitive, a trailing dot ignored); only syntactically valid host
 * names get an address; when the range is exhausted (131 070 names) lookups
 * of new names answer nothing.
 */

/** 198.18.0.0/15 as unsigned 32-bit numbers: the range, and the first and last addresses handed out. */
const RANGE_START = 198 * 2 ** 24 + 18 * 2 ** 16;
const RANGE_END = RANGE_START + 2 ** 17 - 1;
const FIRST = RANGE_START + 1;
const LAST = RANGE_END - 1;

function toIp(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function fromIp(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return parts[0]! * 2 ** 24 + parts[1]! * 2 ** 16 + parts[2]! * 2 ** 8 + parts[3]!;
}

/** Whether `ip` lies in 198.18.0.0/15 (the range synthetic addresses come from). */
export function isSyntheticRange(ip: string): boolean {
  const n = fromIp(ip);
  return n !== null && n >= RANGE_START && n <= RANGE_END;
}

/** Whether `name` is a host name a URL may carry (letters, digits, hyphens, dots; labels of 1-63). */
export function isValidHostName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i.test(label));
}

/** name <-> synthetic address, both ways. */
export class SyntheticNames {
  private readonly byName = new Map<string, string>();
  private readonly byAddress = new Map<string, string>();
  private next = FIRST;

  /** The address of `name` (handed out on first use), or null for an invalid name or a full range. */
  addressOf(name: string): string | null {
    const key = name.toLowerCase().replace(/\.$/, '');
    if (!isValidHostName(key)) return null;
    const known = this.byName.get(key);
    if (known) return known;
    if (this.next > LAST) return null;
    const ip = toIp(this.next++);
    this.byName.set(key, ip);
    this.byAddress.set(ip, key);
    return ip;
  }

  /** The name `ip` was handed out for, or null. */
  nameOf(ip: string): string | null {
    return this.byAddress.get(ip) ?? null;
  }
}
