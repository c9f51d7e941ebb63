/**
 * A FIFO lock for async code: `run(fn)` starts `fn` only after every earlier
 * `run` settled. Stores use it so that their check-then-commit sequences do
 * not interleave within one JavaScript realm.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once everything queued so far has settled. */
  async drain(): Promise<void> {
    await this.tail;
  }
}
