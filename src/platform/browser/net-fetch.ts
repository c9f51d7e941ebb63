/**
 * The host network of a browser: containers' outbound HTTP/1.x carried by
 * `fetch`. Browsers have no raw TCP, so a "connection" to the outside is a
 * small HTTP proxy in the kernel worker: it parses the request the guest
 * writes (net-fetch-request.ts), fetches it, and writes the answer back as
 * an HTTP/1.1 response (net-fetch-response.ts). Names resolve to synthetic
 * addresses (net-fetch-names.ts) that connects map back to the name, so
 * `wget http://example.com/` fetches `http://example.com/`.
 *
 * What the browser refuses (a server without CORS headers, mixed content,
 * an unreachable server) is answered with `502 Bad Gateway`, an
 * `X-Drydock-Error` header and a plain-text body that says why, so the
 * guest's HTTP client shows it. See README.md, "Outbound HTTP through fetch".
 *
 * Only WHATWG APIs (fetch, Headers, AbortController, URL): the module runs
 * in Node too, where the unit tests drive it against node:http.
 */
import type { HostConnectFailure, HostNetwork, HostNetworkFailure, HostStream, HostStreamHandlers } from '../types.ts';
import { SyntheticNames, isSyntheticRange } from './net-fetch-names.ts';
import { HttpRequestError, HttpRequestParser, headerValue } from './net-fetch-request.ts';
import type { HttpRequest } from './net-fetch-request.ts';
import { LAST_CHUNK, canonicalHeaderName, chunkFrame, formatResponseHead, reasonPhrase, statusHasNoBody, textResponse } from './net-fetch-response.ts';

type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** Why a request could not be fetched, as the `X-Drydock-Error` header says it. */
export type FetchFailureKind = 'cors' | 'fetch-failed' | 'mixed-content' | 'tls' | 'method' | 'bad-request' | 'outbound-off';

export interface FetchHostNetworkOptions {
  /** The fetch to use (default: the global one). */
  readonly fetch?: FetchFunction;
  /** The origin of the page or worker, for mixed-content checks (default: `self.location.origin` where there is one). */
  readonly origin?: string | null;
  /** Largest request body a guest may send, bytes (default 64 MiB). */
  readonly maxBodyBytes?: number;
  /** Response bodies up to this size are sent with Content-Length (read whole first); larger ones chunked (default 1 MiB). */
  readonly bufferLimit?: number;
}

class FetchHostFailure extends Error implements HostNetworkFailure {
  constructor(
    readonly failure: HostConnectFailure,
    message: string,
  ) {
    super(message);
    this.name = 'FetchHostFailure';
  }
}

/**
 * Request headers not forwarded to fetch: hop-by-hop fields (the guest's
 * connection is not the browser's), fields the browser sets itself or
 * refuses (Fetch's forbidden request-headers), and User-Agent, which would
 * make every request non-simple and so need a CORS preflight most servers
 * do not answer (the browser sends its own).
 */
const DROPPED_REQUEST_HEADERS = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'via',
]);

/** Response headers not copied to the guest: hop-by-hop, and framing that no longer holds (fetch decodes Content-Encoding). */
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'content-encoding', 'content-length', 'keep-alive', 'proxy-connection', 'trailer', 'transfer-encoding', 'upgrade']);

/** Methods fetch refuses to send. */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** The headers of `request` that go to fetch. */
export function forwardedRequestHeaders(headers: readonly (readonly [string, string])[]): [string, string][] {
  const listed = new Set(
    (headerValue(headers, 'connection') ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t.length > 0),
  );
  return headers.filter(([name]) => {
    const lower = name.toLowerCase();
    return !DROPPED_REQUEST_HEADERS.has(lower) && !listed.has(lower) && !lower.startsWith('proxy-') && !lower.startsWith('sec-');
  }) as [string, string][];
}

/** Whether a browser treats `hostname` as potentially trustworthy (reachable over http from an https page). */
function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || /^127\./.test(h) || h === '::1';
}

/** The URL a request on a connection to `authority` (a name or address) and `port` asks for, or an error message. */
export function requestUrl(request: Pick<HttpRequest, 'target'>, authority: string, port: number): string | { error: string } {
  const target = request.target;
  if (/^https?:\/\//i.test(target)) {
    // absolute-form: the guest uses us as its proxy (http_proxy)
    try {
      return new URL(target).href;
    } catch {
      return { error: `invalid request target ${target}` };
    }
  }
  if (!target.startsWith('/')) return { error: `unsupported request target ${JSON.stringify(target.slice(0, 100))}` };
  const host = authority.includes(':') ? `[${authority}]` : authority;
  try {
    return new URL(`http://${host}${port === 80 ? '' : `:${port}`}${target}`).href;
  } catch {
    return { error: `invalid request target ${target}` };
  }
}

