/**
 * Archives in the compressions dockerd's archive.DecompressStream takes,
 * detected by magic bytes (never by file name): plain, gzip, bzip2 and xz
 * are decoded (gzip by fflate, bzip2 and xz by our own decoders, all plain
 * TypeScript and synchronous); zstd is recognised and refused with a clear
 * error (no decoder is bundled).
 *
 * Invariants
 *  - Output never exceeds `maxBytes` (default MAX_DECOMPRESSED_BYTES):
 *    DecompressLimitError instead, so a bomb cannot exhaust memory.
 *  - Corrupt or truncated compressed data is a TarError; plain bytes are
 *    returned as they are (the same array, not a copy).
 */
import { concatBytes } from '../../common/bytes.ts';
import { bunzip2, isBzip2 } from './bzip2.ts';
import { DecompressLimitError, MAX_DECOMPRESSED_BYTES } from './decompress-limit.ts';
import { TarError } from './errors.ts';
import { isGzip, newGunzipStream } from './gzip.ts';
import { isXz, unxz } from './xz.ts';

export { DecompressLimitError, MAX_DECOMPRESSED_BYTES } from './decompress-limit.ts';

/** What an archive is compressed with, as told by its first bytes. */
export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, i) => bytes[i] === byte);
}

/** The compression `bytes` starts with, by magic number (dockerd's DetectCompression; bzip2 also needs its level digit). */
export function detectCompression(bytes: Uint8Array): Compression {
  if (isGzip(bytes)) return 'gzip';
  if (isBzip2(bytes)) return 'bzip2';
  if (isXz(bytes)) return 'xz';
  if (startsWith(bytes, ZSTD_MAGIC)) return 'zstd';
  return 'none';
}

/** Input slice fed to the gunzip stream at a time: deflate expands at most ~1032:1, so one push yields at most ~66 MB. */
const GZIP_SLICE = 64 * 1024;

function gunzipLimited(bytes: Uint8Array, maxBytes: number): Uint8Array {
  const stream = newGunzipStream();
  const plain: Uint8Array[] = [];
  let total = 0;
  for (let at = 0; at < bytes.length; at += GZIP_SLICE) {
    const end = Math.min(bytes.length, at + GZIP_SLICE);
    for (const chunk of stream.push(bytes.subarray(at, end), end === bytes.length)) {
      total += chunk.length;
      if (total > maxBytes) throw new DecompressLimitError('gzip', maxBytes);
      plain.push(chunk);
    }
  }
  return plain.length === 1 ? plain[0]! : concatBytes(plain);
}

/**
 * `bytes` decompressed (gzip, bzip2, xz) or `bytes` itself when it is not
 * compressed. TarError for zstd (unsupported) and for corrupt, truncated or
 * unsupported compressed data; DecompressLimitError past `maxBytes`.
 */
export function decompress(bytes: Uint8Array, maxBytes: number = MAX_DECOMPRESSED_BYTES): Uint8Array {
  const compression = detectCompression(bytes);
  switch (compression) {
    case 'none':
      return bytes;
    case 'gzip':
      return gunzipLimited(bytes, maxBytes);
    case 'bzip2':
      return bunzip2(bytes, maxBytes);
    case 'xz':
      return unxz(bytes, maxBytes);
    case 'zstd':
      throw new TarError(null, 'zstd-compressed archives are not supported (only plain tar, gzip, bzip2 and xz)');
  }
}
