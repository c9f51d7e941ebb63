/**
 * Serves an HTTP handler (the engine's `api.respond`) on unix sockets and
 * TCP, the way dockerd does: HTTP/1.1 keep-alive, chunked request bodies,
 * streamed responses whose headers go out at once, and hijacked connections
 * (`101 UPGRADED` or `200 OK` + raw stream) that stay half-open after the
 * client's CloseWrite.
 *
 * HTTP is parsed by hand (http-transport-wire.ts) rather than with
 * node:http, because node:http cannot give back a connection after a normal
 * request: dockerode's attach without an Upgrade header must turn the
 * socket raw after a `200 OK`, and the stdin that follows must not reach an
 * HTTP parser. See README.md.
 *
 * The request/response shapes below mirror src/engine/api/wire.ts
 * structurally; the platform layer may not import the engine, and
 * test/engine-api-transport.test.ts checks the two stay assignable.
 */
import { chmod, lstat, unlink } from 'node:fs/promises';
import { createConnection, createServer, isIP, type Server, type Socket } from 'node:net';
import {
  chunkedBody,
  formatResponseHead,
  HttpProtocolError,
  lengthDelimitedBody,
  readRequestHead,
  requestBodyFraming,
  SocketReader,
  type RequestHead,
} from './http-transport-wire.ts';

/** A hijacked connection, as the engine's ByteDuplex. */
export interface TransportDuplex {
  read(): Promise<Uint8Array | null>;
  write(bytes: Uint8Array): Promise<void>;
  closeWrite(): Promise<void>;
  readonly closed: Promise<void>;
}

/** A request handed to the handler (the engine's WireRequest). */
export interface TransportRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | AsyncIterable<Uint8Array> | null;
  readonly signal: AbortSignal;
}

/** The handler's answer (the engine's WireResponse). */
export interface TransportResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Uint8Array | AsyncIterable<Uint8Array> | null;
  readonly hijack?: (connection: TransportDuplex) => Promise<void>;
}

export type TransportHandler = (request: TransportRequest) => Promise<TransportResponse>;

export interface HttpTransportOptions {
  /** Where warnings go (non-loopback listening); default console.warn. */
  warn?: (message: string) => void;
  /** Where unexpected failures go (a handler that rejects, a stream that breaks); default console.error. */
  logError?: (message: string, error: unknown) => void;
  /** Largest request head accepted (Go's default is 1 MiB). */
  maxHeaderBytes?: number;
  /** How long shutdown waits for connections to finish before destroying them. */
  shutdownGraceMs?: number;
}

export interface ListenUnixOptions {
  /** Permission bits of the socket file; default 0o660 (owner and group, like /var/run/docker.sock). */
  mode?: number;
}

export interface ListenTcpOptions {
  /**
   * Allow a non-loopback address. Anyone who can reach the port controls the
   * engine, so this must be asked for explicitly, and it is logged.
   */
  allowRemote?: boolean;
}

/** Unread request body the transport drains to keep a connection alive; more than this closes it. */
const MAX_DRAIN_BYTES = 256 * 1024;
/** How long a finished hijacked connection may stay half-open waiting for the client's FIN. */
const HIJACK_LINGER_MS = 10_000;

/** Whether `host` is a loopback address or name. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare.startsWith('::ffff:127.');
  return false;
}

/** Parses a Docker host URL: `unix:///path/docker.sock` or `tcp://127.0.0.1:2375`. */
export function parseDockerHost(url: string): { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number } {
  if (url.startsWith('unix://')) {
    const path = url.slice('unix://'.length);
    if (!path.startsWith('/')) throw new Error(`invalid unix socket address ${url}: the path must be absolute`);
    return { kind: 'unix', path };
  }
  const tcp = /^(?:tcp|http):\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(url);
  if (tcp) {
    const port = Number(tcp[2]);
    if (port > 65535) throw new Error(`invalid port in ${url}`);
    return { kind: 'tcp', host: tcp[1]!.replace(/^\[|\]$/g, ''), port };
  }
  throw new Error(`unsupported host address ${url}: use unix:///path or tcp://host:port`);
}

function onceDrained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/** Writes bytes, waiting for the socket to drain when its buffer is full. Writes after close are dropped. */
async function writeBytes(socket: Socket, ...parts: (Uint8Array | string)[]): Promise<void> {
  if (socket.destroyed || socket.writableEnded) return;
  let full = false;
  if (parts.length > 1) socket.cork();
  for (const part of parts) full = !socket.write(part) || full;
  if (parts.length > 1) socket.uncork();
  if (full && !socket.destroyed) await onceDrained(socket);
}

