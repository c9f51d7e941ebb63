/**
 * Attribute changes with Linux's permission rules: chmod, chown and
 * utimensat, shared by the path and fd forms of each call.
 *
 * Invariants
 *  - A read-only mount or filesystem answers EROFS before any permission check (Linux's order).
 *  - Nothing here follows a symlink: the caller resolved the location with or
 *    without following, and the change applies to exactly that inode.
 *    Filesystems must not follow a symlink either when applying it (HostFs
 *    uses the l* host calls and refuses a mode change on a symlink).
 */
import { Errno, fail } from '../../common/errno.ts';
import { nowNs } from '../../common/time.ts';
import type { Credentials } from '../../unionfs/vfs/credentials.ts';
import { MAY_WRITE, permits } from '../../unionfs/vfs/credentials.ts';
import type { Location } from '../../unionfs/vfs/mount-namespace.ts';
import type { AttrChange } from '../../unionfs/vfs/types.ts';
import { FSTFLAGS } from '../abi/wasi.ts';

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_IXGRP = 0o010;

function checkWritableMount(loc: Location): void {
  if (loc.mount.readOnly || loc.inode.fs.readOnly) fail(Errno.EROFS);
}

/** chmod(2): the owner or root may change the permission bits (EPERM otherwise). */
export function changeMode(creds: Credentials, loc: Location, mode: number): void {
  checkWritableMount(loc);
  const stat = loc.inode.stat();
  // Linux: fchmodat(AT_SYMLINK_NOFOLLOW) on a symlink is EOPNOTSUPP (a link's mode means nothing).
  if (stat.kind === 'symlink') fail(Errno.ENOTSUP);
  if (creds.uid !== 0 && stat.uid !== creds.uid) fail(Errno.EPERM);
  let bits = mode & 0o7777;
  // Linux: a non-root caller outside the file's group cannot set setgid (the bit is dropped, no error).
  if (creds.uid !== 0 && stat.gid !== creds.gid && !creds.groups.includes(stat.gid)) bits &= ~S_ISGID;
  loc.inode.setAttr({ mode: bits });
}

/**
 * chown(2) / lchown(2) on exactly `loc` (a symlink itself when the caller did
 * not follow it). uid/gid -1 leave that id alone. As Linux (chown_ok,
 * chgrp_ok): root may give any ids; anyone else must own the file, may only
 * "change" the owner to itself, and may change the group to one of its own
 * groups or leave it as it is; otherwise EPERM. As Linux, a non-directory
 * loses setuid, and setgid when it is group-executable, whenever an id is
 * given (root included); directories keep their mode.
 */
export function changeOwner(creds: Credentials, loc: Location, uid: number, gid: number): void {
  checkWritableMount(loc);
  const stat = loc.inode.stat();
  if (creds.uid !== 0) {
    const owns = stat.uid === creds.uid;
    if (uid !== -1 && !(owns && uid === stat.uid)) fail(Errno.EPERM);
    if (gid !== -1 && !(owns && (gid === stat.gid || gid === creds.gid || creds.groups.includes(gid)))) fail(Errno.EPERM);
  }
  const change: AttrChange = {};
  if (uid !== -1) change.uid = uid;
  if (gid !== -1) change.gid = gid;
  if ((uid !== -1 || gid !== -1) && stat.kind !== 'dir') {
    let mode = stat.mode;
    if (mode & S_ISUID) mode &= ~S_ISUID;
    if ((mode & (S_ISGID | S_IXGRP)) === (S_ISGID | S_IXGRP)) mode &= ~S_ISGID;
    if (mode !== stat.mode) change.mode = mode;
  }
  loc.inode.setAttr(change);
}

/** The times a utimensat-style request sets, resolved from WASI's fstflags (EINVAL for contradictory flags). */
export interface TimesRequest {
  readonly atimeNs?: bigint;
  readonly mtimeNs?: bigint;
  /** Anything but "both times to now" (Linux's ATTR_TIMES_SET): needs ownership. */
  readonly explicit: boolean;
}

/** Reads WASI's (atim, mtim, fstflags) as utimensat's request. */
export function timesFrom(atim: bigint, mtim: bigint, fst: number): TimesRequest {
  if ((fst & FSTFLAGS.ATIM && fst & FSTFLAGS.ATIM_NOW) || (fst & FSTFLAGS.MTIM && fst & FSTFLAGS.MTIM_NOW)) {
    fail(Errno.EINVAL);
  }
  const now = nowNs();
  let atimeNs: bigint | undefined;
  let mtimeNs: bigint | undefined;
  if (fst & FSTFLAGS.ATIM) atimeNs = atim;
  if (fst & FSTFLAGS.ATIM_NOW) atimeNs = now;
  if (fst & FSTFLAGS.MTIM) mtimeNs = mtim;
  if (fst & FSTFLAGS.MTIM_NOW) mtimeNs = now;
  return {
    ...(atimeNs !== undefined ? { atimeNs } : {}),
    ...(mtimeNs !== undefined ? { mtimeNs } : {}),
    // libdrydock (utimens.c) sends both *_NOW flags for times == NULL and for {UTIME_NOW, UTIME_NOW}; any other
    // combination (an explicit time, or one time "now" and the other omitted) is an explicit update.
    explicit: (fst & (FSTFLAGS.ATIM | FSTFLAGS.MTIM | FSTFLAGS.ATIM_NOW | FSTFLAGS.MTIM_NOW)) !== (FSTFLAGS.ATIM_NOW | FSTFLAGS.MTIM_NOW),
  };
}

/**
 * utimensat(2) / futimens(2). Setting both times to now needs the owner, root
 * or write permission (EACCES); any other change (an explicit time, or only
 * one time set to now) needs the owner or root (EPERM). A request that changes
 * nothing (both omitted) checks nothing, as Linux. Read-only mounts: EROFS.
 * futimens checks the file's permission bits, not the fd's open mode, as Linux.
 */
export function changeTimes(creds: Credentials, loc: Location, times: TimesRequest): void {
  if (times.atimeNs === undefined && times.mtimeNs === undefined) return;
  checkWritableMount(loc);
  const stat = loc.inode.stat();
  const owner = creds.uid === 0 || stat.uid === creds.uid;
  if (!owner) {
    if (times.explicit) fail(Errno.EPERM);
    if (!permits(stat, creds, MAY_WRITE)) fail(Errno.EACCES);
  }
  const change: AttrChange = {};
  if (times.atimeNs !== undefined) change.atimeNs = times.atimeNs;
  if (times.mtimeNs !== undefined) change.mtimeNs = times.mtimeNs;
  loc.inode.setAttr(change);
}
