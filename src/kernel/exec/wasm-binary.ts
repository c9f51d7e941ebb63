/**
 * A small reader and writer for the WebAssembly binary format: LEB128
 * integers, names, and the list of sections of a module. It knows nothing of
 * instructions (wasm-instructions.ts) or of what the sections mean
 * (wasm-types.ts, memory-limit.ts); the kernel reuses it wherever it needs to
 * look into a module (e.g. to list custom sections).
 *
 * Invariants:
 * - Every read is bounds-checked against the reader's `end`; running past it,
 *   an over-long or out-of-range LEB128, or a name that is not UTF-8 throws a
 *   `WasmRewriteError` carrying the byte offset of the offending value. No
 *   input makes this module throw anything else (no RangeError, no TypeError).
 * - LEB128 decoding follows the spec exactly: at most ceil(N/7) bytes, and the
 *   unused bits of the last byte must be zero (unsigned) or a sign extension
 *   (signed). Non-minimal encodings within those bounds are accepted, as the
 *   spec allows.
 * - Offsets are always offsets into the buffer the reader was made over (the
 *   whole module), so errors point at the right byte of the file.
 */

/** Why a module could not be rewritten. */
export type WasmRewriteReason =
  /** The bytes are not a well-formed module (truncated, bad LEB128, overrun sections, …). */
  | 'malformed'
  /** A well-formed module using something Drydock does not run (shared memory, memory64, several memories, …). */
  | 'unsupported';

/**
 * The one error type of the wasm binary code (reader, instruction decoder,
 * rewriter). The kernel turns it into ENOEXEC ("unsupported module: ...").
 */
export class WasmRewriteError extends Error {
  override readonly name = 'WasmRewriteError';
  /**
   * @param reason malformed input or an unsupported feature
   * @param detail what is wrong, without the offset
   * @param offset byte offset in the module where the problem was found, or null when it has no single place
   */
  constructor(
    readonly reason: WasmRewriteReason,
    readonly detail: string,
    readonly offset: number | null,
  ) {
    super(offset === null ? detail : `${detail} (at byte offset ${offset})`);
  }
}

/** Shorthand for a `malformed` WasmRewriteError. */
export function malformed(detail: string, offset: number | null): WasmRewriteError {
  return new WasmRewriteError('malformed', detail, offset);
}

/** Shorthand for an `unsupported` WasmRewriteError. */
export function unsupported(detail: string, offset: number | null): WasmRewriteError {
  return new WasmRewriteError('unsupported', detail, offset);
}

