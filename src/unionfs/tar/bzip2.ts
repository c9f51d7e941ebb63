/**
 * A bzip2 decoder in plain TypeScript (no Node built-ins, no DOM), after
 * Rob Landley's micro-bunzip and Julian Seward's bzip2 1.0: Huffman-coded
 * MTF/RLE2 symbols, the inverse Burrows-Wheeler transform, then RLE1.
 *
 * Invariants
 *  - Every block's CRC and every stream's combined CRC are checked; corrupt,
 *    truncated or randomised (bzip2 0.9.0) input is a TarError, never garbage.
 *  - Output never exceeds `maxBytes`: the decoder stops with a
 *    DecompressLimitError as soon as one more byte would pass it, so a
 *    decompression bomb costs at most `maxBytes` plus one block (900 kB).
 *  - Concatenated streams (`cat a.bz2 b.bz2`, pbzip2) decode as one, as Go's
 *    compress/bzip2 (dockerd's) reads them; bytes after the last stream that
 *    are not another stream are an error.
 */
import { concatBytes } from '../../common/bytes.ts';
import { DecompressLimitError } from './decompress-limit.ts';
import { TarError } from './errors.ts';

const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const END_MAGIC_HI = 0x177245;
const END_MAGIC_LO = 0x385090;
const MAX_GROUPS = 6;
const MAX_ALPHA = 258;
const MAX_CODE_LEN = 20;
const GROUP_SIZE = 50;
/** bzip2 1.0.8 writes at most 18001 selectors; more are read and ignored, as bzip2 does. */
const MAX_SELECTORS = 18002;

function corrupt(detail: string): TarError {
  return new TarError(null, `corrupt or truncated bzip2 data: ${detail}`);
}

/** CRC-32 as bzip2 computes it: polynomial 0x04c11db7, most significant bit first. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** Reads bits most significant first; reading past the end is a TarError. */
class BitReader {
  private pos = 0;
  private acc = 0;
  private bits = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** `n` (at most 24) bits as an unsigned number. */
  read(n: number): number {
    while (this.bits < n) {
      if (this.pos >= this.bytes.length) throw corrupt('unexpected end of data');
      this.acc = ((this.acc << 8) | this.bytes[this.pos++]!) & 0xffffffff;
      this.bits += 8;
    }
    this.bits -= n;
    return (this.acc >>> this.bits) & ((1 << n) - 1);
  }

  bit(): number {
    return this.read(1);
  }

  /** Drops the bits left in the current byte. */
  align(): void {
    this.bits -= this.bits % 8;
  }

  /** Bytes not yet read (after align). */
  get remaining(): number {
    return this.bytes.length - this.pos + Math.floor(this.bits / 8);
  }
}

/** One Huffman table in canonical form: codes of each length are consecutive. */
interface HuffmanTable {
  readonly minLen: number;
  readonly maxLen: number;
  /** Largest code of each length (-1 when there is none). */
  readonly limit: Int32Array;
  /** Index into `perm` of each length's first code, minus that code. */
  readonly base: Int32Array;
  /** Symbols ordered by code. */
  readonly perm: Uint16Array;
}

function buildTable(lengths: Uint8Array, symCount: number): HuffmanTable {
  let minLen = MAX_CODE_LEN;
  let maxLen = 0;
  for (let i = 0; i < symCount; i++) {
    minLen = Math.min(minLen, lengths[i]!);
    maxLen = Math.max(maxLen, lengths[i]!);
  }
  const limit = new Int32Array(MAX_CODE_LEN + 1).fill(-1);
  const base = new Int32Array(MAX_CODE_LEN + 1);
  const perm = new Uint16Array(symCount);
  let index = 0;
  let code = 0;
  for (let len = minLen; len <= maxLen; len++) {
    const first = index;
    for (let sym = 0; sym < symCount; sym++) if (lengths[sym] === len) perm[index++] = sym;
    const count = index - first;
    base[len] = first - code;
    limit[len] = code + count - 1;
    code = (code + count) << 1;
  }
  return { minLen, maxLen, limit, base, perm };
}

function decodeSymbol(bits: BitReader, table: HuffmanTable): number {
  let code = bits.read(table.minLen);
  for (let len = table.minLen; len <= table.maxLen; len++) {
    if (code <= table.limit[len]!) {
      const index = table.base[len]! + code;
      if (index < 0 || index >= table.perm.length) break;
      return table.perm[index]!;
    }
    code = (code << 1) | bits.bit();
  }
  throw corrupt('invalid Huffman code');
}

