import type { Credentials } from '../../unionfs/vfs/credentials.ts';
import type { Location, MountNamespace } from '../../unionfs/vfs/mount-namespace.ts';
import type { KernelChannel } from '../channel/channel.ts';
import type { ResolvedProgram } from '../exec/program-loader.ts';
import type { FdTable } from '../fd/fd-table.ts';
import { WaitQueue } from '../fd/wait-queue.ts';
import type { NetworkNamespaceHandle, PidNamespace, UtsNamespace } from './namespaces.ts';
import type { ResourceGroup } from './resource-group.ts';
import type { SignalState } from './signals.ts';
import type { PooledWorker } from '../worker-pool.ts';

export type ProcessState = 'running' | 'zombie' | 'reaped';

/** How a process ended. */
export interface ProcessExit {
  /** Wait status, Linux encoding (code << 8, or the signal number). */
  readonly status: number;
  /** The exit code a shell or Docker shows: the code, or 128 + signal. */
  readonly exitCode: number;
  /** The signal that killed it, if any. */
  readonly signal: number | null;
  /** Killed for growing past its memory limit. */
  readonly oomKilled: boolean;
  /** A wasm trap or a load failure, in words (also what `drydock wasm run` prints). */
  readonly error: string | null;
}

/** The mutable identity of a process (uids change with setuid). */
export interface ProcessCredentials extends Credentials {
  uid: number;
  gid: number;
  groups: number[];
}

/**
 * A process: one program running in one worker. The kernel owns everything
 * here; the worker only sees what crosses the syscall channel.
 *
 * Invariants: `pid` is global (root PID namespace) and never reused while the
 * process is in the table; `pids` maps each namespace from the process's own
 * up to the root to its number there; a zombie has no worker and no fds.
 */
export class Process {
  state: ProcessState = 'running';
  parent: Process | null;
  readonly children = new Set<Process>();
  /** Woken when a child changes state (waitpid waits here). */
  readonly childEvents = new WaitQueue();
  /** Woken when a signal arrives or the process dies (blocked syscalls wait here too). */
  readonly interrupts = new WaitQueue();
  exitInfo: ProcessExit | null = null;
  /** A guest system call is being served (taken from the channel, not yet answered). */
  inSyscall = false;
  /** The dispatcher has stopped serving this process for good (it no longer touches the channel). */
  dispatcherDone = false;
  /** Its worker reported idle after the program ended (it no longer touches the channel). */
  workerReturned = false;
  /** Its channel went back to the kernel's spares (see Kernel.recycleChannel): never twice. */
  channelRecycled = false;
  worker: PooledWorker | null = null;
  /** Set by execve: when the worker unwinds, it gets `pendingProgram`. */
  execPending = false;
  pendingProgram: ResolvedProgram | null = null;
  pgid: number;
  sid: number;
  umask = 0o022;
  cwd: Location;
  args: string[];
  env: string[];
  /** The program's path as resolved (for /proc/PID/exe and ps). */
  exe: string;
  /** CPU microseconds of earlier programs of this process (before execve). */
  cpuMicrosBefore = 0;
  alarmTimer: unknown = null;
  /** sigsuspend: the mask to restore once the syscall is answered. */
  maskAfterAnswer: bigint | null = null;
  alarmDeadline = 0;
  readonly startedAt = Date.now();
  private resolveExit!: (exit: ProcessExit) => void;
  /** Resolves when the process has exited (it may still be a zombie). */
  readonly exited: Promise<ProcessExit>;

  constructor(
    readonly pid: number,
    readonly pids: ReadonlyMap<PidNamespace, number>,
    readonly pidns: PidNamespace,
    parent: Process | null,
    readonly fds: FdTable,
    readonly mounts: MountNamespace,
    readonly uts: UtsNamespace,
    readonly net: NetworkNamespaceHandle | null,
    readonly creds: ProcessCredentials,
    readonly signals: SignalState,
    readonly group: ResourceGroup,
    readonly channel: KernelChannel,
    init: { cwd: Location; args: string[]; env: string[]; exe: string; pgid: number; sid: number },
  ) {
    this.parent = parent;
    this.cwd = init.cwd;
    this.args = init.args;
    this.env = init.env;
    this.exe = init.exe;
    this.pgid = init.pgid;
    this.sid = init.sid;
    this.exited = new Promise((resolve) => {
      this.resolveExit = resolve;
    });
  }

  /** The number of this process as seen from `ns` (0 if it is not visible there). */
  pidIn(ns: PidNamespace): number {
    return this.pids.get(ns) ?? 0;
  }

  /** This process's number in its own namespace. */
  get localPid(): number {
    return this.pidIn(this.pidns);
  }

  get alive(): boolean {
    return this.state === 'running';
  }

  cpuMicros(): number {
    return this.cpuMicrosBefore + (this.state === 'running' ? this.channel.cpuMicros() : 0);
  }

  memoryBytes(): number {
    return this.state === 'running' ? this.channel.memoryBytes() : 0;
  }

  /** Records the exit (called once by the kernel). */
  markExited(exit: ProcessExit): void {
    this.exitInfo = exit;
    this.state = 'zombie';
    this.resolveExit(exit);
  }
}
