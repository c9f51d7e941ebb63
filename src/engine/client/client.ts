/**
 * A typed Docker Engine API client over an EngineTransport: what the
 * in-browser `docker` command and in-process Node users call. Paths and
 * bodies are the API's own, so everything works the same against Drydock in
 * process, Drydock over comlink, or any engine reachable through a transport.
 */
import { concatBytes, fromUtf8, utf8 } from '../../common/bytes.ts';
import { encodeBase64 } from '../api/base64.ts';
import type {
  ContainerConfig,
  ContainerCreateRequest,
  ContainerCreateResponse,
  ContainerInspect,
  ContainerPruneReport,
  ContainerStatsResponse,
  ContainerSummary,
  ContainerTopResponse,
  ContainerUpdateRequest,
  ContainerUpdateResponse,
  ContainerWaitResponse,
  FilesystemChange,
} from '../types/container.ts';
import type { ExecCreateRequest, ExecInspect } from '../types/exec.ts';
import type { EventMessage } from '../types/events.ts';
import type {
  DistributionInspect,
  ImageDeleteResponseItem,
  ImageHistoryItem,
  ImageInspect,
  ImagePruneReport,
  ImageSearchResult,
  ImageSummary,
} from '../types/image.ts';
import type { JsonMessage } from '../types/json-message.ts';
import type {
  NetworkConnectRequest,
  NetworkCreateRequest,
  NetworkCreateResponse,
  NetworkDisconnectRequest,
  NetworkInspect,
  NetworkPruneReport,
} from '../types/network.ts';
import type { AuthConfig, AuthResponse, DiskUsage, SystemInfo, SystemVersion } from '../types/system.ts';
import type { BuildPruneReport } from '../types/build.ts';
import type { Volume, VolumeCreateRequest, VolumeListResponse, VolumePruneReport } from '../types/volume.ts';
import type { ChunkHandler, ClientRequest, ClientUpload, EngineTransport, HijackHandle, StreamHandle } from './transport.ts';
import { canUpload, jsonBody } from './transport.ts';

/** An error answer of the engine: its HTTP status and dockerd's message. */
export class DockerApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DockerApiError';
  }
}

/** A query value: omitted when undefined or false, `1` for true, repeated for a list, JSON for filters. */
export type QueryValue = string | number | boolean | undefined | readonly string[] | FilterArg;

/** The `filters` parameter in the API's own shape: `{"label": {"a=b": true}}`. */
export type FilterArg = Readonly<Record<string, Readonly<Record<string, boolean>>>>;

/** Builds "?a=1&b=x" with the API's conventions (see QueryValue); "" when nothing is set. */
export function query(params: Record<string, QueryValue>): string {
  const parts: string[] = [];
  const add = (k: string, v: string) => parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === false) continue;
    if (Array.isArray(v)) for (const item of v as readonly string[]) add(k, item);
    else if (typeof v === 'object') {
      if (Object.keys(v).length > 0) add(k, JSON.stringify(v));
    } else add(k, v === true ? '1' : String(v));
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** X-Registry-Auth / X-Registry-Config: URL-safe base64 of the JSON, as the Go client sends it. */
export function registryAuthHeader(value: unknown): string {
  return encodeBase64(utf8(JSON.stringify(value))).replace(/\+/g, '-').replace(/\//g, '_');
}

/** Splits a byte stream into JSON values, one per line ("\n" or "\r\n"); keeps partial lines and characters across chunks. */
export class JsonLineSplitter<T> {
  private readonly decoder = new TextDecoder();
  private buffer = '';

  constructor(private readonly onValue: (value: T) => void) {}

  push(chunk: Uint8Array): void {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.onValue(JSON.parse(line) as T);
    }
  }

  /** Parses what is left after the last newline (a body that does not end in one). */
  end(): void {
    const line = (this.buffer + this.decoder.decode()).trim();
    this.buffer = '';
    if (line) this.onValue(JSON.parse(line) as T);
  }
}

function errorMessage(body: Uint8Array): string {
  const text = fromUtf8(body).trim();
  try {
    const parsed = JSON.parse(text) as { message?: string };
    return parsed.message ?? text;
  } catch {
    return text;
  }
}

/** Splits stdcopy frames (non-TTY output) into (stream, bytes); keeps partial frames across chunks. */
export class StdcopyDemuxer {
  private pending = new Uint8Array(0);

