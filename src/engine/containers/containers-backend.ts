/**
 * ContainersBackend over the ContainerManager: the Engine API's container
 * endpoints, with dockerd's semantics and wording.
 */
import { monotonicMs, nowNs } from '../../common/time.ts';
import { ConflictError, InvalidParameterError } from '../errors.ts';
import type { ContainerWaiter, ContainersBackend } from '../api/routers/container-backend.ts';
import type { StreamSession } from '../api/hijack.ts';
import { formatRfc3339Nano } from '../api/timestamp.ts';
import type { Filters } from '../types/filters.ts';
import { directorySize } from '../daemon/directory-size.ts';
import { healthStatus } from './health.ts';
import type {
  ArchiveContent,
  ArchivePutOptions,
  ContainerAttachOptions,
  ContainerCreateOptions,
  ContainerCreateResponse,
  ContainerInspect,
  ContainerListOptions,
  ContainerLogs,
  ContainerLogsOptions,
  ContainerPruneReport,
  ContainerRemoveOptions,
  ContainerStatsOptions,
  ContainerStatsResponse,
  ContainerStopOptions,
  ContainerSummary,
  ContainerTopResponse,
  ContainerUpdateRequest,
  ContainerUpdateResponse,
  ContainerWaitResponse,
  CpuStats,
  FilesystemChange,
  NetworkStats,
  PathStat,
  WaitCondition,
} from '../types/container.ts';
import type { InterfaceCounters } from '../../net/namespace.ts';
import { archive, exportRoot, extract, pathStat } from './archive.ts';
import { DEFAULT_DETACH_KEYS, parseDetachKeys, runAttach } from './attach.ts';
import type { Container } from './container.ts';
import type { ContainerManager } from './manager.ts';
import { inspect, summary } from './render.ts';
import { resolveUser } from './user.ts';
import { psCpuPercent, psStartTime, psTime } from './top.ts';
import type { ProcessStdio } from './stdio.ts';

export interface ContainersBackendOptions {
  /** Shown in inspect paths (LogPath, HostsPath...). */
  readonly dataRoot: string;
  /** CPUs reported in stats (online_cpus). */
  readonly ncpu: number;
  /** Memory reported as the limit of unlimited containers. */
  readonly memTotal: number;
  /** The bytes of these image layers (diff ids), for SizeRootFs; absent: 0. */
  readonly layersSize?: (diffIds: readonly string[]) => number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(), ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** `object` with `extra`'s fields right after `key` (JSON field order as dockerd's structs). */
function insertAfter<T extends object>(object: T, key: keyof T, extra: Partial<T>): T {
  const out: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(object)) {
    out[k] = value;
    if (k === key) Object.assign(out, extra);
  }
  return out as T;
}

/** Stats of a container at one moment. */
interface Sample {
  read: string;
  cpu: CpuStats;
}

export class EngineContainersBackend implements ContainersBackend {
  constructor(
    private readonly manager: ContainerManager,
    private readonly options: ContainersBackendOptions,
  ) {}

  async list(options: ContainerListOptions): Promise<ContainerSummary[]> {
    const f = options.filters;
    // As dockerd: a limit (`docker ps -n N`, `-l`) lists stopped containers too.
    const all = options.all || (options.limit !== undefined && options.limit > 0);
    let containers = this.manager.all().filter((c) => all || c.running || c.record.state.status === 'restarting');
    if (f.size > 0) {
      const statusFilter = f.get('status');
      for (const s of statusFilter) {
        if (!['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'].includes(s)) {
          throw new InvalidParameterError(`invalid filter 'status=${s}'`);
        }
      }
      for (const h of f.get('health')) {
        if (!['starting', 'healthy', 'unhealthy', 'none'].includes(h)) throw new InvalidParameterError(`Unrecognised filter value for health: ${h}`);
      }
      if (statusFilter.length > 0 || f.has('exited')) containers = this.manager.all();
      const before = f.get('before').map((n) => this.manager.get(n).record.created);
      const sinceFilter = f.get('since').map((n) => this.manager.get(n).record.created);
      containers = containers.filter(
        (c) =>
          (statusFilter.length === 0 || statusFilter.includes(c.record.state.status)) &&
          (f.get('id').length === 0 || f.get('id').some((id) => c.id.startsWith(id))) &&
          (f.get('name').length === 0 || f.get('name').some((n) => new RegExp(n).test(c.name.slice(1)) || c.name === n)) &&
          f.matchKeyValue('label', c.record.config.Labels ?? {}) &&
          (f.get('exited').length === 0 || (c.record.state.status === 'exited' && f.get('exited').includes(String(c.record.state.exitCode)))) &&
          (f.get('health').length === 0 || f.get('health').includes(healthStatus(c))) &&
          (f.get('ancestor').length === 0 || f.get('ancestor').some((a) => this.ancestorMatches(c, a))) &&
          (f.get('volume').length === 0 || f.get('volume').some((v) => c.record.mounts.some((m) => m.Name === v || m.Destination === v))) &&
          (f.get('network').length === 0 || f.get('network').some((n) => n in c.record.networkSettings.Networks || c.record.hostConfig.NetworkMode === n)) &&
          before.every((t) => c.record.created < t) &&
          sinceFilter.every((t) => c.record.created > t),
      );
    }
    containers.sort((a, b) => (a.record.created < b.record.created ? 1 : -1));
    if (options.limit && options.limit > 0) containers = containers.slice(0, options.limit);
    if (!options.size) return containers.map(summary);
    const out: ContainerSummary[] = [];
    for (const c of containers) {
      const { SizeRw, SizeRootFs } = await this.sizes(c);
      // dockerd's summary fields are omitempty.
      out.push(insertAfter(summary(c), 'Ports', { ...(SizeRw ? { SizeRw } : {}), ...(SizeRootFs ? { SizeRootFs } : {}) }));
    }
    return out;
  }

