/**
 * gzip in and out through fflate (pure JavaScript: the same code in browsers
 * and Node). Compression is deterministic: no timestamp, no file name, a
 * fixed level, so equal input gives equal bytes.
 */
import { Gunzip, gzipSync } from 'fflate';
import { concatBytes } from '../../common/bytes.ts';
import { TarError } from './errors.ts';

/** True if `bytes` starts with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** gzip with fixed header fields (mtime 0, no name) and level 6, as `gzip -n` does. */
export function gzip(bytes: Uint8Array): Uint8Array {
  return gzipSync(bytes, { level: 6, mtime: 0 });
}

/** An incremental gunzip: `push` returns the plain chunks a compressed chunk produced. Multi-member input is accepted. */
export function newGunzipStream(): { push(chunk: Uint8Array, final: boolean): Uint8Array[] } {
  const out: Uint8Array[] = [];
  const stream = new Gunzip((data) => {
    out.push(data);
  });
  return {
    push(chunk: Uint8Array, final: boolean): Uint8Array[] {
      try {
        stream.push(chunk, final);
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        throw new TarError(null, `corrupt or truncated gzip data: ${detail}`);
      }
      return out.splice(0, out.length);
    },
  };
}

/** Decompresses a whole gzip stream held in `chunks`. */
export function gunzipChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const stream = newGunzipStream();
  const plain: Uint8Array[] = [];
  chunks.forEach((chunk, index) => plain.push(...stream.push(chunk, index === chunks.length - 1)));
  return plain.length === 1 ? plain[0]! : concatBytes(plain);
}

/**
 * Compressions other than gzip that layers come in, by magic bytes (-1: any
 * byte); none is supported. Each magic is one no tar header can start with:
 * zstd and xz start with bytes that are not valid UTF-8, and bzip2's is taken
 * with its first block's "1AY&SY".
 */
const UNSUPPORTED: readonly { name: string; magic: readonly number[] }[] = [
  { name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68, -1, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59] },
];

/** Bytes `refuseUnsupportedCompression` needs to see. */
export const MAGIC_BYTES = 10;

/** Throws a clear TarError if `head` (the first bytes of an archive) is compressed with something other than gzip. */
export function refuseUnsupportedCompression(head: Uint8Array): void {
  for (const { name, magic } of UNSUPPORTED) {
    if (head.length >= magic.length && magic.every((byte, i) => byte < 0 || head[i] === byte)) {
      throw new TarError(null, `${name}-compressed archives are not supported (only plain tar and gzip)`);
    }
  }
}


