/** WASI sock_* calls: they act on socket descriptions (fd/socket.ts over src/net); other fds answer ENOTSOCK. */
import { Errno, fail } from '../../common/errno.ts';
import { RIGHTS, ROFLAGS_DATA_TRUNCATED, SDFLAGS } from '../abi/wasi.ts';
import { hintFor } from '../fd/hints.ts';
import { rightsFor } from '../fd/rights.ts';
import { SocketDescription } from '../fd/socket.ts';
import type { SyscallEntry } from './context.ts';
import { untilReady, write } from './io.ts';

export const SOCK_SYSCALLS: Record<string, SyscallEntry> = {
  sock_accept: {
    name: 'sock_accept',
    support: 'partial',
    note: 'WASI has no socket(): these act on sockets made with the drydock calls (or inherited)',
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
    note: 'WASI has no socket(): these act on sockets made with the drydock calls (or inherited)',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const length = ctx.w.u32();
      const flags = ctx.w.u32();
      const d = ctx.fd(fd, RIGHTS.FD_READ).description;
      const receive = (): { data: Uint8Array; length: number } => {
        if (d instanceof SocketDescription) return d.receive(length, flags);
        const data = d.recv(length, flags);
        return { data, length: data.length };
      };
      const got = untilReady(ctx, d, receive);
      const finish = (r: { data: Uint8Array; length: number }): number => {
        ctx.out().putBytes(r.data).putU32(r.length > r.data.length ? ROFLAGS_DATA_TRUNCATED : 0);
        return 0;
      };
      return got instanceof Promise ? got.then(finish) : finish(got);
    },
  },
  sock_send: {
    name: 'sock_send',
    support: 'partial',
    note: 'WASI has no socket(): these act on sockets made with the drydock calls (or inherited)',
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
    note: 'WASI has no socket(): these act on sockets made with the drydock calls (or inherited)',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const how = ctx.w.u32();
      if (how === 0 || how > (SDFLAGS.RD | SDFLAGS.WR)) fail(Errno.EINVAL);
      ctx.fd(fd, RIGHTS.SOCK_SHUTDOWN).description.shutdown(how);
      return 0;
    },
  },
};
