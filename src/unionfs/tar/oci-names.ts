/**
 * OCI layer naming: whiteouts and opaque markers, and the order names take
 * inside one directory of a layer tar.
 */
import { compareNames } from './paths.ts';

/** ".wh.NAME" in a layer removes NAME of the layers below. */
export const WHITEOUT_PREFIX = '.wh.';
/** ".wh..wh..opq" in a directory hides everything the layers below have in it. */
export const OPAQUE_MARKER = '.wh..wh..opq';
/** Other ".wh..wh.*" names are aufs metadata, which Docker ignores. */
export const META_PREFIX = '.wh..wh.';

function rank(name: string): number {
  if (name === OPAQUE_MARKER) return 0;
  if (name.startsWith(WHITEOUT_PREFIX)) return 1;
  return 2;
}

/**
 * Sort order of names inside one directory of a layer tar: the opaque marker,
 * then whiteouts, then everything else, each group in byte order. An
 * extractor that applies whiteouts as it meets them then never removes an
 * entry of the same layer.
 */
export function compareLayerNames(a: string, b: string): number {
  return rank(a) - rank(b) || compareNames(a, b);
}
