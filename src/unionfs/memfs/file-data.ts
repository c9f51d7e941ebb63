import { Errno, fail } from '../../common/errno.ts';

/** Bytes per page. Files larger than one page are stored as a sparse page list. */
export const PAGE_SIZE = 64 * 1024;
/** Largest file size accepted (what wasm32 guests can address comfortably). */
export const MAX_FILE_SIZE = 2 ** 40;

/**
 * The contents of a regular file: a sparse list of pages. Unwritten ranges
 * (holes) read as zeros and take no memory. A page grows by doubling until it
 * reaches PAGE_SIZE, so small files take about their own size.
 *
 * `FileData.wrap` shares a caller's bytes (an image layer, say) until the first
 * write, which copies the pages it touches.
 */
export class FileData {
  private pages: (Uint8Array | undefined)[] = [];
  /** Pages still shared with the bytes given to `wrap`; written pages are copied first. */
  private shared: Set<number> | null = null;
  size = 0;

  static wrap(bytes: Uint8Array): FileData {
    const data = new FileData();
    data.size = bytes.length;
    data.shared = new Set();
    for (let at = 0, index = 0; at < bytes.length; at += PAGE_SIZE, index++) {
      data.pages[index] = bytes.subarray(at, Math.min(at + PAGE_SIZE, bytes.length));
      data.shared.add(index);
    }
    return data;
  }

  /** Bytes of memory the pages hold. */
  get allocated(): number {
    let total = 0;
    for (const page of this.pages) if (page) total += page.length;
    return total;
  }

  /**
   * How many bytes `allocated` would grow by if `length` bytes were written
   * at `offset` (exactly what `write` would allocate), without changing
   * anything: the size limit is checked with it before a write.
   */
  growthFor(offset: number, length: number): number {
    let growth = 0;
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const index = Math.floor(at / PAGE_SIZE);
      const within = at - index * PAGE_SIZE;
      const count = Math.min(PAGE_SIZE - within, length - done);
      const page = this.pages[index];
      const needed = within + count;
      if (!page || page.length < needed) {
        let capacity = page ? Math.max(page.length, 16) : 16;
        while (capacity < needed) capacity *= 2;
        growth += Math.min(capacity, PAGE_SIZE) - (page?.length ?? 0);
      }
      done += count;
    }
    return growth;
  }

  read(offset: number, length: number): Uint8Array {
    if (offset >= this.size || length <= 0) return new Uint8Array(0);
    const end = Math.min(this.size, offset + length);
    const first = Math.floor(offset / PAGE_SIZE);
    const last = Math.floor((end - 1) / PAGE_SIZE);
    if (first === last) {
      const page = this.pages[first];
      const from = offset - first * PAGE_SIZE;
      const to = end - first * PAGE_SIZE;
      if (page && page.length >= to) return page.subarray(from, to);
    }
    const out = new Uint8Array(end - offset);
    for (let index = first; index <= last; index++) {
      const page = this.pages[index];
      if (!page) continue;
      const pageStart = index * PAGE_SIZE;
      const from = Math.max(offset, pageStart) - pageStart;
      const to = Math.min(end - pageStart, page.length);
      if (to > from) out.set(page.subarray(from, to), pageStart + from - offset);
    }
    return out;
  }

  write(offset: number, data: Uint8Array): number {
    const end = offset + data.length;
    if (end > MAX_FILE_SIZE) fail(Errno.EFBIG);
    let done = 0;
    while (done < data.length) {
      const at = offset + done;
      const index = Math.floor(at / PAGE_SIZE);
      const within = at - index * PAGE_SIZE;
      const count = Math.min(PAGE_SIZE - within, data.length - done);
      const page = this.writablePage(index, within + count);
      page.set(data.subarray(done, done + count), within);
      done += count;
    }
    if (end > this.size) this.size = end;
    return data.length;
  }

  truncate(size: number): void {
    if (size > MAX_FILE_SIZE) fail(Errno.EFBIG);
    if (size < this.size) {
      const keep = Math.ceil(size / PAGE_SIZE);
      this.pages.length = Math.min(this.pages.length, keep);
      const lastIndex = keep - 1;
      const tail = size - lastIndex * PAGE_SIZE;
      const last = lastIndex >= 0 ? this.pages[lastIndex] : undefined;
      if (last && last.length > tail) {
        // Zero the cut-off part so a later extension reads zeros, not old bytes.
        const page = this.writablePage(lastIndex, last.length);
        page.fill(0, tail);
      }
    }
    this.size = size;
  }

  /** A copy of the whole contents. */
  bytes(): Uint8Array {
    return this.read(0, this.size).slice();
  }

  clone(): FileData {
    const copy = new FileData();
    copy.size = this.size;
    copy.pages = this.pages.map((page) => page?.slice());
    return copy;
  }

  private writablePage(index: number, needed: number): Uint8Array {
    let page = this.pages[index];
    if (page && this.shared?.has(index)) {
      page = page.slice();
      this.shared.delete(index);
      this.pages[index] = page;
    }
    if (!page || page.length < needed) {
      let capacity = page ? Math.max(page.length, 16) : 16;
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(Math.min(capacity, PAGE_SIZE));
      if (page) grown.set(page);
      this.pages[index] = grown;
      page = grown;
    }
    return page;
  }
}
