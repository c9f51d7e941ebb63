import { Errno, fail } from '../common/errno.ts';
import type { Location, MountNamespace } from '../unionfs/vfs/mount-namespace.ts';
import type { WorkerHost } from '../platform/types.ts';
import { SIG, defaultAction, exitCodeOf, exitedStatus, signaledStatus } from './abi/linux.ts';
import { RIGHTS_DIRECTORY, RIGHTS_DIRECTORY_INHERITING } from './abi/wasi.ts';
import { KernelChannel, createChannelBuffer, resetChannelBuffer } from './channel/channel.ts';
import { normalizeGroups } from './syscalls/identity.ts';
import { ModuleCache } from './exec/module-cache.ts';
import type { Instrumenter } from './exec/module-cache.ts';
import { instrumentMemory, planMemory } from './exec/memory-limit.ts';
import { resolveProgram } from './exec/program-loader.ts';
import type { ResolvedProgram } from './exec/program-loader.ts';
import type { FileDescription } from './fd/description.ts';
import { FdTable, ROOT_FD } from './fd/fd-table.ts';
import { InodeDescription } from './fd/inode-file.ts';
import { hintFor } from './fd/hints.ts';
import { rightsFor } from './fd/rights.ts';
import type { StartMessage } from './guest/messages.ts';
import { serveSyscalls } from './dispatcher.ts';
import { PidNamespace, UtsNamespace } from './proc/namespaces.ts';
import type { NetworkNamespaceHandle } from './proc/namespaces.ts';
import type { ProcessCredentials, ProcessExit } from './proc/process.ts';
import { Process } from './proc/process.ts';
import { ResourceGroup } from './proc/resource-group.ts';
import { DISPOSITION, SignalState, sigbit } from './proc/signals.ts';
import { WorkerPool } from './worker-pool.ts';
import type { ProcfsHost } from './fs/procfs.ts';
import type { PooledWorker } from './worker-pool.ts';

export interface KernelOptions {
  readonly workerHost: WorkerHost;
  /** Yields to the platform's event loop (a macrotask), so long syscall bursts do not starve I/O. */
  readonly yieldToEventLoop: () => Promise<void>;
  /** Idle process workers kept warm (default 1). */
  readonly warmWorkers?: number;
  /** Rewrites modules before compiling them (default: instrumentMemory, which enforces memory limits). */
  readonly instrument?: Instrumenter;
  /** Hostname of the root UTS namespace. */
  readonly hostname?: string;
  /** Called after every syscall (strace-like debugging). */
  readonly trace?: SyscallTracer;
  /** Memory shown as MemTotal in /proc/meminfo when a container has no limit (default 4 GiB). */
  readonly memoryTotal?: number;
}

export type SyscallTracer = (pid: number, name: string, result: number) => void;

/** An extra preopened directory (as wasmtime's --dir), placed at fd 3, 4, ... */
export interface Preopen {
  /** The name the guest sees (fd_prestat_dir_name). */
  readonly name: string;
  /** Where it is in the process's mount namespace. */
  readonly path: string;
}

export interface SpawnOptions {
  /** The program, resolved in `mounts` from `cwd` (or only its name, with `module`). */
  readonly path: string;
  /** The program's bytes, when it comes from outside the mount namespace (`drydock wasm run FILE`). */
  readonly module?: Uint8Array;
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly mounts: MountNamespace;
  /** Working directory (default "/"). */
  readonly cwd?: string;
  /** PID namespace: an existing one, "new" (the process is its init), or the root (default). */
  readonly pidns?: PidNamespace | 'new';
  readonly uts?: UtsNamespace;
  readonly net?: NetworkNamespaceHandle | null;
  readonly creds?: { uid: number; gid: number; groups?: number[] };
  readonly group?: ResourceGroup;
  /** Descriptions for fds 0, 1, 2 (each stays shared with the caller). */
  readonly stdio: readonly [FileDescription, FileDescription, FileDescription];
  readonly preopens?: readonly Preopen[];
  readonly umask?: number;
}

/** A guest spawn request, decoded (see syscalls/process.ts). */
export interface ChildSpec {
  readonly path: string;
  readonly argv: string[];
  readonly env: string[];
  readonly fds: FdTable;
  /** The child's working directory (after file actions), or null for the parent's. */
  readonly cwd: Location | null;
  readonly pgroup: number | null;
  readonly setsid: boolean;
  readonly sigmask: bigint | null;
  readonly sigdefault: bigint;
}

