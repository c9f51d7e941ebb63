/**
 * A push-to-pull adapter: producers `push()` values (progress messages, log
 * lines, events) and one consumer iterates them with `for await`. Unbounded:
 * producers that can outrun the consumer must apply their own limits.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private rejectWaiting: ((error: unknown) => void) | null = null;
  private done = false;
  private failure: { error: unknown } | null = null;
  private iterated = false;

  /**
   * @param onCancel called once if the consumer stops early (breaks out of
   *   its loop or calls `return()`), so the producer can stop too.
   */
  constructor(private readonly onCancel?: () => void) {}

  /** Adds a value; ignored after close(), fail() or cancellation. */
  push(value: T): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = this.rejectWaiting = null;
      resolve({ value, done: false });
    } else {
      this.items.push(value);
    }
  }

  /** Ends the sequence after the values already pushed. */
  close(): void {
    if (this.done) return;
    this.done = true;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = this.rejectWaiting = null;
      resolve({ value: undefined, done: true });
    }
  }

  /** Ends the sequence with an error, thrown to the consumer after the values already pushed. */
  fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.failure = { error };
    if (this.rejectWaiting) {
      const reject = this.rejectWaiting;
      this.waiting = this.rejectWaiting = null;
      reject(error);
    }
  }

  /** Whether the sequence has ended (closed, failed or cancelled by the consumer). */
  get ended(): boolean {
    return this.done;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.iterated) throw new Error('AsyncQueue supports a single consumer');
    this.iterated = true;
    return {
      next: () => {
        if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
        if (this.failure) {
          const { error } = this.failure;
          this.failure = null;
          return Promise.reject(error);
        }
        if (this.done) return Promise.resolve({ value: undefined, done: true });
        return new Promise<IteratorResult<T>>((resolve, reject) => {
          this.waiting = resolve;
          this.rejectWaiting = reject;
        });
      },
      return: () => {
        this.items.length = 0;
        this.failure = null;
        if (this.waiting) {
          const resolve = this.waiting;
          this.waiting = this.rejectWaiting = null;
          resolve({ value: undefined, done: true });
        }
        if (!this.done) {
          this.done = true;
          this.onCancel?.();
        }
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
