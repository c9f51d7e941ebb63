import { applyLayerTar } from '../../unionfs/layer/apply.ts';
import type { LayerTree } from '../../unionfs/layer/tree.ts';
import { writeTar } from '../../unionfs/tar/writer.ts';
import type { TarWriteEntry } from '../../unionfs/tar/entry.ts';

/**
 * Docker's init layer (daemon/initlayer): the mount points every container
 * needs, placed between the image and the container's writable layer, so
 * they exist even in a scratch image and never show in `docker diff`. As in
 * dockerd they are empty files (mode 0755) and directories made when the
 * container is created (`mtimeNs`); /dev, /proc, /sys and the /etc files are
 * mounted over them at start, so they show only in `docker export`.
 */
export function initLayer(mtimeNs = 0n): LayerTree {
  const dir = (path: string): TarWriteEntry => ({ path, type: 'dir', mode: 0o755, mtimeNs });
  const file = (path: string): TarWriteEntry => ({ path, type: 'file', mode: 0o755, mtimeNs, data: new Uint8Array(0) });
  const entries: TarWriteEntry[] = [
    file('.dockerenv'),
    dir('dev'),
    file('dev/console'),
    dir('dev/pts'),
    dir('dev/shm'),
    dir('etc'),
    file('etc/hostname'),
    file('etc/hosts'),
    { path: 'etc/mtab', type: 'symlink', mode: 0o777, mtimeNs, linkTarget: '/proc/mounts' },
    file('etc/resolv.conf'),
    dir('proc'),
    dir('sys'),
  ];
  return applyLayerTar(writeTar(entries)).tree;
}
