/**
 * LZMA2, the only compression filter of .xz: a sequence of chunks, each
 * either LZMA-compressed (at most 2 MiB out, 64 KiB in) or stored, with
 * control bytes that reset the dictionary, the LZMA state or the properties,
 * and a 0x00 end marker.
 *
 * Invariants
 *  - A block decodes into `output` at `[start, end)` exactly: a chunk that
 *    would write past `end` or an end marker before it is a TarError, so a
 *    block can never produce more than the size its index record declares.
 *  - The input read is exactly `input[inStart, inEnd)`; the end marker must
 *    be its last byte.
 *  - The first chunk resets the dictionary, and the first LZMA chunk after a
 *    dictionary reset sets properties, as liblzma requires.
 *  - Capacity is requested chunk by chunk (`reserve`), so memory grows with
 *    what is really decoded, never with a size a header claims.
 */
import { LzmaDecoder, parseLzmaProperties } from './lzma.ts';
import { corruptXz } from './xz-error.ts';

/** Where LZMA2 output goes: an array that grows on request and keeps what was written. */
export interface GrowableOutput {
  /** The array to write to, now holding at least `end` bytes (it may be a new array: use only the one returned). */
  reserve(end: number): Uint8Array;
}

/** The dictionary size an LZMA2 properties byte (0..40) declares; 40 means 4 GiB - 1. */
export function lzma2DictionarySize(byte: number): number {
  if (byte > 40) throw corruptXz(`bad LZMA2 dictionary size byte ${byte}`);
  if (byte === 40) return 0xffffffff;
  return (2 | (byte & 1)) * 2 ** ((byte >>> 1) + 11);
}

/** How far back matches may reach for a declared dictionary size (liblzma: at least 4 KiB, rounded up to 16). */
function distanceLimit(dictSize: number): number {
  return Math.ceil(Math.max(dictSize, 4096) / 16) * 16;
}

/**
 * Decodes the LZMA2 data `input[inStart, inEnd)` into `output` at
 * `[start, end)`, reusing `lzma` (its state is reset by the first chunk).
 */
export function decodeLzma2(
  lzma: LzmaDecoder,
  dictSize: number,
  input: Uint8Array,
  inStart: number,
  inEnd: number,
  output: GrowableOutput,
  start: number,
  end: number,
): void {
  const dictLimit = distanceLimit(dictSize);
  let inPos = inStart;
  let pos = start;
  let dictStart = start;
  let needDictReset = true;
  let needProps = true;
  for (;;) {
    if (inPos >= inEnd) throw corruptXz('LZMA2 data ends without its end marker');
    const control = input[inPos++]!;
    if (control === 0x00) break;
    if (control >= 0xe0 || control === 0x01) {
      needProps = true;
      needDictReset = false;
      dictStart = pos;
    } else if (needDictReset) {
      throw corruptXz('the first LZMA2 chunk does not reset the dictionary');
    }
    if (control >= 0x80) {
      const headerSize = control >= 0xc0 ? 5 : 4;
      if (inEnd - inPos < headerSize) throw corruptXz('an LZMA2 chunk header is cut short');
      const unpacked = (control & 0x1f) * 65536 + (input[inPos]! << 8) + input[inPos + 1]! + 1;
      const packed = (input[inPos + 2]! << 8) + input[inPos + 3]! + 1;
      if (control >= 0xc0) {
        lzma.setProperties(parseLzmaProperties(input[inPos + 4]!));
        lzma.reset();
        needProps = false;
      } else if (needProps) {
        throw corruptXz('an LZMA2 chunk after a dictionary reset does not set properties');
      } else if (control >= 0xa0) {
        lzma.reset();
      }
      inPos += headerSize;
      if (unpacked > end - pos) throw corruptXz('a block decodes to more bytes than its index record says');
      if (packed > inEnd - inPos) throw corruptXz('an LZMA2 chunk is cut short');
      lzma.decodeChunk(input, inPos, inPos + packed, output.reserve(pos + unpacked), pos, pos + unpacked, dictStart, dictLimit);
      pos += unpacked;
      inPos += packed;
    } else {
      if (control > 0x02) throw corruptXz(`bad LZMA2 control byte 0x${control.toString(16)}`);
      if (inEnd - inPos < 2) throw corruptXz('an LZMA2 chunk header is cut short');
      const size = (input[inPos]! << 8) + input[inPos + 1]! + 1;
      inPos += 2;
      if (size > end - pos) throw corruptXz('a block decodes to more bytes than its index record says');
      if (size > inEnd - inPos) throw corruptXz('a stored LZMA2 chunk is cut short');
      output.reserve(pos + size).set(input.subarray(inPos, inPos + size), pos);
      pos += size;
      inPos += size;
    }
  }
  if (pos !== end) throw corruptXz('a block decodes to fewer bytes than its index record says');
  if (inPos !== inEnd) throw corruptXz('a block has data after its LZMA2 end marker');
}
