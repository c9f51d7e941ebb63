import { Errno, fail } from '../../common/errno.ts';
import type { Stat } from '../../unionfs/vfs/types.ts';
import { FILETYPE } from '../abi/wasi.ts';
import type { TtyState } from './tty-state.ts';
import { WaitQueue } from './wait-queue.ts';

export interface Readiness {
  readonly readable: boolean;
  readonly writable: boolean;
  /** The other end is gone (pipe writer closed, connection reset). */
  readonly hangup: boolean;
  /** Bytes available to read, when known (poll_oneoff reports it). */
  readonly nbytes: number;
  /** A pending error (a socket's SO_ERROR), reported as the poll event's error; 0 or absent for none. */
  readonly error?: number;
}

const ALWAYS_READY: Readiness = Object.freeze({ readable: true, writable: true, hangup: false, nbytes: 0 });

/**
 * An open file description: what an fd points to. Several fds (in one or
 * several processes) may share one description, and with it the offset and
 * status flags. Every operation throws EBADF/ESPIPE/EINVAL unless a subclass
 * provides it.
 *
 * Blocking: an operation that would block throws EAGAIN; the syscall layer
 * then waits on `waiters` (woken whenever `readiness()` may have changed) and
 * retries, unless the fd is non-blocking.
 */
export abstract class FileDescription {
  /** WASI filetype reported by fd_fdstat_get / fd_filestat_get. */
  abstract readonly filetype: number;
  /** WASI fdflags (APPEND, NONBLOCK, ...), shared by all fds of this description. */
  fdflags = 0;
  /** How many fd-table entries refer to this description. */
  private refs = 0;
  readonly waiters = new WaitQueue();

  /** Called when an fd starts referring to this description. */
  retain(): this {
    this.refs++;
    return this;
  }

  /** Called when an fd stops referring to it; the last release closes it. */
  release(): void {
    if (--this.refs === 0) this.close();
  }

  get openCount(): number {
    return this.refs;
  }

  /** Last reference gone. */
  protected close(): void {}

  readiness(): Readiness {
    return ALWAYS_READY;
  }

  read(_length: number): Uint8Array {
    return fail(Errno.EBADF);
  }
  write(_data: Uint8Array): number {
    return fail(Errno.EBADF);
  }
  pread(_offset: number, _length: number): Uint8Array {
    return fail(Errno.ESPIPE);
  }
  pwrite(_offset: number, _data: Uint8Array): number {
    return fail(Errno.ESPIPE);
  }
  seek(_offset: number, _whence: number): number {
    return fail(Errno.ESPIPE);
  }
  tell(): number {
    return fail(Errno.ESPIPE);
  }
  /** Status for fd_filestat_get and fstat. */
  abstract stat(): Stat;
  /** Flushes to durable storage. */
  async sync(): Promise<void> {}
  /** The terminal this description is, or null (isatty, the tc* calls). */
  get tty(): TtyState | null {
    return null;
  }
  // Sockets (the network layer's descriptions override these).
  accept(): FileDescription {
    return fail(Errno.ENOTSOCK);
  }
  recv(_length: number, _flags: number): Uint8Array {
    return fail(Errno.ENOTSOCK);
  }
  send(_data: Uint8Array, _flags: number): number {
    return fail(Errno.ENOTSOCK);
  }
  shutdown(_how: number): void {
    fail(Errno.ENOTSOCK);
  }
}

/** The Stat of something that is not in a filesystem (pipes, host streams, sockets). */
export function syntheticStat(kind: Stat['kind'], ino: number, mode = 0o600): Stat {
  return {
    dev: 0,
    ino,
    kind,
    mode,
    nlink: 1,
    uid: 0,
    gid: 0,
    rdev: 0,
    size: 0,
    blocks: 0,
    atimeNs: 0n,
    mtimeNs: 0n,
    ctimeNs: 0n,
  };
}

/** WASI filetype for a VFS file kind. */
export function filetypeOf(kind: Stat['kind']): number {
  switch (kind) {
    case 'file':
      return FILETYPE.REGULAR_FILE;
    case 'dir':
      return FILETYPE.DIRECTORY;
    case 'symlink':
      return FILETYPE.SYMBOLIC_LINK;
    case 'chardev':
      return FILETYPE.CHARACTER_DEVICE;
    case 'blockdev':
      return FILETYPE.BLOCK_DEVICE;
    case 'socket':
      return FILETYPE.SOCKET_STREAM;
    case 'fifo':
      return FILETYPE.UNKNOWN;
  }
}
