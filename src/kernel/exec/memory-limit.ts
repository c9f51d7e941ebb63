/**
 * Memory limits for guest programs (Docker's `--memory`): the module rewrite
 * that lets the kernel choose each process's memory, and the arithmetic that
 * turns a limit in bytes into the pages the worker creates.
 *
 * `instrumentMemory` rewrites a module once (the kernel caches the result by
 * digest and shares it between processes, whatever their limit):
 * 1. The module's memory becomes an import `drydock_rt`.`memory`: a defined
 *    memory is removed from the memory section and imported with the same
 *    limits (memory imports come before defined memories in the index space,
 *    and there is no other memory, so it stays memory 0 and every export,
 *    data segment and load/store keeps meaning the same memory); an imported
 *    memory is renamed. The runtime creates a `WebAssembly.Memory` whose
 *    maximum is the process's limit.
 * 2. A function `$__drydock_grow (param i32) (result i32)` and a mutable i32
 *    global `$__drydock_oom`, exported as "__drydock_oom", are appended
 *    (appending shifts no existing index). The function does `memory.grow`,
 *    and when it fails sets `__drydock_oom` to 1 and traps.
 * 3. Every `memory.grow 0` in every function body becomes
 *    `call $__drydock_grow`, so a guest that outgrows its limit traps instead
 *    of seeing -1; the worker reads `__drydock_oom` after the trap to report
 *    an OOM kill (exit 137, OOMKilled) rather than a crash.
 * Everything else (custom sections, names, start, elements, data, tags…) is
 * copied byte for byte. The output is a pure function of the input.
 */
import type { MemoryPlan } from '../guest/messages.ts';
import {
  encodeU32,
  hexByte,
  malformed,
  readSections,
  SECTION,
  sectionRank,
  unsupported,
  WASM_HEADER,
  WasmReader,
  WasmRewriteError,
  type WasmSection,
  WasmWriter,
} from './wasm-binary.ts';
import { decodeExpression, OP, readLocals } from './wasm-instructions.ts';
import { EXTERN, type ImportEntry, type Limits, readImport, readLimits, scanTypeSection, VALTYPE } from './wasm-types.ts';

export { WasmRewriteError } from './wasm-binary.ts';

/** Import module and name the rewritten module takes its memory from. */
export const RUNTIME_MEMORY_IMPORT = { module: 'drydock_rt', name: 'memory' } as const;
/** Export name of the global that reads 1 after an out-of-memory trap. */
export const OOM_GLOBAL_EXPORT = '__drydock_oom';
/** Size of a wasm page in bytes. */
export const WASM_PAGE_SIZE = 65536;
/** Largest number of pages a 32-bit memory can have (4 GiB). */
export const MAX_WASM32_PAGES = 65536;

/** The memory a module declares, in pages. */
export interface DeclaredMemory {
  readonly initial: number;
  /** The module's own maximum, or null when it declares none. */
  readonly maximum: number | null;
}

/** The result of `instrumentMemory`. Immutable; safe to share between processes. */
export interface InstrumentedModule {
  /** The rewritten module. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** The memory the runtime must create and pass as import `drydock_rt`.`memory`:
   *  initial pages, and the module's own declared maximum (null if none).
   *  Null when the module has no memory at all (nothing to import). */
  readonly memory: DeclaredMemory | null;
}

/** `(param i32) (result i32)`, the type of $__drydock_grow. */
const GROW_TYPE = new Uint8Array([0x60, 0x01, VALTYPE.I32, 0x01, VALTYPE.I32]);

interface MemoryInfo {
  readonly limits: Limits;
  /** Set when the memory is imported: the import entry to rename. */
  readonly imported: ImportEntry | null;
}

/** What the rewrite needs from the sections before it writes anything. */
interface ModuleScan {
  readonly sections: readonly WasmSection[];
  readonly byId: ReadonlyMap<number, WasmSection>;
  readonly imports: readonly ImportEntry[];
  readonly importedFuncs: number;
  readonly importedGlobals: number;
  readonly memory: MemoryInfo | null;
  readonly definedFuncs: number;
  readonly definedGlobals: number;
}

/**
 * Rewrites `bytes` as described in the module comment. Does not modify
 * `bytes`. Throws WasmRewriteError (reason `malformed` or `unsupported`, with
 * the byte offset) for input it cannot rewrite faithfully: bad structure,
 * unknown opcodes, shared memory, memory64, several memories, or a module
 * that is already instrumented.
 */
