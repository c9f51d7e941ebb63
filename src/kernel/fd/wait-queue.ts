/**
 * A list of callbacks to run when something changes (a pipe gets data, a
 * child exits). Waiting code registers, re-checks its condition when woken,
 * and unregisters. Wake-ups may be spurious: always re-check.
 */
export class WaitQueue {
  private readonly waiters = new Set<() => void>();

  /** Registers `wake`; returns the function that unregisters it. */
  add(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }

  wake(): void {
    if (this.waiters.size === 0) return;
    for (const wake of [...this.waiters]) wake();
  }

  get size(): number {
    return this.waiters.size;
  }
}
