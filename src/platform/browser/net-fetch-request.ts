/**
 * An incremental parser of HTTP/1.x requests as a client writes them on a
 * TCP connection (RFC 9112): request line, header fields, and a body framed
 * by Content-Length or chunked transfer coding. Pure: no DOM or Node APIs
 * (unit-tested in Node), so the browser's fetch-backed host network
 * (net-fetch.ts) can turn what a container sends into `fetch` calls.
 *
 * Invariants
 *  - Bytes are consumed exactly once and in order; a request is reported
 *    only when its body is complete (bodies are buffered: browsers cannot
 *    stream request bodies over HTTP/1.1 anyway).
 *  - Malformed input throws `HttpRequestError` with the status a server
 *    would answer (400, 413, 431, 501, 505); after that the parser is
 *    broken and every further call throws the same error.
 *  - Header names keep the client's spelling; lookups are case-insensitive.
 */

/** A parsed request head. */
export interface HttpRequestHead {
  readonly method: string;
  /** The request target as sent: origin-form (`/path?q`), absolute-form (`http://host/path`), authority or `*`. */
  readonly target: string;
  readonly version: '1.0' | '1.1';
  /** Header fields in order, names as sent. */
  readonly headers: readonly (readonly [string, string])[];
}

/** A complete request: head and (de-chunked) body. */
export interface HttpRequest extends HttpRequestHead {
  readonly body: Uint8Array<ArrayBuffer>;
}

/** What `HttpRequestParser.push` reports, in order. */
export type HttpRequestEvent =
  /** The head is complete (the body, if any, follows): lets a server answer `Expect: 100-continue`. */
  | { readonly type: 'head'; readonly head: HttpRequestHead }
  /** A whole request. */
  | { readonly type: 'request'; readonly request: HttpRequest };

/** A request the parser rejects, with the status code that answers it. */
export class HttpRequestError extends Error {
  constructor(
    readonly status: 400 | 413 | 431 | 501 | 505,
    message: string,
  ) {
    super(message);
    this.name = 'HttpRequestError';
  }
}

export interface HttpRequestParserLimits {
  /** Longest request head (request line + headers), bytes (default 64 KiB). */
  readonly maxHeadBytes?: number;
  /** Largest body, bytes (default 64 MiB). */
  readonly maxBodyBytes?: number;
}

/** The value of header `name` (case-insensitive; repeated fields joined with ", "), or null. */
export function headerValue(headers: readonly (readonly [string, string])[], name: string): string | null {
  const want = name.toLowerCase();
  const values = headers.filter(([n]) => n.toLowerCase() === want).map(([, v]) => v);
  return values.length === 0 ? null : values.join(', ');
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const CR = 13;
const LF = 10;

type State =
  | { readonly kind: 'head' }
  | { readonly kind: 'length'; remaining: number }
  | { readonly kind: 'chunk-size' }
  | { readonly kind: 'chunk-data'; remaining: number }
  | { readonly kind: 'chunk-end' }
  | { readonly kind: 'trailers' };

function decodeLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/** Parses the request line and header fields of `text` (without the final empty line). */
function parseHead(text: string): HttpRequestHead {
  const lines = text.split(/\r?\n/);
  const requestLine = lines.shift() ?? '';
  const parts = requestLine.split(' ');
  if (parts.length !== 3 || !TOKEN.test(parts[0]!) || parts[1]!.length === 0) {
    throw new HttpRequestError(400, `malformed request line: ${JSON.stringify(requestLine.slice(0, 100))}`);
  }
  const [method, target, protocol] = parts as [string, string, string];
  const version = /^HTTP\/1\.([01])$/.exec(protocol);
  if (!version) {
    if (/^HTTP\/\d+(\.\d+)?$/.test(protocol)) throw new HttpRequestError(505, `unsupported protocol ${protocol}`);
    throw new HttpRequestError(400, `malformed request line: ${JSON.stringify(requestLine.slice(0, 100))}`);
  }
  const headers: [string, string][] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line)) throw new HttpRequestError(400, 'obsolete header line folding');
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) throw new HttpRequestError(400, `malformed header field: ${JSON.stringify(line.slice(0, 100))}`);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (/[\0\r\n]/.test(value)) throw new HttpRequestError(400, `malformed header value of ${name}`);
    headers.push([name, value]);
  }
  return { method, target, version: version[1] === '0' ? '1.0' : '1.1', headers };
}

