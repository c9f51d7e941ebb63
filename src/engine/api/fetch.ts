/**
 * `engine.fetch(request)`: the API through WHATWG Request/Response objects,
 * for the browser (page, worker, Service Worker) and for Node tests.
 *
 * The Request and Response classes exist in browsers and Node ≥ 18, but
 * lib.dom declares them with many more members than core code may name, so
 * they are described structurally here and the constructors are taken from
 * `globalThis` in one place (fetchClasses). The core layers still never see
 * Node or DOM types.
 *
 * Hijacked endpoints (attach, exec start) cannot upgrade over fetch; they
 * answer 200 with the raw-stream content type like dockerd does without an
 * Upgrade header: the request body is stdin, the response body the output.
 */
import type { ByteDuplex } from './duplex.ts';
import { statusHasNoBody } from './http-status.ts';
import type { WireRequest, WireResponse } from './wire.ts';

interface ReaderLike {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  releaseLock(): void;
  cancel(reason?: unknown): Promise<void>;
}

/** The part of a WHATWG ReadableStream<Uint8Array> the adapter uses. */
export interface ReadableStreamLike {
  getReader(): ReaderLike;
}

/** The part of a WHATWG Request the adapter reads. */
export interface FetchRequestLike {
  readonly method: string;
  /** Absolute ("http://drydock/v1.47/info") or origin-form URL. */
  readonly url: string;
  readonly headers: { forEach(callback: (value: string, name: string) => void): void };
  readonly body: ReadableStreamLike | null;
  readonly signal?: AbortSignal;
}

/** The part of a WHATWG Response the adapter's callers use. */
export interface FetchResponseLike {
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStreamLike | null;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

interface ControllerLike {
  enqueue(chunk: Uint8Array): void;
  close(): void;
  error(reason: unknown): void;
  readonly desiredSize: number | null;
}

interface FetchClasses {
  Response: new (
    body: Uint8Array | ReadableStreamLike | null,
    init: { status: number; statusText: string; headers: [string, string][] },
  ) => FetchResponseLike;
  ReadableStream: new (
    source: {
      start?(controller: ControllerLike): void;
      pull?(controller: ControllerLike): Promise<void> | void;
      cancel?(reason: unknown): void;
    },
    strategy?: { highWaterMark?: number },
  ) => ReadableStreamLike;
}

/** The platform's Response and ReadableStream constructors. */
function fetchClasses(): FetchClasses {
  const g = globalThis as unknown as Partial<FetchClasses>;
  if (typeof g.Response !== 'function' || typeof g.ReadableStream !== 'function') {
    throw new Error('engine.fetch needs the WHATWG Response and ReadableStream classes (browsers, Node 18 or later)');
  }
  return g as FetchClasses;
}

/** Reads a request body stream once, shared by the handler (as the body) and a hijack (as stdin). */
class BodyReader {
  private reader: ReaderLike | null;
  private ended: boolean;

  constructor(stream: ReadableStreamLike | null) {
    this.reader = stream ? stream.getReader() : null;
    this.ended = stream === null;
  }

  async read(): Promise<Uint8Array | null> {
    if (this.ended || !this.reader) return null;
    for (;;) {
      const { done, value } = await this.reader.read();
      if (done) {
        this.ended = true;
        this.reader.releaseLock();
        return null;
      }
      if (value && value.length > 0) return value;
    }
  }

  async *chunks(): AsyncIterable<Uint8Array> {
    for (;;) {
      const chunk = await this.read();
      if (chunk === null) return;
      yield chunk;
    }
  }

  cancel(): void {
    if (!this.ended && this.reader) {
      this.ended = true;
      this.reader.cancel().catch(() => {});
    }
  }
}

function iterableStream(classes: FetchClasses, body: AsyncIterable<Uint8Array>, onCancel: () => void): ReadableStreamLike {
  const iterator = body[Symbol.asyncIterator]();
  return new classes.ReadableStream({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(error);
      }
    },
    cancel() {
      onCancel();
      iterator.return?.().catch(() => {});
    },
  });
}

