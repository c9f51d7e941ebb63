/** WASI fd_* calls. Layouts: see the matching functions in guest/imports.ts. */
import { Errno, fail } from '../../common/errno.ts';
import { FDFLAGS, PREOPENTYPE_DIR, RIGHTS, SIZE } from '../abi/wasi.ts';
import { PAYLOAD_IO_MAX } from '../channel/channel.ts';
import { InodeDescription } from '../fd/inode-file.ts';
import { filetypeOf } from '../fd/description.ts';
import { changeTimes, timesFrom } from './attrs.ts';
import type { SyscallContext, SyscallEntry } from './context.ts';
import { putFilestat } from './encode.ts';
import { untilReady, write } from './io.ts';

function inodeDescription(ctx: SyscallContext, fd: number, rights: bigint): InodeDescription {
  const d = ctx.fd(fd, rights).description;
  if (!(d instanceof InodeDescription)) fail(Errno.EINVAL);
  return d;
}

/**
 * The description fd_read/fd_pread read from. A directory is EISDIR (as
 * read(2) on Linux) before the rights check: a directory fd never has FD_READ
 * (RIGHTS_DIRECTORY), which would otherwise be ENOTCAPABLE, and wasi-libc
 * reports that as EBADF.
 */
function readable(ctx: SyscallContext, fd: number, rights: bigint) {
  const entry = ctx.proc.fds.get(fd);
  if (entry.description instanceof InodeDescription && entry.description.inode.kind === 'dir') fail(Errno.EISDIR);
  return ctx.fd(fd, rights).description;
}

function readResult(ctx: SyscallContext, data: Uint8Array): number {
  ctx.out().putBytes(data.length > PAYLOAD_IO_MAX ? data.subarray(0, PAYLOAD_IO_MAX) : data);
  return 0;
}

