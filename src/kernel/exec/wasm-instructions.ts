/**
 * The instruction decoder: finds the true boundaries of every instruction in
 * a function body, so that a byte such as 0x40 is recognised as `memory.grow`
 * only where it is an opcode, never inside an immediate (a LEB128, a float
 * constant, a v128 constant or shuffle mask, a block type…).
 *
 * Coverage (opcode tables checked against wabt's opcode.def and the spec):
 * MVP; sign extension (0xC0-0xC4); multi-value block types (s33 type
 * indices); reference types (ref.null/is_null/func, table.get/set, 0xFC
 * table.*); bulk memory (0xFC 8-17); saturating float-to-int (0xFC 0-7);
 * wide arithmetic (0xFC 19-22); tail calls (return_call*, return_call_ref);
 * typed function references (call_ref, ref.as_non_null, br_on_null,
 * br_on_non_null); exception handling, legacy (try/catch/catch_all/throw/
 * rethrow/delegate) and new (try_table/throw_ref); SIMD and relaxed SIMD
 * (0xFD 0-0x113, with memarg, lane and 16-byte immediates); threads (0xFE);
 * GC (0xFB 0-30); multi-memory memargs (alignment bit 6 announces a memory
 * index) and 64-bit memarg offsets.
 *
 * Anything else is an unknown opcode: WasmRewriteError naming the opcode and
 * its byte offset. The decoder never guesses an immediate's length.
 */
import { hexByte, LAST_BYTE, malformed, WasmReader } from './wasm-binary.ts';
import { readBlockType, readHeapType, readValType } from './wasm-types.ts';

/** Opcodes the rewriter and its callers refer to by name. */
export const OP = {
  UNREACHABLE: 0x00,
  BLOCK: 0x02,
  LOOP: 0x03,
  IF: 0x04,
  ELSE: 0x05,
  TRY: 0x06,
  END: 0x0b,
  CALL: 0x10,
  DELEGATE: 0x18,
  TRY_TABLE: 0x1f,
  LOCAL_GET: 0x20,
  LOCAL_TEE: 0x22,
  GLOBAL_SET: 0x24,
  MEMORY_SIZE: 0x3f,
  MEMORY_GROW: 0x40,
  I32_CONST: 0x41,
  I32_EQ: 0x46,
  PREFIX_GC: 0xfb,
  PREFIX_MISC: 0xfc,
  PREFIX_SIMD: 0xfd,
  PREFIX_THREADS: 0xfe,
} as const;

/** Immediate shapes of single-byte opcodes. */
const enum Imm {
  Invalid = 0,
  None,
  BlockType,
  U32,
  U32U32,
  BrTable,
  MemArg,
  S32,
  S64,
  F32,
  F64,
  HeapType,
  SelectT,
  TryTable,
  Prefix,
}

const SINGLE: Uint8Array = (() => {
  const t = new Uint8Array(256); // Imm.Invalid
  const set = (imm: Imm, ...ops: number[]): void => {
    for (const op of ops) t[op] = imm;
  };
  const range = (imm: Imm, from: number, to: number): void => {
    for (let op = from; op <= to; op++) t[op] = imm;
  };
  set(Imm.None, 0x00, 0x01, 0x05, 0x0a, 0x0b, 0x0f, 0x19, 0x1a, 0x1b);
  set(Imm.BlockType, 0x02, 0x03, 0x04, 0x06);
  // catch tag, throw tag, rethrow label, br, br_if, call, return_call, call_ref, return_call_ref, delegate
  set(Imm.U32, 0x07, 0x08, 0x09, 0x0c, 0x0d, 0x10, 0x12, 0x14, 0x15, 0x18);
  set(Imm.U32U32, 0x11, 0x13); // call_indirect / return_call_indirect: type, table
  set(Imm.BrTable, 0x0e);
  set(Imm.SelectT, 0x1c);
  set(Imm.TryTable, 0x1f);
  range(Imm.U32, 0x20, 0x26); // local.*, global.*, table.get/set
  range(Imm.MemArg, 0x28, 0x3e);
  set(Imm.U32, 0x3f, 0x40); // memory.size, memory.grow: memory index
  set(Imm.S32, 0x41);
  set(Imm.S64, 0x42);
  set(Imm.F32, 0x43);
  set(Imm.F64, 0x44);
  range(Imm.None, 0x45, 0xc4); // numeric, including sign extension 0xC0-0xC4
  set(Imm.HeapType, 0xd0); // ref.null
  set(Imm.None, 0xd1, 0xd3, 0xd4); // ref.is_null, ref.eq, ref.as_non_null
  set(Imm.U32, 0xd2, 0xd5, 0xd6); // ref.func, br_on_null, br_on_non_null
  set(Imm.Prefix, 0xfb, 0xfc, 0xfd, 0xfe);
  return t;
})();

