/**
 * Turning a layer tar into a `LayerTree`, refusing hostile entries.
 *
 * Policy (each violation is a TarError naming the entry; nothing is half-applied,
 * since the tree is only returned when every entry passed):
 *  - ".." anywhere in a path or hard-link target: refused. A leading "/" is
 *    dropped (neutralised), as Docker and GNU tar do.
 *  - An entry whose parent path runs through a symlink or file planted by an
 *    earlier entry: refused (extraction never follows symlinks).
 *  - A hard link whose target is not an earlier, still present, non-directory
 *    entry of this same tar: refused.
 *  - Character and block devices: refused (or left out with `devices: 'skip'`,
 *    and listed in `skipped`); a container may not create device nodes.
 *  - Corrupt, oversized or truncated archives: refused by the reader.
 *  - A later entry for the same path replaces the earlier one (tar semantics);
 *    a directory entry for an existing directory only updates its metadata.
 */
import { FileData } from '../memfs/file-data.ts';
import type { TarEntry } from '../tar/entry.ts';
import { TarError } from '../tar/errors.ts';
import { entryComponents } from '../tar/paths.ts';
import type { TarReadOptions } from '../tar/reader.ts';
import { readTar } from '../tar/reader.ts';
import { decompress, DecompressLimitError } from '../tar/decompress.ts';
import { META_PREFIX, OPAQUE_MARKER, WHITEOUT_PREFIX } from '../tar/oci-names.ts';
import type { FileKind } from '../vfs/types.ts';
import type { LayerNode, MutableLayerNode } from './tree.ts';
import { LayerTree } from './tree.ts';

export interface ApplyOptions extends TarReadOptions {
  /** Character and block devices: 'reject' (default) throws; 'skip' leaves them out and lists them in `skipped`. */
  devices?: 'reject' | 'skip';
}

export interface SkippedEntry {
  readonly entry: string;
  readonly reason: string;
}

export interface AppliedLayer {
  readonly tree: LayerTree;
  /** The uncompressed tar the tree's file contents are views of. */
  readonly tar: Uint8Array;
  /** Entries deliberately left out (aufs metadata, skipped devices). */
  readonly skipped: readonly SkippedEntry[];
}

class Builder {
  private nextIno = 1;
  readonly root: MutableLayerNode;
  readonly skipped: SkippedEntry[] = [];

  constructor() {
    this.root = this.node('dir', 0o755, 0, 0, 0n, true);
  }

  node(kind: FileKind, mode: number, uid: number, gid: number, mtimeNs: bigint, implicit = false): MutableLayerNode {
    return {
      kind,
      ino: this.nextIno++,
      mode: mode & 0o7777,
      uid,
      gid,
      mtimeNs,
      atimeNs: mtimeNs,
      ctimeNs: mtimeNs,
      nlink: kind === 'dir' ? 2 : 1,
      data: null,
      target: '',
      children: kind === 'dir' ? new Map() : null,
      whiteouts: kind === 'dir' ? new Set() : null,
      opaque: false,
      implicit,
    };
  }

  /** The directory at `parents`, creating implicit directories; never passes through a non-directory. */
  directory(entry: TarEntry, parents: readonly string[]): MutableLayerNode {
    let dir = this.root;
    for (let i = 0; i < parents.length; i++) {
      const name = parents[i]!;
      if (name.startsWith(WHITEOUT_PREFIX)) {
        throw new TarError(entry.path, `the parent ${JSON.stringify(parents.slice(0, i + 1).join('/'))} is a whiteout name, not a directory`, entry.offset);
      }
      let child = dir.children!.get(name);
      if (!child) {
        child = this.node('dir', 0o755, 0, 0, 0n, true);
        dir.children!.set(name, child);
        dir.nlink++;
      } else if (child.kind !== 'dir') {
        const what = child.kind === 'symlink' ? `a symlink planted earlier in this tar (-> ${JSON.stringify(child.target)})` : `a ${child.kind}`;
        throw new TarError(
          entry.path,
          `refusing to write through ${JSON.stringify(parents.slice(0, i + 1).join('/'))}: it is ${what}, not a directory`,
          entry.offset,
        );
      }
      dir = child;
    }
    return dir;
  }

