/** Process calls: WASI proc_*, drydock spawn/execve/waitpid/kill/ids/cwd, and the runtime's exit reports. */
import { Errno, fail } from '../../common/errno.ts';
import { LIBC_O, SIG, exitedStatus, signaledStatus } from '../abi/linux.ts';
import { FAULT } from '../abi/syscalls.ts';
import { WASI_SIGNAL_TO_LINUX } from '../abi/wasi.ts';
import type { Location } from '../../unionfs/vfs/mount-namespace.ts';
import { MAY_EXEC, permits } from '../../unionfs/vfs/credentials.ts';
import { InodeDescription } from '../fd/inode-file.ts';
import { rightsFor } from '../fd/rights.ts';
import type { FdTable } from '../fd/fd-table.ts';
import { TIMED_OUT, blockUntil } from '../proc/blocking.ts';
import type { Process } from '../proc/process.ts';
import type { SyscallContext, SyscallEntry } from './context.ts';
import { openPath } from './path.ts';

const FA = { OPEN: 0, CLOSE: 1, DUP2: 2, CHDIR: 3, FCHDIR: 4 } as const;
const SPAWN = { SETPGROUP: 0x01, SETSID: 0x02, SETSIGMASK: 0x04, SETSIGDEF: 0x08, SETCWD: 0x10 } as const;
const WNOHANG = 1;

function strings(ctx: SyscallContext): string[] {
  const count = ctx.w.u32();
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(ctx.text());
  return out;
}

/** Resolves a directory for chdir-like operations (ENOTDIR, EACCES without search permission). */
function directoryAt(proc: Process, from: Location, path: string): Location {
  const loc = proc.mounts.resolve(from, path, { follow: true, creds: proc.creds });
  if (loc.inode.kind !== 'dir') fail(Errno.ENOTDIR);
  if (!permits(loc.inode.stat(), proc.creds, MAY_EXEC)) fail(Errno.EACCES);
  return loc;
}

/** Applies posix_spawn file actions to the child's fd table, as the child would. */
function applyFileActions(ctx: SyscallContext, fds: FdTable, cwd: { loc: Location }): void {
  const count = ctx.w.u32();
  for (let i = 0; i < count; i++) {
    const op = ctx.w.u32();
    const fd = ctx.w.i32();
    const srcfd = ctx.w.i32();
    const oflags = ctx.w.i32();
    const mode = ctx.w.u32();
    const path = ctx.text();
    switch (op) {
      case FA.OPEN: {
        const readable = (oflags & LIBC_O.RDONLY) !== 0;
        const writable = (oflags & LIBC_O.WRONLY) !== 0;
        const description = openPath(ctx.proc, cwd.loc, path, {
          follow: (oflags & LIBC_O.NOFOLLOW) === 0,
          create: (oflags & LIBC_O.CREAT) !== 0,
          exclusive: (oflags & LIBC_O.EXCL) !== 0,
          truncate: (oflags & LIBC_O.TRUNC) !== 0,
          directory: (oflags & LIBC_O.DIRECTORY) !== 0,
          readable,
          writable,
          mode: mode & 0o7777,
        });
        description.fdflags = oflags & (LIBC_O.APPEND | LIBC_O.NONBLOCK);
        fds.set(fd, { description, cloexec: false, ...rightsFor(description) });
        break;
      }
      case FA.CLOSE:
        if (fds.has(fd)) fds.close(fd);
        break;
      case FA.DUP2:
        if (srcfd === fd) fds.get(fd).cloexec = false;
        else fds.set(fd, { ...fds.get(srcfd), cloexec: false, preopenName: undefined });
        break;
      case FA.CHDIR:
        cwd.loc = directoryAt(ctx.proc, cwd.loc, path);
        break;
      case FA.FCHDIR: {
        const d = fds.get(srcfd).description;
        if (!(d instanceof InodeDescription) || d.inode.kind !== 'dir') fail(Errno.ENOTDIR);
        cwd.loc = d.location;
        break;
      }
      default:
        fail(Errno.EINVAL);
    }
  }
}