/** Immediate shapes of 0xFD (SIMD) sub-opcodes. */
const enum SimdImm {
  Invalid = 0,
  None,
  MemArg,
  Bytes16,
  Lane,
  MemArgLane,
}

const SIMD_LAST = 0x113;
const SIMD: Uint8Array = (() => {
  const t = new Uint8Array(SIMD_LAST + 1);
  for (let op = 0; op <= 0xff; op++) t[op] = SimdImm.None;
  for (let op = 0x00; op <= 0x0b; op++) t[op] = SimdImm.MemArg; // loads, load splats, store
  t[0x0c] = SimdImm.Bytes16; // v128.const
  t[0x0d] = SimdImm.Bytes16; // i8x16.shuffle
  for (let op = 0x15; op <= 0x22; op++) t[op] = SimdImm.Lane; // extract_lane / replace_lane
  for (let op = 0x54; op <= 0x5b; op++) t[op] = SimdImm.MemArgLane; // load*_lane / store*_lane
  t[0x5c] = SimdImm.MemArg; // v128.load32_zero
  t[0x5d] = SimdImm.MemArg; // v128.load64_zero
  // Unassigned opcodes in the final SIMD table.
  for (const op of [0x9a, 0xa2, 0xa5, 0xa6, 0xaf, 0xb0, 0xb2, 0xb3, 0xb4, 0xbb, 0xc2, 0xc5, 0xc6, 0xcf, 0xd0, 0xd2, 0xd3, 0xd4, 0xe2, 0xee]) {
    t[op] = SimdImm.Invalid;
  }
  for (let op = 0x100; op <= SIMD_LAST; op++) t[op] = SimdImm.None; // relaxed SIMD
  return t;
})();

/**
 * Combined code of a prefixed opcode as returned by `readInstruction`:
 * `prefix * 0x10000 + sub-opcode`.
 */
export function prefixed(prefix: number, sub: number): number {
  return prefix * 0x10000 + sub;
}

function unknownOpcode(prefix: number | null, sub: number, at: number): never {
  const name = prefix === null ? hexByte(sub) : `${hexByte(prefix)} ${sub > 0xff ? `0x${sub.toString(16)}` : hexByte(sub)}`;
  throw malformed(`unknown opcode ${name}`, at);
}

// Module-local copies: the hot loop below should not reach into another module per instruction.
const LAST_U32 = LAST_BYTE.u32;
const LAST_S32 = LAST_BYTE.s32;
const LAST_U64 = LAST_BYTE.u64;
const LAST_S64 = LAST_BYTE.s64;

/** Skips a LEB128 of at most `maxBytes`; one-byte values (the vast majority) take the fast path. */
function skipLeb(r: WasmReader, maxBytes: number, lastOk: (b: number) => boolean, what: string): void {
  const p = r.pos;
  if (p < r.end && (r.bytes[p] as number) < 0x80) {
    r.pos = p + 1;
    return;
  }
  r.skipLeb(maxBytes, lastOk, what);
}

function skipMemArg(r: WasmReader): void {
  const align = r.u32('a memarg alignment');
  if (align & 0x40) r.u32('a memarg memory index');
  skipLeb(r, 10, LAST_U64, 'a memarg offset');
}

function skipU32(r: WasmReader, what: string): void {
  skipLeb(r, 5, LAST_U32, what);
}

