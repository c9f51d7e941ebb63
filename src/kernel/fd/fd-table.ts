import { Errno, fail } from '../../common/errno.ts';
import type { FileDescription } from './description.ts';

/** Fds per process (Linux's default RLIMIT_NOFILE). */
export const FD_LIMIT = 1024;
/**
 * The process root, always open here (wasm/include/drydock.h, DRYDOCK_ROOT_FD).
 * Guests cannot close it, dup onto it or renumber it; fds are allocated below it.
 */
export const ROOT_FD = FD_LIMIT - 1;

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
    for (let fd = min; fd < ROOT_FD; fd++) if (!this.entries.has(fd)) return fd;
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
    if (fd < 0 || fd >= ROOT_FD) fail(Errno.EBADF);
    this.install(fd, entry);
  }

  /** Installs the process root at ROOT_FD (kernel only). */
  setReserved(fd: typeof ROOT_FD, entry: FdEntry): void {
    this.install(fd, entry);
  }

  private install(fd: number, entry: FdEntry): void {
    entry.description.retain();
    const old = this.entries.get(fd);
    this.entries.set(fd, entry);
    old?.description.release();
  }

  close(fd: number): void {
    if (fd === ROOT_FD) fail(Errno.EBADF);
    const entry = this.get(fd);
    this.entries.delete(fd);
    entry.description.release();
  }

  /** Moves `from` to `to` (closing `to`), as fd_renumber does. */
  renumber(from: number, to: number): void {
    if (from === ROOT_FD || to === ROOT_FD) fail(Errno.EBADF);
    const entry = this.get(from);
    if (to < 0 || to >= ROOT_FD) fail(Errno.EBADF);
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
      if (fd === ROOT_FD || (forExec && entry.cloexec)) continue;
      copy.set(fd, { ...entry });
    }
    return copy;
  }

  /** Closes the close-on-exec fds (execve). */
  closeOnExec(): void {
    for (const [fd, entry] of [...this.entries]) if (entry.cloexec) this.close(fd);
  }

  closeAll(): void {
    for (const [fd, entry] of [...this.entries]) {
      this.entries.delete(fd);
      entry.description.release();
    }
  }

  *[Symbol.iterator](): IterableIterator<[number, FdEntry]> {
    yield* this.entries;
  }

  get size(): number {
    return this.entries.size;
  }
}
