/**
 * A deterministic tar of a VFS tree (`Inode` from src/unionfs/vfs/types.ts):
 * the same tree gives the same bytes.
 *
 * Order: pre-order, a directory before its contents. Within a directory the
 * OCI opaque marker (".wh..wh..opq") comes first, then whiteouts (".wh.*"),
 * then every other name in byte order, so an extractor that applies
 * whiteouts as it meets them never deletes an entry of the same layer.
 * Metadata is the tree's own (mode, uid, gid, mtime to the nanosecond);
 * uname/gname stay empty. A file with several links is written once, at its
 * first path in this order, and its other paths become hard-link entries.
 * Sockets have no tar form and are left out (as Docker does).
 */
import type { Inode } from '../vfs/types.ts';
import type { TarWriteEntry } from './entry.ts';
import { compareLayerNames } from './oci-names.ts';
import { TarWriter } from './writer.ts';

/**
 * Every entry of the tree under `root` (the root itself excluded), in archive
 * order. File data may be a view of the tree's storage: use it before the
 * tree changes.
 */
export interface TreeTarOptions {
  /** Leaves out a name (and everything under it) when this returns true; `dirPath` is its directory's path with a trailing "/" ("" at the root). */
  skip?(name: string, dirPath: string): boolean;
}

export function* treeEntries(root: Inode, options: TreeTarOptions = {}): Generator<TarWriteEntry> {
  const firstPathOfIno = new Map<number, string>();
  function* walk(dir: Inode, prefix: string): Generator<TarWriteEntry> {
    const names: string[] = [];
    for (const entry of dir.entries(0n)) if (!options.skip?.(entry.name, prefix)) names.push(entry.name);
    names.sort(compareLayerNames);
    for (const name of names) {
      const inode = dir.lookup(name);
      if (!inode) continue;
      const stat = inode.stat();
      const path = prefix + name;
      const base = { path, mode: stat.mode, uid: stat.uid, gid: stat.gid, mtimeNs: stat.mtimeNs };
      if (stat.kind !== 'dir' && stat.nlink > 1) {
        const first = firstPathOfIno.get(stat.ino);
        if (first !== undefined) {
          yield { ...base, type: 'hardlink', linkTarget: first };
          continue;
        }
        firstPathOfIno.set(stat.ino, path);
      }
      switch (stat.kind) {
        case 'dir':
          yield { ...base, type: 'dir' };
          yield* walk(inode, `${path}/`);
          break;
        case 'file':
          yield { ...base, type: 'file', data: inode.read(0, stat.size) };
          break;
        case 'symlink':
          yield { ...base, type: 'symlink', linkTarget: inode.readlink() };
          break;
        case 'fifo':
          yield { ...base, type: 'fifo' };
          break;
        case 'chardev':
        case 'blockdev':
          yield { ...base, type: stat.kind, devMajor: stat.rdev >> 8, devMinor: stat.rdev & 0xff };
          break;
        case 'socket':
          break;
      }
    }
  }
  yield* walk(root, '');
}

/** The tree under `root` as an uncompressed tar. */
export function tarTree(root: Inode, options: TreeTarOptions = {}): Uint8Array {
  const writer = new TarWriter();
  for (const entry of treeEntries(root, options)) writer.add(entry);
  return writer.finish();
}