/**
 * Advances `r` past one instruction (opcode and immediates) and returns its
 * opcode: the byte for single-byte opcodes, `prefixed(prefix, sub)` for
 * 0xFB/0xFC/0xFD/0xFE ones. Throws WasmRewriteError for an unknown opcode or
 * an immediate that is malformed or runs past `r.end`.
 */
export function readInstruction(r: WasmReader): number {
  const at = r.pos;
  const op = r.u8('an opcode');
  switch (SINGLE[op] as Imm) {
    case Imm.None:
      return op;
    case Imm.BlockType:
      readBlockType(r);
      return op;
    case Imm.U32:
      skipU32(r, 'an index');
      return op;
    case Imm.U32U32:
      skipU32(r, 'an index');
      skipU32(r, 'an index');
      return op;
    case Imm.BrTable: {
      const n = r.u32('a br_table length');
      for (let i = 0; i <= n; i++) skipU32(r, 'a br_table label');
      return op;
    }
    case Imm.MemArg:
      skipMemArg(r);
      return op;
    case Imm.S32:
      skipLeb(r, 5, LAST_S32, 'an i32 constant');
      return op;
    case Imm.S64:
      skipLeb(r, 10, LAST_S64, 'an i64 constant');
      return op;
    case Imm.F32:
      r.skip(4, 'an f32 constant');
      return op;
    case Imm.F64:
      r.skip(8, 'an f64 constant');
      return op;
    case Imm.HeapType:
      readHeapType(r);
      return op;
    case Imm.SelectT: {
      const n = r.u32('a select type count');
      for (let i = 0; i < n; i++) readValType(r);
      return op;
    }
    case Imm.TryTable: {
      readBlockType(r);
      const n = r.u32('a try_table catch count');
      for (let i = 0; i < n; i++) {
        const kindAt = r.pos;
        const kind = r.u8('a catch kind');
        if (kind === 0x00 || kind === 0x01) skipU32(r, 'a tag index');
        else if (kind !== 0x02 && kind !== 0x03) throw malformed(`invalid try_table catch kind ${hexByte(kind)}`, kindAt);
        skipU32(r, 'a catch label');
      }
      return op;
    }
    case Imm.Prefix:
      return readPrefixed(r, op, at);
    default:
      return unknownOpcode(null, op, at);
  }
}

function readPrefixed(r: WasmReader, prefix: number, at: number): number {
  const sub = r.u32('a prefixed opcode');
  switch (prefix) {
    case OP.PREFIX_MISC:
      readMisc(r, sub, at);
      break;
    case OP.PREFIX_SIMD:
      readSimd(r, sub, at);
      break;
    case OP.PREFIX_THREADS:
      readThreads(r, sub, at);
      break;
    default:
      readGc(r, sub, at);
      break;
  }
  return prefixed(prefix, sub);
}

/** 0xFC: saturating truncation, bulk memory, table ops, wide arithmetic. */
function readMisc(r: WasmReader, sub: number, at: number): void {
  if (sub <= 0x07 || (sub >= 0x13 && sub <= 0x16)) return;
  switch (sub) {
    case 0x08: // memory.init data mem
    case 0x0a: // memory.copy mem mem
    case 0x0c: // table.init elem table
    case 0x0e: // table.copy table table
      skipU32(r, 'an index');
      skipU32(r, 'an index');
      return;
    case 0x09: // data.drop
    case 0x0b: // memory.fill
    case 0x0d: // elem.drop
    case 0x0f: // table.grow
    case 0x10: // table.size
    case 0x11: // table.fill
      skipU32(r, 'an index');
      return;
    default:
      unknownOpcode(OP.PREFIX_MISC, sub, at);
  }
}

/** 0xFD: SIMD and relaxed SIMD. */
function readSimd(r: WasmReader, sub: number, at: number): void {
  const imm = sub <= SIMD_LAST ? (SIMD[sub] as SimdImm) : SimdImm.Invalid;
  switch (imm) {
    case SimdImm.None:
      return;
    case SimdImm.MemArg:
      skipMemArg(r);
      return;
    case SimdImm.Bytes16:
      r.skip(16, 'a 16-byte SIMD immediate');
      return;
    case SimdImm.Lane:
      r.skip(1, 'a lane index');
      return;
    case SimdImm.MemArgLane:
      skipMemArg(r);
      r.skip(1, 'a lane index');
      return;
    default:
      unknownOpcode(OP.PREFIX_SIMD, sub, at);
  }
}