/**
 * The Drydock micro-kernel: the process table, namespaces, signals and
 * program loading. Every process is a wasm instance in a worker; the kernel
 * owns its fds, files and pipes, and serves its system calls (dispatcher.ts).
 *
 * Sender semantics for signals: `signal(target, sig, sender)` with sender
 * null means "from the host" (the engine, the CLI), which is outside every
 * container's PID namespace.
 */
/** Spare channel buffers kept for reuse (each is about 200 KiB). */
const MAX_SPARE_CHANNELS = 16;

export class Kernel implements ProcfsHost {
  readonly rootPidns = new PidNamespace(null);
  /** The process whose syscall handler is running synchronously (Linux's `current`); see dispatcher.ts. */
  current: Process | null = null;
  readonly bootTimeMs = Date.now();
  readonly memoryTotal: number;
  readonly rootUts: UtsNamespace;
  /** Every process with a global PID (running or zombie). */
  readonly processes = new Map<number, Process>();
  readonly modules: ModuleCache;
  readonly pool: WorkerPool;
  readonly yieldToEventLoop: () => Promise<void>;
  readonly trace: SyscallTracer | null;
  private readonly rootGroup = new ResourceGroup('/');
  private nextGlobalPid = 1;
  /** Channel buffers of finished processes, for new ones. */
  private readonly spareChannels: SharedArrayBuffer[] = [];

  constructor(options: KernelOptions) {
    this.rootUts = new UtsNamespace(options.hostname ?? 'drydock');
    this.modules = new ModuleCache(options.instrument ?? instrumentMemory);
    this.pool = new WorkerPool(options.workerHost, options.warmWorkers ?? 1);
    this.yieldToEventLoop = options.yieldToEventLoop;
    this.trace = options.trace ?? null;
    this.memoryTotal = options.memoryTotal ?? 4 * 1024 ** 3;
    this.pool.prewarm();
  }

  /** Starts a process from the host side (its parent is the host: the kernel reaps it). */
  async spawn(options: SpawnOptions): Promise<Process> {
    const fds = new FdTable();
    options.stdio.forEach((description, fd) => fds.set(fd, { description, cloexec: false, ...rightsFor(description) }));
    const root = options.mounts.root();
    const creds: ProcessCredentials = {
      uid: options.creds?.uid ?? 0,
      gid: options.creds?.gid ?? 0,
      groups: normalizeGroups(options.creds?.groups ?? []),
    };
    const cwd = options.mounts.resolve(root, options.cwd ?? '/', { follow: true, creds });
    if (cwd.inode.kind !== 'dir') fail(Errno.ENOTDIR, `working directory ${options.cwd}`);
    for (const preopen of options.preopens ?? []) {
      const loc = options.mounts.resolve(root, preopen.path, { follow: true, creds });
      if (loc.inode.kind !== 'dir') fail(Errno.ENOTDIR, preopen.path);
      fds.add(
        {
          description: new InodeDescription(loc, true, false),
          cloexec: false,
          rightsBase: RIGHTS_DIRECTORY,
          rightsInheriting: RIGHTS_DIRECTORY_INHERITING,
          preopenName: preopen.name,
        },
        3,
      );
    }
    const program: ResolvedProgram = options.module
      ? { loaded: await this.modules.fromBytes(options.module), argv: [...options.args], exe: options.path }
      : await resolveProgram(this.modules, options.mounts, cwd, options.path, [...options.args], creds);
    const pidns = options.pidns === 'new' ? new PidNamespace(this.rootPidns) : (options.pidns ?? this.rootPidns);
    const group = options.group ?? this.rootGroup;
    this.checkPidsLimit(group);
    const signals = new SignalState();
    const proc = this.createProcess({
      parent: null,
      pidns,
      fds,
      mounts: options.mounts,
      uts: options.uts ?? this.rootUts,
      net: options.net ?? null,
      creds,
      signals,
      group,
      cwd,
      program,
      env: [...options.env],
      pgid: null,
      sid: null,
    });
    if (options.umask !== undefined) proc.umask = options.umask;
    await this.start(proc, program);
    return proc;
  }

