/**
 * Types of the system endpoints: /version, /info, /system/df, /auth
 * (moby api/types/system, api/types/registry; swagger 1.47).
 */
import type { BuildCacheRecord } from './build.ts';
import type { ContainerSummary } from './container.ts';
import type { ImageSummary } from './image.ts';
import type { Volume } from './volume.ts';

/** One component in GET /version's `Components` (the engine itself, a runtime…). */
export interface ComponentVersion {
  Name: string;
  Version: string;
  Details?: Record<string, string>;
}

/** GET /version. `docker version` prints the Engine component and these fields. */
export interface SystemVersion {
  Platform?: { Name: string };
  Components?: ComponentVersion[];
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  GitCommit?: string;
  GoVersion?: string;
  Os: string;
  Arch: string;
  KernelVersion?: string;
  Experimental?: boolean;
  /** RFC3339Nano. */
  BuildTime?: string;
}

/** Plugin names listed in /info (`docker info` prints them under "Plugins:"). */
export interface PluginsInfo {
  Volume: string[] | null;
  Network: string[] | null;
  Authorization: string[] | null;
  Log: string[] | null;
}

/** The swarm part of /info. Drydock is never in a swarm: LocalNodeState is "inactive". */
export interface SwarmInfo {
  NodeID: string;
  NodeAddr: string;
  LocalNodeState: '' | 'inactive' | 'pending' | 'active' | 'error' | 'locked';
  ControlAvailable: boolean;
  Error: string;
  RemoteManagers: null | { NodeID: string; Addr: string }[];
}

/** A commit of a bundled component (containerd, runc, init) as /info reports it. */
export interface CommitInfo {
  ID: string;
  Expected?: string;
}

/** Registry settings shown by `docker info` ("Insecure Registries:"). */
export interface RegistryServiceConfig {
  InsecureRegistryCIDRs: string[];
  IndexConfigs: Record<string, { Name: string; Mirrors: string[]; Secure: boolean; Official: boolean }>;
  Mirrors: string[];
}

/** A runtime known to the engine (`docker info` "Runtimes:"). */
export interface RuntimeInfo {
  path?: string;
  runtimeArgs?: string[];
}

/** GET /info. Every field is optional for the CLI; the ones listed are what `docker info` prints. */
export interface SystemInfo {
  ID: string;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver: string;
  DriverStatus: [string, string][] | null;
  Plugins: PluginsInfo;
  MemoryLimit: boolean;
  SwapLimit: boolean;
  CpuCfsPeriod: boolean;
  CpuCfsQuota: boolean;
  CPUShares: boolean;
  CPUSet: boolean;
  PidsLimit: boolean;
  IPv4Forwarding: boolean;
  Debug: boolean;
  NFd: number;
  OomKillDisable: boolean;
  NGoroutines: number;
  /** RFC3339Nano. */
  SystemTime: string;
  LoggingDriver: string;
  CgroupDriver: string;
  CgroupVersion: string;
  NEventsListener: number;
  KernelVersion: string;
  OperatingSystem: string;
  OSVersion: string;
  OSType: string;
  Architecture: string;
  IndexServerAddress: string;
  RegistryConfig: RegistryServiceConfig | null;
  NCPU: number;
  MemTotal: number;
  GenericResources: null;
  DockerRootDir: string;
  HttpProxy: string;
  HttpsProxy: string;
  NoProxy: string;
  Name: string;
  Labels: string[];
  ExperimentalBuild: boolean;
  ServerVersion: string;
  Runtimes: Record<string, RuntimeInfo>;
  DefaultRuntime: string;
  Swarm: SwarmInfo;
  LiveRestoreEnabled: boolean;
  Isolation: string;
  InitBinary: string;
  ContainerdCommit: CommitInfo;
  RuncCommit: CommitInfo;
  InitCommit: CommitInfo;
  SecurityOptions: string[];
  CDISpecDirs?: string[];
  Warnings: string[] | null;
}

/** Which parts GET /system/df should compute (`type=` query values, API ≥ 1.42). */
export interface DiskUsageOptions {
  containers: boolean;
  images: boolean;
  volumes: boolean;
  buildCache: boolean;
}

/** GET /system/df (`docker system df`). */
export interface DiskUsage {
  LayersSize: number;
  Images: ImageSummary[];
  Containers: ContainerSummary[];
  Volumes: Volume[];
  BuildCache: BuildCacheRecord[];
  /** Deprecated sum kept by dockerd for old clients. */
  BuilderSize?: number;
}

/** Registry credentials: the body of POST /auth, and decoded X-Registry-Auth headers. */
export interface AuthConfig {
  username?: string;
  password?: string;
  /** Deprecated; ignored. */
  email?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
  /** base64("user:password") as stored in ~/.docker/config.json. */
  auth?: string;
}

/** POST /auth's answer. */
export interface AuthResponse {
  Status: string;
  IdentityToken?: string;
}
