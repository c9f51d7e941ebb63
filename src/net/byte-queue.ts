/**
 * A bounded FIFO of bytes: one direction of a stream connection. The writer
 * may add only as much as there is room for (back-pressure: nothing is ever
 * dropped); the reader takes or peeks from the front. Chunks are kept as
 * given (the caller hands over ownership), so moving data costs one copy on
 * the way out.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Bytes already consumed from chunks[0]. */
  private head = 0;
  private bytes = 0;

  constructor(public capacity: number) {}

  get size(): number {
    return this.bytes;
  }

  get room(): number {
    return Math.max(0, this.capacity - this.bytes);
  }

  /**
   * Appends up to `room` bytes of `data` and returns how many. `data` is
   * kept without copying when all of it fits: the caller must not reuse it.
   */
  push(data: Uint8Array): number {
    const n = Math.min(this.room, data.length);
    if (n === 0) return 0;
    this.chunks.push(n === data.length ? data : data.subarray(0, n));
    this.bytes += n;
    return n;
  }

  /** Removes and returns up to `length` bytes (a fresh array). */
  take(length: number): Uint8Array {
    return this.copyOut(length, true);
  }

  /** Returns up to `length` bytes without removing them. */
  peek(length: number): Uint8Array {
    return this.copyOut(length, false);
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.bytes = 0;
  }

  private copyOut(length: number, consume: boolean): Uint8Array {
    const n = Math.min(length, this.bytes);
    const first = this.chunks[0];
    // Fast path: the whole first chunk is wanted and it is not shared.
    if (consume && first && this.head === 0 && first.length === n) {
      this.chunks.shift();
      this.bytes -= n;
      return first;
    }
    const out = new Uint8Array(n);
    let at = 0;
    let index = 0;
    let head = this.head;
    while (at < n) {
      const chunk = this.chunks[index]!;
      const take = Math.min(chunk.length - head, n - at);
      out.set(chunk.subarray(head, head + take), at);
      at += take;
      head += take;
      if (head === chunk.length) {
        index++;
        head = 0;
      }
    }
    if (consume) {
      this.chunks.splice(0, index);
      this.head = head;
      this.bytes -= n;
    }
    return out;
  }
}