  apply(entry: TarEntry, devices: 'reject' | 'skip'): void {
    const components = entryComponents(entry.path);
    if (components.length === 0) {
      if (entry.type !== 'dir') throw new TarError(entry.path, 'the root of a layer must be a directory', entry.offset);
      this.setMetadata(this.root, entry);
      return;
    }
    const name = components[components.length - 1]!;
    const parent = this.directory(entry, components.slice(0, -1));

    if (name === OPAQUE_MARKER) {
      parent.opaque = true;
      return;
    }
    if (name.startsWith(META_PREFIX)) {
      this.skipped.push({ entry: entry.path, reason: 'aufs metadata, ignored' });
      return;
    }
    if (name.startsWith(WHITEOUT_PREFIX)) {
      const hidden = name.slice(WHITEOUT_PREFIX.length);
      if (hidden === '' || hidden === '.' || hidden === '..') {
        throw new TarError(entry.path, `invalid whiteout: ${JSON.stringify(hidden)} is not a name`, entry.offset);
      }
      parent.whiteouts!.add(hidden);
      return;
    }

    if (entry.type === 'chardev' || entry.type === 'blockdev') {
      const reason = `device nodes are refused: a layer may not create the ${entry.type === 'chardev' ? 'character' : 'block'} device ${entry.devMajor},${entry.devMinor}`;
      if (devices === 'skip') {
        this.skipped.push({ entry: entry.path, reason });
        return;
      }
      throw new TarError(entry.path, reason, entry.offset);
    }

    const existing = parent.children!.get(name);
    if (entry.type === 'dir' && existing?.kind === 'dir') {
      this.setMetadata(existing, entry);
      return;
    }

    let node: MutableLayerNode;
    if (entry.type === 'hardlink') {
      node = this.linkTarget(entry);
      if (node === existing) throw new TarError(entry.path, 'a hard link to itself', entry.offset);
      node.nlink++;
    } else {
      const kind: FileKind = entry.type === 'file' ? 'file' : entry.type === 'dir' ? 'dir' : entry.type === 'symlink' ? 'symlink' : 'fifo';
      node = this.node(kind, entry.mode, entry.uid, entry.gid, entry.mtimeNs);
      this.setTimes(node, entry);
      if (kind === 'file') node.data = FileData.wrap(entry.data);
      if (kind === 'symlink') {
        if (entry.linkTarget === '') throw new TarError(entry.path, 'a symlink with an empty target', entry.offset);
        node.target = entry.linkTarget;
      }
    }
    if (existing) this.detach(parent, name, existing);
    parent.children!.set(name, node);
    if (node.kind === 'dir') parent.nlink++;
  }

  /**
   * Every path of every node with more than one link, for copy-up to keep hard
   * links together. Also settles `nlink` of non-directories to the number of
   * names they ended up with (replaced entries and dropped subtrees included).
   */
  links(): Map<LayerNode, string[][]> {
    const paths = new Map<MutableLayerNode, string[][]>();
    const walk = (dir: MutableLayerNode, prefix: string[]): void => {
      for (const [name, child] of dir.children ?? []) {
        const path = [...prefix, name];
        if (child.kind === 'dir') walk(child, path);
        else {
          const known = paths.get(child);
          if (known) known.push(path);
          else paths.set(child, [path]);
        }
      }
    };
    walk(this.root, []);
    const links = new Map<LayerNode, string[][]>();
    for (const [node, list] of paths) {
      node.nlink = list.length;
      if (list.length > 1) links.set(node, list);
    }
    return links;
  }

  private linkTarget(entry: TarEntry): MutableLayerNode {
    const parts = entryComponents(entry.linkTarget, 'hard link target', entry.path);
    if (parts.length === 0) throw new TarError(entry.path, 'a hard link to the root directory', entry.offset);
    let node: MutableLayerNode = this.root;
    for (let i = 0; i < parts.length; i++) {
      const next = node.children?.get(parts[i]!);
      if (!next) {
        throw new TarError(
          entry.path,
          `hard link target ${JSON.stringify(entry.linkTarget)} is not an earlier entry of this tar (links may only point inside the layer, to something already extracted)`,
          entry.offset,
        );
      }
      if (i < parts.length - 1 && next.kind !== 'dir') {
        throw new TarError(entry.path, `hard link target ${JSON.stringify(entry.linkTarget)} goes through a ${next.kind}`, entry.offset);
      }
      node = next;
    }
    if (node.kind === 'dir') throw new TarError(entry.path, `hard link target ${JSON.stringify(entry.linkTarget)} is a directory`, entry.offset);
    return node;
  }

  private detach(parent: MutableLayerNode, name: string, node: MutableLayerNode): void {
    parent.children!.delete(name);
    if (node.kind === 'dir') parent.nlink--;
    else node.nlink--;
  }

  private setMetadata(node: MutableLayerNode, entry: TarEntry): void {
    node.mode = entry.mode & 0o7777;
    node.uid = entry.uid;
    node.gid = entry.gid;
    node.mtimeNs = entry.mtimeNs;
    this.setTimes(node, entry);
    node.implicit = false;
  }

  private setTimes(node: MutableLayerNode, entry: TarEntry): void {
    node.atimeNs = entry.atimeNs ?? entry.mtimeNs;
    node.ctimeNs = entry.ctimeNs ?? entry.mtimeNs;
  }
}

/**
 * A layer tar as given (plain) or decompressed (gzip, bzip2, xz: what
 * dockerd's DecompressStream takes). TarError for zstd, corrupt data and a
 * layer past the decompression cap.
 */
export function plainLayerTar(bytes: Uint8Array): Uint8Array {
  try {
    return decompress(bytes);
  } catch (error) {
    if (error instanceof DecompressLimitError) throw new TarError(null, error.message);
    throw error;
  }
}

/**
 * Builds the layer tree of a layer tar (plain or compressed, see
 * plainLayerTar). File contents are views of the decompressed bytes
 * (returned as `tar`). Throws a TarError on the first hostile or corrupt
 * entry; nothing is returned then.
 */
export function applyLayerTar(bytes: Uint8Array, options: ApplyOptions = {}): AppliedLayer {
  const tar = plainLayerTar(bytes);
  const entries = readTar(tar, options);
  const builder = new Builder();
  for (const entry of entries) builder.apply(entry, options.devices ?? 'reject');
  const tree = new LayerTree(builder.root, builder.links(), tar.length, entries.length);
  return { tree, tar, skipped: builder.skipped };
}