/**
 * A "connection" to a server outside, carried over fetch: the guest writes
 * an HTTP/1.x request, gets one HTTP/1.1 response and then end of stream
 * (`Connection: close`: one request per connection; pipelined requests
 * after the first are not answered, the client sends them again on a new
 * connection as HTTP requires).
 */
export class FetchHostStream implements HostStream {
  readonly localAddress = '0.0.0.0';
  readonly localPort = 0;
  private handlers: HostStreamHandlers | null = null;
  /** Output produced before `setHandlers`, and the end events. */
  private readonly pending: (() => void)[] = [];
  private readonly parser: HttpRequestParser;
  private readonly abort = new AbortController();
  private started = false;
  private outputEnded = false;
  private inputEnded = false;
  private closed = false;
  private paused = false;
  private resumeWaiter: (() => void) | null = null;

  constructor(
    readonly remoteAddress: string,
    readonly remotePort: number,
    /** The name (or address) the URL carries. */
    private readonly authority: string,
    private readonly options: Required<Pick<FetchHostNetworkOptions, 'bufferLimit'>> & {
      readonly fetch: FetchFunction;
      readonly origin: string | null;
      readonly maxBodyBytes: number;
    },
  ) {
    this.parser = new HttpRequestParser({ maxBodyBytes: options.maxBodyBytes });
  }

  setHandlers(handlers: HostStreamHandlers): void {
    this.handlers = handlers;
    for (const deliver of this.pending.splice(0)) queueMicrotask(deliver);
  }

  write(data: Uint8Array): boolean {
    if (this.closed || this.started || this.outputEnded) return true;
    let events;
    try {
      events = this.parser.push(data);
    } catch (error) {
      if (error instanceof HttpRequestError) this.answerAndEnd(textResponse(error.status, `Drydock: ${error.message}`, [['X-Drydock-Error', 'bad-request']]));
      else throw error;
      return true;
    }
    for (const event of events) {
      if (event.type === 'head') {
        if ((headerValue(event.head.headers, 'expect') ?? '').toLowerCase() === '100-continue' && event.head.version === '1.1') {
          this.emit(new TextEncoder().encode('HTTP/1.1 100 Continue\r\n\r\n'));
        }
      } else {
        this.started = true;
        void this.serve(event.request);
        break;
      }
    }
    return true;
  }

  end(): void {
    if (this.closed || this.inputEnded) return;
    this.inputEnded = true;
    if (!this.started && !this.outputEnded) {
      if (this.parser.idle) this.endOutput();
      else this.answerAndEnd(textResponse(400, 'Drydock: the connection ended in the middle of a request', [['X-Drydock-Error', 'bad-request']]));
    }
    this.maybeClose();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.resumeWaiter?.();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const waiter = this.resumeWaiter;
    this.resumeWaiter = null;
    waiter?.();
  }

  /** Delivers `bytes` to the guest (always later, never inside the caller's call). */
  private emit(bytes: Uint8Array): void {
    this.deliver(() => this.handlers!.data(bytes));
  }

  private deliver(action: () => void): void {
    const run = (): void => {
      if (!this.closed) action();
    };
    if (this.handlers) queueMicrotask(run);
    else this.pending.push(run);
  }

  private endOutput(): void {
    if (this.outputEnded) return;
    this.outputEnded = true;
    this.deliver(() => this.handlers!.end());
    this.maybeClose();
  }

  /** Both directions finished: the connection is gone. */
  private maybeClose(): void {
    if (!this.outputEnded || !this.inputEnded || this.closed) return;
    this.deliver(() => {
      this.closed = true;
      this.handlers!.close(false);
    });
  }

  private answerAndEnd(response: Uint8Array): void {
    this.emit(response);
    this.endOutput();
  }

  /** Waits (after letting queued deliveries run) while the guest's side is full. */
  private async flowing(): Promise<void> {
    await null;
    while (this.paused && !this.closed) await new Promise<void>((resolve) => (this.resumeWaiter = resolve));
  }

  private fail(request: HttpRequest, kind: FetchFailureKind, status: number, message: string): void {
    this.answerAndEnd(textResponse(status, message, [['X-Drydock-Error', kind]], request.method === 'HEAD'));
  }

