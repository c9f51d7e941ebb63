import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { customSection, module, section, u32 } from './fixtures/assemble.ts';
import {
  customSections,
  encodeS32,
  encodeS33,
  encodeU32,
  encodeU64,
  readSections,
  SECTION,
  WasmReader,
  WasmRewriteError,
  WasmWriter,
} from './wasm-binary.ts';

const fixture = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

/** Deterministic pseudo-random numbers (xorshift32), so failures reproduce. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function throwsRewrite(fn: () => unknown, pattern: RegExp, offset?: number): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof WasmRewriteError, `expected WasmRewriteError, got ${String(e)}`);
    assert.match(e.message, pattern);
    if (offset !== undefined) assert.equal(e.offset, offset);
    return true;
  });
}

test('u32 LEB128: known encodings and round trips', () => {
  assert.deepEqual([...encodeU32(0)], [0x00]);
  assert.deepEqual([...encodeU32(127)], [0x7f]);
  assert.deepEqual([...encodeU32(128)], [0x80, 0x01]);
  assert.deepEqual([...encodeU32(624485)], [0xe5, 0x8e, 0x26]);
  assert.deepEqual([...encodeU32(0xffffffff)], [0xff, 0xff, 0xff, 0xff, 0x0f]);
  const next = rng(1);
  for (let i = 0; i < 2000; i++) {
    const v = next() >>> (next() % 32);
    const r = new WasmReader(encodeU32(v));
    assert.equal(r.u32(), v);
    assert.ok(r.atEnd);
  }
  // Non-minimal but in-bounds encodings are accepted.
  assert.equal(new WasmReader(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x00])).u32(), 0);
  assert.equal(new WasmReader(new Uint8Array([0x81, 0x00])).u32(), 1);
});

test('u32 LEB128: too long, too large and truncated are WasmRewriteErrors with the offset', () => {
  const at = (bytes: number[]): Uint8Array => new Uint8Array([0xaa, 0xbb, ...bytes]);
  const read = (bytes: number[]) => () => new WasmReader(at(bytes), 2).u32('a test value');
  throwsRewrite(read([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), /too large or too long.*offset 2/, 2);
  throwsRewrite(read([0xff, 0xff, 0xff, 0xff, 0x1f]), /too large or too long/, 2);
  throwsRewrite(read([0x80, 0x80]), /unexpected end of input while reading a test value/, 4);
  throwsRewrite(read([]), /unexpected end/, 2);
});

test('s32 and s33 LEB128: known encodings, round trips, sign checks', () => {
  assert.deepEqual([...encodeS32(-1)], [0x7f]);
  assert.deepEqual([...encodeS32(-64)], [0x40]);
  assert.deepEqual([...encodeS32(64)], [0xc0, 0x00]);
  assert.deepEqual([...encodeS32(-123456)], [0xc0, 0xbb, 0x78]);
  assert.deepEqual([...encodeS32(-(2 ** 31))], [0x80, 0x80, 0x80, 0x80, 0x78]);
  const next = rng(2);
  for (let i = 0; i < 2000; i++) {
    const v = (next() | 0) >> next() % 32;
    assert.equal(new WasmReader(encodeS32(v)).s32(), v);
    const w = v * 2 + (next() & 1);
    assert.equal(new WasmReader(encodeS33(w)).s33(), w);
  }
  assert.equal(new WasmReader(encodeS33(2 ** 32 - 1)).s33(), 2 ** 32 - 1);
  assert.equal(new WasmReader(encodeS33(-(2 ** 32))).s33(), -(2 ** 32));
  // Fifth byte of an s32 may only carry 4 value bits plus sign extension.
  throwsRewrite(() => new WasmReader(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x08])).s32(), /too large/);
  throwsRewrite(() => new WasmReader(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x70])).s32(), /too large/);
  assert.equal(new WasmReader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x7f])).s32(), -1);
  // ...whereas s33 has one more bit.
  assert.equal(new WasmReader(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x08])).s33(), 2 ** 31);
  throwsRewrite(() => new WasmReader(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x20])).s33(), /too large/);
});

test('u64 and s64 LEB128 round trips and bounds', () => {
  const next = rng(3);
  for (let i = 0; i < 500; i++) {
    const v = (BigInt(next()) << 32n) | BigInt(next());
    const u = v >> BigInt(next() % 64);
    assert.equal(new WasmReader(encodeU64(u)).u64(), u);
    const s = BigInt.asIntN(64, v) >> BigInt(next() % 64);
    assert.equal(new WasmReader(new WasmWriter().s64(s).finish()).s64(), s);
  }
  assert.deepEqual([...encodeU64(2n ** 64n - 1n)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  throwsRewrite(() => new WasmReader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x03])).u64(), /too large/);
  throwsRewrite(() => new WasmReader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).s64(), /too large/);
  assert.equal(new WasmReader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])).s64(), -1n);
});

test('names must be UTF-8 and fit', () => {
  assert.equal(new WasmReader(new Uint8Array([3, 0x61, 0xc3, 0xa9])).name(), 'aé');
  throwsRewrite(() => new WasmReader(new Uint8Array([2, 0xc3, 0x28])).name('a custom section name'), /not valid UTF-8.*offset 1/);
  throwsRewrite(() => new WasmReader(new Uint8Array([5, 0x61])).name(), /unexpected end/);
});

test('the writer grows and encodes minimal LEB128s', () => {
  const w = new WasmWriter(1);
  for (let i = 0; i < 1000; i++) w.u32(i * 4099);
  const r = new WasmReader(w.finish());
  for (let i = 0; i < 1000; i++) assert.equal(r.u32(), i * 4099);
  assert.ok(r.atEnd);
  assert.throws(() => new WasmWriter().u32(-1), RangeError);
  assert.throws(() => new WasmWriter().s32(2 ** 31), RangeError);
});

test('readSections lists the sections of a clang-built module with their offsets', () => {
  const bytes = fixture('malloc-loop.wasm');
  const sections = readSections(bytes);
  assert.ok(sections.length > 5);
  assert.equal(sections[0]?.start, 8);
  for (let i = 1; i < sections.length; i++) assert.equal(sections[i]?.start, sections[i - 1]?.end);
  assert.equal(sections.at(-1)?.end, bytes.length);
  const ids = sections.filter((s) => s.id !== SECTION.CUSTOM).map((s) => s.id);
  assert.ok(ids.includes(SECTION.CODE) && ids.includes(SECTION.MEMORY) && ids.includes(SECTION.DATA));
  for (const s of sections) {
    const r = new WasmReader(bytes, s.start + 1);
    assert.equal(r.u32(), s.end - s.contentStart);
    assert.equal(r.pos, s.contentStart);
  }
});

test('customSections finds custom sections by name, anywhere in the module', () => {
  const bytes = module(
    customSection('first', [1, 2, 3]),
    section(SECTION.TYPE, u32(0)),
    customSection('middle', []),
    customSection('first', [4]),
  );
  assert.deepEqual(
    customSections(bytes).map((c) => c.name),
    ['first', 'middle', 'first'],
  );
  assert.deepEqual(
    customSections(bytes, 'first').map((c) => [...c.payload]),
    [[1, 2, 3], [4]],
  );
  assert.deepEqual(customSections(bytes, 'absent'), []);
});

test('readSections rejects malformed headers and sections with the offset', () => {
  throwsRewrite(() => readSections(new Uint8Array([0x00, 0x61, 0x73])), /too short/);
  throwsRewrite(() => readSections(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 0, 0, 0])), /bad magic/, 0);
  throwsRewrite(() => readSections(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])), /unknown WebAssembly binary version 2/, 4);
  throwsRewrite(() => readSections(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0])), /component/, 4);
  assert.throws(
    () => readSections(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0])),
    (e: unknown) => e instanceof WasmRewriteError && e.reason === 'unsupported',
  );
  throwsRewrite(() => readSections(module([14, 0])), /unknown section id 14/, 8);
  throwsRewrite(() => readSections(module([SECTION.TYPE, 5, 0])), /runs past the end/, 8);
  throwsRewrite(() => readSections(module([SECTION.TYPE, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])), /too large or too long/, 9);
  throwsRewrite(() => readSections(module([SECTION.CUSTOM, 2, 5, 0x61])), /unexpected end/);
  assert.deepEqual(readSections(module()), []);
});

test('every truncation of a real module is a WasmRewriteError, never another error', () => {
  const bytes = fixture('malloc-loop.wasm');
  let rejected = 0;
  for (let len = 0; len < bytes.length; len += 1 + (len % 7)) {
    const cut = bytes.subarray(0, len);
    try {
      readSections(cut);
    } catch (e) {
      assert.ok(e instanceof WasmRewriteError, `length ${len}: ${String(e)}`);
      rejected++;
    }
  }
  assert.ok(rejected > 0);
});
