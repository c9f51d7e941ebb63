import { Errno, fail } from '../../common/errno.ts';
import type { Stat } from '../../unionfs/vfs/types.ts';
import { SIG, TERMIOS } from '../abi/linux.ts';
import { FILETYPE } from '../abi/wasi.ts';
import type { Readiness } from './description.ts';
import { FileDescription, syntheticStat } from './description.ts';
import { TtyState } from './tty-state.ts';

let nextPtyIno = 1;

const CR = 0x0d;
const NL = 0x0a;

/**
 * A pseudo-terminal: the terminal of a container started with a TTY
 * (`docker run -t`). The engine holds the master side (what the attached
 * client types goes in through `input`, what the container prints comes out
 * through the output listener); processes hold the slave (`slave`, a
 * FileDescription with a TtyState) as their stdin, stdout and stderr.
 *
 * The line discipline is Linux's n_tty, reduced to what shells and
 * programs in containers rely on:
 * - input: ICRNL, and in canonical mode (ICANON) line editing with VERASE,
 *   VWERASE, VKILL and VEOF, echo (ECHO, ECHOE, ECHOCTL), and with ISIG the
 *   keys VINTR, VQUIT and VSUSP sent as signals to the foreground process
 *   group; in raw mode bytes are readable at once;
 * - output: OPOST with ONLCR ("\n" becomes "\r\n", as Docker TTY output has).
 */
export class Pty {
  readonly tty = new TtyState();
  readonly slave: PtySlave;
  /** Bytes read by processes are taken from here (complete lines in canonical mode). */
  private ready: number[] = [];
  /** The line being edited (canonical mode). */
  private line: number[] = [];
  /** VEOF seen at the start of a line: the next read returns 0. */
  private pendingEof = 0;
  private output: ((bytes: Uint8Array) => void) | null = null;
  private closedResolve!: () => void;
  /** Resolves when no process holds the slave any more (the terminal's output has ended). */
  readonly slaveClosed: Promise<void> = new Promise((resolve) => {
    this.closedResolve = resolve;
  });
  /** The master side closed: reads see EOF, writes are dropped. */
  hungUp = false;

  constructor(
    /** Sends a signal to a process group (the foreground one) of the pty's session. */
    private readonly signalGroup: (pgid: number, sig: number) => void,
  ) {
    this.slave = new PtySlave(this);
  }

  /** Registers where output goes (the attach streams and the log); output before that is dropped. */
  onOutput(listener: (bytes: Uint8Array) => void): void {
    this.output = listener;
  }

  private get lflag(): number {
    return this.tty.lflag;
  }

  private get iflag(): number {
    return new DataView(this.tty.termios.buffer, this.tty.termios.byteOffset).getUint32(0, true);
  }

  private get oflag(): number {
    return new DataView(this.tty.termios.buffer, this.tty.termios.byteOffset).getUint32(4, true);
  }

  private cc(index: number): number {
    return this.tty.termios[17 + index]!;
  }

