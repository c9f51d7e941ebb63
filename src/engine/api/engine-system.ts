/**
 * A SystemBackend for Drydock itself: what `docker version` and `docker
 * info` print, with counts, events and disk usage supplied by the daemon
 * when it exists (until then: zeros, no events).
 */
import { nowNs } from '../../common/time.ts';
import { UNAME } from '../../kernel/syscalls/identity.ts';
import { NotImplementedError } from '../errors.ts';
import type { EventMessage, EventsOptions } from '../types/events.ts';
import type { AuthConfig, AuthResponse, DiskUsage, DiskUsageOptions, SystemInfo, SystemVersion } from '../types/system.ts';
import type { SystemBackend } from './routers/system-backend.ts';
import { formatRfc3339Nano } from './timestamp.ts';
import { DRYDOCK_VERSION, MAX_API_VERSION, MIN_API_VERSION } from './version.ts';

/** Object counts for /info, provided by the daemon. */
export interface EngineCounts {
  containers: number;
  running: number;
  paused: number;
  stopped: number;
  images: number;
}

export interface EngineSystemOptions {
  /** CPUs the engine may use (NCPU). */
  ncpu: number;
  /** Memory available to containers, in bytes (MemTotal). */
  memTotal: number;
  /** The engine's name (`docker info` "Name:"), default "drydock". */
  name?: string;
  /** A stable engine ID; default a random UUID per process. */
  id?: string;
  /** Where engine data lives (`Docker Root Dir`), e.g. the Node data root or "indexeddb:drydock". */
  dataRoot?: string;
  /** The host runtime, shown as the server's "Go version" (e.g. "node v20.20.2"). */
  runtime?: string;
  /** Build time of this Drydock build, when known, as dockerd writes it: "2006-01-02T15:04:05.000000000+00:00". */
  buildTime?: string;
  /** The short git commit of this Drydock build, when known. */
  gitCommit?: string;
  labels?: string[];
  experimental?: boolean;
  counts?: () => Promise<EngineCounts>;
  events?: (options: EventsOptions, signal: AbortSignal) => AsyncIterable<EventMessage>;
  diskUsage?: (options: DiskUsageOptions) => Promise<DiskUsage>;
  authenticate?: (config: AuthConfig) => Promise<AuthResponse>;
}

/** The machine and kernel release containers see in uname(2), so `docker version`/`info` agree with `uname -r` inside. */
const ARCH = UNAME.machine;
const KERNEL = UNAME.release;

/** Resolves when `signal` aborts or at `until` (nanoseconds since the epoch), whichever is first. */
function endOfStream(signal: AbortSignal, until: bigint | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    let timer: unknown;
    const done = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    if (until !== undefined) {
      const ms = Number((until - nowNs()) / 1_000_000n);
      timer = setTimeout(done, Math.max(0, ms));
    }
  });
}

export class EngineSystemBackend implements SystemBackend {
  private readonly id: string;

  constructor(private readonly options: EngineSystemOptions) {
    this.id = options.id ?? crypto.randomUUID();
  }

  async version(): Promise<SystemVersion> {
    const o = this.options;
    const details: Record<string, string> = {
      ApiVersion: MAX_API_VERSION,
      Arch: ARCH,
      BuildTime: o.buildTime ?? '',
      Experimental: String(o.experimental ?? false),
      GitCommit: o.gitCommit ?? '',
      GoVersion: o.runtime ?? '',
      KernelVersion: KERNEL,
      MinAPIVersion: MIN_API_VERSION,
      Os: 'linux',
    };
    return {
      Platform: { Name: 'Drydock engine' },
      Components: [{ Name: 'Engine', Version: DRYDOCK_VERSION, Details: details }],
      Version: DRYDOCK_VERSION,
      ApiVersion: MAX_API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: o.gitCommit ?? '',
      GoVersion: o.runtime ?? '',
      Os: 'linux',
      Arch: ARCH,
      KernelVersion: KERNEL,
      // omitempty in dockerd's types.Version.
      ...(o.experimental ? { Experimental: true } : {}),
      BuildTime: o.buildTime ?? '',
    };
  }

  async info(): Promise<SystemInfo> {
    const o = this.options;
    const counts = (await o.counts?.()) ?? { containers: 0, running: 0, paused: 0, stopped: 0, images: 0 };
    return {
      ID: this.id,
      Containers: counts.containers,
      ContainersRunning: counts.running,
      ContainersPaused: counts.paused,
      ContainersStopped: counts.stopped,
      Images: counts.images,
      Driver: 'drydock-overlay',
      DriverStatus: [],
      Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'null'], Authorization: null, Log: ['json-file'] },
      MemoryLimit: true,
      SwapLimit: false,
      CpuCfsPeriod: false,
      CpuCfsQuota: false,
      CPUShares: false,
      CPUSet: false,
      PidsLimit: true,
      IPv4Forwarding: true,
      Debug: false,
      NFd: 0,
      OomKillDisable: false,
      NGoroutines: 0,
      SystemTime: formatRfc3339Nano(nowNs()),
      LoggingDriver: 'json-file',
      CgroupDriver: 'none',
      CgroupVersion: '2',
      NEventsListener: 0,
      KernelVersion: KERNEL,
      OperatingSystem: 'Drydock',
      OSVersion: DRYDOCK_VERSION,
      OSType: 'linux',
      Architecture: ARCH,
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: {
        InsecureRegistryCIDRs: ['127.0.0.0/8', '::1/128'],
        IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: [], Secure: true, Official: true } },
        Mirrors: [],
      },
      NCPU: o.ncpu,
      MemTotal: o.memTotal,
      GenericResources: null,
      DockerRootDir: o.dataRoot ?? '',
      HttpProxy: '',
      HttpsProxy: '',
      NoProxy: '',
      Name: o.name ?? 'drydock',
      Labels: o.labels ?? [],
      ExperimentalBuild: o.experimental ?? false,
      ServerVersion: DRYDOCK_VERSION,
      Runtimes: { 'drydock-wasi': { path: 'drydock' } },
      DefaultRuntime: 'drydock-wasi',
      Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: false,
      Isolation: '',
      InitBinary: '',
      ContainerdCommit: { ID: '' },
      RuncCommit: { ID: '' },
      InitCommit: { ID: '' },
      SecurityOptions: [],
      Warnings: null,
    };
  }

  events(options: EventsOptions, signal: AbortSignal): AsyncIterable<EventMessage> {
    if (this.options.events) return this.options.events(options, signal);
    // No event source yet: an empty stream that stays open like dockerd's until `until` or the client leaves.
    return (async function* (): AsyncIterable<EventMessage> {
      await endOfStream(signal, options.until);
    })();
  }

  async diskUsage(options: DiskUsageOptions): Promise<DiskUsage> {
    if (this.options.diskUsage) return this.options.diskUsage(options);
    return { LayersSize: 0, Images: [], Containers: [], Volumes: [], BuildCache: [] };
  }

  async authenticate(config: AuthConfig): Promise<AuthResponse> {
    if (this.options.authenticate) return this.options.authenticate(config);
    throw new NotImplementedError('registry login is not supported by this engine yet');
  }
}
