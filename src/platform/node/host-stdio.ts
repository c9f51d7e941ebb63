import type { Readable, Writable } from 'node:stream';
import type { HostInput, HostOutput } from '../types.ts';

/**
 * A Node readable (the CLI's stdin) as a HostInput. The stream is only read
 * while a guest is waiting for input, so an idle guest does not keep stdin
 * (and the Node process) busy.
 */
export class NodeHostInput implements HostInput {
  private ended = false;
  private readonly queue: Uint8Array[] = [];
  private waiting: ((chunk: Uint8Array | null) => void) | null = null;

  constructor(
    private readonly stream: Readable & { isTTY?: boolean },
  ) {
    stream.on('data', (chunk: Buffer) => this.deliver(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    stream.on('end', () => this.finish());
    stream.on('error', () => this.finish());
    stream.pause();
  }

  get isTTY(): boolean {
    return this.stream.isTTY === true;
  }

  private deliver(chunk: Uint8Array): void {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      this.stream.pause();
      resolve(chunk);
    } else {
      this.queue.push(chunk);
      this.stream.pause();
    }
  }

  private finish(): void {
    this.ended = true;
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.(null);
  }

  read(): Promise<Uint8Array | null> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.stream.resume();
    });
  }

  close(): void {
    this.stream.pause();
  }
}

/** A Node writable (stdout, stderr) as a HostOutput. */
export class NodeHostOutput implements HostOutput {
  constructor(private readonly stream: Writable & { isTTY?: boolean }) {}

  get isTTY(): boolean {
    return this.stream.isTTY === true;
  }

  write(bytes: Uint8Array): void {
    this.stream.write(bytes);
  }

  /** Resolves once everything written so far has been handed to the OS. */
  flush(): Promise<void> {
    return new Promise((resolve) => this.stream.write('', () => resolve()));
  }
}