  /**
   * SizeRw: the bytes in the container's writable layer (as overlay2's
   * directory.Size of its diff directory); SizeRootFs: that plus its image's layers.
   */
  async sizes(container: Container): Promise<{ SizeRw: number; SizeRootFs: number }> {
    await this.manager.filesystem(container);
    const rw = container.upper ? directorySize(container.upper.root()) : 0;
    return { SizeRw: rw, SizeRootFs: rw + (this.options.layersSize?.(container.record.layers) ?? 0) };
  }

  private ancestorMatches(container: Container, ancestor: string): boolean {
    if (container.record.config.Image === ancestor) return true;
    try {
      return this.manager.images.resolve(ancestor).id === container.record.image;
    } catch {
      return false;
    }
  }

  create(options: ContainerCreateOptions): Promise<ContainerCreateResponse> {
    return this.manager.create(options);
  }

  async inspect(name: string, options: { size: boolean } = { size: false }): Promise<ContainerInspect> {
    const container = this.manager.get(name);
    const body = inspect(container, this.options.dataRoot);
    if (!options.size) return body;
    // After GraphDriver, where dockerd's ContainerJSONBase has them.
    return insertAfter(body, 'GraphDriver', await this.sizes(container));
  }

  start(name: string): Promise<void> {
    return this.manager.start(this.manager.get(name));
  }

  stop(name: string, options: ContainerStopOptions): Promise<void> {
    return this.manager.stop(this.manager.get(name), options);
  }

  restart(name: string, options: ContainerStopOptions): Promise<void> {
    return this.manager.restart(this.manager.get(name), options);
  }

  async kill(name: string, signal: string): Promise<void> {
    this.manager.kill(this.manager.get(name), signal);
  }

  async pause(name: string): Promise<void> {
    this.manager.pause(this.manager.get(name));
  }

  async unpause(name: string): Promise<void> {
    this.manager.unpause(this.manager.get(name));
  }

  async wait(name: string, condition: WaitCondition, signal: AbortSignal): Promise<ContainerWaiter> {
    const container = this.manager.get(name);
    const result: Promise<ContainerWaitResponse> = this.manager.wait(container, condition, signal);
    return { result };
  }

  async attach(name: string, options: ContainerAttachOptions): Promise<StreamSession> {
    const container = this.manager.get(name);
    const config = container.record.config;
    const detachKeys = parseDetachKeys(options.detachKeys || DEFAULT_DETACH_KEYS);
    if (options.stdin && !config.OpenStdin) {
      // dockerd silently ignores stdin for a container without OpenStdin.
    }
    const manager = this.manager;
    return {
      tty: config.Tty ?? false,
      async run(streams) {
        manager.events.publish('container', 'attach', container.id, manager.attributes(container));
        const replay = options.logs ? [...container.logs.snapshot()] : [];
        const stdio = await stdioForAttach(container, streams.closed, options.stream);
        const detached = await runAttach(stdio, {
          stdin: options.stdin && (config.OpenStdin ?? false),
          stdout: options.stdout,
          stderr: options.stderr,
          stdinOnce: config.StdinOnce ?? false,
          detachKeys,
          replay,
          stream: options.stream,
        }, streams);
        if (detached) manager.events.publish('container', 'detach', container.id, manager.attributes(container));
      },
    };
  }

  async logs(name: string, options: ContainerLogsOptions, signal: AbortSignal): Promise<ContainerLogs> {
    const container = this.manager.get(name);
    return { tty: container.record.config.Tty ?? false, messages: container.logs.read(options, signal) };
  }

  async remove(name: string, options: ContainerRemoveOptions): Promise<void> {
    if (options.removeLink) throw new InvalidParameterError('Conflict, cannot remove the default link name of the container');
    await this.manager.remove(this.manager.get(name), options);
  }

