/** /etc/hosts: parsing and lookups, as musl's resolver reads it. */
import { parseIp } from './address.ts';

export interface HostsEntry {
  readonly ip: string;
  /** The canonical name first, then aliases. */
  readonly names: readonly string[];
}

/** Parses hosts(5) text; malformed lines are skipped. */
export function parseHosts(text: string): HostsEntry[] {
  const entries: HostsEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [addr, ...names] = line.split(/\s+/);
    const ip = parseIp(addr!);
    if (!ip || names.length === 0) continue;
    entries.push({ ip, names });
  }
  return entries;
}

/** Normalises a host name for comparison (case, one trailing dot). */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Every address `name` has in `entries`, in file order, with the canonical name of the first match. */
export function lookupHosts(entries: readonly HostsEntry[], name: string): { addresses: string[]; canonical: string | null } {
  const want = normalizeName(name);
  const addresses: string[] = [];
  let canonical: string | null = null;
  for (const entry of entries) {
    if (!entry.names.some((n) => normalizeName(n) === want)) continue;
    if (!addresses.includes(entry.ip)) addresses.push(entry.ip);
    canonical ??= entry.names[0]!;
  }
  return { addresses, canonical };
}

/** The first name of `ip` in `entries`, or null. */
export function reverseHosts(entries: readonly HostsEntry[], ip: string): string | null {
  return entries.find((e) => e.ip === ip)?.names[0] ?? null;
}
