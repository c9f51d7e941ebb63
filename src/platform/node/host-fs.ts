import * as fs from 'node:fs';
import { join } from 'node:path';
import { Errno, ErrnoError, fail } from '../../common/errno.ts';
import type {
  AttrChange,
  CreateOptions,
  DirEntry,
  FileKind,
  FileSystem,
  Inode,
  Stat,
  StatFs,
} from '../../unionfs/vfs/types.ts';
import { allocateDev } from '../../unionfs/memfs/memfs.ts';

const { O_RDONLY, O_WRONLY, O_NOFOLLOW, O_NONBLOCK, O_CREAT, O_EXCL } = fs.constants;

/** Node's errno codes -> the guest's errno. */
const CODES: Record<string, Errno> = {
  ENOENT: Errno.ENOENT,
  EEXIST: Errno.EEXIST,
  ENOTDIR: Errno.ENOTDIR,
  EISDIR: Errno.EISDIR,
  ENOTEMPTY: Errno.ENOTEMPTY,
  EACCES: Errno.EACCES,
  EPERM: Errno.EPERM,
  EROFS: Errno.EROFS,
  ENOSPC: Errno.ENOSPC,
  EXDEV: Errno.EXDEV,
  ELOOP: Errno.ELOOP,
  EINVAL: Errno.EINVAL,
  EBUSY: Errno.EBUSY,
  ENAMETOOLONG: Errno.ENAMETOOLONG,
  EMLINK: Errno.EMLINK,
  EFBIG: Errno.EFBIG,
  EDQUOT: Errno.EDQUOT,
};

function host<T>(op: () => T): T {
  try {
    return op();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new ErrnoError(CODES[code] ?? Errno.EIO, (error as Error).message);
  }
}

function kindOf(stat: fs.BigIntStats): FileKind {
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'dir';
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isFIFO()) return 'fifo';
  if (stat.isCharacterDevice()) return 'chardev';
  if (stat.isBlockDevice()) return 'blockdev';
  return 'socket';
}

/**
 * A host directory as a Drydock filesystem (`drydock wasm run --dir`, bind
 * mounts). The guest only ever names single components: the VFS walker
 * resolves "..", symlinks and mounts itself, and this filesystem never lets
 * the host follow a symlink, so nothing outside the directory is reachable.
 * Device nodes are shown but cannot be opened (the kernel refuses them unless
 * they are its own).
 *
 * Sandbox invariants (each has an escape test in test/kernel-hostfs-escape.test.ts):
 *  - The final component is never followed: lstat, O_NOFOLLOW opens, lchown,
 *    lutimes; a mode change on a symlink is refused (ENOTSUP: Linux has no
 *    lchmod) and truncation goes through an O_NOFOLLOW descriptor.
 *  - Inodes are identified by host path plus the (dev, ino, kind, birth time)
 *    seen when they were looked up. Before every host call an inode checks
 *    that its path still leads to that same file (for reads and writes: fstat of the
 *    O_NOFOLLOW descriptor). A file the guest replaced by a symlink, or a
 *    directory whose path now runs through a symlink, is ESTALE for fds still
 *    holding it, so an old fd can never reach whatever the path now names.
 *    (Linux would keep serving the unlinked inode; we cannot, having no
 *    handle-based host calls.) The check and the call run in one synchronous
 *    kernel step, so no guest can slip in between; a concurrent *host*
 *    process can, and is outside the threat model.
 *  - The root is the realpath of the directory given, so a symlinked
 *    `hostRoot` is mounted as the directory it names.
 *
 * A rename elsewhere on the host is not seen by open fds (they keep the old
 * path and become ESTALE).
 */
export class HostFs implements FileSystem {
  readonly dev = allocateDev();
  readonly type = 'bind';

  /** The realpath of `hostRoot`: every inode path starts with it. */
  private readonly rootPath: string;

  constructor(
    readonly hostRoot: string,
    readonly readOnly = false,
  ) {
    const stat = host(() => fs.statSync(hostRoot));
    if (!stat.isDirectory()) fail(Errno.ENOTDIR, hostRoot);
    this.rootPath = host(() => fs.realpathSync.native(hostRoot));
  }

