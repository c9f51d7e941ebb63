/** Published ports on the Node host: a node:net server (TCP) or node:dgram socket (UDP) per port, forwarding into the container. */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { HostDatagramListener, HostDatagramPeer, HostListener, HostStream, PortPublisher, PortPublishFailure } from '../types.ts';
import { NodeHostStream } from './net-stream.ts';
import { bindUdpListener } from './net-udp-listener.ts';

class PublishFailure extends Error implements PortPublishFailure {
  constructor(
    readonly failure: PortPublishFailure['failure'],
    message: string,
  ) {
    super(message);
    this.name = 'PublishFailure';
  }
}

/** A Node bind/listen error as the PortPublishFailure the network layer classifies. */
function publishFailure(error: unknown): PublishFailure {
  const code = (error as NodeJS.ErrnoException).code;
  const failure = code === 'EADDRINUSE' ? 'in-use' : code === 'EACCES' ? 'denied' : 'other';
  return new PublishFailure(failure, (error as Error).message);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.removeListener('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.removeListener('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, ipv6Only: false, exclusive: true });
  });
}

/**
 * PortPublisher over node:net and node:dgram. "0.0.0.0" listens on every
 * address, IPv6 included (dual-stack "::"), as dockerd's proxies do
 * (`docker port` shows both 0.0.0.0 and [::]).
 */
export class NodePortPublisher implements PortPublisher {
  async listenTcp(address: string, port: number, onConnection: (stream: HostStream) => void): Promise<HostListener> {
    const open = new Set<Socket>();
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
      open.add(socket);
      socket.once('close', () => open.delete(socket));
      onConnection(new NodeHostStream(socket));
    });
    try {
      if (address === '0.0.0.0') {
        try {
          await listen(server, '::', port);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== 'EAFNOSUPPORT' && code !== 'EADDRNOTAVAIL') throw error;
          await listen(server, '0.0.0.0', port);
        }
      } else {
        await listen(server, address, port);
      }
    } catch (error) {
      throw publishFailure(error);
    }
    server.unref();
    const bound = server.address();
    const actualPort = typeof bound === 'object' && bound ? bound.port : port;
    return {
      address,
      port: actualPort,
      // Like stopping docker-proxy: the listener goes away and open connections are cut.
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of open) socket.destroy();
        }),
    };
  }

  async listenUdp(address: string, port: number, onDatagram: (data: Uint8Array, from: HostDatagramPeer) => void): Promise<HostDatagramListener> {
    try {
      return await bindUdpListener(address, port, onDatagram);
    } catch (error) {
      throw publishFailure(error);
    }
  }
}
