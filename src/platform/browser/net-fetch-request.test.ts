import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { HttpRequestError, HttpRequestParser, headerValue } from './net-fetch-request.ts';
import type { HttpRequest, HttpRequestEvent } from './net-fetch-request.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

function requests(events: HttpRequestEvent[]): HttpRequest[] {
  return events.flatMap((e) => (e.type === 'request' ? [e.request] : []));
}

/** Feeds `input` one byte at a time: every split point must give the same requests. */
function byteByByte(input: string): HttpRequest[] {
  const parser = new HttpRequestParser();
  const out: HttpRequest[] = [];
  for (const byte of enc(input)) out.push(...requests(parser.push(Uint8Array.of(byte))));
  return out;
}

test('a GET as busybox wget sends it', () => {
  const parser = new HttpRequestParser();
  const input = 'GET /ok?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Wget\r\nConnection: close\r\n\r\n';
  const events = parser.push(enc(input));
  assert.deepEqual(
    events.map((e) => e.type),
    ['head', 'request'],
  );
  const [request] = requests(events);
  assert.equal(request!.method, 'GET');
  assert.equal(request!.target, '/ok?x=1');
  assert.equal(request!.version, '1.1');
  assert.deepEqual(request!.headers, [
    ['Host', 'example.com'],
    ['User-Agent', 'Wget'],
    ['Connection', 'close'],
  ]);
  assert.equal(request!.body.length, 0);
  assert.ok(parser.idle);
  parser.end();
  assert.deepEqual(byteByByte(input), [request]);
});

test('Content-Length bodies, split anywhere, and pipelined requests', () => {
  const input = 'POST /a HTTP/1.1\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello worldPUT /b HTTP/1.0\r\ncontent-length: 3\r\n\r\nxyz';
  const all = byteByByte(input);
  assert.equal(all.length, 2);
  assert.equal(text(all[0]!.body), 'hello world');
  assert.equal(all[1]!.method, 'PUT');
  assert.equal(all[1]!.version, '1.0');
  assert.equal(text(all[1]!.body), 'xyz');
  const whole = requests(new HttpRequestParser().push(enc(input)));
  assert.deepEqual(whole, all);
});

test('chunked bodies with extensions and trailers, LF-only lines', () => {
  const input = 'POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\nGET /next HTTP/1.1\nHost: h\n\n';
  const all = byteByByte(input);
  assert.equal(all.length, 2);
  assert.equal(text(all[0]!.body), 'hello world');
  assert.equal(all[1]!.target, '/next');
  assert.equal(headerValue(all[1]!.headers, 'HOST'), 'h');
});

test('a request is reported only when its body is complete; end() in the middle is an error', () => {
  const parser = new HttpRequestParser();
  const events = parser.push(enc('POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n12345'));
  assert.deepEqual(
    events.map((e) => e.type),
    ['head'],
  );
  assert.equal(parser.idle, false);
  assert.throws(() => parser.end(), (e: unknown) => e instanceof HttpRequestError && e.status === 400);
});

test('malformed requests get the status a server answers, and the parser stays broken', () => {
  const cases: [string, number][] = [
    ['GARBAGE\r\n\r\n', 400],
    ['GET / HTTP/2.0\r\n\r\n', 505],
    ['GET / FOO/1.1\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\nBad Header: x\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\nX: 1\r\n folded\r\n\r\n', 400],
    ['POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n', 400],
    ['POST / HTTP/1.1\r\nContent-Length: 1, 2\r\n\r\n', 400],
    ['POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n', 400],
    ['POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', 501],
    ['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n', 400],
    ['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400],
    ['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n', 400],
  ];
  for (const [input, status] of cases) {
    const parser = new HttpRequestParser();
    assert.throws(
      () => parser.push(enc(input)),
      (e: unknown) => e instanceof HttpRequestError && e.status === status,
      JSON.stringify(input),
    );
    assert.throws(() => parser.push(enc('GET / HTTP/1.1\r\n\r\n')), HttpRequestError);
  }
});

test('limits: a long head is 431, a large body 413 (Content-Length or chunked)', () => {
  const small = { maxHeadBytes: 100, maxBodyBytes: 10 };
  assert.throws(
    () => new HttpRequestParser(small).push(enc(`GET / HTTP/1.1\r\nX: ${'a'.repeat(200)}`)),
    (e: unknown) => e instanceof HttpRequestError && e.status === 431,
  );
  assert.throws(
    () => new HttpRequestParser(small).push(enc(`GET / HTTP/1.1\r\nX: ${'a'.repeat(200)}\r\n\r\n`)),
    (e: unknown) => e instanceof HttpRequestError && e.status === 431,
  );
  assert.throws(
    () => new HttpRequestParser(small).push(enc('POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n')),
    (e: unknown) => e instanceof HttpRequestError && e.status === 413,
  );
  assert.throws(
    () => new HttpRequestParser(small).push(enc('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n')),
    (e: unknown) => e instanceof HttpRequestError && e.status === 413,
  );
});

test('header values are trimmed, repeated fields joined, bytes above 0x7f kept as Latin-1', () => {
  const [request] = requests(new HttpRequestParser().push(Uint8Array.from([...enc('GET / HTTP/1.1\r\nA:  x \r\na: y\r\nB: '), 0xe9, ...enc('\r\n\r\n')])));
  assert.equal(headerValue(request!.headers, 'a'), 'x, y');
  assert.equal(headerValue(request!.headers, 'b'), '\u00e9');
  assert.equal(headerValue(request!.headers, 'c'), null);
});
