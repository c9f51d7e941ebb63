/**
 * Container types of the Docker Engine API (moby api/types/container,
 * swagger 1.47). Request types have every field optional, because clients
 * omit what they do not set (Go's zero values); response types list what
 * dockerd fills in.
 */
import type { Filters } from './filters.ts';
import type { EndpointSettings } from './network.ts';

/** `"80/tcp"` → `{}`: the ports a container exposes. */
export type PortSet = Record<string, Record<string, never>>;

/** A host binding of a container port; empty strings mean "any address" and "pick a free port". */
export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

/** `"80/tcp"` → host bindings (null when exposed but not published). */
export type PortMap = Record<string, PortBinding[] | null>;

/** The container's healthcheck; durations are nanoseconds. */
export interface HealthConfig {
  /** ["NONE"], ["CMD", args…], ["CMD-SHELL", command]. */
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
  StartInterval?: number;
}

/**
 * The portable configuration of a container (also an image's Config).
 * `Cmd` and `Entrypoint` accept a string or a list on input (Go's StrSlice).
 */
export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: PortSet;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  /** "KEY=value" entries. */
  Env?: string[];
  Cmd?: string[];
  Healthcheck?: HealthConfig;
  ArgsEscaped?: boolean;
  Image?: string;
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Entrypoint?: string[];
  NetworkDisabled?: boolean;
  MacAddress?: string;
  OnBuild?: string[];
  Labels?: Record<string, string>;
  StopSignal?: string;
  /** Seconds. */
  StopTimeout?: number;
  Shell?: string[];
}

export interface RestartPolicy {
  Name?: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount?: number;
}

export interface LogConfig {
  Type?: string;
  Config?: Record<string, string>;
}

export interface DeviceMapping {
  PathOnHost?: string;
  PathInContainer?: string;
  CgroupPermissions?: string;
}

export interface DeviceRequest {
  Driver?: string;
  Count?: number;
  DeviceIDs?: string[];
  Capabilities?: string[][];
  Options?: Record<string, string>;
}

export interface ThrottleDevice {
  Path?: string;
  Rate?: number;
}

export interface WeightDevice {
  Path?: string;
  Weight?: number;
}

export interface Ulimit {
  Name?: string;
  Soft?: number;
  Hard?: number;
}

/** A mount requested with `--mount` (HostConfig.Mounts). */
export interface MountRequest {
  Target?: string;
  Source?: string;
  Type?: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: {
    Propagation?: string;
    NonRecursive?: boolean;
    CreateMountpoint?: boolean;
    ReadOnlyNonRecursive?: boolean;
    ReadOnlyForceRecursive?: boolean;
  };
  VolumeOptions?: {
    NoCopy?: boolean;
    Labels?: Record<string, string>;
    DriverConfig?: { Name?: string; Options?: Record<string, string> };
    Subpath?: string;
  };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number; Options?: string[][] };
}

/** Resource limits (shared by HostConfig and POST /containers/{id}/update). */
export interface Resources {
  CpuShares?: number;
  /** Bytes. */
  Memory?: number;
  CgroupParent?: string;
  BlkioWeight?: number;
  BlkioWeightDevice?: WeightDevice[];
  BlkioDeviceReadBps?: ThrottleDevice[];
  BlkioDeviceWriteBps?: ThrottleDevice[];
  BlkioDeviceReadIOps?: ThrottleDevice[];
  BlkioDeviceWriteIOps?: ThrottleDevice[];
  CpuPeriod?: number;
  CpuQuota?: number;
  CpuRealtimePeriod?: number;
  CpuRealtimeRuntime?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  Devices?: DeviceMapping[];
  DeviceCgroupRules?: string[];
  DeviceRequests?: DeviceRequest[];
  KernelMemoryTCP?: number;
  MemoryReservation?: number;
  /** Memory plus swap in bytes; -1 is unlimited swap. */
  MemorySwap?: number;
  MemorySwappiness?: number;
  /** CPU quota in units of 1e-9 CPUs (`--cpus 0.5` is 500000000). */
  NanoCpus?: number;
  OomKillDisable?: boolean;
  Init?: boolean;
  /** 0 or -1 is unlimited. */
  PidsLimit?: number;
  Ulimits?: Ulimit[];
  CpuCount?: number;
  CpuPercent?: number;
  IOMaximumIOps?: number;
  IOMaximumBandwidth?: number;
}

