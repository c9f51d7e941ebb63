/**
 * The fetch-backed host network in Node (whose fetch is WHATWG's, without
 * CORS): requests a guest would write go to a node:http server and the
 * HTTP/1.1 answers are checked byte for byte where it matters; fetch
 * failures are injected to check the 502 answers. The CORS behaviour
 * itself is tested in Chromium (test/browser-outbound.test.ts).
 */
import { strict as assert } from 'node:assert';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { HostStream } from '../types.ts';
import { SyntheticNames, isSyntheticRange, isValidHostName } from './net-fetch-names.ts';
import { FetchHostNetwork, forwardedRequestHeaders, requestUrl } from './net-fetch.ts';
import { LAST_CHUNK, canonicalHeaderName, chunkFrame, formatResponseHead, textResponse } from './net-fetch-response.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

let server: Server;
let port: number;
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/ok') {
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '20', 'X-Custom': 'yes' });
        res.end('hello from the host\n');
      } else if (req.url === '/echo') {
        res.writeHead(201, 'Made It', { 'Content-Type': 'application/octet-stream' });
        res.end(`${req.method} ${body}`);
      } else if (req.url === '/big') {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        res.end(Buffer.alloc(300_000, 'b'));
      } else if (req.url === '/redirect') {
        res.writeHead(302, { Location: '/ok' });
        res.end();
      } else if (req.url === '/empty') {
        res.writeHead(204);
        res.end();
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('no such page\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(() => server?.close());

/** Writes `request` on a connection and collects everything until the connection closes. */
async function exchange(stream: HostStream, request: string | Uint8Array, options: { endInput?: boolean } = {}): Promise<{ bytes: Uint8Array; error: boolean; ended: boolean }> {
  const parts: Uint8Array[] = [];
  let ended = false;
  const closed = new Promise<boolean>((resolve) => {
    stream.setHandlers({
      data: (bytes) => parts.push(bytes),
      end: () => {
        ended = true;
        // A client reads to the end, then closes its side.
        stream.end();
      },
      drain: () => {},
      close: (error) => resolve(error),
    });
  });
  stream.write(typeof request === 'string' ? enc(request) : request);
  if (options.endInput) stream.end();
  const error = await closed;
  return { bytes: Buffer.concat(parts), error, ended };
}

/** Splits an HTTP/1.1 response into status line, headers (lower-case names) and body (de-chunked). */
function parseResponse(bytes: Uint8Array): { status: string; headers: Map<string, string>; body: string; raw: string } {
  const raw = Buffer.from(bytes).toString('latin1');
  const split = raw.indexOf('\r\n\r\n');
  assert.ok(split > 0, `no head in ${JSON.stringify(raw.slice(0, 200))}`);
  const [status, ...lines] = raw.slice(0, split).split('\r\n');
  const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as [string, string]));
  let body = raw.slice(split + 4);
  if (headers.get('transfer-encoding') === 'chunked') {
    let out = '';
    for (;;) {
      const eol = body.indexOf('\r\n');
      const size = parseInt(body.slice(0, eol), 16);
      if (size === 0) {
        assert.equal(body.slice(eol), '\r\n\r\n');
        break;
      }
      out += body.slice(eol + 2, eol + 2 + size);
      assert.equal(body.slice(eol + 2 + size, eol + 4 + size), '\r\n');
      body = body.slice(eol + 4 + size);
    }
    body = out;
  } else if (headers.has('content-length')) {
    assert.equal(Buffer.byteLength(body, 'latin1'), Number(headers.get('content-length')));
  }
  body = Buffer.from(body, 'latin1').toString('utf8');
  return { status: status!, headers, body, raw };
}

test('synthetic names: stable, both ways, case-insensitive, in 198.18.0.0/15, invalid names get nothing', async () => {
  const names = new SyntheticNames();
  const a = names.addressOf('example.com');
  assert.equal(a, '198.18.0.1');
  assert.equal(names.addressOf('EXAMPLE.com.'), a);
  assert.equal(names.addressOf('other.example'), '198.18.0.2');
  assert.equal(names.nameOf(a!), 'example.com');
  assert.equal(names.nameOf('198.18.0.99'), null);
  assert.equal(names.addressOf('bad name'), null);
  assert.equal(names.addressOf('a..b'), null);
  assert.equal(names.addressOf('x/y'), null);
  assert.ok(isSyntheticRange('198.19.255.255') && isSyntheticRange('198.18.0.0'));
  assert.ok(!isSyntheticRange('198.20.0.1') && !isSyntheticRange('10.0.0.1') && !isSyntheticRange('example.com'));
  assert.ok(isValidHostName('my-host.localhost') && !isValidHostName('-x.com') && !isValidHostName('a'.repeat(64)));
  const network = new FetchHostNetwork({ origin: null });
  assert.deepEqual(await network.lookup('example.com'), [{ address: '198.18.0.1', family: 4 }]);
  assert.deepEqual(await network.lookup('10.1.2.3'), [{ address: '10.1.2.3', family: 4 }]);
  assert.deepEqual(await network.lookup('not a name'), []);
  assert.deepEqual(network.nameservers(), []);
});

