/**
 * Image types of the Docker Engine API (moby api/types/image, swagger 1.47).
 */
import type { ContainerConfig } from './container.ts';
import type { Filters } from './filters.ts';
import type { AuthConfig } from './system.ts';

/** An entry of GET /images/json. `Created` is a Unix time in seconds. -1 means "not computed". */
export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
  SharedSize: number;
  /** Deprecated, equal to Size; kept because older clients read it. */
  VirtualSize?: number;
  Labels: Record<string, string> | null;
  Containers: number;
}

/** Options of GET /images/json. */
export interface ImageListOptions {
  all: boolean;
  sharedSize: boolean;
  digests: boolean;
  manifests: boolean;
  filters: Filters;
}

/** GET /images/{name}/json. `Created` is RFC3339Nano. */
export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion?: string;
  Author: string;
  Config: ContainerConfig | null;
  Architecture: string;
  Variant?: string;
  Os: string;
  OsVersion?: string;
  Size: number;
  VirtualSize?: number;
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  RootFS: { Type: 'layers'; Layers: string[] };
  Metadata: { LastTagTime?: string };
}

/** An entry of GET /images/{name}/history. `Created` is a Unix time in seconds. */
export interface ImageHistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

/** An entry of DELETE /images/{name}'s answer: one of the two keys is set. */
export interface ImageDeleteResponseItem {
  Untagged?: string;
  Deleted?: string;
}

/** Options of DELETE /images/{name}. */
export interface ImageRemoveOptions {
  force: boolean;
  /** `noprune=1`: keep untagged parents. */
  noPrune: boolean;
}

/** An entry of GET /images/search. */
export interface ImageSearchResult {
  description: string;
  is_official: boolean;
  /** Deprecated, always false. */
  is_automated: boolean;
  name: string;
  star_count: number;
}

/** Options of GET /images/search. */
export interface ImageSearchOptions {
  term: string;
  limit?: number;
  filters: Filters;
  auth?: AuthConfig;
}

/** POST /images/prune. */
export interface ImagePruneReport {
  ImagesDeleted: ImageDeleteResponseItem[] | null;
  SpaceReclaimed: number;
}

/** Options of POST /images/create with fromImage (a pull). */
export interface ImagePullOptions {
  /** Repository as sent (`docker.io/library/alpine`, a trailing ":" stripped as dockerd does). */
  fromImage: string;
  /** Tag or digest; empty with `docker pull -a`. */
  tag: string;
  /** "os[/arch[/variant]]", empty for the engine's platform. */
  platform: string;
  /** Decoded X-Registry-Auth; undefined when absent or undecodable (a pull without auth is fine). */
  auth?: AuthConfig;
}

/** Options of POST /images/create with fromSrc (an import). */
export interface ImageImportOptions {
  /** "-" for the request body, else a URL. */
  fromSrc: string;
  repo: string;
  tag: string;
  message: string;
  /** Dockerfile instructions applied to the config (`--change`). */
  changes: string[];
  platform: string;
}

/** Options of POST /images/{name}/push. */
export interface ImagePushOptions {
  tag: string;
  platform: string;
  auth?: AuthConfig;
}

/** Options of POST /commit. */
export interface ContainerCommitOptions {
  container: string;
  repo: string;
  tag: string;
  comment: string;
  author: string;
  /** Pause the container while committing (default true). */
  pause: boolean;
  changes: string[];
  /** Config overrides from the request body. */
  config?: ContainerConfig;
}

/** GET /distribution/{name}/json. */
export interface DistributionInspect {
  Descriptor: { mediaType: string; digest: string; size: number; urls?: string[] };
  Platforms: { architecture: string; os: string; variant?: string; 'os.version'?: string }[];
}
