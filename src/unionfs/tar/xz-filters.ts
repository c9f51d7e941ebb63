/**
 * The filter chain of an .xz block: LZMA2 last, and before it up to three
 * of the simple filters xz offers to help compression — delta and the
 * branch-call-jump (BCJ) converters for executables. Their decoders run
 * after LZMA2, in place over the whole block (each block restarts them);
 * the algorithms follow xz-embedded and liblzma (public domain).
 *
 * Invariants
 *  - A chain is validated before any data is decoded: LZMA2 exactly once
 *    and last, known filters only, properties of the right size and value.
 *    Filters this decoder lacks (IA-64 and RISC-V BCJ, anything newer) are
 *    a TarError naming the filter ID.
 *  - Undoing a filter over a whole block gives what xz's streaming decoder
 *    gives: the last bytes a converter cannot look past are left as they are.
 */
import { lzma2DictionarySize } from './lzma2.ts';
import { corruptXz, unsupportedXz } from './xz-error.ts';

/** The filter IDs of the .xz format. */
export const FilterId = {
  delta: 0x03,
  x86: 0x04,
  powerpc: 0x05,
  ia64: 0x06,
  arm: 0x07,
  armThumb: 0x08,
  sparc: 0x09,
  arm64: 0x0a,
  riscv: 0x0b,
  lzma2: 0x21,
} as const;

const FILTER_NAMES: Readonly<Record<number, string>> = {
  0x03: 'Delta',
  0x04: 'x86 BCJ',
  0x05: 'PowerPC BCJ',
  0x06: 'IA-64 BCJ',
  0x07: 'ARM BCJ',
  0x08: 'ARM-Thumb BCJ',
  0x09: 'SPARC BCJ',
  0x0a: 'ARM64 BCJ',
  0x0b: 'RISC-V BCJ',
  0x21: 'LZMA2',
};

/** A filter ID as messages name it: "0x6 (IA-64 BCJ)". */
export function filterName(id: number): string {
  const known = FILTER_NAMES[id];
  return `0x${id.toString(16)}${known ? ` (${known})` : ''}`;
}

/** One filter as a block header lists it. */
export interface FilterSpec {
  readonly id: number;
  readonly props: Uint8Array;
}

/** A converter that runs in place over a block's data after LZMA2. */
type Undo = (data: Uint8Array) => void;

/** A validated chain: LZMA2's dictionary size and the converters to run after it, in order. */
export interface FilterChain {
  readonly dictSize: number;
  readonly after: readonly Undo[];
}

/** BCJ filters implemented here, with the alignment their start offset must have. */
const BCJ: ReadonlyMap<number, { readonly alignment: number; readonly undo: (data: Uint8Array, start: number) => void }> = new Map([
  [FilterId.x86, { alignment: 1, undo: undoX86 }],
  [FilterId.powerpc, { alignment: 4, undo: undoPowerPc }],
  [FilterId.arm, { alignment: 4, undo: undoArm }],
  [FilterId.armThumb, { alignment: 2, undo: undoArmThumb }],
  [FilterId.sparc, { alignment: 4, undo: undoSparc }],
  [FilterId.arm64, { alignment: 4, undo: undoArm64 }],
]);

/** Validates the filters of a block header and returns how to decode it. */
export function filterChain(filters: readonly FilterSpec[]): FilterChain {
  const last = filters[filters.length - 1]!;
  if (last.id !== FilterId.lzma2) {
    if (!FILTER_NAMES[last.id]) throw unsupportedXz(`filter ${filterName(last.id)} is not supported`);
    throw unsupportedXz(`the last filter is ${filterName(last.id)}; only LZMA2 is supported as the last filter`);
  }
  if (last.props.length !== 1) throw corruptXz('LZMA2 filter properties are not one byte');
  const dictSize = lzma2DictionarySize(last.props[0]!);
  const after: Undo[] = [];
  // Decoding runs the chain backwards: the filter listed first is undone last.
  for (let i = filters.length - 2; i >= 0; i--) {
    const { id, props } = filters[i]!;
    if (id === FilterId.delta) {
      if (props.length !== 1) throw corruptXz('Delta filter properties are not one byte');
      const distance = props[0]! + 1;
      after.push((data) => undoDelta(data, distance));
      continue;
    }
    const bcj = BCJ.get(id);
    if (!bcj) {
      if (id === FilterId.lzma2) throw corruptXz('LZMA2 is not the last filter of the chain');
      throw unsupportedXz(`filter ${filterName(id)} is not supported (LZMA2, Delta and the x86, ARM, ARM-Thumb, ARM64, PowerPC and SPARC BCJ filters are)`);
    }
    if (props.length !== 0 && props.length !== 4) throw corruptXz(`${filterName(id)} filter properties are ${props.length} bytes (0 or 4)`);
    const start = props.length === 4 ? (props[0]! | (props[1]! << 8) | (props[2]! << 16) | (props[3]! << 24)) >>> 0 : 0;
    if (start % bcj.alignment !== 0) throw unsupportedXz(`${filterName(id)} start offset ${start} is not a multiple of ${bcj.alignment}`);
    after.push((data) => bcj.undo(data, start));
  }
  return { dictSize, after };
}

/** Delta: each byte was stored as its difference from the byte `distance` before it. */
function undoDelta(data: Uint8Array, distance: number): void {
  for (let i = distance; i < data.length; i++) data[i] = data[i]! + data[i - distance]!;
}

function readLe32(data: Uint8Array, at: number): number {
  return (data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24)) >>> 0;
}

function writeLe32(data: Uint8Array, at: number, value: number): void {
  data[at] = value;
  data[at + 1] = value >>> 8;
  data[at + 2] = value >>> 16;
  data[at + 3] = value >>> 24;
}