export const FD_SYSCALLS: Record<string, SyscallEntry> = {
  fd_write: {
    name: 'fd_write',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const data = ctx.w.bytes();
      const d = ctx.fd(fd, RIGHTS.FD_WRITE).description;
      const n = write(ctx, d, data);
      if (typeof n === 'number') {
        ctx.out().putU32(n);
        return 0;
      }
      return n.then((written) => {
        ctx.out().putU32(written);
        return 0;
      });
    },
  },
  fd_pwrite: {
    name: 'fd_pwrite',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const offset = ctx.w.number();
      const data = ctx.w.bytes();
      const d = ctx.fd(fd, RIGHTS.FD_WRITE | RIGHTS.FD_SEEK).description;
      const n = d.pwrite(offset, data);
      ctx.out().putU32(n);
      return 0;
    },
  },
  fd_read: {
    name: 'fd_read',
    support: 'full',
    note: 'a directory fd is EISDIR, as Linux (node:wasi says ENOTCAPABLE, which wasi-libc turns into EBADF)',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const length = ctx.w.u32();
      const d = readable(ctx, fd, RIGHTS.FD_READ);
      const data = untilReady(ctx, d, () => d.read(length));
      if (data instanceof Promise) return data.then((bytes) => readResult(ctx, bytes));
      return readResult(ctx, data);
    },
  },
  fd_pread: {
    name: 'fd_pread',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const offset = ctx.w.number();
      const length = ctx.w.u32();
      const d = readable(ctx, fd, RIGHTS.FD_READ | RIGHTS.FD_SEEK);
      return readResult(ctx, d.pread(offset, length));
    },
  },
  fd_seek: {
    name: 'fd_seek',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const offset = ctx.w.i64();
      const whence = ctx.w.u32();
      const entry = ctx.fd(fd);
      // Like uvwasi: a pure "tell" needs only FD_TELL.
      const tellOnly = whence === 1 && offset === 0n;
      if ((entry.rightsBase & (tellOnly ? RIGHTS.FD_TELL | RIGHTS.FD_SEEK : RIGHTS.FD_SEEK)) === 0n) {
        fail(Errno.ENOTCAPABLE);
      }
      if (offset > BigInt(Number.MAX_SAFE_INTEGER) || offset < -BigInt(Number.MAX_SAFE_INTEGER)) fail(Errno.EINVAL);
      const next = entry.description.seek(Number(offset), whence);
      ctx.out().putNumber(next);
      return 0;
    },
  },
  fd_tell: {
    name: 'fd_tell',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      ctx.out().putNumber(ctx.fd(fd, RIGHTS.FD_TELL).description.tell());
      return 0;
    },
  },
  fd_close: {
    name: 'fd_close',
    support: 'full',
    handler: (ctx) => {
      ctx.proc.fds.close(ctx.w.i32());
      return 0;
    },
  },
  fd_datasync: {
    name: 'fd_datasync',
    support: 'full',
    handler: (ctx) => {
      const d = ctx.fd(ctx.w.i32(), RIGHTS.FD_DATASYNC).description;
      return d.sync().then(() => 0);
    },
  },
  fd_sync: {
    name: 'fd_sync',
    support: 'full',
    handler: (ctx) => {
      const d = ctx.fd(ctx.w.i32(), RIGHTS.FD_SYNC).description;
      return d.sync().then(() => 0);
    },
  },
  fd_advise: {
    name: 'fd_advise',
    support: 'full',
    note: 'advice is validated and ignored, as Linux may',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      ctx.w.u64();
      ctx.w.u64();
      const advice = ctx.w.u32();
      ctx.fd(fd, RIGHTS.FD_ADVISE);
      if (advice > 5) fail(Errno.EINVAL);
      return 0;
    },
  },
  fd_allocate: {
    name: 'fd_allocate',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const offset = ctx.w.number();
      const len = ctx.w.number();
      const d = inodeDescription(ctx, fd, RIGHTS.FD_ALLOCATE);
      if (d.inode.kind !== 'file') fail(Errno.ENODEV);
      if (d.inode.stat().size < offset + len) d.truncate(offset + len);
      return 0;
    },
  },
  fd_fdstat_get: {
    name: 'fd_fdstat_get',
    support: 'full',
    handler: (ctx) => {
      const entry = ctx.fd(ctx.w.i32());
      const bytes = ctx.out().reserve(SIZE.FDSTAT);
      const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      v.setUint8(0, entry.description.filetype);
      v.setUint8(1, 0);
      v.setUint16(2, entry.description.fdflags, true);
      v.setUint32(4, 0, true);
      v.setBigUint64(8, entry.rightsBase, true);
      v.setBigUint64(16, entry.rightsInheriting, true);
      return 0;
    },
  },
  fd_fdstat_set_flags: {
    name: 'fd_fdstat_set_flags',
    support: 'partial',
    note: 'APPEND and NONBLOCK can change; DSYNC, RSYNC and SYNC are accepted and have no effect (writes are synchronous)',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const flags = ctx.w.u32();
      const entry = ctx.fd(fd, RIGHTS.FD_FDSTAT_SET_FLAGS);
      if (flags & ~0x1f) fail(Errno.EINVAL);
      entry.description.fdflags = flags & (FDFLAGS.APPEND | FDFLAGS.NONBLOCK | FDFLAGS.DSYNC | FDFLAGS.RSYNC | FDFLAGS.SYNC);
      return 0;
    },
  },
  fd_fdstat_set_rights: {
    name: 'fd_fdstat_set_rights',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const base = ctx.w.u64();
      const inheriting = ctx.w.u64();
      const entry = ctx.fd(fd);
      if ((base & ~entry.rightsBase) !== 0n || (inheriting & ~entry.rightsInheriting) !== 0n) fail(Errno.ENOTCAPABLE);
      entry.rightsBase = base;
      entry.rightsInheriting = inheriting;
      return 0;
    },
  },
  fd_filestat_get: {
    name: 'fd_filestat_get',
    support: 'full',
    handler: (ctx) => {
      const d = ctx.fd(ctx.w.i32(), RIGHTS.FD_FILESTAT_GET).description;
      putFilestat(ctx.out(), d.stat(), d.filetype);
      return 0;
    },
  },
  fd_filestat_set_size: {
    name: 'fd_filestat_set_size',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const size = ctx.w.number();
      inodeDescription(ctx, fd, RIGHTS.FD_FILESTAT_SET_SIZE).truncate(size);
      return 0;
    },
  },
  fd_filestat_set_times: {
    name: 'fd_filestat_set_times',
    support: 'full',
    note: 'futimens: the permission rules of path_filestat_set_times, checked against the file (not the open mode)',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const atim = ctx.w.u64();
      const mtim = ctx.w.u64();
      const fst = ctx.w.u32();
      const d = inodeDescription(ctx, fd, RIGHTS.FD_FILESTAT_SET_TIMES);
      changeTimes(ctx.proc.creds, d.location, timesFrom(atim, mtim, fst));
      return 0;
    },
  },
  fd_prestat_get: {
    name: 'fd_prestat_get',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const entry = ctx.proc.fds.get(fd);
      if (entry.preopenName === undefined) fail(Errno.EBADF);
      const name = new TextEncoder().encode(entry.preopenName);
      const bytes = ctx.out().reserve(SIZE.PRESTAT);
      const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      v.setUint32(0, PREOPENTYPE_DIR, true);
      v.setUint32(4, name.length, true);
      return 0;
    },
  },
  fd_prestat_dir_name: {
    name: 'fd_prestat_dir_name',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const len = ctx.w.u32();
      const entry = ctx.proc.fds.get(fd);
      if (entry.preopenName === undefined) fail(Errno.EBADF);
      const name = new TextEncoder().encode(entry.preopenName);
      if (len < name.length) fail(Errno.ENOBUFS);
      ctx.out().putBytes(name);
      return 0;
    },
  },
  fd_readdir: {
    name: 'fd_readdir',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const capacity = ctx.w.u32();
      const cookie = ctx.w.u64();
      const d = inodeDescription(ctx, fd, RIGHTS.FD_READDIR);
      const out = new Uint8Array(capacity);
      let used = 0;
      const encoder = new TextEncoder();
      for (const entry of d.dirents(cookie)) {
        if (used >= capacity) break;
        const name = encoder.encode(entry.name);
        const record = new Uint8Array(SIZE.DIRENT + name.length);
        const rv = new DataView(record.buffer);
        rv.setBigUint64(0, entry.cookie, true);
        rv.setBigUint64(8, BigInt(entry.ino), true);
        rv.setUint32(16, name.length, true);
        rv.setUint8(20, filetypeOf(entry.kind));
        record.set(name, SIZE.DIRENT);
        // The last record may be cut short: wasi-libc then retries with a bigger buffer.
        const take = Math.min(record.length, capacity - used);
        out.set(record.subarray(0, take), used);
        used += take;
      }
      ctx.out().putBytes(out.subarray(0, used));
      return 0;
    },
  },
  fd_renumber: {
    name: 'fd_renumber',
    support: 'full',
    handler: (ctx) => {
      const from = ctx.w.i32();
      const to = ctx.w.i32();
      ctx.proc.fds.get(from);
      ctx.proc.fds.get(to);
      ctx.proc.fds.renumber(from, to);
      return 0;
    },
  },
};
