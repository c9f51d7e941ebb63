/**
 * What a route handler returns: a description of the response, independent
 * of the transport. The router adds the common headers (Api-Version,
 * Ostype, Server) and turns thrown errors into `{"message"}` responses; the
 * transports (Node HTTP, fetch) only serialize these.
 */
import type { ByteDuplex } from './duplex.ts';

/** Extra response headers, with their canonical spelling ("X-Docker-Container-Path-Stat"). */
export type ResultHeaders = Readonly<Record<string, string>>;

/** A JSON body (`application/json`), written as Go's json.Encoder would: JSON plus "\n". */
export interface JsonResult {
  readonly kind: 'json';
  readonly status: number;
  readonly value: unknown;
  readonly headers: ResultHeaders;
}

/** A complete body of bytes with a content type (tar headers, "OK", plain-text errors). */
export interface BytesResult {
  readonly kind: 'bytes';
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array;
  readonly headers: ResultHeaders;
}

/** No body: 204, 304, a bare 200/201. */
export interface EmptyResult {
  readonly kind: 'empty';
  readonly status: number;
  readonly headers: ResultHeaders;
}

/**
 * When a streamed response sends its headers.
 * - 'immediately': as soon as the handler returns (wait, events, logs,
 *   stats): the Go client waits for /wait's headers before it starts the
 *   container, so these must not wait for the first chunk.
 * - 'first-chunk': with the first chunk; if the body fails before producing
 *   one, the client gets a normal HTTP error instead (pull, build, save).
 */
export type FlushPolicy = 'immediately' | 'first-chunk';

/**
 * A long-lived body: chunks are written as they come (HTTP chunked
 * encoding). The body must stop when the request's signal aborts (client
 * gone). An error thrown after the headers were sent aborts the connection.
 */
export interface StreamResult {
  readonly kind: 'stream';
  readonly status: number;
  /** Omitted for logs at API < 1.42, as dockerd did. */
  readonly contentType: string | undefined;
  readonly body: AsyncIterable<Uint8Array>;
  readonly flush: FlushPolicy;
  readonly headers: ResultHeaders;
}

/**
 * A hijacked connection (attach, exec start). The router answers
 * `101 UPGRADED` (client sent `Upgrade: tcp`) or `200 OK` with the
 * raw-stream content type, then hands the connection to `run`. The
 * connection is closed when `run` settles.
 */
export interface HijackResult {
  readonly kind: 'hijack';
  /** 200; written as `101 UPGRADED` when the client asked to upgrade. */
  readonly status: 200;
  /** stdcopy-framed output (no TTY); selects the multiplexed content type at API ≥ 1.42. */
  readonly multiplexed: boolean;
  readonly run: (stream: ByteDuplex) => Promise<void>;
  readonly headers: ResultHeaders;
}

export type ApiResult = JsonResult | BytesResult | EmptyResult | StreamResult | HijackResult;

export function jsonResult(status: number, value: unknown, headers: ResultHeaders = {}): JsonResult {
  return { kind: 'json', status, value, headers };
}

export function bytesResult(status: number, contentType: string, body: Uint8Array, headers: ResultHeaders = {}): BytesResult {
  return { kind: 'bytes', status, contentType, body, headers };
}

export function emptyResult(status: number, headers: ResultHeaders = {}): EmptyResult {
  return { kind: 'empty', status, headers };
}

export function streamResult(options: {
  body: AsyncIterable<Uint8Array>;
  contentType: string | undefined;
  flush: FlushPolicy;
  status?: number;
  headers?: ResultHeaders;
}): StreamResult {
  return {
    kind: 'stream',
    status: options.status ?? 200,
    contentType: options.contentType,
    body: options.body,
    flush: options.flush,
    headers: options.headers ?? {},
  };
}

export function hijackResult(options: {
  multiplexed: boolean;
  run: (stream: ByteDuplex) => Promise<void>;
  headers?: ResultHeaders;
}): HijackResult {
  return { kind: 'hijack', status: 200, multiplexed: options.multiplexed, run: options.run, headers: options.headers ?? {} };
}

/** Docker's media types. */
export const MediaType = {
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  jsonSeq: 'application/json-seq',
  rawStream: 'application/vnd.docker.raw-stream',
  multiplexedStream: 'application/vnd.docker.multiplexed-stream',
  tar: 'application/x-tar',
  text: 'text/plain; charset=utf-8',
} as const;