export function instrumentMemory(bytes: Uint8Array): InstrumentedModule {
  const scan = scanModule(bytes);
  const memory = scan.memory;
  const declared: DeclaredMemory | null = memory === null ? null : toDeclared(memory.limits);

  const replaced = new Map<number, Uint8Array>();
  const removed = new Set<number>();

  // The oom global, appended after every existing global.
  const oomGlobal = scan.importedGlobals + scan.definedGlobals;
  replaced.set(SECTION.GLOBAL, appendToVector(bytes, scan.byId.get(SECTION.GLOBAL), new Uint8Array([VALTYPE.I32, 0x01, OP.I32_CONST, 0x00, OP.END])));
  replaced.set(SECTION.EXPORT, appendToVector(bytes, scan.byId.get(SECTION.EXPORT), new WasmWriter(24).name(OOM_GLOBAL_EXPORT).byte(EXTERN.GLOBAL).u32(oomGlobal).finish()));

  let growFunc = -1;
  if (memory !== null) {
    // The memory import.
    replaced.set(SECTION.IMPORT, rewriteImports(bytes, scan, memory));
    if (memory.imported === null) removed.add(SECTION.MEMORY);

    // The grow function: its type, its declaration, its body.
    const typeSection = scan.byId.get(SECTION.TYPE);
    let growType: number;
    if (typeSection === undefined) {
      growType = 0;
      replaced.set(SECTION.TYPE, new WasmWriter(8).u32(1).bytes(GROW_TYPE).finish());
    } else {
      const info = scanTypeSection(new WasmReader(bytes, typeSection.contentStart, typeSection.end), GROW_TYPE);
      if (info.match >= 0) {
        growType = info.match;
      } else {
        growType = info.count;
        replaced.set(SECTION.TYPE, appendToVector(bytes, typeSection, GROW_TYPE));
      }
    }
    growFunc = scan.importedFuncs + scan.definedFuncs;
    replaced.set(SECTION.FUNCTION, appendToVector(bytes, scan.byId.get(SECTION.FUNCTION), new WasmWriter(8).u32(growType).finish()));
  }

  if (growFunc >= 0 || scan.byId.has(SECTION.CODE)) replaced.set(SECTION.CODE, rewriteCode(bytes, scan, growFunc, oomGlobal));
  return { bytes: assemble(bytes, scan.sections, replaced, removed), memory: declared };
}

/**
 * The memory a process gets: `declared`'s initial pages, and a maximum that
 * is the smaller of the module's own maximum and the limit (`limitBytes`
 * rounded down to whole pages; null means no limit, i.e. the 4 GiB of a
 * 32-bit memory). Returns null when even the initial memory exceeds the
 * limit: the process cannot start and is OOM-killed at once.
 */
export function planMemory(declared: DeclaredMemory, limitBytes: number | null): MemoryPlan | null {
  const limitPages = limitBytes === null ? MAX_WASM32_PAGES : Math.min(MAX_WASM32_PAGES, Math.floor(limitBytes / WASM_PAGE_SIZE));
  const maximum = Math.min(declared.maximum ?? MAX_WASM32_PAGES, limitPages);
  if (maximum < declared.initial) return null;
  return { initial: declared.initial, maximum };
}

function toDeclared(limits: Limits): DeclaredMemory {
  return { initial: Number(limits.initial), maximum: limits.maximum === null ? null : Number(limits.maximum) };
}

