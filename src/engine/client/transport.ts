/**
 * How the typed client reaches an engine: three operations that every
 * Docker API call reduces to. In-process (Node tests, the browser's kernel
 * worker) they call the router directly; in the page they cross to the
 * kernel worker through comlink (src/main.browser.ts).
 */
import { fromUtf8 } from '../../common/bytes.ts';
import type { EngineApi } from '../api/create-api.ts';
import type { ApiResult } from '../api/result.ts';
import { jsonLine } from '../api/json.ts';

export interface ClientRequest {
  readonly method: string;
  /** Path with the query, without a version prefix ("/containers/json?all=1"). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | null;
}

export interface ClientResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export interface StreamHandle {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Settles when the stream ends (or the error body was delivered). */
  readonly done: Promise<void>;
  cancel(): void;
}

export interface HijackHandle {
  readonly status: number;
  /** The error body when status is not 200 (nothing was hijacked). */
  readonly error: string | null;
  write(bytes: Uint8Array): void;
  /** Ends stdin (the client's CloseWrite). */
  closeWrite(): void;
  /** Settles when the session is over. */
  readonly done: Promise<void>;
  /**
   * Ends the session at once in both directions (the caller's own client
   * went away). Optional: transports without it end when the engine does.
   */
  close?(): void;
}

/**
 * Receives one chunk of a streamed body. A returned promise is back-pressure:
 * a transport that can pause (a socket) waits for it before delivering more;
 * others ignore it.
 */
export type ChunkHandler = (chunk: Uint8Array) => void | Promise<void>;

export interface EngineTransport {
  request(request: ClientRequest): Promise<ClientResponse>;
  /** A streamed response (logs -f, events, stats, pull/build progress), chunk by chunk. */
  stream(request: ClientRequest, onChunk: ChunkHandler): Promise<StreamHandle>;
  /** A hijacked session (attach, exec start): output chunks as they come, raw or stdcopy-framed. */
  hijack(request: ClientRequest, onOutput: (chunk: Uint8Array) => void): Promise<HijackHandle>;
}

/** A request whose body is streamed to the engine (load, build, import, `docker cp` into a container). */
export interface ClientUpload {
  readonly method: string;
  /** Path with the query, without a version prefix. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Read once, in order; the transport sends it chunked. */
  readonly body: AsyncIterable<Uint8Array>;
}

/**
 * A transport that can also stream request bodies instead of holding them
 * in memory. DockerClient uses `upload` when the transport has it and
 * otherwise collects the body and calls `stream`.
 */
export interface UploadingEngineTransport extends EngineTransport {
  /** Sends `request.body` as it is read; the response is delivered like stream()'s. */
  upload(request: ClientUpload, onChunk: ChunkHandler): Promise<StreamHandle>;
}

/** Whether a transport can stream request bodies. */
export function canUpload(transport: EngineTransport): transport is UploadingEngineTransport {
  return typeof (transport as Partial<UploadingEngineTransport>).upload === 'function';
}

function splitPath(path: string): { path: string; query: string } {
  const at = path.indexOf('?');
  return at < 0 ? { path, query: '' } : { path: path.slice(0, at), query: path.slice(at + 1) };
}

function lower(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

const encoder = new TextEncoder();

/** What the client sends on a hijacked session, read by the engine as stdin. */
class InputQueue {
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private waiter: ((chunk: Uint8Array | null) => void) | null = null;

  push(chunk: Uint8Array): void {
    if (this.ended) return;
    if (this.waiter) {
      const wake = this.waiter;
      this.waiter = null;
      wake(chunk);
    } else this.chunks.push(chunk);
  }

  end(): void {
    this.ended = true;
    const wake = this.waiter;
    this.waiter = null;
    wake?.(null);
  }

  read(): Promise<Uint8Array | null> {
    const chunk = this.chunks.shift();
    if (chunk) return Promise.resolve(chunk);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }
}

async function bodyOf(result: ApiResult): Promise<Uint8Array> {
  switch (result.kind) {
    case 'json':
      return jsonLine(result.value);
    case 'bytes':
      return result.body;
    case 'empty':
    case 'hijack':
      return new Uint8Array(0);
    case 'stream': {
      const chunks: Uint8Array[] = [];
      for await (const chunk of result.body) chunks.push(chunk);
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      return out;
    }
  }
}

/** A transport that calls the router in the same thread. */
export function inProcessTransport(api: EngineApi): EngineTransport {
  const handle = (request: ClientRequest, body: ApiRequestBody, signal?: AbortSignal, upgrade = false) => {
    const { path, query } = splitPath(request.path);
    return api.handle({ method: request.method, path, query, headers: lower(request.headers), body, upgrade, ...(signal ? { signal } : {}) });
  };
  return {
    async request(request) {
      const result = await handle(request, request.body ?? null);
      return { status: result.status, headers: { ...result.headers }, body: await bodyOf(result) };
    },
    async stream(request, onChunk) {
      const abort = new AbortController();
      const result = await handle(request, request.body ?? null, abort.signal);
      if (result.kind !== 'stream') {
        const body = await bodyOf(result);
        if (body.length > 0) onChunk(body);
        return { status: result.status, headers: { ...result.headers }, done: Promise.resolve(), cancel: () => {} };
      }
      const done = (async () => {
        try {
          for await (const chunk of result.body) await onChunk(chunk);
        } catch (error) {
          if (!abort.signal.aborted) throw error;
        }
      })();
      return { status: result.status, headers: { ...result.headers }, done, cancel: () => abort.abort() };
    },
    async hijack(request, onOutput) {
      const stdin = new InputQueue();
      const abort = new AbortController();
      const result = await handle(request, request.body ?? null, abort.signal, true);
      if (result.kind !== 'hijack') {
        const error = fromUtf8(await bodyOf(result));
        return { status: result.status, error, write: () => {}, closeWrite: () => {}, done: Promise.resolve() };
      }
      let closedResolve!: () => void;
      const closed = new Promise<void>((resolve) => {
        closedResolve = resolve;
      });
      const done = result
        .run({
          read: () => stdin.read(),
          write: async (bytes) => onOutput(bytes.slice()),
          closeWrite: async () => closedResolve(),
          closed,
        })
        .finally(() => {
          closedResolve();
          abort.abort();
        });
      return {
        status: 200,
        error: null,
        write: (bytes) => stdin.push(bytes.slice()),
        closeWrite: () => stdin.end(),
        done,
      };
    },
  };
}

type ApiRequestBody = Uint8Array | null;

/** Encodes a JSON request body. */
export function jsonBody(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}