/** The non-portable configuration of a container: how it runs on this host. */
export interface HostConfig extends Resources {
  /** "volume:/path[:ro]" or "/host/path:/path[:opts]". */
  Binds?: string[];
  ContainerIDFile?: string;
  LogConfig?: LogConfig;
  /** "default", "bridge", "host", "none", "container:<id>" or a network name. */
  NetworkMode?: string;
  PortBindings?: PortMap;
  RestartPolicy?: RestartPolicy;
  AutoRemove?: boolean;
  VolumeDriver?: string;
  VolumesFrom?: string[];
  Mounts?: MountRequest[];
  /** [height, width] of the TTY. */
  ConsoleSize?: number[];
  Annotations?: Record<string, string>;
  CapAdd?: string[];
  CapDrop?: string[];
  CgroupnsMode?: string;
  Dns?: string[];
  DnsOptions?: string[];
  DnsSearch?: string[];
  /** "host:ip" entries for /etc/hosts. */
  ExtraHosts?: string[];
  GroupAdd?: string[];
  IpcMode?: string;
  Cgroup?: string;
  Links?: string[];
  OomScoreAdj?: number;
  PidMode?: string;
  Privileged?: boolean;
  PublishAllPorts?: boolean;
  ReadonlyRootfs?: boolean;
  SecurityOpt?: string[];
  StorageOpt?: Record<string, string>;
  Tmpfs?: Record<string, string>;
  UTSMode?: string;
  UsernsMode?: string;
  ShmSize?: number;
  Sysctls?: Record<string, string>;
  Runtime?: string;
  Isolation?: string;
  MaskedPaths?: string[];
  ReadonlyPaths?: string[];
}

/** Per-network endpoint settings requested at create time. */
export interface NetworkingConfig {
  EndpointsConfig?: Record<string, EndpointSettings>;
}

/** The body of POST /containers/create: a Config with HostConfig and NetworkingConfig inline. */
export interface ContainerCreateRequest extends ContainerConfig {
  HostConfig?: HostConfig;
  NetworkingConfig?: NetworkingConfig;
}

/** The parsed request of POST /containers/create. */
export interface ContainerCreateOptions {
  /** `?name=`; empty for a generated name. */
  name: string;
  /** `?platform=` ("os[/arch[/variant]]"), empty when not given. */
  platform: string;
  config: ContainerCreateRequest;
}

/** POST /containers/create's 201 answer. */
export interface ContainerCreateResponse {
  Id: string;
  Warnings: string[];
}

/** A published port as listed by GET /containers/json. */
export interface PortSummary {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: 'tcp' | 'udp' | 'sctp';
}

/** A mount as reported by list and inspect. */
export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

/** Container states, as in State.Status. */
export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** One entry of GET /containers/json. `Created` is a Unix time in seconds (an integer). */
export interface ContainerSummary {
  Id: string;
  /** Names with a leading "/". */
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  Ports: PortSummary[];
  SizeRw?: number;
  SizeRootFs?: number;
  Labels: Record<string, string>;
  State: ContainerStatus;
  /** Human text: "Up 2 minutes", "Exited (0) 3 seconds ago". */
  Status: string;
  HostConfig: { NetworkMode: string; Annotations?: Record<string, string> };
  NetworkSettings: { Networks: Record<string, EndpointSettings> };
  Mounts: MountPoint[];
}

/** Options of GET /containers/json. Filters are validated by the router. */
export interface ContainerListOptions {
  all: boolean;
  size: boolean;
  /** Return only the most recently created N (0 or undefined: no limit). */
  limit?: number;
  filters: Filters;
}

export interface HealthLogEntry {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

export interface ContainerHealth {
  Status: 'none' | 'starting' | 'healthy' | 'unhealthy';
  FailingStreak: number;
  Log: HealthLogEntry[];
}

/** State in GET /containers/{id}/json. Times are RFC3339Nano; "0001-01-01T00:00:00Z" when unset. */
export interface ContainerState {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  Health?: ContainerHealth;
}

/** NetworkSettings in GET /containers/{id}/json. */
export interface NetworkSettings {
  Bridge: string;
  SandboxID: string;
  HairpinMode?: boolean;
  LinkLocalIPv6Address?: string;
  LinkLocalIPv6PrefixLen?: number;
  Ports: PortMap;
  SandboxKey: string;
  SecondaryIPAddresses?: null;
  SecondaryIPv6Addresses?: null;
  EndpointID: string;
  Gateway: string;
  GlobalIPv6Address: string;
  GlobalIPv6PrefixLen: number;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: string;
  MacAddress: string;
  Networks: Record<string, EndpointSettings>;
}

/**
 * GET /containers/{id}/json. The CLI dereferences Config and HostConfig
 * without checking: they must always be present.
 */
export interface ContainerInspect {
  Id: string;
  /** RFC3339Nano. */
  Created: string;
  Path: string;
  Args: string[];
  State: ContainerState;
  Image: string;
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  LogPath: string;
  /** With a leading "/". */
  Name: string;
  RestartCount: number;
  Driver: string;
  Platform: string;
  MountLabel: string;
  ProcessLabel: string;
  AppArmorProfile: string;
  ExecIDs: string[] | null;
  HostConfig: HostConfig;
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  SizeRw?: number;
  SizeRootFs?: number;
  Mounts: MountPoint[];
  Config: ContainerConfig;
  NetworkSettings: NetworkSettings;
}

/** Conditions of POST /containers/{id}/wait. */
export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

/** POST /containers/{id}/wait's body, written when the wait ends. */
export interface ContainerWaitResponse {
  /** Field order matters for byte-exact output: Error first, as Go encodes it. */
  Error: { Message: string } | null;
  StatusCode: number;
}

/** GET /containers/{id}/top. */
export interface ContainerTopResponse {
  Titles: string[];
  Processes: string[][];
}

/** GET /containers/{id}/changes: Kind 0 modified, 1 added, 2 deleted. */
export interface FilesystemChange {
  Path: string;
  Kind: 0 | 1 | 2;
}

/** The body of POST /containers/{id}/update. */
export interface ContainerUpdateRequest extends Resources {
  RestartPolicy?: RestartPolicy;
}

export interface ContainerUpdateResponse {
  Warnings: string[];
}

/** POST /containers/prune. */
export interface ContainerPruneReport {
  ContainersDeleted: string[] | null;
  SpaceReclaimed: number;
}

/** Options of POST /containers/{id}/stop and /restart. */
export interface ContainerStopOptions {
  /** Signal name or number (API ≥ 1.42); empty means the container's StopSignal. */
  signal?: string;
  /** Seconds before SIGKILL; undefined means the container's StopTimeout (default 10). */
  timeout?: number;
}

/** Options of DELETE /containers/{id}. */
export interface ContainerRemoveOptions {
  force: boolean;
  /** `v=1`: remove anonymous volumes too. */
  removeVolumes: boolean;
  /** `link=1`: remove a legacy link, not the container. */
  removeLink: boolean;
}

/** Options of POST /containers/{id}/attach. */
export interface ContainerAttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** Replay the stored log before streaming. */
  logs: boolean;
  /** Stream live output (false: only the replay, if any). */
  stream: boolean;
  /** Overrides the detach key sequence ("ctrl-p,ctrl-q" by default). */
  detachKeys: string;
}

