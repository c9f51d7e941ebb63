import { Errno, fail } from '../../common/errno.ts';
import { nowNs } from '../../common/time.ts';
import { allocateDev } from '../../unionfs/memfs/memfs.ts';
import type { MountNamespace } from '../../unionfs/vfs/mount-namespace.ts';
import type { AttrChange, DirEntry, FileKind, FileSystem, Inode, Stat, StatFs } from '../../unionfs/vfs/types.ts';
import type { FileDescription } from '../fd/description.ts';
import { devicePath } from '../fd/devices.ts';
import { InodeDescription } from '../fd/inode-file.ts';
import { PipeReadEnd, PipeWriteEnd } from '../fd/pipe.ts';
import type { PidNamespace } from '../proc/namespaces.ts';
import type { Process } from '../proc/process.ts';
import { UNAME } from '../syscalls/identity.ts';
import { NetworkNamespace } from '../../net/namespace.ts';
import { procNetDev, procNetRoute, procNetTcp, procNetUdp } from '../../net/proc-net.ts';

/** Clock ticks per second in /proc (Linux's USER_HZ). */
export const USER_HZ = 100;

/** What procfs needs from the kernel. */
export interface ProcfsHost {
  /** The process whose system call is being served (Linux's `current`), for /proc/self. */
  readonly current: Process | null;
  /** When the kernel started (ms since the epoch), for uptime and start times. */
  readonly bootTimeMs: number;
  /** Memory to report in /proc/meminfo when a process's group has no limit (bytes). */
  readonly memoryTotal: number;
}

const encoder = new TextEncoder();

type Content = () => string;
type Children = () => Map<string, () => Inode>;

/**
 * /proc as seen from one PID namespace (one instance per container). Files
 * are generated when an inode is looked up and frozen at the first read, so
 * a reader sees a consistent snapshot, as Linux's seq files give. Formats
 * follow Linux (proc(5)), since busybox's ps, top, free and uptime parse them.
 *
 * Invariant: `self` and /proc/mounts depend on the calling process; they are
 * resolved through `host.current`, which the dispatcher sets while a
 * syscall handler runs synchronously.
 */
export class ProcFs implements FileSystem {
  readonly dev = allocateDev();
  readonly type = 'proc';
  readonly readOnly = true;
  private readonly inos = new Map<string, number>();
  private nextIno = 1;

  constructor(
    readonly host: ProcfsHost,
    readonly pidns: PidNamespace,
  ) {}

  ino(path: string): number {
    let ino = this.inos.get(path);
    if (ino === undefined) {
      ino = this.nextIno++;
      this.inos.set(path, ino);
    }
    return ino;
  }

  root(): Inode {
    return new ProcDirInode(this, '/', 0o555, () => this.rootChildren(), null);
  }

  statfs(): StatFs {
    return { blockSize: 4096, totalBlocks: 0, freeBlocks: 0, files: 0 };
  }

  async sync(): Promise<void> {}

  private visible(): Map<number, Process> {
    const out = new Map<number, Process>();
    for (const [pid, proc] of this.pidns.members) if (proc.state !== 'reaped') out.set(pid, proc);
    return out;
  }

  private caller(): Process | null {
    const current = this.host.current;
    return current && current.pidIn(this.pidns) !== 0 ? current : null;
  }

