/** A published UDP port's host socket on Node: a node:dgram socket whose datagrams go to the network layer. */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import type { HostDatagramListener, HostDatagramPeer } from '../types.ts';
import { wrapUdpSocket } from './net-udp-socket.ts';

function bind(type: 'udp4' | 'udp6', address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // ipv6Only false: a udp6 socket on "::" also takes IPv4 (its peers appear as ::ffff:a.b.c.d).
    const socket = createSocket({ type, ipv6Only: false, reuseAddr: false });
    const onError = (error: Error) => {
      socket.close();
      reject(error);
    };
    socket.once('error', onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.removeListener('error', onError);
      resolve(socket);
    });
  });
}

/**
 * Binds `address`:`port` for UDP ("0.0.0.0": dual-stack "::", falling back
 * to IPv4 when the host has no IPv6) and hands every datagram to
 * `onDatagram`. Rejects with the Node error of the bind (code EADDRINUSE,
 * EACCES, ...). The socket does not keep the process alive.
 */
export async function bindUdpListener(address: string, port: number, onDatagram: (data: Uint8Array, from: HostDatagramPeer) => void): Promise<HostDatagramListener> {
  let socket: Socket;
  if (address === '0.0.0.0') {
    try {
      socket = await bind('udp6', '::', port);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') throw error;
      socket = await bind('udp4', '0.0.0.0', port);
    }
  } else {
    socket = await bind(address.includes(':') ? 'udp6' : 'udp4', address, port);
  }
  // Errors after the bind (a send the host refused) lose a datagram, as UDP may; they must not crash the daemon.
  socket.on('error', () => {});
  return wrapUdpSocket(socket, address, onDatagram);
}
