/** WASI path_* calls. Layouts: see the matching functions in guest/imports.ts. */
import { Errno, fail } from '../../common/errno.ts';
import type { Credentials } from '../../unionfs/vfs/credentials.ts';
import { MAY_READ, MAY_WRITE, permits } from '../../unionfs/vfs/credentials.ts';
import type { Location } from '../../unionfs/vfs/mount-namespace.ts';
import { joinPath } from '../../unionfs/vfs/mount-namespace.ts';
import { LOOKUP_SYMLINK_FOLLOW, OFLAGS, RIGHTS, RIGHTS_DIRECTORY, RIGHTS_DIRECTORY_INHERITING, RIGHTS_REGULAR_FILE } from '../abi/wasi.ts';
import { FileDescription } from '../fd/description.ts';
import { openDevice } from '../fd/devices.ts';
import { openFifo } from '../fd/fifo.ts';
import { hintFor } from '../fd/hints.ts';
import { InodeDescription } from '../fd/inode-file.ts';
import type { Process } from '../proc/process.ts';
import type { SyscallContext, SyscallEntry } from './context.ts';
import { putFilestat } from './encode.ts';
import { changeTimes, timesFrom } from './attrs.ts';

const READ_RIGHTS = RIGHTS.FD_READ | RIGHTS.FD_READDIR;
const WRITE_RIGHTS = RIGHTS.FD_DATASYNC | RIGHTS.FD_WRITE | RIGHTS.FD_ALLOCATE | RIGHTS.FD_FILESTAT_SET_SIZE;

export interface OpenRequest {
  readonly follow: boolean;
  readonly create: boolean;
  readonly exclusive: boolean;
  readonly truncate: boolean;
  readonly directory: boolean;
  readonly readable: boolean;
  readonly writable: boolean;
  /** Permission bits for a created file, before the umask. */
  readonly mode: number;
}

/**
 * open(2) in a mount namespace: resolves or creates `path` from `dir`,
 * checks permissions, truncates, and returns a new description. Shared by
 * path_open and spawn's file actions.
 */
export function openPath(proc: Process, dir: Location, path: string, req: OpenRequest): FileDescription {
  const mounts = proc.mounts;
  const creds: Credentials = proc.creds;
  let loc: Location;
  let created = false;
  if (req.create) {
    const { parent, name, trailingSlash } = mounts.resolveParent(dir, path, creds);
    if (name === '.' || name === '..') fail(Errno.EISDIR);
    let existing = mounts.child(parent, name);
    if (existing && req.exclusive) fail(Errno.EEXIST);
    if (existing && existing.inode.kind === 'symlink' && req.follow) {
      existing = mounts.resolve(parent, name, { follow: true, creds });
    }
    if (existing) {
      loc = existing;
    } else {
      if (trailingSlash) fail(Errno.EISDIR);
      mounts.checkDirWritable(parent, creds);
      const inode = parent.inode.create(name, 'file', {
        mode: req.mode & ~proc.umask,
        uid: creds.uid,
        gid: creds.gid,
      });
      loc = { inode, mount: parent.mount, path: joinPath(parent.path, name) };
      created = true;
    }
  } else {
    loc = mounts.resolve(dir, path, { follow: req.follow, creds });
  }
  const inode = loc.inode;
  if (inode.kind === 'symlink' && inode.magic instanceof FileDescription) return reopen(inode.magic, req);
  if (inode.kind === 'symlink') fail(Errno.ELOOP);
  if (req.directory && inode.kind !== 'dir') fail(Errno.ENOTDIR);
  if (inode.kind === 'dir' && (req.writable || req.truncate)) fail(Errno.EISDIR);
  if (!created) {
    const stat = inode.stat();
    if (req.readable && !permits(stat, creds, MAY_READ)) fail(Errno.EACCES);
    if ((req.writable || req.truncate) && !permits(stat, creds, MAY_WRITE)) fail(Errno.EACCES);
  }
  if ((req.writable || req.truncate) && (loc.mount.readOnly || inode.fs.readOnly) && inode.kind === 'file') fail(Errno.EROFS);
  switch (inode.kind) {
    case 'chardev':
      return openDevice(inode.stat().rdev, [0, 1, 2].map((fd) => (proc.fds.has(fd) ? proc.fds.get(fd).description : undefined)));
    case 'fifo':
      return openFifo(inode, req.readable, req.writable);
    case 'socket':
    case 'blockdev':
      return fail(Errno.ENXIO);
    default:
      break;
  }
  if (req.truncate && inode.kind === 'file' && !created) inode.setAttr({ size: 0 });
  return new InodeDescription(loc, req.readable, req.writable);
}