  /** Starts a child of `parent` (the drydock.spawn syscall). Returns the child. */
  async spawnChild(parent: Process, spec: ChildSpec): Promise<Process> {
    const cwd = spec.cwd ?? parent.cwd;
    const creds: ProcessCredentials = { uid: parent.creds.uid, gid: parent.creds.gid, groups: [...parent.creds.groups] };
    const program = await resolveProgram(this.modules, parent.mounts, cwd, spec.path, spec.argv, creds);
    if (!parent.alive) fail(Errno.ESRCH);
    this.checkPidsLimit(parent.group);
    const signals = parent.signals.clone();
    signals.resetForExec();
    if (spec.sigmask !== null) signals.setMask(spec.sigmask);
    for (let sig = 1; sig <= 64; sig++) {
      if ((spec.sigdefault >> BigInt(sig - 1)) & 1n) signals.dispositions[sig] = DISPOSITION.DEFAULT;
    }
    const child = this.createProcess({
      parent,
      pidns: parent.pidns,
      fds: spec.fds,
      mounts: parent.mounts,
      uts: parent.uts,
      net: parent.net,
      creds,
      signals,
      group: parent.group,
      cwd,
      program,
      env: spec.env,
      pgid: spec.setsid ? null : spec.pgroup === null ? parent.pgid : spec.pgroup,
      sid: spec.setsid ? null : parent.sid,
    });
    child.umask = parent.umask;
    await this.start(child, program);
    return child;
  }

  private checkPidsLimit(group: ResourceGroup): void {
    if (group.pidsLimit !== null && group.processes.size >= group.pidsLimit) {
      group.pidsLimitHits++;
      fail(Errno.EAGAIN, 'pids limit reached');
    }
  }

  private createProcess(init: {
    parent: Process | null;
    pidns: PidNamespace;
    fds: FdTable;
    mounts: MountNamespace;
    uts: UtsNamespace;
    net: NetworkNamespaceHandle | null;
    creds: ProcessCredentials;
    signals: SignalState;
    group: ResourceGroup;
    cwd: Location;
    program: ResolvedProgram;
    env: string[];
    /** Process group and session as numbers in `pidns`; null (or pgid 0): led by the new process. */
    pgid: number | null;
    sid: number | null;
  }): Process {
    const globalPid = this.allocateGlobalPid();
    const pids = new Map<PidNamespace, number>();
    for (let ns: PidNamespace | null = init.pidns; ns; ns = ns.parent) {
      pids.set(ns, ns === this.rootPidns ? globalPid : ns.allocate());
    }
    const channel = new KernelChannel(this.spareChannels.pop() ?? createChannelBuffer());
    const localPid = pids.get(init.pidns)!;
    const pgid = init.pgid === null || init.pgid === 0 ? localPid : init.pgid;
    const proc = new Process(
      globalPid,
      pids,
      init.pidns,
      init.parent,
      init.fds,
      init.mounts,
      init.uts,
      init.net,
      init.creds,
      init.signals,
      init.group,
      channel,
      {
        cwd: init.cwd,
        args: init.program.argv,
        env: init.env,
        exe: init.program.exe,
        pgid,
        sid: init.sid ?? localPid,
      },
    );
    for (const [ns, pid] of pids) ns.members.set(pid, proc);
    if (init.pidns !== this.rootPidns && init.pidns.init === null) init.pidns.init = proc;
    this.processes.set(globalPid, proc);
    init.parent?.children.add(proc);
    init.group.processes.add(proc);
    if (init.group.frozen) proc.channel.raiseAttention();
    this.installRoot(proc, init.program);
    return proc;
  }

  private allocateGlobalPid(): number {
    while (this.processes.has(this.nextGlobalPid)) this.nextGlobalPid++;
    return this.nextGlobalPid++;
  }

  /** Puts the process root at ROOT_FD, and at fd 3 for plain WASI programs when fd 3 is free (see drydock.h). */
  private installRoot(proc: Process, program: ResolvedProgram): void {
    const rootEntry = () => ({
      description: new InodeDescription(proc.mounts.root(), true, false),
      cloexec: false,
      rightsBase: RIGHTS_DIRECTORY,
      rightsInheriting: RIGHTS_DIRECTORY_INHERITING,
      preopenName: '/',
    });
    proc.fds.setReserved(ROOT_FD, rootEntry());
    if (!program.loaded.usesDrydock && !proc.fds.has(3)) proc.fds.set(3, rootEntry());
  }

  /** Runs the program of `proc` in a worker and starts serving its syscalls. */
  private async start(proc: Process, program: ResolvedProgram): Promise<void> {
    const pooled = await this.pool.acquire();
    if (!proc.alive) {
      this.pool.release(pooled);
      return;
    }
    this.attachWorker(proc, pooled);
    this.post(proc, program);
    void serveSyscalls(this, proc);
  }