  private rootChildren(): Map<string, () => Inode> {
    const children = new Map<string, () => Inode>();
    for (const [pid, proc] of [...this.visible()].sort((a, b) => a[0] - b[0])) {
      children.set(String(pid), () => this.processDir(pid, proc));
    }
    const file = (name: string, content: Content) =>
      children.set(name, () => new ProcFileInode(this, `/${name}`, 0o444, content));
    children.set('self', () =>
      new ProcLinkInode(this, '/self', () => {
        const me = this.caller();
        if (!me) fail(Errno.ENOENT);
        return String(me.pidIn(this.pidns));
      }),
    );
    children.set('thread-self', () =>
      new ProcLinkInode(this, '/thread-self', () => {
        const me = this.caller();
        if (!me) fail(Errno.ENOENT);
        const pid = me.pidIn(this.pidns);
        return `${pid}/task/${pid}`;
      }),
    );
    file('meminfo', () => this.meminfo());
    file('uptime', () => {
      const up = (Date.now() - this.host.bootTimeMs) / 1000;
      return `${up.toFixed(2)} ${(up * 0.9).toFixed(2)}\n`;
    });
    file('loadavg', () => {
      const procs = [...this.visible().values()];
      const running = procs.filter((p) => p.alive && !p.inSyscall).length;
      const last = Math.max(0, ...this.visible().keys());
      return `0.00 0.00 0.00 ${running}/${procs.length} ${last}\n`;
    });
    file('mounts', () => this.mounts());
    // As Linux: /proc/net is the caller's /proc/self/net (its network namespace).
    children.set('net', () => new ProcLinkInode(this, '/net', () => 'self/net'));
    file('version', () => `${UNAME.sysname} version ${UNAME.release} (drydock) ${UNAME.version}\n`);
    file('cpuinfo', () => 'processor\t: 0\nvendor_id\t: Drydock\nmodel name\t: WebAssembly (wasm32)\n\n');
    file('stat', () => this.stat());
    file('filesystems', () => 'nodev\tproc\nnodev\ttmpfs\nnodev\toverlay\n');
    children.set('sys', () =>
      new ProcDirInode(this, '/sys', 0o555, () => {
        const sys = new Map<string, () => Inode>();
        sys.set('kernel', () =>
          new ProcDirInode(this, '/sys/kernel', 0o555, () => {
            const kernel = new Map<string, () => Inode>();
            kernel.set('hostname', () =>
              new ProcFileInode(this, '/sys/kernel/hostname', 0o644, () => `${this.caller()?.uts.hostname ?? ''}\n`),
            );
            kernel.set('ostype', () => new ProcFileInode(this, '/sys/kernel/ostype', 0o444, () => `${UNAME.sysname}\n`));
            kernel.set('osrelease', () => new ProcFileInode(this, '/sys/kernel/osrelease', 0o444, () => `${UNAME.release}\n`));
            kernel.set('pid_max', () => new ProcFileInode(this, '/sys/kernel/pid_max', 0o644, () => '4194304\n'));
            return kernel;
          }, null),
        );
        return sys;
      }, null),
    );
    return children;
  }

  private processDir(pid: number, proc: Process): Inode {
    const base = `/${pid}`;
    return new ProcDirInode(
      this,
      base,
      0o555,
      () => {
        const children = new Map<string, () => Inode>();
        const file = (name: string, content: Content, mode = 0o444) =>
          children.set(name, () => new ProcFileInode(this, `${base}/${name}`, mode, content, proc));
        file('stat', () => this.processStat(pid, proc));
        file('status', () => this.processStatus(pid, proc));
        file('cmdline', () => (proc.alive ? `${proc.args.join('\0')}\0` : ''));
        file('comm', () => `${commOf(proc)}\n`);
        file('environ', () => (proc.alive ? `${proc.env.join('\0')}\0` : ''), 0o400);
        file('mounts', () => this.mountsOf(proc.mounts));
        children.set('net', () => this.netDir(base, proc));
        children.set('cwd', () => new ProcLinkInode(this, `${base}/cwd`, () => proc.cwd.path, proc));
        children.set('exe', () => new ProcLinkInode(this, `${base}/exe`, () => proc.exe, proc));
        children.set('root', () => new ProcLinkInode(this, `${base}/root`, () => '/', proc));
        children.set('fd', () => this.fdDir(base, proc));
        return children;
      },
      proc,
    );
  }

  /**
   * /proc/PID/net: the process's network namespace in Linux's formats
   * (busybox netstat, route and ip read these). A process without a
   * namespace of the network stack (a bare kernel) sees empty tables.
   */
  private netDir(base: string, proc: Process): Inode {
    return new ProcDirInode(
      this,
      `${base}/net`,
      0o555,
      () => {
        const children = new Map<string, () => Inode>();
        const ns = proc.net instanceof NetworkNamespace ? proc.net : null;
        const file = (name: string, content: (ns: NetworkNamespace) => string) =>
          children.set(name, () => new ProcFileInode(this, `${base}/net/${name}`, 0o444, () => (ns ? content(ns) : ''), proc));
        file('dev', procNetDev);
        file('route', procNetRoute);
        file('tcp', (n) => procNetTcp(n, 4));
        file('tcp6', (n) => procNetTcp(n, 6));
        file('udp', (n) => procNetUdp(n, 4));
        file('udp6', (n) => procNetUdp(n, 6));
        return children;
      },
      proc,
    );
  }

  private fdDir(base: string, proc: Process): Inode {
    return new ProcDirInode(
      this,
      `${base}/fd`,
      0o500,
      () => {
        const children = new Map<string, () => Inode>();
        if (!proc.alive) return children;
        for (const [fd, entry] of proc.fds) {
          if (fd >= 1023) continue;
          const description = entry.description;
          children.set(String(fd), () =>
            new ProcLinkInode(this, `${base}/fd/${fd}`, () => describe(description), proc, description),
          );
        }
        return children;
      },
      proc,
    );
  }

