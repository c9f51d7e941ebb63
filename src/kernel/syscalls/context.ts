import { Errno, fail } from '../../common/errno.ts';
import { fromUtf8 } from '../../common/bytes.ts';
import type { Location } from '../../unionfs/vfs/mount-namespace.ts';
import type { Wire } from '../channel/wire.ts';
import type { FdEntry } from '../fd/fd-table.ts';
import { InodeDescription } from '../fd/inode-file.ts';
import type { Kernel } from '../kernel.ts';
import type { Process } from '../proc/process.ts';

export type SyscallResult = number | Promise<number>;

/** How completely a syscall is implemented (gVisor style: the table says it, next to the handler). */
export type Support = 'full' | 'partial';

export interface SyscallEntry {
  readonly name: string;
  readonly support: Support;
  /** For 'partial': what is missing. */
  readonly note?: string;
  readonly handler: (ctx: SyscallContext) => SyscallResult;
}

/** wasi-libc's AT_FDCWD, as the drydock calls receive it. */
export const AT_FDCWD = -2;

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * What a handler works with: the kernel, the calling process, and the
 * request (read its arguments from `w`; write results to `out()`).
 */
export class SyscallContext {
  constructor(
    readonly kernel: Kernel,
    readonly proc: Process,
  ) {}

  get w(): Wire {
    return this.proc.channel.wire;
  }

  /** The response area, reset, for writing results (it does not overlap the arguments). */
  out(): Wire {
    return this.proc.channel.beginResponse();
  }

  /** The fd entry, checking the process has `rights` on it (ENOTCAPABLE, as WASI hosts answer). */
  fd(fd: number, rights = 0n): FdEntry {
    const entry = this.proc.fds.get(fd);
    if ((entry.rightsBase & rights) !== rights) fail(Errno.ENOTCAPABLE);
    return entry;
  }

  /** The directory an *at call resolves from: a directory fd, or the cwd for AT_FDCWD. */
  dirfd(fd: number, rights = 0n): Location {
    if (fd === AT_FDCWD) return this.proc.cwd;
    const entry = this.fd(fd, rights);
    const d = entry.description;
    if (!(d instanceof InodeDescription)) fail(Errno.ENOTDIR);
    if (d.inode.kind !== 'dir') fail(Errno.ENOTDIR);
    return d.location;
  }

  /** A path argument (length-prefixed bytes); EILSEQ if it is not UTF-8, EINVAL for NUL. */
  path(): string {
    const bytes = this.w.bytes();
    if (bytes.includes(0)) fail(Errno.EINVAL);
    try {
      return decoder.decode(bytes.slice());
    } catch {
      return fail(Errno.EILSEQ);
    }
  }

  /** A byte-string argument as text (lossy for invalid UTF-8). */
  text(): string {
    return fromUtf8(this.w.bytes().slice());
  }
}