  private attachWorker(proc: Process, pooled: PooledWorker): void {
    proc.worker = pooled;
    pooled.owner = (message) => {
      if (message.type !== 'idle') return;
      if (proc.execPending && proc.alive) {
        proc.execPending = false;
        const program = proc.pendingProgram;
        proc.pendingProgram = null;
        if (program) this.post(proc, program);
        return;
      }
      if (proc.worker === pooled) proc.worker = null;
      this.pool.release(pooled);
      proc.workerReturned = true;
      this.recycleChannel(proc);
      if (proc.alive) {
        // The worker finished without reporting an exit (should not happen): treat as a crash.
        this.exit(proc, { status: signaledStatus(SIG.SYS), error: 'process worker stopped unexpectedly' });
      }
    };
    pooled.worker.onFailure((error) => {
      if (proc.worker !== pooled) return;
      proc.worker = null;
      this.exit(proc, { status: signaledStatus(SIG.SYS), error: `process worker failed: ${error.message}` });
    });
  }

  /**
   * Once the program is over, its worker has reported idle and its
   * dispatcher has returned (in either order), the channel can serve another
   * process: allocating one costs more than the rest of a spawn. (A worker
   * that was terminated instead never gives its channel back: it might still
   * be writing to it.)
   */
  recycleChannel(proc: Process): void {
    if (proc.alive || !proc.dispatcherDone || !proc.workerReturned || proc.channelRecycled) return;
    proc.channelRecycled = true;
    if (this.spareChannels.length < MAX_SPARE_CHANNELS) this.spareChannels.push(resetChannelBuffer(proc.channel.buffer));
  }

  private post(proc: Process, program: ResolvedProgram): void {
    let memory: StartMessage['memory'] = null;
    if (program.loaded.memory) {
      memory = planMemory(program.loaded.memory, proc.group.memoryLimit);
      if (memory === null) {
        this.exit(proc, { status: signaledStatus(SIG.KILL), oomKilled: true, error: 'out of memory at start' });
        return;
      }
    }
    const hints: [number, number][] = [];
    for (const [fd, entry] of proc.fds) {
      const hint = hintFor(entry);
      if (hint !== 0) hints.push([fd, hint]);
    }
    const start: StartMessage = {
      type: 'start',
      module: program.loaded.module,
      channel: proc.channel.buffer,
      args: proc.args,
      env: proc.env,
      hints,
      memory,
    };
    proc.worker?.worker.postMessage(start);
  }

  /** Replaces the program of `proc` (execve). The caller answers the syscall with FLAG_EXEC. */
  async exec(proc: Process, path: string, argv: string[], env: string[]): Promise<void> {
    const program = await resolveProgram(this.modules, proc.mounts, proc.cwd, path, argv, proc.creds);
    proc.fds.closeOnExec();
    proc.signals.resetForExec();
    proc.args = program.argv;
    proc.env = env;
    proc.exe = program.exe;
    proc.cpuMicrosBefore = proc.cpuMicros();
    this.installRoot(proc, program);
    proc.execPending = true;
    proc.pendingProgram = program;
  }

  // ------------------------------------------------------------------ exit and reaping

  /**
   * Ends a process: closes its fds, reparents its children, notifies its
   * parent, and stops its worker (a worker in a syscall is answered KILLED by
   * the dispatcher; one running guest code is terminated).
   */
  exit(proc: Process, how: { status: number; oomKilled?: boolean; error?: string | null }): void {
    if (!proc.alive) return;
    const sig = how.status & 0x7f;
    const exit: ProcessExit = {
      status: how.status,
      exitCode: exitCodeOf(how.status),
      signal: sig === 0 ? null : sig,
      oomKilled: how.oomKilled ?? false,
      error: how.error ?? null,
    };
    proc.group.cpuMicrosExited += proc.cpuMicros();
    proc.cpuMicrosBefore = proc.cpuMicros();
    proc.markExited(exit);
    proc.group.processes.delete(proc);
    if (proc.alarmTimer !== null) clearTimeout(proc.alarmTimer);
    proc.fds.closeAll();
    this.stopWorker(proc);
    proc.interrupts.wake();

    // Orphans go to the init of this namespace, or to the host (which reaps them).
    const ns = proc.pidns;
    const reaper = ns.init && ns.init !== proc && ns.init.alive ? ns.init : null;
    for (const child of [...proc.children]) {
      proc.children.delete(child);
      child.parent = reaper;
      if (reaper) {
        reaper.children.add(child);
        if (child.state === 'zombie') reaper.childEvents.wake();
      } else if (child.state === 'zombie') {
        this.reap(child);
      }
    }
    // The death of a namespace's init kills everything else in it.
    if (ns.init === proc) {
      for (const member of [...ns.members.values()]) {
        if (member !== proc && member.alive) this.exit(member, { status: signaledStatus(SIG.KILL) });
      }
    }
    const parent = proc.parent;
    if (!parent) {
      this.reap(proc);
    } else if (parent.signals.dispositions[SIG.CHLD] === DISPOSITION.IGNORE) {
      // POSIX: with SIGCHLD ignored, children are reaped at once.
      this.reap(proc);
      parent.childEvents.wake();
    } else {
      parent.childEvents.wake();
      this.signal(parent, SIG.CHLD, null);
    }
  }

