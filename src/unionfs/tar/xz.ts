/**
 * An .xz decoder in plain TypeScript (no Node built-ins, no DOM), for what
 * xz-utils writes: one or more concatenated streams with stream padding
 * between and after them; each stream a header, blocks, an index and a
 * footer; each block an LZMA2 filter chain (optionally after Delta or BCJ
 * filters) and a None, CRC32, CRC64 or SHA-256 check.
 *
 * The whole input is in memory, so the decoder reads it from the end first,
 * as `xz --list` does: footers and indexes give every stream's position and
 * every block's compressed and uncompressed size before one byte is
 * decompressed. Then each block decodes into its place in one output array,
 * which is also LZMA2's dictionary.
 *
 * Invariants
 *  - The total the indexes declare is checked against `maxBytes` before any
 *    decoding (DecompressLimitError), and no block can write more than its
 *    index record declares, so output never exceeds `maxBytes`.
 *  - Memory grows with what is actually decoded (the output array at most
 *    doubles, chunk by chunk), never with a size or dictionary size a header
 *    claims: a hostile header cannot make the decoder allocate gigabytes.
 *  - Every CRC32 of the container (stream header and footer, block headers,
 *    index) and every block check is verified; block headers must agree
 *    with the index, and each block must use exactly its declared bytes.
 *    Anything damaged, cut short, trailing or inconsistent is a TarError;
 *    features not implemented here (reserved check types, IA-64 and RISC-V
 *    BCJ filters) are a TarError naming them. Decoding always terminates:
 *    every loop consumes input or produces bounded output.
 */
import { DecompressLimitError } from './decompress-limit.ts';
import { decodeLzma2, type GrowableOutput } from './lzma2.ts';
import { LzmaDecoder } from './lzma.ts';
import { checkMatches, checkName, checkSize, crc32 } from './xz-check.ts';
import { corruptXz, unsupportedXz } from './xz-error.ts';
import { filterChain, type FilterSpec } from './xz-filters.ts';

const HEADER_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const FOOTER_MAGIC = [0x59, 0x5a];
const HEADER_SIZE = 12;
const FOOTER_SIZE = 12;
/** The largest variable-length integer xz allows (63 bits); larger sizes are corrupt. */
const VLI_BYTES_MAX = 9;
/** The smallest unpadded size liblzma accepts in an index record (UNPADDED_SIZE_MIN). */
const UNPADDED_SIZE_MIN = 5;

/** True if `bytes` starts with the .xz stream header magic (fd 37 7a 58 5a 00). */
export function isXz(bytes: Uint8Array): boolean {
  return bytes.length >= HEADER_MAGIC.length && HEADER_MAGIC.every((byte, i) => bytes[i] === byte);
}

/** One block as the index records it. */
interface IndexRecord {
  readonly unpaddedSize: number;
  readonly uncompressedSize: number;
}

/** One stream, located from its footer. */
interface StreamLayout {
  readonly start: number;
  readonly checkId: number;
  readonly records: readonly IndexRecord[];
}

function readLe32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

function roundUp4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/** Reads xz's variable-length integers from `bytes` without passing `end`. */
class VliReader {
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
    private readonly end: number,
    private readonly where: string,
  ) {}

  /** The next integer; TarError past `end`, after 9 bytes, or for a non-minimal encoding. */
  next(): number {
    let value = 0;
    for (let i = 0; i < VLI_BYTES_MAX; i++) {
      if (this.pos >= this.end) throw corruptXz(`${this.where} is cut short`);
      const byte = this.bytes[this.pos++]!;
      value += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) {
        if (byte === 0 && i > 0) throw corruptXz(`${this.where} has a badly encoded number`);
        return value;
      }
    }
    throw corruptXz(`${this.where} has a number longer than 63 bits`);
  }
}

/** The check ID of the stream flags at `bytes[at, at + 2)`; reserved bits set are unsupported. */
function streamCheckId(bytes: Uint8Array, at: number): number {
  if (bytes[at] !== 0 || (bytes[at + 1]! & 0xf0) !== 0) throw unsupportedXz('the stream flags use reserved bits (a newer xz format?)');
  return bytes[at + 1]!;
}