/** Lowercase two-digit hex of a byte, for messages. */
export function hexByte(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/**
 * A cursor over `bytes[pos, end)`. Owns nothing: it reads the caller's buffer
 * in place. `pos` and `end` are public so a decoder can narrow the window to
 * one section or one function body and restore it afterwards.
 */
export class WasmReader {
  /**
   * @param bytes the whole module (offsets in errors are offsets into it)
   * @param pos where reading starts
   * @param end one past the last byte this reader may read
   */
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
    public end = bytes.length,
  ) {}

  /** True when every byte of the window has been read. */
  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number, what: string): void {
    if (this.pos + n > this.end) throw malformed(`unexpected end of input while reading ${what}`, this.pos);
  }

  /** The next byte, without consuming it. */
  peek(what = 'a byte'): number {
    if (this.pos >= this.end) throw malformed(`unexpected end of input while reading ${what}`, this.pos);
    return this.bytes[this.pos] as number;
  }

  /** One byte. */
  u8(what = 'a byte'): number {
    if (this.pos >= this.end) throw malformed(`unexpected end of input while reading ${what}`, this.pos);
    return this.bytes[this.pos++] as number;
  }

  /** `n` raw bytes, as a view into the module (not a copy). */
  take(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const view = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }

  /** Skips `n` bytes. */
  skip(n: number, what = 'bytes'): void {
    this.need(n, what);
    this.pos += n;
  }

  /** An unsigned 32-bit LEB128 (`u32` in the spec): at most 5 bytes. */
  u32(what = 'a u32'): number {
    const bytes = this.bytes;
    const start = this.pos;
    if (start < this.end) {
      const b0 = bytes[start] as number;
      if (b0 < 0x80) {
        this.pos = start + 1;
        return b0;
      }
    }
    let result = 0;
    let shift = 0;
    let at = start;
    for (;;) {
      if (at >= this.end) throw malformed(`unexpected end of input while reading ${what}`, at);
      const b = bytes[at++] as number;
      if (shift === 28) {
        if (b & 0xf0) throw malformed(`${what}: LEB128 value too large or too long`, start);
        result += b * 2 ** 28;
        break;
      }
      result += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) break;
      shift += 7;
    }
    this.pos = at;
    return result;
  }

  /** A signed 32-bit LEB128 (`s32`): at most 5 bytes. */
  s32(what = 'an s32'): number {
    return this.signed(5, 0x07, what);
  }

  /** A signed 33-bit LEB128 (`s33`, block types and heap types): at most 5 bytes. */
  s33(what = 'an s33'): number {
    return this.signed(5, 0x0f, what);
  }

  /**
   * Signed LEB128 of at most `maxBytes` bytes, returned as a number (exact
   * for up to 53 bits). `lastMask` is the payload bits of the last allowed
   * byte below its sign bit; the bits above must all equal the sign bit.
   */
  private signed(maxBytes: number, lastMask: number, what: string): number {
    const bytes = this.bytes;
    const start = this.pos;
    let result = 0;
    let shift = 0;
    let at = start;
    for (let i = 0; ; i++) {
      if (at >= this.end) throw malformed(`unexpected end of input while reading ${what}`, at);
      const b = bytes[at++] as number;
      if (i === maxBytes - 1) {
        // Last byte: no continuation, and the bits above the payload are a sign extension.
        const high = b & ~lastMask & 0x7f;
        if (b & 0x80 || (high !== 0 && high !== (~lastMask & 0x7f))) {
          throw malformed(`${what}: LEB128 value too large or too long`, start);
        }
        result += (b & 0x7f) * 2 ** shift;
        if (b & 0x40) result -= 2 ** (shift + 7);
        break;
      }
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) {
        if (b & 0x40) result -= 2 ** shift;
        break;
      }
    }
    this.pos = at;
    return result;
  }

  /** An unsigned 64-bit LEB128 (`u64`): at most 10 bytes. */
  u64(what = 'a u64'): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; ; i++) {
      const b = this.u8(what);
      if (i === 9) {
        if (b & 0xfe) throw malformed(`${what}: LEB128 value too large or too long`, start);
        result |= BigInt(b) << shift;
        return result;
      }
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  }

  /** A signed 64-bit LEB128 (`s64`): at most 10 bytes. */
  s64(what = 'an s64'): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; ; i++) {
      const b = this.u8(what);
      if (i === 9) {
        if (b !== 0x00 && b !== 0x7f) throw malformed(`${what}: LEB128 value too large or too long`, start);
        result |= BigInt(b & 0x7f) << shift;
        return BigInt.asIntN(64, result);
      }
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (!(b & 0x80)) return BigInt.asIntN(64, b & 0x40 ? result - (1n << shift) : result);
    }
  }

  /**
   * Skips a LEB128 of at most `maxBytes` bytes without computing its value
   * (the fast path for immediates the caller does not need). `lastOk` says
   * which bytes are legal as the `maxBytes`-th byte (see LAST_BYTE).
   */
  skipLeb(maxBytes: number, lastOk: (b: number) => boolean, what: string): void {
    const bytes = this.bytes;
    const start = this.pos;
    let at = start;
    for (let i = 0; ; i++) {
      if (at >= this.end) throw malformed(`unexpected end of input while reading ${what}`, at);
      const b = bytes[at++] as number;
      if (i === maxBytes - 1) {
        if (!lastOk(b)) throw malformed(`${what}: LEB128 value too large or too long`, start);
        break;
      }
      if (!(b & 0x80)) break;
    }
    this.pos = at;
  }

  /** A name: a u32 length and that many bytes of UTF-8. */
  name(what = 'a name'): string {
    const len = this.u32(`${what} length`);
    const at = this.pos;
    const raw = this.take(len, what);
    try {
      return utf8Decoder.decode(raw);
    } catch {
      throw malformed(`${what} is not valid UTF-8`, at);
    }
  }
}

/** Last-byte checks for `WasmReader.skipLeb`. */
export const LAST_BYTE = {
  u32: (b: number): boolean => (b & 0xf0) === 0,
  s32: (b: number): boolean => b < 0x08 || (b >= 0x78 && b < 0x80),
  u64: (b: number): boolean => (b & 0xfe) === 0,
  s64: (b: number): boolean => b === 0x00 || b === 0x7f,
} as const;

/**
 * An append-only byte buffer that grows as needed. The writer owns its
 * buffer until `finish()` hands the bytes over (without copying when the
 * buffer is exactly full) and starts the writer afresh, empty.
 */
