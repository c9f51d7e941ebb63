/**
 * HEALTHCHECK at run time (dockerd's daemon/health.go): while a container
 * whose config has a CMD or CMD-SHELL healthcheck runs, its check runs
 * inside it like `docker exec` (same namespaces, user, env, working
 * directory) every Interval (StartInterval during StartPeriod while still
 * starting), each run limited to Timeout. The results make
 * `State.Health` {Status starting|healthy|unhealthy, FailingStreak, Log
 * of the last 5 runs}; a change of status publishes
 * `health_status: <status>`; every run publishes exec_create, exec_start
 * and exec_die as dockerd's probes do.
 *
 * Ownership: the monitor follows container start/die/pause/unpause/destroy
 * events from the EventBus, so the container manager needs no hook; the
 * health state lives on the Container (`container.health`), rendered by
 * render.ts. A check that fails to start counts as a failure (exit -1).
 */
import { SIG } from '../../kernel/abi/linux.ts';
import type { Process } from '../../kernel/proc/process.ts';
import { nowNs } from '../../common/time.ts';
import { ROOT } from '../../unionfs/vfs/credentials.ts';
import { formatRfc3339Nano } from '../api/timestamp.ts';
import type { EventBus } from '../daemon/events.ts';
import { randomId } from '../daemon/ids.ts';
import type { ContainerHealth, HealthLogEntry } from '../types/container.ts';
import { Filters } from '../types/filters.ts';
import type { Container } from './container.ts';
import { containerEnv } from './manager.ts';
import type { ContainerManager } from './manager.ts';
import { resolveExecutable } from './rootfs.ts';
import { resolveUser } from './user.ts';
import { ProcessStdio } from './stdio.ts';

/** Docker's defaults (nanoseconds / count). */
export const DEFAULT_INTERVAL_NS = 30_000_000_000;
export const DEFAULT_TIMEOUT_NS = 30_000_000_000;
export const DEFAULT_RETRIES = 3;
/** Output kept per run (longer output ends with "..."). */
export const MAX_OUTPUT = 4096;
/** Runs kept in the log. */
export const MAX_LOG_ENTRIES = 5;

function now(): string {
  return formatRfc3339Nano(nowNs());
}

function goDurationShort(ns: number): string {
  // time.Duration %v for the timeout message; whole seconds are the common case.
  if (ns % 1_000_000_000 === 0) {
    const s = ns / 1_000_000_000;
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    return h > 0 ? `${h}h${m}m${sec}s` : m > 0 ? `${m}m${sec}s` : `${sec}s`;
  }
  return ns % 1_000_000 === 0 ? `${ns / 1_000_000}ms` : `${ns}ns`;
}

/** The probe's output, cut at MAX_OUTPUT bytes (dockerd's limitedBuffer). */
class LimitedOutput {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  private truncated = false;

  write(bytes: Uint8Array): void {
    const keep = Math.min(MAX_OUTPUT - this.size, bytes.length);
    if (keep > 0) {
      this.chunks.push(bytes.slice(0, keep));
      this.size += keep;
    }
    if (keep < bytes.length) this.truncated = true;
  }

  text(): string {
    const all = new Uint8Array(this.size);
    let at = 0;
    for (const chunk of this.chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    return new TextDecoder().decode(all) + (this.truncated ? '...' : '');
  }
}

/** What one container's monitor needs to know. */
interface Watch {
  readonly container: Container;
  /** Set when monitoring ends (die, pause, destroy, monitor shutdown). */
  stopped: boolean;
  timer: unknown;
  /** The running check, killed when monitoring stops. */
  probe: Process | null;
}

/** True when the container's config asks for a CMD or CMD-SHELL check. */
export function hasHealthcheck(container: Container): boolean {
  const test = container.record.config.Healthcheck?.Test ?? [];
  return test.length > 0 && (test[0] === 'CMD' || test[0] === 'CMD-SHELL');
}

/** The `docker ps` suffix: " (healthy)", " (health: starting)", or "". */
export function healthSuffix(container: Container): string {
  const health = container.health;
  if (!health) return '';
  return health.Status === 'starting' ? ' (health: starting)' : ` (${health.Status})`;
}

/** The health status `docker ps --filter health=` compares: starting, healthy, unhealthy or none. */
export function healthStatus(container: Container): ContainerHealth['Status'] {
  return container.health?.Status ?? 'none';
}

export class HealthMonitor {
  private readonly watches = new Map<string, Watch>();
  private readonly stop = new AbortController();

