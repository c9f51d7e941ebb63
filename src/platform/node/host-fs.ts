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

const { O_RDONLY, O_WRONLY, O_NOFOLLOW, O_CREAT, O_EXCL } = fs.constants;

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
 * the host follow a symlink (lstat, O_NOFOLLOW), so nothing outside the
 * directory is reachable. Device nodes are shown but cannot be opened
 * (the kernel refuses them unless they are its own).
 *
 * Inodes are identified by host path; a rename elsewhere on the host is not
 * seen by open fds (they keep the old path).
 */
export class HostFs implements FileSystem {
  readonly dev = allocateDev();
  readonly type = 'bind';

  constructor(
    readonly hostRoot: string,
    readonly readOnly = false,
  ) {
    const stat = host(() => fs.statSync(hostRoot));
    if (!stat.isDirectory()) fail(Errno.ENOTDIR, hostRoot);
  }

  root(): Inode {
    return new HostInode(this, this.hostRoot);
  }

  statfs(): StatFs {
    const s = host(() => fs.statfsSync(this.hostRoot));
    return { blockSize: s.bsize, totalBlocks: s.blocks, freeBlocks: s.bavail, files: s.files };
  }

  async sync(): Promise<void> {}

  checkWritable(): void {
    if (this.readOnly) fail(Errno.EROFS);
  }
}

class HostInode implements Inode {
  readonly ino: number;
  readonly kind: FileKind;

  constructor(
    readonly fs: HostFs,
    readonly path: string,
    known?: fs.BigIntStats,
  ) {
    const stat = known ?? host(() => fsLstat(path));
    this.ino = Number(stat.ino);
    this.kind = kindOf(stat);
  }

  stat(): Stat {
    const s = host(() => fsLstat(this.path));
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

  setAttr(change: AttrChange): void {
    this.fs.checkWritable();
    if (change.size !== undefined) {
      if (this.kind !== 'file') fail(this.kind === 'dir' ? Errno.EISDIR : Errno.EINVAL);
      host(() => fs.truncateSync(this.path, change.size));
    }
    if (change.mode !== undefined) host(() => fs.chmodSync(this.path, change.mode!));
    if (change.uid !== undefined || change.gid !== undefined) {
      const s = this.stat();
      host(() => fs.lchownSync(this.path, change.uid ?? s.uid, change.gid ?? s.gid));
    }
    if (change.atimeNs !== undefined || change.mtimeNs !== undefined) {
      const s = this.stat();
      const toDate = (ns: bigint) => new Date(Number(ns / 1_000_000n));
      host(() => fs.lutimesSync(this.path, toDate(change.atimeNs ?? s.atimeNs), toDate(change.mtimeNs ?? s.mtimeNs)));
    }
  }

  read(offset: number, length: number): Uint8Array {
    if (this.kind === 'dir') fail(Errno.EISDIR);
    const fd = host(() => fs.openSync(this.path, O_RDONLY | O_NOFOLLOW));
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
    const fd = host(() => fs.openSync(this.path, O_WRONLY | O_NOFOLLOW));
    try {
      let done = 0;
      while (done < data.length) done += host(() => fs.writeSync(fd, data, done, data.length - done, offset + done));
      return done;
    } finally {
      fs.closeSync(fd);
    }
  }

  private childPath(name: string): string {
    if (this.kind !== 'dir') fail(Errno.ENOTDIR);
    return join(this.path, name);
  }

  lookup(name: string): Inode | null {
    const path = this.childPath(name);
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
    // Host directories have no stable cookies: number the sorted names (stable while nothing changes).
    const names = host(() => fs.readdirSync(this.path)).sort();
    let index = 0n;
    for (const name of names) {
      index++;
      if (index <= cookie) continue;
      const child = this.lookup(name);
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
    return host(() => fs.readlinkSync(this.path));
  }
}

function fsLstat(path: string): fs.BigIntStats {
  return fs.lstatSync(path, { bigint: true });
}
