/**
 * The Docker API calls the in-browser `docker` command makes: the typed
 * DockerClient where it has the call, and the same transport directly for
 * the rest (list options, raw inspect JSON, archives, networks, stats…),
 * always with the paths and query parameters the real CLI sends.
 */
import { DockerApiError, DockerClient } from '../../engine/client/client.ts';
import type { HijackHandle, StreamHandle } from '../../engine/client/transport.ts';

export type Query = Record<string, string | number | boolean | undefined>;

/** Builds "?a=1&b=x" the way the Go client does (booleans as 1, false and undefined left out). */
export function queryString(params: Query): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v === true ? '1' : String(v))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** An error answer's message as dockerd wrote it. */
function errorText(body: Uint8Array): string {
  const text = new TextDecoder().decode(body).trim();
  try {
    const parsed = JSON.parse(text) as { message?: string };
    return parsed.message ?? text;
  } catch {
    return text;
  }
}

/** What a streamed request sends: an optional body and extra headers. */
export interface StreamBody {
  readonly bytes?: Uint8Array;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** The API surface of the docker command. Errors are DockerApiError with dockerd's message. */
export class DockerApi {
  constructor(readonly client: DockerClient) {}

  /** One request; throws DockerApiError for 4xx/5xx. */
  async raw(method: string, path: string, body?: { json?: unknown; bytes?: Uint8Array; contentType?: string }): Promise<RawResponse> {
    const headers: Record<string, string> = {};
    let payload: Uint8Array | undefined;
    if (body?.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = new TextEncoder().encode(JSON.stringify(body.json));
    } else if (body?.bytes) {
      headers['Content-Type'] = body.contentType ?? 'application/x-tar';
      payload = body.bytes;
    }
    const response = await this.client.transport.request({ method, path, headers, ...(payload ? { body: payload } : {}) });
    if (response.status >= 400) throw new DockerApiError(response.status, errorText(response.body));
    return response;
  }

  /** A JSON answer, parsed. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.raw(method, path, body === undefined ? undefined : { json: body });
    const text = new TextDecoder().decode(response.body);
    return (text.trim() === '' ? undefined : JSON.parse(text)) as T;
  }

  /** A JSON answer as its raw text (inspect prints it re-indented, strings untouched). */
  async text(method: string, path: string): Promise<string> {
    return new TextDecoder().decode((await this.raw(method, path)).body).trim();
  }

  /**
   * A streamed answer; `onChunk` gets the body as it comes. An error status
   * throws with the body's message (after the body arrived).
   */
  async stream(method: string, path: string, onChunk: (chunk: Uint8Array) => void, body?: StreamBody): Promise<StreamHandle> {
    // Chunks can arrive before the status is known: hold them until it is.
    let held: Uint8Array[] | null = [];
    const handle = await this.client.transport.stream(
      {
        method,
        path,
        headers: { ...(body?.contentType ? { 'Content-Type': body.contentType } : {}), ...(body?.headers ?? {}) },
        ...(body?.bytes ? { body: body.bytes } : {}),
      },
      (chunk) => {
        if (held) held.push(chunk);
        else onChunk(chunk);
      },
    );
    if (handle.status >= 400) {
      await handle.done;
      const parts = held;
      const total = parts.reduce((n, c) => n + c.length, 0);
      const errorBody = new Uint8Array(total);
      let at = 0;
      for (const part of parts) {
        errorBody.set(part, at);
        at += part.length;
      }
      throw new DockerApiError(handle.status, errorText(errorBody));
    }
    const early = held;
    held = null;
    for (const chunk of early) onChunk(chunk);
    return handle;
  }

  /** A stream of JSON messages (pull, build, push, events): one callback per line. */
  async jsonStream<T>(method: string, path: string, onMessage: (message: T) => void, body?: StreamBody): Promise<StreamHandle> {
    let buffer = '';
    const decoder = new TextDecoder();
    return this.stream(
      method,
      path,
      (chunk) => {
        buffer += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line) onMessage(JSON.parse(line) as T);
        }
      },
      body,
    );
  }

  /** A hijacked session (attach, exec start); throws for an error status. */
  async hijack(method: string, path: string, onOutput: (chunk: Uint8Array) => void, json?: unknown): Promise<HijackHandle> {
    const handle = await this.client.transport.hijack(
      {
        method,
        path,
        ...(json === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: new TextEncoder().encode(JSON.stringify(json)) }),
      },
      (chunk) => onOutput(chunk),
    );
    if (handle.status >= 400) throw new DockerApiError(handle.status, errorText(new TextEncoder().encode(handle.error ?? '')));
    return handle;
  }
}

/** Percent-encodes a container/image/volume reference for a path segment. */
export function ref(name: string): string {
  return encodeURIComponent(name);
}
