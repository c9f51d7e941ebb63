import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { u32 } from './fixtures/assemble.ts';
import { readSections, SECTION, WasmReader, WasmRewriteError } from './wasm-binary.ts';
import { decodeExpression, OP, prefixed, readInstruction, readLocals } from './wasm-instructions.ts';

const fixture = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

/** Every instruction of every body: [absolute function index, opcode offset, opcode]. */
function decodeModule(bytes: Uint8Array, importedFuncs: number): [number, number, number][] {
  const code = readSections(bytes).find((s) => s.id === SECTION.CODE);
  assert.ok(code);
  const r = new WasmReader(bytes, code.contentStart, code.end);
  const count = r.u32();
  const out: [number, number, number][] = [];
  for (let i = 0; i < count; i++) {
    const size = r.u32();
    const end = r.pos + size;
    r.end = end;
    readLocals(r);
    decodeExpression(r, (op, at) => out.push([importedFuncs + i, at, op]));
    r.end = code.end;
  }
  return out;
}

/**
 * Decodes `instructions` (each one instruction's bytes) laid out one after
 * the other, followed by `end`, and checks the decoder finds exactly their
 * boundaries and opcodes.
 */
function assertBoundaries(instructions: readonly (readonly number[])[], opcodes?: readonly number[]): void {
  const bytes = new Uint8Array([...instructions.flat(), OP.END]);
  const seen: [number, number][] = [];
  decodeExpression(new WasmReader(bytes), (op, at) => seen.push([at, op]));
  const expected: number[] = [];
  let at = 0;
  for (const ins of instructions) {
    expected.push(at);
    at += ins.length;
  }
  expected.push(at);
  assert.deepEqual(
    seen.map(([offset]) => offset),
    expected,
  );
  if (opcodes) assert.deepEqual(seen.slice(0, -1).map(([, op]) => op), opcodes);
}

function throwsAt(bytes: readonly number[], pattern: RegExp, offset: number): void {
  assert.throws(
    () => decodeExpression(new WasmReader(new Uint8Array(bytes)), null),
    (e: unknown) => {
      assert.ok(e instanceof WasmRewriteError, `expected WasmRewriteError, got ${String(e)}`);
      assert.match(e.message, pattern);
      assert.equal(e.offset, offset, e.message);
      return true;
    },
  );
}

