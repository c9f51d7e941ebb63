/**
 * One name of the merged view: an upper inode, a lower node, or both.
 *
 * Ownership: an `OverlayInode` belongs to its `OverlayFs`. Directory inodes
 * own a cache of their children's inodes, so the same path gives the same
 * object for as long as the name exists; every operation that changes a name
 * goes through the directory's methods here and keeps that cache exact.
 * Copy-up changes an inode in place (`upper` is set), so after it every
 * holder, cached lookups and open fds alike, sees the upper version.
 *
 * The upper layer is kept in OCI form: a deleted lower name is a whiteout
 * file ".wh.NAME", a directory hiding its lower contents holds ".wh..wh..opq".
 * Both are hidden from the merged view and are exactly what `commitUpper`
 * writes. Invariant: a name and its whiteout never both exist in an upper
 * directory.
 */
import { Errno, fail } from '../../common/errno.ts';
import { utf8 } from '../../common/bytes.ts';
import type { LayerNode } from '../layer/tree.ts';
import { PAGE_SIZE } from '../memfs/file-data.ts';
import { OPAQUE_MARKER, WHITEOUT_PREFIX } from '../tar/oci-names.ts';
import type { AttrChange, CreateOptions, DirEntry, FileKind, Inode, Stat } from '../vfs/types.ts';
import type { LowerIndex } from './lower-index.ts';
import { buildLowerIndex, metadataNode } from './lower-index.ts';
import type { OverlayFs } from './overlay-fs.ts';

/** Whiteouts and markers: names the merged view never shows and never lets anyone create. */
export function isReservedName(name: string): boolean {
  return name.startsWith(WHITEOUT_PREFIX);
}

/** Creates an empty marker file (whiteout or opaque marker) with fixed metadata, so commits are canonical. */
function createMarker(dir: Inode, name: string): void {
  const marker = dir.create(name, 'file', { mode: 0o600, uid: 0, gid: 0 });
  marker.setAttr({ atimeNs: 0n, mtimeNs: 0n });
}

/** Runs `change` on directory `dir` without it showing in `dir`'s times (copy-up is not a visible change). */
function keepTimes<T>(dir: Inode, change: () => T): T {
  const before = dir.stat();
  try {
    return change();
  } finally {
    dir.setAttr({ atimeNs: before.atimeNs, mtimeNs: before.mtimeNs });
  }
}

/** Removes every whiteout and marker from an upper directory (before the directory itself goes). */
function purgeMarkers(dir: Inode): void {
  const names: string[] = [];
  for (const entry of dir.entries(0n)) if (isReservedName(entry.name)) names.push(entry.name);
  for (const name of names) dir.unlink(name);
}

function hasOpaqueMarker(dir: Inode): boolean {
  return dir.lookup(OPAQUE_MARKER) !== null;
}

export class OverlayInode implements Inode {
  readonly ino: number;
  readonly kind: FileKind;
  /** Set once the name has an upper inode (created there, or copied up). */
  upper: Inode | null;
  /** Non-directories: the topmost lower node, if the name comes from a lower layer. */
  private readonly lowerFile: LayerNode | null;
  /** Directories: the lower merge stack (top first); empty for pure-upper and opaque directories. */
  private readonly lowerDirs: readonly LayerNode[];
  private index: LowerIndex | null = null;
  /** Directories: the lower node whose metadata this directory shows (found once: the stack never changes). */
  private dirMeta: LayerNode | null = null;
  private readonly children = new Map<string, OverlayInode>();
  /** Removed from the tree (unlinked, rmdir'ed, renamed over): it lives on only through open fds. */
  detached = false;

  constructor(
    readonly fs: OverlayFs,
    upper: Inode | null,
    lower: { file: LayerNode | null; dirs: readonly LayerNode[] },
    /** The directory holding this name, and the name; null and '' for the root. */
    public parent: OverlayInode | null,
    public name: string,
  ) {
    this.upper = upper;
    this.lowerFile = lower.file;
    this.lowerDirs = lower.dirs;
    this.kind = upper?.kind ?? lower.file?.kind ?? 'dir';
    this.ino = upper ? fs.inoForUpper(upper) : fs.inoForLower(lower.file ?? lower.dirs[0]!);
  }

  /** True if lower layers contribute to this name (a lower file, or a directory merged with lower ones). */
  get hasLower(): boolean {
    return this.lowerFile !== null || this.lowerDirs.length > 0;
  }

  // ---- attributes and data