  private stopWorker(proc: Process): void {
    const pooled = proc.worker;
    if (!pooled) return;
    if (proc.inSyscall || proc.channel.hasRequest() || proc.channel.guestState === 2 /* DONE */) {
      // The dispatcher answers the pending call with KILLED; the worker unwinds and reports idle.
      this.pool.expectReturn(pooled);
      return;
    }
    proc.worker = null;
    this.pool.discard(pooled);
  }

  /** Removes a zombie from the tables (its parent waited for it, or nobody will). */
  reap(proc: Process): void {
    if (proc.state !== 'zombie') return;
    proc.state = 'reaped';
    this.processes.delete(proc.pid);
    for (const [ns, pid] of proc.pids) if (ns.members.get(pid) === proc) ns.members.delete(pid);
    proc.parent?.children.delete(proc);
  }

  // ------------------------------------------------------------------ signals

  /**
   * Sends `sig` to `target`, with Linux's rules: the init of a PID namespace
   * only receives signals it has a handler for, except SIGKILL and SIGSTOP
   * sent from an ancestor namespace (the host counts as one).
   */
  signal(target: Process, sig: number, sender: Process | null): void {
    if (sig === 0 || !target.alive) return;
    const ns = target.pidns;
    if (ns.init === target && ns !== this.rootPidns) {
      const fromOutside = sender === null || !ns.contains(sender.pidns);
      const forced = fromOutside && (sig === SIG.KILL || sig === SIG.STOP);
      if (!forced && !target.signals.catches(sig)) return;
    }
    if (sig === SIG.KILL) {
      this.exit(target, { status: signaledStatus(SIG.KILL) });
      return;
    }
    if (sig === SIG.CONT) target.interrupts.wake();
    if (target.signals.ignores(sig)) return;
    target.signals.pending |= sigbit(sig);
    this.actOnPending(target);
  }

  /**
   * Applies pending signals whose default action ends or stops the process
   * (unless blocked), and wakes the process so a parked call can return EINTR
   * for caught ones. Caught signals stay pending until the dispatcher hands
   * them to the guest with its next syscall answer.
   */
  actOnPending(proc: Process): void {
    const deliverable = proc.signals.deliverable();
    if (deliverable === 0n) return;
    for (let sig = 1; sig <= 64; sig++) {
      if (((deliverable >> BigInt(sig - 1)) & 1n) === 0n) continue;
      if (proc.signals.catches(sig)) continue;
      proc.signals.pending &= ~sigbit(sig);
      const action = defaultAction(sig);
      if (action === 'terminate' || action === 'core') {
        this.exit(proc, { status: signaledStatus(sig) });
        return;
      }
      // 'stop' and 'continue' are not modelled as process states; 'ignore' drops the signal.
    }
    proc.interrupts.wake();
    // A guest computing without system calls learns of the caught signal at its next clock read or sched_yield.
    proc.channel.raiseAttention();
  }

  /** Takes the caught signals to hand to the guest now (clearing them from pending). */
  takeCaughtSignals(proc: Process): bigint {
    const deliverable = proc.signals.deliverable();
    if (deliverable === 0n) return 0n;
    let caught = 0n;
    for (let sig = 1; sig <= 64; sig++) {
      const bit = sigbit(sig);
      if ((deliverable & bit) !== 0n && proc.signals.catches(sig)) caught |= bit;
    }
    proc.signals.pending &= ~caught;
    return caught;
  }

  /**
   * Sends `sig` to every process of group `pgid` in namespace `ns` (a
   * terminal's foreground job). The sender counts as inside the namespace,
   * so a container's init still ignores signals it has no handler for.
   */
  signalGroup(ns: PidNamespace, pgid: number, sig: number): void {
    for (const proc of [...ns.members.values()]) {
      if (proc.alive && proc.pidns === ns && proc.pgid === pgid) this.signal(proc, sig, proc);
    }
  }

  /** A process as seen from namespace `ns` by number (undefined if not visible). */
  lookup(ns: PidNamespace, pid: number): Process | undefined {
    return ns.members.get(pid);
  }

  /** Makes a normal exit status (for callers outside the kernel). */
  static exited(code: number): number {
    return exitedStatus(code);
  }

  async shutdown(): Promise<void> {
    for (const proc of [...this.processes.values()]) this.exit(proc, { status: signaledStatus(SIG.KILL) });
    await this.pool.shutdown();
  }
}