/**
 * Incremental HTTP/1.x request parser: `push` bytes as they arrive, get the
 * heads and complete requests they finish (pipelined requests included).
 */
export class HttpRequestParser {
  private buffer = new Uint8Array(0);
  private state: State = { kind: 'head' };
  private head: HttpRequestHead | null = null;
  private body: Uint8Array[] = [];
  private bodyBytes = 0;
  private broken: HttpRequestError | null = null;
  private readonly maxHeadBytes: number;
  private readonly maxBodyBytes: number;

  constructor(limits: HttpRequestParserLimits = {}) {
    this.maxHeadBytes = limits.maxHeadBytes ?? 64 * 1024;
    this.maxBodyBytes = limits.maxBodyBytes ?? 64 * 1024 * 1024;
  }

  /** True between requests (nothing of a next request received yet). */
  get idle(): boolean {
    return this.state.kind === 'head' && this.buffer.length === 0;
  }

  /** Feeds bytes; returns the events they complete. Throws HttpRequestError on malformed input. */
  push(bytes: Uint8Array): HttpRequestEvent[] {
    if (this.broken) throw this.broken;
    try {
      return this.run(bytes);
    } catch (error) {
      if (error instanceof HttpRequestError) this.broken = error;
      throw error;
    }
  }

  /** The client finished sending: throws if it stopped in the middle of a request. */
  end(): void {
    if (this.broken) throw this.broken;
    if (!this.idle) throw new HttpRequestError(400, 'the connection ended in the middle of a request');
  }

  private run(bytes: Uint8Array): HttpRequestEvent[] {
    const events: HttpRequestEvent[] = [];
    let data = bytes;
    if (this.buffer.length > 0) {
      data = new Uint8Array(this.buffer.length + bytes.length);
      data.set(this.buffer);
      data.set(bytes, this.buffer.length);
    }
    let pos = 0;
    for (;;) {
      const state = this.state;
      if (state.kind === 'length' || state.kind === 'chunk-data') {
        const n = Math.min(state.remaining, data.length - pos);
        if (n > 0) this.takeBody(data.subarray(pos, pos + n));
        pos += n;
        state.remaining -= n;
        if (state.remaining > 0) break;
        if (state.kind === 'length') events.push(this.complete());
        else this.state = { kind: 'chunk-end' };
        continue;
      }
      if (state.kind === 'head') {
        // Empty lines before a request line are ignored (RFC 9112 2.2).
        while (pos + 1 < data.length && data[pos] === CR && data[pos + 1] === LF) pos += 2;
        while (pos < data.length && data[pos] === LF) pos++;
        const end = findHeadEnd(data, pos);
        if (end === null) {
          if (data.length - pos > this.maxHeadBytes) throw new HttpRequestError(431, `request head longer than ${this.maxHeadBytes} bytes`);
          break;
        }
        if (end.headEnd - pos > this.maxHeadBytes) throw new HttpRequestError(431, `request head longer than ${this.maxHeadBytes} bytes`);
        const head = parseHead(decodeLatin1(data.subarray(pos, end.headEnd)));
        pos = end.next;
        this.startBody(head, events);
        continue;
      }
      // A line: chunk size, CRLF after chunk data, or a trailer field.
      const lf = data.indexOf(LF, pos);
      if (lf < 0) {
        if (data.length - pos > 4096) throw new HttpRequestError(400, 'chunked body line too long');
        break;
      }
      const line = decodeLatin1(data.subarray(pos, lf > pos && data[lf - 1] === CR ? lf - 1 : lf));
      pos = lf + 1;
      if (state.kind === 'chunk-end') {
        if (line !== '') throw new HttpRequestError(400, 'chunk data not followed by CRLF');
        this.state = { kind: 'chunk-size' };
      } else if (state.kind === 'chunk-size') {
        const m = /^([0-9A-Fa-f]{1,12})[ \t]*(;.*)?$/.exec(line);
        if (!m) throw new HttpRequestError(400, `malformed chunk size ${JSON.stringify(line.slice(0, 40))}`);
        const size = parseInt(m[1]!, 16);
        if (this.bodyBytes + size > this.maxBodyBytes) throw new HttpRequestError(413, `request body larger than ${this.maxBodyBytes} bytes`);
        this.state = size === 0 ? { kind: 'trailers' } : { kind: 'chunk-data', remaining: size };
      } else if (line === '') {
        events.push(this.complete());
      }
      // (trailer fields are read and dropped)
    }
    this.buffer = pos < data.length ? data.slice(pos) : new Uint8Array(0);
    return events;
  }