/** Grows as bytes are appended, never past `max` bytes in all (shared with the earlier chunks). */
class Output {
  readonly chunks: Uint8Array[] = [];
  private buffer = new Uint8Array(1 << 16);
  private used = 0;
  private flushed = 0;

  constructor(private readonly max: number) {}

  push(byte: number, times: number): void {
    if (this.flushed + this.used + times > this.max) throw new DecompressLimitError('bzip2', this.max);
    if (this.used + times > this.buffer.length) {
      this.flush();
      if (times > this.buffer.length) this.buffer = new Uint8Array(times);
    }
    this.buffer.fill(byte, this.used, this.used + times);
    this.used += times;
  }

  flush(): void {
    if (this.used === 0) return;
    this.chunks.push(this.buffer.slice(0, this.used));
    this.flushed += this.used;
    this.used = 0;
  }
}

/** Decodes one block (after its magic) into `out`; returns the block's CRC as computed. */
function decodeBlock(bits: BitReader, blockSize: number, tt: Uint32Array, out: Output): number {
  if (bits.bit()) throw corrupt('randomised blocks (bzip2 0.9.0) are not supported');
  const origPtr = bits.read(24);

  // The bytes the block uses: a 16-bit map of ranges, then a 16-bit map per range.
  const symToByte = new Uint8Array(256);
  let symTotal = 0;
  const ranges = bits.read(16);
  for (let i = 0; i < 16; i++) {
    if (!(ranges & (0x8000 >> i))) continue;
    const used = bits.read(16);
    for (let j = 0; j < 16; j++) if (used & (0x8000 >> j)) symToByte[symTotal++] = i * 16 + j;
  }
  if (symTotal === 0) throw corrupt('block uses no byte values');

  const groupCount = bits.read(3);
  if (groupCount < 2 || groupCount > MAX_GROUPS) throw corrupt(`bad Huffman group count ${groupCount}`);
  const nSelectors = bits.read(15);
  if (nSelectors === 0) throw corrupt('no selectors');
  const mtfGroups = Array.from({ length: groupCount }, (_, i) => i);
  const selectors = new Uint8Array(Math.min(nSelectors, MAX_SELECTORS));
  for (let i = 0; i < nSelectors; i++) {
    let j = 0;
    while (bits.bit()) if (++j >= groupCount) throw corrupt('bad selector');
    const group = mtfGroups.splice(j, 1)[0]!;
    mtfGroups.unshift(group);
    if (i < selectors.length) selectors[i] = group;
  }

  const symCount = symTotal + 2;
  const tables: HuffmanTable[] = [];
  const lengths = new Uint8Array(MAX_ALPHA);
  for (let g = 0; g < groupCount; g++) {
    let len = bits.read(5);
    for (let sym = 0; sym < symCount; sym++) {
      for (;;) {
        if (len < 1 || len > MAX_CODE_LEN) throw corrupt(`bad Huffman code length ${len}`);
        if (!bits.bit()) break;
        len += bits.bit() ? -1 : 1;
      }
      lengths[sym] = len;
    }
    tables.push(buildTable(lengths, symCount));
  }

  // Huffman symbols -> RLE2 runs and move-to-front indexes -> bytes of the BWT's last column (in tt's low byte).
  const mtf = new Uint8Array(256);
  for (let i = 0; i < 256; i++) mtf[i] = i;
  const byteCount = new Uint32Array(256);
  const eob = symTotal + 1;
  let count = 0;
  let selector = 0;
  let groupLeft = 0;
  let table = tables[0]!;
  let run = 0;
  let runWeight = 1;
  for (;;) {
    if (groupLeft === 0) {
      if (selector >= selectors.length) throw corrupt('ran out of selectors');
      table = tables[selectors[selector++]!]!;
      groupLeft = GROUP_SIZE;
    }
    groupLeft--;
    const sym = decodeSymbol(bits, table);
    if (sym <= 1) {
      // RUNA / RUNB: a run length in bijective base 2.
      if (runWeight > blockSize) throw corrupt('run too long');
      run += (sym + 1) * runWeight;
      runWeight <<= 1;
      continue;
    }
    if (run > 0) {
      if (count + run > blockSize) throw corrupt('block larger than its declared size');
      const byte = symToByte[mtf[0]!]!;
      byteCount[byte]! += run;
      tt.fill(byte, count, count + run);
      count += run;
      run = 0;
      runWeight = 1;
    }
    if (sym === eob) break;
    if (sym > eob) throw corrupt('bad symbol');
    if (count >= blockSize) throw corrupt('block larger than its declared size');
    const index = sym - 1;
    const value = mtf[index]!;
    mtf.copyWithin(1, 0, index);
    mtf[0] = value;
    const byte = symToByte[value]!;
    byteCount[byte]!++;
    tt[count++] = byte;
  }
  if (count === 0) return 0;
  if (origPtr >= count) throw corrupt('bad BWT origin pointer');

  // Inverse BWT: link each position to the next in the original text (tt's high 24 bits).
  let sum = 0;
  for (let i = 0; i < 256; i++) {
    const c = byteCount[i]!;
    byteCount[i] = sum;
    sum += c;
  }
  for (let i = 0; i < count; i++) {
    const byte = tt[i]! & 0xff;
    tt[byteCount[byte]!]! |= i << 8;
    byteCount[byte]!++;
  }

  // Walk the text, undoing RLE1 (four equal bytes, then a count of further copies), computing the CRC.
  let crc = 0xffffffff;
  let pos = tt[origPtr]! >>> 8;
  let last = -1;
  let same = 0;
  for (let n = 0; n < count; n++) {
    const entry = tt[pos]!;
    const byte = entry & 0xff;
    pos = entry >>> 8;
    let times = 1;
    if (same === 4) {
      times = byte;
      same = 0;
      if (times === 0) continue;
      out.push(last, times);
      for (let k = 0; k < times; k++) crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ last) & 0xff]!;
      continue;
    }
    same = byte === last ? same + 1 : 1;
    last = byte;
    out.push(byte, times);
    crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!;
  }
  return ~crc >>> 0;
}

