/**
 * The /etc/hosts and /etc/resolv.conf a container gets when it is not on a
 * user-defined network, as dockerd writes them.
 */

const HOSTS_HEAD = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/** /etc/hosts: the standard entries, then the container's address and hostname (when it has one). */
export function defaultHosts(hostname: string, ip: string | null): string {
  return [...HOSTS_HEAD, ...(ip ? [`${ip}\t${hostname}`] : []), ''].join('\n');
}

/** /etc/resolv.conf without an embedded DNS server: dockerd's fallback public resolvers. */
export function defaultResolvConf(): string {
  return 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n';
}
