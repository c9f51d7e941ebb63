/** Terminal calls: termios, window size, foreground process group. */
import { Errno, fail } from '../../common/errno.ts';
import type { TtyState } from '../fd/tty-state.ts';
import type { SyscallContext, SyscallEntry } from './context.ts';

function ttyOf(ctx: SyscallContext, fd: number): TtyState {
  const tty = ctx.proc.fds.get(fd).description.tty;
  if (!tty) fail(Errno.ENOTTY);
  return tty;
}

export const TTY_SYSCALLS: Record<string, SyscallEntry> = {
  tcgetattr: {
    name: 'tcgetattr',
    support: 'full',
    handler: (ctx) => {
      ctx.out().reserve(60).set(ttyOf(ctx, ctx.w.i32()).termios);
      return 0;
    },
  },
  tcsetattr: {
    name: 'tcsetattr',
    support: 'partial',
    note: 'TCSANOW, TCSADRAIN and TCSAFLUSH all apply at once',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const action = ctx.w.i32();
      const termios = ctx.w.raw(60).slice();
      if (action < 0 || action > 2) fail(Errno.EINVAL);
      const tty = ttyOf(ctx, fd);
      tty.termios = termios;
      tty.onTermiosChange?.(termios);
      return 0;
    },
  },
  tcgetwinsize: {
    name: 'tcgetwinsize',
    support: 'full',
    handler: (ctx) => {
      const tty = ttyOf(ctx, ctx.w.i32());
      const bytes = ctx.out().reserve(8);
      const v = new DataView(bytes.buffer, bytes.byteOffset, 8);
      v.setUint16(0, tty.rows, true);
      v.setUint16(2, tty.cols, true);
      v.setUint32(4, 0, true);
      return 0;
    },
  },
  tcsetwinsize: {
    name: 'tcsetwinsize',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const bytes = ctx.w.raw(8);
      const v = new DataView(bytes.buffer, bytes.byteOffset, 8);
      const tty = ttyOf(ctx, fd);
      tty.rows = v.getUint16(0, true);
      tty.cols = v.getUint16(2, true);
      return 0;
    },
  },
  tcgetpgrp: {
    name: 'tcgetpgrp',
    support: 'full',
    handler: (ctx) => {
      ctx.out().putI32(ttyOf(ctx, ctx.w.i32()).foreground);
      return 0;
    },
  },
  tcsetpgrp: {
    name: 'tcsetpgrp',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const pgrp = ctx.w.i32();
      if (pgrp <= 0) fail(Errno.EINVAL);
      ttyOf(ctx, fd).foreground = pgrp;
      return 0;
    },
  },
};