test('response writing: head, chunks, a text answer; nothing can inject a line', () => {
  assert.equal(dec(formatResponseHead(200, 'OK', [['Content-Type', 'text/plain'], ['X-Evil', 'a\r\nInjected: 1'], ['bad name', 'x']])), 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Evil: a  Injected: 1\r\n\r\n');
  assert.equal(dec(formatResponseHead(599, '', [])), 'HTTP/1.1 599 Unknown\r\n\r\n');
  assert.equal(dec(chunkFrame(enc('hello world, this is 31 bytes!!'))), '1f\r\nhello world, this is 31 bytes!!\r\n');
  assert.equal(chunkFrame(new Uint8Array(0)).length, 0);
  assert.equal(dec(LAST_CHUNK), '0\r\n\r\n');
  assert.equal(canonicalHeaderName('x-drydock-error'), 'X-Drydock-Error');
  const r = parseResponse(textResponse(502, 'Drydock: nope', [['X-Drydock-Error', 'cors']]));
  assert.equal(r.status, 'HTTP/1.1 502 Bad Gateway');
  assert.equal(r.headers.get('x-drydock-error'), 'cors');
  assert.equal(r.headers.get('connection'), 'close');
  assert.equal(r.body, 'Drydock: nope\n');
  assert.equal(dec(textResponse(502, 'x', [], true)).endsWith('\r\n\r\n'), true);
});

test('request headers: hop-by-hop, forbidden, User-Agent and Connection-listed fields stay behind', () => {
  const kept = forwardedRequestHeaders([
    ['Host', 'h'],
    ['User-Agent', 'Wget'],
    ['Connection', 'close, X-Hop'],
    ['X-Hop', '1'],
    ['Accept', '*/*'],
    ['Authorization', 'Bearer t'],
    ['Proxy-Authorization', 'p'],
    ['Sec-Fetch-Mode', 'x'],
    ['Content-Length', '3'],
    ['Transfer-Encoding', 'chunked'],
    ['Accept-Encoding', 'gzip'],
    ['X-Custom', 'c'],
  ]);
  assert.deepEqual(kept, [
    ['Accept', '*/*'],
    ['Authorization', 'Bearer t'],
    ['X-Custom', 'c'],
  ]);
  assert.equal(requestUrl({ target: '/a?b' }, 'example.com', 80), 'http://example.com/a?b');
  assert.equal(requestUrl({ target: '/' }, '10.0.0.1', 8080), 'http://10.0.0.1:8080/');
  assert.equal(requestUrl({ target: 'http://other.example/x' }, '198.18.0.1', 3128), 'http://other.example/x');
  assert.deepEqual(requestUrl({ target: '*' }, 'h', 80), { error: 'unsupported request target "*"' });
});

test('GET through fetch: status, the server headers, exact Content-Length, Connection: close, then end of stream', async () => {
  const network = new FetchHostNetwork({ origin: null });
  const { address } = (await network.lookup('localhost'))[0]!;
  const stream = await network.connectTcp(address, port, 1000);
  const { bytes, error, ended } = await exchange(stream, 'GET /ok HTTP/1.1\r\nHost: localhost\r\nUser-Agent: Wget\r\nConnection: close\r\n\r\n');
  assert.equal(error, false);
  assert.ok(ended);
  const r = parseResponse(bytes);
  assert.equal(r.status, 'HTTP/1.1 200 OK');
  assert.equal(r.headers.get('content-type'), 'text/plain');
  assert.equal(r.headers.get('x-custom'), 'yes');
  assert.equal(r.headers.get('connection'), 'close');
  assert.equal(r.headers.get('content-length'), '20');
  assert.equal(r.body, 'hello from the host\n');
  const last = seen.at(-1)!;
  assert.equal(last.url, '/ok');
  assert.equal(last.headers.host, `localhost:${port}`);
  assert.notEqual(last.headers['user-agent'], 'Wget');
});

test('POST with a chunked body and Expect: 100-continue; the reason phrase is the server one', async () => {
  const network = new FetchHostNetwork({ origin: null });
  const stream = await network.connectTcp('127.0.0.1', port, 1000);
  const { bytes } = await exchange(stream, 'POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ndata\r\n0\r\n\r\n');
  const raw = Buffer.from(bytes).toString();
  assert.ok(raw.startsWith('HTTP/1.1 100 Continue\r\n\r\n'), raw);
  const r = parseResponse(bytes.subarray('HTTP/1.1 100 Continue\r\n\r\n'.length));
  assert.equal(r.status, 'HTTP/1.1 201 Made It');
  assert.equal(r.body, 'POST data');
  assert.equal(seen.at(-1)!.body, 'data');
});

test('a body larger than the buffer goes chunked to HTTP/1.1 clients and close-delimited to HTTP/1.0 ones', async () => {
  const network = new FetchHostNetwork({ origin: null, bufferLimit: 1024 });
  const r11 = parseResponse((await exchange(await network.connectTcp('127.0.0.1', port, 1000), 'GET /big HTTP/1.1\r\nHost: x\r\n\r\n')).bytes);
  assert.equal(r11.headers.get('transfer-encoding'), 'chunked');
  assert.equal(r11.body.length, 300_000);
  const r10 = parseResponse((await exchange(await network.connectTcp('127.0.0.1', port, 1000), 'GET /big HTTP/1.0\r\n\r\n')).bytes);
  assert.equal(r10.headers.has('transfer-encoding'), false);
  assert.equal(r10.headers.has('content-length'), false);
  assert.equal(r10.body.length, 300_000);
});

test('pause holds the body back until resume', async () => {
  const network = new FetchHostNetwork({ origin: null, bufferLimit: 1024 });
  const stream = await network.connectTcp('127.0.0.1', port, 1000);
  let received = 0;
  let ended = false;
  stream.setHandlers({
    data: (bytes) => {
      received += bytes.length;
      stream.pause();
    },
    end: () => {
      ended = true;
      stream.end();
    },
    drain: () => {},
    close: () => {},
  });
  stream.write(enc('GET /big HTTP/1.1\r\nHost: x\r\n\r\n'));
  // Wait until something arrived, then check nothing more comes while paused.
  while (received === 0) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 100));
  const held = received;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(received, held);
  assert.ok(held < 300_000);
  while (!ended) {
    stream.resume();
    await new Promise((r) => setTimeout(r, 1));
  }
  assert.ok(received > 300_000);
});

