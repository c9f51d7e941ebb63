/**
 * Published UDP ports through the real kernel and real host sockets: a C
 * UDP echo server in a container (test/programs/net-udp.c), host clients
 * with node:dgram on IPv4 and IPv6, several at once, conflicts with the
 * host's own sockets, and the port freed when the container goes.
 */
import { strict as assert } from 'node:assert';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import type { Kernel } from '../src/kernel/kernel.ts';
import { NetworkManager } from '../src/net/manager.ts';
import type { NetworkNamespace } from '../src/net/namespace.ts';
import { NodeHostNetwork } from '../src/platform/node/net-host.ts';
import { NodePortPublisher } from '../src/platform/node/net-publisher.ts';
import { start, waitForOutput } from './helpers/kernel-harness.ts';
import { netKernel } from './net-harness.ts';

const kernel: Kernel = await netKernel({ warmWorkers: 2 });
const manager = new NetworkManager({ host: new NodeHostNetwork(), publisher: new NodePortPublisher() });
after(() => kernel.shutdown());

let containers = 0;
function container(name: string, network = 'bridge'): NetworkNamespace {
  const ns = manager.createNamespace();
  manager.attach(ns, network, { containerId: `${(++containers).toString(16).padStart(4, '0')}${'cd'.repeat(30)}`, containerName: name });
  return ns;
}

/** An echo server for `count` datagrams on 0.0.0.0:`port` in `ns`. */
async function udpEchoServer(ns: NetworkNamespace, port: number, count: number) {
  const server = await start(kernel, '/bin/net-udp.wasm', ['server', String(port), String(count)], { net: ns });
  await waitForOutput(server.stdout, 'listening');
  return server;
}

/** A host UDP client (IPv4 or IPv6) that collects what comes back. */
async function hostClient(type: 'udp4' | 'udp6'): Promise<{ socket: Socket; received: string[]; next: () => Promise<string> }> {
  const socket = createSocket(type);
  await new Promise<void>((resolve) => socket.bind(0, type === 'udp4' ? '127.0.0.1' : '::1', resolve));
  const received: string[] = [];
  const waiters: ((s: string) => void)[] = [];
  socket.on('message', (message) => {
    const waiter = waiters.shift();
    if (waiter) waiter(message.toString());
    else received.push(message.toString());
  });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const ready = received.shift();
      if (ready !== undefined) return resolve(ready);
      const timer = setTimeout(() => reject(new Error('no reply within 10 s')), 10_000);
      waiters.push((s) => {
        clearTimeout(timer);
        resolve(s);
      });
    });
  return { socket, received, next };
}

function send(socket: Socket, message: string, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => socket.send(message, port, address, (error) => (error ? reject(error) : resolve())));
}

function hasIpv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp6');
    s.once('error', () => resolve(false));
    s.bind(0, '::1', () => {
      s.close();
      resolve(true);
    });
  });
}

test('host clients reach a container\'s UDP server through a published port, each getting its own replies', async () => {
  const ns = container('udp-echo');
  const server = await udpEchoServer(ns, 53, 7);
  const port = await manager.publish(ns, { containerPort: 53, hostPort: 0, proto: 'udp' });
  assert.ok(port.hostPort >= 32768 && port.hostPort <= 60999, `ephemeral port ${port.hostPort}`);
  assert.equal(port.toString(), `53/udp -> 0.0.0.0:${port.hostPort}`);
  const clients = await Promise.all([hostClient('udp4'), hostClient('udp4'), hostClient('udp4')]);
  // All of them at once, twice each: every client must get exactly its own datagrams back.
  await Promise.all(clients.map((c, i) => send(c.socket, `client ${i} first`, port.hostPort, '127.0.0.1')));
  await Promise.all(clients.map((c, i) => send(c.socket, `client ${i} second`, port.hostPort, '127.0.0.1')));
  for (const [i, c] of clients.entries()) {
    assert.deepEqual([await c.next(), await c.next()].sort(), [`client ${i} first`, `client ${i} second`]);
  }
  // The sessions: one socket per client in the host namespace, on the gateway address.
  const sessions = [...manager.hostNamespace.sockets].filter((s) => s.protocol === 'udp');
  assert.equal(sessions.length, 3);
  for (const s of sessions) assert.equal(s.local?.ip, '172.17.0.1');
  if (await hasIpv6Loopback()) {
    const v6 = await hostClient('udp6');
    await send(v6.socket, 'over IPv6', port.hostPort, '::1');
    assert.equal(await v6.next(), 'over IPv6');
    v6.socket.close();
  } else {
    // The seventh datagram the server waits for.
    await send(clients[0]!.socket, 'again', port.hostPort, '127.0.0.1');
    assert.equal(await clients[0]!.next(), 'again');
  }
  assert.equal((await server.proc.exited).exitCode, 0);
  for (const c of clients) c.socket.close();
  await manager.releaseNamespace(ns);
  assert.deepEqual([...manager.hostNamespace.sockets].filter((s) => s.protocol === 'udp'), [], 'sessions closed with the port');
  // The host port is free again: a host socket can bind it.
  const reuse = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    reuse.once('error', reject);
    reuse.bind(port.hostPort, '127.0.0.1', resolve);
  });
  reuse.close();
});

test('a UDP port the host already uses is "already allocated"; a TCP listener on the same number is no conflict', async () => {
  const ns = container('udp-conflict');
  const hostUdp = createSocket('udp4');
  await new Promise<void>((resolve) => hostUdp.bind(0, '127.0.0.1', resolve));
  const taken = hostUdp.address().port;
  try {
    await assert.rejects(
      manager.publish(ns, { containerPort: 53, hostIp: '127.0.0.1', hostPort: taken, proto: 'udp' }),
      new RegExp(`Bind for 127\\.0\\.0\\.1:${taken} failed: port is already allocated`),
    );
  } finally {
    hostUdp.close();
  }
  const tcp = createServer();
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const tcpPort = (tcp.address() as AddressInfo).port;
  try {
    const port = await manager.publish(ns, { containerPort: 53, hostIp: '127.0.0.1', hostPort: tcpPort, proto: 'udp' });
    assert.equal(port.hostPort, tcpPort);
  } finally {
    tcp.close();
    await manager.releaseNamespace(ns);
  }
});
