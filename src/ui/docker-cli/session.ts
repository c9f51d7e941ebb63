/**
 * Streams of an attached container or exec (the CLI's hijackedIOStreamer):
 * with a TTY the terminal goes raw, keystrokes go to the container as they
 * are typed (Ctrl-C included), output is written unchanged, and the detach
 * keys (Ctrl-P Ctrl-Q) end the session without stopping the container;
 * without a TTY output is demultiplexed into stdout and stderr and
 * standard input is copied until it ends.
 */
import { StdcopyDemuxer } from '../../engine/client/client.ts';
import type { HijackHandle } from '../../engine/client/transport.ts';
import type { CliStreams } from './io.ts';

/** The default detach sequence: Ctrl-P, Ctrl-Q. */
export const DEFAULT_DETACH_KEYS = new Uint8Array([16, 17]);

/** Docker's detach-key syntax ("ctrl-p,ctrl-q", "a,ctrl-@") as bytes; null if invalid. */
export function parseDetachKeys(spec: string): Uint8Array | null {
  const keys: number[] = [];
  for (const key of spec.split(',')) {
    const k = key.trim().toLowerCase();
    if (k.length === 1) keys.push(k.charCodeAt(0));
    else if (/^ctrl-[a-z@[\\\]^_]$/.test(k)) {
      const c = k[5]!;
      keys.push(c === '@' ? 0 : c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 96 : c.charCodeAt(0) - 64);
    } else return null;
  }
  return keys.length > 0 ? new Uint8Array(keys) : null;
}

/** Watches a keystroke stream for the detach sequence (term.NewEscapeProxy without holding bytes back). */
export class EscapeWatcher {
  private matched = 0;
  constructor(private readonly keys: Uint8Array) {}

  /** Feeds keystrokes; true once the whole sequence has been typed. */
  feed(bytes: Uint8Array): boolean {
    for (const byte of bytes) {
      if (byte === this.keys[this.matched]) {
        this.matched++;
        if (this.matched === this.keys.length) return true;
      } else this.matched = byte === this.keys[0] ? 1 : 0;
    }
    return false;
  }
}

export interface SessionOptions {
  readonly tty: boolean;
  /** Copy standard input (or keystrokes, with a TTY) to the session. */
  readonly stdin: boolean;
  /** Write the session's output (attach -a, exec without -d). */
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly detachKeys: Uint8Array;
  /** Opens the session; `onOutput` receives raw bytes (stdcopy frames without a TTY). */
  open(onOutput: (chunk: Uint8Array) => void): Promise<HijackHandle>;
}

/** An open session: `finished` settles when output ended or the user detached. */
export interface Session {
  readonly handle: HijackHandle;
  readonly finished: Promise<{ detached: boolean }>;
}

/**
 * Opens and runs a session. Raw mode starts at once (as the CLI does before
 * it starts the container) and ends when the session's output ends.
 */
export async function openSession(streams: CliStreams, options: SessionOptions): Promise<Session> {
  const demux = new StdcopyDemuxer((stream, bytes) => {
    if (stream === 1 && options.stdout) streams.out(bytes);
    else if (stream === 2 && options.stderr) streams.err(bytes);
  });
  const onOutput = (chunk: Uint8Array) => {
    if (options.tty) {
      if (options.stdout) streams.out(chunk);
    } else demux.push(chunk);
  };
  const handle = await options.open(onOutput);

  let detached = false;
  let resolveDetached!: () => void;
  const detachedSignal = new Promise<void>((resolve) => (resolveDetached = resolve));
  let restore: (() => void) | null = null;

  if (options.stdin && options.tty && streams.terminal) {
    const watcher = new EscapeWatcher(options.detachKeys);
    restore = streams.terminal.raw((bytes) => {
      if (detached) return;
      // The keys go to the engine too: it detaches the session without closing the container's stdin.
      handle.write(bytes);
      if (watcher.feed(bytes)) {
        detached = true;
        resolveDetached();
      }
    });
  } else if (options.stdin) {
    void (async () => {
      for (;;) {
        const chunk = await streams.stdin.read();
        if (chunk === null) break;
        handle.write(chunk);
      }
      handle.closeWrite();
    })();
  } else if (options.tty && streams.terminal && options.stdout) {
    // Output of a TTY container is written unchanged: the terminal is raw for output, keystrokes are dropped.
    restore = streams.terminal.raw(() => {});
  }

  const finished = (async () => {
    await Promise.race([handle.done.catch(() => {}), detachedSignal]);
    restore?.();
    restore = null;
    return { detached };
  })();
  return { handle, finished };
}
