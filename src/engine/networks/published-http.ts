/**
 * `fetchPublished`: an HTTP/1.1 client that reaches a published port from
 * inside the engine, as a browser on the Docker host reaches
 * `http://localhost:PORT/`. It serves `engine.fetch('http://localhost:8080/')`
 * and the browser's Service Worker (`/ports/8080/...`, src/sw.browser.ts),
 * where no real host socket exists: the connection is a StreamHandle from
 * `NetworkManager.connectPublished`, carried into the container from its
 * network's gateway address like docker-proxy's.
 *
 * One request per connection: the request says `Connection: close` and the
 * connection is closed when the response body ends (or is cancelled), so a
 * keep-alive server never holds a fetch open. The response body is a
 * ReadableStream pulled from the connection as the consumer reads it
 * (nothing is buffered beyond one 64 KiB read); the request body is read
 * whole first and sent with a Content-Length (servers that cannot take a
 * chunked request body are common; request bodies through this path are
 * small forms and API calls).
 *
 * Framing follows RFC 9112 §6.3: no body for HEAD, 1xx, 204, 205 and 304;
 * `Transfer-Encoding: chunked` is decoded (trailers dropped); any other
 * transfer coding, or no length at all, is read until the server closes;
 * otherwise `Content-Length`. Interim 1xx responses (100 Continue, 103
 * Early Hints) are skipped. Hop-by-hop headers (Connection and what it
 * names, Keep-Alive, Transfer-Encoding, TE, Trailer, Upgrade,
 * Proxy-Connection) are not passed on. The request is sent without
 * Accept-Encoding so the body arrives as plain bytes: a Response built from
 * a stream is never decompressed by the browser.
 *
 * Failures before a response arrives are answered, not thrown, as a
 * reverse proxy answers them: `502 Bad Gateway` with a text/plain body
 * starting with "Drydock: " that says what happened, and the header
 * `X-Drydock-Error` naming the case:
 *
 * | X-Drydock-Error | when |
 * |---|---|
 * | not-published | no container publishes the port |
 * | refused | the port is published but nothing listens in the container (connection refused) |
 * | connect-failed | any other connect failure (unreachable, timed out) |
 * | reset | the connection was reset before a complete response head arrived |
 * | closed | the server closed the connection before a complete response head |
 * | malformed | what came back is not an HTTP/1.x response (bad status line, header, Content-Length, 101) |
 * | too-large | the response head is larger than 64 KiB |
 *
 * Failures after the head (a reset or early close in the body, a broken
 * chunk) error the body stream with a `PublishedHttpError`, as fetch errors
 * a body whose connection fails. An aborted request signal rejects the fetch
 * (or errors the body) with the signal's reason and resets the connection.
 */
import { Errno, ErrnoError } from '../../common/errno.ts';
import { concatBytes } from '../../common/bytes.ts';
import { NetworkNotFoundError } from '../../net/errors.ts';
import type { NetworkManager } from '../../net/manager.ts';
import type { StreamHandle } from '../../net/stream-handle.ts';
import type { FetchRequestLike, FetchResponseLike, ReadableStreamLike } from '../api/fetch.ts';

/** Largest response head (status line and headers) accepted. */
export const MAX_RESPONSE_HEAD = 64 * 1024;
/** Largest chunk-size line (with extensions) or trailer line of a chunked body. */
const MAX_CHUNK_LINE = 16 * 1024;
/** Bytes asked of the connection per read of the body. */
const READ_SIZE = 64 * 1024;

/** The kinds of failure answered with 502 (the X-Drydock-Error header). */
export type PublishedHttpFailure = 'not-published' | 'refused' | 'connect-failed' | 'reset' | 'closed' | 'malformed' | 'too-large';

/** A failure of the response body after its head arrived (the body stream errors with it). */
export class PublishedHttpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishedHttpError';
  }
}

/** Thrown inside the client for a response that cannot be read; becomes a 502 (or a body error). */
class ResponseFailure extends Error {
  constructor(
    readonly failure: PublishedHttpFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ResponseFailure';
  }
}

interface ControllerLike {
  enqueue(chunk: Uint8Array): void;
  close(): void;
  error(reason: unknown): void;
}

interface StreamClasses {
  Response: new (
    body: Uint8Array | ReadableStreamLike | null,
    init: { status: number; statusText: string; headers: [string, string][] },
  ) => FetchResponseLike;
  ReadableStream: new (
    source: { pull?(controller: ControllerLike): Promise<void> | void; cancel?(reason: unknown): void },
    strategy?: { highWaterMark?: number },
  ) => ReadableStreamLike;
}

