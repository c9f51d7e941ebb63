/** User and host identity: uids, gids, uname, hostname. */
import { Errno, fail } from '../../common/errno.ts';
import { NGROUPS_MAX } from '../abi/linux.ts';
import type { SyscallEntry } from './context.ts';

const UTS_FIELD = 65;

/** What uname(2) reports besides the hostname. */
export const UNAME = {
  sysname: 'Linux',
  release: '6.1.0-drydock',
  version: '#1 SMP Drydock',
  machine: 'wasm32',
} as const;

export const IDENTITY_SYSCALLS: Record<string, SyscallEntry> = {
  getuid: { name: 'getuid', support: 'full', handler: (ctx) => ctx.proc.creds.uid },
  geteuid: { name: 'geteuid', support: 'full', handler: (ctx) => ctx.proc.creds.uid },
  getgid: { name: 'getgid', support: 'full', handler: (ctx) => ctx.proc.creds.gid },
  getegid: { name: 'getegid', support: 'full', handler: (ctx) => ctx.proc.creds.gid },
  setuid: {
    name: 'setuid',
    support: 'partial',
    note: 'one uid per process (real = effective = saved)',
    handler: (ctx) => {
      const uid = ctx.w.i32();
      if (uid < 0) fail(Errno.EINVAL);
      if (ctx.proc.creds.uid !== 0 && uid !== ctx.proc.creds.uid) fail(Errno.EPERM);
      ctx.proc.creds.uid = uid;
      return 0;
    },
  },
  setgid: {
    name: 'setgid',
    support: 'partial',
    note: 'one gid per process (real = effective = saved)',
    handler: (ctx) => {
      const gid = ctx.w.i32();
      if (gid < 0) fail(Errno.EINVAL);
      if (ctx.proc.creds.uid !== 0 && gid !== ctx.proc.creds.gid) fail(Errno.EPERM);
      ctx.proc.creds.gid = gid;
      return 0;
    },
  },
  getgroups: {
    name: 'getgroups',
    support: 'full',
    // in: u32 size. out: u32 count, then count u32 gids unless size is 0.
    handler: (ctx) => {
      const size = ctx.w.u32();
      const groups = ctx.proc.creds.groups;
      if (size !== 0 && size < groups.length) fail(Errno.EINVAL);
      const out = ctx.out().putU32(groups.length);
      if (size !== 0) for (const gid of groups) out.putU32(gid);
      return 0;
    },
  },
  setgroups: {
    name: 'setgroups',
    support: 'full',
    // in: u32 count, then count u32 gids (absent when count is over NGROUPS_MAX).
    handler: (ctx) => {
      const count = ctx.w.u32();
      if (ctx.proc.creds.uid !== 0) fail(Errno.EPERM);
      if (count > NGROUPS_MAX) fail(Errno.EINVAL);
      const groups: number[] = [];
      for (let i = 0; i < count; i++) groups.push(ctx.w.u32());
      ctx.proc.creds.groups = normalizeGroups(groups);
      return 0;
    },
  },
  uname: {
    name: 'uname',
    support: 'full',
    handler: (ctx) => {
      const bytes = ctx.out().reserve(UTS_FIELD * 6);
      bytes.fill(0);
      const encoder = new TextEncoder();
      const fields = [UNAME.sysname, ctx.proc.uts.hostname, UNAME.release, UNAME.version, UNAME.machine, ctx.proc.uts.domainname];
      fields.forEach((text, i) => bytes.set(encoder.encode(text).subarray(0, UTS_FIELD - 1), i * UTS_FIELD));
      return 0;
    },
  },
  sethostname: {
    name: 'sethostname',
    support: 'full',
    handler: (ctx) => {
      const name = ctx.text();
      if (ctx.proc.creds.uid !== 0) fail(Errno.EPERM);
      if (name.length > 64) fail(Errno.EINVAL);
      ctx.proc.uts.hostname = name;
      return 0;
    },
  },
};

/**
 * A supplementary group list as a process holds it: sorted by gid as Linux
 * keeps it (duplicates stay, as Linux keeps them). EINVAL for more than
 * NGROUPS_MAX groups or a gid outside 0..2^32-2 ((gid_t)-1 is no gid).
 */
export function normalizeGroups(groups: readonly number[]): number[] {
  if (groups.length > NGROUPS_MAX) fail(Errno.EINVAL, `more than ${NGROUPS_MAX} supplementary groups`);
  for (const gid of groups) {
    if (!Number.isInteger(gid) || gid < 0 || gid >= 0xffffffff) fail(Errno.EINVAL, `invalid group id ${gid}`);
  }
  return [...groups].sort((a, b) => a - b);
}