export class WasmWriter {
  private buf: Uint8Array<ArrayBuffer>;
  private len = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.len;
  }

  private ensure(extra: number): void {
    const needed = this.len + extra;
    if (needed <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < needed) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** One byte (0..255). */
  byte(b: number): this {
    this.ensure(1);
    this.buf[this.len++] = b & 0xff;
    return this;
  }

  /** Raw bytes, copied. */
  bytes(data: Uint8Array): this {
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  /** Unsigned LEB128 of an integer 0..2^32-1, minimally encoded. */
  u32(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`u32 out of range: ${value}`);
    this.ensure(5);
    let v = value;
    for (;;) {
      const low = v % 128;
      v = Math.floor(v / 128);
      if (v === 0) {
        this.buf[this.len++] = low;
        return this;
      }
      this.buf[this.len++] = low | 0x80;
    }
  }

  /** Signed LEB128 of an integer -2^31..2^31-1 (use `s33` for block types), minimally encoded. */
  s32(value: number): this {
    if (!Number.isInteger(value) || value < -(2 ** 31) || value > 2 ** 31 - 1) throw new RangeError(`s32 out of range: ${value}`);
    return this.signedNumber(value);
  }

  /** Signed LEB128 of an integer -2^32..2^32-1, minimally encoded. */
  s33(value: number): this {
    if (!Number.isInteger(value) || value < -(2 ** 32) || value > 2 ** 32 - 1) throw new RangeError(`s33 out of range: ${value}`);
    return this.signedNumber(value);
  }

  private signedNumber(value: number): this {
    this.ensure(5);
    let v = value;
    for (;;) {
      const low = ((v % 128) + 128) % 128;
      v = Math.floor(v / 128);
      const done = (v === 0 && !(low & 0x40)) || (v === -1 && low & 0x40);
      if (done) {
        this.buf[this.len++] = low;
        return this;
      }
      this.buf[this.len++] = low | 0x80;
    }
  }

  /** Unsigned LEB128 of a 64-bit value, minimally encoded. */
  u64(value: bigint): this {
    if (value < 0n || value > 0xffffffffffffffffn) throw new RangeError(`u64 out of range: ${value}`);
    this.ensure(10);
    let v = value;
    for (;;) {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      if (v === 0n) {
        this.buf[this.len++] = low;
        return this;
      }
      this.buf[this.len++] = low | 0x80;
    }
  }

  /** Signed LEB128 of a 64-bit value, minimally encoded. */
  s64(value: bigint): this {
    if (value < -(2n ** 63n) || value > 2n ** 63n - 1n) throw new RangeError(`s64 out of range: ${value}`);
    this.ensure(10);
    let v = value;
    for (;;) {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      const done = (v === 0n && !(low & 0x40)) || (v === -1n && low & 0x40);
      if (done) {
        this.buf[this.len++] = low;
        return this;
      }
      this.buf[this.len++] = low | 0x80;
    }
  }

  /** A name: u32 byte length and UTF-8 bytes. */
  name(text: string): this {
    const raw = utf8Encoder.encode(text);
    return this.u32(raw.length).bytes(raw);
  }

  /** A section: id byte, u32 size, content. */
  section(id: number, content: Uint8Array): this {
    return this.byte(id).u32(content.length).bytes(content);
  }

  /** The bytes written, exactly `length` long, now owned by the caller; the writer is empty afterwards. */
  finish(): Uint8Array<ArrayBuffer> {
    const out = this.len === this.buf.length ? this.buf : this.buf.slice(0, this.len);
    this.buf = new Uint8Array(16);
    this.len = 0;
    return out;
  }
}

/** Minimal unsigned LEB128 encoding of `value` (0..2^32-1). */
export function encodeU32(value: number): Uint8Array<ArrayBuffer> {
  return new WasmWriter(8).u32(value).finish();
}

/** Minimal signed LEB128 encoding of `value` (-2^31..2^31-1). */
export function encodeS32(value: number): Uint8Array<ArrayBuffer> {
  return new WasmWriter(8).s32(value).finish();
}

/** Minimal signed LEB128 encoding of `value` (-2^32..2^32-1). */
export function encodeS33(value: number): Uint8Array<ArrayBuffer> {
  return new WasmWriter(8).s33(value).finish();
}

/** Minimal unsigned LEB128 encoding of a 64-bit value. */
export function encodeU64(value: bigint): Uint8Array<ArrayBuffer> {
  return new WasmWriter(12).u64(value).finish();
}

