/**
 * Outbound UDP from containers in Node: datagrams to the host network leave
 * through a host node:dgram socket per container socket (Docker's
 * masquerade), replies come back from the real remote address, a connected
 * socket learns ECONNREFUSED from a closed port, only replies get in, the
 * `outbound` switch and --internal networks keep everything in, the host
 * socket goes with the container socket and its namespace, and DNS queries
 * to the default nameservers are answered by the host's resolver while
 * other nameservers are asked over real UDP. Also: without UDP on the host
 * (a browser's FetchHostNetwork) sends outside answer ENETUNREACH.
 *
 * The remote side is a node:dgram echo server on a non-loopback address of
 * this machine (a container's 127.0.0.1 is its own loopback), as the
 * outbound TCP test of test/net-networks.test.ts does.
 */
import { strict as assert } from 'node:assert';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { after, before, test } from 'node:test';
import type { TestContext } from 'node:test';
import { Errno, ErrnoError } from '../src/common/errno.ts';
import type { Kernel } from '../src/kernel/kernel.ts';
import type { SocketAddress } from '../src/net/address.ts';
import { DatagramSocket } from '../src/net/datagram-socket.ts';
import { buildQuery } from '../src/net/dns/message.ts';
import { NetworkManager } from '../src/net/manager.ts';
import type { NetworkNamespace } from '../src/net/namespace.ts';
import { FetchHostNetwork } from '../src/platform/browser/net-fetch.ts';
import { NodeHostNetwork } from '../src/platform/node/net-host.ts';
import { FixedInput, run, sandbox } from './helpers/kernel-harness.ts';
import type { RunResult } from './helpers/kernel-harness.ts';
import { netKernel } from './net-harness.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindUdp } from './helpers/net.ts';

/** A non-loopback IPv4 address of this machine. */
function hostAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

const HOST = hostAddress();
const noHost: string | false = HOST === null && !process.env.CI ? 'no non-loopback IPv4 address on this machine' : false;
/** A nameserver address containers are given (resolv.conf); nothing answers it on the real network. */
const RESOLVER = '203.0.113.53';

const kernel: Kernel = await netKernel({ warmWorkers: 3 });
const manager = new NetworkManager({ host: new NodeHostNetwork(), hostNameservers: [RESOLVER], connectTimeoutMs: 1500, arpTimeoutMs: 300 });
after(() => kernel.shutdown());

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);


/** The host's echo server: sends every datagram back to its sender and remembers who sent what. */
interface Echo {
  readonly port: number;
  readonly seen: { data: string; from: string }[];
  readonly socket: Socket;
}
let echo: Echo;
before(async () => {
  if (HOST === null) return;
  const socket = await bindUdp(0, HOST);
  const seen: { data: string; from: string }[] = [];
  socket.on('message', (message, info) => {
    seen.push({ data: message.toString(), from: `${info.address}:${info.port}` });
    socket.send(message, info.port, info.address);
  });
  echo = { port: socket.address().port, seen, socket };
});
after(() => echo?.socket.close());

let count = 0;
/** A container on `networks`, with the /etc/resolv.conf dockerd would write. */
function container(networks: string[]): { ns: NetworkNamespace; etc: string } {
  const ns = manager.createNamespace();
  const id = `${(++count).toString(16)}`.padStart(12, '0') + 'e'.repeat(52);
  for (const network of networks) manager.attach(ns, network, { containerId: id, containerName: `udp-out-${count}` });
  const etc = mkdtempSync(join(tmpdir(), 'drydock-udp-out-'));
  writeFileSync(join(etc, 'hosts'), manager.hostsFileFor(ns, { hostname: id.slice(0, 12) }));
  writeFileSync(join(etc, 'resolv.conf'), manager.resolvConfFor(ns));
  return { ns, etc };
}

function netUdp(box: { ns: NetworkNamespace }, ...args: string[]): Promise<RunResult> {
  return run(kernel, '/bin/net-udp.wasm', args, { net: box.ns });
}

function netutils(box: { ns: NetworkNamespace; etc: string }, args: string[], stdin = ''): Promise<RunResult> {
  return run(kernel, '/shipped/netutils.wasm', args, { net: box.ns, mounts: sandbox({ '/etc': box.etc }), cwd: '/tmp', stdin: new FixedInput(stdin) });
}

/** The next datagram on a socket driven from JavaScript, or the errno its recv fails with; null after `tries` polls. */
async function recvFrom(socket: DatagramSocket, tries = 500): Promise<{ data: string; from: SocketAddress } | Errno | null> {
  for (let i = 0; i < tries; i++) {
    try {
      const r = socket.recv(65536, 0);
      return { data: text(r.data), from: r.from! };
    } catch (error) {
      if (!(error instanceof ErrnoError)) throw error;
      if (error.errno !== Errno.EAGAIN) return error.errno;
      await new Promise((resolve) => setTimeout(resolve, 4));
    }
  }
  return null;
}