  stat(): Stat {
    if (this.upper) {
      const s = this.upper.stat();
      const merged = this.kind === 'dir' && this.lowerDirs.length > 0;
      return { ...s, dev: this.fs.dev, ino: this.ino, nlink: merged ? 1 : s.nlink };
    }
    const node = this.kind === 'dir' ? this.lowerDirMeta() : this.lowerFile!;
    let size = 0;
    let allocated = 0;
    if (node.kind === 'file') size = allocated = node.data!.size;
    else if (node.kind === 'symlink') size = utf8(node.target).length;
    else if (node.kind === 'dir') size = allocated = 4096;
    return {
      dev: this.fs.dev,
      ino: this.ino,
      kind: node.kind,
      mode: node.mode,
      nlink: this.kind === 'dir' && this.lowerDirs.length > 1 ? 1 : node.nlink,
      uid: node.uid,
      gid: node.gid,
      rdev: 0,
      size,
      blocks: Math.ceil(allocated / 512),
      atimeNs: node.atimeNs,
      mtimeNs: node.mtimeNs,
      ctimeNs: node.ctimeNs,
    };
  }

  setAttr(change: AttrChange): void {
    this.checkWritable();
    if (change.size !== undefined) {
      if (this.kind === 'dir') fail(Errno.EISDIR);
      if (this.kind !== 'file') fail(Errno.EINVAL);
    }
    this.copyUp(change.size);
    this.upper!.setAttr(change);
  }

  read(offset: number, length: number): Uint8Array {
    if (this.kind === 'dir') fail(Errno.EISDIR);
    if (this.upper) return this.upper.read(offset, length);
    const data = this.lowerFile!.data;
    if (!data) fail(Errno.EINVAL);
    return data.read(offset, length);
  }

  write(offset: number, data: Uint8Array): number {
    if (this.kind === 'dir') fail(Errno.EISDIR);
    if (this.kind !== 'file') fail(Errno.EINVAL);
    this.checkWritable();
    this.copyUp();
    return this.upper!.write(offset, data);
  }

  readlink(): string {
    if (this.kind !== 'symlink') fail(Errno.EINVAL);
    return this.upper ? this.upper.readlink() : this.lowerFile!.target;
  }

  // ---- directory reads

  lookup(name: string): OverlayInode | null {
    this.dirOnly();
    if (isReservedName(name)) return null;
    const cached = this.children.get(name);
    if (cached) return cached;
    const upperChild = this.upper?.lookup(name) ?? null;
    const lower = this.lowerIndex().byName.get(name) ?? null;
    if (!upperChild && (!lower || this.upper?.lookup(WHITEOUT_PREFIX + name))) return null;
    let child: OverlayInode;
    if (upperChild) {
      const merges = upperChild.kind === 'dir' && lower !== null && lower.node.kind === 'dir' && !hasOpaqueMarker(upperChild);
      child = new OverlayInode(
        this.fs,
        upperChild,
        { file: upperChild.kind !== 'dir' ? (lower?.node ?? null) : null, dirs: merges ? lower!.dirs : [] },
        this,
        name,
      );
    } else {
      child = new OverlayInode(this.fs, null, { file: lower!.node.kind === 'dir' ? null : lower!.node, dirs: lower!.dirs }, this, name);
    }
    this.children.set(name, child);
    return child;
  }

  /**
   * Merged entries with stable cookies: lower names keep their index position
   * (1..L) whether or not they were copied up; upper-only names use L + their
   * upper cookie. Whited-out names are skipped, markers never shown, and no
   * name appears twice.
   */
  *entries(cookie: bigint): Iterable<DirEntry> {
    this.dirOnly();
    const index = this.lowerIndex();
    const lowerCount = BigInt(index.ordered.length);
    for (let i = Number(cookie < lowerCount ? cookie : lowerCount); i < index.ordered.length; i++) {
      const entry = index.ordered[i]!;
      const child = this.lookup(entry.name);
      if (!child) continue;
      yield { name: entry.name, ino: child.ino, kind: child.kind, cookie: entry.cookie };
    }
    if (!this.upper) return;
    const after = cookie > lowerCount ? cookie - lowerCount : 0n;
    for (const entry of this.upper.entries(after)) {
      if (isReservedName(entry.name) || index.byName.has(entry.name)) continue;
      const child = this.lookup(entry.name);
      if (!child) continue;
      yield { name: entry.name, ino: child.ino, kind: child.kind, cookie: lowerCount + entry.cookie };
    }
  }

  // ---- directory changes

  create(name: string, kind: FileKind, options: CreateOptions): Inode {
    this.checkDirChange(name);
    if (this.lookup(name)) fail(Errno.EEXIST);
    this.copyUpDir();
    const upper = this.upper!;
    const whiteout = WHITEOUT_PREFIX + name;
    const hadWhiteout = upper.lookup(whiteout) !== null;
    const created = upper.create(name, kind, options);
    // A new directory where a lower one was deleted must not show the old contents.
    if (kind === 'dir' && this.lowerIndex().byName.get(name)?.node.kind === 'dir') {
      keepTimes(created, () => createMarker(created, OPAQUE_MARKER));
    }
    if (hadWhiteout) upper.unlink(whiteout);
    const child = new OverlayInode(this.fs, created, { file: null, dirs: [] }, this, name);
    this.children.set(name, child);
    return child;
  }

