/**
 * Network benchmarks (issue "Container networking"), each a ratio against
 * the host measured in the same run:
 *  - TCP throughput between two containers on a user network (guest sender
 *    and guest receiver, test/programs/net-bench.c) vs the host's own
 *    loopback: node:net between two processes (goal >= 0.3), and two
 *    `busybox nc`s when busybox is installed (for the record: busybox nc
 *    copies through small buffers and is the slower reference);
 *  - connections per second (connect + close, one after another) vs the same
 *    on the host's loopback (node:net in a child process); reported;
 *  - throughput through a published port (host client -> guest sink), for
 *    the record;
 *  - UDP round trips per second through a published UDP port (a node:dgram
 *    client on the host, test/programs/net-udp.c echoing in a container)
 *    vs the same exchange between two node:dgram sockets on the host's
 *    loopback (in a child process); reported.
 * Medians of several runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { NetworkManager } from '../src/net/manager.ts';
import type { NetworkNamespace } from '../src/net/namespace.ts';
import { NodeHostNetwork } from '../src/platform/node/net-host.ts';
import { NodePortPublisher } from '../src/platform/node/net-publisher.ts';
import { run, start, waitForOutput } from '../test/helpers/kernel-harness.ts';
import { netKernel } from '../test/net-harness.ts';

const BYTES = 256 * 1024 * 1024;
const CONNECTS = 2000;
const DATAGRAMS = 3000;
const RUNS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const kernel = await netKernel({ warmWorkers: 3 });
const manager = new NetworkManager({ host: new NodeHostNetwork(), publisher: new NodePortPublisher() });
manager.createNetwork({ name: 'bench' });
let n = 0;
function container(name: string): NetworkNamespace {
  const ns = manager.createNamespace();
  manager.attach(ns, 'bench', { containerId: `${++n}`.padStart(64, '0'), containerName: name });
  return ns;
}
const receiver = container('receiver');
const sender = container('sender');

async function guestThroughput(): Promise<number> {
  const sink = await start(kernel, '/bin/net-bench.wasm', ['sink', '9000', '1'], { net: receiver });
  await waitForOutput(sink.stdout, 'listening');
  const t0 = performance.now();
  const src = await run(kernel, '/bin/net-bench.wasm', ['source', 'receiver', '9000', String(BYTES)], { net: sender });
  await sink.proc.exited;
  const ms = performance.now() - t0;
  if (src.exit.exitCode !== 0 || !sink.stdout.text().includes(`received ${BYTES}`)) throw new Error(`guest transfer failed: ${src.stdout} ${sink.stdout.text()}`);
  return BYTES / 1e6 / (ms / 1000);
}

async function guestConnects(): Promise<number> {
  const sink = await start(kernel, '/bin/net-bench.wasm', ['sink', '9001', String(CONNECTS)], { net: receiver });
  await waitForOutput(sink.stdout, 'listening');
  const t0 = performance.now();
  const r = await run(kernel, '/bin/net-bench.wasm', ['connects', 'receiver', '9001', String(CONNECTS)], { net: sender });
  await sink.proc.exited;
  const ms = performance.now() - t0;
  if (r.exit.exitCode !== 0) throw new Error(`connects failed: ${r.stdout}`);
  return CONNECTS / (ms / 1000);
}

/** A child Node process running `code` (host reference, outside this process's event loop). */
function nodeChild(code: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`reference exited ${code}`))));
  });
}

const busybox = spawnSync('busybox', ['--help']).status === 0;

/** Host loopback throughput: busybox nc | nc (when `nc` is asked and busybox exists), else node:net between two processes. */
async function hostThroughput(tool: 'nc' | 'node'): Promise<number> {
  if (tool === 'nc') {
    const port = 20000 + Math.floor(Math.random() * 10000);
    const sink = spawn('sh', ['-c', `busybox nc -l -p ${port} > /dev/null`]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const t0 = performance.now();
    const src = spawn('sh', ['-c', `head -c ${BYTES} /dev/zero | busybox nc 127.0.0.1 ${port}`]);
    await Promise.all([new Promise((r) => sink.on('exit', r)), new Promise((r) => src.on('exit', r))]);
    return BYTES / 1e6 / ((performance.now() - t0) / 1000);
  }
  const out = await nodeChild(`
    const net = require('node:net');
    const server = net.createServer((s) => { s.on('data', () => {}); s.on('end', () => { console.log(String(performance.now() - t0)); process.exit(0); }); });
    let t0;
    server.listen(0, '127.0.0.1', () => {
      const c = net.connect(server.address().port, '127.0.0.1', () => {
        t0 = performance.now();
        const chunk = Buffer.alloc(65536, 120); let left = ${BYTES};
        const pump = () => { while (left > 0) { left -= chunk.length; if (!c.write(chunk)) return c.once('drain', pump); } c.end(); };
        pump();
      });
    });`);
  return BYTES / 1e6 / (Number(out) / 1000);
}

async function hostConnects(): Promise<number> {
  const out = await nodeChild(`
    const net = require('node:net');
    const server = net.createServer((s) => s.resume());
    server.listen(0, '127.0.0.1', async () => {
      const port = server.address().port;
      const t0 = performance.now();
      for (let i = 0; i < ${CONNECTS}; i++) {
        await new Promise((resolve, reject) => { const c = net.connect(port, '127.0.0.1', () => { c.destroy(); resolve(); }); c.on('error', reject); });
      }
      console.log(String(performance.now() - t0));
      process.exit(0);
    });`);
  return CONNECTS / (Number(out) / 1000);
}

async function publishedThroughput(): Promise<number> {
  const sink = await start(kernel, '/bin/net-bench.wasm', ['sink', '9002', '1'], { net: receiver });
  await waitForOutput(sink.stdout, 'listening');
  const port = await manager.publish(receiver, { containerPort: 9002, hostIp: '127.0.0.1' });
  const bytes = 64 * 1024 * 1024;
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const c = connect(port.hostPort, '127.0.0.1', () => {
      const chunk = Buffer.alloc(65536, 120);
      let left = bytes;
      const pump = () => {
        while (left > 0) {
          left -= chunk.length;
          if (!c.write(chunk)) return void c.once('drain', pump);
        }
        c.end();
      };
      pump();
    });
    c.on('error', reject);
    c.on('close', () => resolve());
  });
  await sink.proc.exited;
  const ms = performance.now() - t0;
  await manager.publishing.unpublish(port);
  return bytes / 1e6 / (ms / 1000);
}