  root(): Inode {
    return new HostInode(this, this.rootPath);
  }

  statfs(): StatFs {
    const s = host(() => fs.statfsSync(this.hostRoot));
    // bfree counts the blocks reserved for root as free, bavail does not (df's Used is blocks - bfree).
    // f_type is the host's (ext4 for a bind mount of an ext4 directory), as a bind mount shows on Docker.
    return { blockSize: s.bsize, totalBlocks: s.blocks, freeBlocks: s.bfree, availBlocks: s.bavail, files: s.files, magic: s.type };
  }

  async sync(): Promise<void> {}

  checkWritable(): void {
    if (this.readOnly) fail(Errno.EROFS);
  }
}

class HostInode implements Inode {
  readonly ino: number;
  readonly kind: FileKind;
  /** The host identity this inode stands for; `current()` refuses a path that leads elsewhere. */
  private readonly hostDev: bigint;
  private readonly hostIno: bigint;
  /** Birth time (0 where the host filesystem has none): inode numbers are reused at once on unlink. */
  private readonly hostBirthNs: bigint;

  constructor(
    readonly fs: HostFs,
    readonly path: string,
    known?: fs.BigIntStats,
  ) {
    const stat = known ?? host(() => fsLstat(path));
    this.ino = Number(stat.ino);
    this.kind = kindOf(stat);
    this.hostDev = stat.dev;
    this.hostIno = stat.ino;
    this.hostBirthNs = stat.birthtimeNs;
  }

  /**
   * ESTALE unless `s` describes this inode's host file: same dev, ino, kind
   * and birth time. (An unlinked file's inode number goes at once to the
   * next file made, e.g. the symlink put in its place: kind and birth time
   * tell them apart.)
   */
  private same(s: fs.BigIntStats): fs.BigIntStats {
    if (s.dev !== this.hostDev || s.ino !== this.hostIno || kindOf(s) !== this.kind || s.birthtimeNs !== this.hostBirthNs) {
      fail(Errno.ESTALE, `${this.path} was replaced`);
    }
    return s;
  }

  /** lstat of the path, checked to still be this inode (see the class invariants). */
  private current(): fs.BigIntStats {
    return this.same(host(() => fsLstat(this.path)));
  }

