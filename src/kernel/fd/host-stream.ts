import { Errno, fail } from '../../common/errno.ts';
import type { Stat } from '../../unionfs/vfs/types.ts';
import type { HostInput, HostOutput } from '../../platform/types.ts';
import { TERMIOS } from '../abi/linux.ts';
import { FILETYPE } from '../abi/wasi.ts';
import type { Readiness } from './description.ts';
import { FileDescription, syntheticStat } from './description.ts';
import type { TtyState } from './tty-state.ts';

const NL = 0x0a;
const CR = 0x0d;

let nextIno = 1;

/** A process's stdin fed by a host stream (the terminal of `drydock wasm run`). */
export class HostInputDescription extends FileDescription {
  readonly filetype: number;
  private readonly ino = nextIno++;
  private buffered: Uint8Array[] = [];
  private ended = false;
  private reading = false;

  constructor(
    private readonly input: HostInput,
    private readonly terminal: TtyState | null = null,
  ) {
    super();
    this.filetype = terminal ? FILETYPE.CHARACTER_DEVICE : FILETYPE.UNKNOWN;
  }

  override get tty(): TtyState | null {
    return this.terminal;
  }

  private pump(): void {
    if (this.reading || this.ended) return;
    this.reading = true;
    this.input.read().then(
      (chunk) => {
        this.reading = false;
        if (chunk === null) this.ended = true;
        else if (chunk.length > 0) this.buffered.push(chunk);
        this.waiters.wake();
      },
      () => {
        this.reading = false;
        this.ended = true;
        this.waiters.wake();
      },
    );
  }

  override readiness(): Readiness {
    if (this.buffered.length === 0 && !this.ended) this.pump();
    const nbytes = this.buffered.reduce((n, c) => n + c.length, 0);
    return { readable: nbytes > 0 || this.ended, writable: false, hangup: this.ended, nbytes };
  }

  override read(length: number): Uint8Array {
    const first = this.buffered[0];
    if (!first) {
      if (this.ended) return new Uint8Array(0);
      this.pump();
      fail(Errno.EAGAIN);
    }
    if (first.length <= length) {
      this.buffered.shift();
      return first;
    }
    this.buffered[0] = first.subarray(length);
    return first.subarray(0, length);
  }

  protected override close(): void {
    this.input.close();
  }

  stat(): Stat {
    return syntheticStat(this.terminal ? 'chardev' : 'fifo', this.ino);
  }
}

/** A process's stdout or stderr writing to a host stream. */
export class HostOutputDescription extends FileDescription {
  readonly filetype: number;
  private readonly ino = nextIno++;

  constructor(
    private readonly output: HostOutput,
    private readonly terminal: TtyState | null = null,
  ) {
    super();
    this.filetype = terminal ? FILETYPE.CHARACTER_DEVICE : FILETYPE.UNKNOWN;
  }

  override get tty(): TtyState | null {
    return this.terminal;
  }

  /**
   * While a guest has the host terminal in raw mode (ICANON off), the host
   * does no output processing (Node's raw mode clears OPOST), so the kernel
   * applies ONLCR itself when the guest's termios asks for it: "\n" reaches
   * the screen as CR LF either way, as on a Linux terminal.
   */
  override write(data: Uint8Array): number {
    const t = this.terminal;
    const onlcr = TERMIOS.OPOST | TERMIOS.ONLCR;
    if (t && (t.lflag & TERMIOS.ICANON) === 0 && (t.oflag & onlcr) === onlcr && data.includes(NL)) {
      const out: number[] = [];
      for (const byte of data) {
        if (byte === NL) out.push(CR);
        out.push(byte);
      }
      this.output.write(new Uint8Array(out));
      return data.length;
    }
    this.output.write(data.slice());
    return data.length;
  }

  stat(): Stat {
    return syntheticStat(this.terminal ? 'chardev' : 'fifo', this.ino);
  }
}