  constructor(
    private readonly manager: ContainerManager,
    private readonly events: EventBus,
  ) {}

  /** Starts following container events (call once, at daemon start). */
  start(): void {
    void this.follow();
  }

  private async follow(): Promise<void> {
    const filters = Filters.empty();
    for await (const event of this.events.subscribe({ filters }, this.stop.signal)) {
      if (event.Type !== 'container') continue;
      const container = this.manager.find(event.Actor.ID);
      switch (event.Action) {
        case 'start':
          if (container) this.begin(container, true);
          break;
        case 'unpause':
          if (container) this.begin(container, false);
          break;
        case 'die':
        case 'pause':
        case 'destroy':
          this.end(event.Actor.ID);
          break;
      }
    }
  }

  /** Stops every monitor (daemon shutdown). */
  shutdown(): void {
    this.stop.abort();
    for (const id of [...this.watches.keys()]) this.end(id);
  }

  private begin(container: Container, fresh: boolean): void {
    if (!hasHealthcheck(container) || !container.running || container.paused) return;
    this.end(container.id);
    if (fresh || !container.health) {
      container.health = { Status: 'starting', FailingStreak: 0, Log: container.health?.Log ?? [] };
    }
    const watch: Watch = { container, stopped: false, timer: null, probe: null };
    this.watches.set(container.id, watch);
    this.schedule(watch);
  }

  private end(id: string): void {
    const watch = this.watches.get(id);
    if (!watch) return;
    this.watches.delete(id);
    watch.stopped = true;
    if (watch.timer !== null) clearTimeout(watch.timer);
    if (watch.probe?.alive) this.manager.kernel.signal(watch.probe, SIG.KILL, null);
  }

  /** The wait before the next run: StartInterval while starting within StartPeriod, else Interval. */
  private interval(container: Container): number {
    const config = container.record.config.Healthcheck ?? {};
    const interval = config.Interval || DEFAULT_INTERVAL_NS;
    const startInterval = config.StartInterval || interval;
    const startPeriod = config.StartPeriod || 0;
    const since = Number(nowNs() - BigInt(Date.parse(container.record.state.startedAt)) * 1_000_000n);
    if (since >= startPeriod) return interval;
    return container.health?.Status === 'starting' ? startInterval : interval;
  }

  private schedule(watch: Watch): void {
    watch.timer = setTimeout(() => {
      watch.timer = null;
      void this.runOnce(watch).then(() => {
        if (!watch.stopped) this.schedule(watch);
      });
    }, this.interval(watch.container) / 1_000_000);
  }

  private async runOnce(watch: Watch): Promise<void> {
    const container = watch.container;
    const config = container.record.config.Healthcheck ?? {};
    const timeout = config.Timeout || DEFAULT_TIMEOUT_NS;
    const start = now();
    let result: HealthLogEntry;
    let done: Promise<void> = Promise.resolve();
    try {
      const probe = await this.probe(watch, timeout);
      done = probe.done;
      const outcome = await probe.outcome;
      result = { Start: start, End: now(), ExitCode: outcome.exitCode, Output: outcome.output };
    } catch (error) {
      result = { Start: start, End: now(), ExitCode: -1, Output: error instanceof Error ? error.message : String(error) };
    }
    // A run interrupted by the container stopping (or pausing) is not recorded, as dockerd.
    if (!watch.stopped) this.record(container, result);
    // The next run waits for this one's process to be gone (a timed-out check is being killed).
    await done;
  }

