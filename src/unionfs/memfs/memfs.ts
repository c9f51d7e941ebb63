import { Errno, fail } from '../../common/errno.ts';
import { nowNs } from '../../common/time.ts';
import type {
  AttrChange,
  CreateOptions,
  DirEntry,
  FileKind,
  FileSystem,
  Inode,
  Stat,
  StatFs,
} from '../vfs/types.ts';
import { PERM_MASK } from '../vfs/types.ts';
import { FileData, MAX_FILE_SIZE } from './file-data.ts';

let nextDev = 1;
/** A fresh device number for a new filesystem instance. */
export function allocateDev(): number {
  return nextDev++;
}

export interface MemFsOptions {
  type?: string;
  readOnly?: boolean;
  /** Upper bound on the bytes of file data (tmpfs size=, storage quotas); ENOSPC beyond it. */
  sizeLimit?: number;
  rootMode?: number;
  /**
   * Asked before the file data grows, after `sizeLimit` (the engine's global
   * storage quota for containers' writable layers, see
   * src/unionfs/store/storage-budget.ts).
   */
  guard?: SpaceGuard;
}

/** A second opinion on growth: false makes the write fail with ENOSPC. */
export interface SpaceGuard {
  /** Whether `fs` (using `fs.used` bytes now) may grow by `delta` more bytes. */
  allow(fs: MemFs, delta: number): boolean;
}

/**
 * An in-memory filesystem: the writable layer of containers, tmpfs, and the
 * sandbox root of `drydock wasm run`. Inode numbers are per instance.
 */
export class MemFs implements FileSystem {
  readonly dev = allocateDev();
  readonly type: string;
  readonly readOnly: boolean;
  /** The size limit (Infinity for none); see setSizeLimit. */
  sizeLimit: number;
  readonly guard: SpaceGuard | null;
  /** Bytes of file data currently allocated, for the size limit. */
  used = 0;
  /**
   * Counts the changes made so far (data, attributes, names): whoever saves
   * the tree (memfs-tar.ts) remembers the generation it saved and need not
   * save again while it is the same.
   */
  generation = 0;
  private nextIno = 1;
  private readonly rootNode: MemInode;

  constructor(options: MemFsOptions = {}) {
    this.type = options.type ?? 'tmpfs';
    this.readOnly = options.readOnly ?? false;
    this.sizeLimit = options.sizeLimit ?? Number.POSITIVE_INFINITY;
    this.guard = options.guard ?? null;
    this.rootNode = new MemInode(this, 'dir', { mode: options.rootMode ?? 0o755, uid: 0, gid: 0 });
    this.rootNode.nlink = 2;
  }

  allocateIno(): number {
    return this.nextIno++;
  }

  root(): Inode {
    return this.rootNode;
  }

  statfs(): StatFs {
    const blockSize = 4096;
    const total = Number.isFinite(this.sizeLimit) ? this.sizeLimit : 2 ** 40;
    return {
      blockSize,
      totalBlocks: Math.floor(total / blockSize),
      freeBlocks: Math.max(0, Math.floor((total - this.used) / blockSize)),
      files: this.nextIno - 1,
    };
  }

  async sync(): Promise<void> {}

  /**
   * Sets the size limit (Infinity for none). Data already above it stays;
   * only growth is refused (a restored writable layer is loaded first and
   * limited afterwards, so loading never fails on a limit).
   */
  setSizeLimit(bytes: number): void {
    this.sizeLimit = bytes;
  }

  /** Throws ENOSPC unless `delta` more bytes fit under the size limit and the guard. */
  checkGrowth(delta: number): void {
    if (delta <= 0) return;
    if (this.used + delta > this.sizeLimit) fail(Errno.ENOSPC);
    if (this.guard && !this.guard.allow(this, delta)) fail(Errno.ENOSPC);
  }