function spawn(ctx: SyscallContext): Promise<number> | number {
  const proc = ctx.proc;
  const path = ctx.path();
  const argv = strings(ctx);
  const env = strings(ctx);
  const flags = ctx.w.u32();
  const pgroup = ctx.w.i32();
  const sigmask = ctx.w.u64();
  const sigdefault = ctx.w.u64();
  const cwdPath = ctx.text();
  // As POSIX: file actions see the parent's fds (close-on-exec ones included), then the exec closes those still marked.
  const fds = proc.fds.clone(false);
  try {
    const cwd = { loc: proc.cwd };
    if (flags & SPAWN.SETCWD && cwdPath !== '') cwd.loc = directoryAt(proc, proc.cwd, cwdPath);
    applyFileActions(ctx, fds, cwd);
    fds.closeOnExec();
    return ctx.kernel
      .spawnChild(proc, {
        path,
        argv,
        env,
        fds,
        cwd: cwd.loc,
        pgroup: flags & SPAWN.SETPGROUP ? pgroup : null,
        setsid: (flags & SPAWN.SETSID) !== 0,
        sigmask: flags & SPAWN.SETSIGMASK ? sigmask : null,
        sigdefault: flags & SPAWN.SETSIGDEF ? sigdefault : 0n,
      })
      .then(
        (child) => {
          ctx.out().putI32(child.pidIn(proc.pidns));
          return 0;
        },
        (error: unknown) => {
          fds.closeAll();
          throw error;
        },
      );
  } catch (error) {
    fds.closeAll();
    throw error;
  }
}

/** The children of `proc` that waitpid(pid) selects. */
function selectChildren(proc: Process, pid: number): Process[] {
  return [...proc.children].filter((child) => {
    if (pid > 0) return child.pidIn(proc.pidns) === pid;
    if (pid === -1) return true;
    if (pid === 0) return child.pgid === proc.pgid;
    return child.pgid === -pid;
  });
}

function waitpid(ctx: SyscallContext): number | Promise<number> {
  const pid = ctx.w.i32();
  const options = ctx.w.i32();
  const proc = ctx.proc;
  const reapOne = (): Process | null | undefined => {
    const matching = selectChildren(proc, pid);
    if (matching.length === 0) fail(Errno.ECHILD);
    return matching.find((c) => c.state === 'zombie') ?? null;
  };
  const answer = (child: Process | null): number => {
    if (!child) {
      ctx.out().putI32(0).putI32(0);
      return 0;
    }
    const status = child.exitInfo!.status;
    const childPid = child.pidIn(proc.pidns);
    ctx.kernel.reap(child);
    ctx.out().putI32(childPid).putI32(status);
    return 0;
  };
  const now = reapOne();
  if (now || options & WNOHANG) return answer(now ?? null);
  return blockUntil(proc, [proc.childEvents], () => reapOne() ?? undefined).then((child) => {
    if (child === TIMED_OUT) fail(Errno.ETIMEDOUT);
    return answer(child);
  });
}

/** May `sender` signal `target`? (root, or the same user). */
function maySignal(sender: Process, target: Process): boolean {
  return sender.creds.uid === 0 || sender.creds.uid === target.creds.uid;
}

function kill(ctx: SyscallContext): number {
  const pid = ctx.w.i32();
  const sig = ctx.w.i32();
  const proc = ctx.proc;
  if (sig < 0 || sig > 64) fail(Errno.EINVAL);
  const ns = proc.pidns;
  let targets: Process[];
  if (pid > 0) {
    const target = ns.members.get(pid);
    if (!target || target.state === 'reaped') fail(Errno.ESRCH);
    targets = [target];
  } else {
    const members = [...ns.members.values()].filter((p) => p.alive && p.pidns === ns);
    if (pid === 0) targets = members.filter((p) => p.pgid === proc.pgid);
    else if (pid === -1) targets = members.filter((p) => p !== proc && p !== ns.init);
    else targets = members.filter((p) => p.pgid === -pid);
    if (targets.length === 0) fail(Errno.ESRCH);
  }
  const allowed = targets.filter((t) => maySignal(proc, t));
  if (allowed.length === 0) fail(Errno.EPERM);
  for (const target of allowed) ctx.kernel.signal(target, sig, proc);
  return 0;
}

function targetOf(proc: Process, pid: number): Process {
  if (pid === 0) return proc;
  const target = proc.pidns.members.get(pid);
  if (!target || target.state === 'reaped') fail(Errno.ESRCH);
  return target;
}