/** A hijack run over the request body (stdin) and a response stream (output). */
function hijackStream(
  classes: FetchClasses,
  hijack: (connection: ByteDuplex) => Promise<void>,
  stdin: BodyReader,
  abort: () => void,
): ReadableStreamLike {
  let controller!: ControllerLike;
  let writable = true;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let drained: (() => void) | null = null;
  const stream = new classes.ReadableStream(
    {
      start(c) {
        controller = c;
      },
      pull() {
        drained?.();
        drained = null;
      },
      cancel() {
        writable = false;
        drained?.();
        drained = null;
        stdin.cancel();
        abort();
        resolveClosed();
      },
    },
    { highWaterMark: 1 },
  );
  const connection: ByteDuplex = {
    read: () => stdin.read(),
    async write(bytes) {
      if (!writable) return;
      controller.enqueue(bytes);
      if ((controller.desiredSize ?? 1) <= 0) await new Promise<void>((resolve) => (drained = resolve));
    },
    async closeWrite() {
      if (!writable) return;
      writable = false;
      controller.close();
    },
    closed,
  };
  hijack(connection).then(
    () => connection.closeWrite(),
    (error: unknown) => {
      if (writable) controller.error(error);
      writable = false;
    },
  ).finally(() => {
    stdin.cancel();
    resolveClosed();
  });
  return stream;
}

/** The part of WHATWG RequestInit `engine.fetch(url, init)` accepts. */
export interface FetchInitLike {
  readonly method?: string;
  readonly headers?: Record<string, string> | [string, string][];
  readonly body?: string | Uint8Array | ReadableStreamLike | null;
  readonly signal?: AbortSignal;
}

/** What `engine.fetch` takes: a Request, or a URL string and an optional init, as WHATWG fetch. */
export type FetchInput = FetchRequestLike | string;

/**
 * The Request for `fetch(input, init)`: a string becomes `new Request(input,
 * init)` with the platform's Request class; a Request is used as it is
 * (with an init, it is copied with the init applied, as fetch does).
 */
export function toFetchRequest(input: FetchInput, init?: FetchInitLike): FetchRequestLike {
  if (typeof input !== 'string' && init === undefined) return input;
  const RequestClass = (globalThis as unknown as { Request?: new (input: FetchInput, init?: FetchInitLike & { duplex?: 'half' }) => FetchRequestLike }).Request;
  if (typeof RequestClass !== 'function') throw new Error('engine.fetch with a URL needs the WHATWG Request class (browsers, Node 18 or later)');
  const streamed = init?.body !== undefined && init.body !== null && typeof init.body !== 'string' && !(init.body instanceof Uint8Array);
  return new RequestClass(input, init === undefined ? undefined : { ...init, ...(streamed ? { duplex: 'half' as const } : {}) });
}

/** Runs a WHATWG request through `api.respond` and builds the WHATWG response. */
export async function fetchThroughApi(
  api: { respond(request: WireRequest): Promise<WireResponse> },
  request: FetchRequestLike,
): Promise<FetchResponseLike> {
  const classes = fetchClasses();
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (request.signal) {
    if (request.signal.aborted) abort();
    else request.signal.addEventListener('abort', abort, { once: true });
  }
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  const bodyReader = new BodyReader(request.body);
  const wire = await api.respond({
    method: request.method,
    target: request.url,
    headers,
    body: request.body ? bodyReader.chunks() : null,
    signal: controller.signal,
  });
  const init = { status: wire.status, statusText: wire.statusText, headers: wire.headers.map(([n, v]): [string, string] => [n, v]) };
  const noBody = request.method.toUpperCase() === 'HEAD' || statusHasNoBody(wire.status);
  if (wire.hijack) return new classes.Response(hijackStream(classes, wire.hijack, bodyReader, abort), init);
  if (noBody || wire.body === null) {
    if (wire.body !== null && !(wire.body instanceof Uint8Array)) abort();
    return new classes.Response(null, init);
  }
  if (wire.body instanceof Uint8Array) return new classes.Response(wire.body, init);
  return new classes.Response(iterableStream(classes, wire.body, abort), init);
}
