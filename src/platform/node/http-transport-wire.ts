/**
 * HTTP/1.1 on a raw socket, the parts the API transport needs: a buffered
 * reader with back-pressure, request-head parsing, Content-Length and
 * chunked request bodies. Kept separate from the connection logic in
 * http-transport.ts so each can be read (and tested) on its own.
 */
import type { Socket } from 'node:net';

/** A protocol error: the connection gets `status` with `message` and is closed. */
export class HttpProtocolError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpProtocolError';
  }
}

/**
 * Reads a socket on demand. Data is buffered until asked for; above
 * `highWater` buffered bytes the socket is paused, so a slow consumer
 * (a container's stdin, a slow image load) pushes back on the client.
 */
export class SocketReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private ended = false;
  private waiter: (() => void) | null = null;
  private readonly endListeners: (() => void)[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly highWater = 1024 * 1024,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.length += chunk.length;
      if (this.length >= this.highWater) socket.pause();
      this.notify();
    });
    const end = (): void => {
      if (this.ended) return;
      this.ended = true;
      this.notify();
      for (const listener of this.endListeners.splice(0)) listener();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  /** Calls `listener` once when the peer has finished sending (FIN, reset or close). */
  onEnd(listener: () => void): void {
    if (this.ended) listener();
    else this.endListeners.push(listener);
  }

  /** The peer has sent everything and all of it has been read. */
  get exhausted(): boolean {
    return this.ended && this.length === 0;
  }

  get buffered(): number {
    return this.length;
  }

  private notify(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  private wait(): Promise<void> {
    if (this.socket.isPaused() && this.length < this.highWater && !this.ended) this.socket.resume();
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  private take(n: number): Buffer {
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const first = this.chunks[0]!;
      if (first.length <= need) {
        parts.push(first);
        this.chunks.shift();
        need -= first.length;
      } else {
        parts.push(first.subarray(0, need));
        this.chunks[0] = first.subarray(need);
        need = 0;
      }
    }
    this.length -= n;
    if (this.socket.isPaused() && this.length < this.highWater && !this.ended) this.socket.resume();
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, n);
  }

  private indexOf(pattern: Buffer): number {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks.length === 0 ? -1 : this.chunks[0]!.indexOf(pattern);
  }

  /**
   * Reads up to and including the next `delimiter`; null at a clean end of
   * input before any byte. Fails with `tooLong` status past `limit` bytes.
   */
  async readUntil(delimiter: Buffer, limit: number, tooLong: number): Promise<Buffer | null> {
    for (;;) {
      const at = this.indexOf(delimiter);
      if (at >= 0) {
        if (at + delimiter.length > limit) throw new HttpProtocolError(tooLong, 'request header too large');
        return this.take(at + delimiter.length);
      }
      if (this.length > limit) throw new HttpProtocolError(tooLong, 'request header too large');
      if (this.ended) {
        if (this.length === 0) return null;
        throw new HttpProtocolError(400, 'unexpected end of request');
      }
      await this.wait();
    }
  }

  /** Reads the bytes available now (at most `max`), waiting for at least one; null at end of input. */
  async readSome(max: number): Promise<Buffer | null> {
    while (this.length === 0) {
      if (this.ended) return null;
      await this.wait();
    }
    return this.take(Math.min(max, this.chunks[0]!.length));
  }

  /** Reads exactly `n` bytes; a protocol error if the input ends first. */
  async readExactly(n: number): Promise<Buffer> {
    while (this.length < n) {
      if (this.ended) throw new HttpProtocolError(400, 'unexpected end of request body');
      await this.wait();
    }
    return this.take(n);
  }
}

