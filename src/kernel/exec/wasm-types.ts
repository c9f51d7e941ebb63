/**
 * Readers for the type-level pieces of a module: value, heap, reference and
 * block types, limits, the type section (including GC rec groups) and import
 * entries. They only advance a WasmReader past well-formed encodings and
 * return what the rewriter needs; anything else throws WasmRewriteError with
 * the offending byte's offset.
 *
 * Encodings covered: MVP numeric types, v128 (SIMD), the reference-type
 * shorthands of reference types, typed function references, GC and exception
 * handling (funcref … noexnref, 0x69..0x74), and `(ref null? ht)` (0x63/0x64).
 */
import { hexByte, malformed, unsupported, WasmReader } from './wasm-binary.ts';

/** Value type bytes for the numeric and vector types. */
export const VALTYPE = { I32: 0x7f, I64: 0x7e, F32: 0x7d, F64: 0x7c, V128: 0x7b } as const;

/** Abstract heap types are single bytes 0x69 (exn) … 0x74 (noexn), i.e. s33 values -23 … -12. */
const ABSTRACT_HEAP_MIN = 0x69 - 0x80;
const ABSTRACT_HEAP_MAX = 0x74 - 0x80;
/** `(ref null ht)` and `(ref ht)` prefixes. */
const REF_NULL = 0x63;
const REF = 0x64;

/** True for a byte that is a complete value type by itself. */
function isShortValType(b: number): boolean {
  return (b >= 0x7b && b <= 0x7f) || (b >= 0x69 && b <= 0x74);
}

/** Skips a heap type: an abstract heap type byte or a (non-negative) s33 type index. */
export function readHeapType(r: WasmReader): void {
  const at = r.pos;
  const v = r.s33('a heap type');
  if (v >= 0) return;
  if (v < ABSTRACT_HEAP_MIN || v > ABSTRACT_HEAP_MAX) throw malformed(`invalid heap type ${v}`, at);
}

/** Skips a value type. Returns its first byte (for a plain numeric type, the type itself). */
export function readValType(r: WasmReader): number {
  const at = r.pos;
  const b = r.u8('a value type');
  if (isShortValType(b)) return b;
  if (b === REF_NULL || b === REF) {
    readHeapType(r);
    return b;
  }
  throw malformed(`invalid value type ${hexByte(b)}`, at);
}

/**
 * Skips a block type: 0x40 (no result), one value type, or an s33 type index
 * (multi-value blocks). Block types are read as s33 so that a type index and
 * a value type byte are told apart exactly as the spec does.
 */
export function readBlockType(r: WasmReader): void {
  const at = r.pos;
  const v = r.s33('a block type');
  if (v >= 0) return;
  if (v === 0x40 - 0x80) return;
  const b = v + 0x80;
  if (b >= 0 && isShortValType(b)) return;
  if (b === REF_NULL || b === REF) {
    readHeapType(r);
    return;
  }
  throw malformed(`invalid block type ${v}`, at);
}

/** Limits of a memory or table, as decoded. */
export interface Limits {
  /** The flags byte: bit 0 has-maximum, bit 1 shared, bit 2 64-bit index, bit 3 custom page size. */
  readonly flags: number;
  readonly initial: bigint;
  readonly maximum: bigint | null;
  /** Offsets of the whole encoding (flags through maximum) in the module. */
  readonly start: number;
  readonly end: number;
}

/** Reads limits. Bits 1..3 of the flags are reported, not rejected; the caller decides. */
export function readLimits(r: WasmReader, what: string): Limits {
  const start = r.pos;
  const flags = r.u8(`${what} limits flags`);
  if (flags > 0x0f) throw malformed(`invalid ${what} limits flags ${hexByte(flags)}`, start);
  const is64 = (flags & 0x04) !== 0;
  const initial = is64 ? r.u64(`${what} minimum`) : BigInt(r.u32(`${what} minimum`));
  const maximum = flags & 0x01 ? (is64 ? r.u64(`${what} maximum`) : BigInt(r.u32(`${what} maximum`))) : null;
  if (flags & 0x08) r.u32(`${what} page size log2`);
  return { flags, initial, maximum, start, end: r.pos };
}

/** Skips a field type of a GC struct or array: a storage type and a mutability byte. */
function readFieldType(r: WasmReader): void {
  const b = r.peek('a field type');
  if (b === 0x78 || b === 0x77) r.u8();
  else readValType(r);
  const at = r.pos;
  const mut = r.u8('a field mutability');
  if (mut > 1) throw malformed(`invalid mutability ${mut}`, at);
}

