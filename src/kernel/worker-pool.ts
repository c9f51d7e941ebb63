import type { ProcessWorker, WorkerHost } from '../platform/types.ts';
import type { WorkerMessage } from './guest/messages.ts';

/** A worker with its message routing: the pool hands it to one process at a time. */
export class PooledWorker {
  /** Receives the worker's messages while a process owns it. */
  owner: ((message: WorkerMessage) => void) | null = null;
  private readyResolve!: () => void;
  readonly ready: Promise<void>;
  failed: Error | null = null;
  /** When it last went back to the pool (performance.now()), for trimming. */
  releasedAt = 0;

  constructor(readonly worker: ProcessWorker) {
    this.ready = new Promise((resolve) => {
      this.readyResolve = resolve;
    });
    worker.onMessage((message) => {
      const m = message as WorkerMessage;
      if (m.type === 'ready') this.readyResolve();
      else this.owner?.(m);
    });
  }
}

/** Idle workers kept at most, whatever the demand was. */
const MAX_IDLE = 64;
/** Workers beyond the warm count that stay idle this long are stopped (ms). */
const IDLE_TRIM_MS = 3000;
/** How long acquire waits for a worker whose program just ended before starting a new one (ms). */
const RETURN_WAIT_MS = 50;

/**
 * Process workers, kept warm: starting a worker costs milliseconds of the
 * kernel's thread and tens of the new thread's, starting a program in a warm
 * one costs microseconds. A worker goes back to the pool when its program
 * ends normally; a worker that was terminated (a kill while guest code ran)
 * is replaced.
 *
 * Sizing: `warm` workers are always kept ready. Beyond that the pool follows
 * demand: workers released after a burst (50 containers at once) stay idle
 * for IDLE_TRIM_MS, so a steady load of N concurrent processes reuses N
 * workers instead of starting and stopping one per process; then the extra
 * ones are stopped, oldest first.
 *
 * Returning workers: between a program's exit and its worker's "idle"
 * message there is a moment when no worker is idle although one is about to
 * be. A process started then (the next container of a busy client) waits for
 * that worker, up to RETURN_WAIT_MS, rather than starting a thread: starting
 * one costs far more than the wait, and a pool that grows by one worker per
 * such race halves the throughput of 50 concurrent containers.
 */
export class WorkerPool {
  /** Idle workers, most recently released last (acquire takes the hottest). */
  private readonly idle: PooledWorker[] = [];
  private starting = 0;
  /** Workers whose program ended; each comes back with release() (or fails, or is discarded). */
  private readonly returning = new Set<PooledWorker>();
  /** acquire() calls waiting for a returning worker (null: give up, start one). */
  private readonly waiters: ((pooled: PooledWorker | null) => void)[] = [];
  private closed = false;
  private trimTimer: unknown = null;

  constructor(
    private readonly host: WorkerHost,
    /** Idle workers to keep ready. */
    private readonly warm: number,
  ) {}

  /** Starts workers until `warm` are idle, starting or on their way back (minus those promised to waiters). */
  prewarm(): void {
    while (!this.closed && this.idle.length + this.starting + this.returning.size - this.waiters.length < this.warm) {
      this.starting++;
      const pooled = this.create();
      pooled.ready.then(
        () => {
          this.starting--;
          // a worker that became ready after shutdown() must not keep the host alive
          if (this.closed) void pooled.worker.terminate();
          else if (!pooled.failed) this.idle.push(pooled);
        },
        () => {
          this.starting--;
        },
      );
    }
  }

  private create(): PooledWorker {
    const pooled = new PooledWorker(this.host.startProcessWorker());
    pooled.worker.onFailure((error) => {
      pooled.failed = error;
      this.returning.delete(pooled);
      const index = this.idle.indexOf(pooled);
      if (index >= 0) this.idle.splice(index, 1);
    });
    return pooled;
  }

  async acquire(): Promise<PooledWorker> {
    let pooled = this.idle.pop() ?? (this.returning.size > this.waiters.length ? await this.waitForReturn() : null);
    pooled ??= this.create();
    this.prewarm();
    await pooled.ready;
    pooled.worker.setActive(true);
    return pooled;
  }

  /** Says that `pooled`'s program has ended: the worker will be back (release) once it reports idle. */
  expectReturn(pooled: PooledWorker): void {
    if (!this.closed && !pooled.failed) this.returning.add(pooled);
  }

  /** The next worker to come back, or null after RETURN_WAIT_MS. */
  private waitForReturn(): Promise<PooledWorker | null> {
    return new Promise((resolve) => {
      const waiter = (pooled: PooledWorker | null) => {
        clearTimeout(timer);
        resolve(pooled);
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve(null);
      }, RETURN_WAIT_MS);
      this.waiters.push(waiter);
    });
  }

  /** Takes back a worker whose program ended cleanly: to a waiting acquire, else to the idle list. */
  release(pooled: PooledWorker): void {
    this.returning.delete(pooled);
    pooled.owner = null;
    if (this.closed || pooled.failed) {
      pooled.worker.setActive(false);
      void pooled.worker.terminate();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(pooled);
      return;
    }
    pooled.worker.setActive(false);
    if (this.idle.length >= MAX_IDLE) {
      void pooled.worker.terminate();
      return;
    }
    pooled.releasedAt = performance.now();
    this.idle.push(pooled);
    this.scheduleTrim();
  }

  /** Stops workers beyond `warm` that have been idle for IDLE_TRIM_MS (checked by a timer that never keeps the host alive). */
  private scheduleTrim(): void {
    if (this.trimTimer !== null || this.idle.length <= this.warm || this.closed) return;
    const timer = setTimeout(() => {
      this.trimTimer = null;
      const now = performance.now();
      while (this.idle.length > this.warm && now - this.idle[0]!.releasedAt >= IDLE_TRIM_MS) {
        void this.idle.shift()!.worker.terminate();
      }
      this.scheduleTrim();
    }, IDLE_TRIM_MS);
    // Node's timers keep the process alive unless unref'd; browsers' timer ids are numbers.
    (timer as { unref?: () => void }).unref?.();
    this.trimTimer = timer;
  }

  /** Stops a worker at once (its program is being killed mid-computation). */
  discard(pooled: PooledWorker): void {
    this.returning.delete(pooled);
    pooled.owner = null;
    void pooled.worker.terminate();
    this.prewarm();
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(null);
    this.returning.clear();
    if (this.trimTimer !== null) clearTimeout(this.trimTimer);
    this.trimTimer = null;
    const all = this.idle.splice(0);
    await Promise.all(all.map((p) => p.worker.terminate()));
  }
}
