/**
 * Published UDP ports on the stack alone (no host sockets: the engine's own
 * datagram clients stand for host clients, as in a browser): sessions per
 * client, the gateway as the sender the container sees, conflicts, idle
 * sessions, and teardown.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Errno, ErrnoError } from '../common/errno.ts';
import type { SocketAddress } from './address.ts';
import { DatagramSocket } from './datagram-socket.ts';
import { NetworkNotFoundError } from './errors.ts';
import { NetworkManager } from './manager.ts';
import type { NetworkNamespace } from './namespace.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

function containerOn(manager: NetworkManager, network: string, name: string) {
  const ns = manager.createNamespace();
  const endpoint = manager.attach(ns, network, { containerId: name.padEnd(64, '0'), containerName: name });
  return { ns, endpoint };
}

/** Waits for the next datagram on `socket` (driven from JavaScript, as a guest's blocking recvfrom). */
async function recvFrom(socket: DatagramSocket): Promise<{ data: string; from: SocketAddress }> {
  for (let i = 0; i < 500; i++) {
    try {
      const r = socket.recv(65536, 0);
      return { data: text(r.data)!, from: r.from! };
    } catch (error) {
      if (!(error instanceof ErrnoError && error.errno === Errno.EAGAIN)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  throw new Error('no datagram');
}

/** An echo server in `ns` on `ip`:`port`: answers "<data> from <sender>" `count` times; resolves with what it saw. */
async function echo(ns: NetworkNamespace, ip: string, port: number, count: number): Promise<string[]> {
  const socket = new DatagramSocket(ns, 4, 'udp');
  socket.bind({ ip, port });
  const seen: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const { data, from } = await recvFrom(socket);
      seen.push(`${data} from ${from.ip}:${from.port}`);
      socket.send(bytes(`${data} from ${from.ip}:${from.port}`), 0, from);
    }
  } finally {
    socket.close();
  }
  return seen;
}

function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = () => {};
  return fn().finally(() => (console.warn = warn));
}

test('a published UDP port: each client gets its own replies, from the gateway as the container sees it', async () => {
  const m = new NetworkManager();
  const c = containerOn(m, 'bridge', 'dns');
  const port = await quietly(() => m.publish(c.ns, { containerPort: 53, hostPort: 5353, proto: 'udp' }));
  assert.equal(port.toString(), '53/udp -> 0.0.0.0:5353');
  const server = echo(c.ns, '0.0.0.0', 53, 4);
  const a = m.openPublishedDatagram(5353);
  const b = m.openPublishedDatagram(5353);
  a.send(bytes('a1'));
  const fromA = await a.receive();
  b.send(bytes('b1'));
  const fromB = await b.receive();
  a.send(bytes('a2'));
  b.send(bytes('b2'));
  const [a2, b2] = [await a.receive(), await b.receive()];
  const seen = await server;
  const sender = /^a1 from (172\.17\.0\.1):(\d+)$/.exec(text(fromA)!);
  assert.ok(sender, text(fromA)!);
  const senderB = /^b1 from 172\.17\.0\.1:(\d+)$/.exec(text(fromB)!);
  assert.ok(senderB, text(fromB)!);
  assert.notEqual(sender[2], senderB[1], 'each client has its own source port');
  assert.equal(text(a2), `a2 from 172.17.0.1:${sender[2]}`);
  assert.equal(text(b2), `b2 from 172.17.0.1:${senderB[1]}`);
  assert.equal(seen.length, 4);
  assert.equal(port.udp?.size, 2);
  assert.equal(port.udp?.opened, 2);
  a.close();
  assert.equal(port.udp?.size, 1);
  await m.releaseNamespace(c.ns);
  assert.throws(() => m.openPublishedDatagram(5353), NetworkNotFoundError);
  const proxies = [...m.hostNamespace.sockets].filter((s) => s.protocol === 'udp');
  assert.deepEqual(proxies, [], 'the sessions\' sockets are closed with the port');
});

test('UDP and TCP ports of one number do not conflict; two UDP publishes of it do', async () => {
  const m = new NetworkManager();
  const c = containerOn(m, 'bridge', 'both');
  await quietly(() => m.publish(c.ns, { containerPort: 53, hostPort: 5300, proto: 'udp' }));
  await m.publish(c.ns, { containerPort: 53, hostPort: 5300, proto: 'tcp' });
  await assert.rejects(m.publish(c.ns, { containerPort: 54, hostPort: 5300, proto: 'udp' }), /Bind for 0\.0\.0\.0:5300 failed: port is already allocated/);
  await assert.rejects(m.publish(c.ns, { containerPort: 54, hostIp: '127.0.0.1', hostPort: 5300, proto: 'udp' }), /port is already allocated/);
  // -P: each protocol's allocator starts at 32768, as dockerd's.
  const u = await m.publish(c.ns, { containerPort: 60, proto: 'udp' });
  const t = await m.publish(c.ns, { containerPort: 60, proto: 'tcp' });
  assert.deepEqual([u.hostPort, t.hostPort], [32768, 32768]);
  await m.releaseNamespace(c.ns);
  const again = containerOn(m, 'bridge', 'again');
  const reused = await m.publish(again.ns, { containerPort: 53, hostPort: 5300, proto: 'udp' });
  assert.equal(reused.hostPort, 5300, 'the port is free again once its container is gone');
});

test('the container\'s socket may be bound to its eth0 address; loopback-only servers are not reachable', async () => {
  const m = new NetworkManager();
  m.createNetwork({ name: 'unet' });
  const c = containerOn(m, 'unet', 'eth0only');
  await quietly(() => m.publish(c.ns, { containerPort: 53, hostPort: 5353, proto: 'udp' }));
  const server = echo(c.ns, c.endpoint.ip!, 53, 1);
  const client = m.openPublishedDatagram(5353);
  client.send(bytes('q'));
  assert.match(text(await client.receive())!, new RegExp(`^q from ${m.get('unet').gateway!.replace(/\./g, '\\.')}:\\d+$`));
  await server;
  const lo = new DatagramSocket(c.ns, 4, 'udp');
  lo.bind({ ip: '127.0.0.1', port: 53 });
  client.send(bytes('lost'));
  assert.equal(await client.receive(100), null);
  assert.throws(() => lo.recv(100, 0), (e: unknown) => e instanceof ErrnoError && e.errno === Errno.EAGAIN);
  lo.close();
  await m.releaseNamespace(c.ns);
});

test('a datagram nobody receives is dropped and the next one goes through; idle sessions end', async () => {
  const m = new NetworkManager({ udpIdleMs: 60 });
  const c = containerOn(m, 'bridge', 'late');
  const port = await quietly(() => m.publish(c.ns, { containerPort: 53, hostPort: 5353, proto: 'udp' }));
  const client = m.openPublishedDatagram(5353);
  client.send(bytes('too early'));
  await new Promise((resolve) => setTimeout(resolve, 5));
  const server = echo(c.ns, '0.0.0.0', 53, 2);
  client.send(bytes('first'));
  const first = /^first from 172\.17\.0\.1:(\d+)$/.exec(text(await client.receive())!);
  assert.ok(first);
  // No reply for longer than the idle time: the session ends; the next datagram opens another (a new source port).
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(port.udp?.size, 0);
  client.send(bytes('second'));
  const second = /^second from 172\.17\.0\.1:(\d+)$/.exec(text(await client.receive())!);
  assert.ok(second);
  assert.notEqual(second[1], first[1]);
  assert.deepEqual((await server).map((s) => s.split(' ')[0]), ['first', 'second']);
  await m.releaseNamespace(c.ns);
});
