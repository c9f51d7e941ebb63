/**
 * A namespace's state as Linux's /proc/net files show it (tcp, tcp6, udp,
 * udp6, route, dev), plus an interface listing. The netinfo call
 * (drydock.h) returns these, so `netstat`, `route`, `ifconfig` and `ip` can
 * read them; procfs can mount the same text under /proc/net.
 */
import { ipBytes, ipFamily, unmapV4 } from './address.ts';
import type { SocketAddress } from './address.ts';
import { DatagramSocket } from './datagram-socket.ts';
import type { NetInterface, NetworkNamespace } from './namespace.ts';
import type { NetSocket } from './socket.ts';
import { StreamSocket } from './stream-socket.ts';

/** What netinfo can return (drydock.h's DRYDOCK_NETINFO_*). */
export const NETINFO = { INTERFACES: 0, ROUTE: 1, TCP: 2, UDP: 3, DEV: 4, TCP6: 5, UDP6: 6 } as const;

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0');
}

/** An address as /proc/net prints it: the bytes as 32-bit words in host (little-endian) order. */
function procAddress(address: SocketAddress, family: 4 | 6): string {
  const bytes = ipBytes(family === 4 ? unmapV4(address.ip) : address.ip) ?? new Uint8Array(family === 4 ? 4 : 16);
  let out = '';
  for (let w = 0; w < bytes.length; w += 4) {
    for (let i = 3; i >= 0; i--) out += hex(bytes[w + i]!, 2);
  }
  return `${out}:${hex(address.port, 4)}`;
}

/** TCP states, Linux's numbering (include/net/tcp_states.h). */
function tcpState(socket: StreamSocket): number {
  switch (socket.state) {
    case 'listening':
      return 0x0a;
    case 'connecting':
      return 0x02;
    case 'idle':
      return 0x07;
    case 'connected': {
      const end = socket.end!;
      if (end.reset) return 0x07;
      if (end.finReceived && end.writeShut) return 0x09; // LAST_ACK
      if (end.finReceived) return 0x08; // CLOSE_WAIT
      if (end.writeShut) return 0x05; // FIN_WAIT2
      return 0x01;
    }
  }
}

function socketsOf(ns: NetworkNamespace, protocol: 'tcp' | 'udp', family: 4 | 6): NetSocket[] {
  return [...ns.sockets].filter((s) => s.protocol === protocol && s.family === family && !s.closed && (s.local !== null || s instanceof StreamSocket));
}

const TCP_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const TCP6_HEADER =
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';

/** /proc/net/tcp or tcp6. */
export function procNetTcp(ns: NetworkNamespace, family: 4 | 6): string {
  const lines = [family === 4 ? TCP_HEADER : TCP6_HEADER];
  socketsOf(ns, 'tcp', family).forEach((s, i) => {
    const socket = s as StreamSocket;
    const any = { ip: family === 4 ? '0.0.0.0' : '::', port: 0 };
    const local = procAddress(socket.local ?? any, family);
    const remote = procAddress(socket.remote ?? any, family);
    const end = socket.end;
    const tx = end ? end.peer.rx.size : 0;
    const rx = socket.listening ? socket.queued : end ? end.pending : 0;
    lines.push(
      `${String(i).padStart(4)}: ${local} ${remote} ${hex(tcpState(socket), 2)} ${hex(tx, 8)}:${hex(rx, 8)} 00:00000000 00000000     0        0 ${socket.id} 1`,
    );
  });
  return `${lines.join('\n')}\n`;
}

