/**
 * Small helpers for tests that talk to containers over real sockets: retry
 * until a server in a container is up, and bind a host UDP socket.
 */
import { createSocket, type Socket } from 'node:dgram';

/** Retries `fn` until it resolves (a server in a container takes a moment to bind); fails with the last error. */
export async function eventually<T>(what: string, fn: () => Promise<T>, attempts = 50): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await fn();
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${what}: ${String(last)}`);
}

/** A host UDP socket bound to `address:port` (0: any free port). */
export function bindUdp(port = 0, address = '0.0.0.0'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.bind(port, address, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
