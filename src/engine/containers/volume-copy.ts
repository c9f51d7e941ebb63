/**
 * Filling a new volume from the image (dockerd's CopyImagePathContent): when
 * a container is created, each of its volume mounts whose volume is still
 * empty gets a copy of what the container's root filesystem (image plus init
 * layer) holds at the mount point — files, directories, symlinks, hard links,
 * devices, owners, modes and times — and the volume's root takes the
 * directory's owner and mode. `-v name:/path:nocopy` and `--mount
 * volume-nocopy` turn it off; bind mounts are never filled.
 *
 * Invariants: the copy only reads the container's filesystem and only creates
 * entries by single names inside the volume, so nothing in the image (symlinks
 * included, which are copied as links, never followed) can write outside it.
 */
import { Errno, ErrnoError } from '../../common/errno.ts';
import type { FileSystem, Inode } from '../../unionfs/vfs/types.ts';
import type { HostConfig, MountPoint } from '../types/container.ts';

const MAX_SYMLINK_HOPS = 40;
const CHUNK = 1 << 20;

/**
 * `path` (absolute) resolved in `root`'s tree, symlinks followed but kept
 * inside it (as dockerd's FollowSymlinkInScope); null when it does not exist.
 */
export function resolveInScope(root: Inode, path: string): Inode | null {
  let pending = path.split('/').filter((p) => p !== '' && p !== '.');
  const stack: Inode[] = [root];
  let hops = 0;
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (name === '..') {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const dir = stack.at(-1)!;
    if (dir.kind !== 'dir') return null;
    const child = dir.lookup(name);
    if (!child) return null;
    if (child.kind === 'symlink') {
      if (++hops > MAX_SYMLINK_HOPS) return null;
      const target = child.readlink();
      if (target.startsWith('/')) stack.length = 1;
      pending = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...pending];
      continue;
    }
    stack.push(child);
  }
  return stack.at(-1)!;
}

function isEmptyDir(dir: Inode): boolean {
  for (const _entry of dir.entries(0n)) return false;
  return true;
}

/**
 * Copies the directory at `path` in `rootfs` into the volume `volume` if the
 * volume is empty and the path is a directory; returns whether it copied.
 */
export function populateVolume(rootfs: FileSystem, path: string, volume: FileSystem): boolean {
  const source = resolveInScope(rootfs.root(), path);
  if (!source || source.kind !== 'dir') return false;
  const target = volume.root();
  if (!isEmptyDir(target)) return false;
  const links = new Map<number, Inode>();
  const copyDir = (from: Inode, to: Inode): void => {
    for (const entry of from.entries(0n)) {
      const child = from.lookup(entry.name);
      if (!child) continue;
      const stat = child.stat();
      const owner = { mode: stat.mode, uid: stat.uid, gid: stat.gid };
      if (child.kind !== 'dir' && stat.nlink > 1) {
        const first = links.get(stat.ino);
        if (first) {
          to.link(entry.name, first);
          continue;
        }
      }
      let made: Inode;
      try {
        if (child.kind === 'dir') made = to.create(entry.name, 'dir', { ...owner, mode: 0o700 });
        else if (child.kind === 'symlink') made = to.create(entry.name, 'symlink', { ...owner, target: child.readlink() });
        else if (child.kind === 'file') {
          made = to.create(entry.name, 'file', { ...owner, mode: 0o600 });
          for (let at = 0; at < stat.size; at += CHUNK) made.write(at, child.read(at, Math.min(CHUNK, stat.size - at)).slice());
        } else if (child.kind === 'socket') continue;
        else made = to.create(entry.name, child.kind, { ...owner, rdev: stat.rdev });
      } catch (error) {
        // A volume on a host directory cannot hold devices without privileges: leave them out.
        if (error instanceof ErrnoError && error.errno === Errno.EPERM && child.kind !== 'dir' && child.kind !== 'file') continue;
        throw error;
      }
      if (child.kind === 'dir') copyDir(child, made);
      if (child.kind !== 'dir' && stat.nlink > 1) links.set(stat.ino, made);
      if (child.kind !== 'symlink') made.setAttr({ ...owner, atimeNs: stat.atimeNs, mtimeNs: stat.mtimeNs });
    }
  };
  copyDir(source, target);
  const stat = source.stat();
  target.setAttr({ mode: stat.mode, uid: stat.uid, gid: stat.gid });
  return true;
}

/** What populateVolumes needs of a new container. */
export interface VolumeCopySource {
  readonly mounts: readonly MountPoint[];
  readonly hostConfig: HostConfig;
  /** The container's root filesystem (image layers and init layer). */
  rootfs(): Promise<FileSystem>;
  /** A volume's filesystem by name. */
  volume(name: string): Promise<FileSystem>;
}

/** Whether a volume mount asked not to be filled (`-v name:/path:nocopy`, `--mount ...,volume-nocopy`). */
function noCopy(mount: MountPoint, hostConfig: HostConfig): boolean {
  if (mount.Mode.split(',').includes('nocopy')) return true;
  return (hostConfig.Mounts ?? []).some((m) => m.Type === 'volume' && m.Target === mount.Destination && m.VolumeOptions?.NoCopy === true);
}

/** Fills every empty volume of a new container from its root filesystem, as dockerd does at create. */
export async function populateVolumes(source: VolumeCopySource): Promise<void> {
  const volumes = source.mounts.filter((m) => m.Type === 'volume' && m.Name && !noCopy(m, source.hostConfig));
  if (volumes.length === 0) return;
  const rootfs = await source.rootfs();
  for (const mount of volumes) populateVolume(rootfs, mount.Destination, await source.volume(mount.Name!));
}
