/**
 * The merged view of one directory across the read-only lower layers, built
 * once per directory and cached: after it exists, a lookup in that directory
 * is one Map access however many layers there are.
 *
 * Merge rules (OCI image-spec "layer.md", Linux overlayfs):
 *  - A name's topmost occurrence wins.
 *  - A whiteout ".wh.NAME" in layer k hides NAME in the layers below k (not in
 *    k itself, nor above).
 *  - A directory merges with same-named directories below it until a layer
 *    where it is opaque, whited out, or not a directory.
 *  - An opaque directory hides everything below it.
 */
import type { LayerNode } from '../layer/tree.ts';

export interface LowerEntry {
  readonly name: string;
  /** The topmost visible node of this name. */
  readonly node: LayerNode;
  /** Directories: the node's merge stack, top first; empty for non-directories. */
  readonly dirs: readonly LayerNode[];
  /** Position in `LowerIndex.ordered`, 1-based: the readdir cookie after this entry. */
  readonly cookie: bigint;
}

export interface LowerIndex {
  readonly byName: ReadonlyMap<string, LowerEntry>;
  /** Entries in a fixed order (the top layer's archive order, then lower layers'). */
  readonly ordered: readonly LowerEntry[];
}

export const EMPTY_INDEX: LowerIndex = { byName: new Map(), ordered: [] };

interface Building {
  node: LayerNode;
  dirs: LayerNode[];
  /** No lower layer may add to this name any more. */
  closed: boolean;
}

/** Builds the index of the directory whose merge stack (top first) is `stack`. */
export function buildLowerIndex(stack: readonly LayerNode[]): LowerIndex {
  if (stack.length === 0) return EMPTY_INDEX;
  const building = new Map<string, Building>();
  const hidden = new Set<string>();
  for (const dir of stack) {
    for (const [name, child] of dir.children ?? []) {
      const above = building.get(name);
      if (above) {
        if (!above.closed) {
          if (child.kind === 'dir') {
            above.dirs.push(child);
            if (child.opaque) above.closed = true;
          } else {
            above.closed = true;
          }
        }
        continue;
      }
      if (hidden.has(name)) continue;
      building.set(name, { node: child, dirs: child.kind === 'dir' ? [child] : [], closed: child.kind !== 'dir' || child.opaque });
    }
    // This layer's whiteouts apply below it, after its own children were taken.
    for (const name of dir.whiteouts ?? []) {
      hidden.add(name);
      const above = building.get(name);
      if (above) above.closed = true;
    }
    if (dir.opaque) break;
  }
  const byName = new Map<string, LowerEntry>();
  const ordered: LowerEntry[] = [];
  for (const [name, entry] of building) {
    const lower: LowerEntry = { name, node: entry.node, dirs: entry.dirs, cookie: BigInt(ordered.length + 1) };
    byName.set(name, lower);
    ordered.push(lower);
  }
  return { byName, ordered };
}

/** The node whose metadata a merged lower directory shows: the topmost one a tar actually listed. */
export function metadataNode(dirs: readonly LayerNode[]): LayerNode {
  for (const dir of dirs) if (!dir.implicit) return dir;
  return dirs[0]!;
}

/** The merge stack of the root: each layer's root, top first, down to the first opaque one. */
export function rootStack(roots: readonly LayerNode[]): LayerNode[] {
  const stack: LayerNode[] = [];
  for (const root of roots) {
    stack.push(root);
    if (root.opaque) break;
  }
  return stack;
}