/** Skips a composite type (func, struct or array). */
function readCompType(r: WasmReader): void {
  const at = r.pos;
  const form = r.u8('a type form');
  switch (form) {
    case 0x60: {
      const params = r.u32('a parameter count');
      for (let i = 0; i < params; i++) readValType(r);
      const results = r.u32('a result count');
      for (let i = 0; i < results; i++) readValType(r);
      return;
    }
    case 0x5f: {
      const fields = r.u32('a field count');
      for (let i = 0; i < fields; i++) readFieldType(r);
      return;
    }
    case 0x5e:
      readFieldType(r);
      return;
    default:
      throw unsupported(`unknown type form ${hexByte(form)}`, at);
  }
}

/** Skips a sub type: `sub`/`sub final` with supertypes, or a bare composite type. */
function readSubType(r: WasmReader): void {
  const b = r.peek('a type');
  if (b === 0x50 || b === 0x4f) {
    r.u8();
    const supers = r.u32('a supertype count');
    for (let i = 0; i < supers; i++) r.u32('a supertype index');
  }
  readCompType(r);
}

/** What the rewriter needs from the type section. */
export interface TypeSectionInfo {
  /** Number of types defined (rec groups count every member). */
  readonly count: number;
  /** Index of the first top-level plain function type equal to the searched signature, or -1. */
  readonly match: number;
}

/**
 * Scans a type section's content `[r.pos, r.end)`: counts the types and finds
 * a top-level plain function type whose encoding is exactly `wanted` (e.g.
 * `60 01 7f 01 7f`). Types inside rec groups of more than one type are never
 * matched (they are distinct types under iso-recursive equivalence).
 */
export function scanTypeSection(r: WasmReader, wanted: Uint8Array): TypeSectionInfo {
  const entries = r.u32('the type count');
  let count = 0;
  let match = -1;
  for (let i = 0; i < entries; i++) {
    const start = r.pos;
    if (r.peek('a type') === 0x4e) {
      r.u8();
      const members = r.u32('a rec group size');
      for (let j = 0; j < members; j++) readSubType(r);
      count += members;
      continue;
    }
    readSubType(r);
    if (match < 0 && equalBytes(r.bytes, start, r.pos, wanted)) match = count;
    count++;
  }
  if (!r.atEnd) throw malformed('junk after the last type in the type section', r.pos);
  return { count, match };
}

function equalBytes(bytes: Uint8Array, start: number, end: number, wanted: Uint8Array): boolean {
  if (end - start !== wanted.length) return false;
  for (let i = 0; i < wanted.length; i++) if (bytes[start + i] !== wanted[i]) return false;
  return true;
}

/** Import kinds (the descriptor byte). */
export const EXTERN = { FUNC: 0, TABLE: 1, MEMORY: 2, GLOBAL: 3, TAG: 4 } as const;

/** One import entry, located in the module. */
export interface ImportEntry {
  readonly module: string;
  readonly name: string;
  readonly kind: number;
  /** Offset of the entry (its module name length). */
  readonly start: number;
  /** Offset of the descriptor byte (just after the names). */
  readonly descStart: number;
  /** One past the end of the entry. */
  readonly end: number;
  /** Memory imports: their limits. */
  readonly limits: Limits | null;
}

/** Reads one import entry. */
export function readImport(r: WasmReader): ImportEntry {
  const start = r.pos;
  const module = r.name('an import module name');
  const name = r.name('an import name');
  const descStart = r.pos;
  const kind = r.u8('an import kind');
  let limits: Limits | null = null;
  switch (kind) {
    case EXTERN.FUNC:
      r.u32('a function type index');
      break;
    case EXTERN.TABLE:
      readValType(r);
      readLimits(r, 'table');
      break;
    case EXTERN.MEMORY:
      limits = readLimits(r, 'memory');
      break;
    case EXTERN.GLOBAL: {
      readValType(r);
      const at = r.pos;
      const mut = r.u8('a global mutability');
      if (mut > 1) throw unsupported(`unknown global flags ${hexByte(mut)}`, at);
      break;
    }
    case EXTERN.TAG: {
      const at = r.pos;
      const attribute = r.u8('a tag attribute');
      if (attribute !== 0) throw malformed(`invalid tag attribute ${attribute}`, at);
      r.u32('a tag type index');
      break;
    }
    default:
      throw malformed(`invalid import kind ${hexByte(kind)}`, descStart);
  }
  return { module, name, kind, start, descStart, end: r.pos, limits };
}