/** Checks section order and reads imports, the memory, and the function and global counts. */
function scanModule(bytes: Uint8Array): ModuleScan {
  const sections = readSections(bytes);
  const byId = new Map<number, WasmSection>();
  let lastRank = -1;
  for (const s of sections) {
    if (s.id === SECTION.CUSTOM) continue;
    const rank = sectionRank(s.id);
    if (byId.has(s.id)) throw malformed(`duplicate section ${s.id}`, s.start);
    if (rank < lastRank) throw malformed(`section ${s.id} is out of order`, s.start);
    lastRank = rank;
    byId.set(s.id, s);
  }

  const imports: ImportEntry[] = [];
  let importedFuncs = 0;
  let importedGlobals = 0;
  const importedMemories: ImportEntry[] = [];
  const importSection = byId.get(SECTION.IMPORT);
  if (importSection !== undefined) {
    const r = new WasmReader(bytes, importSection.contentStart, importSection.end);
    const count = r.u32('the import count');
    for (let i = 0; i < count; i++) {
      const entry = readImport(r);
      imports.push(entry);
      if (entry.kind === EXTERN.FUNC) importedFuncs++;
      else if (entry.kind === EXTERN.GLOBAL) importedGlobals++;
      else if (entry.kind === EXTERN.MEMORY) importedMemories.push(entry);
    }
    expectSectionEnd(r, 'import');
  }

  const definedMemories: Limits[] = [];
  const memorySection = byId.get(SECTION.MEMORY);
  if (memorySection !== undefined) {
    const r = new WasmReader(bytes, memorySection.contentStart, memorySection.end);
    const count = r.u32('the memory count');
    for (let i = 0; i < count; i++) definedMemories.push(readLimits(r, 'memory'));
    expectSectionEnd(r, 'memory');
  }

  const memoryCount = importedMemories.length + definedMemories.length;
  if (memoryCount > 1) {
    throw unsupported(`the module has ${memoryCount} memories (multi-memory); Drydock supports one`, memorySection?.start ?? importSection?.start ?? null);
  }
  let memory: MemoryInfo | null = null;
  const imported = importedMemories[0];
  const defined = definedMemories[0];
  if (imported !== undefined && imported.limits !== null) memory = { limits: imported.limits, imported };
  else if (defined !== undefined) memory = { limits: defined, imported: null };
  if (memory !== null) checkMemoryLimits(memory.limits);

  const definedFuncs = vectorCount(bytes, byId.get(SECTION.FUNCTION), 'function');
  const definedGlobals = vectorCount(bytes, byId.get(SECTION.GLOBAL), 'global');
  const codeCount = vectorCount(bytes, byId.get(SECTION.CODE), 'code');
  if (codeCount !== definedFuncs) {
    throw malformed(`the function section declares ${definedFuncs} functions but the code section has ${codeCount} bodies`, byId.get(SECTION.CODE)?.start ?? null);
  }
  checkNotInstrumented(bytes, byId.get(SECTION.EXPORT));
  return { sections, byId, imports, importedFuncs, importedGlobals, memory, definedFuncs, definedGlobals };
}

function checkMemoryLimits(limits: Limits): void {
  if (limits.flags & 0x02) throw unsupported('shared memory (threads) is not supported', limits.start);
  if (limits.flags & 0x04) throw unsupported('64-bit memory (memory64) is not supported', limits.start);
  if (limits.flags & 0x08) throw unsupported('custom memory page sizes are not supported', limits.start);
  if (limits.initial > BigInt(MAX_WASM32_PAGES)) throw malformed(`memory minimum ${limits.initial} exceeds ${MAX_WASM32_PAGES} pages`, limits.start);
  if (limits.maximum !== null) {
    if (limits.maximum > BigInt(MAX_WASM32_PAGES)) throw malformed(`memory maximum ${limits.maximum} exceeds ${MAX_WASM32_PAGES} pages`, limits.start);
    if (limits.maximum < limits.initial) throw malformed(`memory maximum ${limits.maximum} is below its minimum ${limits.initial}`, limits.start);
  }
}

function expectSectionEnd(r: WasmReader, what: string): void {
  if (!r.atEnd) throw malformed(`junk after the last entry of the ${what} section`, r.pos);
}

/** The element count at the start of a vector section (0 if the section is absent). */
function vectorCount(bytes: Uint8Array, section: WasmSection | undefined, what: string): number {
  if (section === undefined) return 0;
  return new WasmReader(bytes, section.contentStart, section.end).u32(`the ${what} count`);
}

/** Refuses a module that already exports "__drydock_oom" (it would get two). */
function checkNotInstrumented(bytes: Uint8Array, section: WasmSection | undefined): void {
  if (section === undefined) return;
  const r = new WasmReader(bytes, section.contentStart, section.end);
  const count = r.u32('the export count');
  for (let i = 0; i < count; i++) {
    const at = r.pos;
    const name = r.name('an export name');
    const kindAt = r.pos;
    const kind = r.u8('an export kind');
    if (kind > EXTERN.TAG) throw malformed(`invalid export kind ${hexByte(kind)}`, kindAt);
    r.u32('an export index');
    if (name === OOM_GLOBAL_EXPORT) throw unsupported(`the module already exports "${OOM_GLOBAL_EXPORT}" (already instrumented?)`, at);
  }
  expectSectionEnd(r, 'export');
}

/**
 * The content of a vector section with one more element: the count
 * re-encoded, the old elements verbatim, then `element`. A missing section
 * counts as an empty vector.
 */
