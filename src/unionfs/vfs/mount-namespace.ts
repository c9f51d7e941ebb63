import { Errno, ErrnoError, fail } from '../../common/errno.ts';
import { nowNs } from '../../common/time.ts';
import type { Credentials } from './credentials.ts';
import { MAY_EXEC, MAY_WRITE, permits } from './credentials.ts';
import type { CreateOptions, FileKind, FileSystem, Inode } from './types.ts';

/** Symlinks followed in one resolution before ELOOP (Linux's limit). */
export const MAX_SYMLINKS = 40;
export const NAME_MAX = 255;
export const PATH_MAX = 4096;

export interface MountOptions {
  readOnly?: boolean;
  /** The source shown in /proc/mounts ("overlay", "tmpfs", a volume name, a host path). */
  source?: string;
  /** Extra options shown in /proc/mounts (without rw/ro). */
  options?: string;
}

export class Mount {
  constructor(
    /** Canonical absolute path of the mount point in its namespace. */
    readonly path: string,
    readonly fs: FileSystem,
    readonly readOnly: boolean,
    readonly source: string,
    readonly options: string,
  ) {}
}

/** A resolved name: an inode, the mount it was found in, and its canonical path. */
export interface Location {
  readonly inode: Inode;
  readonly mount: Mount;
  readonly path: string;
}

