/** WASI sock_* calls: they act on socket descriptions (src/net); other fds answer ENOTSOCK. */
import { Errno, fail } from '../../common/errno.ts';
import { RIGHTS, SDFLAGS } from '../abi/wasi.ts';
import { hintFor } from '../fd/hints.ts';
import { rightsFor } from '../fd/rights.ts';
import type { SyscallEntry } from './context.ts';
import { untilReady, write } from './io.ts';

export const SOCK_SYSCALLS: Record<string, SyscallEntry> = {
  sock_accept: {
    name: 'sock_accept',
    support: 'partial',
    note: 'sockets arrive with the network layer; until then every fd answers ENOTSOCK',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const flags = ctx.w.u32();
      const d = ctx.fd(fd, RIGHTS.SOCK_ACCEPT).description;
      const accepted = untilReady(ctx, d, () => d.accept());
      const finish = (socket: typeof d): number => {
        socket.fdflags = flags;
        const entry = { description: socket, cloexec: false, ...rightsFor(socket) };
        ctx.out().putU32(ctx.proc.fds.add(entry)).putU32(hintFor(entry));
        return 0;
      };
      return accepted instanceof Promise ? accepted.then(finish) : finish(accepted);
    },
  },
  sock_recv: {
    name: 'sock_recv',
    support: 'partial',
    note: 'sockets arrive with the network layer',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const length = ctx.w.u32();
      const flags = ctx.w.u32();
      const d = ctx.fd(fd, RIGHTS.FD_READ).description;
      const data = untilReady(ctx, d, () => d.recv(length, flags));
      const finish = (bytes: Uint8Array): number => {
        ctx.out().putBytes(bytes).putU32(0);
        return 0;
      };
      return data instanceof Promise ? data.then(finish) : finish(data);
    },
  },
  sock_send: {
    name: 'sock_send',
    support: 'partial',
    note: 'sockets arrive with the network layer',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      ctx.w.u32();
      const data = ctx.w.bytes();
      const d = ctx.fd(fd, RIGHTS.FD_WRITE).description;
      if (d.filetype !== 5 && d.filetype !== 6) fail(Errno.ENOTSOCK);
      const n = write(ctx, d, data);
      const finish = (written: number): number => {
        ctx.out().putU32(written);
        return 0;
      };
      return typeof n === 'number' ? finish(n) : n.then(finish);
    },
  },
  sock_shutdown: {
    name: 'sock_shutdown',
    support: 'partial',
    note: 'sockets arrive with the network layer',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const how = ctx.w.u32();
      if (how === 0 || how > (SDFLAGS.RD | SDFLAGS.WR)) fail(Errno.EINVAL);
      ctx.fd(fd, RIGHTS.SOCK_SHUTDOWN).description.shutdown(how);
      return 0;
    },
  },
};
