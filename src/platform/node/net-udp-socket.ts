/** node:dgram sockets as the network layer's HostDatagramSocket: published UDP ports and containers' outbound UDP. */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import type { HostDatagramHandlers, HostDatagramPeer, HostDatagramSocket } from '../types.ts';

/**
 * Wraps a bound node:dgram socket: each datagram goes to `onDatagram` as a
 * plain Uint8Array view (the network layer copies what it keeps with
 * slice(), which on a Buffer would not copy). The socket does not keep the
 * process alive. When `connected`, sends go to the connected peer.
 */
export function wrapUdpSocket(socket: Socket, address: string, onDatagram: (data: Uint8Array, from: HostDatagramPeer) => void, connected = false): HostDatagramSocket {
  let closed = false;
  socket.on('message', (message, info) => {
    if (closed) return;
    onDatagram(new Uint8Array(message.buffer, message.byteOffset, message.byteLength), { address: info.address, port: info.port });
  });
  socket.unref();
  return {
    address,
    port: socket.address().port,
    send(data: Uint8Array, to: HostDatagramPeer): void {
      if (closed) return;
      // A send the host refuses (EMSGSIZE, no route) loses the datagram, as UDP may.
      if (connected) socket.send(data, () => {});
      else socket.send(data, to.port, to.address, () => {});
    },
    close(): Promise<void> {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise((resolve) => socket.close(() => resolve()));
    },
  };
}

/** A failure of `openOutboundUdp`, in the vocabulary of HostNetworkFailure. */
export class UdpOpenFailure extends Error {
  readonly failure = 'other' as const;
  constructor(message: string) {
    super(message);
    this.name = 'UdpOpenFailure';
  }
}

/**
 * HostNetwork.openUdp on Node: a udp4 socket on 0.0.0.0 and an ephemeral
 * port, connected to `peer` when one is given (then Linux reports the
 * peer's ICMP port unreachable as an ECONNREFUSED 'error' event, which
 * becomes `handlers.refused`). Other errors after the bind lose a datagram
 * and must not crash the daemon.
 */
export function openOutboundUdp(peer: HostDatagramPeer | null, handlers: HostDatagramHandlers): Promise<HostDatagramSocket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: 'udp4' });
    let ready = false;
    let wrapped: HostDatagramSocket | null = null;
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!ready) {
        ready = true;
        socket.close();
        reject(new UdpOpenFailure(error.message));
        return;
      }
      if (error.code === 'ECONNREFUSED' && wrapped) handlers.refused();
    });
    socket.bind({ address: '0.0.0.0', port: 0, exclusive: true }, () => {
      const done = (): void => {
        ready = true;
        wrapped = wrapUdpSocket(socket, '0.0.0.0', (data, from) => handlers.datagram(data, from), peer !== null);
        resolve(wrapped);
      };
      if (peer) socket.connect(peer.port, peer.address, done);
      else done();
    });
  });
}
