/**
 * The host backend's side of the wire to the real engine: the API version
 * every forwarded call is pinned to, the mapping of the real engine's HTTP
 * errors back to engine error classes (with its message unchanged), and the
 * adapters from the client's chunk callbacks to the AsyncIterables the
 * backend interfaces return.
 */
import type { ChunkHandler, ClientRequest, ClientUpload, EngineTransport, UploadingEngineTransport } from '../../engine/client/transport.ts';
import { canUpload } from '../../engine/client/transport.ts';
import { DockerApiError, type OpenStream } from '../../engine/client/client.ts';
import { EngineError, errorOfKind, SystemError, type ErrorKind } from '../../engine/errors.ts';
import type { JsonMessage, ProgressSink } from '../../engine/types/json-message.ts';

/**
 * A transport that sends every path under `/v<version>`, so the real engine
 * answers with the API version the router negotiated its own range to.
 */
export function versionedTransport(inner: EngineTransport, version: string): EngineTransport | UploadingEngineTransport {
  const prefix = `/v${version}`;
  const at = <T extends { path: string }>(request: T): T => ({ ...request, path: `${prefix}${request.path}` });
  const base: EngineTransport = {
    request: (request: ClientRequest) => inner.request(at(request)),
    stream: (request: ClientRequest, onChunk: ChunkHandler) => inner.stream(at(request), onChunk),
    hijack: (request: ClientRequest, onOutput: (chunk: Uint8Array) => void) => inner.hijack(at(request), onOutput),
  };
  if (!canUpload(inner)) return base;
  return { ...base, upload: (request: ClientUpload, onChunk: ChunkHandler) => inner.upload(at(request), onChunk) };
}

/**
 * The engine error class of a real engine's HTTP status (moby's
 * httpstatus, read backwards). Other 4xx statuses become 400 and other
 * 5xx statuses 500: the engine has no class for them.
 */
export function kindForStatus(status: number): ErrorKind {
  switch (status) {
    case 304:
      return 'not-modified';
    case 400:
      return 'invalid-parameter';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 409:
      return 'conflict';
    case 501:
      return 'not-implemented';
    case 503:
      return 'unavailable';
    default:
      return status >= 400 && status < 500 ? 'invalid-parameter' : 'system';
  }
}

/**
 * Any failure of a forwarded call as an engine error: a real engine's error
 * answer keeps its message word for word; a failure to reach the engine is
 * a SystemError (500) saying so.
 */
export function hostError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  if (error instanceof DockerApiError) return errorOfKind(kindForStatus(error.status), error.message, error);
  const message = error instanceof Error ? error.message : String(error);
  return new SystemError(message, { cause: error });
}

/** Runs a forwarded call, rethrowing its failure as hostError(). */
export async function forward<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw hostError(error);
  }
}

/**
 * An error whose message the router cannot rewrite. Routers that add
 * dockerd's own prefixes to errors of Drydock's stores (image inspect's
 * "no such image: x: ") must not add them to a message that came from the
 * real engine, which already has whatever prefix that engine uses.
 */
export function verbatim(error: EngineError): EngineError {
  const text = error.message;
  Object.defineProperty(error, 'message', {
    get: () => text,
    set: () => {},
    enumerable: false,
    configurable: true,
  });
  return error;
}

/** Removes `prefix` from an engine error's message when the router adds it back (kill's "Cannot kill container: x: "). */
export function withoutPrefix(error: EngineError, prefix: string): EngineError {
  if (!error.message.startsWith(prefix)) return error;
  return errorOfKind(error.kind, error.message.slice(prefix.length), error.cause);
}

/** Nanoseconds since the epoch as the API's `since`/`until` query form ("1700000000.000000001"). */
export function unixTimestamp(ns: bigint | undefined): string | undefined {
  if (ns === undefined) return undefined;
  const negative = ns < 0n;
  const abs = negative ? -ns : ns;
  const seconds = abs / 1_000_000_000n;
  const nanos = abs % 1_000_000_000n;
  return `${negative ? '-' : ''}${seconds}.${nanos.toString().padStart(9, '0')}`;
}

/**
 * A single-consumer queue with back-pressure: `push` returns a promise while
 * more than `highWater` items wait, so a socket producer pauses until the
 * consumer (the router writing to Drydock's client) catches up.
 */