/** 0xFE: atomics. */
function readThreads(r: WasmReader, sub: number, at: number): void {
  if (sub <= 0x02 || (sub >= 0x10 && sub <= 0x4e)) {
    skipMemArg(r);
    return;
  }
  if (sub === 0x03) {
    const zeroAt = r.pos;
    if (r.u8('atomic.fence flags') !== 0) throw malformed('atomic.fence flags must be 0', zeroAt);
    return;
  }
  unknownOpcode(OP.PREFIX_THREADS, sub, at);
}

/** 0xFB: GC. */
function readGc(r: WasmReader, sub: number, at: number): void {
  switch (sub) {
    case 0x00: // struct.new
    case 0x01: // struct.new_default
    case 0x06: // array.new
    case 0x07: // array.new_default
    case 0x0b: // array.get
    case 0x0c: // array.get_s
    case 0x0d: // array.get_u
    case 0x0e: // array.set
    case 0x10: // array.fill
      skipU32(r, 'a type index');
      return;
    case 0x02: // struct.get type field
    case 0x03:
    case 0x04:
    case 0x05: // struct.set
    case 0x08: // array.new_fixed type n
    case 0x09: // array.new_data type data
    case 0x0a: // array.new_elem type elem
    case 0x11: // array.copy type type
    case 0x12: // array.init_data type data
    case 0x13: // array.init_elem type elem
      skipU32(r, 'an index');
      skipU32(r, 'an index');
      return;
    case 0x0f: // array.len
    case 0x1a: // any.convert_extern
    case 0x1b: // extern.convert_any
    case 0x1c: // ref.i31
    case 0x1d: // i31.get_s
    case 0x1e: // i31.get_u
      return;
    case 0x14: // ref.test
    case 0x15: // ref.test null
    case 0x16: // ref.cast
    case 0x17: // ref.cast null
      readHeapType(r);
      return;
    case 0x18: // br_on_cast flags label ht1 ht2
    case 0x19: {
      const flagsAt = r.pos;
      if (r.u8('cast flags') > 3) throw malformed('invalid br_on_cast flags', flagsAt);
      skipU32(r, 'a label');
      readHeapType(r);
      readHeapType(r);
      return;
    }
    default:
      unknownOpcode(OP.PREFIX_GC, sub, at);
  }
}

/** Skips the local declarations at the start of a function body. */
export function readLocals(r: WasmReader): void {
  const groups = r.u32('the local declaration count');
  for (let i = 0; i < groups; i++) {
    r.u32('a local count');
    readValType(r);
  }
}

/**
 * Decodes the instructions of one expression `[r.pos, r.end)` (a function
 * body after its locals) to its final `end`, calling `visit(opcode, at)` for
 * every instruction (`at` is the opcode's offset; when `visit` runs, `r.pos`
 * is just past the instruction's immediates). Checks block nesting: the
 * expression must end with the `end` that closes it, exactly at `r.end`.
 */
export function decodeExpression(r: WasmReader, visit: ((opcode: number, at: number) => void) | null): void {
  let depth = 0;
  while (r.pos < r.end) {
    const at = r.pos;
    const op = readInstruction(r);
    if (visit !== null) visit(op, at);
    switch (op) {
      case OP.BLOCK:
      case OP.LOOP:
      case OP.IF:
      case OP.TRY:
      case OP.TRY_TABLE:
        depth++;
        break;
      case OP.END:
      case OP.DELEGATE: // delegate closes a `try` instead of `end`
        if (depth === 0) {
          if (op === OP.DELEGATE) throw malformed('delegate outside a try block', at);
          if (r.pos !== r.end) throw malformed('code after the end of the function body', r.pos);
          return;
        }
        depth--;
        break;
    }
  }
  throw malformed('function body does not end with `end`', r.pos);
}
