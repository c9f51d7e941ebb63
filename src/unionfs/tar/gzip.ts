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

/** `bytes` decompressed if it is gzip, else `bytes` itself. */
export function maybeGunzip(bytes: Uint8Array): Uint8Array {
  return isGzip(bytes) ? gunzipChunks([bytes]) : bytes;
}
