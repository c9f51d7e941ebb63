/**
 * A typed Docker Engine API client over an EngineTransport: what the
 * in-browser `docker` command and in-process Node users call. Paths and
 * bodies are the API's own, so everything works the same against Drydock in
 * process, Drydock over comlink, or any engine reachable through a transport.
 */
import { fromUtf8 } from '../../common/bytes.ts';
import type { ContainerCreateRequest, ContainerInspect, ContainerSummary, ContainerWaitResponse } from '../types/container.ts';
import type { ExecCreateRequest, ExecInspect } from '../types/exec.ts';
import type { EventMessage } from '../types/events.ts';
import type { ImageInspect, ImageSummary } from '../types/image.ts';
import type { SystemInfo, SystemVersion } from '../types/system.ts';
import type { Volume, VolumeCreateRequest, VolumeListResponse } from '../types/volume.ts';
import type { ClientRequest, EngineTransport, HijackHandle, StreamHandle } from './transport.ts';
import { jsonBody } from './transport.ts';

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

function query(params: Record<string, string | number | boolean | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v === true ? '1' : String(v))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
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
      ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: jsonBody(body) }),
    });
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

  // ---------------------------------------------------------------- containers

  listContainers(options: { all?: boolean } = {}): Promise<ContainerSummary[]> {
    return this.call({ method: 'GET', path: `/containers/json${query({ all: options.all })}` });
  }
  async createContainer(config: ContainerCreateRequest, name?: string): Promise<string> {
    const response = await this.post<{ Id: string }>(`/containers/create${query({ name })}`, config);
    return response.Id;
  }
  inspectContainer(id: string): Promise<ContainerInspect> {
    return this.call({ method: 'GET', path: `/containers/${encodeURIComponent(id)}/json` });
  }
  async startContainer(id: string): Promise<void> {
    const response = await this.transport.request({ method: 'POST', path: `/containers/${encodeURIComponent(id)}/start` });
    if (response.status >= 400) throw new DockerApiError(response.status, errorMessage(response.body));
  }
  async stopContainer(id: string, timeout?: number): Promise<void> {
    const response = await this.transport.request({ method: 'POST', path: `/containers/${encodeURIComponent(id)}/stop${query({ t: timeout })}` });
    if (response.status >= 400) throw new DockerApiError(response.status, errorMessage(response.body));
  }
  restartContainer(id: string, timeout?: number): Promise<void> {
    return this.post(`/containers/${encodeURIComponent(id)}/restart${query({ t: timeout })}`);
  }
  killContainer(id: string, signal?: string): Promise<void> {
    return this.post(`/containers/${encodeURIComponent(id)}/kill${query({ signal })}`);
  }
  pauseContainer(id: string): Promise<void> {
    return this.post(`/containers/${encodeURIComponent(id)}/pause`);
  }
  unpauseContainer(id: string): Promise<void> {
    return this.post(`/containers/${encodeURIComponent(id)}/unpause`);
  }
  renameContainer(id: string, name: string): Promise<void> {
    return this.post(`/containers/${encodeURIComponent(id)}/rename${query({ name })}`);
  }
  removeContainer(id: string, options: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    return this.call({ method: 'DELETE', path: `/containers/${encodeURIComponent(id)}${query({ force: options.force, v: options.volumes })}` });
  }
  resizeContainer(id: string, rows: number, cols: number): Promise<void> {
    return this.post(`/containers/${encodeURIComponent(id)}/resize${query({ h: rows, w: cols })}`);
  }
  topContainer(id: string): Promise<{ Titles: string[]; Processes: string[][] }> {
    return this.call({ method: 'GET', path: `/containers/${encodeURIComponent(id)}/top` });
  }
  /** Waits for `condition`; returns the exit status. Resolves once the engine accepted the wait (`registered`). */
  async waitContainer(id: string, condition: 'not-running' | 'next-exit' | 'removed' = 'not-running'): Promise<{ registered: Promise<void>; result: Promise<ContainerWaitResponse> }> {
    let body = '';
    const handle = await this.transport.stream({ method: 'POST', path: `/containers/${encodeURIComponent(id)}/wait${query({ condition })}` }, (chunk) => {
      body += fromUtf8(chunk);
    });
    if (handle.status >= 400) {
      await handle.done;
      throw new DockerApiError(handle.status, errorMessage(new TextEncoder().encode(body)));
    }
    return { registered: Promise.resolve(), result: handle.done.then(() => JSON.parse(body) as ContainerWaitResponse) };
  }
  /** Streams logs; non-TTY containers are demultiplexed into stdout/stderr. */
  logs(
    id: string,
    options: { follow?: boolean; tail?: number; timestamps?: boolean; tty: boolean },
    onOutput: (stream: 1 | 2, bytes: Uint8Array) => void,
  ): Promise<StreamHandle> {
    const demux = new StdcopyDemuxer(onOutput);
    return this.transport.stream(
      { method: 'GET', path: `/containers/${encodeURIComponent(id)}/logs${query({ stdout: true, stderr: true, follow: options.follow, tail: options.tail, timestamps: options.timestamps })}` },
      (chunk) => (options.tty ? onOutput(1, chunk) : demux.push(chunk)),
    );
  }
  /** Attaches to a container's streams (raw bytes; stdcopy-framed unless it has a TTY). */
  attach(id: string, options: { stdin?: boolean; logs?: boolean }, onOutput: (chunk: Uint8Array) => void): Promise<HijackHandle> {
    return this.transport.hijack(
      { method: 'POST', path: `/containers/${encodeURIComponent(id)}/attach${query({ stream: true, stdin: options.stdin, stdout: true, stderr: true, logs: options.logs })}` },
      onOutput,
    );
  }

  // ---------------------------------------------------------------- exec

  async createExec(id: string, config: ExecCreateRequest): Promise<string> {
    const response = await this.post<{ Id: string }>(`/containers/${encodeURIComponent(id)}/exec`, config);
    return response.Id;
  }
  startExec(execId: string, options: { tty: boolean }, onOutput: (chunk: Uint8Array) => void): Promise<HijackHandle> {
    return this.transport.hijack(
      { method: 'POST', path: `/exec/${execId}/start`, headers: { 'Content-Type': 'application/json' }, body: jsonBody({ Detach: false, Tty: options.tty }) },
      onOutput,
    );
  }
  inspectExec(execId: string): Promise<ExecInspect> {
    return this.call({ method: 'GET', path: `/exec/${execId}/json` });
  }
  resizeExec(execId: string, rows: number, cols: number): Promise<void> {
    return this.post(`/exec/${execId}/resize${query({ h: rows, w: cols })}`);
  }

  // ---------------------------------------------------------------- images, volumes, system

  listImages(options: { all?: boolean } = {}): Promise<ImageSummary[]> {
    return this.call({ method: 'GET', path: `/images/json${query({ all: options.all })}` });
  }
  inspectImage(name: string): Promise<ImageInspect> {
    return this.call({ method: 'GET', path: `/images/${encodeURIComponent(name)}/json` });
  }
  removeImage(name: string, options: { force?: boolean } = {}): Promise<{ Untagged?: string; Deleted?: string }[]> {
    return this.call({ method: 'DELETE', path: `/images/${encodeURIComponent(name)}${query({ force: options.force })}` });
  }
  tagImage(name: string, repo: string, tag: string): Promise<void> {
    return this.post(`/images/${encodeURIComponent(name)}/tag${query({ repo, tag })}`);
  }
  listVolumes(): Promise<VolumeListResponse> {
    return this.call({ method: 'GET', path: '/volumes' });
  }
  createVolume(request: VolumeCreateRequest): Promise<Volume> {
    return this.post('/volumes/create', request);
  }
  removeVolume(name: string, options: { force?: boolean } = {}): Promise<void> {
    return this.call({ method: 'DELETE', path: `/volumes/${encodeURIComponent(name)}${query({ force: options.force })}` });
  }
  /** Streams events until `cancel()`. */
  events(onEvent: (event: EventMessage) => void): Promise<StreamHandle> {
    let buffer = '';
    return this.transport.stream({ method: 'GET', path: '/events' }, (chunk) => {
      buffer += fromUtf8(chunk);
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line) onEvent(JSON.parse(line) as EventMessage);
      }
    });
  }
  /** Sends a build context; `onMessage` gets each JSON message (stream, aux, errorDetail). */
  build(
    context: Uint8Array,
    options: Record<string, string | number | boolean | undefined>,
    onMessage: (message: { stream?: string; error?: string; aux?: { ID?: string } }) => void,
  ): Promise<StreamHandle> {
    let buffer = '';
    return this.transport.stream(
      { method: 'POST', path: `/build${query(options)}`, headers: { 'Content-Type': 'application/x-tar' }, body: context },
      (chunk) => {
        buffer += fromUtf8(chunk);
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line) onMessage(JSON.parse(line) as { stream?: string; error?: string });
        }
      },
    );
  }
}
