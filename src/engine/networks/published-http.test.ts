/**
 * fetchPublished against real servers behind a published port of a
 * NetworkManager without a host publisher (the browser's situation): the
 * httpd guest program (nginx's stand-in) in the real kernel, and scripted
 * servers written in JavaScript on the same network stack for what httpd
 * never sends (chunked bodies, bodies until close, interim responses,
 * resets, malformed answers).
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Errno, ErrnoError } from '../../common/errno.ts';
import { NetworkManager } from '../../net/manager.ts';
import type { NetworkNamespace } from '../../net/namespace.ts';
import { StreamSocket } from '../../net/stream-socket.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import { sandbox, start, waitForOutput } from '../../../test/helpers/kernel-harness.ts';
import type { CaptureOutput } from '../../../test/helpers/kernel-harness.ts';
import { netKernel } from '../../../test/net-harness.ts';
import { fetchPublished, PublishedHttpError, requestTarget } from './published-http.ts';

const HTTPD_PORT = 8080;
const BIG = 1024 * 1024;

let kernel: Kernel;
let docroot: string;
let accessLog: CaptureOutput;
const network = new NetworkManager();
network.createNetwork({ name: 'web' });
let nextContainer = 1;

function container(): NetworkNamespace {
  const ns = network.createNamespace();
  const n = nextContainer++;
  network.attach(ns, 'web', { containerId: String(n).padStart(64, '0'), containerName: `c${n}` });
  return ns;
}

before(async () => {
  kernel = await netKernel({ warmWorkers: 2 });
  docroot = mkdtempSync(join(tmpdir(), 'drydock-published-http-'));
  writeFileSync(join(docroot, 'index.html'), '<h1>Welcome to nginx!</h1>\n');
  mkdirSync(join(docroot, 'docs'));
  writeFileSync(join(docroot, 'docs', 'index.html'), 'docs index\n');
  const big = Buffer.alloc(BIG);
  for (let i = 0; i < BIG; i++) big[i] = (i * 31 + (i >> 8)) & 0xff;
  writeFileSync(join(docroot, 'big.bin'), big);
  writeFileSync(join(docroot, 'style.css'), 'body { color: teal }\n');
  const ns = container();
  const server = await start(kernel, '/shipped/httpd.wasm', ['-p', '80', '-r', '/srv'], { net: ns, mounts: sandbox({ '/srv': docroot }) });
  accessLog = server.stdout;
  await waitForOutput(server.stderr, 'serving');
  await network.publish(ns, { containerPort: 80, hostPort: HTTPD_PORT });
});

after(async () => {
  await kernel?.shutdown();
  if (docroot) rmSync(docroot, { recursive: true, force: true });
});

const get = (path: string, init: RequestInit = {}, port = HTTPD_PORT) => fetchPublished(network, port, new Request(`http://localhost:${port}${path}`, init)) as Promise<Response>;

test('httpd: GET / through the published port: status, headers, body; hop-by-hop headers are not passed on', async () => {
  const response = await get('/');
  assert.equal(response.status, 200);
  assert.equal(response.statusText, 'OK');
  assert.equal(response.headers.get('content-type'), 'text/html');
  assert.equal(response.headers.get('content-length'), '27');
  assert.equal(response.headers.get('connection'), null);
  assert.equal(await response.text(), '<h1>Welcome to nginx!</h1>\n');
  await waitForOutput(accessLog, '"GET / HTTP/1.1" 200 27');
  assert.match(accessLog.text(), new RegExp(`^${network.get('web').gateway!.replace(/\./g, '\\.')} - - `, 'm'), 'the server sees the gateway as its peer');
});

test('httpd: 404 page, HEAD without a body, POST refused, the redirect passed on', async () => {
  const missing = await get('/nothing.html');
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /<title>404 Not Found<\/title>/);
  const head = await get('/style.css', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '21');
  assert.equal(head.headers.get('content-type'), 'text/css');
  assert.equal(head.body, null);
  const post = await get('/', { method: 'POST', body: 'a=1' });
  assert.equal(post.status, 405);
  await post.arrayBuffer();
  const redirect = await get('/docs?x=1');
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get('location'), '/docs/', 'httpd redirects with an absolute path; it is passed on unchanged');
  await redirect.arrayBuffer();
  assert.equal(await (await get('/docs/')).text(), 'docs index\n');
});

test('httpd: a 1 MiB file arrives intact, streamed in pieces as the reader pulls', async () => {
  const response = await get('/big.bin');
  assert.equal(response.headers.get('content-length'), String(BIG));
  const reader = response.body!.getReader();
  const pieces: Uint8Array[] = [];
  for (let r = await reader.read(); !r.done; r = await reader.read()) pieces.push(r.value);
  assert.ok(pieces.length >= BIG / (64 * 1024), `streamed in ${pieces.length} pieces of at most 64 KiB`);
  assert.ok(pieces.every((p) => p.length <= 64 * 1024));
  const body = Buffer.concat(pieces);
  assert.equal(body.length, BIG);
  for (let i = 0; i < BIG; i += 997) assert.equal(body[i], (i * 31 + (i >> 8)) & 0xff, `byte ${i}`);
});

test('httpd: a keep-alive server answers Connection: close and closes; 40 concurrent fetches', async () => {
  const results = await Promise.all(
    Array.from({ length: 40 }, async (_, i) => {
      const response = await get(i % 3 === 0 ? '/style.css' : i % 3 === 1 ? '/' : '/big.bin');
      const body = new Uint8Array(await response.arrayBuffer());
      return { status: response.status, length: body.length };
    }),
  );
  results.forEach((r, i) => assert.deepEqual(r, { status: 200, length: i % 3 === 0 ? 21 : i % 3 === 1 ? 27 : BIG }, `fetch ${i}`));
});

test('a port nothing is published on, and a published port nothing listens behind: 502 with a clear message', async () => {
  const none = await get('/', {}, 9999);
  assert.equal(none.status, 502);
  assert.equal(none.headers.get('x-drydock-error'), 'not-published');
  assert.equal(none.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(await none.text(), "Drydock: nothing is published on port 9999 (docker run -p 9999:PORT publishes a container's port there)\n");
  const ns = container();
  await network.publish(ns, { containerPort: 80, hostPort: 8081 });
  const refused = await get('/', {}, 8081);
  assert.equal(refused.status, 502);
  assert.equal(refused.headers.get('x-drydock-error'), 'refused');
  assert.match(await refused.text(), /^Drydock: port 8081 is published, but nothing listens behind it in the container \(connection refused\)\n$/);
  await network.releaseNamespace(ns);
});

/** One accepted connection of a scripted server, driven by polling (the socket layer is synchronous). */
class Peer {
  private received = Buffer.alloc(0);
  constructor(private readonly socket: StreamSocket) {}

