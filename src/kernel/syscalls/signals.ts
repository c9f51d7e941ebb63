/** Signal calls of the drydock extension. */
import { Errno, fail } from '../../common/errno.ts';
import { SIG } from '../abi/linux.ts';
import { TIMED_OUT, blockUntil } from '../proc/blocking.ts';
import type { Process } from '../proc/process.ts';
import { DISPOSITION, sigbit } from '../proc/signals.ts';
import type { SyscallContext, SyscallEntry } from './context.ts';

const HOW = { BLOCK: 0, UNBLOCK: 1, SETMASK: 2 } as const;

function validSignal(sig: number): void {
  if (sig < 1 || sig > 64) fail(Errno.EINVAL);
}

export const SIGNAL_SYSCALLS: Record<string, SyscallEntry> = {
  sigaction: {
    name: 'sigaction',
    support: 'partial',
    note: 'handlers run at system-call boundaries; sa_flags other than SA_RESETHAND/SA_NODEFER (handled in libdrydock) are accepted and ignored',
    handler: (ctx) => {
      const sig = ctx.w.i32();
      const disposition = ctx.w.i32();
      ctx.w.i32();
      validSignal(sig);
      if (sig === SIG.KILL || sig === SIG.STOP) fail(Errno.EINVAL);
      if (disposition !== DISPOSITION.DEFAULT && disposition !== DISPOSITION.IGNORE && disposition !== DISPOSITION.CATCH) {
        fail(Errno.EINVAL);
      }
      const signals = ctx.proc.signals;
      const old = signals.dispositions[sig]!;
      signals.dispositions[sig] = disposition;
      // Setting a pending signal to ignored discards it (POSIX).
      if (signals.ignores(sig)) signals.pending &= ~sigbit(sig);
      ctx.out().putI32(old);
      return 0;
    },
  },
  sigprocmask: {
    name: 'sigprocmask',
    support: 'full',
    handler: (ctx) => {
      const how = ctx.w.i32();
      const set = ctx.w.u64();
      const signals = ctx.proc.signals;
      const old = signals.mask;
      if (how === HOW.BLOCK) signals.setMask(old | set);
      else if (how === HOW.UNBLOCK) signals.setMask(old & ~set);
      else if (how === HOW.SETMASK) signals.setMask(set);
      else fail(Errno.EINVAL);
      ctx.out().putU64(old);
      return 0;
    },
  },
  sigpending: {
    name: 'sigpending',
    support: 'full',
    handler: (ctx) => {
      ctx.out().putU64(ctx.proc.signals.pending & ctx.proc.signals.mask);
      return 0;
    },
  },
  sigsuspend: {
    name: 'sigsuspend',
    support: 'full',
    handler: (ctx) => {
      const mask = ctx.w.u64();
      const proc = ctx.proc;
      proc.maskAfterAnswer = proc.signals.mask;
      proc.signals.setMask(mask);
      ctx.kernel.actOnPending(proc);
      return waitForCaughtSignal(proc);
    },
  },
  pause: {
    name: 'pause',
    support: 'full',
    handler: (ctx) => waitForCaughtSignal(ctx.proc),
  },
  alarm: {
    name: 'alarm',
    support: 'full',
    handler: (ctx) => {
      const seconds = ctx.w.u32();
      const proc = ctx.proc;
      const now = Date.now();
      const left = proc.alarmTimer !== null ? Math.max(1, Math.ceil((proc.alarmDeadline - now) / 1000)) : 0;
      if (proc.alarmTimer !== null) clearTimeout(proc.alarmTimer);
      proc.alarmTimer = null;
      if (seconds > 0) {
        proc.alarmDeadline = now + seconds * 1000;
        proc.alarmTimer = setTimeout(() => {
          proc.alarmTimer = null;
          ctx.kernel.signal(proc, SIG.ALRM, proc);
        }, seconds * 1000);
      }
      ctx.out().putU32(left);
      return 0;
    },
  },
};

/** Parks the caller until a caught signal is deliverable (at once if one already is); always EINTR. */
async function waitForCaughtSignal(proc: Process): Promise<number> {
  const result = await blockUntil(proc, [], () => undefined);
  if (result === TIMED_OUT) fail(Errno.ETIMEDOUT);
  return Errno.EINTR;
}
