/**
 * Classic builder (`POST /build`) types (moby api/types/build and the
 * builder-v1 query parameters, swagger 1.47).
 */
import type { Ulimit } from './container.ts';
import type { Filters } from './filters.ts';
import type { AuthConfig } from './system.ts';

/** The query parameters of POST /build, parsed. The build context is the request body (a tar). */
export interface BuildOptions {
  /** Path of the Dockerfile inside the context ("Dockerfile" when empty). */
  dockerfile: string;
  /** `t=`: names to tag the result with. */
  tags: string[];
  extraHosts: string[];
  /** A git URL or tarball URL to use as the context instead of the body. */
  remote: string;
  /** `q=1`: only the image ID is printed (the router enforces it). */
  quiet: boolean;
  noCache: boolean;
  cacheFrom: string[];
  pull: boolean;
  /** Remove intermediate containers after a successful build (default true). */
  remove: boolean;
  forceRemove: boolean;
  memory: number;
  memorySwap: number;
  cpuShares: number;
  cpuSetCpus: string;
  cpuSetMems: string;
  cpuPeriod: number;
  cpuQuota: number;
  /** `ARG` values; null means "named on the command line but unset". */
  buildArgs: Record<string, string | null>;
  shmSize: number;
  labels: Record<string, string>;
  networkMode: string;
  platform: string;
  /** Multi-stage target. */
  target: string;
  ulimits: Ulimit[];
  /** Registry credentials from X-Registry-Config, by registry host. */
  authConfigs: Record<string, AuthConfig>;
}

/** One record of the build cache (`docker system df -v`, /build/prune). */
export interface BuildCacheRecord {
  ID: string;
  Parent?: string;
  Parents?: string[];
  Type: string;
  Description: string;
  InUse: boolean;
  Shared: boolean;
  Size: number;
  CreatedAt: string;
  LastUsedAt: string | null;
  UsageCount: number;
}

/** Options of POST /build/prune. */
export interface BuildPruneOptions {
  all: boolean;
  /** Bytes of cache to keep. */
  reservedSpace: number;
  maxUsedSpace: number;
  minFreeSpace: number;
  filters: Filters;
}

/** POST /build/prune. */
export interface BuildPruneReport {
  CachesDeleted: string[] | null;
  SpaceReclaimed: number;
}
