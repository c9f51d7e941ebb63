import type { Socket } from 'node:net';
import type { HostStream, HostStreamHandlers } from '../types.ts';

/**
 * A node:net Socket as the network layer's HostStream. The socket must be
 * paused (pauseOnConnect, or paused right after connect) and half-open
 * allowed; it starts flowing when the handlers are set, and anything that
 * happened before (an early close) is delivered then.
 */
export class NodeHostStream implements HostStream {
  private handlers: HostStreamHandlers | null = null;
  private early: { closed: boolean; error: boolean } | null = null;
  private hadError = false;

  constructor(private readonly socket: Socket) {
    socket.pause();
    socket.setNoDelay(true);
    socket.on('error', () => {
      this.hadError = true;
    });
    socket.on('close', (hadError: boolean) => {
      const error = hadError || this.hadError;
      if (this.handlers) this.handlers.close(error);
      else this.early = { closed: true, error };
    });
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? '';
  }
  get remotePort(): number {
    return this.socket.remotePort ?? 0;
  }
  get localAddress(): string {
    return this.socket.localAddress ?? '';
  }
  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  setHandlers(handlers: HostStreamHandlers): void {
    this.handlers = handlers;
    if (this.early?.closed) {
      handlers.close(this.early.error);
      return;
    }
    this.socket.on('data', (chunk: Buffer) => handlers.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    this.socket.on('end', () => handlers.end());
    this.socket.on('drain', () => handlers.drain());
    this.socket.resume();
  }

  write(data: Uint8Array): boolean {
    if (this.socket.destroyed) return true;
    return this.socket.write(data);
  }

  end(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  destroy(): void {
    if (this.socket.destroyed) return;
    // RST, so the other side sees "Connection reset by peer" as it would with a real stack.
    if (typeof this.socket.resetAndDestroy === 'function') this.socket.resetAndDestroy();
    else this.socket.destroy();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }
}