function appendToVector(bytes: Uint8Array, section: WasmSection | undefined, element: Uint8Array): Uint8Array {
  if (section === undefined) return new WasmWriter(element.length + 5).u32(1).bytes(element).finish();
  const r = new WasmReader(bytes, section.contentStart, section.end);
  const count = r.u32('a vector count');
  if (count === 0xffffffff) throw malformed('vector count overflows', section.contentStart);
  const w = new WasmWriter(section.end - section.contentStart + element.length + 5);
  w.u32(count + 1);
  w.bytes(bytes.subarray(r.pos, section.end));
  w.bytes(element);
  return w.finish();
}

/** The import section with the memory import renamed, or a new memory import appended. */
function rewriteImports(bytes: Uint8Array, scan: ModuleScan, memory: MemoryInfo): Uint8Array {
  const memoryImport = (limitsStart: number, limitsEnd: number): Uint8Array =>
    new WasmWriter(32)
      .name(RUNTIME_MEMORY_IMPORT.module)
      .name(RUNTIME_MEMORY_IMPORT.name)
      .byte(EXTERN.MEMORY)
      .bytes(bytes.subarray(limitsStart, limitsEnd))
      .finish();
  if (memory.imported === null) {
    return appendToVector(bytes, scan.byId.get(SECTION.IMPORT), memoryImport(memory.limits.start, memory.limits.end));
  }
  const section = scan.byId.get(SECTION.IMPORT);
  const w = new WasmWriter((section === undefined ? 0 : section.end - section.contentStart) + 32);
  w.u32(scan.imports.length);
  for (const entry of scan.imports) {
    if (entry === memory.imported) w.bytes(memoryImport(memory.limits.start, memory.limits.end));
    else w.bytes(bytes.subarray(entry.start, entry.end));
  }
  return w.finish();
}

/**
 * The code section with every `memory.grow 0` replaced by `call growFunc`,
 * plus the body of $__drydock_grow when `growFunc >= 0`. Bodies without a
 * `memory.grow` are copied verbatim (including their size).
 */
function rewriteCode(bytes: Uint8Array, scan: ModuleScan, growFunc: number, oomGlobal: number): Uint8Array {
  const section = scan.byId.get(SECTION.CODE);
  const w = new WasmWriter(section === undefined ? 64 : section.end - section.contentStart + 64);
  const added = growFunc >= 0 ? 1 : 0;
  w.u32(scan.definedFuncs + added);
  if (section !== undefined) {
    const r = new WasmReader(bytes, section.contentStart, section.end);
    r.u32('the code count');
    const call = growFunc >= 0 ? new WasmWriter(8).byte(OP.CALL).u32(growFunc).finish() : null;
    const grows: number[] = [];
    const growEnds: number[] = [];
    const memoryGrow = OP.MEMORY_GROW;
    const visit = (op: number, at: number): void => {
      if (op !== memoryGrow) return;
      grows.push(at);
      growEnds.push(r.pos);
    };
    for (let i = 0; i < scan.definedFuncs; i++) {
      const entryStart = r.pos;
      const size = r.u32('a function body size');
      const bodyStart = r.pos;
      if (size > section.end - bodyStart) throw malformed(`function body ${i} runs past the end of the code section`, entryStart);
      const bodyEnd = bodyStart + size;
      r.end = bodyEnd;
      readLocals(r);
      const exprStart = r.pos;
      grows.length = 0;
      growEnds.length = 0;
      decodeExpression(r, visit);
      r.end = section.end;
      if (grows.length === 0) {
        w.bytes(bytes.subarray(entryStart, bodyEnd));
        continue;
      }
      if (call === null) throw malformed('memory.grow in a module without a memory', grows[0] as number);
      w.u32(rewrittenBodySize(bytes, size, grows, growEnds, call.length));
      w.bytes(bytes.subarray(bodyStart, exprStart));
      let copied = exprStart;
      for (let g = 0; g < grows.length; g++) {
        const at = grows[g] as number;
        w.bytes(bytes.subarray(copied, at));
        w.bytes(call);
        copied = growEnds[g] as number;
      }
      w.bytes(bytes.subarray(copied, bodyEnd));
    }
    if (!r.atEnd) throw malformed('junk after the last function body', r.pos);
  }
  if (growFunc >= 0) w.bytes(growBody(oomGlobal));
  return w.finish();
}

