/**
 * The integrity checks of the .xz format, computed synchronously in plain
 * TypeScript (WebCrypto's digest is asynchronous): CRC32 (also used for the
 * container's own headers and index), CRC64 and SHA-256, and the table of
 * check IDs a stream header may name.
 *
 * Invariants
 *  - Every function is pure: it reads `bytes[start, end)` and allocates only
 *    its result.
 *  - Checks are stored little-endian for CRC32/CRC64 and as the plain digest
 *    for SHA-256, exactly as xz writes them, so a comparison is byte for byte.
 */
import { unsupportedXz } from './xz-error.ts';

/** CRC-32 (IEEE 802.3, reflected polynomial 0xedb88320), as zlib and xz compute it. */
const CRC32_TABLE = (() => {
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    table[i] = c;
  }
  return table;
})();

/** CRC-32 of `bytes[start, end)` as an unsigned number. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = -1;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ CRC32_TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return ~crc >>> 0;
}

/** CRC-64 (ECMA-182, reflected polynomial 0xc96c5795d7870f42) as two 32-bit halves per table entry. */
const CRC64_TABLE_LO = new Int32Array(256);
const CRC64_TABLE_HI = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  let lo = i;
  let hi = 0;
  for (let k = 0; k < 8; k++) {
    const carry = lo & 1;
    lo = (lo >>> 1) | (hi << 31);
    hi >>>= 1;
    if (carry) {
      lo ^= 0xd7870f42;
      hi ^= 0xc96c5795;
    }
  }
  CRC64_TABLE_LO[i] = lo;
  CRC64_TABLE_HI[i] = hi;
}

/** CRC-64 of `bytes[start, end)` as its 8 little-endian bytes (how xz stores it). */
export function crc64(bytes: Uint8Array, start = 0, end = bytes.length): Uint8Array {
  let lo = -1;
  let hi = -1;
  for (let i = start; i < end; i++) {
    const index = (lo ^ bytes[i]!) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ CRC64_TABLE_LO[index]!;
    hi = (hi >>> 8) ^ CRC64_TABLE_HI[index]!;
  }
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, ~lo >>> 0, true);
  view.setUint32(4, ~hi >>> 0, true);
  return out;
}

const SHA256_K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);

/** One SHA-256 compression of the 64-byte block at `bytes[at]` into `h`. */
function sha256Block(h: Int32Array, w: Int32Array, bytes: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++, at += 4) {
    w[i] = (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!;
    const b = w[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, k = h[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (k + s1 + ((e & f) ^ (~e & g)) + SHA256_K[i]! + w[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    k = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + k) | 0;
}

/** SHA-256 digest (32 bytes) of `bytes[start, end)`. */
export function sha256(bytes: Uint8Array, start = 0, end = bytes.length): Uint8Array {
  const h = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);
  const w = new Int32Array(64);
  const length = end - start;
  let at = start;
  for (; at + 64 <= end; at += 64) sha256Block(h, w, bytes, at);
  // The tail, the 0x80 marker and the bit length (big-endian, 64 bits) fill one or two last blocks.
  const tail = new Uint8Array(end - at < 56 ? 64 : 128);
  tail.set(bytes.subarray(at, end));
  tail[end - at] = 0x80;
  const view = new DataView(tail.buffer);
  view.setUint32(tail.length - 8, Math.floor(length / 2 ** 29));
  view.setUint32(tail.length - 4, (length * 8) >>> 0);
  for (let t = 0; t < tail.length; t += 64) sha256Block(h, w, tail, t);
  const digest = new Uint8Array(32);
  const out = new DataView(digest.buffer);
  for (let i = 0; i < 8; i++) out.setUint32(i * 4, h[i]!);
  return digest;
}

/** The check IDs of a stream header that this decoder verifies, and the size of each stored check. */
export const XzCheck = { none: 0x00, crc32: 0x01, crc64: 0x04, sha256: 0x0a } as const;

const CHECK_NAMES: Readonly<Record<number, string>> = { 0x00: 'None', 0x01: 'CRC32', 0x04: 'CRC64', 0x0a: 'SHA-256' };

/** Bytes of the check field after each block for check `id`; an unsupported (reserved) ID is a TarError. */
export function checkSize(id: number): number {
  switch (id) {
    case XzCheck.none:
      return 0;
    case XzCheck.crc32:
      return 4;
    case XzCheck.crc64:
      return 8;
    case XzCheck.sha256:
      return 32;
    default:
      throw unsupportedXz(`integrity check type ${id} is not supported (only None, CRC32, CRC64 and SHA-256)`);
  }
}

/** The name of check `id` for messages ("CRC64"). */
export function checkName(id: number): string {
  return CHECK_NAMES[id] ?? `type ${id}`;
}

/** True when the stored check `stored` matches the check `id` of `data[start, end)`. */
export function checkMatches(id: number, data: Uint8Array, start: number, end: number, stored: Uint8Array): boolean {
  let computed: Uint8Array;
  switch (id) {
    case XzCheck.none:
      return true;
    case XzCheck.crc32: {
      computed = new Uint8Array(4);
      new DataView(computed.buffer).setUint32(0, crc32(data, start, end), true);
      break;
    }
    case XzCheck.crc64:
      computed = crc64(data, start, end);
      break;
    case XzCheck.sha256:
      computed = sha256(data, start, end);
      break;
    default:
      checkSize(id);
      return false;
  }
  return computed.length === stored.length && computed.every((byte, i) => byte === stored[i]);
}