/** The 48-bit magic numbers that may follow a bzip2 header: a block's (pi) or the end of the stream's (sqrt(pi)). */
const BLOCK_MAGIC = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
const END_MAGIC = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90];

/** Bytes `isBzip2` needs to see. */
export const BZIP2_MAGIC_BYTES = 10;

/**
 * True if `bytes` starts like a bzip2 stream: "BZh", a block size digit 1-9,
 * then a block's or the end's magic. (dockerd looks at "BZh" only; the magic
 * keeps a plain tar whose first member is named "BZh9..." a tar.)
 */
export function isBzip2(bytes: Uint8Array): boolean {
  if (bytes.length < BZIP2_MAGIC_BYTES || bytes[0] !== 0x42 || bytes[1] !== 0x5a || bytes[2] !== 0x68) return false;
  if (bytes[3]! < 0x31 || bytes[3]! > 0x39) return false;
  const follows = (magic: readonly number[]) => magic.every((byte, i) => bytes[4 + i] === byte);
  return follows(BLOCK_MAGIC) || follows(END_MAGIC);
}

/**
 * Decompresses a whole bzip2 file (one stream or several concatenated).
 * TarError for corrupt or truncated input; DecompressLimitError once the
 * output would pass `maxBytes`.
 */
export function bunzip2(bytes: Uint8Array, maxBytes: number): Uint8Array {
  const bits = new BitReader(bytes);
  const out = new Output(maxBytes);
  let tt: Uint32Array | null = null;
  do {
    if (bits.read(24) !== 0x425a68) throw corrupt('bad stream header after the end of a stream');
    const level = bits.read(8) - 0x30;
    if (level < 1 || level > 9) throw corrupt('bad block size in the stream header');
    const blockSize = level * 100_000;
    if (!tt || tt.length < blockSize) tt = new Uint32Array(blockSize);
    let combined = 0;
    for (;;) {
      const hi = bits.read(24);
      const lo = bits.read(24);
      const crc = ((bits.read(16) << 16) | bits.read(16)) >>> 0;
      if (hi === END_MAGIC_HI && lo === END_MAGIC_LO) {
        if (crc !== combined) throw corrupt('stream CRC mismatch');
        break;
      }
      if (hi !== BLOCK_MAGIC_HI || lo !== BLOCK_MAGIC_LO) throw corrupt('bad block header');
      tt.fill(0, 0, blockSize);
      const actual = decodeBlock(bits, blockSize, tt, out);
      if (actual !== crc) throw corrupt('block CRC mismatch');
      combined = (((combined << 1) | (combined >>> 31)) ^ actual) >>> 0;
    }
    bits.align();
  } while (bits.remaining > 0);
  out.flush();
  return out.chunks.length === 1 ? out.chunks[0]! : concatBytes(out.chunks);
}
