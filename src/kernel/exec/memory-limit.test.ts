import { strict as assert } from 'node:assert';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { WASI } from 'node:wasi';
import {
  body,
  customSection,
  exportEntry,
  F32,
  funcType,
  I32,
  importEntry,
  module,
  section,
  u32,
  vec,
} from './fixtures/assemble.ts';
import { instrumentMemory, type InstrumentedModule, OOM_GLOBAL_EXPORT, planMemory, RUNTIME_MEMORY_IMPORT, WasmRewriteError } from './memory-limit.ts';
import { readSections, SECTION, WasmReader, type WasmSection } from './wasm-binary.ts';
import { decodeExpression, OP, readLocals } from './wasm-instructions.ts';

// Node 20's node:wasi serves fd_write through V8 fast API calls whose allocator reports external memory
// to V8, which may start a GC inside the fast call; after a few programs that allocate tens of MiB this
// corrupts the heap (SIGSEGV) or finalises a WASI whose fd mutex is held (SIGABRT in uvwasi_destroy).
// Turning fast API calls off before any WASI runs avoids it; it changes nothing for the code under test.
setFlagsFromString('--no-turbo-fast-api-calls');

const fixture = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const hello = (): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(new URL('../../../wasm/bin/hello.wasm', import.meta.url)));
const PAGE = 65536;

// ---------------------------------------------------------------------------
// Helpers

interface RunResult {
  readonly exit: number | null;
  readonly error: unknown;
  readonly stdout: string;
  readonly instance: WebAssembly.Instance;
  readonly memory: WebAssembly.Memory;
}

/**
 * Runs a WASI command under node:wasi, capturing stdout. With `memory`, the
 * module is a rewritten one and gets `drydock_rt.memory` with those limits.
 */