  /** Accounts for `delta` more bytes of file data, or throws ENOSPC (and accounts nothing). */
  charge(delta: number): void {
    this.checkGrowth(delta);
    this.used += delta;
  }
}

interface DirSlot {
  inode: MemInode;
  cookie: bigint;
}

export class MemInode implements Inode {
  readonly ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink = 1;
  rdev = 0;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** Regular files. */
  data: FileData | null = null;
  /** Directories: entries in insertion order; cookies only ever grow. */
  private children: Map<string, DirSlot> | null = null;
  private nextCookie = 1n;
  /** Symlinks. */
  target = '';

  constructor(
    readonly fs: MemFs,
    readonly kind: FileKind,
    options: CreateOptions,
  ) {
    this.ino = fs.allocateIno();
    this.mode = options.mode & PERM_MASK;
    this.uid = options.uid;
    this.gid = options.gid;
    this.rdev = options.rdev ?? 0;
    this.atimeNs = this.mtimeNs = this.ctimeNs = nowNs();
    if (kind === 'file') this.data = new FileData();
    if (kind === 'dir') this.children = new Map();
    if (kind === 'symlink') this.target = options.target ?? '';
  }

  stat(): Stat {
    const size =
      this.kind === 'file' ? this.data!.size : this.kind === 'symlink' ? this.target.length : this.kind === 'dir' ? 4096 : 0;
    const allocated = this.kind === 'file' ? this.data!.allocated : this.kind === 'dir' ? 4096 : 0;
    return {
      dev: this.fs.dev,
      ino: this.ino,
      kind: this.kind,
      mode: this.mode,
      nlink: this.nlink,
      uid: this.uid,
      gid: this.gid,
      rdev: this.rdev,
      size,
      blocks: Math.ceil(allocated / 512),
      atimeNs: this.atimeNs,
      mtimeNs: this.mtimeNs,
      ctimeNs: this.ctimeNs,
    };
  }

  setAttr(change: AttrChange): void {
    this.checkWritable();
    if (change.size !== undefined) {
      if (this.kind === 'dir') fail(Errno.EISDIR);
      if (this.kind !== 'file') fail(Errno.EINVAL);
      const before = this.data!.allocated;
      this.data!.truncate(change.size);
      this.fs.charge(this.data!.allocated - before);
      this.mtimeNs = nowNs();
    }
    if (change.mode !== undefined) this.mode = change.mode & PERM_MASK;
    if (change.uid !== undefined) this.uid = change.uid;
    if (change.gid !== undefined) this.gid = change.gid;
    if (change.atimeNs !== undefined) this.atimeNs = change.atimeNs;
    if (change.mtimeNs !== undefined) this.mtimeNs = change.mtimeNs;
    this.ctimeNs = nowNs();
    this.fs.generation++;
  }

  read(offset: number, length: number): Uint8Array {
    if (this.kind === 'dir') fail(Errno.EISDIR);
    if (!this.data) fail(Errno.EINVAL);
    return this.data.read(offset, length);
  }

  write(offset: number, bytes: Uint8Array): number {
    if (this.kind === 'dir') fail(Errno.EISDIR);
    if (!this.data) fail(Errno.EINVAL);
    this.checkWritable();
    if (offset + bytes.length > MAX_FILE_SIZE) fail(Errno.EFBIG);
    // Check the exact growth before writing, so a write that fails changes nothing.
    this.fs.checkGrowth(this.data.growthFor(offset, bytes.length));
    const before = this.data.allocated;
    this.data.write(offset, bytes);
    this.fs.used += this.data.allocated - before;
    this.mtimeNs = this.ctimeNs = nowNs();
    this.fs.generation++;
    return bytes.length;
  }

  lookup(name: string): Inode | null {
    return this.dir().get(name)?.inode ?? null;
  }

  *entries(cookie: bigint): Iterable<DirEntry> {
    for (const [name, slot] of this.dir()) {
      if (slot.cookie <= cookie) continue;
      yield { name, ino: slot.inode.ino, kind: slot.inode.kind, cookie: slot.cookie };
    }
  }

