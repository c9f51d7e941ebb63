/**
 * A client transport to a Docker engine's socket (`unix:///var/run/docker.sock`
 * or `tcp://host:port`): the three operations of the engine client's
 * EngineTransport (src/engine/client/transport.ts) plus streamed uploads,
 * over node:http with a keep-alive agent.
 *
 * - `request`: a whole response.
 * - `stream` / `upload`: the response head, then body chunks as they arrive;
 *   a chunk handler that returns a promise pauses the socket until it
 *   settles (back-pressure from the consumer to the engine). `upload` sends
 *   an AsyncIterable body chunked, and stops sending once the engine answered
 *   with an error.
 * - `hijack`: attach and exec start. The request carries `Connection:
 *   Upgrade` / `Upgrade: tcp`; dockerd answers `101 UPGRADED` and the socket
 *   becomes raw: output goes to the callback, `write` sends stdin,
 *   `closeWrite` half-closes (the engine sees EOF on stdin and keeps sending
 *   output), `close` drops the connection. An error status is returned with
 *   its body and nothing is hijacked.
 *
 * The platform layer may not import the engine, so the shapes are declared
 * here structurally; src/backends/host's test checks that this class is an
 * UploadingEngineTransport. Response header names are lower case.
 *
 * Ownership: the transport owns its agent and the sockets it opens;
 * `close()` destroys them. A hijacked socket belongs to its session.
 */
import { Agent, request as httpRequest, type ClientRequest as NodeRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { parseDockerHost } from './http-transport.ts';

/** The engine client's ClientRequest. */
export interface SocketRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | null;
}

/** The engine client's ClientUpload. */
export interface SocketUpload {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: AsyncIterable<Uint8Array>;
}

/** The engine client's ClientResponse. */
export interface SocketResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** The engine client's StreamHandle. */
export interface SocketStream {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly done: Promise<void>;
  cancel(): void;
}

/** The engine client's HijackHandle. */
export interface SocketHijack {
  readonly status: number;
  readonly error: string | null;
  write(bytes: Uint8Array): void;
  closeWrite(): void;
  readonly done: Promise<void>;
  close(): void;
}

/** The engine client's ChunkHandler. */
export type SocketChunkHandler = (chunk: Uint8Array) => void | Promise<void>;

function toBytes(chunk: Buffer | string): Uint8Array {
  const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function flatHeaders(message: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function collect(message: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.once('end', () => {
      const all = Buffer.concat(chunks);
      resolve(new Uint8Array(all.buffer, all.byteOffset, all.byteLength));
    });
    message.once('error', reject);
    message.once('close', () => {
      if (!message.complete) reject(new Error('the engine closed the connection before the response ended'));
    });
  });
}

function responseOf(request: NodeRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
}

