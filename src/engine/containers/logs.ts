import { nowNs } from '../../common/time.ts';
import type { ContainerLogsOptions, LogMessage } from '../types/container.ts';

/** Longest line kept as one message; longer output is split (dockerd's log copier uses 16 KiB). */
const MAX_LINE = 16 * 1024;
/** Messages kept per container; older ones are dropped (a bounded json-file). */
const MAX_MESSAGES = 50_000;

type Stream = 'stdout' | 'stderr';

/**
 * A container's log: what it wrote, one message per line with the time it
 * arrived, as dockerd's json-file driver keeps it. Readers get the stored
 * messages (since/until/tail) and, when following, the new ones until the
 * container stops.
 */
export class LogBuffer {
  private messages: LogMessage[] = [];
  private readonly partial: Record<Stream, Uint8Array[]> = { stdout: [], stderr: [] };
  private readonly followers = new Set<() => void>();
  /** The container is not running: followers end once they have read everything. */
  private stopped = true;

  /** The container started: followers wait for more. */
  open(): void {
    this.stopped = false;
  }

  /** The container stopped (after its output was drained): followers finish. */
  close(): void {
    this.flush('stdout');
    this.flush('stderr');
    this.stopped = true;
    this.notify();
  }

  append(stream: Stream, bytes: Uint8Array): void {
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0x0a) {
        this.push(stream, bytes.subarray(start, i + 1));
        start = i + 1;
      }
    }
    if (start < bytes.length) {
      this.partial[stream].push(bytes.slice(start));
      if (this.partialSize(stream) >= MAX_LINE) this.flush(stream);
    }
    this.notify();
  }

  private partialSize(stream: Stream): number {
    return this.partial[stream].reduce((n, c) => n + c.length, 0);
  }

  private push(stream: Stream, line: Uint8Array): void {
    const pending = this.partial[stream];
    let bytes = line.slice();
    if (pending.length > 0) {
      const joined = new Uint8Array(this.partialSize(stream) + line.length);
      let at = 0;
      for (const chunk of pending) {
        joined.set(chunk, at);
        at += chunk.length;
      }
      joined.set(line, at);
      bytes = joined;
      this.partial[stream] = [];
    }
    this.messages.push({ stream, line: bytes, timestamp: nowNs() });
    if (this.messages.length > MAX_MESSAGES) this.messages.splice(0, this.messages.length - MAX_MESSAGES);
  }

  /** Logs a pending partial line (no newline) as a message of its own. */
  private flush(stream: Stream): void {
    if (this.partial[stream].length === 0) return;
    this.push(stream, new Uint8Array(0));
  }

  private notify(): void {
    for (const wake of [...this.followers]) wake();
  }

  /** Everything stored, for persistence. */
  snapshot(): readonly LogMessage[] {
    return this.messages;
  }

  restore(messages: LogMessage[]): void {
    this.messages = messages;
  }

  /** The messages `options` selects, then (with follow) new ones until the container stops or `signal` aborts. */
  async *read(options: ContainerLogsOptions, signal: AbortSignal): AsyncIterable<LogMessage> {
    const wanted = (m: LogMessage) =>
      (m.stream === 'stdout' ? options.stdout : options.stderr) &&
      (options.since === undefined || m.timestamp >= options.since) &&
      (options.until === undefined || m.timestamp <= options.until);
    let selected = this.messages.filter(wanted);
    if (options.tail !== undefined && options.tail >= 0) selected = options.tail === 0 ? [] : selected.slice(-options.tail);
    let seen = this.messages.length > 0 ? this.messages[this.messages.length - 1]! : null;
    yield* selected;
    if (!options.follow) return;
    const untilMs = options.until === undefined ? null : Number((options.until - nowNs()) / 1_000_000n);
    const deadline = untilMs === null ? null : Date.now() + untilMs;
    while (!signal.aborted && !(this.stopped && this.after(seen).length === 0)) {
      const fresh = this.after(seen);
      if (fresh.length > 0) {
        seen = fresh[fresh.length - 1]!;
        for (const m of fresh) if (wanted(m)) yield m;
        continue;
      }
      if (deadline !== null && Date.now() >= deadline) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.followers.delete(done);
          signal.removeEventListener('abort', done);
          if (timer !== null) clearTimeout(timer);
          resolve();
        };
        const timer = deadline === null ? null : setTimeout(done, Math.max(0, deadline - Date.now()));
        this.followers.add(done);
        signal.addEventListener('abort', done);
      });
    }
  }

  /** Messages stored after `message` (all of them when null). */
  private after(message: LogMessage | null): LogMessage[] {
    if (message === null) return this.messages;
    const at = this.messages.lastIndexOf(message);
    return at < 0 ? this.messages : this.messages.slice(at + 1);
  }
}
