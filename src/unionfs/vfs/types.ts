/**
 * The filesystem interface the kernel calls. Every filesystem Drydock mounts
 * (memfs, the overlay, tmpfs, /proc, /dev, host bind mounts) implements
 * `FileSystem` and `Inode`; path walking, mounts and permission checks live
 * above them in `MountNamespace`, so a filesystem only answers questions about
 * one directory or one file at a time.
 *
 * Invariants
 *  - All operations are synchronous. Filesystems whose backing store is
 *    asynchronous (IndexedDB, a browser directory handle) keep their working
 *    set in memory and persist behind the scenes; `FileSystem.sync()` is the
 *    one asynchronous call, and fsync waits for it.
 *  - Failures throw `ErrnoError` with the POSIX errno the guest should see.
 *  - Names passed to directory operations are single components: never empty,
 *    never "." or "..", never containing "/". The walker guarantees this.
 */
import type { Errno } from '../../common/errno.ts';

export type FileKind = 'file' | 'dir' | 'symlink' | 'fifo' | 'chardev' | 'blockdev' | 'socket';

/** Permission and special bits of a mode (no type bits). */
export const PERM_MASK = 0o7777;

export interface Stat {
  readonly dev: number;
  readonly ino: number;
  readonly kind: FileKind;
  /** Permission bits (including setuid/setgid/sticky), no type bits. */
  readonly mode: number;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
  /** Device number, (major << 8) | minor, for character and block devices. */
  readonly rdev: number;
  readonly size: number;
  /** 512-byte blocks allocated (sparse files allocate less than their size). */
  readonly blocks: number;
  readonly atimeNs: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

/** Attribute changes for `Inode.setAttr`; absent fields are left alone. ctime is always updated. */
export interface AttrChange {
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  atimeNs?: bigint;
  mtimeNs?: bigint;
}

export interface DirEntry {
  readonly name: string;
  readonly ino: number;
  readonly kind: FileKind;
  /** Position after this entry; passing it to `entries` resumes after it. Stable while other entries come and go. */
  readonly cookie: bigint;
}

export interface CreateOptions {
  /** Permission bits (already masked by the umask). */
  mode: number;
  uid: number;
  gid: number;
  /** Device number for 'chardev' and 'blockdev'. */
  rdev?: number;
  /** Target for 'symlink'. */
  target?: string;
}

export interface Inode {
  readonly fs: FileSystem;
  readonly ino: number;
  readonly kind: FileKind;

  stat(): Stat;
  /** Changes attributes; `size` truncates or extends a regular file (EISDIR otherwise). */
  setAttr(change: AttrChange): void;

  /** Regular files: reads up to `length` bytes at `offset`; fewer at end of file. The result may be a view: copy it before keeping it. */
  read(offset: number, length: number): Uint8Array;
  /** Regular files: writes all of `data` at `offset`, extending the file (with a hole) as needed. */
  write(offset: number, data: Uint8Array): number;

  /** Directories: the child called `name`, or null. */
  lookup(name: string): Inode | null;
  /** Directories: entries after `cookie` (0n = from the start), excluding "." and "..". */
  entries(cookie: bigint): Iterable<DirEntry>;
  /** Directories: makes a new child (EEXIST if the name is taken). */
  create(name: string, kind: FileKind, options: CreateOptions): Inode;
  /** Directories: adds a hard link to `target` (same filesystem). */
  link(name: string, target: Inode): void;
  /** Directories: removes a non-directory entry. */
  unlink(name: string): void;
  /** Directories: removes an empty directory entry. */
  rmdir(name: string): void;
  /** Directories: atomically moves `name` to `newParent/newName`, replacing a compatible target. */
  rename(name: string, newParent: Inode, newName: string): void;

  /** Symlinks: the target. */
  readlink(): string;

  /**
   * Symlinks only, optional: a "magic link" (Linux's /proc/PID/fd/N) that
   * designates an open object rather than a path. When it is the last
   * component of a path being followed, the walker stops on the link itself
   * and the kernel opens the object (`magic`); elsewhere it is followed by
   * its text like any symlink.
   */
  readonly magic?: object;

  /**
   * Regular files, optional: an object that stands for this file's bytes
   * for as long as they cannot change, shared by every view of them (an
   * image layer's file seen through any container's overlay, until it is
   * copied up). Caches of derived data (compiled modules) key on it, so
   * they hit across containers. null or absent: the contents may change;
   * key on the inode itself.
   */
  contentIdentity?(): object | null;
}

export interface StatFs {
  readonly blockSize: number;
  readonly totalBlocks: number;
  readonly freeBlocks: number;
  /** Blocks an unprivileged user may still use (statfs f_bavail); freeBlocks when nothing is reserved for root. */
  readonly availBlocks?: number;
  readonly files: number;
  /** statfs f_type when the filesystem knows its own (a host directory reports the host's); otherwise the kernel derives it from `FileSystem.type`. */
  readonly magic?: number;
}

export interface FileSystem {
  /** Device number reported in stat (unique per mounted filesystem instance). */
  readonly dev: number;
  /** The type shown in /proc/mounts ("overlay", "tmpfs", "proc", ...). */
  readonly type: string;
  readonly readOnly: boolean;
  root(): Inode;
  statfs(): StatFs;
  /** Makes every completed change durable; resolves when it is. */
  sync(): Promise<void>;
}

/** An errno plus the reason, for filesystems to throw. */
export interface FsFailure {
  readonly errno: Errno;
  readonly detail?: string;
}