  private meminfo(): string {
    const me = this.caller();
    const limit = me?.group.memoryLimit ?? null;
    const total = Math.floor((limit ?? this.host.memoryTotal) / 1024);
    const used = Math.floor((me ? me.group.memoryBytes() : 0) / 1024);
    const free = Math.max(0, total - used);
    const line = (name: string, kb: number) => `${`${name}:`.padEnd(16)}${String(kb).padStart(8)} kB\n`;
    return (
      line('MemTotal', total) +
      line('MemFree', free) +
      line('MemAvailable', free) +
      line('Buffers', 0) +
      line('Cached', 0) +
      line('SwapCached', 0) +
      line('Active', used) +
      line('Inactive', 0) +
      line('SwapTotal', 0) +
      line('SwapFree', 0) +
      line('Shmem', 0) +
      line('Slab', 0)
    );
  }

  private mounts(): string {
    const me = this.caller();
    return me ? this.mountsOf(me.mounts) : '';
  }

  private mountsOf(mounts: MountNamespace): string {
    return mounts
      .list()
      .map((m) => {
        const options = [m.readOnly ? 'ro' : 'rw', m.options].filter((o) => o !== '').join(',');
        return `${m.source} ${m.path} ${m.fs.type} ${options} 0 0\n`;
      })
      .join('');
  }

  private stat(): string {
    let busy = 0;
    for (const proc of this.visible().values()) busy += proc.cpuMicros();
    const uptimeTicks = Math.floor(((Date.now() - this.host.bootTimeMs) / 1000) * USER_HZ);
    const user = Math.floor((busy / 1e6) * USER_HZ);
    const idle = Math.max(0, uptimeTicks - user);
    const procs = [...this.visible().values()];
    return (
      `cpu  ${user} 0 0 ${idle} 0 0 0 0 0 0\n` +
      `cpu0 ${user} 0 0 ${idle} 0 0 0 0 0 0\n` +
      `btime ${Math.floor(this.host.bootTimeMs / 1000)}\n` +
      `processes ${procs.length}\n` +
      `procs_running ${procs.filter((p) => p.alive && !p.inSyscall).length}\n` +
      'procs_blocked 0\n'
    );
  }

  private processStat(pid: number, proc: Process): string {
    const ns = this.pidns;
    const ppid = proc.parent ? proc.parent.pidIn(ns) : 0;
    const ticks = Math.floor((proc.cpuMicros() / 1e6) * USER_HZ);
    const start = Math.floor(((proc.startedAt - this.host.bootTimeMs) / 1000) * USER_HZ);
    const vsize = proc.memoryBytes();
    const rss = Math.ceil(vsize / 4096);
    const fields = [
      pid,
      `(${commOf(proc)})`,
      stateOf(proc),
      ppid,
      proc.pgid,
      proc.sid,
      0, // tty_nr
      -1, // tpgid
      0x400000, // flags
      0,
      0,
      0,
      0,
      ticks, // utime
      0, // stime
      0,
      0,
      20, // priority
      0, // nice
      1, // threads
      0,
      start,
      vsize,
      rss,
      '18446744073709551615',
      ...new Array<number>(27).fill(0),
    ];
    fields[37] = 17; // exit_signal (SIGCHLD)
    return `${fields.join(' ')}\n`;
  }

  private processStatus(pid: number, proc: Process): string {
    const ns = this.pidns;
    const ppid = proc.parent ? proc.parent.pidIn(ns) : 0;
    const state = stateOf(proc);
    const names: Record<string, string> = { R: 'R (running)', S: 'S (sleeping)', Z: 'Z (zombie)' };
    const kb = Math.ceil(proc.memoryBytes() / 1024);
    const { uid, gid } = proc.creds;
    return [
      `Name:\t${commOf(proc)}`,
      `Umask:\t${proc.umask.toString(8).padStart(4, '0')}`,
      `State:\t${names[state]}`,
      `Tgid:\t${pid}`,
      `Pid:\t${pid}`,
      `PPid:\t${ppid}`,
      `Uid:\t${uid}\t${uid}\t${uid}\t${uid}`,
      `Gid:\t${gid}\t${gid}\t${gid}\t${gid}`,
      `FDSize:\t${proc.fds.size}`,
      // Linux prints each gid followed by a space ("Groups:\t0 10 "), and nothing but the tab for none.
      `Groups:\t${proc.creds.groups.map((g) => `${g} `).join('')}`,
      `VmPeak:\t${String(kb).padStart(8)} kB`,
      `VmSize:\t${String(kb).padStart(8)} kB`,
      `VmRSS:\t${String(kb).padStart(8)} kB`,
      'Threads:\t1',
      `SigPnd:\t${proc.signals.pending.toString(16).padStart(16, '0')}`,
      `SigBlk:\t${proc.signals.mask.toString(16).padStart(16, '0')}`,
      '',
    ].join('\n');
  }
}

