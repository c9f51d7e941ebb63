/**
 * directorySize: the bytes a directory tree holds, as dockerd's
 * pkg/directory.Size counts them for `docker system df` and `docker ps -s`:
 * the sizes of everything that is not a directory (a symlink counts its
 * target's length, a whiteout 0), each hard-linked inode once.
 */
import type { Inode } from '../../unionfs/vfs/types.ts';

/** Walks the tree under `root` (iteratively: deep trees do not grow the stack). */
export function directorySize(root: Inode): number {
  const seen = new Set<number>();
  const pending: Inode[] = [root];
  let size = 0;
  while (pending.length > 0) {
    const dir = pending.pop()!;
    for (const entry of dir.entries(0n)) {
      const child = dir.lookup(entry.name);
      if (!child) continue;
      if (child.kind === 'dir') {
        pending.push(child);
        continue;
      }
      const stat = child.stat();
      if (stat.nlink > 1) {
        if (seen.has(stat.ino)) continue;
        seen.add(stat.ino);
      }
      size += stat.size;
    }
  }
  return size;
}