  create(name: string, kind: FileKind, options: CreateOptions): Inode {
    const dir = this.dir();
    this.checkWritable();
    if (dir.has(name)) fail(Errno.EEXIST);
    const inode = new MemInode(this.fs, kind, options);
    if (kind === 'dir') {
      inode.nlink = 2;
      this.nlink++;
    }
    this.insert(name, inode);
    return inode;
  }

  link(name: string, target: Inode): void {
    const dir = this.dir();
    this.checkWritable();
    if (!(target instanceof MemInode) || target.fs !== this.fs) fail(Errno.EXDEV);
    if (target.kind === 'dir') fail(Errno.EPERM);
    if (dir.has(name)) fail(Errno.EEXIST);
    target.nlink++;
    target.ctimeNs = nowNs();
    this.insert(name, target);
  }

  unlink(name: string): void {
    const slot = this.dir().get(name);
    this.checkWritable();
    if (!slot) fail(Errno.ENOENT);
    if (slot.inode.kind === 'dir') fail(Errno.EISDIR);
    this.remove(name, slot.inode);
  }

  rmdir(name: string): void {
    const slot = this.dir().get(name);
    this.checkWritable();
    if (!slot) fail(Errno.ENOENT);
    if (slot.inode.kind !== 'dir') fail(Errno.ENOTDIR);
    if (slot.inode.dir().size > 0) fail(Errno.ENOTEMPTY);
    this.remove(name, slot.inode);
  }

  rename(name: string, newParent: Inode, newName: string): void {
    const slot = this.dir().get(name);
    this.checkWritable();
    if (!slot) fail(Errno.ENOENT);
    if (!(newParent instanceof MemInode) || newParent.fs !== this.fs) fail(Errno.EXDEV);
    const targetDir = newParent.dir();
    const moving = slot.inode;
    const existing = targetDir.get(newName)?.inode;
    if (existing === moving) return;
    if (existing) {
      if (moving.kind === 'dir') {
        if (existing.kind !== 'dir') fail(Errno.ENOTDIR);
        if (existing.dir().size > 0) fail(Errno.ENOTEMPTY);
      } else if (existing.kind === 'dir') {
        fail(Errno.EISDIR);
      }
    }
    // From here on nothing can fail: the move is all-or-nothing.
    if (existing) newParent.remove(newName, existing);
    this.dir().delete(name);
    if (moving.kind === 'dir' && newParent !== this) {
      this.nlink--;
      newParent.nlink++;
    }
    newParent.insert(newName, moving);
    const now = nowNs();
    this.mtimeNs = this.ctimeNs = now;
    newParent.mtimeNs = newParent.ctimeNs = now;
    moving.ctimeNs = now;
  }

  readlink(): string {
    if (this.kind !== 'symlink') fail(Errno.EINVAL);
    return this.target;
  }

  private dir(): Map<string, DirSlot> {
    if (!this.children) fail(Errno.ENOTDIR);
    return this.children;
  }

  private insert(name: string, inode: MemInode): void {
    this.dir().set(name, { inode, cookie: this.nextCookie++ });
    this.mtimeNs = this.ctimeNs = nowNs();
    this.fs.generation++;
  }

  private remove(name: string, inode: MemInode): void {
    this.dir().delete(name);
    if (inode.kind === 'dir') {
      this.nlink--;
      inode.nlink = 0;
    } else {
      inode.nlink--;
    }
    if (inode.nlink === 0 && inode.data) {
      // The data stays readable through open fds; its space is released now.
      this.fs.charge(-inode.data.allocated);
    }
    inode.ctimeNs = this.mtimeNs = this.ctimeNs = nowNs();
    this.fs.generation++;
  }

  private checkWritable(): void {
    if (this.fs.readOnly) fail(Errno.EROFS);
  }
}
