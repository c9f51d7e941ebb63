/**
 * Docker networks through the real kernel: containers (namespaces made by
 * the NetworkManager) on bridges, the embedded DNS, isolation between
 * networks, published ports reached from the host with node:net, outbound
 * connections to the host's network.
 */
import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, test } from 'node:test';
import type { Kernel } from '../src/kernel/kernel.ts';
import { NetworkManager } from '../src/net/manager.ts';
import type { NetworkNamespace } from '../src/net/namespace.ts';
import { NodeHostNetwork } from '../src/platform/node/net-host.ts';
import { NodePortPublisher } from '../src/platform/node/net-publisher.ts';
import { run, start, waitForOutput } from './helpers/kernel-harness.ts';
import type { RunResult } from './helpers/kernel-harness.ts';
import { netKernel } from './net-harness.ts';

const kernel: Kernel = await netKernel({ warmWorkers: 3 });
const manager = new NetworkManager({
  host: new NodeHostNetwork(),
  publisher: new NodePortPublisher(),
  // Short timeouts so the isolation tests stay quick (Linux: 127 s and 3 s).
  connectTimeoutMs: 1500,
  arpTimeoutMs: 300,
});
after(() => kernel.shutdown());

let containers = 0;
/** A "container": a namespace attached to `networks`, named like Docker would. */
function container(name: string, networks: string[], aliases: string[] = []): NetworkNamespace {
  const ns = manager.createNamespace();
  const id = `${(++containers).toString(16).padStart(4, '0')}${'ab'.repeat(30)}`;
  for (const network of networks) manager.attach(ns, network, { containerId: id, containerName: name, aliases });
  return ns;
}

function ipOf(ns: NetworkNamespace, network?: string): string {
  const endpoint = manager.endpointsOf(ns).find((e) => !network || e.network.name === network);
  assert.ok(endpoint?.ip, 'container has an address');
  return endpoint.ip;
}

async function echoServer(ns: NetworkNamespace, port: number, connections: number) {
  const server = await start(kernel, '/bin/net-echo.wasm', ['server', String(port), String(connections)], { net: ns });
  await waitForOutput(server.stdout, 'listening');
  return server;
}

function client(ns: NetworkNamespace, ...args: string[]): Promise<RunResult> {
  return run(kernel, '/bin/net-echo.wasm', args, { net: ns });
}

test('the default networks exist; user networks get 172.18.0.0/16, 172.19.0.0/16, ...', () => {
  const names = manager.list().map((n) => n.name);
  assert.deepEqual(names, ['bridge', 'host', 'none']);
  const bridge = manager.get('bridge');
  assert.equal(String(bridge.subnet), '172.17.0.0/16');
  assert.equal(bridge.gateway, '172.17.0.1');
  assert.equal(bridge.bridgeName, 'docker0');
  const a = manager.createNetwork({ name: 'alpha' });
  const b = manager.createNetwork({ name: 'beta' });
  assert.equal(String(a.subnet), '172.18.0.0/16');
  assert.equal(b.gateway, '172.19.0.1');
  assert.throws(() => manager.createNetwork({ name: 'alpha' }), /network with name alpha already exists/);
  assert.throws(() => manager.createNetwork({ name: 'x', subnet: '172.18.5.0/24' }), /Pool overlaps with other one on this address space/);
  assert.throws(() => manager.removeNetwork('bridge'), /bridge is a pre-defined network and cannot be removed/);
});

test('two containers on one user network talk by IP, by name, by alias and by name.network', async () => {
  manager.createNetwork({ name: 'shop' });
  const web = container('web', ['shop'], ['www']);
  const cli = container('cli', ['shop']);
  const server = await echoServer(web, 80, 4);
  for (const host of [ipOf(web), 'web', 'www', 'web.shop']) {
    const r = await client(cli, 'client', host, '80', `via ${host}`);
    assert.equal(r.stdout, `via ${host}\n`, `connect to ${host}`);
  }
  await server.proc.exited;
  const names = await run(kernel, '/bin/net-resolve.wasm', ['web', 'WWW.', 'nosuch', '-r', ipOf(web)], { net: cli });
  assert.equal(names.stdout, `web -> ${ipOf(web)}\nWWW. -> ${ipOf(web)}\nnosuch: Name does not resolve\nweb.shop <- ${ipOf(web)}\n`);
});