  constructor(private readonly onFrame: (stream: 1 | 2, bytes: Uint8Array) => void) {}

  push(chunk: Uint8Array): void {
    let data = chunk;
    if (this.pending.length > 0) {
      data = new Uint8Array(this.pending.length + chunk.length);
      data.set(this.pending);
      data.set(chunk, this.pending.length);
    }
    let at = 0;
    while (data.length - at >= 8) {
      const stream = data[at]!;
      const size = new DataView(data.buffer, data.byteOffset + at + 4, 4).getUint32(0);
      if (data.length - at - 8 < size) break;
      const payload = data.subarray(at + 8, at + 8 + size);
      if (stream === 1 || stream === 2) this.onFrame(stream, payload);
      else if (stream === 3) this.onFrame(2, payload);
      at += 8 + size;
    }
    this.pending = data.slice(at);
  }
}

/** A hijack's handle, or its refusal (an error status) as a DockerApiError with the engine's message. */
export function hijacked(handle: HijackHandle): HijackHandle {
  if (handle.status >= 400) throw new DockerApiError(handle.status, errorMessage(utf8(handle.error ?? '')));
  return handle;
}

/** The path segment of an object name or ID. */
const seg = encodeURIComponent;

/** The JSON headers of a request with a body. */
const JSON_HEADERS = { 'Content-Type': 'application/json' } as const;

/** What a streamed call in progress gives back: the response head and the end of the body. */
export type OpenStream = StreamHandle;

/** A request of a streamed call: its body whole, streamed (sent chunked when the transport can), or none. */
export interface StreamRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | AsyncIterable<Uint8Array> | null;
}

export class DockerClient {
  constructor(readonly transport: EngineTransport) {}

  private async call<T>(request: ClientRequest): Promise<T> {
    const response = await this.transport.request(request);
    if (response.status >= 400) throw new DockerApiError(response.status, errorMessage(response.body));
    if (response.body.length === 0) return undefined as T;
    const text = fromUtf8(response.body);
    try {
      return JSON.parse(text) as T;
    } catch {
      return text as T;
    }
  }

  private post<T>(path: string, body?: unknown): Promise<T> {
    return this.call<T>({
      method: 'POST',
      path,
      ...(body === undefined ? {} : { headers: JSON_HEADERS, body: jsonBody(body) }),
    });
  }

  /** A request whose answer is only its status and headers (HEAD, or a body the caller does not need). */
  async head(request: ClientRequest): Promise<{ status: number; headers: Readonly<Record<string, string>> }> {
    const response = await this.transport.request(request);
    if (response.status >= 400) throw new DockerApiError(response.status, errorMessage(response.body));
    return { status: response.status, headers: response.headers };
  }

  /**
   * Opens a streamed response (or, with an AsyncIterable body, a streamed
   * upload). Resolves once the response head arrived; an error status is a
   * DockerApiError carrying the engine's message, and `onChunk` then sees
   * nothing. Body chunks go to `onChunk` (its promise is back-pressure).
   */
  async openStream(request: StreamRequest, onChunk: ChunkHandler): Promise<OpenStream> {
    let status: number | undefined;
    const early: Uint8Array[] = [];
    const errorBody: Uint8Array[] = [];
    const handler: ChunkHandler = (chunk) => {
      if (status === undefined) early.push(chunk.slice());
      else if (status >= 400) errorBody.push(chunk.slice());
      else return onChunk(chunk);
    };
    let handle: StreamHandle;
    const { body, ...head } = request;
    if (body !== undefined && body !== null && !(body instanceof Uint8Array)) {
      const upload: ClientUpload = { ...head, body };
      if (canUpload(this.transport)) handle = await this.transport.upload(upload, handler);
      else {
        const chunks: Uint8Array[] = [];
        for await (const chunk of body) chunks.push(chunk);
        handle = await this.transport.stream({ ...head, body: concatBytes(chunks) }, handler);
      }
    } else {
      handle = await this.transport.stream({ ...head, body: body ?? null }, handler);
    }
    status = handle.status;
    if (status >= 400) {
      errorBody.unshift(...early);
      await handle.done.catch(() => {});
      throw new DockerApiError(status, errorMessage(concatBytes(errorBody)));
    }
    const pending = early.splice(0);
    if (pending.length === 0) return handle;
    // Chunks that came with the head are delivered before any later one.
    let chain: Promise<void> = Promise.resolve();
    for (const chunk of pending) chain = chain.then(() => onChunk(chunk));
    await chain;
    return handle;
  }

