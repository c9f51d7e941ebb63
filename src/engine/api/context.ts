/**
 * What a route handler receives: the request, its route variables, the
 * negotiated API version, and the parsing helpers every handler shares
 * (moby's httputils: BoolValue, FromJSON filters, ReadJSON…). Helpers throw
 * InvalidParameterError with dockerd's wording; handlers never catch them.
 */
import { fromUtf8 } from '../../common/bytes.ts';
import { InvalidParameterError } from '../errors.ts';
import { Filters } from '../types/filters.ts';
import type { AuthConfig } from '../types/system.ts';
import { decodeBase64 } from './base64.ts';
import { decodeRoot, type Decoder } from './decode.ts';
import type { Query } from './query.ts';
import { parseBool } from './query.ts';
import { authConfigBody } from './request-bodies.ts';
import { bodyChunks, readBody, type ApiRequest } from './request.ts';
import { versionAtLeast, versionLessThan } from './version.ts';

export class RequestContext {
  private bodyTaken = false;

  constructor(
    readonly request: ApiRequest,
    readonly query: Query,
    /** Route variables, percent-decoded ("name" → "library/alpine"). */
    readonly params: Readonly<Record<string, string>>,
    /** The API version this request is served with ("1.47"). */
    readonly version: string,
    /** Aborted when the client goes away. */
    readonly signal: AbortSignal,
  ) {}

  /** A route variable; the route pattern guarantees it exists. */
  param(name: string): string {
    const value = this.params[name];
    if (value === undefined) throw new Error(`route has no variable ${name}`);
    return value;
  }

  /** A lower-cased header's value. */
  header(name: string): string | undefined {
    return this.request.headers[name.toLowerCase()];
  }

  /** Whether the request's API version is at least `version`. */
  atLeast(version: string): boolean {
    return versionAtLeast(this.version, version);
  }

  /** Whether the request's API version is below `version`. */
  below(version: string): boolean {
    return versionLessThan(this.version, version);
  }

  /** A query value, "" when absent (Go's Form.Get). */
  str(name: string): string {
    return this.query.get(name) ?? '';
  }

  /** Every value of a repeated query key. */
  strs(name: string): string[] {
    return this.query.getAll(name);
  }

  /** A boolean query value with moby's rules ("", 0, no, false, none are false; absent is false). */
  bool(name: string): boolean {
    return parseBool(this.query.get(name));
  }

  /** Like bool(), but `fallback` when the key is absent (BoolValueOrDefault). */
  boolOr(name: string, fallback: boolean): boolean {
    return this.query.has(name) ? parseBool(this.query.get(name)) : fallback;
  }

  /** A decimal integer query value; undefined when absent or empty, 400 when malformed. */
  int(name: string): number | undefined {
    const raw = this.query.get(name);
    if (raw === undefined || raw === '') return undefined;
    if (!/^[+-]?\d+$/.test(raw)) {
      throw new InvalidParameterError(`invalid value for ${name}: strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
    }
    const value = Number(raw);
    if (!Number.isSafeInteger(value)) {
      throw new InvalidParameterError(`invalid value for ${name}: strconv.ParseInt: parsing ${JSON.stringify(raw)}: value out of range`);
    }
    return value;
  }

  /**
   * An unsigned 32-bit query value that must be present (resize h/w), with
   * dockerd's message: `invalid resize height "x": invalid syntax`.
   */
  uint32(name: string, description: string): number {
    const raw = this.query.get(name) ?? '';
    const negative = raw.startsWith('-');
    const digits = negative ? raw.slice(1) : raw;
    if (!/^\d+$/.test(digits)) throw new InvalidParameterError(`${description} ${JSON.stringify(raw)}: invalid syntax`);
    const value = Number(digits);
    if (negative || value > 0xffffffff) throw new InvalidParameterError(`${description} ${JSON.stringify(raw)}: value out of range`);
    return value;
  }

  /** The `filters` query parameter, validated against the filter names this endpoint accepts. */
  filters(accepted: readonly string[], name = 'filters'): Filters {
    return Filters.parse(this.query.get(name)).validate(accepted);
  }

  /** A JSON-encoded query parameter (build's buildargs, labels…): 400 with `what` on bad JSON or type. */
  jsonQuery<T>(name: string, decoder: Decoder<T>, what: string): T | undefined {
    const raw = this.query.get(name);
    if (raw === undefined || raw === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new InvalidParameterError(`${what}: ${(error as Error).message}`);
    }
    try {
      return decoder(value, '');
    } catch (error) {
      throw new InvalidParameterError(`${what}: ${(error as Error).message.replace(/^invalid JSON: /, '')}`);
    }
  }

  /** The decoded X-Registry-Auth header; undefined when absent or undecodable (dockerd ignores bad values). */
  registryAuth(): AuthConfig | undefined {
    const header = this.header('x-registry-auth');
    if (!header) return undefined;
    try {
      return decodeRoot(authConfigBody, JSON.parse(fromUtf8(decodeBase64(header))));
    } catch {
      return undefined;
    }
  }

  /** Takes the body as a stream of chunks (uploads). The body can be taken once. */
  bodyStream(): AsyncIterable<Uint8Array> {
    this.takeBody();
    return bodyChunks(this.request.body);
  }

  /**
   * moby's ReadJSON: checks the Content-Type (application/json, or absent
   * with an empty body), decodes one JSON value with `decoder`. An empty
   * body gives undefined. Malformed JSON, trailing content and wrong types
   * are 400s.
   */
  async readJson<T>(decoder: Decoder<T>): Promise<T | undefined> {
    this.takeBody();
    const bytes = await readBody(this.request.body);
    const contentType = this.header('content-type') ?? '';
    if (bytes.length === 0 && contentType === '') return undefined;
    checkJsonContentType(contentType);
    if (bytes.length === 0) return undefined;
    return decodeRoot(decoder, parseJsonBody(fromUtf8(bytes)));
  }

  private takeBody(): void {
    if (this.bodyTaken) throw new Error('request body already consumed');
    this.bodyTaken = true;
  }
}

/** moby's matchesContentType for "application/json". */
function checkJsonContentType(contentType: string): void {
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (mediaType === '' || !/^[a-z0-9!#$%&'*+.^_`|~-]+\/[a-z0-9!#$%&'*+.^_`|~-]+$/.test(mediaType)) {
    throw new InvalidParameterError(`malformed Content-Type header (${contentType}): mime: no media type`);
  }
  if (mediaType !== 'application/json') {
    throw new InvalidParameterError(`unsupported Content-Type header (${contentType}): must be 'application/json'`);
  }
}

/** JSON.parse with dockerd's error wording. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new InvalidParameterError('invalid JSON: got EOF while reading request body');
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    if (/after JSON/i.test(message)) throw new InvalidParameterError('unexpected content after JSON');
    throw new InvalidParameterError(`invalid JSON: ${message}`);
  }
}
