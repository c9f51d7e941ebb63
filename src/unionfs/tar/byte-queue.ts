/**
 * A FIFO of byte chunks for the push parser. `take` returns a view of the
 * first chunk when the bytes lie in it (zero-copy) and a fresh copy only when
 * they span chunks.
 */
export class ByteQueue {
  private chunks: (Uint8Array | undefined)[] = [];
  private head = 0;
  /** Bytes already consumed from chunks[head]. */
  private skipInHead = 0;
  available = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.available += chunk.length;
  }

  /** Removes and returns the next `n` bytes; the caller has checked `available >= n`. */
  take(n: number): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    const first = this.chunks[this.head]!;
    const left = first.length - this.skipInHead;
    if (n <= left) {
      const view = first.subarray(this.skipInHead, this.skipInHead + n);
      this.advance(n);
      return view;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.head]!;
      const from = this.skipInHead;
      const count = Math.min(chunk.length - from, n - filled);
      out.set(chunk.subarray(from, from + count), filled);
      filled += count;
      this.advance(count);
    }
    return out;
  }

  /** Drops up to `n` bytes; returns how many were dropped. */
  skip(n: number): number {
    let dropped = 0;
    while (dropped < n && this.available > 0) {
      const chunk = this.chunks[this.head]!;
      const count = Math.min(chunk.length - this.skipInHead, n - dropped);
      this.advance(count);
      dropped += count;
    }
    return dropped;
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.skipInHead = 0;
    this.available = 0;
  }

  private advance(n: number): void {
    this.skipInHead += n;
    this.available -= n;
    if (this.skipInHead === this.chunks[this.head]!.length) {
      this.chunks[this.head] = undefined; // release the chunk
      this.head++;
      this.skipInHead = 0;
      if (this.head > 64 && this.head * 2 > this.chunks.length) {
        this.chunks = this.chunks.slice(this.head);
        this.head = 0;
      }
    }
  }
}