/** The platform's Response and ReadableStream (browsers, Node ≥ 18); see api/fetch.ts for why they are structural. */
function streamClasses(): StreamClasses {
  const g = globalThis as unknown as Partial<StreamClasses>;
  if (typeof g.Response !== 'function' || typeof g.ReadableStream !== 'function') {
    throw new Error('fetching a published port needs the WHATWG Response and ReadableStream classes (browsers, Node 18 or later)');
  }
  return g as StreamClasses;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Request headers this client sets itself or must not forward. */
const REQUEST_SKIP = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length', 'accept-encoding']);
/** Response headers that describe this connection, not the resource (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

const encoder = new TextEncoder();

/** Bytes as a string of the same code units (HTTP heads are bytes; Headers take ByteStrings). */
function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

/** A string of code units ≤ 0xFF as its bytes. */
function bytesOf(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The start of what the server sent, printable, for error messages. */
function preview(bytes: Uint8Array): string {
  // JSON.stringify writes CR, LF and TAB as \r, \n, \t; other unprintable bytes become '.'.
  const text = latin1(bytes.subarray(0, 60)).replace(/[^\x20-\x7e\r\n\t]/g, '.');
  return JSON.stringify(text + (bytes.length > 60 ? '…' : ''));
}

/** The origin-form target ("/path?query") of an absolute or origin-form URL, without its fragment. */
export function requestTarget(url: string): string {
  let target = url;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url);
  if (scheme) {
    const rest = url.slice(scheme[0].length);
    const start = rest.search(/[/?#]/);
    target = start < 0 ? '/' : rest.slice(start);
  }
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  if (target.startsWith('?')) target = `/${target}`;
  if (!target.startsWith('/')) target = `/${target}`;
  // Request URLs arrive serialized (percent-encoded); anything else is encoded rather than sent raw.
  return target.replace(/[\x00-\x20\x7f-\u{10ffff}]/gu, (c) => {
    try {
      return encodeURIComponent(c);
    } catch {
      return '%EF%BF%BD'; // a lone surrogate: U+FFFD, as the URL parser writes it
    }
  });
}

/**
 * Reads the connection: a buffer of received bytes not yet consumed, refilled
 * one read at a time. Owns nothing; the caller closes the handle.
 */
class Incoming {
  private buf: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly handle: StreamHandle,
    private readonly containerPort: number,
  ) {}

  /** Bytes received and not yet consumed. */
  get buffered(): Uint8Array {
    return this.buf;
  }

  /** Reads once more into the buffer; false at end of stream. ECONNRESET becomes a 'reset' failure. */
  async more(): Promise<boolean> {
    const chunk = await this.read(READ_SIZE);
    if (chunk === null) return false;
    this.buf = concat(this.buf, chunk);
    return true;
  }

  private async read(max: number): Promise<Uint8Array | null> {
    try {
      return await this.handle.read(max);
    } catch (error) {
      if (error instanceof ErrnoError && (error.errno === Errno.ECONNRESET || error.errno === Errno.EPIPE)) {
        throw new ResponseFailure('reset', `Drydock: the connection to the container's port ${this.containerPort} was reset`);
      }
      throw error;
    }
  }

  /** Consumes `n` buffered bytes. */
  consume(n: number): Uint8Array {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Up to `max` bytes: what is buffered, else one read of the connection. null at end of stream. */
  async some(max: number): Promise<Uint8Array | null> {
    if (this.buf.length > 0) return this.consume(Math.min(max, this.buf.length));
    return this.read(Math.min(max, READ_SIZE));
  }

  /** One line without its line ending (CRLF or a bare LF, as RFC 9112 §2.2 tolerates); null at end of stream first. */
  async line(limit: number, what: string): Promise<string | null> {
    for (let searched = 0; ; ) {
      const nl = this.buf.indexOf(0x0a, searched);
      if (nl >= 0) {
        const end = nl > 0 && this.buf[nl - 1] === 0x0d ? nl - 1 : nl;
        const text = latin1(this.buf.subarray(0, end));
        this.consume(nl + 1);
        return text;
      }
      searched = this.buf.length;
      if (this.buf.length > limit) throw new ResponseFailure('malformed', `Drydock: the container's port ${this.containerPort} sent a ${what} longer than ${limit} bytes`);
      if (!(await this.more())) return null;
    }
  }
}

interface ResponseHead {
  readonly status: number;
  readonly reason: string;
  readonly headers: [string, string][];
}

/** Reads one response head (status line and header fields); the buffer is left at the body. */
async function readHead(incoming: Incoming, containerPort: number): Promise<ResponseHead> {
  const where = `the container's port ${containerPort}`;
  let end = -1;
  for (;;) {
    const buf = incoming.buffered;
    // The head ends at an empty line: CRLFCRLF, or bare LFs (tolerated as by browsers).
    for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, i + 1)) {
      if (buf[i + 1] === 0x0a) {
        end = i + 2;
        break;
      }
      if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) {
        end = i + 3;
        break;
      }
      if (i + 1 >= buf.length) break;
    }
    if (end >= 0) break;
    if (buf.length >= 5 && latin1(buf.subarray(0, 5)) !== 'HTTP/') {
      throw new ResponseFailure('malformed', `Drydock: ${where} did not answer with HTTP; it sent ${preview(buf)}`);
    }
    if (buf.length > MAX_RESPONSE_HEAD) throw new ResponseFailure('too-large', `Drydock: the response head from ${where} is larger than ${MAX_RESPONSE_HEAD / 1024} KiB`);
    if (!(await incoming.more())) {
      throw new ResponseFailure(
        'closed',
        buf.length === 0
          ? `Drydock: ${where} closed the connection without sending a response`
          : `Drydock: ${where} closed the connection in the middle of the response head; it sent ${preview(buf)}`,
      );
    }
  }
  if (end > MAX_RESPONSE_HEAD) throw new ResponseFailure('too-large', `Drydock: the response head from ${where} is larger than ${MAX_RESPONSE_HEAD / 1024} KiB`);
  const headBytes = incoming.buffered.subarray(0, end);
  const lines = latin1(headBytes).split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  lines.splice(-2); // the empty line and what follows the final LF
  incoming.consume(end);
  const statusLine = /^HTTP\/1\.[0-9] ([0-9]{3})(?: (.*))?$/.exec(lines[0] ?? '');
  if (!statusLine) throw new ResponseFailure('malformed', `Drydock: ${where} sent an invalid status line: ${preview(bytesOf(lines[0] ?? ''))}`);
  const status = Number(statusLine[1]);
  // Response's statusText must be a reason-phrase (HTAB, SP, VCHAR, obs-text).
  const reason = /^[\t\x20-\x7e\x80-\xff]*$/.test(statusLine[2] ?? '') ? (statusLine[2] ?? '') : '';
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    if (/^[ \t]/.test(line)) {
      // obs-fold: a continuation of the previous field's value (RFC 9112 §5.2: replace with SP).
      const last = headers.at(-1);
      if (!last) throw new ResponseFailure('malformed', `Drydock: ${where} sent a header continuation line before any header`);
      last[1] = `${last[1]} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) throw new ResponseFailure('malformed', `Drydock: ${where} sent an invalid header line: ${preview(bytesOf(line))}`);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (/[\x00\r\n]/.test(value)) throw new ResponseFailure('malformed', `Drydock: ${where} sent an invalid value for the header ${name}`);
    headers.push([name, value]);
  }
  return { status, reason, headers };
}

function headerValues(headers: readonly [string, string][], name: string): string[] {
  return headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

/** How the body of a response is delimited (RFC 9112 §6.3). */
type Framing = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' };

function framingOf(method: string, head: ResponseHead, where: string): Framing {
  if (method === 'HEAD' || head.status === 204 || head.status === 205 || head.status === 304) return { kind: 'none' };
  const codings = headerValues(head.headers, 'transfer-encoding')
    .flatMap((v) => v.split(','))
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '');
  if (codings.length > 0) return codings.at(-1) === 'chunked' ? { kind: 'chunked' } : { kind: 'close' };
  const lengths = headerValues(head.headers, 'content-length').flatMap((v) => v.split(',').map((s) => s.trim()));
  if (lengths.length === 0) return { kind: 'close' };
  if (!lengths.every((l) => /^[0-9]{1,15}$/.test(l)) || new Set(lengths.map(Number)).size !== 1) {
    throw new ResponseFailure('malformed', `Drydock: ${where} sent an invalid Content-Length (${lengths.join(', ')})`);
  }
  return { kind: 'length', length: Number(lengths[0]) };
}

/** The headers a client sees: hop-by-hop fields (and those Connection names) removed; Content-Length only when it frames the body. */
function endToEndHeaders(head: ResponseHead, framing: Framing): [string, string][] {
  const named = new Set(
    headerValues(head.headers, 'connection')
      .flatMap((v) => v.split(','))
      .map((s) => s.trim().toLowerCase()),
  );
  return head.headers.filter(([n]) => {
    const lower = n.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named.has(lower)) return false;
    if (lower === 'content-length') return framing.kind === 'length' || framing.kind === 'none';
    return true;
  });
}

/** A body reader: the next piece of the body, or null at its end. Throws ResponseFailure for a broken body. */
type BodySource = () => Promise<Uint8Array | null>;

function lengthBody(incoming: Incoming, length: number, where: string): BodySource {
  let remaining = length;
  return async () => {
    if (remaining === 0) return null;
    const piece = await incoming.some(remaining);
    if (piece === null) throw new ResponseFailure('closed', `Drydock: ${where} closed the connection after ${length - remaining} of ${length} bytes of the body`);
    remaining -= piece.length;
    return piece;
  };
}

function untilCloseBody(incoming: Incoming): BodySource {
  return () => incoming.some(READ_SIZE);
}

function chunkedBody(incoming: Incoming, where: string): BodySource {
  let remaining = 0; // bytes left in the current chunk
  let state: 'size' | 'data' | 'trailers' | 'done' = 'size';
  const needLine = async (what: string): Promise<string> => {
    const line = await incoming.line(MAX_CHUNK_LINE, what);
    if (line === null) throw new ResponseFailure('closed', `Drydock: ${where} closed the connection in the middle of a chunked body`);
    return line;
  };
  return async () => {
    for (;;) {
      switch (state) {
        case 'done':
          return null;
        case 'size': {
          const line = await needLine('chunk size line');
          const size = /^([0-9A-Fa-f]{1,13})[ \t]*(;.*)?$/.exec(line);
          if (!size) throw new ResponseFailure('malformed', `Drydock: ${where} sent an invalid chunk size: ${preview(bytesOf(line))}`);
          remaining = parseInt(size[1]!, 16);
          state = remaining === 0 ? 'trailers' : 'data';
          break;
        }
        case 'data': {
          const piece = await incoming.some(remaining);
          if (piece === null) throw new ResponseFailure('closed', `Drydock: ${where} closed the connection in the middle of a chunked body`);
          remaining -= piece.length;
          if (remaining === 0) {
            const end = await needLine('chunk');
            if (end !== '') throw new ResponseFailure('malformed', `Drydock: ${where} sent a chunk longer than its size`);
            state = 'size';
          }
          return piece;
        }
        case 'trailers': {
          // Trailer fields are read and dropped; the body ends at the empty line.
          if ((await needLine('trailer line')) === '') state = 'done';
          break;
        }
      }
    }
  };
}

function failureResponse(classes: StreamClasses, failure: PublishedHttpFailure, message: string): FetchResponseLike {
  return new classes.Response(encoder.encode(`${message}\n`), {
    status: 502,
    statusText: 'Bad Gateway',
    headers: [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['X-Drydock-Error', failure],
    ],
  });
}

/** Reads a request body whole (see the module comment). */
async function requestBody(request: FetchRequestLike): Promise<Uint8Array | null> {
  if (!request.body) return null;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value && value.length > 0) chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return concatBytes(chunks);
}

/** The request as bytes: request line, headers, body. */
function serializeRequest(method: string, target: string, hostPort: number, request: FetchRequestLike, body: Uint8Array | null): Uint8Array {
  let head = `${method} ${target} HTTP/1.1\r\nHost: localhost:${hostPort}\r\n`;
  request.headers.forEach((value, name) => {
    if (REQUEST_SKIP.has(name.toLowerCase()) || !TOKEN.test(name) || /[\r\n\x00]/.test(value)) return;
    head += `${name}: ${value}\r\n`;
  });
  if (body !== null) head += `Content-Length: ${body.length}\r\n`;
  else if (method === 'POST' || method === 'PUT' || method === 'PATCH') head += 'Content-Length: 0\r\n';
  head += 'Connection: close\r\n\r\n';
  const headBytes = bytesOf(head);
  return body && body.length > 0 ? concat(headBytes, body) : headBytes;
}

const LOOPBACK_URL = /^http:\/\/(?:localhost|127(?:\.[0-9]{1,3}){3}|\[::1\])(?::([0-9]{1,5}))?(?:[/?#]|$)/i;

/**
 * Which requests of `engine.fetch` go to a published port: an absolute
 * `http:` URL whose host is a loopback name (`localhost`, `127.x.x.x`,
 * `[::1]`), as a browser on a Docker host reaches a published port. The
 * port is the URL's (80 when it has none, as for `http://localhost/`).
 * Every other URL (`http://drydock/v1.47/info`, `http://api.moby.localhost/…`,
 * an origin-form `/v1.47/info`, https) is an Engine API request. Returns
 * the host port, or null for an API request.
 */
export function publishedPortOf(url: string): number | null {
  const match = LOOPBACK_URL.exec(url);
  if (!match) return null;
  const port = match[1] === undefined ? 80 : Number(match[1]);
  return port >= 1 && port <= 65535 ? port : null;
}

/**
 * Fetches `request` from the server published on `hostPort` (any host
 * address), as a client on the Docker host would through
 * `http://localhost:PORT/`. Only the path and query of `request.url` are
 * used; the Host header is `localhost:PORT`. Resolves with the server's
 * response (its body streamed from the connection) or with a 502 that says
 * what went wrong (see the module comment); rejects only when
 * `request.signal` aborts or the request body cannot be read.
 */
export async function fetchPublished(network: NetworkManager, hostPort: number, request: FetchRequestLike): Promise<FetchResponseLike> {
  const classes = streamClasses();
  const signal = request.signal;
  signal?.throwIfAborted();
  const method = request.method.toUpperCase();
  if (!TOKEN.test(method)) throw new TypeError(`invalid HTTP method ${JSON.stringify(request.method)}`);
  if (method === 'CONNECT') throw new TypeError('CONNECT cannot be sent to a published port');
  const body = method === 'GET' || method === 'HEAD' ? null : await requestBody(request);
  const bytes = serializeRequest(method, requestTarget(request.url), hostPort, request, body);

  let handle: StreamHandle;
  try {
    handle = await network.connectPublished(hostPort);
  } catch (error) {
    if (error instanceof NetworkNotFoundError) {
      return failureResponse(classes, 'not-published', `Drydock: nothing is published on port ${hostPort} (docker run -p ${hostPort}:PORT publishes a container's port there)`);
    }
    if (error instanceof ErrnoError && error.errno === Errno.ECONNREFUSED) {
      return failureResponse(classes, 'refused', `Drydock: port ${hostPort} is published, but nothing listens behind it in the container (connection refused)`);
    }
    if (error instanceof ErrnoError) return failureResponse(classes, 'connect-failed', `Drydock: could not connect to the container behind port ${hostPort}: ${error.message}`);
    throw error;
  }
  const containerPort = handle.remote.port;
  const where = `the container's port ${containerPort}`;
  const incoming = new Incoming(handle, containerPort);

  let finished = false;
  const onAbort = (): void => {
    if (!finished) handle.close(true);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const finish = (abort: boolean): void => {
    if (finished) return;
    finished = true;
    signal?.removeEventListener('abort', onAbort);
    handle.close(abort);
  };

  if (signal?.aborted) finish(true);
  signal?.throwIfAborted();

  let head: ResponseHead;
  let framing: Framing;
  let writeFailed = false;
  try {
    // A server may answer (and close) before reading the whole request; its answer still counts.
    void handle.write(bytes).catch((error: unknown) => {
      writeFailed = error instanceof ErrnoError && (error.errno === Errno.ECONNRESET || error.errno === Errno.EPIPE);
    });
    do head = await readHead(incoming, containerPort);
    while (head.status >= 100 && head.status < 200 && head.status !== 101);
    if (head.status === 101) throw new ResponseFailure('malformed', `Drydock: ${where} switched protocols (101) without being asked to`);
    if (head.status < 200 || head.status > 599) throw new ResponseFailure('malformed', `Drydock: ${where} sent the invalid status ${head.status}`);
    framing = framingOf(method, head, where);
  } catch (error) {
    finish(true);
    signal?.throwIfAborted();
    // The write consumed the reset: the read then only saw the end of the stream.
    if (error instanceof ResponseFailure && error.failure === 'closed' && writeFailed) {
      return failureResponse(classes, 'reset', `Drydock: the connection to ${where} was reset`);
    }
    if (error instanceof ResponseFailure) return failureResponse(classes, error.failure, error.message);
    throw error;
  }

  const init = { status: head.status, statusText: head.reason, headers: endToEndHeaders(head, framing) };
  if (framing.kind === 'none' || (framing.kind === 'length' && framing.length === 0)) {
    finish(false);
    return new classes.Response(null, init);
  }
  const source = framing.kind === 'length' ? lengthBody(incoming, framing.length, where) : framing.kind === 'chunked' ? chunkedBody(incoming, where) : untilCloseBody(incoming);
  const stream = new classes.ReadableStream(
    {
      async pull(controller) {
        try {
          const piece = await source();
          if (piece === null) {
            finish(false);
            controller.close();
          } else controller.enqueue(piece);
        } catch (error) {
          finish(true);
          if (signal?.aborted) controller.error(signal.reason);
          else controller.error(error instanceof ResponseFailure ? new PublishedHttpError(error.message) : error);
        }
      },
      cancel() {
        finish(true);
      },
    },
    { highWaterMark: 1 },
  );
  return new classes.Response(stream, init);
}
