/**
 * `docker cp` and `docker export`: tars of paths in a container's mount
 * namespace, and extraction of a client's tar into it. Every path goes
 * through the namespace's walker, which is confined to the container root,
 * so no entry of a hostile tar can reach outside the container.
 */
import { Errno, ErrnoError } from '../../common/errno.ts';
import { nowNs } from '../../common/time.ts';
import { readTarStream } from '../../unionfs/tar/reader.ts';
import { treeEntries } from '../../unionfs/tar/tree-writer.ts';
import { writeTar } from '../../unionfs/tar/writer.ts';
import type { TarWriteEntry } from '../../unionfs/tar/entry.ts';
import { ROOT } from '../../unionfs/vfs/credentials.ts';
import type { Location, MountNamespace } from '../../unionfs/vfs/mount-namespace.ts';
import { joinPath } from '../../unionfs/vfs/mount-namespace.ts';
import type { FileKind, Inode, Stat } from '../../unionfs/vfs/types.ts';
import { InvalidParameterError, NotFoundError } from '../errors.ts';
import { formatRfc3339Nano } from '../api/timestamp.ts';
import type { PathStat } from '../types/container.ts';

/** Go's os.FileMode type bits, as the path-stat header carries them. */
const GO_MODE: Partial<Record<FileKind, number>> = {
  dir: 2 ** 31,
  symlink: 2 ** 27,
  fifo: 2 ** 25,
  socket: 2 ** 24,
  chardev: 2 ** 26 + 2 ** 21,
  blockdev: 2 ** 26,
};

export function goFileMode(stat: Stat): number {
  let mode = (GO_MODE[stat.kind] ?? 0) + (stat.mode & 0o777);
  if (stat.mode & 0o4000) mode += 2 ** 23;
  if (stat.mode & 0o2000) mode += 2 ** 22;
  if (stat.mode & 0o1000) mode += 2 ** 20;
  return mode;
}

function lookup(ns: MountNamespace, containerName: string, path: string): Location {
  try {
    return ns.resolve(ns.root(), path, { follow: path.endsWith('/.') || path.endsWith('/'), creds: ROOT });
  } catch (error) {
    if (error instanceof ErrnoError && (error.errno === Errno.ENOENT || error.errno === Errno.ENOTDIR)) {
      throw new NotFoundError(`Could not find the file ${path} in container ${containerName}`);
    }
    throw error;
  }
}