test('redirects are followed; 204 and HEAD have no body; 404 passes through', async () => {
  const network = new FetchHostNetwork({ origin: null });
  const redirected = parseResponse((await exchange(await network.connectTcp('127.0.0.1', port, 1000), 'GET /redirect HTTP/1.1\r\nHost: x\r\n\r\n')).bytes);
  assert.equal(redirected.status, 'HTTP/1.1 200 OK');
  assert.equal(redirected.body, 'hello from the host\n');
  const empty = Buffer.from((await exchange(await network.connectTcp('127.0.0.1', port, 1000), 'GET /empty HTTP/1.1\r\nHost: x\r\n\r\n')).bytes).toString();
  assert.match(empty, /^HTTP\/1\.1 204 No Content\r\n/);
  assert.ok(empty.endsWith('\r\n\r\n') && !/content-length/i.test(empty));
  const head = Buffer.from((await exchange(await network.connectTcp('127.0.0.1', port, 1000), 'HEAD /ok HTTP/1.1\r\nHost: x\r\n\r\n')).bytes).toString();
  assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(head, /\r\nContent-Length: 20\r\n/);
  assert.ok(head.endsWith('\r\n\r\n'));
  const missing = parseResponse((await exchange(await network.connectTcp('127.0.0.1', port, 1000), 'GET /nope HTTP/1.1\r\nHost: x\r\n\r\n')).bytes);
  assert.equal(missing.status, 'HTTP/1.1 404 Not Found');
  assert.equal(missing.body, 'no such page\n');
});

