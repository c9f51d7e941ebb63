/** The file calls WASI lacks: full stat, statfs, chmod, chown, mknod, umask. */
import { Errno, fail } from '../../common/errno.ts';
import type { Location } from '../../unionfs/vfs/mount-namespace.ts';
import type { FileKind } from '../../unionfs/vfs/types.ts';
import { FS_MAGIC, S_IFBLK, S_IFCHR, S_IFIFO, S_IFMT, S_IFREG, S_IFSOCK, ST_RDONLY } from '../abi/linux.ts';
import type { FileDescription } from '../fd/description.ts';
import { InodeDescription } from '../fd/inode-file.ts';
import { PipeReadEnd, PipeWriteEnd } from '../fd/pipe.ts';
import { PtySlave } from '../fd/pty.ts';
import { SocketDescription } from '../fd/socket.ts';
import { changeMode, changeOwner } from './attrs.ts';
import type { SyscallContext, SyscallEntry } from './context.ts';
import { putDrydockStat, putDrydockStatfs } from './encode.ts';

const AT_SYMLINK_NOFOLLOW = 0x1;

function resolveAt(ctx: SyscallContext, dirfd: number, path: string, flags: number): Location {
  return ctx.proc.mounts.resolve(ctx.dirfd(dirfd), path, {
    follow: (flags & AT_SYMLINK_NOFOLLOW) === 0,
    creds: ctx.proc.creds,
  });
}

function fdLocation(ctx: SyscallContext, fd: number): Location {
  const d = ctx.proc.fds.get(fd).description;
  if (!(d instanceof InodeDescription)) fail(Errno.EINVAL);
  return d.location;
}

/** statfs of the filesystem mounted where `location` was found (the mount's read-only flag counts too). */
function putLocationStatfs(ctx: SyscallContext, location: Location): void {
  const fs = location.mount.fs;
  const stat = fs.statfs();
  putDrydockStatfs(ctx.out(), stat, {
    magic: stat.magic ?? FS_MAGIC[fs.type] ?? 0,
    fsid: fs.dev,
    flags: location.mount.readOnly || fs.readOnly ? ST_RDONLY : 0,
  });
}

/** The pseudo-filesystem Linux reports for an fd that is not a file in a mounted filesystem. */
function pseudoMagic(d: FileDescription): number {
  if (d instanceof SocketDescription) return FS_MAGIC['sockfs']!;
  if (d instanceof PipeReadEnd || d instanceof PipeWriteEnd) return FS_MAGIC['pipefs']!;
  if (d instanceof PtySlave) return FS_MAGIC['devpts']!;
  return FS_MAGIC['tmpfs']!; // character devices live in /dev (a tmpfs); host streams look like it too
}

export const FILE_SYSCALLS: Record<string, SyscallEntry> = {
  fstatat: {
    name: 'fstatat',
    support: 'full',
    handler: (ctx) => {
      const dirfd = ctx.w.i32();
      const path = ctx.path();
      const flags = ctx.w.i32();
      putDrydockStat(ctx.out(), resolveAt(ctx, dirfd, path, flags).inode.stat());
      return 0;
    },
  },
  fstat: {
    name: 'fstat',
    support: 'full',
    handler: (ctx) => {
      putDrydockStat(ctx.out(), ctx.proc.fds.get(ctx.w.i32()).description.stat());
      return 0;
    },
  },
  statfs: {
    name: 'statfs',
    support: 'full',
    handler: (ctx) => {
      const dirfd = ctx.w.i32();
      const path = ctx.path();
      putLocationStatfs(ctx, resolveAt(ctx, dirfd, path, 0));
      return 0;
    },
  },
  fstatfs: {
    name: 'fstatfs',
    support: 'full',
    handler: (ctx) => {
      const d = ctx.proc.fds.get(ctx.w.i32()).description;
      if (d instanceof InodeDescription) {
        putLocationStatfs(ctx, d.location);
      } else {
        // Pipes, sockets, terminals and devices: no blocks, as on Linux's pipefs/sockfs.
        putDrydockStatfs(ctx.out(), { blockSize: 4096, totalBlocks: 0, freeBlocks: 0, files: 0 }, { magic: pseudoMagic(d), fsid: 0, flags: 0 });
      }
      return 0;
    },
  },
  fchmodat: {
    name: 'fchmodat',
    support: 'full',
    handler: (ctx) => {
      const dirfd = ctx.w.i32();
      const path = ctx.path();
      const mode = ctx.w.u32();
      const flags = ctx.w.i32();
      // With AT_SYMLINK_NOFOLLOW a symlink is EOPNOTSUPP (changeMode), anything else is changed (fchmodat2).
      changeMode(ctx.proc.creds, resolveAt(ctx, dirfd, path, flags), mode);
      return 0;
    },
  },
  fchmod: {
    name: 'fchmod',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const mode = ctx.w.u32();
      changeMode(ctx.proc.creds, fdLocation(ctx, fd), mode);
      return 0;
    },
  },
  fchownat: {
    name: 'fchownat',
    support: 'full',
    handler: (ctx) => {
      const dirfd = ctx.w.i32();
      const path = ctx.path();
      const uid = ctx.w.i32();
      const gid = ctx.w.i32();
      const flags = ctx.w.i32();
      changeOwner(ctx.proc.creds, resolveAt(ctx, dirfd, path, flags), uid, gid);
      return 0;
    },
  },
  fchown: {
    name: 'fchown',
    support: 'full',
    handler: (ctx) => {
      const fd = ctx.w.i32();
      const uid = ctx.w.i32();
      const gid = ctx.w.i32();
      changeOwner(ctx.proc.creds, fdLocation(ctx, fd), uid, gid);
      return 0;
    },
  },
  mknodat: {
    name: 'mknodat',
    support: 'full',
    handler: (ctx) => {
      const dirfd = ctx.w.i32();
      const path = ctx.path();
      const mode = ctx.w.u32();
      const dev = ctx.w.u64();
      const proc = ctx.proc;
      let kind: FileKind;
      switch (mode & S_IFMT) {
        case 0:
        case S_IFREG:
          kind = 'file';
          break;
        case S_IFIFO:
          kind = 'fifo';
          break;
        case S_IFCHR:
          kind = 'chardev';
          break;
        case S_IFBLK:
          kind = 'blockdev';
          break;
        case S_IFSOCK:
          kind = 'socket';
          break;
        default:
          return fail(Errno.EINVAL);
      }
      if ((kind === 'chardev' || kind === 'blockdev') && proc.creds.uid !== 0) fail(Errno.EPERM);
      proc.mounts.create(
        ctx.dirfd(dirfd),
        path,
        kind,
        { mode: mode & 0o7777 & ~proc.umask, uid: proc.creds.uid, gid: proc.creds.gid, rdev: Number(dev & 0xffffffffn) },
        proc.creds,
      );
      return 0;
    },
  },
  umask: {
    name: 'umask',
    support: 'full',
    handler: (ctx) => {
      const mask = ctx.w.u32();
      const old = ctx.proc.umask;
      ctx.proc.umask = mask & 0o777;
      ctx.out().putU32(old);
      return 0;
    },
  },
};