/** Size of a body after replacing each `memory.grow` (checked to name memory 0) by a call of `callLength` bytes. */
function rewrittenBodySize(bytes: Uint8Array, size: number, grows: readonly number[], growEnds: readonly number[], callLength: number): number {
  let newSize = size;
  for (let g = 0; g < grows.length; g++) {
    const at = grows[g] as number;
    const end = growEnds[g] as number;
    const memidx = new WasmReader(bytes, at + 1, end).u32('a memory index');
    if (memidx !== 0) throw unsupported(`memory.grow of memory ${memidx} (multi-memory)`, at);
    newSize += callLength - (end - at);
  }
  return newSize;
}

/**
 * The code entry of $__drydock_grow (param $delta i32) (result i32):
 *   local.get 0; memory.grow 0; local.tee $r; i32.const -1; i32.eq;
 *   if; i32.const 1; global.set $__drydock_oom; unreachable; end; local.get $r
 */
function growBody(oomGlobal: number): Uint8Array {
  const body = new WasmWriter(32)
    .bytes(new Uint8Array([0x01, 0x01, VALTYPE.I32])) // one local: $r i32
    .bytes(new Uint8Array([OP.LOCAL_GET, 0x00, OP.MEMORY_GROW, 0x00, OP.LOCAL_TEE, 0x01, OP.I32_CONST, 0x7f, OP.I32_EQ]))
    .bytes(new Uint8Array([OP.IF, 0x40, OP.I32_CONST, 0x01, OP.GLOBAL_SET]))
    .u32(oomGlobal)
    .bytes(new Uint8Array([OP.UNREACHABLE, OP.END, OP.LOCAL_GET, 0x01, OP.END]))
    .finish();
  return new WasmWriter(body.length + 5).u32(body.length).bytes(body).finish();
}

/**
 * Writes the module: the header, then every section in its original place
 * (verbatim, replaced, or dropped), with sections that did not exist
 * inserted where the section order puts them. Custom sections keep their
 * positions relative to the standard sections around them.
 */
function assemble(bytes: Uint8Array, sections: readonly WasmSection[], replaced: ReadonlyMap<number, Uint8Array>, removed: ReadonlySet<number>): Uint8Array<ArrayBuffer> {
  const present = new Set(sections.map((s) => s.id));
  const inserts = [...replaced.keys()].filter((id) => !present.has(id)).sort((a, b) => sectionRank(a) - sectionRank(b));
  // Insert each new section after the last standard section that precedes it in
  // the order, or, when there is none, before the first standard section.
  const insertAt = (id: number): number => {
    let after = -1;
    let firstStandard = -1;
    for (let i = 0; i < sections.length; i++) {
      const s = sections[i] as WasmSection;
      if (s.id === SECTION.CUSTOM) continue;
      if (firstStandard < 0) firstStandard = i;
      if (sectionRank(s.id) < sectionRank(id)) after = i;
    }
    if (after >= 0) return after + 1;
    return firstStandard >= 0 ? firstStandard : sections.length;
  };
  const pending = new Map<number, number[]>();
  for (const id of inserts) {
    const at = insertAt(id);
    const list = pending.get(at) ?? [];
    list.push(id);
    pending.set(at, list);
  }
  // Size the output exactly, so that finish() hands over the buffer without a copy.
  const sectionSize = (content: Uint8Array): number => 1 + encodeU32(content.length).length + content.length;
  let total = WASM_HEADER.length;
  for (const list of pending.values()) for (const id of list) total += sectionSize(replaced.get(id) as Uint8Array);
  for (const s of sections) {
    if (s.id !== SECTION.CUSTOM && removed.has(s.id)) continue;
    const content = s.id === SECTION.CUSTOM ? undefined : replaced.get(s.id);
    total += content === undefined ? s.end - s.start : sectionSize(content);
  }
  const w = new WasmWriter(total);
  w.bytes(WASM_HEADER);
  const emitNew = (index: number): void => {
    for (const id of pending.get(index) ?? []) w.section(id, replaced.get(id) as Uint8Array);
  };
  for (let i = 0; i < sections.length; i++) {
    emitNew(i);
    const s = sections[i] as WasmSection;
    if (s.id !== SECTION.CUSTOM && removed.has(s.id)) continue;
    const content = s.id === SECTION.CUSTOM ? undefined : replaced.get(s.id);
    if (content === undefined) w.bytes(bytes.subarray(s.start, s.end));
    else w.section(s.id, content);
  }
  emitNew(sections.length);
  return w.finish();
}
