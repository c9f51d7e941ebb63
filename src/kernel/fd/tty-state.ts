import { TERMIOS } from '../abi/linux.ts';

/** The 60-byte struct termios of drydock.h, with Linux's default cooked-mode values. */
export function defaultTermios(): Uint8Array {
  const bytes = new Uint8Array(60);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, TERMIOS.ICRNL | TERMIOS.IXON | TERMIOS.IUTF8, true);
  v.setUint32(4, TERMIOS.OPOST | TERMIOS.ONLCR, true);
  v.setUint32(8, TERMIOS.CS8 | TERMIOS.CREAD | 0o17 /* B38400 */, true);
  v.setUint32(
    12,
    TERMIOS.ISIG | TERMIOS.ICANON | TERMIOS.ECHO | TERMIOS.ECHOE | TERMIOS.ECHOK | TERMIOS.ECHOCTL | TERMIOS.ECHOKE | TERMIOS.IEXTEN,
    true,
  );
  const cc = bytes.subarray(17, 49);
  cc[TERMIOS.VINTR] = 0x03;
  cc[TERMIOS.VQUIT] = 0x1c;
  cc[TERMIOS.VERASE] = 0x7f;
  cc[TERMIOS.VKILL] = 0x15;
  cc[TERMIOS.VEOF] = 0x04;
  cc[TERMIOS.VMIN] = 1;
  cc[TERMIOS.VSUSP] = 0x1a;
  cc[TERMIOS.VWERASE] = 0x17;
  cc[TERMIOS.VLNEXT] = 0x16;
  v.setUint32(52, 0o17, true);
  v.setUint32(56, 0o17, true);
  return bytes;
}

/**
 * The state of one terminal, shared by every fd that refers to it: its
 * termios, window size and foreground process group. Whoever owns the real
 * terminal (the CLI's host tty, the engine's attach stream) listens for
 * changes through the callbacks.
 */
export class TtyState {
  termios = defaultTermios();
  rows = 24;
  cols = 80;
  /** Foreground process group (a PID in the session's namespace), 0 if none. */
  foreground = 0;
  /** Called after tcsetattr (e.g. to switch the host terminal to raw mode). */
  onTermiosChange: ((termios: Uint8Array) => void) | null = null;

  get lflag(): number {
    return new DataView(this.termios.buffer, this.termios.byteOffset).getUint32(12, true);
  }

  get oflag(): number {
    return new DataView(this.termios.buffer, this.termios.byteOffset).getUint32(4, true);
  }
}