  /** A streamed body of JSON lines (events, stats, progress messages), one value per line. */
  async openJsonStream<T>(request: StreamRequest, onValue: (value: T) => void): Promise<OpenStream> {
    const splitter = new JsonLineSplitter<T>(onValue);
    const handle = await this.openStream(request, (chunk) => splitter.push(chunk));
    return { ...handle, done: handle.done.then(() => splitter.end()), cancel: () => handle.cancel() };
  }

  /** Opens a hijacked session; an error status is a DockerApiError with the engine's message. */
  async openHijack(request: ClientRequest, onOutput: (chunk: Uint8Array) => void): Promise<HijackHandle> {
    return hijacked(await this.transport.hijack(request, onOutput));
  }

  ping(): Promise<string> {
    return this.call({ method: 'GET', path: '/_ping' });
  }
  version(): Promise<SystemVersion> {
    return this.call({ method: 'GET', path: '/version' });
  }
  info(): Promise<SystemInfo> {
    return this.call({ method: 'GET', path: '/info' });
  }
  /** GET /system/df; `types` (API ≥ 1.42) limits what is computed. */
  diskUsage(types: readonly string[] = []): Promise<DiskUsage> {
    return this.call({ method: 'GET', path: `/system/df${query({ type: types })}` });
  }
  /** POST /auth. */
  authenticate(config: AuthConfig): Promise<AuthResponse> {
    return this.post('/auth', config);
  }

  // ---------------------------------------------------------------- containers

