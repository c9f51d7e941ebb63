/**
 * docker exec: more processes in a running container's namespaces (PID,
 * mount, UTS, network), with their own stdio.
 */
import { ConflictError, InvalidParameterError, NotFoundError } from '../errors.ts';
import type { ExecBackend } from '../api/routers/exec-backend.ts';
import type { StreamSession } from '../api/hijack.ts';
import type { ExecCreateRequest, ExecInspect, ExecStartOptions } from '../types/exec.ts';
import type { Process } from '../../kernel/proc/process.ts';
import { ROOT } from '../../unionfs/vfs/credentials.ts';
import { DEFAULT_DETACH_KEYS, parseDetachKeys, runAttach } from './attach.ts';
import type { Container } from './container.ts';
import { randomId } from '../daemon/ids.ts';
import { containerEnv } from './manager.ts';
import type { ContainerManager } from './manager.ts';
import { mergeEnv } from './config.ts';
import { resolveExecutable, StartError } from './rootfs.ts';
import { resolveUser } from './user.ts';
import type { ResolvedUser } from './user.ts';
import { groupSignaller, ProcessStdio } from './stdio.ts';

interface ExecInstance {
  readonly id: string;
  readonly container: Container;
  readonly config: ExecCreateRequest;
  process: Process | null;
  exitCode: number | null;
  running: boolean;
  started: boolean;
  stdio: ProcessStdio | null;
  /** Resolves once the exit code is recorded. */
  finished: Promise<void>;
  markFinished: () => void;
}

export class ExecManager implements ExecBackend {
  private readonly execs = new Map<string, ExecInstance>();

  constructor(private readonly manager: ContainerManager) {}

  private get(id: string): ExecInstance {
    const exec = this.execs.get(id);
    if (!exec) throw new NotFoundError(`No such exec instance: ${id}`);
    return exec;
  }

  async create(containerName: string, config: ExecCreateRequest): Promise<string> {
    const container = this.manager.get(containerName);
    if (!container.running) throw new ConflictError(`Container ${container.id} is not running`);
    if (container.paused) throw new ConflictError(`Container ${container.id} is paused, unpause the container before exec`);
    const id = randomId();
    let markFinished!: () => void;
    const finished = new Promise<void>((resolve) => {
      markFinished = resolve;
    });
    this.execs.set(id, { id, container, config, process: null, exitCode: null, running: false, started: false, stdio: null, finished, markFinished });
    container.execIds.add(id);
    const cmd = (config.Cmd ?? []).join(' ');
    this.manager.events.publish('container', `exec_create: ${cmd}`, container.id, { ...this.manager.attributes(container), execID: id });
    return id;
  }

  async inspect(id: string): Promise<ExecInspect> {
    const exec = this.get(id);
    const [entrypoint = '', ...args] = exec.config.Cmd ?? [];
    return {
      ID: exec.id,
      Running: exec.running,
      ExitCode: exec.exitCode,
      ProcessConfig: { tty: exec.config.Tty ?? false, entrypoint, arguments: args, privileged: exec.config.Privileged ?? false, ...(exec.config.User ? { user: exec.config.User } : {}) },
      OpenStdin: exec.config.AttachStdin ?? false,
      OpenStderr: exec.config.AttachStderr ?? false,
      OpenStdout: exec.config.AttachStdout ?? false,
      CanRemove: false,
      ContainerID: exec.container.id,
      DetachKeys: exec.config.DetachKeys ?? '',
      Pid: exec.process?.pid ?? 0,
    };
  }