  /** Opens the file itself (never a symlink in its place) and checks it is still this inode. */
  private openSelf(flags: number): number {
    const fd = host(() => fs.openSync(this.path, flags | O_NOFOLLOW | O_NONBLOCK));
    try {
      this.same(host(() => fs.fstatSync(fd, { bigint: true })));
      return fd;
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
  }

  stat(): Stat {
    const s = this.current();
    return {
      dev: this.fs.dev,
      ino: Number(s.ino),
      kind: kindOf(s),
      mode: Number(s.mode) & 0o7777,
      nlink: Number(s.nlink),
      uid: Number(s.uid),
      gid: Number(s.gid),
      rdev: Number(s.rdev),
      size: Number(s.size),
      blocks: Number(s.blocks),
      atimeNs: s.atimeNs,
      mtimeNs: s.mtimeNs,
      ctimeNs: s.ctimeNs,
    };
  }

  /**
   * Applies `change` to this inode only, never to a symlink's target: size
   * through an O_NOFOLLOW descriptor, owner and times with lchown/lutimes,
   * and a mode change on a symlink is ENOTSUP (chmod(2) would follow it).
   */
  setAttr(change: AttrChange): void {
    this.fs.checkWritable();
    const s = this.current();
    const kind = kindOf(s);
    if (change.mode !== undefined && kind === 'symlink') fail(Errno.ENOTSUP, `${this.path}: mode of a symlink`);
    if (change.size !== undefined) {
      if (kind !== 'file') fail(kind === 'dir' ? Errno.EISDIR : Errno.EINVAL);
      const fd = this.openSelf(O_WRONLY);
      try {
        host(() => fs.ftruncateSync(fd, change.size));
      } finally {
        fs.closeSync(fd);
      }
    }
    // Checked above to be this inode and not a symlink; chmod's own follow of the last component cannot apply.
    if (change.mode !== undefined) host(() => fs.chmodSync(this.path, change.mode!));
    if (change.uid !== undefined || change.gid !== undefined) {
      host(() => fs.lchownSync(this.path, change.uid ?? Number(s.uid), change.gid ?? Number(s.gid)));
    }
    if (change.atimeNs !== undefined || change.mtimeNs !== undefined) {
      // Seconds as a double keep about 0.2 us at today's dates (a Date would cut to ms).
      const seconds = (ns: bigint) => Number(ns) / 1e9;
      host(() => fs.lutimesSync(this.path, seconds(change.atimeNs ?? s.atimeNs), seconds(change.mtimeNs ?? s.mtimeNs)));
    }
  }

  read(offset: number, length: number): Uint8Array {
    if (this.kind === 'dir') fail(Errno.EISDIR);
    const fd = this.openSelf(O_RDONLY);
    try {
      const buffer = new Uint8Array(length);
      const n = host(() => fs.readSync(fd, buffer, 0, length, offset));
      return buffer.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  }

  write(offset: number, data: Uint8Array): number {
    if (this.kind === 'dir') fail(Errno.EISDIR);
    this.fs.checkWritable();
    const fd = this.openSelf(O_WRONLY);
    try {
      let done = 0;
      while (done < data.length) done += host(() => fs.writeSync(fd, data, done, data.length - done, offset + done));
      return done;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** The host path of child `name`, after checking this directory is still where its path leads. */
  private childPath(name: string): string {
    if (this.kind !== 'dir') fail(Errno.ENOTDIR);
    this.current();
    return join(this.path, name);
  }

  lookup(name: string): Inode | null {
    return this.child(this.childPath(name));
  }

  /** The inode at `path` (a child of this checked directory), or null. */
  private child(path: string): HostInode | null {
    try {
      return new HostInode(this.fs, path, fsLstat(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw host(() => {
        throw error;
      });
    }
  }

  *entries(cookie: bigint): Iterable<DirEntry> {
    if (this.kind !== 'dir') fail(Errno.ENOTDIR);
    this.current();
    // Host directories have no stable cookies: number the sorted names (stable while nothing changes).
    const names = host(() => fs.readdirSync(this.path)).sort();
    let index = 0n;
    for (const name of names) {
      index++;
      if (index <= cookie) continue;
      const child = this.child(join(this.path, name));
      if (child) yield { name, ino: child.ino, kind: child.kind, cookie: index };
    }
  }

  create(name: string, kind: FileKind, options: CreateOptions): Inode {
    this.fs.checkWritable();
    const path = this.childPath(name);
    switch (kind) {
      case 'file':
        host(() => fs.closeSync(fs.openSync(path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, options.mode)));
        break;
      case 'dir':
        host(() => fs.mkdirSync(path, { mode: options.mode }));
        break;
      case 'symlink':
        host(() => fs.symlinkSync(options.target ?? '', path));
        break;
      default:
        fail(Errno.EPERM, `cannot create a ${kind} in a host directory`);
    }
    return new HostInode(this.fs, path);
  }

  link(name: string, target: Inode): void {
    this.fs.checkWritable();
    if (!(target instanceof HostInode) || target.fs !== this.fs) fail(Errno.EXDEV);
    target.current();
    // link(2) does not follow a symlink source on Linux.
    host(() => fs.linkSync(target.path, this.childPath(name)));
  }

  unlink(name: string): void {
    this.fs.checkWritable();
    host(() => fs.unlinkSync(this.childPath(name)));
  }

  rmdir(name: string): void {
    this.fs.checkWritable();
    host(() => fs.rmdirSync(this.childPath(name)));
  }

  rename(name: string, newParent: Inode, newName: string): void {
    this.fs.checkWritable();
    if (!(newParent instanceof HostInode) || newParent.fs !== this.fs) fail(Errno.EXDEV);
    host(() => fs.renameSync(this.childPath(name), newParent.childPath(newName)));
  }

  readlink(): string {
    if (this.kind !== 'symlink') fail(Errno.EINVAL);
    this.current();
    return host(() => fs.readlinkSync(this.path));
  }
}

function fsLstat(path: string): fs.BigIntStats {
  return fs.lstatSync(path, { bigint: true });
}
