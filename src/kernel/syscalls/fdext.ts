/** pipe2, dup, dup3 and close-on-exec: the fd calls WASI lacks. */
import { Errno, fail } from '../../common/errno.ts';
import { FDFLAGS } from '../abi/wasi.ts';
import { ROOT_FD } from '../fd/fd-table.ts';
import { hintFor } from '../fd/hints.ts';
import { Pipe } from '../fd/pipe.ts';
import { rightsFor } from '../fd/rights.ts';
import type { SyscallEntry } from './context.ts';

const O_CLOEXEC = 0x80000000;
const O_NONBLOCK = 0x0004;

export const FDEXT_SYSCALLS: Record<string, SyscallEntry> = {
  pipe2: {
    name: 'pipe2',
    support: 'full',
    handler: (ctx) => {
      const flags = ctx.w.u32();
      const pipe = new Pipe();
      const cloexec = (flags & O_CLOEXEC) !== 0;
      const out = ctx.out();
      for (const description of [pipe.readEnd, pipe.writeEnd]) {
        if (flags & O_NONBLOCK) description.fdflags = FDFLAGS.NONBLOCK;
        const entry = { description, cloexec, ...rightsFor(description) };
        out.putI32(ctx.proc.fds.add(entry)).putU32(hintFor(entry));
      }
      return 0;
    },
  },
  dup: {
    name: 'dup',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const minfd = ctx.w.i32();
      const flags = ctx.w.u32();
      if (minfd < 0 || minfd >= ROOT_FD) fail(Errno.EINVAL);
      const entry = { ...ctx.proc.fds.get(fd), cloexec: (flags & O_CLOEXEC) !== 0, preopenName: undefined };
      const newfd = ctx.proc.fds.add(entry, minfd);
      ctx.out().putI32(newfd).putU32(hintFor(entry));
      return 0;
    },
  },
  dup3: {
    name: 'dup3',
    support: 'full',
    handler: (ctx) => {
      const oldfd = ctx.w.i32();
      const newfd = ctx.w.i32();
      const flags = ctx.w.u32();
      if (oldfd === newfd) fail(Errno.EINVAL);
      const entry = { ...ctx.proc.fds.get(oldfd), cloexec: (flags & O_CLOEXEC) !== 0, preopenName: undefined };
      ctx.proc.fds.set(newfd, entry);
      ctx.out().putU32(hintFor(entry));
      return 0;
    },
  },
  cloexec: {
    name: 'cloexec',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const set = ctx.w.i32();
      const entry = ctx.proc.fds.get(fd);
      const old = entry.cloexec ? 1 : 0;
      if (set >= 0) entry.cloexec = set === 1;
      ctx.out().putI32(old);
      return 0;
    },
  },
};
