import { applyLayerTar } from '../../unionfs/layer/apply.ts';
import type { LayerTree } from '../../unionfs/layer/tree.ts';
import { writeTar } from '../../unionfs/tar/writer.ts';
import type { TarWriteEntry } from '../../unionfs/tar/entry.ts';

let cached: LayerTree | null = null;

/**
 * Docker's init layer (daemon/initlayer): the mount points every container
 * needs, placed between the image and the container's writable layer, so
 * they exist even in a scratch image and never show in `docker diff`.
 */
export function initLayer(): LayerTree {
  if (cached) return cached;
  const dir = (path: string, mode = 0o755): TarWriteEntry => ({ path, type: 'dir', mode, mtimeNs: 0n });
  const file = (path: string, mode = 0o755): TarWriteEntry => ({ path, type: 'file', mode, mtimeNs: 0n, data: new Uint8Array(0) });
  const entries: TarWriteEntry[] = [
    file('.dockerenv'),
    dir('dev'),
    dir('dev/pts'),
    dir('dev/shm'),
    dir('etc'),
    file('etc/hostname'),
    file('etc/hosts'),
    { path: 'etc/mtab', type: 'symlink', mode: 0o777, mtimeNs: 0n, linkTarget: '/proc/mounts' },
    file('etc/resolv.conf'),
    dir('proc'),
    dir('sys'),
  ];
  cached = applyLayerTar(writeTar(entries)).tree;
  return cached;
}