/** /proc/net/udp or udp6 (ping sockets are left out, as Linux lists them in /proc/net/icmp). */
export function procNetUdp(ns: NetworkNamespace, family: 4 | 6): string {
  const lines = [family === 4 ? TCP_HEADER : TCP6_HEADER];
  socketsOf(ns, 'udp', family).forEach((s, i) => {
    const socket = s as DatagramSocket;
    const any = { ip: family === 4 ? '0.0.0.0' : '::', port: 0 };
    const local = procAddress(socket.local ?? any, family);
    const remote = procAddress(socket.remote ?? any, family);
    const state = socket.remote ? 0x01 : 0x07;
    lines.push(`${String(i).padStart(4)}: ${local} ${remote} ${hex(state, 2)} 00000000:${hex(socket.pending, 8)} 00:00000000 00000000     0        0 ${socket.id} 2`);
  });
  return `${lines.join('\n')}\n`;
}

function maskHex(prefix: number): string {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return procAddress({ ip: `${mask >>> 24}.${(mask >>> 16) & 255}.${(mask >>> 8) & 255}.${mask & 255}`, port: 0 }, 4).slice(0, 8);
}

/** /proc/net/route (IPv4 routes). */
export function procNetRoute(ns: NetworkNamespace): string {
  const lines = ['Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT'];
  const ordered = [...ns.routes].sort((a, b) => (a.destination === null ? -1 : 0) - (b.destination === null ? -1 : 0));
  for (const route of ordered) {
    const dest = route.destination ? procAddress({ ip: route.destination.at(0), port: 0 }, 4).slice(0, 8) : '00000000';
    const gateway = route.gateway ? procAddress({ ip: route.gateway, port: 0 }, 4).slice(0, 8) : '00000000';
    const flags = 0x1 | (route.gateway ? 0x2 : 0);
    const mask = route.destination ? maskHex(route.destination.prefix) : '00000000';
    lines.push(`${route.device.name}\t${dest}\t${gateway}\t${hex(flags, 4)}\t0\t0\t0\t${mask}\t0\t0\t0`);
  }
  return `${lines.join('\n')}\n`;
}

/** /proc/net/dev. */
export function procNetDev(ns: NetworkNamespace): string {
  const lines = [
    'Inter-|   Receive                                                |  Transmit',
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
  ];
  for (const iface of ns.interfaces) {
    const c = iface.counters;
    lines.push(
      `${iface.name.padStart(6)}: ${String(c.rxBytes).padStart(7)} ${String(c.rxPackets).padStart(7)}    0    0    0     0          0         0 ${String(c.txBytes).padStart(8)} ${String(c.txPackets).padStart(7)}    0    0    0     0       0          0`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function flagsOf(iface: NetInterface): string {
  const flags = iface.isLoopback ? ['LOOPBACK'] : ['BROADCAST', 'MULTICAST'];
  if (iface.up) flags.push('UP', 'LOWER_UP');
  return flags.join(',');
}

/**
 * One line per interface: "INDEX NAME FLAGS MTU MAC ADDRESS/PREFIX..."
 * (flags comma-separated as `ip link` shows them; IPv4 addresses first).
 */
export function interfaceList(ns: NetworkNamespace): string {
  return ns.interfaces
    .map((iface) => {
      const addrs = [...iface.addresses].sort((a, b) => ipFamily(a.ip) - ipFamily(b.ip)).map((a) => `${a.ip}/${a.prefix}`);
      return `${iface.index} ${iface.name} ${flagsOf(iface)} ${iface.mtu} ${iface.mac}${addrs.length ? ` ${addrs.join(' ')}` : ''}\n`;
    })
    .join('');
}

/** The netinfo text for `what`, or null for an unknown request. */
export function netinfo(ns: NetworkNamespace, what: number): string | null {
  switch (what) {
    case NETINFO.INTERFACES:
      return interfaceList(ns);
    case NETINFO.ROUTE:
      return procNetRoute(ns);
    case NETINFO.TCP:
      return procNetTcp(ns, 4);
    case NETINFO.TCP6:
      return procNetTcp(ns, 6);
    case NETINFO.UDP:
      return procNetUdp(ns, 4);
    case NETINFO.UDP6:
      return procNetUdp(ns, 6);
    case NETINFO.DEV:
      return procNetDev(ns);
    default:
      return null;
  }
}