test('the peer address a server sees is the client container\'s own address', async () => {
  manager.createNetwork({ name: 'peers' });
  const a = container('a', ['peers']);
  const b = container('b', ['peers']);
  const r = await run(kernel, '/bin/net-echo.wasm', ['probe', ipOf(b), '9', '1000'], { net: a });
  // Nothing listens on port 9 of b: refused, at once.
  assert.equal(r.stdout, 'ECONNREFUSED\n');
  await echoServer(b, 9, 1);
  const ok = await run(kernel, '/bin/net-echo.wasm', ['probe', ipOf(b), '9', '1000'], { net: a });
  assert.equal(ok.stdout, `connected from ${ipOf(a)}\n`);
});

test('no DNS by name on the default bridge, while the IP works', async () => {
  const server = container('legacy', ['bridge']);
  const other = container('other', ['bridge']);
  assert.match(ipOf(server), /^172\.17\.0\.\d+$/);
  await echoServer(server, 8080, 1);
  const byName = await client(other, 'client', 'legacy', '8080', 'x');
  assert.match(byName.stdout, /^resolve legacy: (Name does not resolve|Try again)\n$/);
  const byIp = await client(other, 'client', ipOf(server), '8080', 'by ip');
  assert.equal(byIp.stdout, 'by ip\n');
});

test('isolation: a container cannot reach one on another network (connects time out, pings get no reply)', async () => {
  manager.createNetwork({ name: 'iso-a' });
  manager.createNetwork({ name: 'iso-b' });
  const a = container('isoa', ['iso-a']);
  const b = container('isob', ['iso-b']);
  await echoServer(b, 80, 1);
  const probe = await client(a, 'probe', ipOf(b), '80', '500');
  assert.equal(probe.stdout, 'timeout\n');
  const blocking = await client(a, 'refuse', ipOf(b), '80');
  assert.equal(blocking.stdout, 'ETIMEDOUT\n');
  const byName = await client(a, 'client', 'isob', '80', 'x');
  assert.equal(byName.stdout, 'resolve isob: Name does not resolve\n');
  const ping = await run(kernel, '/bin/net-udp.wasm', ['ping', ipOf(b), '1'], { net: a });
  assert.equal(ping.stdout, 'seq 1: no reply\n');
  // Its own network's gateway (the host) answers.
  const gateway = manager.get('iso-a').gateway!;
  const toHost = await client(a, 'refuse', gateway, '80');
  assert.equal(toHost.stdout, 'ECONNREFUSED\n');
});

test('errors a real host gives: EHOSTUNREACH for an unused address, ENETUNREACH without a network', async () => {
  manager.createNetwork({ name: 'sparse', subnet: '10.77.0.0/16' });
  const a = container('sparse1', ['sparse']);
  const unused = await client(a, 'refuse', '10.77.0.99', '80');
  assert.equal(unused.stdout, 'EHOSTUNREACH\n');
  const none = container('lonely', ['none']);
  const unreachable = await client(none, 'refuse', '172.17.0.1', '80');
  assert.equal(unreachable.stdout, 'ENETUNREACH\n');
  manager.createNetwork({ name: 'closed', internal: true });
  const inside = container('inside', ['closed']);
  const out = await client(inside, 'probe', '203.0.113.7', '80', '500');
  assert.equal(out.stdout, 'timeout\n', '--internal drops traffic leaving the bridge');
});

test('1 MiB across two containers with back-pressure, and 100 concurrent connections', async () => {
  manager.createNetwork({ name: 'bulk' });
  const server = container('bulk-server', ['bulk']);
  const cli = container('bulk-client', ['bulk']);
  const s = await echoServer(server, 5000, 101);
  const blast = await client(cli, 'blast', 'bulk-server', '5000', String(1 << 20));
  assert.equal(blast.stdout, 'sent 1048576 received 1048576 mismatched 0\n');
  const many = await client(cli, 'concurrent', 'bulk-server', '5000', '100');
  assert.equal(many.stdout, '100 of 100 connections echoed\n');
  assert.equal((await s.proc.exited).exitCode, 0);
});