  /**
   * Starts one run of the check inside the container. `outcome` settles
   * when it exits, or at the timeout (then it is killed: `done` settles when
   * it is gone), so a timed-out run is recorded before its exec_die, as
   * dockerd does.
   */
  private async probe(watch: Watch, timeoutNs: number): Promise<{ outcome: Promise<{ exitCode: number; output: string }>; done: Promise<void> }> {
    const container = watch.container;
    const runtime = container.runtime;
    if (!runtime) throw new Error(`container ${container.id} is not running`);
    const record = container.record;
    const test = record.config.Healthcheck?.Test ?? [];
    const shell = record.config.Shell && record.config.Shell.length > 0 ? record.config.Shell : ['/bin/sh', '-c'];
    const argv = test[0] === 'CMD-SHELL' ? [...shell, ...test.slice(1)] : test.slice(1);
    const execId = randomId();
    const attributes = { ...this.manager.attributes(container), execID: execId };
    const line = argv.join(' ');
    this.manager.events.publish('container', `exec_create: ${line}`, container.id, attributes);
    const user = resolveUser(runtime.mounts, record.config.User ?? '', record.hostConfig.GroupAdd ?? []);
    const env = containerEnv(record.config.Env ?? [], record.config.Hostname!, user.home, false);
    const cwd = runtime.mounts.resolve(runtime.mounts.root(), record.config.WorkingDir || '/', { follow: true, creds: ROOT });
    const stdio = new ProcessStdio({ tty: false, openStdin: false });
    const output = new LimitedOutput();
    stdio.listen((_stream, bytes) => output.write(bytes));
    let process: Process;
    try {
      const executable = resolveExecutable(runtime.mounts, cwd, argv[0] ?? '', env);
      process = await this.manager.kernel.spawn({
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
      throw error;
    }
    watch.probe = process;
    stdio.start();
    this.manager.events.publish('container', `exec_start: ${line}`, container.id, attributes);
    const exited = (async () => {
      try {
        const exit = await process.exited;
        await stdio.done;
        this.manager.events.publish('container', 'exec_die', container.id, { ...attributes, exitCode: String(exit.exitCode) });
        return { exitCode: exit.exitCode, output: output.text() };
      } finally {
        stdio.release();
        watch.probe = null;
      }
    })();
    let timer: unknown = null;
    const timedOut = new Promise<{ exitCode: number; output: string }>((resolve) => {
      timer = setTimeout(() => {
        if (process.alive) this.manager.kernel.signal(process, SIG.KILL, null);
        resolve({ exitCode: -1, output: `Health check exceeded timeout (${goDurationShort(timeoutNs)})` });
      }, timeoutNs / 1_000_000);
    });
    const outcome = Promise.race([exited, timedOut]);
    const done = exited.then(
      () => clearTimeout(timer),
      () => clearTimeout(timer),
    );
    return { outcome, done };
  }

  /** handleProbeResult: the log, the failing streak and the status; an event when the status changes. */
  private record(container: Container, result: HealthLogEntry): void {
    const health = container.health;
    if (!health) return;
    const config = container.record.config.Healthcheck ?? {};
    const retries = config.Retries && config.Retries > 0 ? config.Retries : DEFAULT_RETRIES;
    const before = health.Status;
    health.Log = [...health.Log, result].slice(-MAX_LOG_ENTRIES);
    if (result.ExitCode === 0) {
      health.FailingStreak = 0;
      health.Status = 'healthy';
    } else {
      let count = true;
      if (health.Status === 'starting') {
        const startPeriod = config.StartPeriod || 0;
        const sinceStart = (Date.parse(result.Start) - Date.parse(container.record.state.startedAt)) * 1_000_000;
        if (sinceStart < startPeriod) count = false;
      }
      if (count) {
        health.FailingStreak++;
        if (health.FailingStreak >= retries) health.Status = 'unhealthy';
      }
    }
    if (health.Status !== before) this.manager.events.publish('container', `health_status: ${health.Status}`, container.id, this.manager.attributes(container));
    container.changed();
  }
}
