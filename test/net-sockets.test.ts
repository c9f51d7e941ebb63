/**
 * Socket semantics through the real kernel: C programs (test/programs/net-*.c)
 * in worker processes, talking over the loopback of one network namespace.
 */
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { SIG } from '../src/kernel/abi/linux.ts';
import { NetworkStack } from '../src/net/stack.ts';
import { run, start, waitForOutput } from './helpers/kernel-harness.ts';
import { netKernel } from './net-harness.ts';

const kernel = await netKernel({ warmWorkers: 3 });
after(() => kernel.shutdown());

/** Each test gets its own namespace, so ports never collide between tests. */
function freshNamespace() {
  return new NetworkStack().createNamespace();
}

test('TCP echo over loopback: text, half-close, and the server sees each connection end', async () => {
  const net = freshNamespace();
  const server = await start(kernel, '/bin/net-echo.wasm', ['server', '8080', '2'], { net });
  await waitForOutput(server.stdout, 'listening 8080');
  const a = await run(kernel, '/bin/net-echo.wasm', ['client', '127.0.0.1', '8080', 'hello, drydock'], { net });
  assert.equal(a.stdout, 'hello, drydock\n');
  assert.equal(a.exit.exitCode, 0);
  const b = await run(kernel, '/bin/net-echo.wasm', ['client', 'localhost', '8080', 'by name'], { net });
  assert.equal(b.stdout, 'by name\n');
  assert.equal((await server.proc.exited).exitCode, 0);
  assert.equal(server.stdout.text(), 'listening 8080\nserved 2\n');
});

test('back-pressure: 1 MiB through the echo server arrives intact', async () => {
  const net = freshNamespace();
  const server = await start(kernel, '/bin/net-echo.wasm', ['server', '9000', '1'], { net });
  await waitForOutput(server.stdout, 'listening');
  const r = await run(kernel, '/bin/net-echo.wasm', ['blast', '127.0.0.1', '9000', String(1 << 20)], { net });
  assert.equal(r.stdout, 'sent 1048576 received 1048576 mismatched 0\n');
  assert.equal(r.exit.exitCode, 0);
  await server.proc.exited;
});

test('100 concurrent connections to one poll-based server', async () => {
  const net = freshNamespace();
  const server = await start(kernel, '/bin/net-echo.wasm', ['server', '7070', '100'], { net });
  await waitForOutput(server.stdout, 'listening');
  const r = await run(kernel, '/bin/net-echo.wasm', ['concurrent', '127.0.0.1', '7070', '100'], { net });
  assert.equal(r.stdout, '100 of 100 connections echoed\n');
  assert.equal((await server.proc.exited).exitCode, 0);
  assert.match(server.stdout.text(), /served 100/);
});

test('ECONNREFUSED on a closed port (blocking and non-blocking connect)', async () => {
  const net = freshNamespace();
  const blocking = await run(kernel, '/bin/net-echo.wasm', ['refuse', '127.0.0.1', '1234'], { net });
  assert.equal(blocking.stdout, 'ECONNREFUSED\n');
  const nonblocking = await run(kernel, '/bin/net-echo.wasm', ['probe', '127.0.0.1', '1234', '1000'], { net });
  assert.equal(nonblocking.stdout, 'ECONNREFUSED\n');
});

test('EADDRINUSE for a second listener, even with SO_REUSEADDR; free again after close', async () => {
  const r = await run(kernel, '/bin/net-errors.wasm', ['addrinuse'], { net: freshNamespace() });
  assert.equal(r.stdout, 'first: OK\nsecond: EADDRINUSE\nsecond with SO_REUSEADDR: EADDRINUSE\nafter close: OK\n');
});

test('ECONNRESET when the peer closes with unread data; then EOF; then EPIPE', async () => {
  const r = await run(kernel, '/bin/net-errors.wasm', ['reset'], { net: freshNamespace() });
  assert.equal(r.stdout, 'send: OK\nrecv: ECONNRESET\nrecv again: 0\nsend after reset: EPIPE\n');
});

