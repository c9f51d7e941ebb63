import { Errno, ErrnoError } from '../../common/errno.ts';
import { monotonicMs } from '../../common/time.ts';
import type { WaitQueue } from '../fd/wait-queue.ts';
import type { Process } from './process.ts';

/** Thrown into a parked syscall when its process has died: the dispatcher drops the call. */
export class ProcessGone extends Error {
  constructor() {
    super('process is gone');
    this.name = 'ProcessGone';
  }
}

export const TIMED_OUT: unique symbol = Symbol('timed out');

export interface BlockOptions {
  /** Give up after this many milliseconds (returns TIMED_OUT). */
  timeoutMs?: number;
  /** Return EINTR when a signal with a handler becomes deliverable (default true). */
  interruptible?: boolean;
}

/** True if a caught, unblocked signal is pending: a blocking call must return EINTR. */
export function hasCaughtSignal(proc: Process): boolean {
  const deliverable = proc.signals.deliverable();
  if (deliverable === 0n) return false;
  for (let sig = 1; sig <= 64; sig++) {
    if ((deliverable >> BigInt(sig - 1)) & 1n && proc.signals.catches(sig)) return true;
  }
  return false;
}

/**
 * Parks a syscall until `attempt` returns something other than undefined.
 * `attempt` runs now and again each time one of `queues` (or the process's
 * interrupt queue) is woken. Never polls.
 */
export async function blockUntil<T>(
  proc: Process,
  queues: readonly WaitQueue[],
  attempt: () => T | undefined,
  options: BlockOptions = {},
): Promise<T | typeof TIMED_OUT> {
  const interruptible = options.interruptible ?? true;
  const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : monotonicMs() + options.timeoutMs;
  for (;;) {
    if (!proc.alive) throw new ProcessGone();
    if (interruptible && hasCaughtSignal(proc)) throw new ErrnoError(Errno.EINTR);
    const result = attempt();
    if (result !== undefined) return result;
    const remaining = deadline - monotonicMs();
    if (remaining <= 0) return TIMED_OUT;
    await new Promise<void>((resolve) => {
      const removers: (() => void)[] = [];
      let timer: unknown = null;
      const wake = () => {
        for (const remove of removers) remove();
        if (timer !== null) clearTimeout(timer);
        resolve();
      };
      for (const queue of [...queues, proc.interrupts]) removers.push(queue.add(wake));
      if (Number.isFinite(remaining)) timer = setTimeout(wake, Math.ceil(remaining));
    });
  }
}
