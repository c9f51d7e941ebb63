/**
 * `docker diff` of an overlay: the merged view now against the merged view
 * of the lower layers alone, the way dockerd 20.10 computes it for overlay2
 * on this kernel (its "naive" diff, moby pkg/archive `ChangesDirs`), checked
 * against real dockerd output:
 *
 *  - A: a path the lower view does not have (every entry of a new directory
 *    is listed too).
 *  - D: a path of the lower view that is gone (a deleted directory is listed
 *    once, not its contents; this includes the contents an opaque directory
 *    hides).
 *  - C: a path in both whose stat differs: kind and permission bits, uid,
 *    gid, and for non-directories size and mtime (equal, or the same second
 *    with one side at 0 ns, as tar-restored times compare). Directory size
 *    and mtime are ignored. A symlink's target counts as its content.
 *  - Every directory with a change somewhere inside it is C, unless it is
 *    itself A or C already; the root is never listed.
 *
 * Sorted by path (byte order of the whole path, like dockerd's
 * `changesByPath`); dockerd itself returns this list in map order.
 *
 * Only directories present in the upper layer are visited: elsewhere the two
 * views are the same lower trees.
 */
import type { LayerNode } from '../layer/tree.ts';
import { compareNames } from '../tar/paths.ts';
import { META_PREFIX, OPAQUE_MARKER, WHITEOUT_PREFIX } from '../tar/oci-names.ts';
import type { Stat } from '../vfs/types.ts';
import type { LowerEntry, LowerIndex } from './lower-index.ts';
import { buildLowerIndex, EMPTY_INDEX, metadataNode } from './lower-index.ts';
import type { OverlayInode } from './overlay-inode.ts';

export interface Change {
  readonly kind: 'A' | 'C' | 'D';
  readonly path: string;
}

const SECOND = 1_000_000_000n;

function seconds(t: bigint): bigint {
  return t >= 0n ? t / SECOND : (t - SECOND + 1n) / SECOND;
}

function sameFsTime(a: bigint, b: bigint): boolean {
  return a === b || (seconds(a) === seconds(b) && (a % SECOND === 0n || b % SECOND === 0n));
}

/** dockerd's statDifferent, between a lower entry and the merged inode now at its path. */
function statDifferent(old: LowerEntry, now: OverlayInode, nowStat: Stat): boolean {
  const node: LayerNode = old.node.kind === 'dir' ? metadataNode(old.dirs) : old.node;
  if (node.kind !== nowStat.kind || node.mode !== nowStat.mode || node.uid !== nowStat.uid || node.gid !== nowStat.gid) return true;
  if (nowStat.rdev !== 0) return true;
  if (node.kind === 'dir') return false;
  if (node.kind === 'symlink') return node.target !== now.readlink() || !sameFsTime(node.mtimeNs, nowStat.mtimeNs);
  const size = node.kind === 'file' ? node.data!.size : 0;
  return size !== nowStat.size || !sameFsTime(node.mtimeNs, nowStat.mtimeNs);
}

function join(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** The changes of the overlay whose merged root is `root`, against the lower layers' root stack `lowerRootStack`. */
export function overlayChanges(root: OverlayInode, lowerRootStack: readonly LayerNode[]): Change[] {
  const changes: Change[] = [];

  /** Lists `dir` and everything under it as added. */
  const added = (dir: OverlayInode, path: string): void => {
    for (const entry of dir.entries(0n)) {
      const child = dir.lookup(entry.name);
      if (!child) continue;
      const childPath = join(path, entry.name);
      changes.push({ kind: 'A', path: childPath });
      if (child.kind === 'dir') added(child, childPath);
    }
  };

  /** Compares directory `dir` (present in the upper layer) with the lower view `old`; true if anything inside changed. */
  const compare = (dir: OverlayInode, old: LowerIndex, path: string): boolean => {
    const upper = dir.upper!;
    const names = new Set<string>();
    for (const entry of upper.entries(0n)) {
      if (entry.name === OPAQUE_MARKER) for (const lower of old.ordered) names.add(lower.name);
      else if (entry.name.startsWith(META_PREFIX)) continue;
      else if (entry.name.startsWith(WHITEOUT_PREFIX)) names.add(entry.name.slice(WHITEOUT_PREFIX.length));
      else names.add(entry.name);
    }
    const before = changes.length;
    for (const name of names) {
      const was = old.byName.get(name) ?? null;
      const now = dir.lookup(name);
      const childPath = join(path, name);
      if (!now) {
        if (was) changes.push({ kind: 'D', path: childPath });
        continue;
      }
      if (!was) {
        changes.push({ kind: 'A', path: childPath });
        if (now.kind === 'dir') added(now, childPath);
        continue;
      }
      const nowStat = now.stat();
      const differs = statDifferent(was, now, nowStat);
      if (differs) changes.push({ kind: 'C', path: childPath });
      if (now.kind === 'dir' && now.upper) {
        const oldChildren = was.node.kind === 'dir' ? buildLowerIndex(was.dirs) : EMPTY_INDEX;
        const inner = compare(now, oldChildren, childPath);
        if (inner && !differs) changes.push({ kind: 'C', path: childPath });
      }
    }
    return changes.length > before;
  };

  if (root.upper) compare(root, buildLowerIndex(lowerRootStack), '/');
  return changes.sort((a, b) => compareNames(a.path, b.path));
}
