/**
 * A read-only layer tree: what one OCI/Docker layer tar describes, held in
 * memory for the overlay to merge.
 *
 * Invariants (after `applyLayerTar` returns, nothing changes any more):
 *  - File contents are `FileData.wrap` views of the decompressed tar bytes:
 *    no copy is made, so the tree keeps those bytes alive.
 *  - Hard links are one node reachable by several names; `nlink` counts them.
 *  - OCI whiteouts (".wh.NAME") are recorded in `whiteouts` of the directory
 *    they sit in, opaque markers (".wh..wh..opq") set `opaque`; neither ever
 *    appears as a child. Both apply to lower layers only: a name that is both
 *    a child and whited out in the same layer is visible (the child wins).
 *  - Every parent of a child is a directory: extraction never writes through
 *    a symlink, so the tree has no path that reaches outside it.
 *  - Directories the tar never listed but that had to exist (a parent of a
 *    listed entry) are `implicit`: the overlay takes their metadata from a
 *    lower layer that did list them.
 */
import type { FileKind } from '../vfs/types.ts';
import type { FileData } from '../memfs/file-data.ts';

/** One file, directory, symlink or FIFO of a layer. Read-only once the layer is built. */
export interface LayerNode {
  readonly kind: FileKind;
  /** Unique within its tree; hard links share it. */
  readonly ino: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtimeNs: bigint;
  readonly atimeNs: bigint;
  readonly ctimeNs: bigint;
  readonly nlink: number;
  /** Regular files: the contents, a zero-copy view of the layer's tar. */
  readonly data: FileData | null;
  /** Symlinks: the target exactly as archived. */
  readonly target: string;
  /** Directories: children by name, in archive order. */
  readonly children: ReadonlyMap<string, LayerNode> | null;
  /** Directories: names whited out in the layers below. */
  readonly whiteouts: ReadonlySet<string> | null;
  /** Directories: nothing of the layers below shows through. */
  readonly opaque: boolean;
  /** Directories created only because a listed entry needed a parent. */
  readonly implicit: boolean;
}

/** The builder's view of a node (apply.ts only). */
export interface MutableLayerNode extends LayerNode {
  kind: FileKind;
  mode: number;
  uid: number;
  gid: number;
  mtimeNs: bigint;
  atimeNs: bigint;
  ctimeNs: bigint;
  nlink: number;
  data: FileData | null;
  target: string;
  children: Map<string, MutableLayerNode> | null;
  whiteouts: Set<string> | null;
  opaque: boolean;
  implicit: boolean;
}

export class LayerTree {
  constructor(
    readonly root: LayerNode,
    /** Paths (component lists) of every node with more than one link, for copy-up to keep hard links together. */
    private readonly links: ReadonlyMap<LayerNode, readonly (readonly string[])[]>,
    /** Bytes of the uncompressed tar the tree was built from. */
    readonly tarSize: number,
    /** Entries the tar had, including whiteouts and markers. */
    readonly entryCount: number,
  ) {}

  /** The node at `components`, without following symlinks, or null. Whiteouts are not nodes. */
  lookup(components: readonly string[]): LayerNode | null {
    let node: LayerNode | undefined = this.root;
    for (const name of components) {
      node = node.children?.get(name);
      if (!node) return null;
    }
    return node;
  }

  /** Every path this layer gave `node` (only for nodes with nlink > 1; otherwise empty). */
  pathsOf(node: LayerNode): readonly (readonly string[])[] {
    return this.links.get(node) ?? [];
  }
}
