import type { Kernel } from '../../kernel/kernel.ts';
import type { FileDescription } from '../../kernel/fd/description.ts';
import { NullDevice } from '../../kernel/fd/devices.ts';
import { Pipe } from '../../kernel/fd/pipe.ts';
import { Pty } from '../../kernel/fd/pty.ts';
import { drain, writeAllTo } from '../../kernel/fd/stream-io.ts';
import type { PidNamespace } from '../../kernel/proc/namespaces.ts';

export type OutputStream = 'stdout' | 'stderr';
export type OutputListener = (stream: OutputStream, bytes: Uint8Array) => void;

/** Output kept for the first listener at most (a pipe's worth). */
const EARLY_OUTPUT_MAX = 64 * 1024;

/**
 * The standard streams of a container's main process (or of an exec):
 * pipes, or a pseudo-terminal with `tty`. The engine keeps its ends (stdin's
 * write end, the output read ends, the pty master) and fans the output out
 * to listeners (the log, attached clients).
 *
 * Ownership: `descriptions` go to the spawned process's fd table; the
 * engine's own ends are retained here and released by `release()`.
 */
export class ProcessStdio {
  readonly descriptions: [FileDescription, FileDescription, FileDescription];
  readonly pty: Pty | null;
  private readonly stdinEnd: FileDescription | null;
  private readonly outputs: [OutputStream, FileDescription][] = [];
  private readonly listeners = new Set<OutputListener>();
  /** Output written before the first listener came (null once one has). */
  private early: [OutputStream, Uint8Array][] | null = [];
  private earlyBytes = 0;
  private stdinClosed = false;
  /** Resolves when every output stream has reached end of file. */
  readonly done: Promise<void>;
  private startDone!: () => void;

  constructor(options: { tty: boolean; openStdin: boolean; rows?: number; cols?: number; signalGroup?: (pgid: number, sig: number) => void }) {
    const started = new Promise<void>((resolve) => {
      this.startDone = resolve;
    });
    if (options.tty) {
      const pty = new Pty(options.signalGroup ?? (() => {}));
      if (options.rows && options.cols) {
        pty.tty.rows = options.rows;
        pty.tty.cols = options.cols;
      }
      pty.onOutput((bytes) => this.emit('stdout', bytes));
      this.pty = pty;
      this.stdinEnd = null;
      this.descriptions = [pty.slave, pty.slave, pty.slave];
      this.done = started.then(() => pty.slaveClosed);
      return;
    }
    this.pty = null;
    let stdin: FileDescription;
    if (options.openStdin) {
      const pipe = new Pipe();
      stdin = pipe.readEnd;
      this.stdinEnd = pipe.writeEnd.retain();
    } else {
      stdin = new NullDevice();
      this.stdinEnd = null;
    }
    const out = new Pipe();
    const err = new Pipe();
    this.outputs.push(['stdout', out.readEnd.retain()], ['stderr', err.readEnd.retain()]);
    this.descriptions = [stdin, out.writeEnd, err.writeEnd];
    this.done = started.then(() =>
      Promise.all(this.outputs.map(([stream, d]) => drain(d, (bytes) => this.emit(stream, bytes)))).then(() => {}),
    );
  }

  /** Starts collecting output (after the process holds its ends, so EOF means "all writers gone"). */
  start(): void {
    this.startDone();
  }

  /**
   * Adds an output listener; returns the function that removes it. The first
   * listener also gets what the process wrote before anyone listened (an
   * exec's shell prints its prompt as soon as it runs, which can be before
   * the attached client's listener is in place).
   */
  listen(listener: OutputListener): () => void {
    this.listeners.add(listener);
    const early = this.early;
    this.early = null;
    for (const [stream, bytes] of early ?? []) listener(stream, bytes);
    return () => this.listeners.delete(listener);
  }

  private emit(stream: OutputStream, bytes: Uint8Array): void {
    if (this.early) {
      // Nobody listens yet: keep it (up to EARLY_OUTPUT_MAX) for the first listener.
      if (this.earlyBytes + bytes.length <= EARLY_OUTPUT_MAX) {
        this.early.push([stream, bytes.slice()]);
        this.earlyBytes += bytes.length;
      }
      return;
    }
    for (const listener of [...this.listeners]) listener(stream, bytes);
  }

  get acceptsInput(): boolean {
    return !this.stdinClosed && (this.pty !== null || this.stdinEnd !== null);
  }

  /** What an attached client typed. */
  async writeStdin(bytes: Uint8Array): Promise<void> {
    if (this.stdinClosed) return;
    if (this.pty) {
      this.pty.input(bytes);
      return;
    }
    if (this.stdinEnd) {
      try {
        await writeAllTo(this.stdinEnd, bytes);
      } catch {
        // The process stopped reading (EPIPE): drop the input, as a closed pipe would.
      }
    }
  }

  /** The client's end of input (StdinOnce): the process reads EOF. */
  closeStdin(): void {
    if (this.stdinClosed) return;
    this.stdinClosed = true;
    if (this.pty) this.pty.input(new Uint8Array([0x04]));
    else this.stdinEnd?.release();
  }

  resize(rows: number, cols: number): void {
    this.pty?.resize(rows, cols);
  }

  /** Lets go of the engine's ends (after the process exited and its output was collected). */
  release(): void {
    if (!this.stdinClosed) {
      this.stdinClosed = true;
      this.stdinEnd?.release();
    }
    for (const [, d] of this.outputs.splice(0)) d.release();
    this.pty?.hangUp();
  }
}

/** The signal function a container's pty needs: its foreground group in the container's PID namespace. */
export function groupSignaller(kernel: Kernel, pidns: PidNamespace): (pgid: number, sig: number) => void {
  return (pgid, sig) => kernel.signalGroup(pidns, pgid, sig);
}