/** Round trips per second of a 64-byte datagram, one at a time, from a host client through a published UDP port to a guest echo server. */
async function publishedUdpRoundTrips(): Promise<number> {
  const echo = await start(kernel, '/bin/net-udp.wasm', ['server', '9003', String(DATAGRAMS)], { net: receiver });
  await waitForOutput(echo.stdout, 'listening');
  const port = await manager.publish(receiver, { containerPort: 9003, hostIp: '127.0.0.1', proto: 'udp' });
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const payload = Buffer.alloc(64, 120);
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    let left = DATAGRAMS;
    // A lost datagram would stall a one-at-a-time exchange: fail loudly instead.
    let timer = setTimeout(() => reject(new Error('UDP echo stalled')), 10_000);
    socket.on('message', () => {
      clearTimeout(timer);
      if (--left === 0) return resolve();
      timer = setTimeout(() => reject(new Error(`UDP echo stalled with ${left} left`)), 10_000);
      socket.send(payload, port.hostPort, '127.0.0.1');
    });
    socket.send(payload, port.hostPort, '127.0.0.1');
  });
  const ms = performance.now() - t0;
  await echo.proc.exited;
  socket.close();
  await manager.publishing.unpublish(port);
  return DATAGRAMS / (ms / 1000);
}

/** The same exchange between two node:dgram sockets on the host's loopback (a child process). */
async function hostUdpRoundTrips(): Promise<number> {
  const out = await nodeChild(`
    const dgram = require('node:dgram');
    const server = dgram.createSocket('udp4');
    server.on('message', (m, r) => server.send(m, r.port, r.address));
    server.bind(0, '127.0.0.1', () => {
      const client = dgram.createSocket('udp4');
      const payload = Buffer.alloc(64, 120);
      let left = ${DATAGRAMS};
      let t0;
      client.on('message', () => {
        if (--left === 0) { console.log(String(performance.now() - t0)); process.exit(0); }
        client.send(payload, server.address().port, '127.0.0.1');
      });
      client.bind(0, '127.0.0.1', () => { t0 = performance.now(); client.send(payload, server.address().port, '127.0.0.1'); });
    });`);
  return DATAGRAMS / (Number(out) / 1000);
}

function report(name: string, ours: number, reference: number, unit: string, referenceName: string, goal: string): void {
  console.log(
    `${name.padEnd(40)} drydock ${ours.toFixed(1).padStart(9)} ${unit}   ${referenceName} ${reference.toFixed(1).padStart(9)} ${unit}   ratio ${(ours / reference).toFixed(2)} (${goal})`,
  );
}

const guestMBs: number[] = [];
const hostMBs: number[] = [];
const ncMBs: number[] = [];
const guestCps: number[] = [];
const hostCps: number[] = [];
const udpRtps: number[] = [];
const hostUdpRtps: number[] = [];
for (let i = 0; i < RUNS; i++) {
  guestMBs.push(await guestThroughput());
  hostMBs.push(await hostThroughput('node'));
  if (busybox) ncMBs.push(await hostThroughput('nc'));
  guestCps.push(await guestConnects());
  hostCps.push(await hostConnects());
  udpRtps.push(await publishedUdpRoundTrips());
  hostUdpRtps.push(await hostUdpRoundTrips());
}
report('TCP throughput, container -> container', median(guestMBs), median(hostMBs), 'MB/s', 'host node:net', 'goal >= 0.3');
if (busybox) report('TCP throughput, container -> container', median(guestMBs), median(ncMBs), 'MB/s', 'host nc|nc', 'for the record');
report('connections per second', median(guestCps), median(hostCps), 'conn/s', 'host node:net', 'reported');
report('UDP round trips, host -> published port', median(udpRtps), median(hostUdpRtps), 'rt/s', 'host node:dgram', 'reported');
const published = await publishedThroughput();
console.log(`${'published port, host -> container'.padEnd(40)} drydock ${published.toFixed(1).padStart(9)} MB/s`);
await kernel.shutdown();