  private startBody(head: HttpRequestHead, events: HttpRequestEvent[]): void {
    this.head = head;
    this.body = [];
    this.bodyBytes = 0;
    events.push({ type: 'head', head });
    const transferEncoding = headerValue(head.headers, 'transfer-encoding');
    const contentLength = headerValue(head.headers, 'content-length');
    if (transferEncoding !== null) {
      const codings = transferEncoding.toLowerCase().split(',').map((c) => c.trim());
      if (codings[codings.length - 1] !== 'chunked') throw new HttpRequestError(400, `a request body with Transfer-Encoding ${transferEncoding} has no length`);
      if (codings.length > 1) throw new HttpRequestError(501, `Transfer-Encoding ${transferEncoding} is not supported`);
      if (contentLength !== null) throw new HttpRequestError(400, 'both Transfer-Encoding and Content-Length');
      this.state = { kind: 'chunk-size' };
      return;
    }
    if (contentLength !== null) {
      const values = contentLength.split(',').map((v) => v.trim());
      if (!values.every((v) => /^\d{1,15}$/.test(v) && v === values[0])) throw new HttpRequestError(400, `invalid Content-Length ${contentLength}`);
      const length = Number(values[0]);
      if (length > this.maxBodyBytes) throw new HttpRequestError(413, `request body larger than ${this.maxBodyBytes} bytes`);
      if (length > 0) {
        this.state = { kind: 'length', remaining: length };
        return;
      }
    }
    events.push(this.complete());
  }

  private takeBody(bytes: Uint8Array): void {
    this.body.push(bytes.slice());
    this.bodyBytes += bytes.length;
  }

  private complete(): HttpRequestEvent {
    const head = this.head!;
    const body = new Uint8Array(this.bodyBytes);
    let at = 0;
    for (const part of this.body) {
      body.set(part, at);
      at += part.length;
    }
    this.head = null;
    this.body = [];
    this.bodyBytes = 0;
    this.state = { kind: 'head' };
    return { type: 'request', request: { ...head, body } };
  }
}

/** Where the head that starts at `from` ends (before its empty line) and where the body starts, or null if incomplete. */
function findHeadEnd(data: Uint8Array, from: number): { headEnd: number; next: number } | null {
  for (let i = data.indexOf(LF, from); i >= 0; i = data.indexOf(LF, i + 1)) {
    // An empty line: LF LF or LF CR LF.
    if (data[i + 1] === LF) return { headEnd: i > from && data[i - 1] === CR ? i - 1 : i, next: i + 2 };
    if (data[i + 1] === CR && data[i + 2] === LF) return { headEnd: i > from && data[i - 1] === CR ? i - 1 : i, next: i + 3 };
  }
  return null;
}