/** A parsed request head. */
export interface RequestHead {
  readonly method: string;
  readonly target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  readonly minorVersion: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CRLF = Buffer.from('\r\n');
const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Reads and parses the next request head; null when the client closed the connection between requests. */
export async function readRequestHead(reader: SocketReader, maxHeaderBytes: number): Promise<RequestHead | null> {
  let raw = await reader.readUntil(CRLFCRLF, maxHeaderBytes, 431);
  if (raw === null) return null;
  // RFC 9112 §2.2: ignore empty lines before the request line.
  let text = raw.toString('latin1');
  while (text.startsWith('\r\n')) {
    text = text.slice(2);
    if (!text.includes('\r\n\r\n')) {
      raw = await reader.readUntil(CRLFCRLF, maxHeaderBytes, 431);
      if (raw === null) return null;
      text += raw.toString('latin1');
    }
  }
  const lines = text.slice(0, -4).split('\r\n');
  const requestLine = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.([01])$/.exec(lines[0]!);
  if (!requestLine) {
    if (/ HTTP\/\d+\.\d+$/.test(lines[0]!)) throw new HttpProtocolError(505, 'unsupported HTTP version');
    throw new HttpProtocolError(400, 'malformed request line');
  }
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    if (line.startsWith(' ') || line.startsWith('\t')) throw new HttpProtocolError(400, 'obsolete header line folding');
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) throw new HttpProtocolError(400, 'malformed header line');
    const value = line.slice(colon + 1).trim();
    if (/[\0\r\n]/.test(value)) throw new HttpProtocolError(400, 'invalid header value');
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  }
  return { method: requestLine[1]!, target: requestLine[2]!, minorVersion: Number(requestLine[3]), headers };
}

/** How a request body is delimited. */
export type BodyFraming = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' };

/** The body framing of a request (RFC 9112 §6.3); protocol errors for ambiguous or unsupported framing. */
export function requestBodyFraming(head: RequestHead): BodyFraming {
  const te = head.headers['transfer-encoding'];
  const cl = head.headers['content-length'];
  if (te !== undefined) {
    // Both headers is a request-smuggling vector: refuse it.
    if (cl !== undefined) throw new HttpProtocolError(400, 'both Transfer-Encoding and Content-Length');
    if (te.trim().toLowerCase() !== 'chunked') throw new HttpProtocolError(501, `unsupported transfer encoding: ${te}`);
    return { kind: 'chunked' };
  }
  if (cl !== undefined) {
    const values = cl.split(',').map((v) => v.trim());
    if (!values.every((v) => /^\d{1,15}$/.test(v)) || new Set(values).size !== 1) {
      throw new HttpProtocolError(400, 'invalid Content-Length');
    }
    const length = Number(values[0]);
    return length === 0 ? { kind: 'none' } : { kind: 'length', length };
  }
  return { kind: 'none' };
}

function view(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

const MAX_READ = 64 * 1024;

/** A Content-Length body, chunk by chunk. */
export async function* lengthDelimitedBody(reader: SocketReader, length: number): AsyncGenerator<Uint8Array> {
  let remaining = length;
  while (remaining > 0) {
    const chunk = await reader.readSome(Math.min(remaining, MAX_READ));
    if (chunk === null) throw new HttpProtocolError(400, 'unexpected end of request body');
    remaining -= chunk.length;
    yield view(chunk);
  }
}

/** A chunked body (RFC 9112 §7.1), decoded; trailers are read and dropped. */
export async function* chunkedBody(reader: SocketReader): AsyncGenerator<Uint8Array> {
  for (;;) {
    const line = await reader.readUntil(CRLF, 4096, 400);
    if (line === null) throw new HttpProtocolError(400, 'unexpected end of chunked body');
    const sizeText = line.toString('latin1', 0, line.length - 2).split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) throw new HttpProtocolError(400, 'invalid chunk size');
    let size = Number.parseInt(sizeText, 16);
    if (size === 0) {
      for (;;) {
        const trailer = await reader.readUntil(CRLF, 64 * 1024, 400);
        if (trailer === null) throw new HttpProtocolError(400, 'unexpected end of chunked body');
        if (trailer.length === 2) return;
      }
    }
    while (size > 0) {
      const chunk = await reader.readSome(Math.min(size, MAX_READ));
      if (chunk === null) throw new HttpProtocolError(400, 'unexpected end of chunked body');
      size -= chunk.length;
      yield view(chunk);
    }
    const end = await reader.readExactly(2);
    if (end[0] !== 0x0d || end[1] !== 0x0a) throw new HttpProtocolError(400, 'malformed chunk');
  }
}

/** Formats a response head. Header values must not contain CR or LF (checked). */
export function formatResponseHead(status: number, statusText: string, headers: ReadonlyArray<readonly [string, string]>): Buffer {
  let text = `HTTP/1.1 ${status} ${statusText}\r\n`;
  for (const [name, value] of headers) {
    if (!TOKEN.test(name) || /[\r\n\0]/.test(value)) throw new Error(`invalid response header ${JSON.stringify(name)}`);
    text += `${name}: ${value}\r\n`;
  }
  return Buffer.from(`${text}\r\n`, 'latin1');
}