const CLOSED = Symbol('closed');

/** One client connection: requests in sequence until close or a hijack. */
class Connection {
  private readonly reader: SocketReader;
  readonly closed: Promise<void>;
  private current: AbortController | null = null;
  private idle = true;
  private shuttingDown = false;
  private hijacked = false;

  constructor(
    readonly socket: Socket,
    private readonly handler: TransportHandler,
    private readonly options: Required<HttpTransportOptions>,
  ) {
    this.reader = new SocketReader(socket);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {
      // Resets and broken pipes end the connection; 'close' follows.
    });
    // A client that half-closes or disappears during a normal request cancels it (Go's
    // net/http does the same); after a hijack EOF only means "no more stdin".
    this.reader.onEnd(() => {
      if (!this.hijacked) this.current?.abort();
    });
    void this.closed.then(() => this.current?.abort());
  }

  /** Ends the connection for shutdown: idle ones at once, busy ones after their response. */
  shutdown(): void {
    this.shuttingDown = true;
    this.current?.abort();
    if (this.idle || this.hijacked) this.socket.end();
  }

  async serve(): Promise<void> {
    try {
      while (!this.shuttingDown && !this.socket.destroyed) {
        this.idle = true;
        const head = await readRequestHead(this.reader, this.options.maxHeaderBytes);
        if (head === null) break;
        this.idle = false;
        const keepAlive = await this.serveRequest(head);
        if (!keepAlive) break;
      }
      if (!this.hijacked) this.socket.end();
    } catch (error) {
      if (error instanceof HttpProtocolError) await this.writeProtocolError(error);
      else this.options.logError('HTTP connection failed', error);
      this.socket.end();
    }
  }

  private async writeProtocolError(error: HttpProtocolError): Promise<void> {
    const body = `${error.status} ${error.message}`;
    const head = formatResponseHead(error.status, error.message.replace(/[^\x20-\x7e]/g, ''), [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(Buffer.byteLength(body))],
      ['Connection', 'close'],
    ]);
    await writeBytes(this.socket, head, body);
  }

  /** Serves one request; resolves with whether the connection may carry another. */
  private async serveRequest(head: RequestHead): Promise<boolean> {
    const framing = requestBodyFraming(head);
    const connectionTokens = (head.headers.connection ?? '').toLowerCase().split(',').map((t) => t.trim());
    let keepAlive = head.minorVersion === 1 ? !connectionTokens.includes('close') : connectionTokens.includes('keep-alive');

    let bodyDone = framing.kind === 'none';
    let bodyRead = 0;
    let continueSent = false;
    const socket = this.socket;
    const wantsContinue = (head.headers.expect ?? '').toLowerCase() === '100-continue';
    const source = framing.kind === 'length' ? lengthDelimitedBody(this.reader, framing.length) : framing.kind === 'chunked' ? chunkedBody(this.reader) : null;
    const body = source
      ? (async function* (): AsyncGenerator<Uint8Array> {
          if (wantsContinue && !continueSent) {
            continueSent = true;
            await writeBytes(socket, 'HTTP/1.1 100 Continue\r\n\r\n');
          }
          for await (const chunk of source) {
            bodyRead += chunk.length;
            yield chunk;
          }
          bodyDone = true;
        })()
      : null;

    const controller = new AbortController();
    this.current = controller;
    if (this.reader.exhausted || this.socket.destroyed) controller.abort();
    let response: TransportResponse;
    try {
      response = await this.handler({ method: head.method, target: head.target, headers: head.headers, body, signal: controller.signal });
    } catch (error) {
      this.options.logError(`handler failed for ${head.method} ${head.target}`, error);
      response = {
        status: 500,
        statusText: 'Internal Server Error',
        headers: [['Content-Type', 'application/json']],
        body: Buffer.from(`${JSON.stringify({ message: (error as Error).message ?? 'internal error' })}\n`),
      };
    }

    if (response.hijack) {
      // Whatever of the declared body the handler did not read is not stdin.
      if (!bodyDone && body) {
        if (wantsContinue && !continueSent) keepAlive = false;
        else for await (const _ of body) void _;
      }
      this.hijacked = true;
      this.current = null;
      await this.runHijack(response);
      return false;
    }

    const headRequest = head.method === 'HEAD';
    const streamed = response.body !== null && !(response.body instanceof Uint8Array);
    const noBody = (response.status >= 100 && response.status < 200) || response.status === 204 || response.status === 304;
    if (head.minorVersion === 0 && streamed && !headRequest) keepAlive = false;
    if (this.shuttingDown) keepAlive = false;

    const headers: [string, string][] = response.headers.map(([n, v]) => [n, v]);
    const has = (name: string): boolean => headers.some(([n]) => n.toLowerCase() === name);
    if (!has('date')) headers.push(['Date', new Date().toUTCString()]);
    if (!noBody && !has('content-length') && !has('transfer-encoding')) {
      if (response.body instanceof Uint8Array) headers.push(['Content-Length', String(response.body.length)]);
      else if (response.body === null) headers.push(['Content-Length', '0']);
      else if (head.minorVersion === 1 && !headRequest) headers.push(['Transfer-Encoding', 'chunked']);
    }
    if (!keepAlive) headers.push(['Connection', 'close']);
    else if (head.minorVersion === 0) headers.push(['Connection', 'keep-alive']);

    const responseHead = formatResponseHead(response.status, response.statusText, headers);
    if (!noBody && !headRequest && response.body instanceof Uint8Array && response.body.length > 0) {
      await writeBytes(this.socket, responseHead, response.body);
    } else {
      await writeBytes(this.socket, responseHead);
    }
    if (streamed) {
      const stream = response.body as AsyncIterable<Uint8Array>;
      if (noBody || headRequest) controller.abort();
      else if (!(await this.writeStream(stream, head.minorVersion === 1, controller))) return false;
    }
    this.current = null;

    if (!bodyDone && body) {
      // The client still waits for 100 Continue: it will not send the body, close instead.
      if (wantsContinue && !continueSent) return false;
      // Drain what the handler left unread so the next request starts at a request line;
      // a large remainder (or a body the handler abandoned) closes the connection instead.
      for await (const chunk of body) {
        void chunk;
        if (bodyRead > MAX_DRAIN_BYTES) return false;
      }
      if (!bodyDone) return false;
    }
    return keepAlive && !controller.signal.aborted;
  }

  /** Writes a streamed body; resolves false if the connection had to be dropped. */
  private async writeStream(stream: AsyncIterable<Uint8Array>, chunked: boolean, controller: AbortController): Promise<boolean> {
    const iterator = stream[Symbol.asyncIterator]();
    const aborted = new Promise<typeof CLOSED>((resolve) => {
      if (controller.signal.aborted) resolve(CLOSED);
      else controller.signal.addEventListener('abort', () => resolve(CLOSED), { once: true });
    });
    for (;;) {
      let next: IteratorResult<Uint8Array> | typeof CLOSED;
      try {
        next = await Promise.race([iterator.next(), aborted]);
      } catch (error) {
        // Headers are out: the only way to report a failure is to cut the response short.
        this.options.logError('streamed response failed', error);
        this.socket.destroy();
        return false;
      }
      if (next === CLOSED) {
        iterator.return?.().catch(() => {});
        this.socket.destroy();
        return false;
      }
      if (next.done) break;
      const chunk = next.value;
      if (chunk.length === 0) continue;
      if (chunked) await writeBytes(this.socket, `${chunk.length.toString(16)}\r\n`, chunk, '\r\n');
      else await writeBytes(this.socket, chunk);
    }
    if (chunked) await writeBytes(this.socket, '0\r\n\r\n');
    else this.socket.end();
    return chunked;
  }

  private async runHijack(response: TransportResponse): Promise<void> {
    const socket = this.socket;
    await writeBytes(socket, formatResponseHead(response.status, response.statusText, response.headers));
    const reader = this.reader;
    let writeClosed = false;
    const duplex: TransportDuplex = {
      read: async () => {
        const chunk = await reader.readSome(64 * 1024);
        return chunk === null ? null : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      },
      write: async (bytes) => {
        if (writeClosed) return;
        await writeBytes(socket, bytes);
      },
      closeWrite: async () => {
        if (writeClosed) return;
        writeClosed = true;
        if (!socket.destroyed) socket.end();
      },
      closed: this.closed,
    };
    try {
      await response.hijack!(duplex);
    } catch (error) {
      this.options.logError('hijacked session failed', error);
    }
    await duplex.closeWrite();
    // Wait for the client's FIN, discarding late input; do not linger forever.
    const linger = setTimeout(() => socket.destroy(), HIJACK_LINGER_MS);
    linger.unref();
    while ((await reader.readSome(64 * 1024)) !== null) {
      // Discard.
    }
    clearTimeout(linger);
    socket.destroy();
  }
}