  /** Spawns the exec's process; its output goes to `stdio`'s listeners. */
  private async launch(exec: ExecInstance, options: ExecStartOptions): Promise<ProcessStdio> {
    if (exec.started) throw new ConflictError(`Error: Exec command ${exec.id} has already run`);
    const container = exec.container;
    const runtime = container.runtime;
    if (!runtime) throw new ConflictError(`Container ${container.id} is not running`);
    exec.started = true;
    const config = exec.config;
    const tty = options.tty || (config.Tty ?? false);
    let user: ResolvedUser;
    try {
      user = resolveUser(runtime.mounts, config.User || container.record.config.User || '', container.record.hostConfig.GroupAdd ?? []);
    } catch (error) {
      // An unknown user or group fails the start, and the exec records 126 as dockerd 20.10 does.
      exec.exitCode = 126;
      exec.markFinished();
      throw error;
    }
    const env = containerEnv(mergeEnv(container.record.config.Env, config.Env), container.record.config.Hostname!, user.home, tty);
    const workdir = config.WorkingDir || container.record.config.WorkingDir || '/';
    const cwd = runtime.mounts.resolve(runtime.mounts.root(), workdir, { follow: true, creds: ROOT });
    const argv = config.Cmd ?? [];
    const [rows, cols] = options.consoleSize ?? [0, 0];
    const stdio = new ProcessStdio({ tty, openStdin: config.AttachStdin ?? false, rows, cols, signalGroup: groupSignaller(this.manager.kernel, runtime.pidns) });
    let executable: string;
    try {
      executable = resolveExecutable(runtime.mounts, cwd, argv[0] ?? '', env);
      exec.process = await this.manager.kernel.spawn({
        path: executable,
        args: argv,
        env,
        mounts: runtime.mounts,
        cwd: cwd.path,
        pidns: runtime.pidns,
        uts: runtime.uts,
        net: runtime.network.ns,
        creds: { uid: user.uid, gid: user.gid, groups: user.groups },
        group: runtime.group,
        stdio: stdio.descriptions,
      });
    } catch (error) {
      stdio.release();
      // dockerd 20.10 records 126 for every exec that fails to start, and words it as runc exec.
      exec.exitCode = 126;
      exec.markFinished();
      if (error instanceof StartError) {
        throw new InvalidParameterError(`OCI runtime exec failed: exec failed: unable to start container process: ${error.detail}: unknown`);
      }
      throw error;
    }
    exec.running = true;
    exec.stdio = stdio;
    if (stdio.pty) stdio.pty.tty.foreground = exec.process.pgid;
    stdio.start();
    this.manager.events.publish('container', `exec_start: ${argv.join(' ')}`, container.id, { ...this.manager.attributes(container), execID: exec.id });
    void exec.process.exited.then(async (exit) => {
      await stdio.done;
      stdio.release();
      exec.exitCode = exit.exitCode;
      exec.running = false;
      exec.markFinished();
      this.manager.events.publish('container', 'exec_die', container.id, { ...this.manager.attributes(container), execID: exec.id, exitCode: String(exit.exitCode) });
    });
    return stdio;
  }

  async start(id: string, options: ExecStartOptions): Promise<StreamSession> {
    const exec = this.get(id);
    if (exec.started) throw new ConflictError(`Error: Exec command ${exec.id} has already run`);
    const config = exec.config;
    const detachKeys = parseDetachKeys(config.DetachKeys || DEFAULT_DETACH_KEYS);
    return {
      tty: options.tty || (config.Tty ?? false),
      run: async (streams) => {
        // An error here is written into the stream by the router (the 101 has been sent).
        const stdio = await this.launch(exec, options);
        await runAttach(stdio, {
          stdin: config.AttachStdin ?? false,
          stdout: config.AttachStdout ?? true,
          stderr: config.AttachStderr ?? true,
          stdinOnce: true,
          detachKeys,
          replay: [],
          stream: true,
        }, streams);
        // The client inspects the exit code right after the stream ends: record it first.
        await exec.finished;
      },
    };
  }

  async startDetached(id: string, options: ExecStartOptions): Promise<void> {
    const stdio = await this.launch(this.get(id), options);
    stdio.listen(() => {});
  }

  async resize(id: string, height: number, width: number): Promise<void> {
    const exec = this.get(id);
    if (!exec.stdio) throw new ConflictError(`Exec ${id} is not running`);
    exec.stdio.resize(height, width);
  }
}
