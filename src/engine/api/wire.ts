/**
 * The HTTP exchange as transports see it: a raw request target, lower-cased
 * headers and a body in; a status line, ordered headers and a body (or a
 * hijack) out. src/platform/node/http-transport.ts declares the same shapes
 * structurally (the platform layer may not import the engine);
 * test/engine-api-transport.test.ts checks that they stay compatible.
 */
import type { ByteDuplex } from './duplex.ts';
import { jsonLine } from './json.ts';
import { statusHasNoBody, statusText } from './http-status.ts';
import { MediaType, type ApiResult } from './result.ts';
import { versionAtLeast } from './version.ts';

/** A request as read off the wire. */
export interface WireRequest {
  readonly method: string;
  /** The request target, e.g. "/v1.47/containers/json?all=1" (origin form; absolute form is accepted). */
  readonly target: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** null when the request has no body. */
  readonly body: Uint8Array | AsyncIterable<Uint8Array> | null;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
}

/**
 * A response to write. A `Uint8Array` body has a known length; an async
 * iterable body is streamed (chunked) and its headers must be sent at once.
 * With `hijack`, the transport writes the status line and headers with no
 * framing headers, then hands the connection over and closes it when
 * `hijack` settles.
 */
export interface WireResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Uint8Array | AsyncIterable<Uint8Array> | null;
  readonly hijack?: (connection: ByteDuplex) => Promise<void>;
}

/** Splits a request target into its path and raw query. */
export function splitTarget(target: string): { path: string; query: string } {
  let rest = target;
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length) || '/';
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  return q < 0 ? { path: rest, query: '' } : { path: rest.slice(0, q), query: rest.slice(q + 1) };
}

/**
 * Serializes a handler result. `upgrade` says whether the client sent an
 * Upgrade header (hijacks then answer 101); `version` is the negotiated API
 * version (multiplexed content type from 1.42).
 */
export function toWireResponse(result: ApiResult, upgrade: boolean, version: string): WireResponse {
  const headers: [string, string][] = Object.entries(result.headers);
  const has = (name: string): boolean => headers.some(([n]) => n.toLowerCase() === name.toLowerCase());
  switch (result.kind) {
    case 'json':
      if (!has('Content-Type')) headers.unshift(['Content-Type', MediaType.json]);
      return {
        status: result.status,
        statusText: statusText(result.status),
        headers,
        body: statusHasNoBody(result.status) ? null : jsonLine(result.value),
      };
    case 'bytes':
      if (!has('Content-Type')) headers.unshift(['Content-Type', result.contentType]);
      return { status: result.status, statusText: statusText(result.status), headers, body: result.body };
    case 'empty':
      return { status: result.status, statusText: statusText(result.status), headers, body: null };
    case 'stream':
      if (result.contentType !== undefined && !has('Content-Type')) headers.unshift(['Content-Type', result.contentType]);
      return { status: result.status, statusText: statusText(result.status), headers, body: result.body };
    case 'hijack': {
      const contentType =
        upgrade && result.multiplexed && versionAtLeast(version, '1.42') ? MediaType.multiplexedStream : MediaType.rawStream;
      const head: [string, string][] = [['Content-Type', contentType]];
      if (upgrade) head.push(['Connection', 'Upgrade'], ['Upgrade', 'tcp']);
      return {
        status: upgrade ? 101 : 200,
        statusText: upgrade ? 'UPGRADED' : 'OK',
        headers: [...head, ...headers],
        body: null,
        hijack: result.run,
      };
    }
  }
}