/**
 * Opening /proc/PID/fd/N (and so /dev/stdout and friends): a regular file is
 * opened afresh (own offset), anything else (a pipe, a terminal) is shared, as
 * Linux does.
 */
function reopen(target: FileDescription, req: OpenRequest): FileDescription {
  if (target instanceof InodeDescription) {
    if (req.writable && !target.writable && !target.readable) fail(Errno.EACCES);
    return new InodeDescription(target.location, req.readable, req.writable);
  }
  return target;
}

function follows(flags: number): boolean {
  return (flags & LOOKUP_SYMLINK_FOLLOW) !== 0;
}

export const PATH_SYSCALLS: Record<string, SyscallEntry> = {
  path_open: {
    name: 'path_open',
    support: 'full',
    handler: (ctx) => {
      const dirfd = ctx.w.i32();
      const dirflags = ctx.w.u32();
      const path = ctx.path();
      const oflags = ctx.w.u32();
      const rightsBase = ctx.w.u64();
      const rightsInheriting = ctx.w.u64();
      const fdflags = ctx.w.u32();
      let needed = RIGHTS.PATH_OPEN;
      if (oflags & OFLAGS.CREAT) needed |= RIGHTS.PATH_CREATE_FILE;
      if (oflags & OFLAGS.TRUNC) needed |= RIGHTS.PATH_FILESTAT_SET_SIZE;
      const dirEntry = ctx.fd(dirfd, needed);
      const dir = ctx.dirfd(dirfd);
      const description = openPath(ctx.proc, dir, path, {
        follow: follows(dirflags),
        create: (oflags & OFLAGS.CREAT) !== 0,
        exclusive: (oflags & OFLAGS.EXCL) !== 0,
        truncate: (oflags & OFLAGS.TRUNC) !== 0,
        directory: (oflags & OFLAGS.DIRECTORY) !== 0,
        readable: (rightsBase & READ_RIGHTS) !== 0n,
        writable: (rightsBase & WRITE_RIGHTS) !== 0n,
        mode: 0o666,
      });
      description.fdflags = fdflags & 0x1f;
      const isDir = description instanceof InodeDescription && description.inode.kind === 'dir';
      const maxBase = isDir ? RIGHTS_DIRECTORY : RIGHTS_REGULAR_FILE;
      const entry = {
        description,
        cloexec: false,
        rightsBase: rightsBase & maxBase & dirEntry.rightsInheriting,
        rightsInheriting: isDir ? rightsInheriting & dirEntry.rightsInheriting & RIGHTS_DIRECTORY_INHERITING : 0n,
      };
      const fd = ctx.proc.fds.add(entry);
      ctx.out().putU32(fd).putU32(hintFor(entry));
      return 0;
    },
  },
  path_filestat_get: {
    name: 'path_filestat_get',
    support: 'full',
    handler: (ctx) => {
      const dirfd = ctx.w.i32();
      const flags = ctx.w.u32();
      const path = ctx.path();
      const dir = ctx.dirfd(dirfd, RIGHTS.PATH_FILESTAT_GET);
      const loc = ctx.proc.mounts.resolve(dir, path, { follow: follows(flags), creds: ctx.proc.creds });
      putFilestat(ctx.out(), loc.inode.stat());
      return 0;
    },
  },
  path_filestat_set_times: {
    name: 'path_filestat_set_times',
    support: 'full',
    note: "utimensat's rules: now needs owner, root or write permission (EACCES); explicit times need owner or root (EPERM)",
    handler: (ctx) => {
      const dirfd = ctx.w.i32();
      const flags = ctx.w.u32();
      const path = ctx.path();
      const atim = ctx.w.u64();
      const mtim = ctx.w.u64();
      const fst = ctx.w.u32();
      const dir = ctx.dirfd(dirfd, RIGHTS.PATH_FILESTAT_SET_TIMES);
      const loc = ctx.proc.mounts.resolve(dir, path, { follow: follows(flags), creds: ctx.proc.creds });
      changeTimes(ctx.proc.creds, loc, timesFrom(atim, mtim, fst));
      return 0;
    },
  },
  path_create_directory: {
    name: 'path_create_directory',
    support: 'full',
    handler: (ctx) => {
      const dirfd = ctx.w.i32();
      const path = ctx.path();
      const dir = ctx.dirfd(dirfd, RIGHTS.PATH_CREATE_DIRECTORY);
      const { creds, umask } = ctx.proc;
      ctx.proc.mounts.create(dir, path, 'dir', { mode: 0o777 & ~umask, uid: creds.uid, gid: creds.gid }, creds);
      return 0;
    },
  },
  path_link: {
    name: 'path_link',
    support: 'full',
    handler: (ctx) => {
      const oldfd = ctx.w.i32();
      const oldflags = ctx.w.u32();
      const oldPath = ctx.path();
      const newfd = ctx.w.i32();
      const newPath = ctx.path();
      const from = ctx.dirfd(oldfd, RIGHTS.PATH_LINK_SOURCE);
      const to = ctx.dirfd(newfd, RIGHTS.PATH_LINK_TARGET);
      ctx.proc.mounts.link(from, oldPath, to, newPath, follows(oldflags), ctx.proc.creds);
      return 0;
    },
  },
  path_readlink: {
    name: 'path_readlink',
    support: 'full',
    handler: (ctx) => {
      const dirfd = ctx.w.i32();
      const path = ctx.path();
      const capacity = ctx.w.u32();
      const dir = ctx.dirfd(dirfd, RIGHTS.PATH_READLINK);
      const loc = ctx.proc.mounts.resolve(dir, path, { follow: false, creds: ctx.proc.creds });
      if (loc.inode.kind !== 'symlink') fail(Errno.EINVAL);
      const target = new TextEncoder().encode(loc.inode.readlink());
      ctx.out().putBytes(target.subarray(0, capacity));
      return 0;
    },
  },
  path_remove_directory: {
    name: 'path_remove_directory',
    support: 'full',
    handler: (ctx) => {
      const dirfd = ctx.w.i32();
      const path = ctx.path();
      ctx.proc.mounts.rmdir(ctx.dirfd(dirfd, RIGHTS.PATH_REMOVE_DIRECTORY), path, ctx.proc.creds);
      return 0;
    },
  },
  path_unlink_file: {
    name: 'path_unlink_file',
    support: 'full',
    handler: (ctx) => {
      const dirfd = ctx.w.i32();
      const path = ctx.path();
      ctx.proc.mounts.unlink(ctx.dirfd(dirfd, RIGHTS.PATH_UNLINK_FILE), path, ctx.proc.creds);
      return 0;
    },
  },
  path_rename: {
    name: 'path_rename',
    support: 'full',
    handler: (ctx) => {
      const oldfd = ctx.w.i32();
      const oldPath = ctx.path();
      const newfd = ctx.w.i32();
      const newPath = ctx.path();
      const from = ctx.dirfd(oldfd, RIGHTS.PATH_RENAME_SOURCE);
      const to = ctx.dirfd(newfd, RIGHTS.PATH_RENAME_TARGET);
      ctx.proc.mounts.rename(from, oldPath, to, newPath, ctx.proc.creds);
      return 0;
    },
  },
  path_symlink: {
    name: 'path_symlink',
    support: 'full',
    handler: (ctx) => {
      const target = ctx.text();
      const dirfd = ctx.w.i32();
      const path = ctx.path();
      const dir = ctx.dirfd(dirfd, RIGHTS.PATH_SYMLINK);
      const { creds } = ctx.proc;
      ctx.proc.mounts.symlink(target, dir, path, creds, creds);
      return 0;
    },
  },
};

/** Used by path_open callers outside this file (spawn file actions). */
export const PATH_OPEN_RIGHTS = { READ_RIGHTS, WRITE_RIGHTS };