test('instruction boundaries match wabt on a module using every Node-supported family', () => {
  // opcodes.offsets is wasm-objdump's disassembly of opcodes.wasm (see fixtures/README.md).
  const golden = readFileSync(new URL('./fixtures/opcodes.offsets', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [fn, offset, ...text] = line.split(' ');
      return { fn: Number(fn), offset: parseInt(offset as string, 16), text: text.join(' ') };
    });
  assert.ok(golden.length > 250);
  const decoded = decodeModule(fixture('opcodes.wasm'), 1);
  assert.deepEqual(
    decoded.map(([fn, at]) => `${fn} ${at.toString(16)}`),
    golden.map((g) => `${g.fn} ${g.offset.toString(16)}`),
  );
  // And the opcodes agree where it matters: memory.grow, and the prefixed families.
  const grows = golden.filter((g) => g.text.startsWith('memory.grow')).map((g) => g.offset);
  assert.equal(grows.length, 6);
  assert.deepEqual(
    decoded.filter(([, , op]) => op === OP.MEMORY_GROW).map(([, at]) => at),
    grows,
  );
  const simd = golden.filter((g) => /^(v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\./.test(g.text)).length;
  assert.equal(decoded.filter(([, , op]) => op >= prefixed(OP.PREFIX_SIMD, 0) && op < prefixed(OP.PREFIX_THREADS, 0)).length, simd);
  const atomics = golden.filter((g) => /atomic/.test(g.text)).length;
  assert.equal(decoded.filter(([, , op]) => op >= prefixed(OP.PREFIX_THREADS, 0)).length, atomics);
});

test('clang-built modules decode completely (MVP, SIMD, exception handling)', () => {
  for (const name of ['malloc-loop.wasm', 'simd.wasm', 'sjlj.wasm', '../../../../wasm/bin/hello.wasm']) {
    const bytes = fixture(name);
    const imports = new WebAssembly.Module(bytes);
    const importedFuncs = WebAssembly.Module.imports(imports).filter((i) => i.kind === 'function').length;
    const decoded = decodeModule(bytes, importedFuncs);
    assert.ok(decoded.length > 1000, name);
  }
  const simdOps = decodeModule(fixture('simd.wasm'), 0).filter(([, , op]) => op >= prefixed(OP.PREFIX_SIMD, 0) && op < prefixed(OP.PREFIX_THREADS, 0));
  assert.ok(simdOps.length > 20);
  const ehOps = decodeModule(fixture('sjlj.wasm'), 0).filter(([, , op]) => op === OP.TRY || op === 0x07 || op === 0x08);
  assert.ok(ehOps.length >= 3);
});

test('immediates containing 0x40 are never taken for memory.grow', () => {
  const instructions = [
    [0x41, 0x40], // i32.const -64
    [0x41, 0xc0, 0x00], // i32.const 64
    [0x42, 0x40], // i64.const -64
    [0x42, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0x7f], // i64.const, 10-byte LEB
    [0x43, 0x40, 0x40, 0x40, 0x40], // f32.const
    [0x44, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x40], // f64.const
    [0x02, 0x40], // block (empty block type is 0x40)
    [0x20, 0x40], // local.get 64
    [0x28, 0x02, 0x40], // i32.load offset=64
    [0x28, 0x42, 0x40, 0xc0, 0x00], // i32.load with memory index 64 (multi-memory), offset 64
    [0x10, 0xc0, 0x00], // call 64
    [0x0e, 0x02, 0x40, 0x40, 0x40], // br_table 64 64 64
    [0x0b], // end
    [0xfd, 0x0c, ...new Array<number>(16).fill(0x40)], // v128.const
    [0xfd, 0x40], // i32x4.ge_u (SIMD sub-opcode 0x40)
    [0xfd, 0x15, 0x0f], // i8x16.extract_lane_s 15
    [0xfd, 0x54, 0x00, 0x40, 0x0f], // v128.load8_lane offset=64 lane 15
    [0xfe, 0x40, 0x02, 0x40], // i64.atomic.rmw32.xor_u offset=64
    [0xfc, 0x0b, 0x00], // memory.fill
    [0x40, 0x00], // the only memory.grow
  ];
  const bytes = new Uint8Array([...instructions.flat(), OP.END]);
  const grows: number[] = [];
  decodeExpression(new WasmReader(bytes), (op, at) => {
    if (op === OP.MEMORY_GROW) grows.push(at);
  });
  assert.deepEqual(grows, [bytes.length - 3]);
  assertBoundaries(instructions);
});

test('proposal instructions Node 20 cannot compile: GC, typed references, new EH, relaxed SIMD, wide arithmetic', () => {
  assertBoundaries(
    [
      // typed function references
      [0x14, 0x03], // call_ref $t3
      [0x15, 0x03], // return_call_ref
      [0xd3], // ref.eq
      [0xd4], // ref.as_non_null
      [0xd5, 0x00], // br_on_null 0
      [0xd6, 0x00], // br_on_non_null 0
      [0xd0, 0x05], // ref.null $t5
      [0xd0, 0x6e], // ref.null any
      [0x1c, 0x02, 0x63, 0x70, 0x64, 0x02], // select (result (ref null func) (ref $t2))
      [0x02, 0x63, 0x6e], // block (result anyref-ish (ref null any))
      [0x0b],
      [0x02, 0x85, 0x01], // block (type 133): s33 type index
      [0x0b],
      // new exception handling
      [0x1f, 0x40, 0x04, 0x00, 0x01, 0x00, 0x01, 0x02, 0x01, 0x02, 0x00, 0x03, 0x00], // try_table with 4 catches
      [0x0a], // throw_ref
      [0x0b],
      // GC
      [0xfb, 0x00, 0x01], // struct.new $t1
      [0xfb, 0x02, 0x01, 0x40], // struct.get $t1 64
      [0xfb, 0x05, 0x01, 0x00], // struct.set
      [0xfb, 0x08, 0x02, 0x40], // array.new_fixed $t2 64
      [0xfb, 0x0f], // array.len
      [0xfb, 0x11, 0x02, 0x02], // array.copy
      [0xfb, 0x13, 0x02, 0x00], // array.init_elem
      [0xfb, 0x14, 0x6c], // ref.test i31
      [0xfb, 0x17, 0x03], // ref.cast null $t3
      [0xfb, 0x18, 0x03, 0x00, 0x6e, 0x6c], // br_on_cast flags label any i31
      [0xfb, 0x1c], // ref.i31
      [0xfb, 0x1e], // i31.get_u
      // relaxed SIMD (two-byte sub-opcodes) and wide arithmetic
      [0xfd, 0x80, 0x02], // i8x16.relaxed_swizzle (0x100)
      [0xfd, 0x93, 0x02], // i32x4.relaxed_dot_i8x16_i7x16_add_s (0x113)
      [0xfc, 0x13], // i64.add128
      [0xfc, 0x16], // i64.mul_wide_u
      // memory64-style offset larger than 32 bits
      [0x29, 0x03, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], // i64.load offset=2^35
      // legacy EH
      [0x06, 0x40], // try
      [0x08, 0x00], // throw 0
      [0x07, 0x00], // catch 0
      [0x09, 0x00], // rethrow 0
      [0x19], // catch_all
      [0x0b],
      [0x06, 0x7f], // try (result i32)
      [0x41, 0x00],
      [0x18, 0x00], // delegate 0 closes the try
    ],
    [
      0x14, 0x15, 0xd3, 0xd4, 0xd5, 0xd6, 0xd0, 0xd0, 0x1c, 0x02, 0x0b, 0x02, 0x0b, 0x1f, 0x0a, 0x0b,
      prefixed(0xfb, 0x00), prefixed(0xfb, 0x02), prefixed(0xfb, 0x05), prefixed(0xfb, 0x08), prefixed(0xfb, 0x0f),
      prefixed(0xfb, 0x11), prefixed(0xfb, 0x13), prefixed(0xfb, 0x14), prefixed(0xfb, 0x17), prefixed(0xfb, 0x18),
      prefixed(0xfb, 0x1c), prefixed(0xfb, 0x1e), prefixed(0xfd, 0x100), prefixed(0xfd, 0x113), prefixed(0xfc, 0x13),
      prefixed(0xfc, 0x16), 0x29, 0x06, 0x08, 0x07, 0x09, 0x19, 0x0b, 0x06, 0x41, 0x18,
    ],
  );
});

test('every SIMD opcode with an immediate has the right immediate length', () => {
  const memarg = [0x04, 0x40];
  const instructions: number[][] = [];
  for (let op = 0x00; op <= 0x0b; op++) instructions.push([0xfd, op, ...memarg]);
  instructions.push([0xfd, 0x0c, ...new Array<number>(16).fill(0x40)], [0xfd, 0x0d, ...new Array<number>(16).fill(0x01)]);
  for (let op = 0x15; op <= 0x22; op++) instructions.push([0xfd, op, 0x01]);
  for (let op = 0x54; op <= 0x5b; op++) instructions.push([0xfd, op, ...memarg, 0x01]);
  instructions.push([0xfd, 0x5c, ...memarg], [0xfd, 0x5d, ...memarg]);
  // Every immediate-free opcode in 0x0e..0xff (skipping the unassigned ones and those above).
  const unassigned = new Set([0x9a, 0xa2, 0xa5, 0xa6, 0xaf, 0xb0, 0xb2, 0xb3, 0xb4, 0xbb, 0xc2, 0xc5, 0xc6, 0xcf, 0xd0, 0xd2, 0xd3, 0xd4, 0xe2, 0xee]);
  let plain = 0;
  for (let op = 0x0e; op <= 0xff; op++) {
    if ((op >= 0x15 && op <= 0x22) || (op >= 0x54 && op <= 0x5d) || unassigned.has(op)) continue;
    instructions.push([0xfd, ...u32(op)]);
    plain++;
  }
  assert.equal(plain, 242 - 14 - 10 - 20); // 0x0e..0xff minus lane ops, memarg ops and unassigned codes
  assertBoundaries(instructions);
});

test('unknown opcodes are rejected with their name and offset', () => {
  const cases: [number[], RegExp][] = [
    [[0x16], /unknown opcode 0x16/],
    [[0x1d], /unknown opcode 0x1d/],
    [[0x27], /unknown opcode 0x27/],
    [[0xc5], /unknown opcode 0xc5/],
    [[0xd7], /unknown opcode 0xd7/],
    [[0xff], /unknown opcode 0xff/],
    [[0xfc, 0x12], /unknown opcode 0xfc 0x12/],
    [[0xfc, 0x17], /unknown opcode 0xfc 0x17/],
    [[0xfd, 0x9a, 0x01], /unknown opcode 0xfd 0x9a/],
    [[0xfd, 0x94, 0x02], /unknown opcode 0xfd 0x114/],
    [[0xfe, 0x04], /unknown opcode 0xfe 0x04/],
    [[0xfe, 0x4f], /unknown opcode 0xfe 0x4f/],
    [[0xfb, 0x1f], /unknown opcode 0xfb 0x1f/],
  ];
  for (const [ins, pattern] of cases) throwsAt([0x01, 0x41, 0x40, ...ins, 0x0b], new RegExp(`${pattern.source} \\(at byte offset 3\\)`), 3);
});

test('malformed bodies: missing end, trailing code, stray delegate, truncated or bad immediates', () => {
  throwsAt([0x41, 0x00, 0x1a], /does not end with `end`/, 3);
  throwsAt([0x02, 0x40, 0x0b], /does not end with `end`/, 3);
  throwsAt([0x0b, 0x01], /code after the end/, 1);
  throwsAt([0x18, 0x00, 0x0b], /delegate outside a try/, 0);
  throwsAt([0x41, 0x80, 0x80], /unexpected end of input while reading an i32 constant/, 3);
  throwsAt([0x44, 0x00, 0x00], /unexpected end of input while reading an f64 constant/, 1);
  throwsAt([0xfd, 0x0c, 0x00], /16-byte SIMD immediate/, 2);
  throwsAt([0x41, 0x80, 0x80, 0x80, 0x80, 0x10, 0x0b], /too large or too long/, 1);
  throwsAt([0x02, 0x50, 0x0b, 0x0b], /invalid block type/, 1);
  throwsAt([0xd0, 0x50, 0x0b], /invalid heap type/, 1);
  throwsAt([0x1c, 0x01, 0x55, 0x0b], /invalid value type 0x55/, 2);
  throwsAt([0x1f, 0x40, 0x01, 0x04, 0x00, 0x0b, 0x0b], /invalid try_table catch kind 0x04/, 3);
  throwsAt([0xfe, 0x03, 0x01, 0x0b], /atomic.fence flags/, 2);
});

test('readInstruction reads exactly one instruction', () => {
  const r = new WasmReader(new Uint8Array([0x0e, 0x03, 0x00, 0x01, 0x02, 0x03, 0x40, 0x00]));
  assert.equal(readInstruction(r), 0x0e);
  assert.equal(r.pos, 6);
  assert.equal(readInstruction(r), OP.MEMORY_GROW);
  assert.equal(r.pos, 8);
});
