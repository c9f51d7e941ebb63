/**
 * Guest memory access for import functions. Views are rebuilt when the
 * memory grows (the old ArrayBuffer is detached).
 */
const decoder = new TextDecoder();

export class GuestMemory {
  private buffer: ArrayBuffer | null = null;
  private dv!: DataView;
  private u8!: Uint8Array;

  constructor(private readonly memory: () => WebAssembly.Memory) {}

  private refresh(): void {
    const buffer = this.memory().buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.dv = new DataView(buffer);
      this.u8 = new Uint8Array(buffer);
    }
  }

  get view(): DataView {
    this.refresh();
    return this.dv;
  }

  get byteLength(): number {
    return this.memory().buffer.byteLength;
  }

  get bytes(): Uint8Array {
    this.refresh();
    return this.u8;
  }

  u32(ptr: number): number {
    return this.view.getUint32(ptr, true);
  }
  i32(ptr: number): number {
    return this.view.getInt32(ptr, true);
  }
  u64(ptr: number): bigint {
    return this.view.getBigUint64(ptr, true);
  }
  setU32(ptr: number, v: number): void {
    this.view.setUint32(ptr, v >>> 0, true);
  }
  setI32(ptr: number, v: number): void {
    this.view.setInt32(ptr, v, true);
  }
  setU64(ptr: number, v: bigint): void {
    this.view.setBigUint64(ptr, BigInt.asUintN(64, v), true);
  }
  setU16(ptr: number, v: number): void {
    this.view.setUint16(ptr, v, true);
  }
  setU8(ptr: number, v: number): void {
    this.view.setUint8(ptr, v);
  }

  /** `len` bytes at `ptr` (a view). */
  slice(ptr: number, len: number): Uint8Array {
    const u8 = this.bytes;
    if (ptr + len > u8.length) throw new RangeError('guest pointer out of bounds');
    return u8.subarray(ptr, ptr + len);
  }

  /** The NUL-terminated string at `ptr`, as bytes (without the NUL). */
  cstringBytes(ptr: number): Uint8Array {
    const u8 = this.bytes;
    let end = ptr;
    while (end < u8.length && u8[end] !== 0) end++;
    return u8.subarray(ptr, end);
  }

  cstring(ptr: number): string {
    return decoder.decode(this.cstringBytes(ptr));
  }

  /** A NULL-terminated array of char* at `ptr`, as byte strings. */
  cstringArray(ptr: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (ptr === 0) return out;
    for (let at = ptr; ; at += 4) {
      const p = this.u32(at);
      if (p === 0) break;
      out.push(this.cstringBytes(p));
    }
    return out;
  }

  write(ptr: number, data: Uint8Array): void {
    this.bytes.set(data, ptr);
  }
}