  private async serve(request: HttpRequest): Promise<void> {
    const method = request.method.toUpperCase();
    if (FORBIDDEN_METHODS.has(method)) {
      const why = method === 'CONNECT' ? 'CONNECT tunnels (https through a proxy) cannot be carried by a browser' : `browsers do not send ${method} requests`;
      this.fail(request, 'method', method === 'CONNECT' ? 501 : 405, `Drydock: ${why}; run Drydock in Node for full network access`);
      return;
    }
    const url = requestUrl(request, this.authority, this.remotePort);
    if (typeof url !== 'string') {
      this.fail(request, 'bad-request', 400, `Drydock: ${url.error}`);
      return;
    }
    const origin = this.options.origin;
    if (origin?.startsWith('https:') && url.startsWith('http:') && !isLoopbackHost(new URL(url).hostname)) {
      this.fail(
        request,
        'mixed-content',
        502,
        `Drydock: the browser blocks plain-HTTP requests from this https page (mixed content): ${url} — use a server on https (the guest connects with http to port 80; an absolute https:// URL through http_proxy works), or run Drydock in Node for full network access`,
      );
      return;
    }
    let headers: Headers;
    try {
      headers = new Headers(forwardedRequestHeaders(request.headers));
    } catch (error) {
      this.fail(request, 'bad-request', 400, `Drydock: a request header cannot be sent by a browser: ${(error as Error).message}`);
      return;
    }
    const hasBody = method !== 'GET' && method !== 'HEAD' && request.body.length > 0;
    let response: Response;
    try {
      response = await this.options.fetch(url, {
        method: request.method,
        headers,
        ...(hasBody ? { body: request.body } : {}),
        // 'manual' would hand us an opaque redirect (no status, no Location): follow, and answer with where it led.
        redirect: 'follow',
        credentials: 'omit',
        mode: 'cors',
        cache: 'no-store',
        referrerPolicy: 'no-referrer',
        signal: this.abort.signal,
      });
    } catch (error) {
      if (this.closed) return;
      await this.explainFailure(request, url, error);
      return;
    }
    if (this.closed) {
      void response.body?.cancel().catch(() => {});
      return;
    }
    await this.relay(request, response);
  }

  /**
   * Says why fetch failed. A TypeError does not tell CORS from a network
   * error, so a HEAD in no-cors mode asks whether the server answers at
   * all: if it does, the page was not allowed to read the answer (CORS).
   * (In a cross-origin isolated page the probe also needs the server's
   * Cross-Origin-Resource-Policy, so without it the answer stays open.)
   */
  private async explainFailure(request: HttpRequest, url: string, error: unknown): Promise<void> {
    const what = `${request.method} ${url}`;
    let answered = false;
    try {
      await this.options.fetch(url, { method: 'HEAD', mode: 'no-cors', credentials: 'omit', cache: 'no-store', redirect: 'follow', referrerPolicy: 'no-referrer', signal: this.abort.signal });
      answered = true;
    } catch {
      answered = false;
    }
    if (this.closed) return;
    const detail = error instanceof Error && error.message ? ` (${error.message})` : '';
    if (answered) {
      this.fail(
        request,
        'cors',
        502,
        `Drydock: the browser blocked this request (CORS): ${what} — the server answered, but did not allow this page to read the answer. ` +
          'The server must send Access-Control-Allow-Origin (and answer the CORS preflight for other methods and headers), or run Drydock in Node for full network access.',
      );
    } else {
      this.fail(
        request,
        'fetch-failed',
        502,
        `Drydock: the browser could not fetch ${what}${detail}: the server cannot be reached, or it did not allow this page to read the answer (CORS: ` +
          'the server must send Access-Control-Allow-Origin). The browser console says which. Run Drydock in Node for full network access.',
      );
    }
  }