  async resize(name: string, height: number, width: number): Promise<void> {
    const container = this.manager.get(name);
    if (!container.runtime) throw new ConflictError(`Container ${container.id} is not running`);
    container.runtime.stdio.resize(height, width);
  }

  private sample(container: Container): Sample {
    const usage = Math.round((container.runtime?.group.cpuMicros() ?? 0) * 1000);
    const ncpu = this.options.ncpu;
    return {
      read: formatRfc3339Nano(nowNs()),
      cpu: {
        cpu_usage: { total_usage: usage, usage_in_kernelmode: 0, usage_in_usermode: usage },
        system_cpu_usage: Math.round(monotonicMs() * 1e6 * ncpu),
        online_cpus: ncpu,
        throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
      },
    };
  }

  private statsOf(container: Container, current: Sample, previous: Sample | null): ContainerStatsResponse {
    const group = container.runtime?.group;
    const memory = group?.memoryBytes() ?? 0;
    const emptyCpu: CpuStats = { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
    const networks = networkStats(container);
    return {
      name: container.name,
      id: container.id,
      read: current.read,
      preread: previous?.read ?? '0001-01-01T00:00:00Z',
      pids_stats: { current: group?.processes.size ?? 0, ...(group?.pidsLimit ? { limit: group.pidsLimit } : {}) },
      blkio_stats: {
        io_service_bytes_recursive: null,
        io_serviced_recursive: null,
        io_queue_recursive: null,
        io_service_time_recursive: null,
        io_wait_time_recursive: null,
        io_merged_recursive: null,
        io_time_recursive: null,
        sectors_recursive: null,
      },
      num_procs: 0,
      storage_stats: {},
      cpu_stats: current.cpu,
      precpu_stats: previous?.cpu ?? emptyCpu,
      memory_stats: container.runtime
        ? { usage: memory, max_usage: group?.memoryPeak ?? memory, stats: { cache: 0 }, limit: container.record.hostConfig.Memory || this.options.memTotal }
        : {},
      ...(networks ? { networks } : {}),
    };
  }

  async stats(name: string, options: ContainerStatsOptions, signal: AbortSignal): Promise<AsyncIterable<ContainerStatsResponse>> {
    const container = this.manager.get(name);
    const backend = this;
    async function* samples(): AsyncIterable<ContainerStatsResponse> {
      let previous: Sample | null = null;
      if (!options.stream && !options.oneShot && container.running) {
        previous = backend.sample(container);
        await sleep(1000, signal);
      }
      for (;;) {
        const current = backend.sample(container);
        yield backend.statsOf(container, current, previous);
        if (!options.stream || signal.aborted) return;
        previous = current;
        await sleep(1000, signal);
        if (signal.aborted) return;
      }
    }
    return samples();
  }

  async top(name: string, psArgs: string): Promise<ContainerTopResponse> {
    const container = this.manager.get(name);
    if (!container.runtime) throw new ConflictError(`Container ${container.id} is not running`);
    if (psArgs && !/^-?[efaux]*$/.test(psArgs)) throw new InvalidParameterError(`Error running ps: unsupported ps options ${psArgs}`);
    const pidns = container.runtime.pidns;
    const processes = [...pidns.members.values()].filter((p) => p.alive).sort((a, b) => a.pid - b.pid);
    return {
      Titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
      Processes: processes.map((p) => {
        const cpu = p.cpuMicros();
        const now = Date.now();
        return [
          p.creds.uid === 0 ? 'root' : String(p.creds.uid),
          String(p.pid),
          String(p.parent?.pid ?? 0),
          psCpuPercent(cpu, now - p.startedAt),
          psStartTime(p.startedAt, now),
          container.record.config.Tty ? 'pts/0' : '?',
          psTime(cpu),
          p.args.join(' '),
        ];
      }),
    };
  }

  async changes(name: string): Promise<FilesystemChange[]> {
    const container = this.manager.get(name);
    const overlay = await this.manager.filesystem(container);
    const kind = { C: 0, A: 1, D: 2 } as const;
    return overlay.changes().map((c) => ({ Path: c.path, Kind: kind[c.kind] }));
  }

  async export(name: string): Promise<AsyncIterable<Uint8Array>> {
    const container = this.manager.get(name);
    const overlay = await this.manager.filesystem(container);
    this.manager.events.publish('container', 'export', container.id, this.manager.attributes(container));
    return exportRoot(overlay.root());
  }

  async rename(name: string, newName: string): Promise<void> {
    await this.manager.rename(this.manager.get(name), newName);
  }

  async update(name: string, update: ContainerUpdateRequest): Promise<ContainerUpdateResponse> {
    const container = this.manager.get(name);
    const host = container.record.hostConfig;
    const warnings: string[] = [];
    if (update.RestartPolicy) {
      if (host.AutoRemove && update.RestartPolicy.Name && update.RestartPolicy.Name !== 'no') {
        throw new InvalidParameterError('Restart policy cannot be updated because AutoRemove is enabled for the container');
      }
      host.RestartPolicy = update.RestartPolicy;
    }
    if (update.Memory !== undefined && update.Memory !== 0) {
      host.Memory = update.Memory;
      if (container.runtime) {
        container.runtime.group.memoryLimit = update.Memory;
        warnings.push('Drydock applies a new memory limit to processes started from now on');
      }
    }
    if (update.MemorySwap !== undefined && update.MemorySwap !== 0) host.MemorySwap = update.MemorySwap;
    if (update.PidsLimit !== undefined) {
      host.PidsLimit = update.PidsLimit;
      if (container.runtime) container.runtime.group.pidsLimit = update.PidsLimit > 0 ? update.PidsLimit : null;
    }
    if (update.NanoCpus !== undefined) host.NanoCpus = update.NanoCpus;
    if (update.CpuShares !== undefined) host.CpuShares = update.CpuShares;
    await this.manager.persist(container);
    this.manager.events.publish('container', 'update', container.id, this.manager.attributes(container));
    return { Warnings: warnings };
  }

  async prune(filters: Filters): Promise<ContainerPruneReport> {
    const deleted: string[] = [];
    const until = filters.get('until').map((u) => Date.parse(/^\d+$/.test(u) ? new Date(Number(u) * 1000).toISOString() : u));
    for (const container of this.manager.all()) {
      if (container.running || container.record.state.status === 'restarting') continue;
      if (!filters.matchKeyValue('label', container.record.config.Labels ?? {})) continue;
      if (until.some((t) => Date.parse(container.record.created) >= t)) continue;
      await this.manager.remove(container, { force: false, removeVolumes: false });
      deleted.push(container.id);
    }
    this.manager.events.publish('container', 'prune', '', { reclaimed: '0' });
    return { ContainersDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: 0 };
  }

  async archiveStat(name: string, path: string): Promise<PathStat> {
    const container = this.manager.get(name);
    return pathStat(await this.manager.mountNamespace(container), name, path);
  }

  async archiveGet(name: string, path: string): Promise<ArchiveContent> {
    const container = this.manager.get(name);
    return archive(await this.manager.mountNamespace(container), name, path);
  }

  async archivePut(name: string, path: string, options: ArchivePutOptions, tar: AsyncIterable<Uint8Array>): Promise<void> {
    const container = this.manager.get(name);
    const ns = await this.manager.mountNamespace(container);
    const owner = options.copyUIDGID ? null : (() => {
      const user = resolveUser(ns, container.record.config.User ?? '');
      return { uid: user.uid, gid: user.gid };
    })();
    await extract(ns, name, path, tar, { noOverwriteDirNonDir: options.noOverwriteDirNonDir, owner });
  }
}

/**
 * The stdio an attach session should use: the running container's, or (when
 * the container is not running yet, as with `docker run`) the one of its next
 * start, handed over before output starts flowing.
 */
function stdioForAttach(container: Container, clientGone: Promise<void>, stream: boolean): Promise<ProcessStdio | null> {
  if (!stream) return Promise.resolve(null);
  if (container.runtime) return Promise.resolve(container.runtime.stdio);
  return new Promise((resolve) => {
    const take = (stdio: ProcessStdio) => resolve(stdio);
    container.pendingAttach.add(take);
    void clientGone.then(() => {
      container.pendingAttach.delete(take);
      resolve(null);
    });
  });
}

/**
 * The `networks` of a stats sample: one entry per interface of the
 * container's endpoints (eth0, eth1, ...), from the interface counters;
 * absent without a network (none, or not running with one), as dockerd.
 */
function networkStats(container: Container): Record<string, NetworkStats> | undefined {
  const endpoints = container.runtime?.network.endpoints;
  if (!endpoints) return Object.keys(container.record.networkSettings.Networks).length > 0 ? { eth0: netStatsOf(null) } : undefined;
  const out: Record<string, NetworkStats> = {};
  for (const endpoint of endpoints.values()) if (endpoint.iface) out[endpoint.iface.name] = netStatsOf(endpoint.iface.counters);
  return Object.keys(out).length > 0 ? out : undefined;
}

function netStatsOf(c: InterfaceCounters | null): NetworkStats {
  return { rx_bytes: c?.rxBytes ?? 0, rx_packets: c?.rxPackets ?? 0, rx_errors: 0, rx_dropped: 0, tx_bytes: c?.txBytes ?? 0, tx_packets: c?.txPackets ?? 0, tx_errors: 0, tx_dropped: 0 };
}
