/** Archive path rules shared by extraction and writing. */
import { utf8 } from '../../common/bytes.ts';
import { TarError } from './errors.ts';

/** Longest single name component accepted (Linux NAME_MAX). */
export const NAME_MAX = 255;

/**
 * The components of an archive path, made safe to extract under a root.
 *
 * - A leading "/" is dropped (the entry lands inside the tree, as Docker and
 *   GNU tar do): absolute paths are neutralised, not refused.
 * - "." components and empty components (from "//" or a trailing "/") vanish.
 * - A ".." component anywhere is refused: no entry can climb out of the tree.
 *
 * Returns [] for the root itself ("./", "/"). Throws a TarError naming `entry`
 * (the path itself unless the path is, say, a hard link's target).
 */
export function entryComponents(path: string, what = 'path', entry = path): string[] {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new TarError(entry, `the ${what} ${what === 'path' ? '' : `${JSON.stringify(path)} `}contains "..": it would escape the extraction root`);
    if (part.length * 3 > NAME_MAX && utf8(part).length > NAME_MAX) throw new TarError(entry, `a name in the ${what} is longer than ${NAME_MAX} bytes`);
    parts.push(part);
  }
  return parts;
}

/**
 * Orders names by Unicode code point, which is the byte order of their UTF-8
 * encoding (Go's string order, so the order dockerd and Go's tar use).
 */
export function compareNames(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after every BMP code point in UTF-8 order.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
