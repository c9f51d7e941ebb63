/**
 * The Node HTTP transport with the engine API on a real unix socket, driven
 * by raw sockets so every byte on the wire is checked: hijack with
 * `101 UPGRADED` and half-close, the `200 OK` raw-stream form, early header
 * flush for /wait, chunked uploads, keep-alive, malformed requests, socket
 * permissions, loopback-only TCP and shutdown.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createApi, type EngineApi } from '../src/engine/api/create-api.ts';
import type { ByteDuplex } from '../src/engine/api/duplex.ts';
import { EngineSystemBackend } from '../src/engine/api/engine-system.ts';
import type { ContainersBackend } from '../src/engine/api/routers/container-backend.ts';
import type { ExecBackend } from '../src/engine/api/routers/exec-backend.ts';
import type { ImagesBackend } from '../src/engine/api/routers/image-backend.ts';
import { demuxStdcopy, StdStream } from '../src/engine/api/stdcopy.ts';
import type { WireRequest, WireResponse } from '../src/engine/api/wire.ts';
import { NotFoundError } from '../src/engine/errors.ts';
import {
  HttpTransport,
  isLoopbackHost,
  parseDockerHost,
  type TransportDuplex,
  type TransportHandler,
  type TransportRequest,
  type TransportResponse,
} from '../src/platform/node/http-transport.ts';
import { deferred, fake } from './engine-api-fakes.ts';

// Compile-time: the transport's shapes and the engine's wire shapes stay interchangeable.
const asHandler = (api: EngineApi): TransportHandler => api.respond;
const asWire = (response: TransportResponse): WireResponse => response;
const asTransport = (request: WireRequest): TransportRequest => request;
const asDuplex = (duplex: TransportDuplex): ByteDuplex => duplex;
void [asHandler, asWire, asTransport, asDuplex];

const dir = mkdtempSync(join(tmpdir(), 'drydock-transport-'));
const socketPath = join(dir, 'engine.sock');
const waitResult = deferred<{ Error: null; StatusCode: number }>();
let waitCalled = deferred<void>();
let transport: HttpTransport;

/** An exec that echoes stdin to stdout, then says "bye" on stderr after the client's EOF. */
const exec = fake<ExecBackend>({
  start: async (id) => {
    if (id !== 'e1') throw new NotFoundError(`No such exec instance: ${id}`);
    return {
      tty: false,
      run: async (streams) => {
        for (let chunk = await streams.stdin.read(); chunk !== null; chunk = await streams.stdin.read()) {
          await streams.stdout.write(chunk);
        }
        await streams.stderr.write(new TextEncoder().encode('bye after EOF'));
      },
    };
  },
});

const containers = fake<ContainersBackend>({
  wait: async () => {
    waitCalled.resolve();
    return { result: waitResult.promise };
  },
  attach: async () => ({
    tty: true,
    run: async (streams) => {
      await streams.stdout.write(new TextEncoder().encode('tty output'));
    },
  }),
});

const images = fake<ImagesBackend>({
  load: async (tar, _options, progress) => {
    let bytes = 0;
    let sum = 0;
    for await (const chunk of tar) {
      bytes += chunk.length;
      for (const b of chunk) sum = (sum + b) % 65521;
    }
    progress({ stream: `Loaded ${bytes} bytes, checksum ${sum}\n` });
  },
});

before(async () => {
  const api = createApi({ backends: { system: new EngineSystemBackend({ ncpu: 1, memTotal: 1 << 30 }), exec, containers, images } });
  transport = new HttpTransport(api.respond, { logError: () => {} });
  await transport.listenUnix(socketPath);
});