/** Parses the stream header at `start`; returns its check ID. */
function readStreamHeader(bytes: Uint8Array, start: number): number {
  if (bytes.length - start < HEADER_SIZE || !HEADER_MAGIC.every((byte, i) => bytes[start + i] === byte)) {
    throw corruptXz(start === 0 ? 'no stream header' : `no stream header where the index puts one (offset ${start})`);
  }
  if (crc32(bytes, start + 6, start + 8) !== readLe32(bytes, start + 8)) throw corruptXz('stream header CRC32 mismatch');
  return streamCheckId(bytes, start + 6);
}

/** Parses the index at `[start, end)`: its records, CRC32 verified. */
function readIndex(bytes: Uint8Array, start: number, end: number): IndexRecord[] {
  if (bytes[start] !== 0x00) throw corruptXz('no index where the stream footer puts it');
  const crcAt = end - 4;
  if (crc32(bytes, start, crcAt) !== readLe32(bytes, crcAt)) throw corruptXz('index CRC32 mismatch');
  const reader = new VliReader(bytes, start + 1, crcAt, 'the index');
  const count = reader.next();
  // Each record takes at least two bytes: a larger count cannot be genuine (and must not size an allocation).
  if (count > (crcAt - reader.pos) / 2) throw corruptXz('the index counts more blocks than it holds');
  const records: IndexRecord[] = [];
  for (let i = 0; i < count; i++) {
    const unpaddedSize = reader.next();
    const uncompressedSize = reader.next();
    if (unpaddedSize < UNPADDED_SIZE_MIN) throw corruptXz('an index record has an impossible block size');
    records.push({ unpaddedSize, uncompressedSize });
  }
  const padding = crcAt - reader.pos;
  if (padding > 3) throw corruptXz('the index is longer than its records');
  for (let i = reader.pos; i < crcAt; i++) if (bytes[i] !== 0) throw corruptXz('index padding is not zero');
  return records;
}

/**
 * Every stream of `bytes`, first to last, read backwards from the end:
 * stream padding, footer, index, then the header the index's block sizes
 * lead to.
 */
function locateStreams(bytes: Uint8Array): StreamLayout[] {
  const streams: StreamLayout[] = [];
  let end = bytes.length;
  while (end > 0) {
    let padStart = end;
    while (padStart > 0 && bytes[padStart - 1] === 0) padStart--;
    if ((end - padStart) % 4 !== 0) throw corruptXz('stream padding is not a multiple of four bytes (or the file is cut short)');
    end = padStart;
    if (end < HEADER_SIZE + FOOTER_SIZE) throw corruptXz('too short for a stream (cut short?)');
    const footer = end - FOOTER_SIZE;
    if (bytes[end - 2] !== FOOTER_MAGIC[0] || bytes[end - 1] !== FOOTER_MAGIC[1]) {
      throw corruptXz('no stream footer at the end (the file is cut short or has trailing garbage)');
    }
    if (crc32(bytes, footer + 4, footer + 10) !== readLe32(bytes, footer)) throw corruptXz('stream footer CRC32 mismatch');
    const footerCheck = streamCheckId(bytes, footer + 8);
    const indexSize = (readLe32(bytes, footer + 4) + 1) * 4;
    const indexStart = footer - indexSize;
    if (indexStart < HEADER_SIZE) throw corruptXz('the stream footer points before the start of the data');
    const records = readIndex(bytes, indexStart, footer);
    let blocksSize = 0;
    for (const record of records) blocksSize += roundUp4(record.unpaddedSize);
    const start = indexStart - blocksSize - HEADER_SIZE;
    if (start < 0 || start % 4 !== 0) throw corruptXz('the index declares more block data than there is');
    const checkId = readStreamHeader(bytes, start);
    if (checkId !== footerCheck) throw corruptXz('stream header and footer flags differ');
    checkSize(checkId);
    streams.push({ start, checkId, records });
    end = start;
  }
  return streams.reverse();
}

/** A block header: declared sizes (null when absent) and filters. */
interface BlockHeader {
  readonly size: number;
  readonly compressedSize: number | null;
  readonly uncompressedSize: number | null;
  readonly filters: FilterSpec[];
}

