/**
 * `OverlayFs`: N read-only lower layers (top first) under one writable upper
 * layer, merged the OCI way. See README.md for the semantics and invariants.
 *
 * Ownership: the overlay owns its upper filesystem's tree while mounted —
 * every change to the upper must go through the overlay (its caches assume
 * it). The lower `LayerTree`s are immutable and may be shared by any number
 * of overlays.
 */
import { Errno, fail } from '../../common/errno.ts';
import type { LayerNode, LayerTree } from '../layer/tree.ts';
import { allocateDev } from '../memfs/memfs.ts';
import { tarTree } from '../tar/tree-writer.ts';
import { META_PREFIX, OPAQUE_MARKER } from '../tar/oci-names.ts';
import type { FileSystem, Inode, StatFs } from '../vfs/types.ts';
import type { Change } from './changes.ts';
import { overlayChanges } from './changes.ts';
import { rootStack } from './lower-index.ts';
import { OverlayInode } from './overlay-inode.ts';

export interface OverlayOptions {
  /** Read-only lower layers, topmost first. */
  readonly lowers: readonly LayerTree[];
  /** The writable upper layer (a MemFs, or any VFS filesystem); null makes a read-only overlay (a snapshot `view`). */
  readonly upper: FileSystem | null;
}

export class OverlayFs implements FileSystem {
  readonly dev = allocateDev();
  readonly type = 'overlay';
  readonly readOnly: boolean;
  readonly lowers: readonly LayerTree[];
  readonly upper: FileSystem | null;
  private readonly rootInode: OverlayInode;
  private nextIno = 1;
  private readonly lowerInos = new WeakMap<LayerNode, number>();
  private readonly upperInos = new Map<number, number>();
  private orphans = 0;

  constructor(options: OverlayOptions) {
    this.lowers = options.lowers;
    this.upper = options.upper;
    this.readOnly = !options.upper || options.upper.readOnly;
    const upperRoot = options.upper?.root() ?? null;
    if (upperRoot && upperRoot.kind !== 'dir') fail(Errno.ENOTDIR, 'the upper layer root is not a directory');
    const opaque = upperRoot !== null && upperRoot.lookup(OPAQUE_MARKER) !== null;
    const stack = opaque ? [] : rootStack(options.lowers.map((tree) => tree.root));
    if (!upperRoot && stack.length === 0) fail(Errno.EINVAL, 'an overlay needs an upper layer or at least one lower layer');
    this.rootInode = new OverlayInode(this, upperRoot, { file: null, dirs: stack }, null, '');
  }

  root(): Inode {
    return this.rootInode;
  }

  statfs(): StatFs {
    if (this.upper) return this.upper.statfs();
    return { blockSize: 4096, totalBlocks: 0, freeBlocks: 0, files: 0 };
  }

  async sync(): Promise<void> {
    await this.upper?.sync();
  }

  /**
   * What changed against the lower layers, as `docker diff` lists it (see
   * changes.ts for the exact rules), sorted by path.
   */
  changes(): Change[] {
    return overlayChanges(this.rootInode, rootStack(this.lowers.map((tree) => tree.root)));
  }

  /**
   * The upper layer as an uncompressed OCI layer tar: whiteouts as
   * ".wh.NAME", opaque directories with ".wh..wh..opq", mtimes to the
   * nanosecond. Equal upper content gives equal bytes.
   */
  commitUpper(): Uint8Array {
    if (!this.upper) fail(Errno.EROFS, 'a read-only overlay has no upper layer');
    // Reserved names other than whiteouts and opaque markers (an orphan copy a crash left behind) stay out.
    return tarTree(this.upper.root(), { skip: (name) => name.startsWith(META_PREFIX) && name !== OPAQUE_MARKER });
  }

  // ---- inode numbers: stable for this instance, shared by hard links, kept across copy-up

  /** @internal */
  inoForLower(node: LayerNode): number {
    let ino = this.lowerInos.get(node);
    if (ino === undefined) {
      ino = this.nextIno++;
      this.lowerInos.set(node, ino);
    }
    return ino;
  }

  /** @internal */
  inoForUpper(inode: Inode): number {
    let ino = this.upperInos.get(inode.ino);
    if (ino === undefined) {
      ino = this.nextIno++;
      this.upperInos.set(inode.ino, ino);
    }
    return ino;
  }

  /** @internal An upper inode made by copy-up keeps the number its lower original had. */
  adoptIno(upper: Inode, ino: number): void {
    this.upperInos.set(upper.ino, ino);
  }

  // ---- copy-up helpers that need the whole tree

  /**
   * @internal After `copied` (a name of the hard-linked lower `node`) was
   * copied up to `upper`, links every other name of that node which the
   * merged view still shows to `upper`, so the names stay one file.
   */
  copyUpLinks(copied: OverlayInode, node: LayerNode, upper: Inode): void {
    let paths: readonly (readonly string[])[] = [];
    for (const tree of this.lowers) {
      paths = tree.pathsOf(node);
      if (paths.length > 0) break;
    }
    for (const path of paths) {
      const other = this.lookupComponents(path);
      if (!other || other === copied || other.lowerOnlyFile !== node) continue;
      other.adoptLinkedCopy(upper);
    }
  }

  /**
   * @internal Copies up a file that is no longer in the tree (an fd to an
   * unlinked lower file being written): the copy is made under a reserved
   * name in the upper root and unlinked at once, so it lives only through the
   * inode, like any unlinked open file.
   */
  orphanCopy(copy: (dir: Inode, name: string) => Inode): Inode {
    const root = this.rootInode;
    root.copyUpDir();
    const dir = root.upper!;
    const name = `${META_PREFIX}orphan.${++this.orphans}`;
    const before = dir.stat();
    const created = copy(dir, name);
    dir.unlink(name);
    dir.setAttr({ atimeNs: before.atimeNs, mtimeNs: before.mtimeNs });
    return created;
  }

  private lookupComponents(path: readonly string[]): OverlayInode | null {
    let node: OverlayInode | null = this.rootInode;
    for (const name of path) {
      if (!node || node.kind !== 'dir') return null;
      node = node.lookup(name);
    }
    return node;
  }
}