function stateOf(proc: Process): 'R' | 'S' | 'Z' {
  if (proc.state !== 'running') return 'Z';
  return proc.inSyscall ? 'S' : 'R';
}

/** The process name (15 characters at most, as Linux's comm). */
function commOf(proc: Process): string {
  const name = proc.args[0] ?? proc.exe;
  return (name.slice(name.lastIndexOf('/') + 1) || proc.exe).slice(0, 15);
}

/** What /proc/PID/fd/N points to, in Linux's words. */
function describe(d: FileDescription): string {
  if (d instanceof InodeDescription) return d.location.path;
  if (d instanceof PipeReadEnd || d instanceof PipeWriteEnd) return `pipe:[${d.pipe.ino}]`;
  if (d.tty) return '/dev/pts/0';
  const stat = d.stat();
  const device = stat.kind === 'chardev' ? devicePath(stat.rdev ?? 0) : null;
  if (device) return device;
  return stat.kind === 'socket' ? `socket:[${stat.ino}]` : `anon_inode:[${stat.kind}]`;
}

abstract class ProcInode implements Inode {
  readonly ino: number;
  abstract readonly kind: FileKind;

  constructor(
    readonly fs: ProcFs,
    readonly path: string,
    readonly mode: number,
    /** The process this entry belongs to (owner uid/gid), or null for global entries. */
    readonly owner: Process | null = null,
  ) {
    this.ino = fs.ino(path);
  }

  stat(): Stat {
    const now = nowNs();
    return {
      dev: this.fs.dev,
      ino: this.ino,
      kind: this.kind,
      mode: this.mode,
      nlink: this.kind === 'dir' ? 2 : 1,
      uid: this.owner?.creds.uid ?? 0,
      gid: this.owner?.creds.gid ?? 0,
      rdev: 0,
      size: 0,
      blocks: 0,
      atimeNs: now,
      mtimeNs: now,
      ctimeNs: now,
    };
  }

  setAttr(_change: AttrChange): void {
    fail(Errno.EPERM);
  }
  read(_offset: number, _length: number): Uint8Array {
    return fail(Errno.EINVAL);
  }
  write(): number {
    return fail(Errno.EACCES);
  }
  lookup(_name: string): Inode | null {
    return fail(Errno.ENOTDIR);
  }
  entries(_cookie: bigint): Iterable<DirEntry> {
    return fail(Errno.ENOTDIR);
  }
  create(): Inode {
    return fail(Errno.EACCES);
  }
  link(): void {
    fail(Errno.EACCES);
  }
  unlink(): void {
    fail(Errno.EACCES);
  }
  rmdir(): void {
    fail(Errno.EACCES);
  }
  rename(): void {
    fail(Errno.EACCES);
  }
  readlink(): string {
    return fail(Errno.EINVAL);
  }
}

class ProcDirInode extends ProcInode {
  readonly kind = 'dir';
  private cached: Map<string, () => Inode> | null = null;

  constructor(fs: ProcFs, path: string, mode: number, private readonly children: Children, owner: Process | null) {
    super(fs, path, mode, owner);
  }

  private map(): Map<string, () => Inode> {
    // Each lookup of a directory gets a fresh inode, so caching per inode is a per-open snapshot.
    this.cached ??= this.children();
    return this.cached;
  }

  override lookup(name: string): Inode | null {
    const make = this.children().get(name);
    return make ? make() : null;
  }

  override *entries(cookie: bigint): Iterable<DirEntry> {
    let index = 0n;
    for (const [name, make] of this.map()) {
      index++;
      if (index <= cookie) continue;
      const inode = make();
      yield { name, ino: inode.ino, kind: inode.kind, cookie: index };
    }
  }
}

class ProcFileInode extends ProcInode {
  readonly kind = 'file';
  private snapshot: Uint8Array | null = null;

  constructor(fs: ProcFs, path: string, mode: number, private readonly content: Content, owner: Process | null = null) {
    super(fs, path, mode, owner);
  }

  private bytes(): Uint8Array {
    this.snapshot ??= encoder.encode(this.content());
    return this.snapshot;
  }

  override read(offset: number, length: number): Uint8Array {
    return this.bytes().subarray(offset, offset + length);
  }
}

class ProcLinkInode extends ProcInode {
  readonly kind = 'symlink';

  constructor(
    fs: ProcFs,
    path: string,
    private readonly target: () => string,
    owner: Process | null = null,
    /** For /proc/PID/fd/N: the open file it designates (a magic link). */
    readonly magic?: FileDescription,
  ) {
    super(fs, path, 0o777, owner);
  }

  override readlink(): string {
    return this.target();
  }
}