/** Options of GET /containers/{id}/logs. Times are nanoseconds since the epoch. */
export interface ContainerLogsOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  timestamps: boolean;
  details: boolean;
  since?: bigint;
  until?: bigint;
  /** Number of lines from the end; undefined means all. */
  tail?: number;
}

/** A stored log line (one write of the container, with its trailing newline if any). */
export interface LogMessage {
  stream: 'stdout' | 'stderr';
  line: Uint8Array;
  /** Nanoseconds since the epoch. */
  timestamp: bigint;
  /** Log attributes shown with `details=1`. */
  attrs?: Record<string, string>;
  /** An error reading the log: written as a systemerr frame. */
  error?: string;
}

/** What GET /containers/{id}/logs streams: the messages, framed unless the container has a TTY. */
export interface ContainerLogs {
  tty: boolean;
  messages: AsyncIterable<LogMessage>;
}

/** Options of GET /containers/{id}/stats. */
export interface ContainerStatsOptions {
  stream: boolean;
  /** API ≥ 1.41: do not wait for a second sample (precpu_stats empty). */
  oneShot: boolean;
}

export interface CpuUsage {
  total_usage: number;
  percpu_usage?: number[];
  usage_in_kernelmode: number;
  usage_in_usermode: number;
}

export interface CpuStats {
  cpu_usage: CpuUsage;
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface BlkioStatEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface NetworkStats {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

/**
 * One sample of GET /containers/{id}/stats. Never put uint64-max values in
 * these numbers: they do not survive a JS double and Go clients fail to
 * decode the result.
 */
export interface ContainerStatsResponse {
  name: string;
  id: string;
  /** RFC3339Nano. */
  read: string;
  preread: string;
  pids_stats: { current?: number; limit?: number };
  blkio_stats: {
    io_service_bytes_recursive: BlkioStatEntry[] | null;
    io_serviced_recursive: BlkioStatEntry[] | null;
    io_queue_recursive: BlkioStatEntry[] | null;
    io_service_time_recursive: BlkioStatEntry[] | null;
    io_wait_time_recursive: BlkioStatEntry[] | null;
    io_merged_recursive: BlkioStatEntry[] | null;
    io_time_recursive: BlkioStatEntry[] | null;
    sectors_recursive: BlkioStatEntry[] | null;
  };
  num_procs: number;
  storage_stats: Record<string, number>;
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: { usage?: number; max_usage?: number; stats?: Record<string, number>; failcnt?: number; limit?: number };
  networks?: Record<string, NetworkStats>;
}

/**
 * The stat of a path inside a container, sent base64-encoded in the
 * X-Docker-Container-Path-Stat header of the archive endpoints.
 */
export interface PathStat {
  name: string;
  size: number;
  /** Go os.FileMode bits: directories have 1<<31, symlinks 1<<27, plus the permission bits. */
  mode: number;
  /** RFC3339Nano. */
  mtime: string;
  linkTarget: string;
}

/** The tar of GET /containers/{id}/archive with the stat of the requested path. */
export interface ArchiveContent {
  stat: PathStat;
  tar: AsyncIterable<Uint8Array>;
}

/** Options of PUT /containers/{id}/archive. */
export interface ArchivePutOptions {
  /** Refuse to replace a directory with a non-directory and vice versa. */
  noOverwriteDirNonDir: boolean;
  /** Use the archive's UID/GID instead of the container user's. */
  copyUIDGID: boolean;
}