test('ping another container by name', async () => {
  manager.createNetwork({ name: 'pingnet' });
  const target = container('target', ['pingnet']);
  const from = container('pinger', ['pingnet']);
  const r = await run(kernel, '/bin/net-udp.wasm', ['ping', 'target', '2'], { net: from });
  const ip = ipOf(target);
  assert.equal(r.stdout, `seq 1: 64 bytes from ${ip} ok\nseq 2: 64 bytes from ${ip} ok\n`);
});

test('a published port is reachable from the host; connections are carried into the guest server', async () => {
  manager.createNetwork({ name: 'pub' });
  const web = container('pubweb', ['pub']);
  const server = await echoServer(web, 80, 2);
  const port = await manager.publish(web, { containerPort: 80, hostIp: '127.0.0.1', hostPort: 0 });
  assert.ok(port.hostPort >= 32768 && port.hostPort <= 60999, `ephemeral port ${port.hostPort}`);
  const echoed = await new Promise<string>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: port.hostPort }, () => socket.end('through the published port'));
    let got = '';
    socket.on('data', (d) => (got += d.toString()));
    socket.on('end', () => resolve(got));
    socket.on('error', reject);
  });
  assert.equal(echoed, 'through the published port');
  // A second client, with 256 KiB to exercise flow control on the host side.
  const big = Buffer.alloc(256 * 1024, 'z');
  const back = await new Promise<number>((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: port.hostPort }, () => socket.end(big));
    let n = 0;
    socket.on('data', (d) => (n += d.length));
    socket.on('end', () => resolve(n));
    socket.on('error', reject);
  });
  assert.equal(back, big.length);
  await server.proc.exited;
  // The same host port again: dockerd's error.
  await assert.rejects(
    manager.publish(web, { containerPort: 81, hostIp: '127.0.0.1', hostPort: port.hostPort }),
    new RegExp(`Bind for 127\\.0\\.0\\.1:${port.hostPort} failed: port is already allocated`),
  );
  // Nothing listens behind the port any more: the host client is reset, as docker-proxy does.
  const reset = await new Promise<string>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: port.hostPort });
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    socket.on('close', () => resolve('closed'));
  });
  assert.match(reset, /ECONNRESET|closed/);
  await manager.releaseNamespace(web);
  assert.deepEqual(manager.portsOf(web), []);
});

/** A non-loopback IPv4 address of this machine, for outbound tests. */
function hostAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

test('outbound: a container reaches a server on the host network; switched off it gets ENETUNREACH', async (t) => {
  const address = hostAddress();
  if (!address) {
    if (process.env.CI) assert.fail('no non-loopback IPv4 address on this machine');
    t.skip('no non-loopback IPv4 address');
    return;
  }
  const hostServer = createServer((socket) => socket.pipe(socket));
  hostServer.listen(0, address);
  await once(hostServer, 'listening');
  const port = (hostServer.address() as AddressInfo).port;
  try {
    const inside = container('outbound', ['bridge']);
    const r = await client(inside, 'client', address, String(port), 'to the host');
    assert.equal(r.stdout, 'to the host\n');
    manager.stack.outbound = false;
    const off = await client(inside, 'refuse', address, String(port));
    assert.equal(off.stdout, 'ENETUNREACH\n');
  } finally {
    manager.stack.outbound = true;
    hostServer.close();
  }
});

test('/etc/hosts and /etc/resolv.conf as dockerd 20.10 writes them', () => {
  manager.createNetwork({ name: 'files' });
  const user = container('f1', ['files']);
  const ip = ipOf(user);
  assert.equal(
    manager.hostsFileFor(user, { hostname: 'myhost' }),
    `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n${ip}\tmyhost\n`,
  );
  assert.equal(manager.resolvConfFor(user), 'nameserver 127.0.0.11\noptions ndots:0\n');
  const legacy = container('f2', ['bridge']);
  assert.match(manager.hostsFileFor(legacy, { hostname: 'box', domainname: 'example.com' }), /\n172\.17\.0\.\d+\tbox\.example\.com box\n$/);
  const hostServers = new NodeHostNetwork().nameservers().filter((s) => !s.startsWith('127.'));
  const expected = (hostServers.length > 0 ? hostServers : ['8.8.8.8', '8.8.4.4']).map((s) => `nameserver ${s}\n`).join('');
  assert.equal(manager.resolvConfFor(legacy), expected);
  const none = container('f3', ['none']);
  assert.doesNotMatch(manager.hostsFileFor(none, { hostname: 'n' }), /\tn\n/);
});