/** What connecting to the engine failed with, in words that name the engine's address. */
function connectError(url: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES') {
    return new Error(`cannot connect to the Docker engine at ${url}: ${(error as Error).message}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * An EngineTransport (with uploads) to one Docker engine. Paths are sent as
 * given: add a `/vX.Y` prefix before (the host backend does).
 */
export class EngineSocketTransport {
  private readonly agent = new Agent({ keepAlive: true });
  private readonly target: { socketPath: string } | { host: string; port: number };
  private readonly hijacked = new Set<Socket>();

  /** @param url `unix:///path/docker.sock` or `tcp://host:port`. */
  constructor(readonly url: string) {
    const parsed = parseDockerHost(url);
    this.target = parsed.kind === 'unix' ? { socketPath: parsed.path } : { host: parsed.host, port: parsed.port };
  }

  private open(method: string, path: string, headers: Readonly<Record<string, string>> | undefined, extra: OutgoingHttpHeaders = {}, agent: Agent | false = this.agent): NodeRequest {
    return httpRequest({
      ...this.target,
      agent,
      method,
      path,
      headers: { Host: 'docker', 'User-Agent': 'Drydock-host-backend', ...headers, ...extra },
    });
  }

  async request(request: SocketRequest): Promise<SocketResponse> {
    const body = request.body ?? null;
    const req = this.open(request.method, request.path, request.headers, body ? { 'Content-Length': body.length } : {});
    req.end(body ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined);
    let response: IncomingMessage;
    try {
      response = await responseOf(req);
    } catch (error) {
      throw connectError(this.url, error);
    }
    return { status: response.statusCode ?? 500, headers: flatHeaders(response), body: await collect(response) };
  }

  async stream(request: SocketRequest, onChunk: SocketChunkHandler): Promise<SocketStream> {
    const body = request.body ?? null;
    const req = this.open(request.method, request.path, request.headers, body ? { 'Content-Length': body.length } : {});
    req.end(body ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined);
    return this.streamResponse(req, onChunk, Promise.resolve());
  }

  async upload(request: SocketUpload, onChunk: SocketChunkHandler): Promise<SocketStream> {
    const req = this.open(request.method, request.path, request.headers, { 'Transfer-Encoding': 'chunked' });
    let answered = false;
    const pump = (async () => {
      try {
        for await (const chunk of request.body) {
          if (answered || req.destroyed) break;
          if (chunk.length === 0) continue;
          if (!req.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
            await new Promise<void>((resolve) => {
              const done = () => {
                req.off('drain', done);
                req.off('close', done);
                resolve();
              };
              req.on('drain', done);
              req.on('close', done);
            });
          }
        }
        if (!req.destroyed) req.end();
      } catch (error) {
        // The body's source failed (its client went away): the engine must not take a truncated body as complete.
        req.destroy(error instanceof Error ? error : new Error(String(error)));
      }
    })();
    req.once('response', () => {
      answered = true;
    });
    return this.streamResponse(req, onChunk, pump);
  }

  private async streamResponse(req: NodeRequest, onChunk: SocketChunkHandler, pump: Promise<void>): Promise<SocketStream> {
    let response: IncomingMessage;
    try {
      response = await responseOf(req);
    } catch (error) {
      throw connectError(this.url, error);
    }
    const status = response.statusCode ?? 500;
    let cancelled = false;
    const done = new Promise<void>((resolve, reject) => {
      const fail = (error: unknown) => {
        if (cancelled) resolve();
        else reject(error instanceof Error ? error : new Error(String(error)));
      };
      response.on('data', (chunk: Buffer) => {
        let result: void | Promise<void>;
        try {
          result = onChunk(toBytes(chunk));
        } catch (error) {
          req.destroy();
          fail(error);
          return;
        }
        if (result && typeof result.then === 'function') {
          response.pause();
          result.then(
            () => response.resume(),
            (error: unknown) => {
              req.destroy();
              fail(error);
            },
          );
        }
      });
      response.once('end', () => resolve());
      response.once('error', fail);
      response.once('close', () => {
        if (!response.complete) fail(new Error('the engine closed the connection before the response ended'));
      });
    });
    return {
      status,
      headers: flatHeaders(response),
      done: Promise.all([done, pump]).then(() => {}),
      cancel: () => {
        cancelled = true;
        req.destroy();
        response.destroy();
      },
    };
  }

  async hijack(request: SocketRequest, onOutput: (chunk: Uint8Array) => void): Promise<SocketHijack> {
    const body = request.body ?? null;
    // A hijacked socket leaves the pool: open it outside the keep-alive agent.
    const req = this.open(
      request.method,
      request.path,
      request.headers,
      { Connection: 'Upgrade', Upgrade: 'tcp', ...(body ? { 'Content-Length': body.length } : {}) },
      false,
    );
    req.end(body ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined);
    return new Promise<SocketHijack>((resolve, reject) => {
      req.once('error', (error) => reject(connectError(this.url, error)));
      req.once('upgrade', (_response: IncomingMessage, socket: Socket, head: Buffer) => {
        this.hijacked.add(socket);
        socket.setNoDelay(true);
        socket.on('error', () => {
          // Resets end the session; 'close' follows.
        });
        const done = new Promise<void>((resolveDone) =>
          socket.once('close', () => {
            this.hijacked.delete(socket);
            resolveDone();
          }),
        );
        if (head.length > 0) onOutput(toBytes(head));
        socket.on('data', (chunk: Buffer) => onOutput(toBytes(chunk)));
        resolve({
          status: 200,
          error: null,
          write: (bytes) => {
            if (!socket.destroyed && !socket.writableEnded) socket.write(Buffer.from(bytes));
          },
          closeWrite: () => {
            if (!socket.destroyed && !socket.writableEnded) socket.end();
          },
          close: () => socket.destroy(),
          done,
        });
      });
      req.once('response', (response: IncomingMessage) => {
        const status = response.statusCode ?? 500;
        if (status >= 400) {
          collect(response).then(
            (bytes) =>
              resolve({
                status,
                error: Buffer.from(bytes).toString('utf8'),
                write: () => {},
                closeWrite: () => {},
                close: () => {},
                done: Promise.resolve(),
              }),
            reject,
          );
          return;
        }
        // A 200 without an upgrade: output only, no way to send stdin.
        response.on('data', (chunk: Buffer) => onOutput(toBytes(chunk)));
        const done = new Promise<void>((resolveDone) => response.once('close', () => resolveDone()));
        resolve({ status, error: null, write: () => {}, closeWrite: () => {}, close: () => response.destroy(), done });
      });
    });
  }

  /** Closes idle connections and every hijacked session. */
  close(): void {
    for (const socket of this.hijacked) socket.destroy();
    this.agent.destroy();
  }
}
