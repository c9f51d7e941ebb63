/**
 * The transport-independent request the router handles, and body helpers.
 */
import { concatBytes } from '../../common/bytes.ts';
import { InvalidParameterError } from '../errors.ts';
import type { Query } from './query.ts';

/** A request body: complete bytes, or a stream of chunks (chunked uploads: load, build, cp). */
export type RequestBody = Uint8Array | AsyncIterable<Uint8Array> | null;

/**
 * One API request, as any transport delivers it.
 *
 * Ownership: the router consumes `body` at most once; a transport must not
 * read it afterwards (it may drain what is left once the response is done).
 */
export interface ApiRequest {
  /** Upper-case method: GET, HEAD, POST, PUT, DELETE. */
  readonly method: string;
  /** The path as sent, still percent-encoded, with any `/vX.Y` prefix ("/v1.47/containers/json"). */
  readonly path: string;
  /** The query: raw (without "?") or already parsed. */
  readonly query: string | Query;
  /** Header names in lower case; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: RequestBody;
  /** The client asked to upgrade the connection (`Upgrade` header present: attach, exec start). */
  readonly upgrade: boolean;
  /** Aborted when the client goes away; streaming handlers stop then. */
  readonly signal?: AbortSignal;
}

/** The default size limit for bodies read into memory (JSON bodies); streams are not limited. */
export const MAX_BUFFERED_BODY = 64 * 1024 * 1024;

/** Reads a whole body into memory; fails with 400 if it exceeds `limit` bytes. */
export async function readBody(body: RequestBody, limit = MAX_BUFFERED_BODY): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  if (body instanceof Uint8Array) {
    if (body.length > limit) throw new InvalidParameterError(`request body larger than ${limit} bytes`);
    return body;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > limit) throw new InvalidParameterError(`request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return concatBytes(chunks);
}

/** A body as a stream of chunks (an empty stream for no body). */
export async function* bodyChunks(body: RequestBody): AsyncIterable<Uint8Array> {
  if (body === null) return;
  if (body instanceof Uint8Array) {
    if (body.length > 0) yield body;
    return;
  }
  yield* body;
}