test('EPIPE after the peer closed: MSG_NOSIGNAL returns it, a plain write dies of SIGPIPE', async () => {
  const r = await run(kernel, '/bin/net-errors.wasm', ['epipe'], { net: freshNamespace() });
  assert.equal(r.stdout, 'recv: 0\nfirst send: OK\nsecond send (MSG_NOSIGNAL): EPIPE\n');
  assert.equal(r.exit.signal, SIG.PIPE);
  assert.equal(r.exit.exitCode, 141);
  const ignored = await run(kernel, '/bin/net-errors.wasm', ['sigpipe-ignored'], { net: freshNamespace() });
  assert.equal(ignored.stdout, 'recv: 0\nfirst send: OK\nsecond send (MSG_NOSIGNAL): EPIPE\nwrite: EPIPE\nstill alive\n');
});

test('socket names and options', async () => {
  const r = await run(kernel, '/bin/net-errors.wasm', ['names'], { net: freshNamespace() });
  assert.equal(
    r.stdout,
    [
      'client local 127.0.0.1 port>=32768 1 len 16',
      'server peer 127.0.0.1 same port 1',
      'client peer 127.0.0.1:7004',
      'SO_TYPE stream 1',
      'SO_ERROR 0',
      'SO_RCVBUF 131072',
      'TCP_NODELAY: OK',
      'SO_KEEPALIVE: OK',
      'getpeername unconnected: ENOTCONN',
      'send on a pipe: ENOTSOCK',
      '',
    ].join('\n'),
  );
});

test('non-blocking accept and recv answer EAGAIN; MSG_PEEK leaves the data', async () => {
  const r = await run(kernel, '/bin/net-errors.wasm', ['nonblock'], { net: freshNamespace() });
  assert.equal(r.stdout, 'accept with nobody: EAGAIN\nrecv MSG_DONTWAIT: EAGAIN\npeek 4 peek\nread 8 peekaboo\n');
});

test('listen(1): connects beyond the backlog wait for accept instead of failing', async () => {
  const r = await run(kernel, '/bin/net-errors.wasm', ['backlog'], { net: freshNamespace() });
  assert.equal(
    r.stdout,
    'connect 0: EINPROGRESS\nconnect 1: EINPROGRESS\nconnect 2: EINPROGRESS\naccepted 0: OK\naccepted 1: OK\naccepted 2: OK\n',
  );
});

test('UDP: echo, truncation and boundaries, ECONNREFUSED on a connected socket', async () => {
  const net = freshNamespace();
  const server = await start(kernel, '/bin/net-udp.wasm', ['server', '5353', '2'], { net });
  await waitForOutput(server.stdout, 'listening');
  const r = await run(kernel, '/bin/net-udp.wasm', ['client', '127.0.0.1', '5353', 'one', 'two'], { net });
  assert.equal(r.stdout, 'reply: one\nreply: two\n');
  await server.proc.exited;
  const t = await run(kernel, '/bin/net-udp.wasm', ['trunc'], { net });
  assert.equal(t.stdout, 'peek trunc: 10\nshort read: 4 0123\nnext datagram: 3 abc\nconnected to a closed port: ECONNREFUSED\n');
});

test('ICMP ping sockets get echo replies from loopback', async () => {
  const r = await run(kernel, '/bin/net-udp.wasm', ['ping', '127.0.0.1', '2'], { net: freshNamespace() });
  assert.equal(r.stdout, 'seq 1: 64 bytes from 127.0.0.1 ok\nseq 2: 64 bytes from 127.0.0.1 ok\n');
});

test('a process killed with unread data resets its peers (ECONNRESET)', async () => {
  const net = freshNamespace();
  const holder = await start(kernel, '/bin/net-errors.wasm', ['hold', '6000'], { net });
  await waitForOutput(holder.stdout, 'listening');
  const client = await start(kernel, '/bin/net-errors.wasm', ['await', '6000'], { net });
  await waitForOutput(holder.stdout, 'accepted OK');
  await waitForOutput(client.stdout, 'sent: OK');
  kernel.signal(holder.proc, SIG.KILL, null);
  assert.equal((await holder.proc.exited).exitCode, 137);
  await client.proc.exited;
  assert.equal(client.stdout.text(), 'sent: OK\nrecv: ECONNRESET\n');
});
