import { Errno, ErrnoError } from '../common/errno.ts';
import type { SocketAddress } from './address.ts';
import { concatBytes } from '../common/bytes.ts';
import type { ConnectionEnd } from './connection.ts';

function isEagain(error: unknown): boolean {
  return error instanceof ErrnoError && error.errno === Errno.EAGAIN;
}

/**
 * A stream connection driven from JavaScript (the engine's fetch into a
 * container, tests): promise-based reads and writes over one ConnectionEnd.
 * One reader and one writer at a time.
 */
export class StreamHandle {
  private wakeups: (() => void)[] = [];

  constructor(
    private readonly conn: ConnectionEnd,
    /** Our address as the peer sees it. */
    readonly local: SocketAddress,
    readonly remote: SocketAddress,
  ) {
    conn.onChange = () => {
      const wake = this.wakeups;
      this.wakeups = [];
      for (const w of wake) w();
    };
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.wakeups.push(resolve));
  }

  /** Writes everything (waiting while the peer's buffer is full). Rejects with EPIPE/ECONNRESET. */
  async write(data: Uint8Array): Promise<void> {
    let done = 0;
    while (done < data.length) {
      try {
        done += this.conn.write(data.subarray(done));
      } catch (error) {
        if (!isEagain(error)) throw error;
        await this.changed();
      }
    }
  }

  /** The next bytes (up to `max`), or null at end of stream. Rejects with ECONNRESET. */
  async read(max = 64 * 1024): Promise<Uint8Array | null> {
    for (;;) {
      try {
        const data = this.conn.read(max);
        return data.length === 0 ? null : data;
      } catch (error) {
        if (!isEagain(error)) throw error;
        await this.changed();
      }
    }
  }

  /** Reads until end of stream. */
  async readAll(): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for (let chunk = await this.read(); chunk; chunk = await this.read()) chunks.push(chunk);
    return concatBytes(chunks);
  }

  /** Half-close (FIN). */
  end(): void {
    this.conn.shutdownWrite();
  }

  /** Closes; `abort` resets the connection. */
  close(abort = false): void {
    this.conn.close(abort);
    const wake = this.wakeups;
    this.wakeups = [];
    for (const w of wake) w();
  }
}