  /** Writes `response` to the guest: head, then the body with Content-Length (small) or chunked. */
  private async relay(request: HttpRequest, response: Response): Promise<void> {
    if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) {
      this.fail(request, 'cors', 502, `Drydock: the browser gave no readable answer for ${request.method} ${response.url || request.target}`);
      return;
    }
    const headers: [string, string][] = [];
    response.headers.forEach((value, name) => {
      if (!DROPPED_RESPONSE_HEADERS.has(name.toLowerCase())) headers.push([canonicalHeaderName(name), value]);
    });
    headers.push(['Connection', 'close']);
    const status = response.status;
    const reason = response.statusText || reasonPhrase(status);
    const reader = response.body?.getReader() ?? null;
    if (request.method.toUpperCase() === 'HEAD' || statusHasNoBody(status) || !reader) {
      void reader?.cancel().catch(() => {});
      const length = response.headers.get('content-length');
      if (request.method.toUpperCase() === 'HEAD' && length !== null && !response.headers.has('content-encoding')) headers.push(['Content-Length', length]);
      else if (!statusHasNoBody(status) && request.method.toUpperCase() !== 'HEAD') headers.push(['Content-Length', '0']);
      this.emit(formatResponseHead(status, reason, headers));
      this.endOutput();
      return;
    }
    try {
      // Read up to bufferLimit first: a body that ends there gets an exact Content-Length.
      const buffered: Uint8Array[] = [];
      let size = 0;
      let done = false;
      while (size <= this.options.bufferLimit) {
        const next = await reader.read();
        if (this.closed) return;
        if (next.done) {
          done = true;
          break;
        }
        buffered.push(next.value);
        size += next.value.length;
      }
      if (done) {
        this.emit(formatResponseHead(status, reason, [...headers, ['Content-Length', String(size)]]));
        for (const part of buffered) {
          this.emit(part);
          await this.flowing();
        }
        this.endOutput();
        return;
      }
      // Larger: chunked for HTTP/1.1 clients, delimited by the end of the connection for HTTP/1.0 ones.
      const chunked = request.version === '1.1';
      this.emit(formatResponseHead(status, reason, chunked ? [...headers, ['Transfer-Encoding', 'chunked']] : headers));
      const frame = (data: Uint8Array): Uint8Array => (chunked ? chunkFrame(data) : data);
      for (const part of buffered) {
        this.emit(frame(part));
        await this.flowing();
      }
      for (;;) {
        if (this.closed) return;
        const next = await reader.read();
        if (this.closed) return;
        if (next.done) break;
        if (next.value.length === 0) continue;
        this.emit(frame(next.value));
        await this.flowing();
      }
      if (chunked) this.emit(LAST_CHUNK);
      this.endOutput();
    } catch (error) {
      if (this.closed) return;
      // The body broke off after the head went out: reset, so the guest does not take a truncated body for a whole one.
      console.warn(`drydock: the answer of ${request.method} ${response.url} broke off: ${(error as Error).message}`);
      this.deliver(() => {
        this.closed = true;
        this.handlers!.close(true);
      });
    } finally {
      if (this.closed) void reader.cancel().catch(() => {});
    }
  }
}

/**
 * HostNetwork of a browser: names resolve to synthetic addresses
 * (198.18.0.0/15), TCP connects to port 443 are refused (guests cannot do
 * TLS through fetch), and any other connect is an HTTP/1.x proxy over
 * fetch (FetchHostStream). It has no `openUdp`: a page cannot send UDP,
 * so the net layer answers UDP outside with ENETUNREACH (DNS queries
 * excepted: `lookup` answers them).
 */
export class FetchHostNetwork implements HostNetwork {
  readonly names = new SyntheticNames();
  private readonly fetch: FetchFunction;
  private readonly origin: string | null;
  private readonly maxBodyBytes: number;
  private readonly bufferLimit: number;
  private warnedTls = false;

  constructor(options: FetchHostNetworkOptions = {}) {
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const location = (globalThis as { location?: { origin?: string } }).location;
    this.origin = options.origin !== undefined ? options.origin : (location?.origin ?? null);
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
    this.bufferLimit = options.bufferLimit ?? 1024 * 1024;
  }

  async connectTcp(host: string, port: number, _timeoutMs: number): Promise<HostStream> {
    let authority = host;
    if (isSyntheticRange(host)) {
      const name = this.names.nameOf(host);
      if (name === null) throw new FetchHostFailure('host-unreachable', `${host} was not handed out for any name`);
      authority = name;
    }
    if (port === 443) {
      if (!this.warnedTls) {
        this.warnedTls = true;
        console.warn(`drydock: a container connected to ${authority}:443: TLS cannot be carried through the browser's fetch, only plain HTTP (the connect is refused; run Drydock in Node for full network access)`);
      }
      throw new FetchHostFailure('refused', `${authority}:443: TLS is not carried through fetch; only plain HTTP leaves a browser`);
    }
    return new FetchHostStream(host, port, authority, { fetch: this.fetch, origin: this.origin, maxBodyBytes: this.maxBodyBytes, bufferLimit: this.bufferLimit });
  }

  async lookup(name: string): Promise<{ address: string; family: 4 | 6 }[]> {
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return [{ address: name, family: 4 }];
    const address = this.names.addressOf(name);
    return address === null ? [] : [{ address, family: 4 }];
  }

  /** None: the page has no resolv.conf (containers on the default bridge get dockerd's fallback, whose queries the stack answers with `lookup`). */
  nameservers(): string[] {
    return [];
  }
}