after(async () => {
  await transport.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw client connection that collects everything the server sends. */
class RawClient {
  readonly socket: Socket;
  private data: Buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  ended = false;
  readonly ended$: Promise<void>;

  constructor(path = socketPath) {
    this.socket = connect({ path, allowHalfOpen: true });
    this.socket.on('data', (chunk) => {
      this.data = Buffer.concat([this.data, chunk]);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.ended$ = new Promise((resolve) =>
      this.socket.on('end', () => {
        this.ended = true;
        this.waiters.splice(0).forEach((w) => w());
        resolve();
      }),
    );
    this.socket.on('error', () => {});
  }

  write(text: string | Uint8Array): void {
    this.socket.write(text);
  }

  /** Waits until the received bytes satisfy `ready`. */
  async until(ready: (data: Buffer) => boolean): Promise<Buffer> {
    while (!ready(this.data)) {
      if (this.ended) throw new Error(`connection ended; got ${JSON.stringify(this.data.toString('latin1'))}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.data;
  }

  /** Reads a response head; returns it and drops it from the buffer. */
  async head(): Promise<{ statusLine: string; headers: Record<string, string> }> {
    const data = await this.until((d) => d.includes('\r\n\r\n'));
    const end = data.indexOf('\r\n\r\n');
    const [statusLine, ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
    this.data = data.subarray(end + 4);
    const headers: Record<string, string> = {};
    for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
    return { statusLine: statusLine!, headers };
  }

  /** Everything after the last head, once the server has closed its side. */
  async rest(): Promise<Buffer> {
    await this.ended$;
    return this.data;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Decodes a complete chunked body from the buffer. */
function dechunk(data: Buffer): { body: Buffer; complete: boolean } {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) return { body: Buffer.concat(parts), complete: false };
    const size = Number.parseInt(data.toString('latin1', at, eol), 16);
    if (size === 0) return { body: Buffer.concat(parts), complete: data.length >= eol + 4 };
    if (data.length < eol + 2 + size + 2) return { body: Buffer.concat(parts), complete: false };
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

test('exec start hijack: 101 UPGRADED, stdin echoed, the server keeps writing after the client half-closes', { timeout: 20_000 }, async () => {
  const client = new RawClient();
  const body = '{"Detach":false,"Tty":false}';
  client.write(
    'POST /v1.47/exec/e1/start HTTP/1.1\r\nHost: api.moby.localhost\r\nUser-Agent: Docker-Client/28.2.2 (linux)\r\n' +
      `Content-Length: ${body.length}\r\nContent-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n${body}`,
  );
  const head = await client.head();
  assert.equal(head.statusLine, 'HTTP/1.1 101 UPGRADED');
  assert.equal(head.headers['content-type'], 'application/vnd.docker.multiplexed-stream');
  assert.equal(head.headers.connection, 'Upgrade');
  assert.equal(head.headers.upgrade, 'tcp');
  assert.equal(head.headers['api-version'], '1.47');
  assert.equal(head.headers['content-length'], undefined);
  assert.equal(head.headers['transfer-encoding'], undefined);

  client.write('hello ');
  await client.until((d) => d.length >= 8 + 6);
  client.write('world');
  client.socket.end(); // CloseWrite: no more stdin, but keep reading.
  const frames = demuxStdcopy(await client.rest());
  const stdout = frames.filter((f) => f.stream === StdStream.Stdout).map((f) => Buffer.from(f.payload).toString()).join('');
  const stderr = frames.filter((f) => f.stream === StdStream.Stderr).map((f) => Buffer.from(f.payload).toString()).join('');
  assert.equal(stdout, 'hello world');
  assert.equal(stderr, 'bye after EOF');
});

test('a hijack without Upgrade answers 200 OK raw-stream and the body ends at close (dockerode)', { timeout: 20_000 }, async () => {
  const client = new RawClient();
  client.write('POST /containers/c1/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n');
  const head = await client.head();
  assert.equal(head.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(head.headers['content-type'], 'application/vnd.docker.raw-stream');
  assert.equal(head.headers['content-length'], undefined);
  client.socket.end();
  assert.equal((await client.rest()).toString(), 'tty output');
});

test('errors before a hijack are normal HTTP responses', { timeout: 20_000 }, async () => {
  const client = new RawClient();
  client.write('POST /v1.47/exec/nope/start HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}');
  const head = await client.head();
  assert.equal(head.statusLine, 'HTTP/1.1 404 Not Found');
  const body = await client.until((d) => d.length >= Number(head.headers['content-length']));
  assert.deepEqual(JSON.parse(body.toString()), { message: 'No such exec instance: nope' });
  client.close();
});

test('/wait sends its headers before the exit status exists (the Go client waits for them before /start)', { timeout: 20_000 }, async () => {
  waitCalled = deferred<void>();
  const client = new RawClient();
  client.write('POST /v1.47/containers/c1/wait?condition=next-exit HTTP/1.1\r\nHost: x\r\n\r\n');
  const head = await client.head(); // Would hang here if headers waited for the body.
  assert.equal(head.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(head.headers['transfer-encoding'], 'chunked');
  assert.equal(head.headers['content-type'], 'application/json');
  await waitCalled.promise;
  assert.equal(dechunk(await client.until(() => true)).body.length, 0);
  waitResult.resolve({ Error: null, StatusCode: 0 });
  const data = await client.until((d) => dechunk(d).complete);
  assert.equal(dechunk(data).body.toString(), '{"Error":null,"StatusCode":0}\n');
  client.close();
});

test('chunked uploads are decoded (docker load, build and cp send chunked bodies)', { timeout: 20_000 }, async () => {
  const payload = Buffer.alloc(200_000);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) % 251;
  let expectedSum = 0;
  for (const b of payload) expectedSum = (expectedSum + b) % 65521;
  const client = new RawClient();
  client.write('POST /v1.47/images/load?quiet=1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-tar\r\n\r\n');
  // Odd chunk sizes, with an extension and a trailer.
  let at = 0;
  for (const size of [1, 4095, 65536, 12345, 100000]) {
    const piece = payload.subarray(at, at + size);
    at += size;
    client.write(`${piece.length.toString(16)}${size === 1 ? ';ext=1' : ''}\r\n`);
    client.write(piece);
    client.write('\r\n');
  }
  client.write(`${(payload.length - at).toString(16)}\r\n`);
  client.write(payload.subarray(at));
  client.write('\r\n0\r\nX-Trailer: yes\r\n\r\n');
  const head = await client.head();
  assert.equal(head.statusLine, 'HTTP/1.1 200 OK');
  const data = await client.until((d) => dechunk(d).complete);
  assert.equal(
    dechunk(data).body.toString(),
    `${JSON.stringify({ stream: `Loaded ${payload.length} bytes, checksum ${expectedSum}\n` })}\r\n`,
  );
  client.close();
});

test('keep-alive: several requests on one connection; HEAD /_ping has Content-Length 0 and no body', { timeout: 20_000 }, async () => {
  const client = new RawClient();
  client.write('HEAD /_ping HTTP/1.1\r\nHost: x\r\n\r\nGET /_ping HTTP/1.1\r\nHost: x\r\n\r\n');
  const first = await client.head();
  assert.equal(first.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(first.headers['content-length'], '0');
  assert.equal(first.headers['builder-version'], '1');
  assert.equal(first.headers.swarm, 'inactive');
  const second = await client.head();
  assert.equal(second.statusLine, 'HTTP/1.1 200 OK');
  assert.equal((await client.until((d) => d.length >= 2)).toString(), 'OK');
  client.write('GET /v1.47/version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  const third = await client.head();
  assert.equal(third.headers.connection, 'close');
  assert.equal((JSON.parse((await client.rest()).toString()) as { Os: string }).Os, 'linux');
});

test('a request arriving one byte at a time is parsed like one arriving at once', { timeout: 20_000 }, async () => {
  const client = new RawClient();
  const raw = Buffer.from('\r\nGET /v1.47/_ping HTTP/1.1\r\nHost: x\r\nX-Long: ' + 'y'.repeat(3000) + '\r\n\r\n');
  for (let i = 0; i < raw.length; i++) {
    client.write(raw.subarray(i, i + 1));
    if (i % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const head = await client.head();
  assert.equal(head.statusLine, 'HTTP/1.1 200 OK');
  assert.equal((await client.until((d) => d.length >= 2)).toString(), 'OK');
  client.close();
});

test('malformed requests get a 400 and the connection is closed', { timeout: 20_000 }, async () => {
  for (const raw of [
    'GARBAGE\r\n\r\n',
    'POST /_ping HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
    'GET /_ping HTTP/1.1\r\nContent-Length: -1\r\n\r\n',
    'GET /_ping HTTP/1.1\r\n folded\r\n\r\n',
  ]) {
    const client = new RawClient();
    client.write(raw);
    const head = await client.head();
    assert.match(head.statusLine, /^HTTP\/1\.1 400 /, raw);
    await client.rest();
  }
  const client = new RawClient();
  client.write('GET /_ping HTTP/2.0\r\n\r\n');
  assert.match((await client.head()).statusLine, /^HTTP\/1\.1 505 /);
  client.close();
  // A head larger than 1 MiB is refused without buffering it all.
  const huge = new RawClient();
  huge.write(`GET /_ping HTTP/1.1\r\nX-Big: ${'a'.repeat(1100 * 1024)}`);
  assert.match((await huge.head()).statusLine, /^HTTP\/1\.1 431 /);
  huge.close();
});

test('the unix socket is created with mode 0660; stale sockets are replaced, live ones and other files refused', { timeout: 20_000 }, async () => {
  assert.equal(statSync(socketPath).mode & 0o777, 0o660);
  const other = new HttpTransport(async () => ({ status: 204, statusText: 'No Content', headers: [], body: null }));
  await assert.rejects(other.listenUnix(socketPath), /in use/);
  const plainFile = join(dir, 'not-a-socket');
  writeFileSync(plainFile, 'keep me');
  await assert.rejects(other.listenUnix(plainFile), /not a socket/);
  // A socket file nobody listens on (left by a crash) is replaced.
  const stalePath = join(dir, 'stale.sock');
  const crash = spawnSync(process.execPath, [
    '-e',
    `require('node:net').createServer().listen(${JSON.stringify(stalePath)}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  assert.equal(crash.signal, 'SIGKILL');
  assert.equal(statSync(stalePath).isSocket(), true);
  await other.listenUnix(stalePath);
  assert.equal(statSync(stalePath).isSocket(), true);
  await other.close();
});

test('TCP listens on loopback only, unless remote access is allowed explicitly (with a warning)', { timeout: 20_000 }, async () => {
  assert.equal(isLoopbackHost('127.0.0.1'), true);
  assert.equal(isLoopbackHost('::1'), true);
  assert.equal(isLoopbackHost('localhost'), true);
  assert.equal(isLoopbackHost('0.0.0.0'), false);
  assert.equal(isLoopbackHost('192.168.1.10'), false);
  assert.equal(isLoopbackHost('::'), false);
  assert.deepEqual(parseDockerHost('tcp://127.0.0.1:2375'), { kind: 'tcp', host: '127.0.0.1', port: 2375 });
  assert.deepEqual(parseDockerHost('unix:///run/d.sock'), { kind: 'unix', path: '/run/d.sock' });
  assert.throws(() => parseDockerHost('ssh://host'), /unsupported/);

  const warnings: string[] = [];
  const server = new HttpTransport(async () => ({ status: 204, statusText: 'No Content', headers: [], body: null }), {
    warn: (message) => warnings.push(message),
  });
  await assert.rejects(server.listenTcp('0.0.0.0', 0), /not a loopback address/);
  assert.deepEqual(warnings, []);
  const address = await server.listenTcp('0.0.0.0', 0, { allowRemote: true });
  assert.match(address, /^tcp:\/\/0\.0\.0\.0:\d+$/);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /without TLS or authentication/);
  const loopback = await server.listen('tcp://127.0.0.1:0');
  assert.match(loopback, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  await server.close();
});

test('close() ends open streams and idle connections and removes the socket file', { timeout: 20_000 }, async () => {
  const path = join(dir, 'closing.sock');
  const api = createApi({ backends: { system: new EngineSystemBackend({ ncpu: 1, memTotal: 1 << 30 }) } });
  const server = new HttpTransport(api.respond, { logError: () => {} });
  await server.listenUnix(path);
  const events = new RawClient(path);
  events.write('GET /v1.47/events HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal((await events.head()).statusLine, 'HTTP/1.1 200 OK');
  const idle = new RawClient(path);
  idle.write('GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n');
  await idle.head();
  await server.close();
  await events.ended$;
  await idle.ended$;
  assert.throws(() => statSync(path), /ENOENT/);
});