/** Waits until the host port can be bound again (its host socket was closed). */
async function portFreed(port: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    try {
      (await bindUdp(port)).close();
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  return false;
}

function requireHost(t: TestContext): string | null {
  if (HOST !== null) return HOST;
  if (process.env.CI) assert.fail('no non-loopback IPv4 address on this machine');
  t.skip('no non-loopback IPv4 address');
  return null;
}

test('a container\'s datagrams leave through one host socket; the replies come back from the real remote address', { skip: noHost }, async (t) => {
  const host = requireHost(t);
  if (!host) return;
  const box = container(['bridge']);
  const before = echo.seen.length;
  const r = await netUdp(box, 'from', host, String(echo.port), 'one', 'two', 'three');
  assert.equal(r.stdout, ['one', 'two', 'three'].map((m) => `reply from ${host}:${echo.port}: ${m}\n`).join(''));
  const senders = new Set(echo.seen.slice(before).map((s) => s.from));
  // One container socket, one host socket: every datagram came from the same host address and port.
  assert.equal(senders.size, 1);
  assert.match([...senders][0]!, new RegExp(`^${host.replace(/\./g, '\\.')}:\\d+$`));
  // eth0 counted what went out and what came back.
  const eth0 = box.ns.interfaces.find((i) => i.name === 'eth0')!;
  assert.equal(eth0.counters.txBytes, 'onetwothree'.length);
  assert.equal(eth0.counters.rxBytes, 'onetwothree'.length);
  await manager.releaseNamespace(box.ns);
});

test('nc -u talks to a UDP server on the host network', { skip: noHost }, async (t) => {
  const host = requireHost(t);
  if (!host) return;
  const box = container(['bridge']);
  const r = await netutils(box, ['nc', '-u', '-w', '1', host, String(echo.port)], 'hello over udp\n');
  assert.equal(r.stdout, 'hello over udp\n');
  assert.equal(r.exit.exitCode, 0, r.stderr);
  await manager.releaseNamespace(box.ns);
});

test('a connected socket learns ECONNREFUSED from a port nobody holds outside', { skip: noHost }, async (t) => {
  const host = requireHost(t);
  if (!host) return;
  const closed = await bindUdp(0, host);
  const port = closed.address().port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const box = container(['bridge']);
  const r = await netUdp(box, 'connected', host, String(port), 'anyone?');
  assert.equal(r.stdout, 'no reply: ECONNREFUSED\n');
  // An unconnected socket is told nothing (Linux reports ICMP errors to connected sockets only).
  const quiet = await netUdp(box, 'client', host, String(port), 'anyone?');
  assert.equal(quiet.stdout, 'no reply: EAGAIN\n');
  await manager.releaseNamespace(box.ns);
});

test('only replies get in: a datagram from an address the socket never sent to is dropped', { skip: noHost }, async (t) => {
  const host = requireHost(t);
  if (!host) return;
  const box = container(['bridge']);
  const socket = new DatagramSocket(box.ns, 4, 'udp');
  socket.bind({ ip: '0.0.0.0', port: 0 });
  socket.send(bytes('ping'), 0, { ip: host, port: echo.port });
  const reply = await recvFrom(socket);
  assert.deepEqual(reply, { data: 'ping', from: { ip: host, port: echo.port } });
  const hostPort = socket.outbound!.hostPort!;
  // Another host socket finds the host port, but conntrack has no entry for it.
  const stranger = await bindUdp(0, host);
  stranger.send('intruder', hostPort, host);
  socket.send(bytes('again'), 0, { ip: host, port: echo.port });
  assert.deepEqual(await recvFrom(socket), { data: 'again', from: { ip: host, port: echo.port } });
  assert.equal(await recvFrom(socket, 25), null);
  stranger.close();
  socket.close();
  await manager.releaseNamespace(box.ns);
});

test('the host socket is closed with its container socket and with the namespace', { skip: noHost }, async (t) => {
  const host = requireHost(t);
  if (!host) return;
  const box = container(['bridge']);
  const ports: number[] = [];
  for (let i = 0; i < 2; i++) {
    const socket = new DatagramSocket(box.ns, 4, 'udp');
    socket.send(bytes(`socket ${i}`), 0, { ip: host, port: echo.port });
    assert.deepEqual(await recvFrom(socket), { data: `socket ${i}`, from: { ip: host, port: echo.port } });
    ports.push(socket.outbound!.hostPort!);
    if (i === 0) socket.close();
  }
  assert.notEqual(ports[0], ports[1], 'each container socket has its own host socket');
  assert.ok(await portFreed(ports[0]!), 'closing the container socket closed its host socket');
  // The second socket is still open: its host port is taken.
  await assert.rejects(bindUdp(ports[1]!), /EADDRINUSE/);
  await manager.releaseNamespace(box.ns);
  assert.ok(await portFreed(ports[1]!), 'tearing the namespace down closed the host socket');
});

test('outbound switched off: sends and connects outside answer ENETUNREACH', { skip: noHost }, async (t) => {
  const host = requireHost(t);
  if (!host) return;
  const box = container(['bridge']);
  manager.stack.outbound = false;
  try {
    const before = echo.seen.length;
    assert.equal((await netUdp(box, 'client', host, String(echo.port), 'x')).stdout, 'send: ENETUNREACH\n');
    assert.equal((await netUdp(box, 'connected', host, String(echo.port), 'x')).stdout, 'connect: ENETUNREACH\n');
    const nc = await netutils(box, ['nc', '-u', '-w', '1', host, String(echo.port)], 'x\n');
    assert.equal(nc.stderr, `nc: can't connect to remote host (${host}): Network unreachable\n`);
    assert.equal(echo.seen.length, before);
  } finally {
    manager.stack.outbound = true;
  }
  // Switched on again, the same container gets out.
  assert.equal((await netUdp(box, 'client', host, String(echo.port), 'back')).stdout, 'reply: back\n');
  await manager.releaseNamespace(box.ns);
});

test('an --internal network lets nothing out: the datagram is dropped, no host socket is made', { skip: noHost }, async (t) => {
  const host = requireHost(t);
  if (!host) return;
  manager.createNetwork({ name: 'udp-internal', internal: true });
  const box = container(['udp-internal']);
  const before = echo.seen.length;
  assert.equal((await netUdp(box, 'client', host, String(echo.port), 'let me out')).stdout, 'no reply: EAGAIN\n');
  const socket = new DatagramSocket(box.ns, 4, 'udp');
  socket.send(bytes('let me out'), 0, { ip: host, port: echo.port });
  assert.equal(socket.outbound, null);
  socket.close();
  assert.equal(echo.seen.length, before);
  await manager.releaseNamespace(box.ns);
  manager.removeNetwork('udp-internal');
});

test('DNS: the default nameserver is answered by the host resolver; another nameserver is asked over real UDP', { skip: noHost }, async (t) => {
  const host = requireHost(t);
  if (!host) return;
  const box = container(['bridge']);
  assert.equal(manager.resolvConfFor(box.ns), `nameserver ${RESOLVER}\n`);
  // nslookup asks resolv.conf's nameserver: 203.0.113.53 exists nowhere, the host's resolver answers for it.
  const found = await netutils(box, ['nslookup', 'localhost']);
  assert.match(found.stdout, new RegExp(`^Server:\\t\\t${RESOLVER.replace(/\./g, '\\.')}\\nAddress:\\t${RESOLVER.replace(/\./g, '\\.')}:53\\n\\n`));
  assert.match(found.stdout, /Name:\tlocalhost\nAddress: 127\.0\.0\.1\n/);
  const query = buildQuery(0x1234, 'localhost', 1);
  const asked = new DatagramSocket(box.ns, 4, 'udp');
  asked.send(query, 0, { ip: RESOLVER, port: 53 });
  const answer = await recvFrom(asked);
  assert.ok(answer && typeof answer === 'object' && answer.from.ip === RESOLVER && answer.from.port === 53);
  assert.equal(asked.outbound, null, 'the query never left');
  asked.close();
  // Another nameserver (--dns, nslookup NAME SERVER) is a real UDP exchange: the host's own address has no DNS server
  // on port 53, so a connected socket learns ECONNREFUSED (a reply would do as well: it came from out there).
  const other = new DatagramSocket(box.ns, 4, 'udp');
  other.connect({ ip: host, port: 53 });
  other.send(query, 0, null);
  const result = await recvFrom(other);
  assert.equal(other.outbound?.sent, 1);
  assert.ok(result === Errno.ECONNREFUSED || (result !== null && typeof result === 'object' && result.from.ip === host), `got ${JSON.stringify(result)}`);
  other.close();
  await manager.releaseNamespace(box.ns);
});

test('without UDP on the host (a browser\'s FetchHostNetwork) UDP outside answers ENETUNREACH; DNS is still answered', async () => {
  const browser = new NetworkManager({ host: new FetchHostNetwork({ origin: null }) });
  const ns = browser.createNamespace();
  browser.attach(ns, 'bridge', { containerId: 'f'.repeat(64), containerName: 'page' });
  const socket = new DatagramSocket(ns, 4, 'udp');
  assert.throws(() => socket.send(bytes('x'), 0, { ip: '198.51.100.7', port: 9999 }), (e: unknown) => e instanceof ErrnoError && e.errno === Errno.ENETUNREACH);
  assert.throws(() => socket.connect({ ip: '198.51.100.7', port: 9999 }), (e: unknown) => e instanceof ErrnoError && e.errno === Errno.ENETUNREACH);
  // Any nameserver: the browser's names (synthetic addresses) answer, as before outbound UDP existed.
  socket.send(buildQuery(7, 'example.com', 1), 0, { ip: '198.51.100.7', port: 53 });
  const answer = await recvFrom(socket);
  assert.ok(answer && typeof answer === 'object' && answer.from.port === 53);
  socket.close();
  await browser.releaseNamespace(ns);
});
