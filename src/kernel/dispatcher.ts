import { Errno, ErrnoError } from '../common/errno.ts';
import { FLAG_EXEC, FLAG_KILLED, FLAG_SIGNALS } from './channel/channel.ts';
import type { Kernel } from './kernel.ts';
import { ProcessGone } from './proc/blocking.ts';
import type { Process } from './proc/process.ts';
import { SYSCALLS } from './syscalls/table.ts';
import type { SyscallResult } from './syscalls/context.ts';
import { SyscallContext } from './syscalls/context.ts';

/** Syscalls answered back to back before yielding to the event loop. */
const BURST_CALLS = 512;
/** Milliseconds of back-to-back syscalls before yielding to the event loop. */
const BURST_MS = 4;

function isPromise(value: SyscallResult): value is Promise<number> {
  return typeof value === 'object';
}

/**
 * Serves the system calls of one process until it dies. Learns of each
 * request through Atomics.waitAsync (never by polling); after answering, it
 * spins briefly for the next request, because a guest making calls in a row
 * is common and parking costs tens of microseconds (see channel.ts). Bursts
 * are cut every few milliseconds so other processes and I/O get their turn.
 */
export async function serveSyscalls(kernel: Kernel, proc: Process): Promise<void> {
  try {
    await serve(kernel, proc);
  } finally {
    proc.dispatcherDone = true;
    kernel.recycleChannel(proc);
  }
}

async function serve(kernel: Kernel, proc: Process): Promise<void> {
  const channel = proc.channel;
  const ctx = new SyscallContext(kernel, proc);
  while (proc.alive) {
    await channel.nextRequest();
    let calls = 0;
    const burstStart = performance.now();
    do {
      if (!proc.alive) {
        if (channel.hasRequest()) {
          channel.take();
          channel.respond(Errno.SUCCESS, FLAG_KILLED);
        }
        return;
      }
      if (proc.group.frozen) {
        // docker pause: hold the process at this system call until it is thawed (or killed).
        await Promise.race([proc.group.thawed(), proc.exited]);
        continue;
      }
      const op = channel.take();
      proc.inSyscall = true;
      let result: number;
      try {
        const handler = SYSCALLS[op];
        kernel.current = proc;
        let value: SyscallResult;
        try {
          value = handler ? handler.handler(ctx) : Errno.ENOSYS;
        } finally {
          kernel.current = null;
        }
        result = isPromise(value) ? await value : value;
      } catch (error) {
        if (error instanceof ProcessGone) result = Errno.SUCCESS;
        else if (error instanceof ErrnoError) result = error.errno;
        else {
          console.error(`drydock kernel: syscall ${SYSCALLS[op]?.name ?? op} of pid ${proc.pid} failed:`, error);
          result = Errno.EIO;
        }
      }
      kernel.trace?.(proc.pid, SYSCALLS[op]?.name ?? `#${op}`, result);
      answer(kernel, proc, result);
      proc.inSyscall = false;
      if (!proc.alive) {
        // A pooled worker got KILLED and will report idle; nothing more to serve.
        return;
      }
      if (++calls >= BURST_CALLS || performance.now() - burstStart > BURST_MS) {
        await kernel.yieldToEventLoop();
        break;
      }
    } while (channel.spinForRequest());
  }
}

function answer(kernel: Kernel, proc: Process, result: number): void {
  const channel = proc.channel;
  if (!proc.alive) {
    channel.respond(Errno.SUCCESS, FLAG_KILLED);
    return;
  }
  if (proc.execPending) {
    channel.respond(Errno.SUCCESS, FLAG_EXEC);
    return;
  }
  // Default actions of pending signals first (they may end the process), then caught ones.
  kernel.actOnPending(proc);
  if (!proc.alive) {
    channel.respond(Errno.SUCCESS, FLAG_KILLED);
    return;
  }
  const caught = kernel.takeCaughtSignals(proc);
  // Whatever raised the attention word is settled by this answer: the signals go with it. A call
  // answered while the group is frozen (one that was parked when docker pause came) keeps it
  // raised, so the guest stops at its next clock read or sched_yield.
  if (!proc.group.frozen) channel.clearAttention();
  channel.respond(result, caught === 0n ? 0 : FLAG_SIGNALS, caught);
}
