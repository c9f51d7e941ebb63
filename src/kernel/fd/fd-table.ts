import { Errno, fail } from '../../common/errno.ts';
import type { FileDescription } from './description.ts';

/** Highest number of fds per process (Linux's default RLIMIT_NOFILE). */
export const FD_LIMIT = 1024;

export interface FdEntry {
  readonly description: FileDescription;
  cloexec: boolean;
  /** WASI rights of this fd. */
  rightsBase: bigint;
  rightsInheriting: bigint;
  /** For preopened directories: the name fd_prestat_dir_name reports. */
  preopenName?: string;
}

/** A process's fd table. Only its own process changes it (after spawn, children have a copy). */
export class FdTable {
  private readonly entries = new Map<number, FdEntry>();

  get(fd: number): FdEntry {
    const entry = this.entries.get(fd);
    if (!entry) fail(Errno.EBADF);
    return entry;
  }

  has(fd: number): boolean {
    return this.entries.has(fd);
  }

  /** The lowest free fd at or above `min`. */
  lowestFree(min = 0): number {
    for (let fd = min; fd < FD_LIMIT; fd++) if (!this.entries.has(fd)) return fd;
    return fail(Errno.EMFILE);
  }

  /** Installs `entry` at the lowest free fd >= min and returns the fd. */
  add(entry: Omit<FdEntry, 'description'> & { description: FileDescription }, min = 0): number {
    const fd = this.lowestFree(min);
    this.set(fd, entry);
    return fd;
  }

  /** Installs `entry` at `fd`, closing what was there. */
  set(fd: number, entry: FdEntry): void {
    if (fd < 0 || fd >= FD_LIMIT) fail(Errno.EBADF);
    entry.description.retain();
    const old = this.entries.get(fd);
    this.entries.set(fd, entry);
    old?.description.release();
  }

  close(fd: number): void {
    const entry = this.get(fd);
    this.entries.delete(fd);
    entry.description.release();
  }

  /** Moves `from` to `to` (closing `to`), as fd_renumber does. */
  renumber(from: number, to: number): void {
    const entry = this.get(from);
    if (to < 0 || to >= FD_LIMIT) fail(Errno.EBADF);
    if (from === to) return;
    const old = this.entries.get(to);
    this.entries.set(to, entry);
    this.entries.delete(from);
    old?.description.release();
  }

  /** A copy for a child: same descriptions, close-on-exec entries left out when `forExec`. */
  clone(forExec: boolean): FdTable {
    const copy = new FdTable();
    for (const [fd, entry] of this.entries) {
      if (forExec && entry.cloexec) continue;
      copy.set(fd, { ...entry });
    }
    return copy;
  }

  /** Closes the close-on-exec fds (execve). */
  closeOnExec(): void {
    for (const [fd, entry] of [...this.entries]) if (entry.cloexec) this.close(fd);
  }

  closeAll(): void {
    for (const fd of [...this.entries.keys()]) this.close(fd);
  }

  *[Symbol.iterator](): IterableIterator<[number, FdEntry]> {
    yield* this.entries;
  }

  get size(): number {
    return this.entries.size;
  }
}