export function pathStat(ns: MountNamespace, containerName: string, path: string): PathStat {
  const loc = lookup(ns, containerName, path);
  const stat = loc.inode.stat();
  const name = loc.path === '/' ? '/' : loc.path.slice(loc.path.lastIndexOf('/') + 1);
  return {
    name,
    size: stat.size,
    mode: goFileMode(stat),
    mtime: formatRfc3339Nano(stat.mtimeNs),
    linkTarget: stat.kind === 'symlink' ? loc.inode.readlink() : '',
  };
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** The tar entries of `inode` named `base` and, for a directory, everything under it (as `base/...`). */
function* entriesOf(inode: Inode, base: string): Iterable<TarWriteEntry> {
  const stat = inode.stat();
  const head = { path: base, mode: stat.mode, uid: stat.uid, gid: stat.gid, mtimeNs: stat.mtimeNs };
  switch (stat.kind) {
    case 'file':
      yield { ...head, type: 'file', data: inode.read(0, stat.size) };
      return;
    case 'symlink':
      yield { ...head, type: 'symlink', linkTarget: inode.readlink() };
      return;
    case 'fifo':
      yield { ...head, type: 'fifo' };
      return;
    case 'dir':
      break;
    default:
      return;
  }
  if (base !== '.') yield { ...head, type: 'dir' };
  const prefix = base === '.' ? '' : `${base}/`;
  for (const entry of treeEntries(inode)) {
    yield {
      ...entry,
      path: prefix + entry.path,
      ...(entry.type === 'hardlink' && entry.linkTarget ? { linkTarget: prefix + entry.linkTarget } : {}),
    };
  }
}

/** `docker cp CONTAINER:PATH -`: the path as a tar, named by its last component (a directory with its contents). */
export function archive(ns: MountNamespace, containerName: string, path: string): { stat: PathStat; tar: AsyncIterable<Uint8Array> } {
  const stat = pathStat(ns, containerName, path);
  const loc = lookup(ns, containerName, path);
  const base = path.endsWith('/.') || stat.name === '/' ? '.' : stat.name;
  return { stat, tar: once(writeTar(entriesOf(loc.inode, base))) };
}

/** `docker export`: the container's whole filesystem (the overlay; not its mounts). */
export function exportRoot(root: Inode): AsyncIterable<Uint8Array> {
  return once(writeTar(treeEntries(root)));
}

/**
 * `docker cp - CONTAINER:DIR`: extracts a tar into the directory `path`.
 * Entries with ".." or absolute paths are refused; links cannot point the
 * extraction outside the container (the walker confines every lookup).
 */
export async function extract(
  ns: MountNamespace,
  containerName: string,
  path: string,
  tar: AsyncIterable<Uint8Array>,
  options: { noOverwriteDirNonDir: boolean; owner: { uid: number; gid: number } | null },
): Promise<void> {
  const dir = lookup(ns, containerName, path.endsWith('/') ? path : `${path}/`);
  if (dir.inode.kind !== 'dir') throw new InvalidParameterError(`extraction point is not a directory`);
  if (dir.mount.readOnly) throw new InvalidParameterError('container rootfs is marked read-only');
  for await (const entry of readTarStream(tar)) {
    const parts = entry.path.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.length === 0) continue;
    if (parts.includes('..')) throw new InvalidParameterError(`invalid tar entry ${JSON.stringify(entry.path)}: it points outside the destination`);
    const name = parts.pop()!;
    let parent = dir;
    for (const part of parts) {
      let next = ns.child(parent, part);
      if (!next) {
        parent.inode.create(part, 'dir', { mode: 0o755, uid: 0, gid: 0 });
        next = ns.child(parent, part)!;
      }
      if (next.inode.kind === 'symlink') {
        next = ns.resolve(parent, part, { follow: true, creds: ROOT });
      }
      if (next.inode.kind !== 'dir') throw new InvalidParameterError(`cannot extract ${entry.path}: ${part} is not a directory`);
      parent = next;
    }
    const uid = options.owner ? options.owner.uid : entry.uid;
    const gid = options.owner ? options.owner.gid : entry.gid;
    const existing = parent.inode.lookup(name);
    if (existing) {
      if (options.noOverwriteDirNonDir && (existing.kind === 'dir') !== (entry.type === 'dir')) {
        throw new InvalidParameterError(
          existing.kind === 'dir'
            ? `cannot overwrite directory "${joinPath(parent.path, name)}" with non-directory "${entry.path}"`
            : `cannot overwrite non-directory "${joinPath(parent.path, name)}" with directory "${entry.path}"`,
        );
      }
      if (existing.kind === 'dir' && entry.type === 'dir') {
        existing.setAttr({ mode: entry.mode, uid, gid, mtimeNs: entry.mtimeNs });
        continue;
      }
      if (existing.kind === 'dir') parent.inode.rmdir(name);
      else parent.inode.unlink(name);
    }
    if (entry.type === 'hardlink') {
      const target = ns.resolve(dir, entry.linkTarget, { follow: false, creds: ROOT });
      parent.inode.link(name, target.inode);
      continue;
    }
    if (entry.type === 'chardev' || entry.type === 'blockdev') {
      throw new InvalidParameterError(`refusing to create device ${entry.path} from a tar`);
    }
    const inode = parent.inode.create(name, entry.type, { mode: entry.mode, uid, gid, target: entry.linkTarget });
    if (entry.type === 'file' && entry.data.length > 0) inode.write(0, entry.data);
    if (entry.type !== 'symlink') inode.setAttr({ mtimeNs: entry.mtimeNs === 0n ? nowNs() : entry.mtimeNs });
  }
}