export class Pipe<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private readonly drained: (() => void)[] = [];
  private waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | null = null;
  private ended = false;
  private failure: { error: unknown } | null = null;
  private iterated = false;

  /** @param onCancel called once when the consumer stops before the end. */
  constructor(
    private readonly highWater = 16,
    private readonly onCancel?: () => void,
  ) {}

  push(value: T): void | Promise<void> {
    if (this.ended) return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = null;
      resolve({ value, done: false });
      return;
    }
    this.items.push(value);
    if (this.items.length <= this.highWater) return;
    return new Promise((resolve) => this.drained.push(resolve));
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.settleWaiting();
  }

  fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = { error };
    this.settleWaiting();
  }

  private settleWaiting(): void {
    if (!this.waiting) return;
    const waiting = this.waiting;
    this.waiting = null;
    if (this.failure) {
      const { error } = this.failure;
      this.failure = null;
      waiting.reject(error);
    } else waiting.resolve({ value: undefined, done: true });
  }

  private release(): void {
    if (this.items.length > this.highWater) return;
    for (const wake of this.drained.splice(0)) wake();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.iterated) throw new Error('Pipe supports a single consumer');
    this.iterated = true;
    return {
      next: () => {
        if (this.items.length > 0) {
          const value = this.items.shift()!;
          this.release();
          return Promise.resolve({ value, done: false });
        }
        if (this.failure) {
          const { error } = this.failure;
          this.failure = null;
          return Promise.reject(error);
        }
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.waiting = { resolve, reject };
        });
      },
      return: () => {
        this.items.length = 0;
        for (const wake of this.drained.splice(0)) wake();
        if (!this.ended) {
          this.ended = true;
          this.onCancel?.();
        }
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

/**
 * Opens a streamed call and hands its body out as an AsyncIterable. HTTP
 * errors reject here (before any output); a failure later ends the
 * iterable with hostError(). The call is cancelled when `signal` aborts or
 * the consumer stops early.
 */
export async function openIterable<T>(
  open: (push: (value: T) => void | Promise<void>) => Promise<OpenStream>,
  signal: AbortSignal,
): Promise<{ handle: OpenStream; values: AsyncIterable<T> }> {
  let handle: OpenStream | null = null;
  let cancelled = false;
  const cancel = () => {
    cancelled = true;
    handle?.cancel();
  };
  const pipe = new Pipe<T>(16, cancel);
  handle = await forward(() => open((value) => pipe.push(value)));
  const opened = handle;
  if (cancelled || signal.aborted) opened.cancel();
  const onAbort = () => {
    cancel();
    pipe.close();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  opened.done.then(
    () => pipe.close(),
    (error: unknown) => (cancelled || signal.aborted ? pipe.close() : pipe.fail(hostError(error))),
  ).finally(() => signal.removeEventListener('abort', onAbort));
  return { handle: opened, values: pipe };
}

/** An error reported in band by the real engine, with its exit code when it has one (build steps). */
function inBandError(message: JsonMessage): Error {
  const text = message.errorDetail?.message ?? message.error ?? 'unknown error';
  const error = new SystemError(text) as SystemError & { jsonCode?: number };
  const code = message.errorDetail?.code;
  if (typeof code === 'number' && code !== 0) error.jsonCode = code;
  return error;
}

/**
 * Forwards a progress stream (pull, push, load, import, build): each message
 * goes to `progress` except those `keep` takes for itself; an in-band error
 * becomes the rejection (the router writes it in band again, with its code).
 */
export async function forwardProgress(
  open: (onMessage: (message: JsonMessage) => void) => Promise<OpenStream>,
  progress: ProgressSink,
  signal: AbortSignal,
  keep: (message: JsonMessage) => boolean = () => false,
): Promise<void> {
  let failure: Error | null = null;
  const handle = await forward(() =>
    open((message) => {
      if (failure) return;
      if (message.errorDetail !== undefined || message.error !== undefined) failure = inBandError(message);
      else if (!keep(message)) progress(message);
    }),
  );
  const onAbort = () => handle.cancel();
  if (signal.aborted) handle.cancel();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    await forward(() => handle.done);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure;
}
