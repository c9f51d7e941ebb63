/**
 * A MemFs as a tar and back: how filesystems that live in memory are kept
 * durable (a container's writable layer, a volume of the browser or of
 * `--storage memory`), as one blob in the BlobStore.
 *
 * The tar is `tarTree`'s (deterministic, whiteouts as plain files, hard links
 * once); with `withRoot`, a leading "./" entry carries the root directory's
 * mode, owner and mtime, which a volume needs (its root takes the image
 * directory's owner when it is populated) and a layer does not.
 */
import { readTar } from '../tar/reader.ts';
import { TarWriter } from '../tar/writer.ts';
import { treeEntries } from '../tar/tree-writer.ts';
import type { FileKind, Inode } from '../vfs/types.ts';
import { MemFs } from './memfs.ts';
import type { MemFsOptions } from './memfs.ts';

export function memFsToTar(fs: MemFs, options: { withRoot?: boolean } = {}): Uint8Array {
  const writer = new TarWriter();
  if (options.withRoot) {
    const root = fs.root().stat();
    writer.add({ path: './', type: 'dir', mode: root.mode, uid: root.uid, gid: root.gid, mtimeNs: root.mtimeNs });
  }
  for (const entry of treeEntries(fs.root())) writer.add(entry);
  return writer.finish();
}

/**
 * A MemFs holding what `bytes` (a `memFsToTar` tar) holds. The contents are
 * loaded before `options.sizeLimit` is applied, so a saved tree always loads
 * (even one a different accounting would put over its limit); the limit then
 * refuses growth.
 */
export function memFsFromTar(bytes: Uint8Array, options: MemFsOptions = {}): MemFs {
  const { sizeLimit, ...unlimited } = options;
  const fs = new MemFs(unlimited);
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
  // Directories get their attributes last: creating their entries touches their times.
  const dirAttrs: { dir: Inode; attrs: { mode: number; uid: number; gid: number; mtimeNs: bigint } }[] = [];
  for (const entry of readTar(bytes)) {
    const parts = entry.path.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.length === 0) {
      if (entry.type === 'dir') dirAttrs.push({ dir: root, attrs: { mode: entry.mode, uid: entry.uid, gid: entry.gid, mtimeNs: entry.mtimeNs } });
      continue;
    }
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
    const attrs = { mode: entry.mode, uid: entry.uid, gid: entry.gid, mtimeNs: entry.mtimeNs };
    if (entry.type === 'dir') dirAttrs.push({ dir: inode, attrs });
    else if (entry.type === 'symlink') inode.setAttr({ uid: attrs.uid, gid: attrs.gid, mtimeNs: attrs.mtimeNs });
    else inode.setAttr(attrs);
    byPath.set(path, inode);
  }
  for (const { dir, attrs } of dirAttrs) dir.setAttr(attrs);
  if (sizeLimit !== undefined) fs.setSizeLimit(sizeLimit);
  return fs;
}