export const PROCESS_SYSCALLS: Record<string, SyscallEntry> = {
  // A preemption point: answered at once; the answer delivers pending signals, and the dispatcher
  // holds a frozen process before taking it.
  sched_yield: {
    name: 'sched_yield',
    support: 'full',
    handler: () => 0,
  },
  proc_exit: {
    name: 'proc_exit',
    support: 'full',
    handler: (ctx) => {
      const code = ctx.w.u32();
      ctx.kernel.exit(ctx.proc, { status: exitedStatus(code) });
      return 0;
    },
  },
  proc_raise: {
    name: 'proc_raise',
    support: 'full',
    handler: (ctx) => {
      const wasiSignal = ctx.w.u32();
      const sig = WASI_SIGNAL_TO_LINUX[wasiSignal];
      if (sig === undefined || sig === 0) fail(Errno.EINVAL);
      ctx.kernel.signal(ctx.proc, sig, ctx.proc);
      return 0;
    },
  },
  spawn: { name: 'spawn', support: 'full', handler: spawn },
  execve: {
    name: 'execve',
    support: 'full',
    handler: (ctx) => {
      const path = ctx.path();
      const argv = strings(ctx);
      const env = strings(ctx);
      return ctx.kernel.exec(ctx.proc, path, argv, env).then(() => 0);
    },
  },
  waitpid: { name: 'waitpid', support: 'partial', note: 'WUNTRACED reports nothing: processes are never stopped', handler: waitpid },
  kill: { name: 'kill', support: 'full', handler: kill },
  getpid: { name: 'getpid', support: 'full', handler: (ctx) => ctx.proc.localPid },
  getppid: {
    name: 'getppid',
    support: 'full',
    handler: (ctx) => ctx.proc.parent?.pidIn(ctx.proc.pidns) ?? 0,
  },
  getpgid: {
    name: 'getpgid',
    support: 'full',
    handler: (ctx) => {
      ctx.out().putI32(targetOf(ctx.proc, ctx.w.i32()).pgid);
      return 0;
    },
  },
  setpgid: {
    name: 'setpgid',
    support: 'full',
    handler: (ctx) => {
      const pid = ctx.w.i32();
      const pgid = ctx.w.i32();
      if (pgid < 0) fail(Errno.EINVAL);
      const target = targetOf(ctx.proc, pid);
      if (target !== ctx.proc && target.parent !== ctx.proc) fail(Errno.ESRCH);
      if (target.sid !== ctx.proc.sid) fail(Errno.EPERM);
      target.pgid = pgid === 0 ? target.localPid : pgid;
      return 0;
    },
  },
  getsid: {
    name: 'getsid',
    support: 'full',
    handler: (ctx) => {
      ctx.out().putI32(targetOf(ctx.proc, ctx.w.i32()).sid);
      return 0;
    },
  },
  setsid: {
    name: 'setsid',
    support: 'full',
    handler: (ctx) => {
      const proc = ctx.proc;
      if (proc.pgid === proc.localPid) fail(Errno.EPERM);
      proc.pgid = proc.sid = proc.localPid;
      ctx.out().putI32(proc.sid);
      return 0;
    },
  },
  getcwd: {
    name: 'getcwd',
    support: 'full',
    handler: (ctx) => {
      ctx.out().putString(ctx.proc.cwd.path);
      return 0;
    },
  },
  chdir: {
    name: 'chdir',
    support: 'full',
    handler: (ctx) => {
      const path = ctx.path();
      ctx.proc.cwd = directoryAt(ctx.proc, ctx.proc.cwd, path);
      return 0;
    },
  },
  guest_fault: {
    name: 'guest_fault',
    support: 'full',
    handler: (ctx) => {
      const kind = ctx.w.u32();
      const message = ctx.text();
      const proc = ctx.proc;
      if (kind === FAULT.OOM) {
        ctx.kernel.exit(proc, { status: signaledStatus(SIG.KILL), oomKilled: true, error: 'out of memory' });
      } else if (kind === FAULT.LINK) {
        ctx.kernel.exit(proc, { status: exitedStatus(127), error: message });
      } else {
        ctx.kernel.exit(proc, { status: signaledStatus(trapSignal(kind, message)), error: `wasm trap: ${message}` });
      }
      return 0;
    },
  },
  guest_return: {
    name: 'guest_return',
    support: 'full',
    handler: (ctx) => {
      ctx.kernel.exit(ctx.proc, { status: exitedStatus(0) });
      return 0;
    },
  },
};

/** The signal a Linux process would have died of, for each kind of wasm trap. */
export function trapSignal(kind: number, message: string): number {
  if (kind === FAULT.STACK) return SIG.SEGV;
  const m = message.toLowerCase();
  if (m.includes('unreachable')) return SIG.ABRT;
  if (m.includes('divide by zero') || m.includes('remainder by zero') || m.includes('integer overflow') || m.includes('float unrepresentable') || m.includes('invalid conversion')) {
    return SIG.FPE;
  }
  return SIG.SEGV;
}
