import type { Process } from './process.ts';

/**
 * A cgroup: the processes of one container, with their limits and usage.
 * Limits are enforced by the kernel (pids at spawn, memory by the module's
 * memory maximum); usage feeds `docker stats`.
 */
export class ResourceGroup {
  readonly processes = new Set<Process>();
  /** Linear-memory bytes a process of this group may grow to; null = no limit. */
  memoryLimit: number | null;
  /** Processes this group may hold at once; null = no limit. */
  pidsLimit: number | null;
  /** CPU microseconds of processes that have exited. */
  cpuMicrosExited = 0;
  /** Highest total memory seen (bytes). */
  memoryPeak = 0;
  /** Times a spawn failed because of pidsLimit (Docker's pids.events max). */
  pidsLimitHits = 0;
  private isFrozen = false;
  private readonly thawWaiters = new Set<() => void>();

  /**
   * docker pause: while frozen, the group's processes are held at their next
   * system call. Freezing raises each process's attention word, so a guest
   * that only reads clocks or calls sched_yield (sh between commands) makes
   * one at once; a guest computing without any call keeps running until it
   * makes one (a wasm guest cannot be stopped mid-instruction short of being
   * killed).
   */
  get frozen(): boolean {
    return this.isFrozen;
  }

  set frozen(frozen: boolean) {
    if (!frozen) {
      this.thaw();
      return;
    }
    this.isFrozen = true;
    for (const process of this.processes) process.channel.raiseAttention();
  }

  constructor(
    readonly name: string,
    limits: { memory?: number | null; pids?: number | null } = {},
  ) {
    this.memoryLimit = limits.memory ?? null;
    this.pidsLimit = limits.pids ?? null;
  }

  thaw(): void {
    this.isFrozen = false;
    for (const wake of [...this.thawWaiters]) wake();
    this.thawWaiters.clear();
  }

  /** Resolves when the group is thawed (immediately if it is not frozen). */
  thawed(): Promise<void> {
    if (!this.isFrozen) return Promise.resolve();
    return new Promise((resolve) => this.thawWaiters.add(resolve));
  }

  /** CPU time used by the group's processes, live and exited, in microseconds. */
  cpuMicros(): number {
    let total = this.cpuMicrosExited;
    for (const p of this.processes) total += p.cpuMicros();
    return total;
  }

  /** Linear memory of the live processes, in bytes. */
  memoryBytes(): number {
    let total = 0;
    for (const p of this.processes) total += p.memoryBytes();
    if (total > this.memoryPeak) this.memoryPeak = total;
    return total;
  }
}
