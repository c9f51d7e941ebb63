/**
 * `docker diff` of an overlay's upper layer, computed the way dockerd does
 * for overlay2 (moby pkg/archive/changes.go, `changes` with overlay
 * whiteouts):
 *
 *  - The upper tree is walked in pre-order, the names of each directory in
 *    byte order; a whiteout ".wh.NAME" takes NAME's place and reports D.
 *    Opaque markers are not reported.
 *  - A name present (as anything) at the same path in any lower layer is C,
 *    otherwise A (like dockerd, this looks at each layer's own tree, not at
 *    the merged view: a name deleted in a lower layer and recreated is C). A directory that exists in both with the same mode, size
 *    and mtime (equal, or equal seconds with one side at 0 ns) is not
 *    reported: it is only in the upper layer because something below it
 *    changed.
 *  - An A or D reports its parent directory as C (once), unless the parent
 *    was already reported or is the root.
 */
import type { LayerNode, LayerTree } from '../layer/tree.ts';
import { compareNames } from '../tar/paths.ts';
import { META_PREFIX, WHITEOUT_PREFIX } from '../tar/oci-names.ts';
import type { Inode, Stat } from '../vfs/types.ts';

export interface Change {
  readonly kind: 'A' | 'C' | 'D';
  readonly path: string;
}

const DIR_SIZE = 4096;

function sameFsTime(a: bigint, b: bigint): boolean {
  if (a === b) return true;
  const second = 1_000_000_000n;
  const floor = (t: bigint) => (t >= 0n ? t / second : (t - second + 1n) / second);
  return floor(a) === floor(b) && (a % second === 0n || b % second === 0n);
}

function sameDir(upper: Stat, lower: LayerNode): boolean {
  return lower.kind === 'dir' && upper.size === DIR_SIZE && upper.mode === lower.mode && sameFsTime(upper.mtimeNs, lower.mtimeNs);
}

/** The changes of the upper tree under `upperRoot` against `lowers` (top first). */
export function upperChanges(upperRoot: Inode, lowers: readonly LayerTree[]): Change[] {
  const changes: Change[] = [];
  const changedDirs = new Set<string>();

  // The topmost lower node at a path; for a directory, the topmost one a tar
  // listed (implicit parents carry no metadata of their own, see layer/tree.ts).
  const inLower = (components: readonly string[]): LayerNode | null => {
    let found: LayerNode | null = null;
    for (const tree of lowers) {
      const node = tree.lookup(components);
      if (!node) continue;
      if (!(node.kind === 'dir' && node.implicit)) return node;
      found ??= node;
    }
    return found;
  };

  const walk = (dir: Inode, components: string[]): void => {
    const items: { name: string; whiteout: boolean }[] = [];
    for (const entry of dir.entries(0n)) {
      if (entry.name.startsWith(META_PREFIX)) continue;
      if (entry.name.startsWith(WHITEOUT_PREFIX)) items.push({ name: entry.name.slice(WHITEOUT_PREFIX.length), whiteout: true });
      else items.push({ name: entry.name, whiteout: false });
    }
    items.sort((a, b) => compareNames(a.name, b.name));
    for (const item of items) {
      const childComponents = [...components, item.name];
      const path = `/${childComponents.join('/')}`;
      let kind: Change['kind'];
      let child: Inode | null = null;
      if (item.whiteout) {
        kind = 'D';
      } else {
        child = dir.lookup(item.name);
        if (!child) continue;
        const lower = inLower(childComponents);
        if (!lower) kind = 'A';
        else {
          const stat = child.stat();
          if (stat.kind === 'dir' && sameDir(stat, lower)) {
            walk(child, childComponents);
            continue;
          }
          kind = 'C';
        }
      }
      if (child?.kind === 'dir') changedDirs.add(path);
      if (kind !== 'C') {
        const parent = components.length === 0 ? '/' : `/${components.join('/')}`;
        if (parent !== '/' && !changedDirs.has(parent)) {
          changes.push({ kind: 'C', path: parent });
          changedDirs.add(parent);
        }
      }
      changes.push({ kind, path });
      if (child?.kind === 'dir') walk(child, childComponents);
    }
  };
  walk(upperRoot, []);
  return changes;
}
