import { Errno, fail } from '../../common/errno.ts';
import type { Stat } from '../../unionfs/vfs/types.ts';
import { FILETYPE } from '../abi/wasi.ts';
import type { Readiness } from './description.ts';
import { FileDescription, syntheticStat } from './description.ts';

/** Linux's default pipe capacity. Writes of up to PIPE_BUF bytes are atomic. */
export const PIPE_CAPACITY = 64 * 1024;
export const PIPE_BUF = 4096;

let nextPipeIno = 1;

/**
 * A pipe's buffer, shared by its read end and write end. Bounded: a writer
 * blocks (EAGAIN to the syscall layer) when it is full, a reader when it is
 * empty and writers remain.
 */
export class Pipe {
  readonly ino = nextPipeIno++;
  private chunks: Uint8Array[] = [];
  private head = 0; // bytes already consumed from chunks[0]
  size = 0;
  readers = 0;
  writers = 0;
  /** FIFOs: no writer has opened yet (readers block instead of seeing EOF). */
  pendingFirstWriter = false;
  readonly readEnd: PipeReadEnd;
  readonly writeEnd: PipeWriteEnd;

  constructor(readonly capacity = PIPE_CAPACITY) {
    this.readEnd = new PipeReadEnd(this);
    this.writeEnd = new PipeWriteEnd(this);
  }

  /** Wakes everyone waiting on either end. */
  changed(): void {
    this.readEnd.waiters.wake();
    this.writeEnd.waiters.wake();
  }

  take(length: number): Uint8Array {
    if (this.size === 0) {
      if (this.writers === 0) return new Uint8Array(0);
      fail(Errno.EAGAIN);
    }
    const n = Math.min(length, this.size);
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const chunk = this.chunks[0]!;
      const take = Math.min(chunk.length - this.head, n - at);
      out.set(chunk.subarray(this.head, this.head + take), at);
      at += take;
      this.head += take;
      if (this.head === chunk.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.size -= n;
    this.changed();
    return out;
  }

  put(data: Uint8Array): number {
    if (this.readers === 0) fail(Errno.EPIPE);
    const room = this.capacity - this.size;
    // Writes up to PIPE_BUF are atomic: all or nothing.
    if (room === 0 || (data.length <= PIPE_BUF && room < data.length)) fail(Errno.EAGAIN);
    const n = Math.min(room, data.length);
    if (n === 0) return 0;
    this.chunks.push(data.slice(0, n));
    this.size += n;
    this.changed();
    return n;
  }
}

export class PipeReadEnd extends FileDescription {
  readonly filetype = FILETYPE.UNKNOWN;
  constructor(readonly pipe: Pipe) {
    super();
  }
  override retain(): this {
    if (this.openCount === 0) this.pipe.readers++;
    return super.retain();
  }
  protected override close(): void {
    this.pipe.readers--;
    this.pipe.changed();
  }
  override readiness(): Readiness {
    const p = this.pipe;
    return { readable: p.size > 0 || p.writers === 0, writable: false, hangup: p.writers === 0, nbytes: p.size };
  }
  override read(length: number): Uint8Array {
    return this.pipe.take(length);
  }
  stat(): Stat {
    return syntheticStat('fifo', this.pipe.ino);
  }
}

export class PipeWriteEnd extends FileDescription {
  readonly filetype = FILETYPE.UNKNOWN;
  constructor(readonly pipe: Pipe) {
    super();
  }
  override retain(): this {
    if (this.openCount === 0) this.pipe.writers++;
    return super.retain();
  }
  protected override close(): void {
    this.pipe.writers--;
    this.pipe.changed();
  }
  override readiness(): Readiness {
    const p = this.pipe;
    const room = p.capacity - p.size;
    // As Linux: writable once a whole PIPE_BUF fits (so an atomic write of that size will not block).
    return { readable: false, writable: room >= PIPE_BUF || p.readers === 0, hangup: p.readers === 0, nbytes: room };
  }
  override write(data: Uint8Array): number {
    return this.pipe.put(data);
  }
  stat(): Stat {
    return syntheticStat('fifo', this.pipe.ino);
  }
}