  link(name: string, target: Inode): void {
    this.checkDirChange(name);
    if (!(target instanceof OverlayInode) || target.fs !== this.fs) fail(Errno.EXDEV);
    if (target.kind === 'dir') fail(Errno.EPERM);
    if (this.lookup(name)) fail(Errno.EEXIST);
    target.copyUp();
    this.copyUpDir();
    const upper = this.upper!;
    const whiteout = WHITEOUT_PREFIX + name;
    const hadWhiteout = upper.lookup(whiteout) !== null;
    upper.link(name, target.upper!);
    if (hadWhiteout) upper.unlink(whiteout);
    this.children.delete(name);
  }

  unlink(name: string): void {
    this.checkDirChange(name);
    const child = this.lookup(name);
    if (!child) fail(Errno.ENOENT);
    if (child.kind === 'dir') fail(Errno.EISDIR);
    this.removeChild(name, child);
  }

  rmdir(name: string): void {
    this.checkDirChange(name);
    const child = this.lookup(name);
    if (!child) fail(Errno.ENOENT);
    if (child.kind !== 'dir') fail(Errno.ENOTDIR);
    if (!child.isEmpty()) fail(Errno.ENOTEMPTY);
    this.removeChild(name, child);
  }

  /**
   * Renames within the overlay. Files are copied up first. A directory that
   * lower layers contribute to cannot move: EXDEV, as Linux overlayfs answers
   * without redirect_dir (`mv` then copies and deletes). Directories that live
   * only in the upper layer move freely; one that lands on a name where a
   * lower directory was becomes opaque.
   */
  rename(name: string, newParent: Inode, newName: string): void {
    this.checkDirChange(name);
    if (!(newParent instanceof OverlayInode) || newParent.fs !== this.fs) fail(Errno.EXDEV);
    newParent.checkDirChange(newName);
    const moving = this.lookup(name);
    if (!moving) fail(Errno.ENOENT);
    if (moving.kind === 'dir' && moving.hasLower) fail(Errno.EXDEV, `rename of directory ${JSON.stringify(name)} that lower layers provide`);
    const replaced = newParent.lookup(newName);
    if (replaced === moving) return;
    if (replaced) {
      if (moving.isSameFile(replaced)) return; // two links to one file: POSIX says do nothing
      if (moving.kind === 'dir') {
        if (replaced.kind !== 'dir') fail(Errno.ENOTDIR);
        if (!replaced.isEmpty()) fail(Errno.ENOTEMPTY);
      } else if (replaced.kind === 'dir') {
        fail(Errno.EISDIR);
      }
    }

    moving.copyUp();
    this.copyUpDir();
    newParent.copyUpDir();
    const fromUpper = this.upper!;
    const toUpper = newParent.upper!;
    if (replaced?.upper && replaced.kind === 'dir') purgeMarkers(replaced.upper);
    if (moving.kind === 'dir' && newParent.lowerIndex().byName.get(newName)?.node.kind === 'dir' && !hasOpaqueMarker(moving.upper!)) {
      const dir = moving.upper!;
      keepTimes(dir, () => createMarker(dir, OPAQUE_MARKER));
    }
    const sourceWhiteout = this.lowerIndex().byName.has(name);
    if (sourceWhiteout) createMarker(fromUpper, WHITEOUT_PREFIX + name);
    try {
      fromUpper.rename(name, toUpper, newName);
    } catch (error) {
      if (sourceWhiteout) fromUpper.unlink(WHITEOUT_PREFIX + name);
      throw error;
    }
    if (toUpper.lookup(WHITEOUT_PREFIX + newName)) toUpper.unlink(WHITEOUT_PREFIX + newName);

    this.children.delete(name);
    if (replaced) replaced.detached = true;
    newParent.children.set(newName, moving);
    moving.parent = newParent;
    moving.name = newName;
  }

  // ---- copy-up

