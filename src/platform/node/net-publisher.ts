/** Published ports on the Node host: a node:net server per port, forwarding into the container. */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { HostListener, HostStream, PortPublisher, PortPublishFailure } from '../types.ts';
import { NodeHostStream } from './net-stream.ts';

class PublishFailure extends Error implements PortPublishFailure {
  constructor(
    readonly failure: PortPublishFailure['failure'],
    message: string,
  ) {
    super(message);
    this.name = 'PublishFailure';
  }
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
 * PortPublisher over node:net. "0.0.0.0" listens on every address, IPv6
 * included (dual-stack "::"), as dockerd's proxies do (`docker port` shows
 * both 0.0.0.0 and [::]).
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
      const code = (error as NodeJS.ErrnoException).code;
      const failure = code === 'EADDRINUSE' ? 'in-use' : code === 'EACCES' ? 'denied' : 'other';
      throw new PublishFailure(failure, (error as Error).message);
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
}
