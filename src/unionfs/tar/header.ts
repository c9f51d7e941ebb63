/**
 * The 512-byte tar header block: field layout, numeric encodings and the
 * checksum, shared by the reader and the writer. Formats understood:
 * POSIX ustar ("ustar\0" "00", with the 155-byte name prefix), GNU
 * ("ustar  \0", no prefix, base-256 numbers) and V7 (no magic).
 */
import { fromUtf8, utf8 } from '../../common/bytes.ts';

export const BLOCK_SIZE = 512;

/** Offset and length of each header field. */
export const FIELD = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  checksum: [148, 8],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 6],
  version: [263, 2],
  uname: [265, 32],
  gname: [297, 32],
  devmajor: [329, 8],
  devminor: [337, 8],
  prefix: [345, 155],
} as const satisfies Record<string, readonly [number, number]>;

export type FieldName = keyof typeof FIELD;

/** Header typeflags. */
export const TYPE = {
  file: '0',
  oldFile: '\0',
  hardlink: '1',
  symlink: '2',
  chardev: '3',
  blockdev: '4',
  dir: '5',
  fifo: '6',
  contiguous: '7',
  paxLocal: 'x',
  paxGlobal: 'g',
  gnuLongName: 'L',
  gnuLongLink: 'K',
} as const;

export type HeaderFormat = 'ustar' | 'gnu' | 'v7';

/** A field that does not hold a valid number. */
export class FieldError extends Error {
  constructor(
    readonly field: FieldName,
    detail: string,
  ) {
    super(`${field} field ${detail}`);
  }
}

export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < BLOCK_SIZE; i++) if (block[i] !== 0) return false;
  return true;
}

export function fieldBytes(block: Uint8Array, field: FieldName): Uint8Array {
  const [at, length] = FIELD[field];
  return block.subarray(at, at + length);
}

/** A NUL-terminated string field, decoded as UTF-8. */
export function readString(block: Uint8Array, field: FieldName): string {
  const bytes = fieldBytes(block, field);
  const end = bytes.indexOf(0);
  return fromUtf8(end < 0 ? bytes : bytes.subarray(0, end));
}

/**
 * A numeric field: octal digits padded with spaces or NULs, or GNU base-256
 * (first byte 0x80) for values too large for octal. Negative base-256 values
 * and any non-octal character are corrupt.
 */
export function readNumber(block: Uint8Array, field: FieldName): number {
  const bytes = fieldBytes(block, field);
  if ((bytes[0]! & 0x80) !== 0) {
    if (bytes[0] === 0xff) throw new FieldError(field, 'holds a negative base-256 number');
    let value = bytes[0]! & 0x7f;
    for (let i = 1; i < bytes.length; i++) {
      value = value * 256 + bytes[i]!;
      if (value > Number.MAX_SAFE_INTEGER) throw new FieldError(field, 'holds a base-256 number too large to represent');
    }
    return value;
  }
  let start = 0;
  let end = bytes.length;
  while (start < end && (bytes[start] === 0x20 || bytes[start] === 0)) start++;
  while (end > start && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0)) end--;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c < 0x30 || c > 0x37) {
      throw new FieldError(field, `is not octal: ${JSON.stringify(fromUtf8(bytes).replace(/\0+$/, ''))}`);
    }
    value = value * 8 + (c - 0x30);
  }
  return value;
}

/** Writes `text` (UTF-8) into a string field; the caller has checked that it fits. */
export function writeString(block: Uint8Array, field: FieldName, text: string | Uint8Array): void {
  const [at, length] = FIELD[field];
  const bytes = typeof text === 'string' ? utf8(text) : text;
  if (bytes.length > length) throw new RangeError(`${field} does not fit: ${bytes.length} > ${length}`);
  block.set(bytes, at);
}

/** Largest value a numeric field holds in octal (length - 1 digits and a NUL). */
export function octalLimit(field: FieldName): number {
  return 8 ** (FIELD[field][1] - 1) - 1;
}

/** Writes `value` as zero-padded octal followed by a NUL; the caller has checked it fits. */
export function writeOctal(block: Uint8Array, field: FieldName, value: number): void {
  const [at, length] = FIELD[field];
  if (!Number.isSafeInteger(value) || value < 0 || value > octalLimit(field)) {
    throw new RangeError(`${field} does not fit in octal: ${value}`);
  }
  const digits = value.toString(8).padStart(length - 1, '0');
  for (let i = 0; i < digits.length; i++) block[at + i] = digits.charCodeAt(i);
  block[at + length - 1] = 0;
}

/** The unsigned checksum of a header (the checksum field counted as spaces), and the signed variant old tars wrote. */
export function checksums(block: Uint8Array): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  const [at, length] = FIELD.checksum;
  for (let i = 0; i < BLOCK_SIZE; i++) {
    const byte = i >= at && i < at + length ? 0x20 : block[i]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return { unsigned, signed };
}

/** Fills in the checksum field the way POSIX and GNU tar do: six octal digits, NUL, space. */
export function writeChecksum(block: Uint8Array): void {
  const { unsigned } = checksums(block);
  const [at] = FIELD.checksum;
  const digits = unsigned.toString(8).padStart(6, '0');
  for (let i = 0; i < 6; i++) block[at + i] = digits.charCodeAt(i);
  block[at + 6] = 0;
  block[at + 7] = 0x20;
}

export function formatOf(block: Uint8Array): HeaderFormat {
  const magic = fieldBytes(block, 'magic');
  const version = fieldBytes(block, 'version');
  const isUstar = magic[0] === 0x75 && magic[1] === 0x73 && magic[2] === 0x74 && magic[3] === 0x61 && magic[4] === 0x72; // "ustar"
  if (!isUstar) return 'v7';
  if (magic[5] === 0x20 && version[0] === 0x20 && version[1] === 0) return 'gnu';
  return 'ustar';
}