/**
 * An HTTP server for one handler on any number of unix sockets and TCP
 * ports. Owns its listeners and connections; close() ends all of them.
 */
export class HttpTransport {
  private readonly servers: { server: Server; address: string; unixPath?: string }[] = [];
  private readonly connections = new Set<Connection>();
  private readonly options: Required<HttpTransportOptions>;
  private closing = false;

  constructor(
    private readonly handler: TransportHandler,
    options: HttpTransportOptions = {},
  ) {
    this.options = {
      warn: options.warn ?? ((message) => console.warn(message)),
      logError: options.logError ?? ((message, error) => console.error(message, error)),
      maxHeaderBytes: options.maxHeaderBytes ?? 1024 * 1024,
      shutdownGraceMs: options.shutdownGraceMs ?? 2000,
    };
  }

  /** The addresses listened on, as Docker host URLs. */
  get addresses(): string[] {
    return this.servers.map((s) => s.address);
  }

  /** Listens on a Docker host URL (`unix:///path` or `tcp://host:port`); resolves with the actual address. */
  async listen(url: string, options: ListenUnixOptions & ListenTcpOptions = {}): Promise<string> {
    const parsed = parseDockerHost(url);
    return parsed.kind === 'unix' ? this.listenUnix(parsed.path, options) : this.listenTcp(parsed.host, parsed.port, options);
  }

