/**
 * File operations COPY, ADD and WORKDIR perform inside a build step's root
 * filesystem (a MountNamespace over an overlay), with the semantics of
 * dockerd's archiver: copied entries keep their mode and mtime, merging
 * into an existing directory updates its attributes, a non-directory in
 * the way is replaced, new parent directories are 0755.
 *
 * Every path goes through the namespace's walker as root, so symlinks in
 * the image or in the copied data never lead outside the step's root.
 */
import { Errno, ErrnoError } from '../../common/errno.ts';
import { nowNs } from '../../common/time.ts';
import type { TarEntry } from '../../unionfs/tar/entry.ts';
import { ROOT } from '../../unionfs/vfs/credentials.ts';
import type { Location, MountNamespace } from '../../unionfs/vfs/mount-namespace.ts';
import { joinPath } from '../../unionfs/vfs/mount-namespace.ts';
import type { Inode } from '../../unionfs/vfs/types.ts';

/** Owner given to what a copy creates; null keeps the source's. */
export type Identity = { uid: number; gid: number } | null;

/** A copy that cannot be done ("mkdir /a: not a directory"); the builder adds "failed to copy files: ". */
export class CopyError extends Error {}

function parts(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

/** Looks up an absolute path, following symlinks (the last one too when `follow`); null if it does not exist. */
export function lookup(ns: MountNamespace, path: string, follow = true): Location | null {
  try {
    return ns.resolve(ns.root(), path.startsWith('/') ? path : `/${path}`, { follow, creds: ROOT });
  } catch (error) {
    if (error instanceof ErrnoError && (error.errno === Errno.ENOENT || error.errno === Errno.ENOTDIR)) return null;
    throw error;
  }
}

/**
 * FollowSymlinkInScope: the canonical absolute path of `path` with every
 * existing component's symlinks resolved inside the root; components that
 * do not exist are kept as written.
 */
export function scopedPath(ns: MountNamespace, path: string): string {
  const list = parts(path);
  let current = '/';
  for (let i = 0; i < list.length; i++) {
    const part = list[i]!;
    if (part === '..') {
      current = current === '/' ? '/' : current.slice(0, current.lastIndexOf('/')) || '/';
      continue;
    }
    const loc = lookup(ns, joinPath(current, part), true);
    if (!loc) return [current === '/' ? '' : current, ...list.slice(i)].join('/') || '/';
    current = loc.path;
  }
  return current;
}

/** MkdirAllAndChownNew(path, 0755, owner): creates the missing directories (owned by `owner`), returns the last. */
export function mkdirAll(ns: MountNamespace, path: string, owner: { uid: number; gid: number }): Location {
  let current = ns.root();
  for (const part of parts(path)) {
    let next = ns.child(current, part);
    if (next && next.inode.kind === 'symlink') next = lookup(ns, next.path, true);
    if (!next) {
      current.inode.create(part, 'dir', { mode: 0o755, uid: owner.uid, gid: owner.gid });
      next = ns.child(current, part)!;
    }
    if (next.inode.kind !== 'dir') throw new CopyError(`mkdir ${next.path}: not a directory`);
    current = next;
  }
  return current;
}

/** Removes `name` from `dir`, recursively for a directory. */
export function removeAll(dir: Inode, name: string): void {
  const node = dir.lookup(name);
  if (!node) return;
  if (node.kind !== 'dir') {
    dir.unlink(name);
    return;
  }
  for (const entry of [...node.entries(0n)]) removeAll(node, entry.name);
  dir.rmdir(name);
}

/** Reads a whole regular file. */
export function readAll(inode: Inode): Uint8Array {
  return inode.read(0, inode.stat().size).slice();
}

/** Copies source trees into the destination, keeping hard links that point inside the copy. */
export class TreeCopier {
  private readonly links = new Map<Inode, Inode>();

  constructor(private readonly owner: Identity) {}

  /**
   * Puts a copy of `src` at `dir/name`: an existing directory is merged
   * into (its mode, owner and mtime become the source's), anything else in
   * the way is replaced. Symlinks are copied as links.
   */
  copyEntry(src: Inode, dir: Inode, name: string): Inode {
    const stat = src.stat();
    const uid = this.owner ? this.owner.uid : stat.uid;
    const gid = this.owner ? this.owner.gid : stat.gid;
    const existing = dir.lookup(name);
    if (src.kind === 'dir') {
      let target: Inode;
      if (existing && existing.kind === 'dir') {
        target = existing;
      } else {
        if (existing) removeAll(dir, name);
        target = dir.create(name, 'dir', { mode: stat.mode, uid, gid });
      }
      this.copyChildren(src, target);
      target.setAttr({ mode: stat.mode, uid, gid, mtimeNs: stat.mtimeNs });
      return target;
    }
    if (existing) removeAll(dir, name);
    const linked = this.links.get(src);
    if (linked && stat.nlink > 1) {
      dir.link(name, linked);
      return linked;
    }
    let created: Inode;
    if (src.kind === 'symlink') {
      created = dir.create(name, 'symlink', { mode: 0o777, uid, gid, target: src.readlink() });
    } else if (src.kind === 'file') {
      created = dir.create(name, 'file', { mode: stat.mode, uid, gid });
      if (stat.size > 0) created.write(0, readAll(src));
      created.setAttr({ mode: stat.mode, mtimeNs: stat.mtimeNs });
    } else {
      throw new CopyError(`cannot copy ${name}: ${src.kind} files are not supported`);
    }
    if (stat.nlink > 1) this.links.set(src, created);
    return created;
  }

  /** Copies the children of directory `src` into directory `dir` (CopyWithTar of a directory's contents). */
  copyChildren(src: Inode, dir: Inode): void {
    const names = [...src.entries(0n)].map((e) => e.name).sort();
    for (const name of names) this.copyEntry(src.lookup(name)!, dir, name);
  }
}

/**
 * Extracts a tar's entries under the directory `dest` (ADD of a local
 * archive: dockerd's UntarPath). Ownership, modes and mtimes come from the
 * archive; `..` and absolute link targets cannot leave the root (the
 * namespace confines them); device nodes are refused.
 */
export function extractInto(ns: MountNamespace, dest: Location, entries: readonly TarEntry[]): void {
  const dirTimes: [Inode, bigint][] = [];
  for (const entry of entries) {
    const list = parts(entry.path);
    if (list.includes('..')) throw new CopyError(`${JSON.stringify(entry.path)} is outside of ${JSON.stringify(dest.path)}`);
    if (list.length === 0) continue;
    const name = list.pop()!;
    let parent = dest;
    for (const part of list) {
      let next = ns.child(parent, part);
      if (next && next.inode.kind === 'symlink') next = lookup(ns, next.path, true);
      if (!next) {
        parent.inode.create(part, 'dir', { mode: 0o755, uid: 0, gid: 0 });
        next = ns.child(parent, part)!;
      }
      if (next.inode.kind !== 'dir') throw new CopyError(`cannot extract ${entry.path}: ${part} is not a directory`);
      parent = next;
    }
    const existing = parent.inode.lookup(name);
    if (existing && !(existing.kind === 'dir' && entry.type === 'dir')) removeAll(parent.inode, name);
    switch (entry.type) {
      case 'dir': {
        const dir = existing && existing.kind === 'dir' ? existing : parent.inode.create(name, 'dir', { mode: entry.mode, uid: entry.uid, gid: entry.gid });
        dir.setAttr({ mode: entry.mode, uid: entry.uid, gid: entry.gid });
        dirTimes.push([dir, entry.mtimeNs]);
        break;
      }
      case 'file': {
        const file = parent.inode.create(name, 'file', { mode: entry.mode, uid: entry.uid, gid: entry.gid });
        if (entry.data.length > 0) file.write(0, entry.data);
        file.setAttr({ mtimeNs: entry.mtimeNs === 0n ? nowNs() : entry.mtimeNs });
        break;
      }
      case 'symlink':
        parent.inode.create(name, 'symlink', { mode: 0o777, uid: entry.uid, gid: entry.gid, target: entry.linkTarget });
        break;
      case 'hardlink': {
        const target = lookup(ns, joinPath(dest.path, parts(entry.linkTarget).join('/')), false);
        if (!target || target.inode.kind === 'dir') throw new CopyError(`cannot extract ${entry.path}: hard link target ${entry.linkTarget} not found`);
        parent.inode.link(name, target.inode);
        break;
      }
      case 'fifo':
        parent.inode.create(name, 'fifo', { mode: entry.mode, uid: entry.uid, gid: entry.gid });
        break;
      default:
        throw new CopyError(`refusing to create device ${entry.path} from an archive`);
    }
  }
  for (const [dir, mtime] of dirTimes.reverse()) dir.setAttr({ mtimeNs: mtime });
}
