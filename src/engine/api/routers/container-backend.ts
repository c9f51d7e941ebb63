/**
 * What the container router needs (moby daemon/server/router/container/
 * backend.go). Containers are named by full ID, unique ID prefix, or name
 * with or without the leading "/"; a missing one is NotFoundError
 * "No such container: <name>". State conflicts are ConflictError (409) and
 * no-ops NotModifiedError (304) with dockerd's messages.
 */
import type { Filters } from '../../types/filters.ts';
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
  FilesystemChange,
  PathStat,
  WaitCondition,
} from '../../types/container.ts';
import type { StreamSession } from '../hijack.ts';

/** Filter names GET /containers/json accepts. */
export const CONTAINER_LIST_FILTERS = [
  'ancestor',
  'before',
  'exited',
  'expose',
  'health',
  'id',
  'isolation',
  'is-task',
  'label',
  'name',
  'network',
  'publish',
  'since',
  'status',
  'volume',
] as const;

/** Filter names POST /containers/prune accepts. */
export const CONTAINER_PRUNE_FILTERS = ['label', 'label!', 'until'] as const;

/**
 * A wait that has been validated (the container exists) and is pending.
 * The router flushes the response headers as soon as it has this object.
 */
export interface ContainerWaiter {
  /** Settles when the condition is met; rejecting or the request's abort ends the response. */
  readonly result: Promise<ContainerWaitResponse>;
}

export interface ContainersBackend {
  /** GET /containers/json. */
  list(options: ContainerListOptions): Promise<ContainerSummary[]>;
  /** POST /containers/create (201). A missing image is NotFoundError "No such image: x:latest". */
  create(options: ContainerCreateOptions): Promise<ContainerCreateResponse>;
  /** GET /containers/{name}/json (`size=1` computes SizeRw/SizeRootFs). */
  inspect(name: string, options: { size: boolean }): Promise<ContainerInspect>;
  /** POST /containers/{name}/start; NotModifiedError when already running. */
  start(name: string): Promise<void>;
  /** POST /containers/{name}/stop; NotModifiedError when already stopped. */
  stop(name: string, options: ContainerStopOptions): Promise<void>;
  restart(name: string, options: ContainerStopOptions): Promise<void>;
  /** POST /containers/{name}/kill; `signal` is a name ("KILL", "SIGWINCH") or number, empty for SIGKILL. */
  kill(name: string, signal: string): Promise<void>;
  pause(name: string): Promise<void>;
  unpause(name: string): Promise<void>;
  /**
   * POST /containers/{name}/wait. Resolves once the container is known to
   * exist; `signal` aborts when the client leaves (the CLI cancels its
   * next-exit wait after start).
   */
  wait(name: string, condition: WaitCondition, signal: AbortSignal): Promise<ContainerWaiter>;
  /**
   * POST /containers/{name}/attach. Validates (NotFoundError, ConflictError)
   * and returns the session the router runs on the hijacked connection.
   */
  attach(name: string, options: ContainerAttachOptions): Promise<StreamSession>;
  /** GET /containers/{name}/logs; with follow, the messages end when the container stops or the signal aborts. */
  logs(name: string, options: ContainerLogsOptions, signal: AbortSignal): Promise<ContainerLogs>;
  /** DELETE /containers/{name}; ConflictError "You cannot remove a running container …" unless forced. */
  remove(name: string, options: ContainerRemoveOptions): Promise<void>;
  /** POST /containers/{name}/resize. */
  resize(name: string, height: number, width: number): Promise<void>;
  /** GET /containers/{name}/stats: one sample per second while streaming, else exactly one. */
  stats(name: string, options: ContainerStatsOptions, signal: AbortSignal): Promise<AsyncIterable<ContainerStatsResponse>>;
  /** GET /containers/{name}/top. */
  top(name: string, psArgs: string): Promise<ContainerTopResponse>;
  /** GET /containers/{name}/changes. */
  changes(name: string): Promise<FilesystemChange[]>;
  /** GET /containers/{name}/export: a tar of the container's filesystem. */
  export(name: string, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
  /** POST /containers/{name}/rename; ConflictError when the new name is taken. */
  rename(name: string, newName: string): Promise<void>;
  /** POST /containers/{name}/update. */
  update(name: string, update: ContainerUpdateRequest): Promise<ContainerUpdateResponse>;
  /** POST /containers/prune (filters validated). */
  prune(filters: Filters): Promise<ContainerPruneReport>;
  /** HEAD /containers/{name}/archive?path=: the stat of a path (NotFoundError for a missing path). */
  archiveStat(name: string, path: string): Promise<PathStat>;
  /** GET /containers/{name}/archive?path=: a tar of the path, with its stat. */
  archiveGet(name: string, path: string, signal: AbortSignal): Promise<ArchiveContent>;
  /** PUT /containers/{name}/archive?path=: extracts the tar into the directory `path`. */
  archivePut(name: string, path: string, options: ArchivePutOptions, tar: AsyncIterable<Uint8Array>): Promise<void>;
}
