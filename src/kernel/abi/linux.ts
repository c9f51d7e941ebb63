/** Linux numbers that the drydock extension ABI uses (wasm/include/drydock.h). */

export const SIG = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  STKFLT: 16,
  CHLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
  XFSZ: 25,
  VTALRM: 26,
  PROF: 27,
  WINCH: 28,
  IO: 29,
  PWR: 30,
  SYS: 31,
} as const;

export const NSIG = 32;

/**
 * Most supplementary groups a process may have (setgroups, spawn). Linux
 * allows 65536; Drydock keeps the list within one syscall message (32 KiB of
 * gids). drydock.h's DRYDOCK_NGROUPS_MAX is the same number.
 */
export const NGROUPS_MAX = 8192;

const NAMES = Object.fromEntries(Object.entries(SIG).map(([name, number]) => [number, `SIG${name}`])) as Record<number, string>;

export function signalName(sig: number): string {
  return NAMES[sig] ?? `SIG${sig}`;
}

/** Parses "TERM", "SIGTERM", "sigterm" or "15" into a signal number; undefined if unknown. */
export function parseSignal(text: string): number | undefined {
  const trimmed = text.trim().toUpperCase();
  if (/^\d+$/.test(trimmed)) {
    const n = Number(trimmed);
    return n > 0 && n < NSIG ? n : undefined;
  }
  const name = trimmed.startsWith('SIG') ? trimmed.slice(3) : trimmed;
  return (SIG as Record<string, number>)[name];
}

/** What a signal does when its disposition is the default. */
export type DefaultAction = 'terminate' | 'core' | 'ignore' | 'stop' | 'continue';

export function defaultAction(sig: number): DefaultAction {
  switch (sig) {
    case SIG.CHLD:
    case SIG.URG:
    case SIG.WINCH:
      return 'ignore';
    case SIG.STOP:
    case SIG.TSTP:
    case SIG.TTIN:
    case SIG.TTOU:
      return 'stop';
    case SIG.CONT:
      return 'continue';
    case SIG.QUIT:
    case SIG.ILL:
    case SIG.TRAP:
    case SIG.ABRT:
    case SIG.BUS:
    case SIG.FPE:
    case SIG.SEGV:
    case SIG.XCPU:
    case SIG.XFSZ:
    case SIG.SYS:
      return 'core';
    default:
      return 'terminate';
  }
}

/** Wait-status encoding (Linux): exited -> code << 8; killed -> signal number. */
export function exitedStatus(code: number): number {
  return (code & 0xff) << 8;
}
export function signaledStatus(sig: number): number {
  return sig & 0x7f;
}

/** The exit code a shell or Docker reports for a wait status: the code, or 128 + signal. */
export function exitCodeOf(status: number): number {
  const sig = status & 0x7f;
  return sig === 0 ? (status >> 8) & 0xff : 128 + sig;
}

/**
 * statfs f_type values (Linux's *_MAGIC from <linux/magic.h>), by the
 * FileSystem.type names Drydock mounts. A type not listed reports 0.
 */
export const FS_MAGIC: Readonly<Record<string, number>> = {
  overlay: 0x794c7630,
  tmpfs: 0x01021994,
  proc: 0x9fa0,
  sysfs: 0x62656572,
  ext4: 0xef53,
  devpts: 0x1cd1,
  mqueue: 0x19800202,
  cgroup2: 0x63677270,
  pipefs: 0x50495045,
  sockfs: 0x534f434b,
};

/** statfs f_flags: ST_RDONLY. */
export const ST_RDONLY = 1;

/** S_IF* type bits. */
export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;

/** wasi-libc's O_* open flags (as passed in drydock_fd_action.oflags). */
export const LIBC_O = {
  APPEND: 0x0001,
  NONBLOCK: 0x0004,
  CREAT: 1 << 12,
  DIRECTORY: 2 << 12,
  EXCL: 4 << 12,
  TRUNC: 8 << 12,
  NOFOLLOW: 0x01000000,
  RDONLY: 0x04000000,
  WRONLY: 0x10000000,
} as const;

/** termios (Linux values) for the kernel's terminal line discipline. */
export const TERMIOS = {
  // c_iflag
  IGNBRK: 0o1,
  BRKINT: 0o2,
  ICRNL: 0o400,
  IXON: 0o2000,
  IUTF8: 0o40000,
  // c_oflag
  OPOST: 0o1,
  ONLCR: 0o4,
  // c_lflag
  ISIG: 0o1,
  ICANON: 0o2,
  ECHO: 0o10,
  ECHOE: 0o20,
  ECHOK: 0o40,
  ECHONL: 0o100,
  NOFLSH: 0o200,
  TOSTOP: 0o400,
  ECHOCTL: 0o1000,
  ECHOKE: 0o4000,
  IEXTEN: 0o100000,
  // c_cflag
  CS8: 0o60,
  CREAD: 0o200,
  // c_cc indices
  VINTR: 0,
  VQUIT: 1,
  VERASE: 2,
  VKILL: 3,
  VEOF: 4,
  VTIME: 5,
  VMIN: 6,
  VSUSP: 10,
  VWERASE: 14,
  VLNEXT: 15,
} as const;