export interface ParentAndName {
  readonly parent: Location;
  /** The last component; "." or ".." when the path ends with one of them. */
  readonly name: string;
  /** The path ended with "/" (the target must be a directory). */
  readonly trailingSlash: boolean;
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

export function dirname(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

function components(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

/**
 * A mount namespace: a table of mounts and the path walk over it.
 *
 * Resolution is confined to the namespace root: ".." at the root stays there,
 * absolute symlink targets restart from the root, so no path, symlink or mount
 * reaches anything the namespace was not given. Mount points are found by
 * canonical path, so a mount is crossed however the path reaches it.
 */
export class MountNamespace {
  private readonly mounts = new Map<string, Mount>();
  private readonly rootMount: Mount;

  constructor(rootFs: FileSystem, options: MountOptions = {}) {
    this.rootMount = new Mount('/', rootFs, options.readOnly ?? false, options.source ?? rootFs.type, options.options ?? '');
  }

  root(): Location {
    return { inode: this.rootMount.fs.root(), mount: this.rootMount, path: '/' };
  }

  /**
   * Mounts `fs` on the existing `path` (resolved as root would): a directory
   * filesystem on a directory, or a single-file filesystem on a file.
   */
  mount(path: string, fs: FileSystem, options: MountOptions = {}): Mount {
    const at = this.resolve(this.root(), path, { follow: true, creds: { uid: 0, gid: 0, groups: [] } });
    const isDir = fs.root().kind === 'dir';
    if (isDir && at.inode.kind !== 'dir') fail(Errno.ENOTDIR, path);
    if (!isDir && at.inode.kind === 'dir') fail(Errno.EISDIR, path);
    const mount = new Mount(at.path, fs, options.readOnly ?? false, options.source ?? fs.type, options.options ?? '');
    this.mounts.set(at.path, mount);
    return mount;
  }

  unmount(path: string): void {
    if (!this.mounts.delete(path)) fail(Errno.EINVAL, path);
  }

  /** The root mount first, then the others in the order they were made. */
  list(): Mount[] {
    return [this.rootMount, ...this.mounts.values()];
  }

  isMountPoint(path: string): boolean {
    return path === '/' || this.mounts.has(path);
  }

  /** Resolves `path` from `start` (absolute paths from the root). `follow`: follow a final symlink. */
  resolve(start: Location, path: string, opts: { follow: boolean; creds: Credentials }): Location {
    if (path === '') fail(Errno.ENOENT);
    if (path.length >= PATH_MAX) fail(Errno.ENAMETOOLONG);
    const trailingSlash = path.endsWith('/');
    const loc = this.walk(start, path, opts.follow || trailingSlash, opts.creds);
    if (trailingSlash && loc.inode.kind !== 'dir') fail(Errno.ENOTDIR);
    return loc;
  }

  /**
   * Resolves everything but the last component of `path`, for operations that
   * create, remove or rename a name in a directory.
   */
  resolveParent(start: Location, path: string, creds: Credentials): ParentAndName {
    if (path === '') fail(Errno.ENOENT);
    if (path.length >= PATH_MAX) fail(Errno.ENAMETOOLONG);
    const parts = components(path);
    const trailingSlash = path.endsWith('/') && parts.length > 0;
    if (parts.length === 0) return { parent: this.root(), name: '.', trailingSlash: false };
    const name = parts.pop()!;
    if (name.length > NAME_MAX) fail(Errno.ENAMETOOLONG);
    const dirPath = (path.startsWith('/') ? '/' : '') + parts.join('/');
    const parent = dirPath === '' ? start : this.walk(start, dirPath, true, creds);
    if (parent.inode.kind !== 'dir') fail(Errno.ENOTDIR);
    return { parent, name, trailingSlash };
  }

  /** The location of `name` inside directory `dir`, crossing a mount if one sits there. */
  child(dir: Location, name: string): Location | null {
    const inode = dir.inode.lookup(name);
    if (!inode) return null;
    const path = joinPath(dir.path, name);
    const mounted = this.mounts.get(path);
    if (mounted) return { inode: mounted.fs.root(), mount: mounted, path };
    return { inode, mount: dir.mount, path };
  }

  /** The parent of a location (the root is its own parent). */
  parentOf(loc: Location, creds: Credentials): Location {
    if (loc.path === '/') return this.root();
    return this.walk(this.root(), dirname(loc.path), true, creds);
  }

  private walk(start: Location, path: string, followFinal: boolean, creds: Credentials): Location {
    let cur = path.startsWith('/') ? this.root() : start;
    const queue = components(path);
    let symlinks = 0;
    while (queue.length > 0) {
      const name = queue.shift()!;
      if (cur.inode.kind !== 'dir') fail(Errno.ENOTDIR);
      if (!permits(cur.inode.stat(), creds, MAY_EXEC)) fail(Errno.EACCES);
      if (name === '.') continue;
      if (name === '..') {
        cur = this.parentOf(cur, creds);
        continue;
      }
      if (name.length > NAME_MAX) fail(Errno.ENAMETOOLONG);
      const next = this.child(cur, name);
      if (!next) fail(Errno.ENOENT);
      if (next.inode.kind === 'symlink' && next.inode.magic && queue.length === 0) {
        cur = next;
        continue;
      }
      if (next.inode.kind === 'symlink' && (queue.length > 0 || followFinal)) {
        if (++symlinks > MAX_SYMLINKS) fail(Errno.ELOOP);
        const target = next.inode.readlink();
        if (target === '') fail(Errno.ENOENT);
        queue.unshift(...components(target));
        if (target.startsWith('/')) cur = this.root();
        continue;
      }
      cur = next;
    }
    return cur;
  }

  // ---- compound operations: resolution + permission and mount checks + the inode call

  /** Checks that a directory may have entries added or removed by `creds`. */
  checkDirWritable(dir: Location, creds: Credentials): void {
    if (dir.mount.readOnly || dir.inode.fs.readOnly) fail(Errno.EROFS);
    if (!permits(dir.inode.stat(), creds, MAY_WRITE | MAY_EXEC)) fail(Errno.EACCES);
  }

  /** Sticky directories (like /tmp) let only the owner of an entry, of the directory, or root remove it. */
  private checkSticky(dir: Location, victim: Inode, creds: Credentials): void {
    if (creds.uid === 0) return;
    const dirStat = dir.inode.stat();
    if ((dirStat.mode & 0o1000) === 0) return;
    if (victim.stat().uid !== creds.uid && dirStat.uid !== creds.uid) fail(Errno.EPERM);
  }

  create(start: Location, path: string, kind: FileKind, options: CreateOptions, creds: Credentials): Location {
    const { parent, name, trailingSlash } = this.resolveParent(start, path, creds);
    if (name === '.' || name === '..') fail(Errno.EEXIST);
    if (trailingSlash && kind !== 'dir') fail(Errno.ENOTDIR);
    if (parent.inode.lookup(name)) fail(Errno.EEXIST);
    this.checkDirWritable(parent, creds);
    const inode = parent.inode.create(name, kind, options);
    return { inode, mount: parent.mount, path: joinPath(parent.path, name) };
  }

  unlink(start: Location, path: string, creds: Credentials): void {
    const { parent, name, trailingSlash } = this.resolveParent(start, path, creds);
    if (name === '.' || name === '..') fail(Errno.EISDIR);
    const victim = parent.inode.lookup(name);
    if (!victim) fail(Errno.ENOENT);
    if (victim.kind === 'dir') fail(Errno.EISDIR);
    if (trailingSlash) fail(Errno.ENOTDIR);
    this.checkDirWritable(parent, creds);
    this.checkSticky(parent, victim, creds);
    parent.inode.unlink(name);
  }

  rmdir(start: Location, path: string, creds: Credentials): void {
    const { parent, name } = this.resolveParent(start, path, creds);
    if (name === '.') fail(Errno.EINVAL);
    if (name === '..') fail(Errno.ENOTEMPTY);
    const victim = parent.inode.lookup(name);
    if (!victim) fail(Errno.ENOENT);
    if (victim.kind !== 'dir') fail(Errno.ENOTDIR);
    if (this.mounts.has(joinPath(parent.path, name))) fail(Errno.EBUSY);
    this.checkDirWritable(parent, creds);
    this.checkSticky(parent, victim, creds);
    parent.inode.rmdir(name);
  }

  link(oldStart: Location, oldPath: string, newStart: Location, newPath: string, follow: boolean, creds: Credentials): void {
    const source = this.resolve(oldStart, oldPath, { follow, creds });
    if (source.inode.kind === 'dir') fail(Errno.EPERM);
    const { parent, name, trailingSlash } = this.resolveParent(newStart, newPath, creds);
    if (name === '.' || name === '..' || trailingSlash) fail(Errno.EEXIST);
    if (parent.inode.lookup(name)) fail(Errno.EEXIST);
    if (parent.mount !== source.mount) fail(Errno.EXDEV);
    this.checkDirWritable(parent, creds);
    parent.inode.link(name, source.inode);
  }

  symlink(target: string, start: Location, path: string, creds: Credentials, owner: { uid: number; gid: number }): void {
    this.create(start, path, 'symlink', { mode: 0o777, uid: owner.uid, gid: owner.gid, target }, creds);
  }

  rename(oldStart: Location, oldPath: string, newStart: Location, newPath: string, creds: Credentials): void {
    const from = this.resolveParent(oldStart, oldPath, creds);
    const to = this.resolveParent(newStart, newPath, creds);
    if (from.name === '.' || from.name === '..' || to.name === '.' || to.name === '..') fail(Errno.EBUSY);
    const moving = from.parent.inode.lookup(from.name);
    if (!moving) fail(Errno.ENOENT);
    if ((from.trailingSlash || to.trailingSlash) && moving.kind !== 'dir') fail(Errno.ENOTDIR);
    if (from.parent.mount !== to.parent.mount) fail(Errno.EXDEV);
    const fromPath = joinPath(from.parent.path, from.name);
    const toPath = joinPath(to.parent.path, to.name);
    if (this.mounts.has(fromPath) || this.mounts.has(toPath)) fail(Errno.EBUSY);
    if (moving.kind === 'dir' && toPath.startsWith(`${fromPath}/`)) fail(Errno.EINVAL);
    this.checkDirWritable(from.parent, creds);
    this.checkDirWritable(to.parent, creds);
    this.checkSticky(from.parent, moving, creds);
    const replaced = to.parent.inode.lookup(to.name);
    if (replaced) this.checkSticky(to.parent, replaced, creds);
    from.parent.inode.rename(from.name, to.parent.inode, to.name);
  }

  /** Updates atime and mtime to now (touch) or to the given values. */
  touch(loc: Location, atimeNs: bigint | undefined, mtimeNs: bigint | undefined): void {
    if (loc.mount.readOnly) fail(Errno.EROFS);
    const now = nowNs();
    loc.inode.setAttr({ atimeNs: atimeNs ?? now, mtimeNs: mtimeNs ?? now });
  }
}

/** True if `error` is an ErrnoError with this errno. */
export function isErrno(error: unknown, errno: Errno): boolean {
  return error instanceof ErrnoError && error.errno === errno;
}
