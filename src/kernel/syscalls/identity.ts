/** User and host identity: uids, gids, uname, hostname. */
import { Errno, fail } from '../../common/errno.ts';
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