  listContainers(options: { all?: boolean; size?: boolean; limit?: number; filters?: FilterArg } = {}): Promise<ContainerSummary[]> {
    return this.call({ method: 'GET', path: `/containers/json${query({ all: options.all, size: options.size, limit: options.limit, filters: options.filters })}` });
  }
  async createContainer(config: ContainerCreateRequest, name?: string): Promise<string> {
    const response = await this.post<{ Id: string }>(`/containers/create${query({ name })}`, config);
    return response.Id;
  }
  /** POST /containers/create with the whole answer (ID and warnings). */
  createContainerDetailed(config: ContainerCreateRequest, options: { name?: string; platform?: string } = {}): Promise<ContainerCreateResponse> {
    return this.post(`/containers/create${query({ name: options.name || undefined, platform: options.platform || undefined })}`, config);
  }
  inspectContainer(id: string, options: { size?: boolean } = {}): Promise<ContainerInspect> {
    return this.call({ method: 'GET', path: `/containers/${seg(id)}/json${query({ size: options.size })}` });
  }
  async startContainer(id: string): Promise<void> {
    const response = await this.transport.request({ method: 'POST', path: `/containers/${seg(id)}/start` });
    if (response.status >= 400) throw new DockerApiError(response.status, errorMessage(response.body));
  }
  /** Whether the start did anything (false: already running, the engine's 304). */
  async startContainerChecked(id: string): Promise<boolean> {
    const response = await this.transport.request({ method: 'POST', path: `/containers/${seg(id)}/start` });
    if (response.status >= 400) throw new DockerApiError(response.status, errorMessage(response.body));
    return response.status !== 304;
  }
  async stopContainer(id: string, timeout?: number, signal?: string): Promise<void> {
    await this.stopContainerChecked(id, timeout, signal);
  }
  /** Whether the stop did anything (false: already stopped, the engine's 304). */
  async stopContainerChecked(id: string, timeout?: number, signal?: string): Promise<boolean> {
    const response = await this.transport.request({ method: 'POST', path: `/containers/${seg(id)}/stop${query({ signal: signal || undefined, t: timeout })}` });
    if (response.status >= 400) throw new DockerApiError(response.status, errorMessage(response.body));
    return response.status !== 304;
  }
  restartContainer(id: string, timeout?: number, signal?: string): Promise<void> {
    return this.post(`/containers/${seg(id)}/restart${query({ signal: signal || undefined, t: timeout })}`);
  }
  killContainer(id: string, signal?: string): Promise<void> {
    return this.post(`/containers/${seg(id)}/kill${query({ signal: signal || undefined })}`);
  }
  pauseContainer(id: string): Promise<void> {
    return this.post(`/containers/${seg(id)}/pause`);
  }
  unpauseContainer(id: string): Promise<void> {
    return this.post(`/containers/${seg(id)}/unpause`);
  }
  renameContainer(id: string, name: string): Promise<void> {
    return this.post(`/containers/${seg(id)}/rename${query({ name })}`);
  }
  removeContainer(id: string, options: { force?: boolean; volumes?: boolean; link?: boolean } = {}): Promise<void> {
    return this.call({ method: 'DELETE', path: `/containers/${seg(id)}${query({ force: options.force, v: options.volumes, link: options.link })}` });
  }
  resizeContainer(id: string, rows: number, cols: number): Promise<void> {
    return this.post(`/containers/${seg(id)}/resize${query({ h: rows, w: cols })}`);
  }
  topContainer(id: string, psArgs?: string): Promise<ContainerTopResponse> {
    return this.call({ method: 'GET', path: `/containers/${seg(id)}/top${query({ ps_args: psArgs || undefined })}` });
  }
  containerChanges(id: string): Promise<FilesystemChange[] | null> {
    return this.call({ method: 'GET', path: `/containers/${seg(id)}/changes` });
  }
  updateContainer(id: string, update: ContainerUpdateRequest): Promise<ContainerUpdateResponse> {
    return this.post(`/containers/${seg(id)}/update`, update);
  }
  pruneContainers(filters?: FilterArg): Promise<ContainerPruneReport> {
    return this.post(`/containers/prune${query({ filters })}`);
  }
  /**
   * Waits for `condition`; returns the exit status. Resolves once the engine
   * accepted the wait (its headers arrived); `signal` gives the wait up.
   */
  async waitContainer(
    id: string,
    condition: 'not-running' | 'next-exit' | 'removed' = 'not-running',
    signal?: AbortSignal,
  ): Promise<{ registered: Promise<void>; result: Promise<ContainerWaitResponse> }> {
    const parts: Uint8Array[] = [];
    const handle = await this.openStream({ method: 'POST', path: `/containers/${seg(id)}/wait${query({ condition })}` }, (chunk) => {
      parts.push(chunk.slice());
    });
    if (signal) {
      if (signal.aborted) handle.cancel();
      else signal.addEventListener('abort', () => handle.cancel(), { once: true });
    }
    const result = handle.done.then(() => {
      if (signal?.aborted) throw new Error('wait cancelled');
      return JSON.parse(fromUtf8(concatBytes(parts))) as ContainerWaitResponse;
    });
    return { registered: Promise.resolve(), result };
  }
  /** Streams logs; non-TTY containers are demultiplexed into stdout/stderr. */
  logs(
    id: string,
    options: { follow?: boolean; tail?: number; timestamps?: boolean; tty: boolean },
    onOutput: (stream: 1 | 2, bytes: Uint8Array) => void,
  ): Promise<StreamHandle> {
    const demux = new StdcopyDemuxer(onOutput);
    return this.transport.stream(
      { method: 'GET', path: `/containers/${seg(id)}/logs${query({ stdout: true, stderr: true, follow: options.follow, tail: options.tail, timestamps: options.timestamps })}` },
      (chunk) => (options.tty ? onOutput(1, chunk) : demux.push(chunk)),
    );
  }
  /**
   * GET /containers/{id}/logs as the engine sends it (stdcopy frames unless
   * the container has a TTY). `since`/`until` are Unix seconds with an
   * optional fraction ("1700000000.000000001"); `tail` is a count or "all".
   */
  logsRaw(
    id: string,
    options: { stdout: boolean; stderr: boolean; follow?: boolean; timestamps?: boolean; details?: boolean; since?: string; until?: string; tail?: string },
    onChunk: ChunkHandler,
  ): Promise<OpenStream> {
    const q = query({
      stdout: options.stdout,
      stderr: options.stderr,
      follow: options.follow,
      timestamps: options.timestamps,
      details: options.details,
      since: options.since,
      until: options.until,
      tail: options.tail,
    });
    return this.openStream({ method: 'GET', path: `/containers/${seg(id)}/logs${q}` }, onChunk);
  }
  /** Attaches to a container's streams (raw bytes; stdcopy-framed unless it has a TTY). */
  attach(
    id: string,
    options: { stdin?: boolean; logs?: boolean; stdout?: boolean; stderr?: boolean; stream?: boolean; detachKeys?: string },
    onOutput: (chunk: Uint8Array) => void,
  ): Promise<HijackHandle> {
    const q = query({
      stream: options.stream ?? true,
      stdin: options.stdin,
      stdout: options.stdout ?? true,
      stderr: options.stderr ?? true,
      logs: options.logs,
      detachKeys: options.detachKeys || undefined,
    });
    return this.transport.hijack({ method: 'POST', path: `/containers/${seg(id)}/attach${q}` }, onOutput);
  }
  /** GET /containers/{id}/stats: one JSON sample, or samples until cancelled with `stream`. */
  stats(id: string, options: { stream: boolean; oneShot?: boolean }, onSample: (sample: ContainerStatsResponse) => void): Promise<OpenStream> {
    return this.openJsonStream(
      { method: 'GET', path: `/containers/${seg(id)}/stats${query({ stream: options.stream ? 1 : 0, 'one-shot': options.oneShot })}` },
      onSample,
    );
  }
  /** GET /containers/{id}/export: a tar of the container's filesystem. */
  exportContainer(id: string, onChunk: ChunkHandler): Promise<OpenStream> {
    return this.openStream({ method: 'GET', path: `/containers/${seg(id)}/export` }, onChunk);
  }
  /** HEAD /containers/{id}/archive: the base64 JSON stat header of a path (X-Docker-Container-Path-Stat). */
  async statContainerPath(id: string, path: string): Promise<string | undefined> {
    const { headers } = await this.head({ method: 'HEAD', path: `/containers/${seg(id)}/archive${query({ path })}` });
    return headerValue(headers, 'x-docker-container-path-stat');
  }
  /** GET /containers/{id}/archive: a tar of the path; the stat header is in the handle's headers. */
  getArchive(id: string, path: string, onChunk: ChunkHandler): Promise<OpenStream> {
    return this.openStream({ method: 'GET', path: `/containers/${seg(id)}/archive${query({ path })}` }, onChunk);
  }
  /** PUT /containers/{id}/archive: extracts the tar into the directory `path`. */
  async putArchive(
    id: string,
    path: string,
    options: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean },
    tar: Uint8Array | AsyncIterable<Uint8Array>,
  ): Promise<void> {
    const q = query({ path, noOverwriteDirNonDir: options.noOverwriteDirNonDir, copyUIDGID: options.copyUIDGID });
    const handle = await this.openStream({ method: 'PUT', path: `/containers/${seg(id)}/archive${q}`, headers: { 'Content-Type': 'application/x-tar' }, body: tar }, () => {});
    await handle.done;
  }

  // ---------------------------------------------------------------- exec

  async createExec(id: string, config: ExecCreateRequest): Promise<string> {
    const response = await this.post<{ Id: string }>(`/containers/${seg(id)}/exec`, config);
    return response.Id;
  }
  startExec(execId: string, options: { tty: boolean; consoleSize?: readonly [number, number] }, onOutput: (chunk: Uint8Array) => void): Promise<HijackHandle> {
    const body = { Detach: false, Tty: options.tty, ...(options.consoleSize ? { ConsoleSize: [...options.consoleSize] } : {}) };
    return this.transport.hijack({ method: 'POST', path: `/exec/${seg(execId)}/start`, headers: JSON_HEADERS, body: jsonBody(body) }, onOutput);
  }
  /** POST /exec/{id}/start with Detach: the process runs, nothing is attached. */
  startExecDetached(execId: string, options: { tty: boolean; consoleSize?: readonly [number, number] }): Promise<void> {
    return this.post(`/exec/${seg(execId)}/start`, { Detach: true, Tty: options.tty, ...(options.consoleSize ? { ConsoleSize: [...options.consoleSize] } : {}) });
  }
  inspectExec(execId: string): Promise<ExecInspect> {
    return this.call({ method: 'GET', path: `/exec/${seg(execId)}/json` });
  }
  resizeExec(execId: string, rows: number, cols: number): Promise<void> {
    return this.post(`/exec/${seg(execId)}/resize${query({ h: rows, w: cols })}`);
  }

  // ---------------------------------------------------------------- images

  listImages(options: { all?: boolean; digests?: boolean; sharedSize?: boolean; manifests?: boolean; filters?: FilterArg } = {}): Promise<ImageSummary[]> {
    const q = query({ all: options.all, digests: options.digests, 'shared-size': options.sharedSize, manifests: options.manifests, filters: options.filters });
    return this.call({ method: 'GET', path: `/images/json${q}` });
  }
  inspectImage(name: string): Promise<ImageInspect> {
    return this.call({ method: 'GET', path: `/images/${seg(name)}/json` });
  }
  imageHistory(name: string): Promise<ImageHistoryItem[]> {
    return this.call({ method: 'GET', path: `/images/${seg(name)}/history` });
  }
  removeImage(name: string, options: { force?: boolean; noPrune?: boolean } = {}): Promise<ImageDeleteResponseItem[]> {
    return this.call({ method: 'DELETE', path: `/images/${seg(name)}${query({ force: options.force, noprune: options.noPrune })}` });
  }
  tagImage(name: string, repo: string, tag: string): Promise<void> {
    return this.post(`/images/${seg(name)}/tag${query({ repo, tag: tag || undefined })}`);
  }
  pruneImages(filters?: FilterArg): Promise<ImagePruneReport> {
    return this.post(`/images/prune${query({ filters })}`);
  }
  searchImages(options: { term: string; limit?: number; filters?: FilterArg; auth?: AuthConfig }): Promise<ImageSearchResult[]> {
    return this.call({
      method: 'GET',
      path: `/images/search${query({ term: options.term, limit: options.limit, filters: options.filters })}`,
      ...(options.auth ? { headers: { 'X-Registry-Auth': registryAuthHeader(options.auth) } } : {}),
    });
  }
  /** POST /images/create?fromImage=: progress messages to `onMessage`. */
  pullImage(
    options: { fromImage: string; tag?: string; platform?: string; auth?: AuthConfig },
    onMessage: (message: JsonMessage) => void,
  ): Promise<OpenStream> {
    const q = query({ fromImage: options.fromImage, tag: options.tag || undefined, platform: options.platform || undefined });
    return this.openJsonStream(
      { method: 'POST', path: `/images/create${q}`, ...(options.auth ? { headers: { 'X-Registry-Auth': registryAuthHeader(options.auth) } } : {}) },
      onMessage,
    );
  }
  /** POST /images/create?fromSrc=: imports a rootfs tar (the body with fromSrc "-", else a URL). */
  importImage(
    options: { fromSrc: string; repo?: string; tag?: string; message?: string; changes?: readonly string[]; platform?: string },
    content: Uint8Array | AsyncIterable<Uint8Array> | null,
    onMessage: (message: JsonMessage) => void,
  ): Promise<OpenStream> {
    const q = query({
      fromSrc: options.fromSrc,
      repo: options.repo || undefined,
      tag: options.tag || undefined,
      message: options.message || undefined,
      changes: options.changes ?? [],
      platform: options.platform || undefined,
    });
    return this.openJsonStream({ method: 'POST', path: `/images/create${q}`, headers: { 'Content-Type': 'application/x-tar' }, body: content }, onMessage);
  }
  /** POST /images/{name}/push. */
  pushImage(name: string, options: { tag?: string; platform?: string; auth?: AuthConfig }, onMessage: (message: JsonMessage) => void): Promise<OpenStream> {
    return this.openJsonStream(
      {
        method: 'POST',
        path: `/images/${seg(name)}/push${query({ tag: options.tag || undefined, platform: options.platform || undefined })}`,
        headers: { 'X-Registry-Auth': registryAuthHeader(options.auth ?? {}) },
      },
      onMessage,
    );
  }
  /** GET /images/get?names=…: a `docker save` tar. */
  saveImages(names: readonly string[], onChunk: ChunkHandler): Promise<OpenStream> {
    return this.openStream({ method: 'GET', path: `/images/get${query({ names })}` }, onChunk);
  }
  /** POST /images/load: progress (or "Loaded image" lines) to `onMessage`; errors are in band. */
  loadImages(tar: Uint8Array | AsyncIterable<Uint8Array>, options: { quiet?: boolean }, onMessage: (message: JsonMessage) => void): Promise<OpenStream> {
    return this.openJsonStream(
      { method: 'POST', path: `/images/load${query({ quiet: options.quiet ? 1 : 0 })}`, headers: { 'Content-Type': 'application/x-tar' }, body: tar },
      onMessage,
    );
  }
  /** POST /commit: resolves with the new image's ID. */
  async commitContainer(
    options: { container: string; repo?: string; tag?: string; comment?: string; author?: string; pause?: boolean; changes?: readonly string[] },
    config?: ContainerConfig,
  ): Promise<string> {
    const q = query({
      container: options.container,
      repo: options.repo || undefined,
      tag: options.tag || undefined,
      comment: options.comment || undefined,
      author: options.author || undefined,
      pause: options.pause === undefined ? undefined : options.pause ? 1 : 0,
      changes: options.changes ?? [],
    });
    const response = await this.post<{ Id: string }>(`/commit${q}`, config ?? {});
    return response.Id;
  }
  /** GET /distribution/{name}/json. */
  distributionInspect(name: string, auth?: AuthConfig): Promise<DistributionInspect> {
    return this.call({ method: 'GET', path: `/distribution/${seg(name)}/json`, ...(auth ? { headers: { 'X-Registry-Auth': registryAuthHeader(auth) } } : {}) });
  }

  // ---------------------------------------------------------------- build

  /** Sends a build context; `onMessage` gets each JSON message (stream, aux, errorDetail). */
  build(
    context: Uint8Array | AsyncIterable<Uint8Array>,
    options: Record<string, QueryValue>,
    onMessage: (message: JsonMessage & { aux?: { ID?: string } }) => void,
    headers: Readonly<Record<string, string>> = {},
  ): Promise<StreamHandle> {
    return this.openJsonStream(
      { method: 'POST', path: `/build${query(options)}`, headers: { 'Content-Type': 'application/x-tar', ...headers }, body: context },
      onMessage,
    );
  }
  /** POST /build/prune. */
  pruneBuildCache(options: Record<string, QueryValue>): Promise<BuildPruneReport> {
    return this.post(`/build/prune${query(options)}`);
  }
  /** POST /build/cancel. */
  cancelBuild(id: string): Promise<void> {
    return this.post(`/build/cancel${query({ id })}`);
  }

  // ---------------------------------------------------------------- volumes

  listVolumes(filters?: FilterArg): Promise<VolumeListResponse> {
    return this.call({ method: 'GET', path: `/volumes${query({ filters })}` });
  }
  inspectVolume(name: string): Promise<Volume> {
    return this.call({ method: 'GET', path: `/volumes/${seg(name)}` });
  }
  createVolume(request: VolumeCreateRequest): Promise<Volume> {
    return this.post('/volumes/create', request);
  }
  removeVolume(name: string, options: { force?: boolean } = {}): Promise<void> {
    return this.call({ method: 'DELETE', path: `/volumes/${seg(name)}${query({ force: options.force })}` });
  }
  pruneVolumes(filters?: FilterArg): Promise<VolumePruneReport> {
    return this.post(`/volumes/prune${query({ filters })}`);
  }

  // ---------------------------------------------------------------- networks

  listNetworks(filters?: FilterArg): Promise<NetworkInspect[]> {
    return this.call({ method: 'GET', path: `/networks${query({ filters })}` });
  }
  inspectNetwork(id: string, options: { verbose?: boolean; scope?: string } = {}): Promise<NetworkInspect> {
    return this.call({ method: 'GET', path: `/networks/${seg(id)}${query({ verbose: options.verbose, scope: options.scope || undefined })}` });
  }
  createNetwork(request: NetworkCreateRequest): Promise<NetworkCreateResponse> {
    return this.post('/networks/create', request);
  }
  connectNetwork(id: string, request: NetworkConnectRequest): Promise<void> {
    return this.post(`/networks/${seg(id)}/connect`, request);
  }
  disconnectNetwork(id: string, request: NetworkDisconnectRequest): Promise<void> {
    return this.post(`/networks/${seg(id)}/disconnect`, request);
  }
  removeNetwork(id: string): Promise<void> {
    return this.call({ method: 'DELETE', path: `/networks/${seg(id)}` });
  }
  pruneNetworks(filters?: FilterArg): Promise<NetworkPruneReport> {
    return this.post(`/networks/prune${query({ filters })}`);
  }

  // ---------------------------------------------------------------- events

  /** Streams events until `cancel()` (or `until`); `since`/`until` are Unix seconds with an optional fraction. */
  events(onEvent: (event: EventMessage) => void, options: { since?: string; until?: string; filters?: FilterArg } = {}): Promise<StreamHandle> {
    return this.openJsonStream({ method: 'GET', path: `/events${query({ since: options.since, until: options.until, filters: options.filters })}` }, onEvent);
  }
}

/** A header of a response, by case-insensitive name. */
export function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}
