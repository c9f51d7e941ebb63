import { Errno, fail } from '../../common/errno.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Sequential encoder/decoder over a byte range of the syscall channel. The
 * guest side writes a request's arguments in order, the kernel reads them in
 * the same order, then writes the results back the same way.
 *
 * Strings and byte strings are length-prefixed (u32). Views handed out by
 * `bytes()` point into shared memory: copy before keeping them.
 */
export class Wire {
  private readonly view: DataView;
  private readonly u8: Uint8Array;
  /** Current read or write position, relative to the start of the range. */
  at = 0;

  constructor(buffer: SharedArrayBuffer | ArrayBuffer, offset: number, readonly capacity: number) {
    this.view = new DataView(buffer, offset, capacity);
    this.u8 = new Uint8Array(buffer, offset, capacity);
  }

  reset(): this {
    this.at = 0;
    return this;
  }

  /** Bytes still free after the cursor. */
  get free(): number {
    return this.capacity - this.at;
  }

  private need(n: number): number {
    const at = this.at;
    if (at + n > this.capacity) fail(Errno.E2BIG, 'syscall payload exceeds the channel');
    this.at = at + n;
    return at;
  }

  putI32(v: number): this {
    this.view.setInt32(this.need(4), v, true);
    return this;
  }
  putU32(v: number): this {
    this.view.setUint32(this.need(4), v >>> 0, true);
    return this;
  }
  putU64(v: bigint): this {
    this.view.setBigUint64(this.need(8), BigInt.asUintN(64, v), true);
    return this;
  }
  putI64(v: bigint): this {
    this.view.setBigInt64(this.need(8), BigInt.asIntN(64, v), true);
    return this;
  }
  /** A non-negative integer below 2^53, sent as u64. */
  putNumber(v: number): this {
    this.view.setBigUint64(this.need(8), BigInt(v), true);
    return this;
  }
  putBytes(bytes: Uint8Array): this {
    this.putU32(bytes.length);
    this.u8.set(bytes, this.need(bytes.length));
    return this;
  }
  putString(text: string): this {
    return this.putBytes(encoder.encode(text));
  }
  /** Reserves `n` raw bytes and returns a view to fill. */
  reserve(n: number): Uint8Array {
    const at = this.need(n);
    return this.u8.subarray(at, at + n);
  }
  /** Gives back the unused tail of the last `reserve`. */
  unreserve(n: number): void {
    this.at -= n;
  }

  i32(): number {
    return this.view.getInt32(this.need(4), true);
  }
  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }
  u64(): bigint {
    return this.view.getBigUint64(this.need(8), true);
  }
  i64(): bigint {
    return this.view.getBigInt64(this.need(8), true);
  }
  /** A u64 that must fit in a JS number (offsets, sizes); EOVERFLOW otherwise. */
  number(): number {
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(Errno.EOVERFLOW);
    return Number(v);
  }
  /** A view of the next length-prefixed byte string (shared memory). */
  bytes(): Uint8Array {
    const n = this.u32();
    const at = this.need(n);
    return this.u8.subarray(at, at + n);
  }
  /** `n` raw bytes (no length prefix), as a view. */
  raw(n: number): Uint8Array {
    const at = this.need(n);
    return this.u8.subarray(at, at + n);
  }
  string(): string {
    // TextDecoder refuses views of shared memory in browsers: copy first.
    return decoder.decode(this.bytes().slice());
  }
  strings(): string[] {
    const count = this.u32();
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(this.string());
    return out;
  }
  putStrings(list: readonly string[]): this {
    this.putU32(list.length);
    for (const s of list) this.putString(s);
    return this;
  }
}
