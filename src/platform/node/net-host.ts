/** The host's network for containers' outbound traffic (node:net, node:dgram, node:dns). */
import { promises as dns, getServers } from 'node:dns';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { HostConnectFailure, HostDatagramHandlers, HostDatagramPeer, HostDatagramSocket, HostNetwork, HostNetworkFailure, HostStream } from '../types.ts';
import { NodeHostStream } from './net-stream.ts';
import { openOutboundUdp } from './net-udp-socket.ts';

const FAILURES: Record<string, HostConnectFailure> = {
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'timeout',
  EHOSTUNREACH: 'host-unreachable',
  ENETUNREACH: 'network-unreachable',
  ECONNRESET: 'reset',
  ENOTFOUND: 'not-found',
  ENODATA: 'not-found',
  EAI_NONAME: 'not-found',
};

class HostFailure extends Error implements HostNetworkFailure {
  constructor(
    readonly failure: HostConnectFailure,
    message: string,
  ) {
    super(message);
    this.name = 'HostFailure';
  }
}

function failureOf(error: unknown): HostFailure {
  const code = (error as NodeJS.ErrnoException | null)?.code ?? '';
  return new HostFailure(FAILURES[code] ?? 'other', (error as Error)?.message ?? String(error));
}

/** Parses the nameserver lines of a resolv.conf. */
export function nameserversOf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m) out.push(m[1]!);
  }
  return out;
}

/** HostNetwork over node:net, node:dgram and node:dns. */
export class NodeHostNetwork implements HostNetwork {
  connectTcp(host: string, port: number, timeoutMs: number): Promise<HostStream> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, allowHalfOpen: true });
      socket.pause();
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new HostFailure('timeout', `connect to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new NodeHostStream(socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(failureOf(error));
      });
    });
  }

  /** A udp4 socket on an ephemeral port of the host (see HostNetwork.openUdp and net-udp-socket.ts). */
  openUdp(peer: HostDatagramPeer | null, handlers: HostDatagramHandlers): Promise<HostDatagramSocket> {
    return openOutboundUdp(peer, handlers);
  }

  async lookup(name: string): Promise<{ address: string; family: 4 | 6 }[]> {
    try {
      const found = await dns.lookup(name, { all: true });
      return found.map((f) => ({ address: f.address, family: f.family === 6 ? 6 : 4 }));
    } catch (error) {
      const failure = failureOf(error);
      if (failure.failure === 'not-found') return [];
      throw failure;
    }
  }

  nameservers(): string[] {
    try {
      return nameserversOf(readFileSync('/etc/resolv.conf', 'utf8'));
    } catch {
      return getServers();
    }
  }
}
