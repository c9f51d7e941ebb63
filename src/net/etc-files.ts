/**
 * /etc/hosts and /etc/resolv.conf as dockerd 20.10 writes them into a
 * container (checked against a real dockerd: see test/net-docker-files.test.ts).
 */

/** The lines every container's /etc/hosts starts with (libnetwork/etchosts defaultContent). */
export const DEFAULT_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

export interface HostsFileOptions {
  /** The container's own address (its first network's), or null (`none`). */
  readonly ip: string | null;
  readonly hostname: string;
  /** --domainname: the entry becomes "IP\thost.domain host". */
  readonly domainname?: string;
  /** --add-host and links: [name, ip] pairs, written before the container's own line. */
  readonly extraHosts?: readonly (readonly [string, string])[];
}

/** The /etc/hosts of a container on a bridge network (or `none`). */
export function hostsFile(options: HostsFileOptions): string {
  const lines = [...DEFAULT_HOSTS];
  for (const [name, ip] of options.extraHosts ?? []) lines.push(`${ip}\t${name}`);
  if (options.ip) {
    const names = options.domainname ? `${options.hostname}.${options.domainname} ${options.hostname}` : options.hostname;
    lines.push(`${options.ip}\t${names}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface ResolvConfOptions {
  /** The container is on a user-defined network: it asks the embedded DNS. */
  readonly embeddedDns: boolean;
  /** The host's nameservers (its resolv.conf); loopback ones are dropped, as dockerd does. */
  readonly hostNameservers: readonly string[];
  /** The host's search domains. */
  readonly hostSearch?: readonly string[];
  /** --dns, --dns-search, --dns-option. */
  readonly dns?: readonly string[];
  readonly dnsSearch?: readonly string[];
  readonly dnsOptions?: readonly string[];
}

/** dockerd's fallback when the host has no usable nameserver. */
export const DEFAULT_NAMESERVERS = ['8.8.8.8', '8.8.4.4'];

/** The nameservers a container gets without --dns: the host's without loopback ones (dockerd drops them), else dockerd's fallback. */
export function defaultNameservers(hostNameservers: readonly string[]): string[] {
  const servers = hostNameservers.filter((ns) => !ns.startsWith('127.') && ns !== '::1');
  return servers.length > 0 ? servers : [...DEFAULT_NAMESERVERS];
}

/**
 * The /etc/resolv.conf of a container: `nameserver 127.0.0.11` and
 * `options ndots:0` on user-defined networks; otherwise the host's
 * nameservers (without loopback ones; Google's if none remain), or --dns.
 */
export function resolvConf(options: ResolvConfOptions): string {
  const lines: string[] = [];
  const search = options.dnsSearch && options.dnsSearch.length > 0 ? options.dnsSearch : (options.hostSearch ?? []);
  if (search.length > 0) lines.push(`search ${search.join(' ')}`);
  const dnsOptions = [...(options.dnsOptions ?? [])];
  if (options.embeddedDns) {
    lines.push('nameserver 127.0.0.11');
    if (!dnsOptions.some((o) => o.startsWith('ndots:'))) dnsOptions.push('ndots:0');
  } else {
    const servers = options.dns && options.dns.length > 0 ? options.dns : defaultNameservers(options.hostNameservers);
    for (const server of servers) lines.push(`nameserver ${server}`);
  }
  if (dnsOptions.length > 0) lines.push(`options ${dnsOptions.join(' ')}`);
  return `${lines.join('\n')}\n`;
}