  private async retry<T>(op: () => T): Promise<T> {
    for (;;) {
      try {
        return op();
      } catch (error) {
        if (!(error instanceof ErrnoError && error.errno === Errno.EAGAIN)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
  }

  /** Reads until `marker` has arrived; returns everything read so far as text. */
  async readUntil(marker: string): Promise<string> {
    while (!this.received.includes(marker)) {
      const { data } = await this.retry(() => this.socket.recv(65536, 0));
      if (data.length === 0) throw new Error(`end of stream before ${JSON.stringify(marker)}: ${this.received.toString('latin1')}`);
      this.received = Buffer.concat([this.received, data]);
    }
    return this.received.toString('latin1');
  }

  /** True when the client has closed its side (end of file). */
  async eof(): Promise<boolean> {
    const { data } = await this.retry(() => this.socket.recv(65536, 0));
    return data.length === 0;
  }

  async send(data: string | Uint8Array): Promise<void> {
    let bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    while (bytes.length > 0) {
      const n = await this.retry(() => this.socket.send(bytes, 0, null));
      bytes = bytes.subarray(n);
    }
  }

  close(abort = false): void {
    this.socket.close(abort);
  }
}

/** A scripted server on a new container's port 80, published on `hostPort`; each connection goes to `script`. */
async function scripted(hostPort: number, script: (peer: Peer) => Promise<void>): Promise<{ stop(): Promise<void>; failures: unknown[] }> {
  const ns = container();
  const listener = new StreamSocket(ns, 4);
  listener.bind({ ip: '0.0.0.0', port: 80 });
  listener.listen(64);
  await network.publish(ns, { containerPort: 80, hostPort });
  let running = true;
  const failures: unknown[] = [];
  const scripts: Promise<void>[] = [];
  const loop = (async () => {
    while (running) {
      try {
        const conn = listener.accept() as StreamSocket;
        scripts.push(script(new Peer(conn)).catch((error: unknown) => void failures.push(error)));
      } catch (error) {
        if (!(error instanceof ErrnoError && error.errno === Errno.EAGAIN)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
  })();
  return {
    failures,
    /** Waits for every accepted connection's script to finish, then closes the listener. */
    async stop() {
      await Promise.all(scripts);
      running = false;
      await loop;
      listener.close();
      await network.releaseNamespace(ns);
    },
  };
}

test('the request: method, path and query, headers, body with Content-Length, Host localhost:PORT, Connection: close', async () => {
  let seen = '';
  const server = await scripted(8090, async (peer) => {
    seen = await peer.readUntil('\r\n\r\nname=drydock&x=%C3%A9');
    await peer.send('HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok');
    peer.close();
  });
  const response = await get('/form/submit?q=a%20b&r=1#frag', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Custom': 'yes', 'Accept-Encoding': 'gzip', Connection: 'keep-alive' },
    body: 'name=drydock&x=%C3%A9',
  }, 8090);
  assert.equal(response.status, 201);
  assert.equal(response.statusText, 'Created');
  assert.equal(await response.text(), 'ok');
  const [head] = seen.split('\r\n\r\n');
  const lines = head!.split('\r\n');
  assert.equal(lines[0], 'POST /form/submit?q=a%20b&r=1 HTTP/1.1');
  assert.equal(lines[1], 'Host: localhost:8090');
  assert.ok(lines.includes('content-type: application/x-www-form-urlencoded'));
  assert.ok(lines.includes('x-custom: yes'));
  assert.ok(lines.includes('Content-Length: 21'));
  assert.equal(lines.at(-1), 'Connection: close');
  assert.ok(!lines.some((l) => /^accept-encoding:/i.test(l)), 'no Accept-Encoding: the body must come back plain');
  assert.equal(lines.filter((l) => /^connection:/i.test(l)).length, 1);
  await server.stop();
  assert.deepEqual(server.failures, []);
});

test('chunked bodies (extensions, trailers, pieces split anywhere) are decoded and streamed', async () => {
  const server = await scripted(8091, async (peer) => {
    await peer.readUntil('\r\n\r\n');
    await peer.send('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 999\r\nX-A: 1\r\n\r\n');
    const wire = '5;ext=1\r\nhello\r\n1\r\n \r\n' + '10\r\n' + 'world, chunked!!' + '\r\n0\r\nX-Trailer: t\r\n\r\n';
    for (let i = 0; i < wire.length; i += 3) {
      await peer.send(wire.slice(i, i + 3));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    peer.close();
  });
  const response = await get('/', {}, 8091);
  assert.equal(response.headers.get('transfer-encoding'), null);
  assert.equal(response.headers.get('content-length'), null, 'a Content-Length beside Transfer-Encoding is ignored');
  assert.equal(response.headers.get('x-a'), '1');
  assert.equal(await response.text(), 'hello world, chunked!!');
  await server.stop();
  assert.deepEqual(server.failures, []);
});

test('no length: the body is read until the server closes (HTTP/1.0, bare LF lines, an interim 100 Continue skipped)', async () => {
  const server = await scripted(8092, async (peer) => {
    await peer.readUntil('\r\n\r\n');
    await peer.send('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 Fine\nContent-Type: text/plain\nX-Folded: a\n  b\n\n');
    for (let i = 0; i < 5; i++) await peer.send(`line ${i}\n`);
    peer.close();
  });
  const response = await get('/', {}, 8092);
  assert.equal(response.status, 200);
  assert.equal(response.statusText, 'Fine');
  assert.equal(response.headers.get('x-folded'), 'a b');
  assert.equal(await response.text(), 'line 0\nline 1\nline 2\nline 3\nline 4\n');
  await server.stop();
});

test('a keep-alive server that ignores Connection: close: the body ends at its length and the client closes', async () => {
  let clientClosed = false;
  const server = await scripted(8093, async (peer) => {
    await peer.readUntil('\r\n\r\n');
    await peer.send('HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=75\r\nContent-Length: 5\r\n\r\nhello');
    clientClosed = await peer.eof();
    peer.close();
  });
  const response = await get('/', {}, 8093);
  assert.equal(response.headers.get('keep-alive'), null);
  assert.equal(await response.text(), 'hello');
  await server.stop();
  assert.deepEqual(server.failures, []);
  assert.equal(clientClosed, true);
});

test('204 and 304 have no body; an empty Content-Length body is empty', async () => {
  const server = await scripted(8094, async (peer) => {
    const request = await peer.readUntil('\r\n\r\n');
    if (request.startsWith('GET /204')) await peer.send('HTTP/1.1 204 No Content\r\n\r\n');
    else if (request.startsWith('GET /304')) await peer.send('HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n');
    else await peer.send('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    peer.close();
  });
  const noContent = await get('/204', {}, 8094);
  assert.equal(noContent.status, 204);
  assert.equal(noContent.body, null);
  const notModified = await get('/304', {}, 8094);
  assert.equal(notModified.status, 304);
  assert.equal(notModified.headers.get('etag'), '"x"');
  assert.equal(await (await get('/empty', {}, 8094)).text(), '');
  await server.stop();
});

test('failures before the response head: reset, closed, not HTTP, bad status line or header, too large: 502 that says so', async () => {
  const server = await scripted(8095, async (peer) => {
    const request = await peer.readUntil('\r\n\r\n');
    const path = request.split(' ')[1];
    if (path === '/reset') return peer.close(true);
    if (path === '/close') return peer.close();
    if (path === '/redis') await peer.send('-ERR unknown command `GET`, with args beginning with: `/redis`, \r\n');
    if (path === '/status') await peer.send('HTTP/1.1 OK\r\n\r\n');
    if (path === '/header') await peer.send('HTTP/1.1 200 OK\r\nBad Header\r\n\r\n');
    if (path === '/length') await peer.send('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello');
    if (path === '/half') await peer.send('HTTP/1.1 200 OK\r\nContent-Le');
    if (path === '/upgrade') await peer.send('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n');
    if (path === '/huge') await peer.send(`HTTP/1.1 200 OK\r\n${'X-Big: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'.repeat(1000)}\r\n`);
    peer.close();
  });
  const cases: [string, string, RegExp][] = [
    ['/reset', 'reset', /^Drydock: the connection to the container's port 80 was reset\n$/],
    ['/close', 'closed', /^Drydock: the container's port 80 closed the connection without sending a response\n$/],
    ['/redis', 'malformed', /^Drydock: the container's port 80 did not answer with HTTP; it sent "-ERR unknown command/],
    ['/status', 'malformed', /^Drydock: the container's port 80 sent an invalid status line: "HTTP\/1\.1 OK"\n$/],
    ['/header', 'malformed', /^Drydock: the container's port 80 sent an invalid header line: "Bad Header"\n$/],
    ['/length', 'malformed', /^Drydock: the container's port 80 sent an invalid Content-Length \(5, 6\)\n$/],
    ['/half', 'closed', /^Drydock: the container's port 80 closed the connection in the middle of the response head; it sent "HTTP\/1\.1 200 OK\\r\\nContent-Le"\n$/],
    ['/upgrade', 'malformed', /switched protocols \(101\) without being asked to/],
    ['/huge', 'too-large', /^Drydock: the response head from the container's port 80 is larger than 64 KiB\n$/],
  ];
  for (const [path, failure, message] of cases) {
    const response = await get(path, {}, 8095);
    assert.equal(response.status, 502, path);
    assert.equal(response.statusText, 'Bad Gateway');
    assert.equal(response.headers.get('x-drydock-error'), failure, path);
    assert.match(await response.text(), message, path);
  }
  await server.stop();
});

test('failures in the body error the stream: reset, early close, a broken chunk', async () => {
  const server = await scripted(8096, async (peer) => {
    const request = await peer.readUntil('\r\n\r\n');
    const path = request.split(' ')[1];
    if (path === '/reset') {
      await peer.send('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
      await new Promise((resolve) => setTimeout(resolve, 5));
      return peer.close(true);
    }
    if (path === '/short') await peer.send('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this');
    if (path === '/chunk') await peer.send('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n');
    if (path === '/overrun') await peer.send('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n');
    peer.close();
  });
  const cases: [string, RegExp][] = [
    ['/reset', /^Drydock: the connection to the container's port 80 was reset$/],
    ['/short', /^Drydock: the container's port 80 closed the connection after 9 of 100 bytes of the body$/],
    ['/chunk', /^Drydock: the container's port 80 sent an invalid chunk size: "zz"$/],
    ['/overrun', /^Drydock: the container's port 80 sent a chunk longer than its size$/],
  ];
  for (const [path, message] of cases) {
    const response = await get(path, {}, 8096);
    assert.equal(response.status, 200);
    await assert.rejects(response.text(), (error: unknown) => error instanceof PublishedHttpError && message.test(error.message), path);
  }
  await server.stop();
});

test('an aborted signal rejects the fetch and resets the connection; cancelling a body closes it', async () => {
  let sawReset = false;
  let released!: () => void;
  const answered = new Promise<void>((resolve) => (released = resolve));
  const server = await scripted(8097, async (peer) => {
    const request = await peer.readUntil('\r\n\r\n');
    if (request.startsWith('GET /slow')) {
      await answered;
      try {
        await peer.eof();
      } catch (error) {
        sawReset = error instanceof ErrnoError && error.errno === Errno.ECONNRESET;
      }
      return peer.close();
    }
    await peer.send(`HTTP/1.1 200 OK\r\nContent-Length: ${10 * 65536}\r\n\r\n`);
    try {
      for (let i = 0; i < 10; i++) await peer.send(new Uint8Array(65536));
    } catch {
      // the client went away
    }
    peer.close();
  });
  const controller = new AbortController();
  const pending = get('/slow', { signal: controller.signal }, 8097);
  await new Promise((resolve) => setTimeout(resolve, 20));
  controller.abort(new Error('user left'));
  await assert.rejects(pending, /user left/);
  released();
  const response = await get('/big', {}, 8097);
  const reader = response.body!.getReader();
  assert.equal((await reader.read()).done, false);
  await reader.cancel();
  await server.stop();
  assert.equal(sawReset, true);
});

test('requestTarget: origin form from absolute and relative URLs, without the fragment', () => {
  assert.equal(requestTarget('http://localhost:8080'), '/');
  assert.equal(requestTarget('http://localhost:8080?a=1'), '/?a=1');
  assert.equal(requestTarget('http://localhost:8080/a/b?c#d'), '/a/b?c');
  assert.equal(requestTarget('/x y'), '/x%20y');
  assert.equal(requestTarget('/ünï'), '/%C3%BCn%C3%AF');
});