  /**
   * Makes this non-directory exist in the upper layer with the lower data and
   * metadata (mode, uid, gid, atime, mtime), creating parent directories as
   * needed; the parent's times are left as they were. Other names of the same
   * lower hard link that the merged view still shows are linked to the copy,
   * so hard links stay hard links. `keepBytes` limits the data copied (a
   * truncate is about to cut it anyway).
   */
  copyUp(keepBytes?: number): void {
    if (this.kind === 'dir') {
      this.copyUpDir();
      return;
    }
    if (this.upper) return;
    this.checkWritable();
    const lower = this.lowerFile!;
    if (this.detached) {
      this.upper = this.fs.orphanCopy((dir, name) => this.copyInto(dir, name, lower, keepBytes));
      this.fs.adoptIno(this.upper, this.ino);
      return;
    }
    const parent = this.parent!;
    parent.copyUpDir();
    const dir = parent.upper!;
    const created = keepTimes(dir, () => this.copyInto(dir, this.name, lower, keepBytes));
    this.upper = created;
    this.fs.adoptIno(created, this.ino);
    if (lower.nlink > 1) this.fs.copyUpLinks(this, lower, created);
  }

  /** Makes this directory exist in the upper layer (empty, with the lower metadata), parents first. */
  copyUpDir(): void {
    if (this.upper) return;
    this.checkWritable();
    if (this.detached || !this.parent) fail(Errno.ENOENT);
    this.parent.copyUpDir();
    const dir = this.parent.upper!;
    const meta = this.lowerDirMeta();
    const created = keepTimes(dir, () => {
      const made = dir.create(this.name, 'dir', { mode: meta.mode, uid: meta.uid, gid: meta.gid });
      made.setAttr({ atimeNs: meta.atimeNs, mtimeNs: meta.mtimeNs });
      return made;
    });
    this.upper = created;
    this.fs.adoptIno(created, this.ino);
  }

  /** Links `upper` (the copy of a hard-linked lower file) under this name, which still shows that lower file. */
  adoptLinkedCopy(upper: Inode): void {
    const parent = this.parent!;
    parent.copyUpDir();
    const dir = parent.upper!;
    keepTimes(dir, () => dir.link(this.name, upper));
    this.upper = upper;
  }

  /** True if both names are links to one file (the same upper inode, or the same lower node not yet copied up). */
  isSameFile(other: OverlayInode): boolean {
    if (this.kind === 'dir' || other.kind === 'dir') return this === other;
    if (this.upper || other.upper) return this.upper === other.upper;
    return this.lowerFile === other.lowerFile;
  }

  /** The immutable layer file this name shows, until it is copied up (see Inode.contentIdentity). */
  contentIdentity(): object | null {
    return this.upper || this.kind !== 'file' ? null : (this.lowerFile?.data ?? null);
  }

  /** The lower node this non-directory shows, if it has not been copied up. */
  get lowerOnlyFile(): LayerNode | null {
    return this.upper ? null : this.lowerFile;
  }

  // ---- internals

  private copyInto(dir: Inode, name: string, lower: LayerNode, keepBytes?: number): Inode {
    const created = dir.create(name, lower.kind, { mode: lower.mode, uid: lower.uid, gid: lower.gid, target: lower.target });
    try {
      if (lower.kind === 'file') {
        const data = lower.data!;
        const length = Math.min(data.size, keepBytes ?? data.size);
        for (let at = 0; at < length; at += PAGE_SIZE) created.write(at, data.read(at, Math.min(PAGE_SIZE, length - at)));
      }
      created.setAttr({ atimeNs: lower.atimeNs, mtimeNs: lower.mtimeNs });
    } catch (error) {
      dir.unlink(name); // e.g. ENOSPC halfway: leave no partial copy behind
      throw error;
    }
    return created;
  }

  private removeChild(name: string, child: OverlayInode): void {
    const needsWhiteout = this.lowerIndex().byName.has(name);
    if (needsWhiteout) {
      this.copyUpDir();
      createMarker(this.upper!, WHITEOUT_PREFIX + name);
    }
    if (child.upper) {
      if (child.kind === 'dir') {
        purgeMarkers(child.upper);
        this.upper!.rmdir(name);
      } else {
        this.upper!.unlink(name);
      }
    }
    this.children.delete(name);
    child.detached = true;
  }

  private isEmpty(): boolean {
    for (const _ of this.entries(0n)) return false;
    return true;
  }

  private lowerDirMeta(): LayerNode {
    this.dirMeta ??= metadataNode(this.lowerDirs);
    return this.dirMeta;
  }

  lowerIndex(): LowerIndex {
    this.index ??= buildLowerIndex(this.lowerDirs);
    return this.index;
  }

  private dirOnly(): void {
    if (this.kind !== 'dir') fail(Errno.ENOTDIR);
  }

  private checkDirChange(name: string): void {
    this.dirOnly();
    this.checkWritable();
    if (this.detached) fail(Errno.ENOENT);
    if (isReservedName(name)) fail(Errno.EINVAL, `names starting with ${WHITEOUT_PREFIX} are reserved for whiteouts`);
  }

  private checkWritable(): void {
    if (this.fs.readOnly) fail(Errno.EROFS);
  }
}