function readBe32(data: Uint8Array, at: number): number {
  return ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;
}

function writeBe32(data: Uint8Array, at: number, value: number): void {
  data[at] = value >>> 24;
  data[at + 1] = value >>> 16;
  data[at + 2] = value >>> 8;
  data[at + 3] = value;
}

const X86_ALLOWED = [true, true, true, false, true, false, false, false];
const X86_BIT_NUM = [0, 1, 2, 2, 3, 3, 3, 3];

/** True for the most significant byte of a near call/jump target BCJ x86 converts (0x00 or 0xff). */
function x86MsByte(byte: number): boolean {
  return byte === 0x00 || byte === 0xff;
}

/** x86: the absolute targets of E8 (call) and E9 (jmp) back to relative ones. */
function undoX86(data: Uint8Array, start: number): void {
  if (data.length <= 4) return;
  const size = data.length - 4;
  let prevPos = -1;
  let prevMask = 0;
  for (let i = 0; i < size; i++) {
    if ((data[i]! & 0xfe) !== 0xe8) continue;
    const gap = i - prevPos;
    if (gap > 3) {
      prevMask = 0;
    } else {
      prevMask = (prevMask << (gap - 1)) & 7;
      if (prevMask !== 0) {
        const byte = data[i + 4 - X86_BIT_NUM[prevMask]!]!;
        if (!X86_ALLOWED[prevMask] || x86MsByte(byte)) {
          prevPos = i;
          prevMask = (prevMask << 1) | 1;
          continue;
        }
      }
    }
    prevPos = i;
    if (x86MsByte(data[i + 4]!)) {
      let src = readLe32(data, i + 1);
      let dest: number;
      for (;;) {
        dest = (src - (start + i + 5)) >>> 0;
        if (prevMask === 0) break;
        const j = X86_BIT_NUM[prevMask]! * 8;
        if (!x86MsByte((dest >>> (24 - j)) & 0xff)) break;
        src = (dest ^ (2 ** (32 - j) - 1)) >>> 0;
      }
      dest &= 0x01ffffff;
      if (dest & 0x01000000) dest |= 0xff000000;
      writeLe32(data, i + 1, dest >>> 0);
      i += 4;
    } else {
      prevMask = (prevMask << 1) | 1;
    }
  }
}

/** ARM: BL instructions (condition "always"). */
function undoArm(data: Uint8Array, start: number): void {
  for (let i = 0; i + 4 <= data.length; i += 4) {
    if (data[i + 3] !== 0xeb) continue;
    const addr = (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16)) * 4;
    const rel = ((addr - (start + i + 8)) >>> 2) & 0xffffff;
    data[i] = rel;
    data[i + 1] = rel >>> 8;
    data[i + 2] = rel >>> 16;
  }
}

/** ARM-Thumb: the BL instruction pair. */
function undoArmThumb(data: Uint8Array, start: number): void {
  for (let i = 0; i + 4 <= data.length; i += 2) {
    if ((data[i + 1]! & 0xf8) !== 0xf0 || (data[i + 3]! & 0xf8) !== 0xf8) continue;
    const addr = (((data[i + 1]! & 0x07) << 19) | (data[i]! << 11) | ((data[i + 3]! & 0x07) << 8) | data[i + 2]!) * 2;
    const rel = (addr - (start + i + 4)) >>> 1;
    data[i + 1] = 0xf0 | ((rel >>> 19) & 0x07);
    data[i] = rel >>> 11;
    data[i + 3] = 0xf8 | ((rel >>> 8) & 0x07);
    data[i + 2] = rel;
    i += 2;
  }
}

/** PowerPC (big-endian): the "bl" instruction. */
function undoPowerPc(data: Uint8Array, start: number): void {
  for (let i = 0; i + 4 <= data.length; i += 4) {
    const instr = readBe32(data, i);
    if ((instr & 0xfc000003) >>> 0 !== 0x48000001) continue;
    const rel = ((instr & 0x03fffffc) - (start + i)) & 0x03fffffc;
    writeBe32(data, i, (rel | 0x48000001) >>> 0);
  }
}

/** SPARC: the "call" instruction. */
function undoSparc(data: Uint8Array, start: number): void {
  for (let i = 0; i + 4 <= data.length; i += 4) {
    const instr = readBe32(data, i);
    if (instr >>> 22 !== 0x100 && instr >>> 22 !== 0x1ff) continue;
    let rel = (((instr << 2) >>> 0) - (start + i)) >>> 0;
    rel >>>= 2;
    rel = ((0x40000000 - (rel & 0x400000)) | 0x40000000 | (rel & 0x3fffff)) >>> 0;
    writeBe32(data, i, rel);
  }
}

/** ARM64: BL and ADRP (ADRP only within +/-512 MiB, as xz does). */
function undoArm64(data: Uint8Array, start: number): void {
  for (let i = 0; i + 4 <= data.length; i += 4) {
    let instr = readLe32(data, i);
    const pc = (start + i) >>> 0;
    if (instr >>> 26 === 0x25) {
      const addr = (instr - (pc >>> 2)) >>> 0;
      writeLe32(data, i, (0x94000000 | (addr & 0x03ffffff)) >>> 0);
    } else if (((instr & 0x9f000000) >>> 0) === 0x90000000) {
      let addr = ((instr >>> 29) & 3) | ((instr >>> 3) & 0x1ffffc);
      if ((addr + 0x020000) & 0x1c0000) continue;
      addr = (addr - (pc >>> 12)) >>> 0;
      instr &= 0x9000001f;
      instr |= (addr & 3) << 29;
      instr |= (addr & 0x03fffc) << 3;
      instr |= (0 - (addr & 0x020000)) & 0xe00000;
      writeLe32(data, i, instr >>> 0);
    }
  }
}