/** Section ids (the byte before each section's size). */
export const SECTION = {
  CUSTOM: 0,
  TYPE: 1,
  IMPORT: 2,
  FUNCTION: 3,
  TABLE: 4,
  MEMORY: 5,
  GLOBAL: 6,
  EXPORT: 7,
  START: 8,
  ELEMENT: 9,
  CODE: 10,
  DATA: 11,
  DATA_COUNT: 12,
  TAG: 13,
} as const;

/**
 * The order non-custom sections must appear in (the tag section sits between
 * memory and global; data count between element and code).
 */
export const SECTION_ORDER: readonly number[] = [
  SECTION.TYPE,
  SECTION.IMPORT,
  SECTION.FUNCTION,
  SECTION.TABLE,
  SECTION.MEMORY,
  SECTION.TAG,
  SECTION.GLOBAL,
  SECTION.EXPORT,
  SECTION.START,
  SECTION.ELEMENT,
  SECTION.DATA_COUNT,
  SECTION.CODE,
  SECTION.DATA,
];

/** Position of a non-custom section id in SECTION_ORDER (-1 for custom or unknown). */
export function sectionRank(id: number): number {
  return SECTION_ORDER.indexOf(id);
}

/** The 8-byte header of a core module: "\0asm" and version 1. */
export const WASM_HEADER: Uint8Array = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/** One section of a module, as offsets into the module's bytes. */
export interface WasmSection {
  /** Section id (SECTION.*). */
  readonly id: number;
  /** Custom sections: their name; null for the others. */
  readonly name: string | null;
  /** Offset of the id byte: the section's bytes are `bytes.subarray(start, end)`. */
  readonly start: number;
  /** Offset of the content (just after the size). */
  readonly contentStart: number;
  /** Offset of the payload: `contentStart` for standard sections, just after the name for custom ones. */
  readonly payloadStart: number;
  /** One past the last byte of the section. */
  readonly end: number;
}

/**
 * Checks the module header and lists every section in file order. Checks that
 * each section lies within the module and that custom section names are
 * UTF-8; does not check section order or contents.
 * Throws WasmRewriteError for bad magic, a component (version 0x0d), an
 * unknown version, an unknown section id or a section overrunning the module.
 */
export function readSections(bytes: Uint8Array): WasmSection[] {
  if (bytes.length < 8) throw malformed(`too short for a WebAssembly module (${bytes.length} bytes)`, bytes.length);
  for (let i = 0; i < 4; i++) {
    if (bytes[i] !== WASM_HEADER[i]) throw malformed('bad magic number: not a WebAssembly module', 0);
  }
  const version = ((bytes[4] as number) | ((bytes[5] as number) << 8) | ((bytes[6] as number) << 16) | ((bytes[7] as number) << 24)) >>> 0;
  if (version === 0x0001000d) throw unsupported('this is a WebAssembly component, not a core module', 4);
  if (version !== 1) throw malformed(`unknown WebAssembly binary version ${version}`, 4);
  const r = new WasmReader(bytes, 8);
  const sections: WasmSection[] = [];
  while (!r.atEnd) {
    const start = r.pos;
    const id = r.u8('a section id');
    if (id > SECTION.TAG) throw malformed(`unknown section id ${id}`, start);
    const size = r.u32('a section size');
    const contentStart = r.pos;
    if (size > r.end - contentStart) {
      throw malformed(`section ${id} of ${size} bytes runs past the end of the module (${r.end - contentStart} bytes left)`, start);
    }
    const end = contentStart + size;
    let name: string | null = null;
    let payloadStart = contentStart;
    if (id === SECTION.CUSTOM) {
      const inner = new WasmReader(bytes, contentStart, end);
      name = inner.name('a custom section name');
      payloadStart = inner.pos;
    }
    sections.push({ id, name, start, contentStart, payloadStart, end });
    r.pos = end;
  }
  return sections;
}

/**
 * The payloads of the custom sections called `name` (all custom sections when
 * `name` is omitted), in file order, as views into `bytes`.
 */
export function customSections(bytes: Uint8Array, name?: string): { name: string; payload: Uint8Array }[] {
  const out: { name: string; payload: Uint8Array }[] = [];
  for (const s of readSections(bytes)) {
    if (s.id !== SECTION.CUSTOM || s.name === null) continue;
    if (name !== undefined && s.name !== name) continue;
    out.push({ name: s.name, payload: bytes.subarray(s.payloadStart, s.end) });
  }
  return out;
}