  private createServer(): Server {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: false }, (socket) => {
      if (this.closing) {
        socket.destroy();
        return;
      }
      socket.setNoDelay?.(true);
      const connection = new Connection(socket, this.handler, this.options);
      this.connections.add(connection);
      void connection.closed.then(() => this.connections.delete(connection));
      connection.serve().catch((error: unknown) => {
        this.options.logError('HTTP connection failed', error);
        socket.destroy();
      });
    });
    return server;
  }

  /**
   * Listens on a unix socket created with `mode` (0660 by default). A stale
   * socket file left by a crashed daemon is replaced; a live one (another
   * daemon answers) or a non-socket file is an error.
   */
  async listenUnix(path: string, options: ListenUnixOptions = {}): Promise<string> {
    const mode = options.mode ?? 0o660;
    await removeStaleSocket(path);
    const server = this.createServer();
    // Create the socket with no permissions, then open it up: no window with umask-wide access.
    let restoreUmask: number | undefined;
    try {
      restoreUmask = process.umask(0o777);
    } catch {
      // process.umask() cannot be set from a worker thread; chmod below still applies.
    }
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } finally {
      if (restoreUmask !== undefined) process.umask(restoreUmask);
    }
    await chmod(path, mode);
    const address = `unix://${path}`;
    this.servers.push({ server, address, unixPath: path });
    return address;
  }

  /** Listens on TCP; port 0 picks a free port. Non-loopback hosts need `allowRemote`. */
  async listenTcp(host: string, port: number, options: ListenTcpOptions = {}): Promise<string> {
    if (!isLoopbackHost(host)) {
      if (!options.allowRemote) {
        throw new Error(
          `refusing to listen on ${host}:${port}: it is not a loopback address and anyone who can reach it controls the engine (allow it explicitly to proceed)`,
        );
      }
      this.options.warn(`WARNING: the engine API listens on ${host}:${port} without TLS or authentication; anyone who can reach it controls the engine`);
    }
    const server = this.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = server.address();
    const actualPort = typeof bound === 'object' && bound ? bound.port : port;
    const shown = isIP(host) === 6 ? `[${host}]` : host;
    const address = `tcp://${shown}:${actualPort}`;
    this.servers.push({ server, address });
    return address;
  }

  /**
   * Stops listening (removing unix socket files), ends idle connections at
   * once and busy ones after their current response (their requests are
   * aborted, so streams end), then destroys whatever is left after the
   * grace period.
   */
  async close(): Promise<void> {
    this.closing = true;
    const closing = this.servers.splice(0).map(
      ({ server }) => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    for (const connection of this.connections) connection.shutdown();
    const all = Promise.all([...this.connections].map((c) => c.closed));
    const grace = new Promise<void>((resolve) => setTimeout(resolve, this.options.shutdownGraceMs).unref());
    await Promise.race([all, grace]);
    for (const connection of this.connections) connection.socket.destroy();
    await all;
    await Promise.all(closing);
  }
}

/** Removes a unix socket file nobody listens on; refuses to touch a live socket or a non-socket. */
async function removeStaleSocket(path: string): Promise<void> {
  let stat;
  try {
    stat = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!stat.isSocket()) throw new Error(`${path} exists and is not a socket; refusing to replace it`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (live) throw new Error(`${path} is in use: another engine is listening on it`);
  await unlink(path);
}
