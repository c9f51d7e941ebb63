import { Errno, fail } from '../../common/errno.ts';
import type { Stat } from '../../unionfs/vfs/types.ts';
import { FILETYPE } from '../abi/wasi.ts';
import { FileDescription, syntheticStat } from './description.ts';

/** Device numbers, (major << 8) | minor, as on Linux. */
export const DEV = {
  NULL: (1 << 8) | 3,
  ZERO: (1 << 8) | 5,
  FULL: (1 << 8) | 7,
  RANDOM: (1 << 8) | 8,
  URANDOM: (1 << 8) | 9,
  TTY: (5 << 8) | 0,
  CONSOLE: (5 << 8) | 1,
  PTMX: (5 << 8) | 2,
  /** /dev/pts/0: the container's terminal (`docker run -t`); /dev/console is the same device, as runc sets it up. */
  PTS0: (136 << 8) | 0,
} as const;

/** The /dev path of a device number, as /proc/PID/fd links name it (null for numbers /dev does not have). */
export function devicePath(rdev: number): string | null {
  switch (rdev) {
    case DEV.NULL:
      return '/dev/null';
    case DEV.ZERO:
      return '/dev/zero';
    case DEV.FULL:
      return '/dev/full';
    case DEV.RANDOM:
      return '/dev/random';
    case DEV.URANDOM:
      return '/dev/urandom';
    case DEV.TTY:
      return '/dev/tty';
    case DEV.CONSOLE:
      return '/dev/console';
    case DEV.PTMX:
      return '/dev/pts/ptmx';
    case DEV.PTS0:
      return '/dev/pts/0';
    default:
      return null;
  }
}

abstract class CharDevice extends FileDescription {
  readonly filetype = FILETYPE.CHARACTER_DEVICE;
  constructor(readonly rdev: number) {
    super();
  }
  stat(): Stat {
    return { ...syntheticStat('chardev', this.rdev, 0o666), rdev: this.rdev };
  }
  override seek(): number {
    return 0;
  }
  override tell(): number {
    return 0;
  }
}

export class NullDevice extends CharDevice {
  constructor() {
    super(DEV.NULL);
  }
  override read(): Uint8Array {
    return new Uint8Array(0);
  }
  override write(data: Uint8Array): number {
    return data.length;
  }
}

export class ZeroDevice extends CharDevice {
  constructor() {
    super(DEV.ZERO);
  }
  override read(length: number): Uint8Array {
    return new Uint8Array(length);
  }
  override write(data: Uint8Array): number {
    return data.length;
  }
}

export class FullDevice extends CharDevice {
  constructor() {
    super(DEV.FULL);
  }
  override read(length: number): Uint8Array {
    return new Uint8Array(length);
  }
  override write(): number {
    return fail(Errno.ENOSPC);
  }
}

export class RandomDevice extends CharDevice {
  override read(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let at = 0; at < length; at += 65536) crypto.getRandomValues(out.subarray(at, Math.min(length, at + 65536)));
    return out;
  }
  override write(data: Uint8Array): number {
    return data.length;
  }
}

/**
 * Opens the device with number `rdev` for a process whose fds 0-2 are
 * `stdio` (/dev/tty is the terminal among them); ENXIO for devices the
 * kernel does not have, or /dev/tty without a terminal.
 */
export function openDevice(rdev: number, stdio: readonly (FileDescription | undefined)[] = []): FileDescription {
  switch (rdev) {
    case DEV.TTY:
    case DEV.CONSOLE:
    case DEV.PTS0: {
      const terminal = stdio.find((d) => d?.tty);
      if (!terminal) return fail(Errno.ENXIO);
      return terminal;
    }
    case DEV.NULL:
      return new NullDevice();
    case DEV.ZERO:
      return new ZeroDevice();
    case DEV.FULL:
      return new FullDevice();
    case DEV.RANDOM:
    case DEV.URANDOM:
      return new RandomDevice(rdev);
    default:
      return fail(Errno.ENXIO);
  }
}