function readBlockHeader(bytes: Uint8Array, start: number, limit: number): BlockHeader {
  if (bytes[start] === 0x00) throw corruptXz('an index where the index says a block starts');
  const size = (bytes[start]! + 1) * 4;
  if (size > limit - start) throw corruptXz('a block header is cut short');
  const crcAt = start + size - 4;
  if (crc32(bytes, start, crcAt) !== readLe32(bytes, crcAt)) throw corruptXz('block header CRC32 mismatch');
  const flags = bytes[start + 1]!;
  if (flags & 0x3c) throw unsupportedXz('a block header uses reserved flags (a newer xz format?)');
  const reader = new VliReader(bytes, start + 2, crcAt, 'a block header');
  const compressedSize = flags & 0x40 ? reader.next() : null;
  const uncompressedSize = flags & 0x80 ? reader.next() : null;
  if (compressedSize === 0) throw corruptXz('a block header declares no compressed data');
  const filters: FilterSpec[] = [];
  for (let i = 0; i <= (flags & 3); i++) {
    const id = reader.next();
    const propsSize = reader.next();
    if (propsSize > crcAt - reader.pos) throw corruptXz('filter properties run past the block header');
    filters.push({ id, props: bytes.subarray(reader.pos, reader.pos + propsSize) });
    reader.pos += propsSize;
  }
  for (let i = reader.pos; i < crcAt; i++) if (bytes[i] !== 0) throw unsupportedXz('block header padding is not zero (a newer xz format?)');
  return { size, compressedSize, uncompressedSize, filters };
}

/** The output array: grows by doubling as chunks ask for room, never past the total the indexes declare. */
class Output implements GrowableOutput {
  bytes: Uint8Array;

  constructor(
    private readonly total: number,
    initial: number,
  ) {
    this.bytes = new Uint8Array(Math.min(total, initial));
  }

  reserve(end: number): Uint8Array {
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.min(this.total, Math.max(end, this.bytes.length * 2)));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    return this.bytes;
  }
}

/**
 * Decompresses a whole .xz file (one stream or several concatenated, with
 * stream padding). TarError for corrupt, truncated or unsupported input;
 * DecompressLimitError when it declares more than `maxBytes` of output.
 */
export function unxz(bytes: Uint8Array, maxBytes: number): Uint8Array {
  if (!isXz(bytes)) throw corruptXz('no stream header');
  const streams = locateStreams(bytes);
  let total = 0;
  for (const stream of streams) {
    for (const record of stream.records) {
      total += record.uncompressedSize;
      if (total > maxBytes) throw new DecompressLimitError('xz', maxBytes);
    }
  }
  // A first guess at the output (xz rarely shrinks tars to less than an eighth); it doubles as needed.
  const out = new Output(total, Math.max(1 << 16, bytes.length * 8));
  const lzma = new LzmaDecoder();
  let outPos = 0;
  for (const stream of streams) {
    const checkBytes = checkSize(stream.checkId);
    let blockStart = stream.start + HEADER_SIZE;
    for (const record of stream.records) {
      const blockLimit = blockStart + record.unpaddedSize;
      const header = readBlockHeader(bytes, blockStart, blockLimit);
      const dataStart = blockStart + header.size;
      const dataEnd = blockLimit - checkBytes;
      if (dataEnd <= dataStart) throw corruptXz('an index record leaves a block no compressed data');
      if (header.compressedSize !== null && header.compressedSize !== dataEnd - dataStart) {
        throw corruptXz('a block header and the index disagree on the compressed size');
      }
      if (header.uncompressedSize !== null && header.uncompressedSize !== record.uncompressedSize) {
        throw corruptXz('a block header and the index disagree on the uncompressed size');
      }
      const chain = filterChain(header.filters);
      const outEnd = outPos + record.uncompressedSize;
      decodeLzma2(lzma, chain.dictSize, bytes, dataStart, dataEnd, out, outPos, outEnd);
      const data = out.reserve(outEnd);
      for (const undo of chain.after) undo(data.subarray(outPos, outEnd));
      const paddingEnd = roundUp4(dataEnd - stream.start) + stream.start;
      for (let i = dataEnd; i < paddingEnd; i++) if (bytes[i] !== 0) throw corruptXz('block padding is not zero');
      const stored = bytes.subarray(paddingEnd, paddingEnd + checkBytes);
      if (!checkMatches(stream.checkId, data, outPos, outEnd, stored)) throw corruptXz(`${checkName(stream.checkId)} check mismatch (the data is damaged)`);
      outPos = outEnd;
      blockStart = paddingEnd + checkBytes;
    }
  }
  return out.reserve(total);
}
