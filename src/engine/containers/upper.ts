/**
 * A container's writable layer as bytes and back: the overlay's upper
 * filesystem is saved (Snapshotter.checkpoint) as a layer-like tar and
 * restored into a MemFs when the daemon restarts. The upper holds its OCI
 * whiteouts as plain files, so they round-trip as ordinary entries.
 */
import { MemFs } from '../../unionfs/memfs/memfs.ts';
import type { SpaceGuard } from '../../unionfs/memfs/memfs.ts';
import { readTar } from '../../unionfs/tar/reader.ts';
import { tarTree } from '../../unionfs/tar/tree-writer.ts';
import type { FileKind, Inode } from '../../unionfs/vfs/types.ts';

export function saveUpper(upper: MemFs): Uint8Array {
  return tarTree(upper.root());
}

/**
 * A writable layer from its saved bytes. The contents are loaded before the
 * size limit is applied, so a saved layer always loads (even one that a
 * different accounting would put over its limit); the limit then refuses growth.
 */
export function restoreUpper(bytes: Uint8Array, options: { sizeLimit?: number; guard?: SpaceGuard } = {}): MemFs {
  const fs = new MemFs({ type: 'overlay-upper', ...(options.guard ? { guard: options.guard } : {}) });
  const root = fs.root();
  const byPath = new Map<string, Inode>([['', root]]);
  const parentOf = (parts: string[]): Inode => {
    let dir = root;
    let at = '';
    for (const part of parts) {
      at = at ? `${at}/${part}` : part;
      let next = byPath.get(at) ?? dir.lookup(part);
      if (!next) next = dir.create(part, 'dir', { mode: 0o755, uid: 0, gid: 0 });
      byPath.set(at, next);
      dir = next;
    }
    return dir;
  };
  for (const entry of readTar(bytes)) {
    const parts = entry.path.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.length === 0) continue;
    const name = parts.pop()!;
    const dir = parentOf(parts);
    const path = [...parts, name].join('/');
    if (entry.type === 'hardlink') {
      const target = byPath.get(entry.linkTarget.split('/').filter((p) => p !== '' && p !== '.').join('/'));
      if (target) dir.link(name, target);
      continue;
    }
    const existing = dir.lookup(name);
    let inode: Inode;
    if (existing && existing.kind === 'dir' && entry.type === 'dir') inode = existing;
    else {
      const kind: FileKind = entry.type;
      inode = dir.create(name, kind, {
        mode: entry.mode,
        uid: entry.uid,
        gid: entry.gid,
        rdev: (entry.devMajor << 8) | entry.devMinor,
        target: entry.linkTarget,
      });
      if (kind === 'file' && entry.data.length > 0) inode.write(0, entry.data);
    }
    if (entry.type !== 'symlink') inode.setAttr({ mode: entry.mode, uid: entry.uid, gid: entry.gid, mtimeNs: entry.mtimeNs });
    byPath.set(path, inode);
  }
  if (options.sizeLimit !== undefined) fs.setSizeLimit(options.sizeLimit);
  return fs;
}