test('a fetch the browser refuses is a 502 that says why: CORS when the server answers a no-cors probe, else fetch-failed', async () => {
  const calls: RequestInit[] = [];
  const blocked = (probeAnswers: boolean) => async (_url: string, init: RequestInit): Promise<Response> => {
    calls.push(init);
    if (init.mode === 'no-cors' && probeAnswers) return new Response(null, { status: 200 });
    throw new TypeError('Failed to fetch');
  };
  const cors = new FetchHostNetwork({ origin: 'http://127.0.0.1:1', fetch: blocked(true) });
  const { address } = (await cors.lookup('api.example'))[0]!;
  const r = parseResponse((await exchange(await cors.connectTcp(address, 8080, 1000), 'GET /data HTTP/1.1\r\nHost: api.example\r\n\r\n')).bytes);
  assert.equal(r.status, 'HTTP/1.1 502 Bad Gateway');
  assert.equal(r.headers.get('x-drydock-error'), 'cors');
  assert.match(r.body, /^Drydock: the browser blocked this request \(CORS\): GET http:\/\/api\.example:8080\/data — .*Access-Control-Allow-Origin.*run Drydock in Node/);
  assert.equal(calls[0]!.mode, 'cors');
  assert.equal(calls[0]!.credentials, 'omit');
  assert.equal(calls[1]!.method, 'HEAD');
  const failed = new FetchHostNetwork({ origin: null, fetch: blocked(false) });
  const f = parseResponse((await exchange(await failed.connectTcp('10.9.9.9', 80, 1000), 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')).bytes);
  assert.equal(f.status, 'HTTP/1.1 502 Bad Gateway');
  assert.equal(f.headers.get('x-drydock-error'), 'fetch-failed');
  assert.match(f.body, /could not fetch GET http:\/\/10\.9\.9\.9\/ \(Failed to fetch\): the server cannot be reached, or .*CORS/);
});

test('mixed content, CONNECT, malformed requests and port 443 get clear refusals; an unknown synthetic address is unreachable', async () => {
  let fetched = 0;
  const network = new FetchHostNetwork({
    origin: 'https://drydock.example',
    fetch: async () => {
      fetched++;
      return new Response('x');
    },
  });
  const { address } = (await network.lookup('example.com'))[0]!;
  const mixed = parseResponse((await exchange(await network.connectTcp(address, 80, 1000), 'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n')).bytes);
  assert.equal(mixed.headers.get('x-drydock-error'), 'mixed-content');
  assert.match(mixed.body, /mixed content\): http:\/\/example\.com\//);
  const connect = parseResponse((await exchange(await network.connectTcp(address, 80, 1000), 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n')).bytes);
  assert.equal(connect.status, 'HTTP/1.1 501 Not Implemented');
  assert.equal(connect.headers.get('x-drydock-error'), 'method');
  const garbage = parseResponse((await exchange(await network.connectTcp(address, 80, 1000), '\x16\x03\x01\x00 not http\r\n\r\n')).bytes);
  assert.equal(garbage.status, 'HTTP/1.1 400 Bad Request');
  assert.equal(garbage.headers.get('x-drydock-error'), 'bad-request');
  const partial = parseResponse((await exchange(await network.connectTcp(address, 80, 1000), 'GET / HTTP/1.1\r\nHost', { endInput: true })).bytes);
  assert.equal(partial.status, 'HTTP/1.1 400 Bad Request');
  assert.equal(fetched, 0);
  // http to a loopback name is allowed from https pages.
  const local = await network.lookup('app.localhost');
  assert.equal(parseResponse((await exchange(await network.connectTcp(local[0]!.address, 80, 1000), 'GET / HTTP/1.1\r\n\r\n')).bytes).body, 'x');
  await assert.rejects(network.connectTcp(address, 443, 1000), (e: { failure?: string; message?: string }) => e.failure === 'refused' && /TLS/.test(e.message ?? ''));
  await assert.rejects(network.connectTcp('198.18.200.1', 80, 1000), (e: { failure?: string }) => e.failure === 'host-unreachable');
});

test('a connection closed without a request ends quietly; destroy aborts the fetch', async () => {
  const network = new FetchHostNetwork({ origin: null });
  const quiet = await exchange(await network.connectTcp('127.0.0.1', port, 1000), new Uint8Array(0), { endInput: true });
  assert.equal(quiet.bytes.length, 0);
  assert.equal(quiet.error, false);
  let aborted = false;
  const slow = new FetchHostNetwork({
    origin: null,
    fetch: (_url, init) =>
      new Promise((_resolve, reject) =>
        init.signal!.addEventListener('abort', () => {
          aborted = true;
          reject(new DOMException('aborted', 'AbortError'));
        }),
      ),
  });
  const stream = await slow.connectTcp('127.0.0.1', port, 1000);
  let delivered = 0;
  stream.setHandlers({ data: () => delivered++, end: () => delivered++, drain: () => {}, close: () => delivered++ });
  stream.write(enc('GET / HTTP/1.1\r\n\r\n'));
  await new Promise((r) => setTimeout(r, 10));
  stream.destroy();
  await new Promise((r) => setTimeout(r, 10));
  assert.ok(aborted);
  assert.equal(delivered, 0);
});