function runWasi(bytes: Uint8Array<ArrayBuffer>, args: string[], memory?: { initial: number; maximum: number }): RunResult {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-memlimit-'));
  const outPath = join(dir, 'stdout');
  const fd = openSync(outPath, 'w+');
  try {
    const wasi = new WASI({ version: 'preview1', args: ['prog', ...args], env: {}, stdout: fd, stderr: fd, returnOnExit: true });
    const imports = wasi.getImportObject() as WebAssembly.Imports;
    if (memory) imports[RUNTIME_MEMORY_IMPORT.module] = { memory: new WebAssembly.Memory(memory) };
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
    let exit: number | null = null;
    let error: unknown = null;
    try {
      exit = wasi.start(instance);
    } catch (e) {
      error = e;
    }
    // The fd is left open on purpose: node:wasi's uvwasi owns it now and closes it when the WASI object is
    // collected; closing it here as well could close an unrelated file that reused the number.
    return { exit, error, stdout: readFileSync(outPath, 'utf8'), instance, memory: instance.exports.memory as WebAssembly.Memory };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function oomFlag(instance: WebAssembly.Instance): number {
  const global = instance.exports[OOM_GLOBAL_EXPORT];
  assert.ok(global instanceof WebAssembly.Global, 'the rewritten module exports __drydock_oom');
  return global.value as number;
}

/** Instruction byte slices of every function body, as hex strings. */
function bodies(bytes: Uint8Array): { instructions: string[]; locals: string }[] {
  const code = readSections(bytes).find((s) => s.id === SECTION.CODE);
  if (!code) return [];
  const r = new WasmReader(bytes, code.contentStart, code.end);
  const count = r.u32();
  const out: { instructions: string[]; locals: string }[] = [];
  const hex = (a: number, b: number): string => Buffer.from(bytes.subarray(a, b)).toString('hex');
  for (let i = 0; i < count; i++) {
    const size = r.u32();
    const start = r.pos;
    r.end = start + size;
    readLocals(r);
    const locals = hex(start, r.pos);
    const starts: number[] = [];
    decodeExpression(r, (_op, at) => starts.push(at));
    starts.push(r.end);
    const instructions: string[] = [];
    for (let k = 0; k + 1 < starts.length; k++) instructions.push(hex(starts[k] as number, starts[k + 1] as number));
    out.push({ instructions, locals });
    r.end = code.end;
  }
  return out;
}

const REWRITTEN_SECTIONS = new Set<number>([SECTION.TYPE, SECTION.IMPORT, SECTION.FUNCTION, SECTION.MEMORY, SECTION.GLOBAL, SECTION.EXPORT, SECTION.CODE]);

/** The sections the rewrite must not touch, in order, as [id/name, hex]. */
function untouchedSections(bytes: Uint8Array): string[] {
  return readSections(bytes)
    .filter((s: WasmSection) => !REWRITTEN_SECTIONS.has(s.id))
    .map((s) => `${s.id}/${s.name ?? ''}:${Buffer.from(bytes.subarray(s.start, s.end)).toString('hex')}`);
}

function countFunctions(bytes: Uint8Array<ArrayBuffer>): number {
  const mod = new WebAssembly.Module(bytes);
  const imported = WebAssembly.Module.imports(mod).filter((i) => i.kind === 'function').length;
  const fn = readSections(bytes).find((s) => s.id === SECTION.FUNCTION);
  return imported + (fn ? new WasmReader(bytes, fn.contentStart, fn.end).u32() : 0);
}

/**
 * The structural promise of the rewrite, checked on any module: untouched
 * sections are byte-identical; every body is the original with each
 * `memory.grow 0` replaced by `call $__drydock_grow`, and nothing else; the
 * grow function is appended last.
 */
function assertFaithfulRewrite(input: Uint8Array<ArrayBuffer>, out: InstrumentedModule): void {
  assert.ok(WebAssembly.validate(out.bytes), 'the rewritten module validates');
  assert.deepEqual(untouchedSections(out.bytes), untouchedSections(input));
  const before = bodies(input);
  const after = bodies(out.bytes);
  const hasMemory = out.memory !== null;
  assert.equal(after.length, before.length + (hasMemory ? 1 : 0));
  if (!hasMemory) {
    assert.deepEqual(after, before);
    return;
  }
  const growFunc = countFunctions(out.bytes) - 1;
  const call = `10${Buffer.from(u32(growFunc)).toString('hex')}`;
  for (let i = 0; i < before.length; i++) {
    const expected = (before[i]?.instructions ?? []).map((ins) => (ins.startsWith('40') ? call : ins));
    assert.deepEqual(after[i]?.instructions, expected, `body ${i}`);
    assert.equal(after[i]?.locals, before[i]?.locals);
  }
  // Only the grow function itself still contains memory.grow.
  const grow = after.at(-1);
  assert.deepEqual(
    grow?.instructions.filter((ins) => ins.startsWith('40')),
    ['4000'],
  );
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(out.bytes)).filter((i) => i.kind === 'memory');
  assert.deepEqual(imports, [{ module: RUNTIME_MEMORY_IMPORT.module, name: RUNTIME_MEMORY_IMPORT.name, kind: 'memory' }]);
  const exports = WebAssembly.Module.exports(new WebAssembly.Module(out.bytes));
  assert.ok(exports.some((e) => e.name === OOM_GLOBAL_EXPORT && e.kind === 'global'));
}

function throwsRewrite(fn: () => unknown, reason: 'malformed' | 'unsupported', pattern: RegExp, offset?: number): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof WasmRewriteError, `expected WasmRewriteError, got ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    assert.match(e.message, pattern);
    if (offset !== undefined) assert.equal(e.offset, offset, e.message);
    return true;
  });
}

/** Deterministic pseudo-random numbers (xorshift32). */
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

// ---------------------------------------------------------------------------
// Real modules built by clang

test('hello.wasm: rewritten module validates, imports its memory and prints the same as the original', () => {
  const input = hello();
  const out = instrumentMemory(input);
  assert.deepEqual(out.memory, { initial: 2, maximum: null });
  assertFaithfulRewrite(input, out);
  const original = runWasi(input, []);
  assert.equal(original.exit, 0);
  assert.match(original.stdout, /Hello from Drydock!/);
  const rewritten = runWasi(out.bytes, [], { initial: 2, maximum: 16 });
  assert.equal(rewritten.error, null);
  assert.equal(rewritten.exit, 0);
  assert.equal(rewritten.stdout, original.stdout);
  assert.equal(oomFlag(rewritten.instance), 0);
});

test('malloc-loop: OOM-killed under a small limit, same output as the original under a large one', () => {
  const input = fixture('malloc-loop.wasm');
  const out = instrumentMemory(input);
  assert.ok(out.memory !== null && out.memory.maximum === null);
  assertFaithfulRewrite(input, out);

  const original = runWasi(input, ['48']);
  assert.equal(original.exit, 0);
  assert.match(original.stdout, /^allocated 48 MiB, checksum \d+\n$/);

  const big = planMemory(out.memory, 64 * 2 ** 20);
  assert.deepEqual(big, { initial: out.memory.initial, maximum: 1024 });
  const roomy = runWasi(out.bytes, ['48'], big ?? undefined);
  assert.equal(roomy.error, null);
  assert.equal(roomy.exit, 0);
  assert.equal(roomy.stdout, original.stdout);
  assert.equal(oomFlag(roomy.instance), 0);

  const small = planMemory(out.memory, 16 * 2 ** 20);
  assert.deepEqual(small, { initial: out.memory.initial, maximum: 256 });
  const starved = runWasi(out.bytes, ['48'], small ?? undefined);
  assert.ok(starved.error instanceof WebAssembly.RuntimeError, `expected a trap, got ${String(starved.error)}`);
  assert.equal(oomFlag(starved.instance), 1);
  assert.equal(starved.stdout, '', 'killed before printing');
  assert.ok(starved.memory.buffer.byteLength <= 256 * PAGE);
});

test('malloc-loop: a trap that is not out-of-memory leaves __drydock_oom at 0', () => {
  const out = instrumentMemory(fixture('malloc-loop.wasm'));
  const run = runWasi(out.bytes, ['4', 'trap'], { initial: out.memory?.initial ?? 0, maximum: 1024 });
  assert.ok(run.error instanceof WebAssembly.RuntimeError);
  assert.match(run.stdout, /^allocated 4 MiB/);
  assert.equal(oomFlag(run.instance), 0);
});

test('simd (-msimd128): same output rewritten, OOM under a small limit', () => {
  const input = fixture('simd.wasm');
  const out = instrumentMemory(input);
  assertFaithfulRewrite(input, out);
  const initial = out.memory?.initial ?? 0;
  const original = runWasi(input, []);
  assert.equal(original.exit, 0);
  assert.match(original.stdout, /^n=1048576 dot=/);
  const rewritten = runWasi(out.bytes, [], { initial, maximum: 4096 });
  assert.equal(rewritten.exit, 0);
  assert.equal(rewritten.stdout, original.stdout);
  const starved = runWasi(out.bytes, [], { initial, maximum: initial + 8 });
  assert.ok(starved.error instanceof WebAssembly.RuntimeError);
  assert.equal(oomFlag(starved.instance), 1);
});

test('sjlj (wasm exception handling): same output rewritten, and the OOM trap is not caught by catch_all', () => {
  const input = fixture('sjlj.wasm');
  const out = instrumentMemory(input);
  assertFaithfulRewrite(input, out);
  const initial = out.memory?.initial ?? 0;
  const original = runWasi(input, []);
  assert.equal(original.exit, 0);
  assert.match(original.stdout, /round 2: longjmp returned 40/);
  const rewritten = runWasi(out.bytes, [], { initial, maximum: 4096 });
  assert.equal(rewritten.exit, 0);
  assert.equal(rewritten.stdout, original.stdout);
  const starved = runWasi(out.bytes, [], { initial, maximum: initial + 16 });
  assert.ok(starved.error instanceof WebAssembly.RuntimeError);
  assert.equal(oomFlag(starved.instance), 1);
  assert.equal(starved.stdout, '');
});

test('opcodes.wasm: every instruction family; rewritten exports compute what the original does', () => {
  const input = fixture('opcodes.wasm');
  const out = instrumentMemory(input);
  assert.deepEqual(out.memory, { initial: 1, maximum: 1000 });
  assertFaithfulRewrite(input, out);
  const grows = bodies(input).flatMap((b) => b.instructions.filter((ins) => ins.startsWith('40')));
  assert.equal(grows.length, 6);

  const instantiate = (bytes: Uint8Array<ArrayBuffer>, memory?: WebAssembly.Memory): WebAssembly.Instance => {
    const logged: number[] = [];
    const imports: WebAssembly.Imports = { env: { log: (v: number) => void logged.push(v) } };
    if (memory) imports[RUNTIME_MEMORY_IMPORT.module] = { memory };
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
  };
  type Fn = (...args: number[]) => unknown;
  const script = (instance: WebAssembly.Instance): unknown[] => {
    const e = instance.exports as Record<string, Fn>;
    const results: unknown[] = [];
    const call = (name: string, ...args: number[]): void => {
      try {
        results.push([name, args, e[name]?.(...args)]);
      } catch (error) {
        results.push([name, args, 'threw', (error as Error).constructor.name]);
      }
    };
    call('grow_nested', 5);
    call('immediates');
    for (let i = 0; i < 4; i++) call('multi', i);
    call('numeric', 1234.5);
    call('bulk');
    call('tail', 0, 5);
    call('tail', 3, 5);
    call('eh', 0);
    call('eh', 7);
    call('atomics');
    call('size');
    return results;
  };
  const expected = script(instantiate(input));
  assert.ok(JSON.stringify(expected, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)).length > 100);
  const same = script(instantiate(out.bytes, new WebAssembly.Memory({ initial: 1, maximum: 1000 })));
  assert.deepEqual(same, expected);

  // With a 20-page limit, grow_nested(30) is OOM-killed partway.
  const limit = new WebAssembly.Memory({ initial: 1, maximum: 20 });
  const limited = instantiate(out.bytes, limit);
  const growNested = limited.exports.grow_nested as Fn;
  assert.equal(growNested(10), 10);
  assert.equal(oomFlag(limited), 0);
  assert.throws(() => growNested(30), WebAssembly.RuntimeError);
  assert.equal(oomFlag(limited), 1);
  assert.equal(limit.buffer.byteLength, 20 * PAGE);
});

test('rewriting is deterministic and does not modify its input', () => {
  for (const input of [hello(), fixture('malloc-loop.wasm'), fixture('simd.wasm'), fixture('sjlj.wasm'), fixture('opcodes.wasm')]) {
    const copy = input.slice();
    const a = instrumentMemory(input);
    const b = instrumentMemory(copy);
    assert.deepEqual(input, copy);
    assert.deepEqual(a.bytes, b.bytes);
    assert.deepEqual(a.memory, b.memory);
  }
});

test('a module rewritten once is refused a second time', () => {
  const once = instrumentMemory(hello()).bytes;
  throwsRewrite(() => instrumentMemory(once), 'unsupported', /already exports "__drydock_oom"/);
});

// ---------------------------------------------------------------------------
// Hand-assembled modules

const growOne = [0x41, 0x01, 0x40, 0x00]; // i32.const 1; memory.grow 0

test('a module without memory: memory null, no grow function, the oom global still exported', () => {
  const input = module(
    section(SECTION.TYPE, vec([funcType([], [I32])])),
    section(SECTION.FUNCTION, vec([[0]])),
    section(SECTION.EXPORT, vec([exportEntry('f', 0, 0)])),
    section(SECTION.CODE, vec([body([], [0x41, 0x2a, 0x0b])])),
  );
  const out = instrumentMemory(input);
  assert.equal(out.memory, null);
  assertFaithfulRewrite(input, out);
  assert.equal(countFunctions(out.bytes), 1);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(out.bytes), {});
  assert.equal((instance.exports.f as () => number)(), 42);
  assert.equal(oomFlag(instance), 0);
  // The smallest module: nothing but a header.
  const empty = instrumentMemory(module());
  assert.ok(WebAssembly.validate(empty.bytes));
  assert.equal(empty.memory, null);
  assert.ok(WebAssembly.Module.exports(new WebAssembly.Module(empty.bytes)).some((e) => e.name === OOM_GLOBAL_EXPORT));
});

test('memory.grow in a module without memory is refused', () => {
  const input = module(
    section(SECTION.TYPE, vec([funcType([], [I32])])),
    section(SECTION.FUNCTION, vec([[0]])),
    section(SECTION.CODE, vec([body([], [...growOne, 0x0b])])),
  );
  throwsRewrite(() => instrumentMemory(input), 'malformed', /memory.grow in a module without a memory/);
});

test('an imported memory is renamed to drydock_rt.memory and keeps its limits', () => {
  // (import "env" "memory" (memory 1 3)), imported function and global before it.
  const input = module(
    section(SECTION.TYPE, vec([funcType([I32], [I32]), funcType([], [])])),
    section(
      SECTION.IMPORT,
      vec([
        importEntry('env', 'f', [0x00, 0x01]),
        importEntry('env', 'memory', [0x02, 0x01, 0x01, 0x03]),
        importEntry('env', 'g', [0x03, I32, 0x00]),
      ]),
    ),
    section(SECTION.FUNCTION, vec([[0]])),
    section(SECTION.GLOBAL, vec([[I32, 0x00, 0x41, 0x07, 0x0b]])),
    section(SECTION.EXPORT, vec([exportEntry('grow', 0, 1), exportEntry('mem', 2, 0)])),
    // grow(n): memory.grow(n) inside nested blocks, then global.get 1 dropped.
    section(SECTION.CODE, vec([body([], [0x02, 0x7f, 0x20, 0x00, 0x40, 0x00, 0x0b, 0x23, 0x01, 0x1a, 0x0b])])),
  );
  assert.ok(WebAssembly.validate(input));
  const out = instrumentMemory(input);
  assert.deepEqual(out.memory, { initial: 1, maximum: 3 });
  assertFaithfulRewrite(input, out);
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(out.bytes));
  assert.deepEqual(
    imports.map((i) => `${i.module}.${i.name}:${i.kind}`),
    ['env.f:function', 'drydock_rt.memory:memory', 'env.g:global'],
  );
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 }); // the limit is below the module's own maximum
  const instance = new WebAssembly.Instance(new WebAssembly.Module(out.bytes), {
    env: { f: () => {}, g: new WebAssembly.Global({ value: 'i32', mutable: false }, 5) },
    drydock_rt: { memory },
  });
  const grow = instance.exports.grow as (n: number) => number;
  assert.equal(grow(0), 1);
  assert.equal(grow(1), 1, 'returns the old size like memory.grow');
  assert.equal(memory.buffer.byteLength, 2 * PAGE);
  assert.equal(oomFlag(instance), 0);
  assert.throws(() => grow(1), WebAssembly.RuntimeError);
  assert.equal(oomFlag(instance), 1);
  assert.equal(instance.exports.mem, memory);
});

test('a defined memory becomes an import; new type, import and global sections are created in order', () => {
  // No import section, no (i32)->(i32) type, no global or export section; custom sections around.
  const input = module(
    customSection('first', [1, 2, 3]),
    section(SECTION.TYPE, vec([funcType([], [I32]), funcType([F32], [])])),
    section(SECTION.FUNCTION, vec([[0], [0]])),
    customSection('between', [9]),
    section(SECTION.MEMORY, vec([[0x00, 0x02]])),
    // f0: grow in loop/if/else; f1: block type 0x40 and i32.const -64 before one grow.
    section(
      SECTION.CODE,
      vec([
        body(
          [[1, I32]],
          [
            0x03, 0x40, // loop
            0x20, 0x00, 0x04, 0x40, // if
            ...growOne, 0x1a,
            0x05, // else
            0x02, 0x40, ...growOne, 0x21, 0x00, 0x0b, // block ... end
            0x0b, // end if
            0x0b, // end loop
            0x3f, 0x00, 0x0b, // memory.size
          ],
        ),
        body([], [0x02, 0x40, 0x0b, 0x41, 0x40, 0x1a, 0x41, 0x40, 0x40, 0x00, 0x0b]),
      ]),
    ),
    customSection('last', [7, 7]),
  );
  assert.ok(WebAssembly.validate(input));
  const out = instrumentMemory(input);
  assert.deepEqual(out.memory, { initial: 2, maximum: null });
  assertFaithfulRewrite(input, out);
  const sections = readSections(out.bytes).map((s) => (s.id === SECTION.CUSTOM ? s.name : s.id));
  assert.deepEqual(sections, ['first', SECTION.TYPE, SECTION.IMPORT, SECTION.FUNCTION, 'between', SECTION.GLOBAL, SECTION.EXPORT, SECTION.CODE, 'last']);
  // The grow function got a new type (index 2) and function index 2.
  const type = readSections(out.bytes).find((s) => s.id === SECTION.TYPE);
  assert.ok(type);
  assert.equal(new WasmReader(out.bytes, type.contentStart, type.end).u32(), 3);
  assert.equal(countFunctions(out.bytes), 3);
});

test('an existing (i32)->(i32) type is reused and the type section left byte-identical', () => {
  const types = section(SECTION.TYPE, vec([funcType([], []), funcType([I32], [I32])]));
  const input = module(types, section(SECTION.FUNCTION, vec([[1]])), section(SECTION.MEMORY, vec([[0x01, 0x01, 0x04]])), section(SECTION.CODE, vec([body([], [0x20, 0x00, 0x40, 0x00, 0x0b])])));
  const out = instrumentMemory(input);
  assert.deepEqual(out.memory, { initial: 1, maximum: 4 });
  assertFaithfulRewrite(input, out);
  const hex = (b: Uint8Array, s: WasmSection | undefined): string => (s ? Buffer.from(b.subarray(s.start, s.end)).toString('hex') : '');
  assert.equal(hex(out.bytes, readSections(out.bytes).find((s) => s.id === SECTION.TYPE)), Buffer.from(types).toString('hex'));
  const fn = readSections(out.bytes).find((s) => s.id === SECTION.FUNCTION);
  assert.deepEqual([...(fn ? out.bytes.subarray(fn.contentStart, fn.end) : [])], [2, 1, 1]);
});

test('GC type sections: rec group members count as types and are never reused for the grow type', () => {
  // (rec (type (struct)) (type (func (param i32) (result i32)))) (type (func)): three types, two entries.
  const recGroup = [0x4e, 0x02, 0x5f, 0x00, ...funcType([I32], [I32])];
  const input = module(
    section(SECTION.TYPE, [0x02, ...recGroup, ...funcType([], [])]),
    section(SECTION.FUNCTION, vec([[2]])),
    section(SECTION.MEMORY, vec([[0x00, 0x01]])),
    section(SECTION.CODE, vec([body([], [0x0b])])),
  );
  const out = instrumentMemory(input);
  const sections = readSections(out.bytes);
  const type = sections.find((s) => s.id === SECTION.TYPE);
  const fn = sections.find((s) => s.id === SECTION.FUNCTION);
  assert.ok(type && fn);
  // One more entry, appended verbatim after the original ones...
  assert.deepEqual([...out.bytes.subarray(type.contentStart, type.end)], [0x03, ...recGroup, ...funcType([], []), ...funcType([I32], [I32])]);
  // ...and it is type 3, not the identical-looking member of the rec group (type 1).
  assert.deepEqual([...out.bytes.subarray(fn.contentStart, fn.end)], [0x02, 0x02, 0x03]);
  throwsRewrite(() => instrumentMemory(module(section(SECTION.TYPE, [0x01, 0x5d, 0x00]), section(SECTION.MEMORY, vec([[0x00, 0x01]])))), 'unsupported', /unknown type form 0x5d/);
});

test('a non-canonical memory index encoding of memory 0 is still replaced', () => {
  const input = module(
    section(SECTION.TYPE, vec([funcType([], [I32])])),
    section(SECTION.FUNCTION, vec([[0]])),
    section(SECTION.MEMORY, vec([[0x00, 0x01]])),
    section(SECTION.CODE, vec([body([], [0x41, 0x01, 0x40, 0x80, 0x00, 0x0b])])),
  );
  const out = instrumentMemory(input);
  assert.ok(WebAssembly.validate(out.bytes));
  const rewritten = bodies(out.bytes)[0]?.instructions;
  assert.deepEqual(rewritten, ['4101', '1001', '0b']);
});

test('unsupported memories: shared, 64-bit, custom page size, several', () => {
  const withMemory = (limits: number[], count = 1): Uint8Array =>
    module(section(SECTION.MEMORY, [...u32(count), ...Array.from({ length: count }, () => limits).flat()]));
  throwsRewrite(() => instrumentMemory(withMemory([0x03, 0x01, 0x02])), 'unsupported', /shared memory/, 11);
  throwsRewrite(() => instrumentMemory(withMemory([0x04, 0x01])), 'unsupported', /memory64/, 11);
  throwsRewrite(() => instrumentMemory(withMemory([0x08, 0x01, 0x00])), 'unsupported', /page size/);
  throwsRewrite(() => instrumentMemory(withMemory([0x00, 0x01], 2)), 'unsupported', /2 memories/);
  const importedAndDefined = module(section(SECTION.IMPORT, vec([importEntry('a', 'b', [0x02, 0x00, 0x01])])), section(SECTION.MEMORY, vec([[0x00, 0x01]])));
  throwsRewrite(() => instrumentMemory(importedAndDefined), 'unsupported', /multi-memory/);
  const sharedImport = module(section(SECTION.IMPORT, vec([importEntry('env', 'memory', [0x02, 0x03, 0x01, 0x10])])));
  throwsRewrite(() => instrumentMemory(sharedImport), 'unsupported', /shared memory/);
  throwsRewrite(() => instrumentMemory(withMemory([0x01, 0x05, 0x02])), 'malformed', /maximum 2 is below its minimum 5/);
  throwsRewrite(() => instrumentMemory(withMemory([0x00, 0x81, 0x80, 0x04])), 'malformed', /exceeds 65536 pages/);
});

test('malformed modules are WasmRewriteErrors with the offset', () => {
  const type = section(SECTION.TYPE, vec([funcType([], [])]));
  // Function and code counts disagree.
  throwsRewrite(() => instrumentMemory(module(type, section(SECTION.FUNCTION, vec([[0], [0]])), section(SECTION.CODE, vec([body([], [0x0b])])))), 'malformed', /declares 2 functions but the code section has 1/);
  // A body claiming more bytes than the section has.
  throwsRewrite(() => instrumentMemory(module(type, section(SECTION.FUNCTION, vec([[0]])), section(SECTION.CODE, [0x01, 0x09, 0x00, 0x0b]))), 'malformed', /runs past the end of the code section/);
  // An unknown opcode, reported at its offset in the module.
  const bad = module(type, section(SECTION.FUNCTION, vec([[0]])), section(SECTION.CODE, vec([body([], [0x01, 0x01, 0x27, 0x0b])])));
  throwsRewrite(() => instrumentMemory(bad), 'malformed', /unknown opcode 0x27/, bad.indexOf(0x27));
  // Sections out of order, and twice.
  throwsRewrite(() => instrumentMemory(module(section(SECTION.FUNCTION, vec([])), type)), 'malformed', /out of order/);
  throwsRewrite(() => instrumentMemory(module(type, type)), 'malformed', /duplicate section 1/);
  // Junk after the entries of a section.
  throwsRewrite(() => instrumentMemory(module(section(SECTION.MEMORY, [...vec([[0x00, 0x01]]), 0x00]))), 'malformed', /junk after/);
  // Bad import kind, bad UTF-8 in a name.
  throwsRewrite(() => instrumentMemory(module(section(SECTION.IMPORT, vec([importEntry('a', 'b', [0x07])])))), 'malformed', /invalid import kind 0x07/);
  throwsRewrite(() => instrumentMemory(module(section(SECTION.IMPORT, [0x01, 0x01, 0xff, 0x00, 0x00, 0x00]))), 'malformed', /not valid UTF-8/);
});

test('every truncation of a real module is rejected or still gives a valid module', () => {
  for (const input of [hello(), fixture('sjlj.wasm')]) {
    let rejected = 0;
    for (let len = 0; len < input.length; len++) {
      const cut = input.subarray(0, len);
      let out: InstrumentedModule;
      try {
        out = instrumentMemory(cut);
      } catch (e) {
        assert.ok(e instanceof WasmRewriteError, `length ${len}: ${String(e)}`);
        rejected++;
        continue;
      }
      if (WebAssembly.validate(cut)) assert.ok(WebAssembly.validate(out.bytes), `length ${len}`);
    }
    assert.ok(rejected > input.length - 20);
  }
});

test('random byte corruption never crashes the rewriter or turns a valid module invalid', () => {
  const input = fixture('malloc-loop.wasm');
  const next = rng(20240601);
  let rewritten = 0;
  let rejected = 0;
  for (let i = 0; i < 400; i++) {
    const mutated = input.slice();
    const flips = 1 + (next() % 3);
    for (let k = 0; k < flips; k++) mutated[next() % mutated.length] = next() & 0xff;
    let out: InstrumentedModule;
    try {
      out = instrumentMemory(mutated);
    } catch (e) {
      assert.ok(e instanceof WasmRewriteError, `mutation ${i}: ${String(e)}`);
      rejected++;
      continue;
    }
    rewritten++;
    if (WebAssembly.validate(mutated)) assert.ok(WebAssembly.validate(out.bytes), `mutation ${i}: valid input, invalid output`);
  }
  assert.ok(rewritten > 0 && rejected > 0, `${rewritten} rewritten, ${rejected} rejected`);
});

// ---------------------------------------------------------------------------
// planMemory

test('planMemory: the limit caps the maximum; below the initial memory the process cannot start', () => {
  assert.deepEqual(planMemory({ initial: 2, maximum: null }, null), { initial: 2, maximum: 65536 });
  assert.deepEqual(planMemory({ initial: 2, maximum: 100 }, null), { initial: 2, maximum: 100 });
  assert.deepEqual(planMemory({ initial: 2, maximum: null }, 6 * 2 ** 20), { initial: 2, maximum: 96 });
  assert.deepEqual(planMemory({ initial: 2, maximum: 50 }, 6 * 2 ** 20), { initial: 2, maximum: 50 });
  assert.deepEqual(planMemory({ initial: 2, maximum: null }, 3 * PAGE - 1), { initial: 2, maximum: 2 });
  assert.equal(planMemory({ initial: 2, maximum: null }, 2 * PAGE - 1), null);
  assert.deepEqual(planMemory({ initial: 0, maximum: null }, 2 ** 40), { initial: 0, maximum: 65536 });
});
