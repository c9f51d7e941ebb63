import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Errno, ErrnoError } from '../common/errno.ts';
import { Subnet, ipBytes, ipFromBytes, parseIp } from './address.ts';
import { DatagramSocket } from './datagram-socket.ts';
import { NetworkStack } from './stack.ts';
import { StreamSocket } from './stream-socket.ts';

function errnoOf(fn: () => unknown): Errno | null {
  try {
    fn();
    return null;
  } catch (error) {
    if (error instanceof ErrnoError) return error.errno;
    throw error;
  }
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

test('addresses parse to canonical forms', () => {
  assert.equal(parseIp('172.017.0.2'), '172.17.0.2');
  assert.equal(parseIp('0:0:0:0:0:0:0:1'), '::1');
  assert.equal(parseIp('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
  assert.equal(parseIp('::ffff:10.0.0.1'), '::ffff:10.0.0.1');
  assert.equal(parseIp('1.2.3'), null);
  assert.equal(parseIp('1.2.3.256'), null);
  assert.equal(parseIp(':::1'), null);
  assert.equal(ipFromBytes(ipBytes('fe80::42:acff:fe11:2')!), 'fe80::42:acff:fe11:2');
  const net = Subnet.parse('172.18.5.9/16')!;
  assert.equal(net.toString(), '172.18.0.0/16');
  assert.ok(net.contains('172.18.255.1'));
  assert.ok(!net.contains('172.19.0.1'));
  assert.ok(net.overlaps(Subnet.parse('172.0.0.0/8')!));
  assert.ok(!net.overlaps(Subnet.parse('172.19.0.0/16')!));
});

function listener(stack: NetworkStack, port: number, backlog = 16) {
  const ns = stack.createNamespace();
  const server = new StreamSocket(ns, 4);
  server.bind({ ip: '0.0.0.0', port });
  server.listen(backlog);
  return { ns, server };
}

test('stream sockets connect over loopback, carry data both ways, and end with FIN', () => {
  const stack = new NetworkStack();
  const { ns, server } = listener(stack, 8080);
  const client = new StreamSocket(ns, 4);
  assert.equal(client.connect({ ip: '127.0.0.1', port: 8080 }), 'connected');
  const conn = server.accept();
  assert.deepEqual(conn.remote, client.local);
  assert.deepEqual(client.remote, { ip: '127.0.0.1', port: 8080 });
  client.send(bytes('ping'), 0, null);
  assert.equal(text(conn.recv(100, 0).data), 'ping');
  conn.send(bytes('pong'), 0, null);
  assert.equal(text(client.recv(100, 0).data), 'pong');
  assert.equal(errnoOf(() => client.recv(100, 0)), Errno.EAGAIN);
  client.shutdown(false, true);
  assert.equal(conn.recv(100, 0).data.length, 0, 'EOF after FIN');
  conn.send(bytes('still open'), 0, null);
  assert.equal(text(client.recv(100, 0).data), 'still open', 'half-close keeps the other direction');
  conn.close();
  assert.equal(client.recv(100, 0).data.length, 0);
});

test('a connect to a port nobody listens on is refused; a second listener is EADDRINUSE', () => {
  const stack = new NetworkStack();
  const { ns } = listener(stack, 80);
  const client = new StreamSocket(ns, 4);
  assert.equal(client.connect({ ip: '127.0.0.1', port: 81 }), 'pending');
  assert.equal(client.takeError(), Errno.ECONNREFUSED);
  const second = new StreamSocket(ns, 4);
  assert.equal(errnoOf(() => second.bind({ ip: '0.0.0.0', port: 80 })), Errno.EADDRINUSE);
  const third = new StreamSocket(ns, 4);
  third.options.reuseAddr = true;
  assert.equal(errnoOf(() => third.bind({ ip: '127.0.0.1', port: 80 })), Errno.EADDRINUSE, 'SO_REUSEADDR does not share a listening port');
  const v6 = new StreamSocket(ns, 6);
  assert.equal(errnoOf(() => v6.bind({ ip: '::', port: 80 })), Errno.EADDRINUSE, 'a dual-stack wildcard overlaps 0.0.0.0');
  v6.options.v6only = true;
  v6.bind({ ip: '::', port: 80 });
});

test('back-pressure: a full buffer stops the writer, nothing is lost', () => {
  const stack = new NetworkStack();
  const { ns, server } = listener(stack, 9000);
  const client = new StreamSocket(ns, 4);
  client.connect({ ip: '127.0.0.1', port: 9000 });
  const conn = server.accept();
  const total = 1024 * 1024;
  const source = new Uint8Array(total).map((_, i) => (i * 7) % 251);
  let sent = 0;
  let received = 0;
  const sink = new Uint8Array(total);
  let blocked = 0;
  while (received < total) {
    try {
      sent += client.send(source.subarray(sent, Math.min(total, sent + 100_000)), 0, null);
    } catch (error) {
      assert.equal((error as ErrnoError).errno, Errno.EAGAIN);
      blocked++;
      const data = conn.recv(70_000, 0).data;
      sink.set(data, received);
      received += data.length;
    }
    if (sent === total) {
      while (received < total) {
        const data = conn.recv(70_000, 0).data;
        sink.set(data, received);
        received += data.length;
      }
    }
  }
  assert.ok(blocked > 0, 'the writer was stopped at least once');
  assert.deepEqual(sink, source);
});

test('close with unread data resets the peer; writing to a closed peer gives EPIPE', () => {
  const stack = new NetworkStack();
  const { ns, server } = listener(stack, 7000);
  const a = new StreamSocket(ns, 4);
  a.connect({ ip: '127.0.0.1', port: 7000 });
  const b = server.accept();
  a.send(bytes('unread'), 0, null);
  b.close();
  assert.equal(errnoOf(() => a.recv(10, 0)), Errno.ECONNRESET);
  assert.equal(a.recv(10, 0).data.length, 0, 'then end of file');
  assert.equal(errnoOf(() => a.send(bytes('x'), 0, null)), Errno.EPIPE);

  const c = new StreamSocket(ns, 4);
  c.connect({ ip: '127.0.0.1', port: 7000 });
  const d = server.accept();
  d.close();
  assert.equal(c.send(bytes('first'), 0, null), 5, 'the first write after the peer closed succeeds');
  assert.equal(errnoOf(() => c.send(bytes('second'), 0, null)), Errno.EPIPE);
});

test('the listen backlog holds backlog+1 connections; later connects wait for accept', () => {
  const stack = new NetworkStack();
  const { ns, server } = listener(stack, 5000, 1);
  const clients = [0, 1, 2].map(() => new StreamSocket(ns, 4));
  const states = clients.map((c) => c.connect({ ip: '127.0.0.1', port: 5000 }));
  assert.deepEqual(states, ['connected', 'connected', 'pending']);
  server.accept();
  assert.equal(clients[2]!.state, 'connected', 'admitted once accept made room');
  server.close();
  for (const c of clients) c.close();
});

test('UDP keeps message boundaries, truncates, and reports unreachable ports to connected senders', async () => {
  const stack = new NetworkStack();
  const ns = stack.createNamespace();
  const server = new DatagramSocket(ns, 4, 'udp');
  server.bind({ ip: '0.0.0.0', port: 5353 });
  const client = new DatagramSocket(ns, 4, 'udp');
  client.send(bytes('hello'), 0, { ip: '127.0.0.1', port: 5353 });
  client.send(bytes('world!'), 0, { ip: '127.0.0.1', port: 5353 });
  const first = server.recv(3, 0);
  assert.equal(text(first.data), 'hel');
  assert.equal(first.length, 5);
  assert.deepEqual(first.from, client.local);
  assert.equal(text(server.recv(100, 0).data), 'world!');
  client.connect({ ip: '127.0.0.1', port: 9 });
  client.send(bytes('x'), 0, null);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(errnoOf(() => client.recv(10, 0)), Errno.ECONNREFUSED);
});
