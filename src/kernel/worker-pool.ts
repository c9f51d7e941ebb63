import type { ProcessWorker, WorkerHost } from '../platform/types.ts';
import type { WorkerMessage } from './guest/messages.ts';

/** A worker with its message routing: the pool hands it to one process at a time. */
export class PooledWorker {
  /** Receives the worker's messages while a process owns it. */
  owner: ((message: WorkerMessage) => void) | null = null;
  private readyResolve!: () => void;
  readonly ready: Promise<void>;
  failed: Error | null = null;

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

/**
 * Process workers, kept warm: starting a worker costs milliseconds, starting
 * a program in a warm one costs microseconds. A worker goes back to the pool
 * when its program ends normally; a worker that was terminated (a kill while
 * guest code ran) is replaced.
 */
export class WorkerPool {
  private readonly idle: PooledWorker[] = [];
  private starting = 0;
  private closed = false;

  constructor(
    private readonly host: WorkerHost,
    /** Idle workers to keep ready. */
    private readonly warm: number,
  ) {}

  /** Starts workers until `warm` are idle or starting. */
  prewarm(): void {
    while (!this.closed && this.idle.length + this.starting < this.warm) {
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
      const index = this.idle.indexOf(pooled);
      if (index >= 0) this.idle.splice(index, 1);
    });
    return pooled;
  }

  async acquire(): Promise<PooledWorker> {
    const pooled = this.idle.pop() ?? this.create();
    this.prewarm();
    await pooled.ready;
    pooled.worker.setActive(true);
    return pooled;
  }

  /** Takes back a worker whose program ended cleanly. */
  release(pooled: PooledWorker): void {
    pooled.owner = null;
    pooled.worker.setActive(false);
    if (this.closed || pooled.failed || this.idle.length >= Math.max(this.warm, 4)) {
      void pooled.worker.terminate();
      return;
    }
    this.idle.push(pooled);
  }

  /** Stops a worker at once (its program is being killed mid-computation). */
  discard(pooled: PooledWorker): void {
    pooled.owner = null;
    void pooled.worker.terminate();
    this.prewarm();
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    const all = this.idle.splice(0);
    await Promise.all(all.map((p) => p.worker.terminate()));
  }
}