  /** What the attached client typed. */
  input(bytes: Uint8Array): void {
    const lflag = this.lflag;
    const canonical = (lflag & TERMIOS.ICANON) !== 0;
    const echo = (lflag & TERMIOS.ECHO) !== 0;
    const echoed: number[] = [];
    for (let byte of bytes) {
      if (byte === CR && this.iflag & TERMIOS.ICRNL) byte = NL;
      if (lflag & TERMIOS.ISIG) {
        const sig =
          byte === this.cc(TERMIOS.VINTR) ? SIG.INT : byte === this.cc(TERMIOS.VQUIT) ? SIG.QUIT : byte === this.cc(TERMIOS.VSUSP) ? SIG.TSTP : 0;
        if (sig !== 0) {
          // Linux echoes "^C" alone: the shell ends the line when it prints its next prompt.
          if (echo) echoed.push(0x5e, byte + 0x40);
          this.line = [];
          if (this.tty.foreground > 0) this.signalGroup(this.tty.foreground, sig);
          continue;
        }
      }
      if (!canonical) {
        this.ready.push(byte);
        if (echo) echoed.push(byte);
        continue;
      }
      if (byte === this.cc(TERMIOS.VERASE) || byte === 0x08) {
        if (this.line.length > 0) {
          this.line.pop();
          if (echo) echoed.push(0x08, 0x20, 0x08);
        }
      } else if (byte === this.cc(TERMIOS.VWERASE)) {
        while (this.line.length > 0 && this.line[this.line.length - 1] === 0x20) {
          this.line.pop();
          if (echo) echoed.push(0x08, 0x20, 0x08);
        }
        while (this.line.length > 0 && this.line[this.line.length - 1] !== 0x20) {
          this.line.pop();
          if (echo) echoed.push(0x08, 0x20, 0x08);
        }
      } else if (byte === this.cc(TERMIOS.VKILL)) {
        if (echo) for (let i = 0; i < this.line.length; i++) echoed.push(0x08, 0x20, 0x08);
        this.line = [];
      } else if (byte === this.cc(TERMIOS.VEOF)) {
        if (this.line.length === 0) this.pendingEof++;
        else {
          this.ready.push(...this.line);
          this.line = [];
        }
      } else if (byte === NL) {
        this.line.push(NL);
        this.ready.push(...this.line);
        this.line = [];
        if (echo || lflag & TERMIOS.ECHONL) echoed.push(NL);
      } else {
        this.line.push(byte);
        if (echo) echoed.push(byte);
      }
    }
    if (echoed.length > 0) this.emit(new Uint8Array(echoed));
    this.slave.waiters.wake();
  }

  /** Output from processes, after output processing. */
  emit(bytes: Uint8Array): void {
    if (this.hungUp || !this.output) return;
    if ((this.oflag & (TERMIOS.OPOST | TERMIOS.ONLCR)) === (TERMIOS.OPOST | TERMIOS.ONLCR) && bytes.includes(NL)) {
      const out: number[] = [];
      for (const byte of bytes) {
        if (byte === NL) out.push(CR, NL);
        else out.push(byte);
      }
      this.output(new Uint8Array(out));
    } else {
      this.output(bytes.slice());
    }
  }

  /** Window size change (`docker resize`): SIGWINCH to the foreground process group, as Linux does. */
  resize(rows: number, cols: number): void {
    if (rows === this.tty.rows && cols === this.tty.cols) return;
    this.tty.rows = rows;
    this.tty.cols = cols;
    if (this.tty.foreground > 0) this.signalGroup(this.tty.foreground, SIG.WINCH);
  }

  /** Called by the slave when its last fd is closed. */
  noteSlaveClosed(): void {
    this.closedResolve();
  }

  /** The master side went away: readers get EOF. */
  hangUp(): void {
    this.hungUp = true;
    this.slave.waiters.wake();
  }

  readiness(): Readiness {
    const n = this.ready.length;
    return { readable: n > 0 || this.pendingEof > 0 || this.hungUp, writable: true, hangup: this.hungUp, nbytes: n };
  }

  take(length: number): Uint8Array {
    if (this.ready.length === 0) {
      if (this.pendingEof > 0) {
        this.pendingEof--;
        return new Uint8Array(0);
      }
      if (this.hungUp) return new Uint8Array(0);
      fail(Errno.EAGAIN);
    }
    let n = Math.min(length, this.ready.length);
    if (this.lflag & TERMIOS.ICANON) {
      // A canonical read returns at most one line.
      const nl = this.ready.indexOf(NL);
      if (nl >= 0) n = Math.min(n, nl + 1);
    }
    return new Uint8Array(this.ready.splice(0, n));
  }
}

/** The slave end of a Pty: a terminal as processes see it. */
export class PtySlave extends FileDescription {
  readonly filetype = FILETYPE.CHARACTER_DEVICE;
  private readonly ino = nextPtyIno++;

  constructor(private readonly pty: Pty) {
    super();
  }

  override get tty(): TtyState {
    return this.pty.tty;
  }

  override readiness(): Readiness {
    return this.pty.readiness();
  }

  override read(length: number): Uint8Array {
    return this.pty.take(length);
  }

  override write(data: Uint8Array): number {
    if (this.pty.hungUp) fail(Errno.EIO);
    this.pty.emit(data);
    return data.length;
  }

  protected override close(): void {
    this.pty.noteSlaveClosed();
  }

  stat(): Stat {
    return { ...syntheticStat('chardev', this.ino, 0o620), rdev: (136 << 8) | 0 };
  }
}
