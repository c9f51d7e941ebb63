/** poll_oneoff: blocks on clocks and fd readiness, without polling. */
import { Errno, ErrnoError } from '../../common/errno.ts';
import { monotonicMs, nowNs } from '../../common/time.ts';
import { CLOCK, EVENTTYPE, EVENT_FD_READWRITE_HANGUP, SIZE, SUBCLOCK_ABSTIME } from '../abi/wasi.ts';
import type { FileDescription } from '../fd/description.ts';
import type { WaitQueue } from '../fd/wait-queue.ts';
import { TIMED_OUT, blockUntil } from '../proc/blocking.ts';
import type { SyscallContext, SyscallEntry } from './context.ts';

interface Subscription {
  readonly userdata: bigint;
  readonly type: number;
  /** Clock subscriptions: absolute deadline in monotonic ms. */
  readonly deadline: number;
  /** fd subscriptions. */
  readonly fd: number;
}

interface Event {
  readonly userdata: bigint;
  readonly error: number;
  readonly type: number;
  readonly nbytes: number;
  readonly hangup: boolean;
}

function parse(bytes: Uint8Array, count: number): Subscription[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const subs: Subscription[] = [];
  const nowMs = monotonicMs();
  for (let i = 0; i < count; i++) {
    const at = i * SIZE.SUBSCRIPTION;
    const userdata = v.getBigUint64(at, true);
    const type = v.getUint8(at + 8);
    if (type === EVENTTYPE.CLOCK) {
      const clock = v.getUint32(at + 16, true);
      const timeout = v.getBigUint64(at + 24, true);
      const flags = v.getUint16(at + 40, true);
      if (clock > CLOCK.THREAD_CPUTIME) throw new ErrnoError(Errno.EINVAL);
      let waitNs: bigint;
      if (flags & SUBCLOCK_ABSTIME) {
        // Both clocks share one time base (common/time.ts), so an absolute deadline is relative to now.
        waitNs = timeout - nowNs();
      } else {
        waitNs = timeout;
      }
      const deadline = nowMs + Math.max(0, Number(waitNs) / 1e6);
      subs.push({ userdata, type, deadline, fd: -1 });
    } else if (type === EVENTTYPE.FD_READ || type === EVENTTYPE.FD_WRITE) {
      subs.push({ userdata, type, deadline: 0, fd: v.getUint32(at + 16, true) });
    } else {
      throw new ErrnoError(Errno.EINVAL);
    }
  }
  return subs;
}

export const POLL_SYSCALLS: Record<string, SyscallEntry> = {
  poll_oneoff: {
    name: 'poll_oneoff',
    support: 'full',
    handler: (ctx) => {
      const count = ctx.w.u32();
      const subs = parse(ctx.w.raw(count * SIZE.SUBSCRIPTION), count);
      const descriptions = new Map<number, FileDescription | null>();
      for (const sub of subs) {
        if (sub.type === EVENTTYPE.CLOCK || descriptions.has(sub.fd)) continue;
        descriptions.set(sub.fd, ctx.proc.fds.has(sub.fd) ? ctx.proc.fds.get(sub.fd).description : null);
      }
      const ready = (): Event[] => {
        const events: Event[] = [];
        const now = monotonicMs();
        for (const sub of subs) {
          if (sub.type === EVENTTYPE.CLOCK) {
            if (now >= sub.deadline) events.push({ userdata: sub.userdata, error: 0, type: sub.type, nbytes: 0, hangup: false });
            continue;
          }
          const d = descriptions.get(sub.fd);
          if (!d) {
            events.push({ userdata: sub.userdata, error: Errno.EBADF, type: sub.type, nbytes: 0, hangup: false });
            continue;
          }
          const r = d.readiness();
          const ok = sub.type === EVENTTYPE.FD_READ ? r.readable : r.writable;
          const error = r.error ?? 0;
          if (ok || r.hangup || error !== 0) events.push({ userdata: sub.userdata, error, type: sub.type, nbytes: r.nbytes, hangup: r.hangup });
        }
        return events;
      };
      const reply = (events: Event[]): number => {
        const w = ctx.out();
        w.putU32(events.length);
        const bytes = w.reserve(events.length * SIZE.EVENT);
        const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        events.forEach((e, i) => {
          const at = i * SIZE.EVENT;
          v.setBigUint64(at, e.userdata, true);
          v.setUint16(at + 8, e.error, true);
          v.setUint8(at + 10, e.type);
          v.setBigUint64(at + 16, BigInt(e.nbytes), true);
          v.setUint16(at + 24, e.hangup ? EVENT_FD_READWRITE_HANGUP : 0, true);
        });
        return 0;
      };
      const now = ready();
      if (now.length > 0) return reply(now);
      const queues: WaitQueue[] = [];
      for (const d of descriptions.values()) if (d) queues.push(d.waiters);
      const deadlines = subs.filter((s) => s.type === EVENTTYPE.CLOCK).map((s) => s.deadline);
      const timeoutMs = deadlines.length > 0 ? Math.max(0, Math.min(...deadlines) - monotonicMs()) : undefined;
      return blockUntil(
        ctx.proc,
        queues,
        () => {
          const events = ready();
          return events.length > 0 ? events : undefined;
        },
        timeoutMs === undefined ? {} : { timeoutMs },
      ).then((result) => {
        if (result !== TIMED_OUT) return reply(result);
        const events = ready();
        if (events.length > 0) return reply(events);
        // The timer fired a hair early: the earliest clock is the one that expired.
        const first = Math.min(...deadlines);
        return reply(
          subs
            .filter((s) => s.type === EVENTTYPE.CLOCK && s.deadline <= first)
            .map((s) => ({ userdata: s.userdata, error: 0, type: s.type, nbytes: 0, hangup: false })),
        );
      });
    },
  },
};
