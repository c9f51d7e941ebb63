/**
 * redis-server (wasm/src/redis) throughput: SET/GET requests per second from
 * node:net through a published port, with pipelining depth 1 (one request in
 * flight) and 16, on one connection and on 8 at once. The reference, measured
 * in the same run with the same client loop, is a trivial in-process node:net
 * server that parses the same RESP requests and answers SET/GET from a Map:
 * the ratio is the price of the kernel, the network stack, the published port
 * and a WebAssembly server.
 *
 *   node --import tsx bench/redis.bench.ts
 */
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { NetworkManager } from '../src/net/manager.ts';
import { NodeHostNetwork } from '../src/platform/node/net-host.ts';
import { NodePortPublisher } from '../src/platform/node/net-publisher.ts';
import { SIG } from '../src/kernel/abi/linux.ts';
import { start, waitForOutput } from '../test/helpers/kernel-harness.ts';
import { netKernel } from '../test/net-harness.ts';

const VALUE = 'v'.repeat(16);
const RUNS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function bulk(s: string): string {
  return `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
}

/** A SET and a GET of the same key: two requests. */
function pair(key: string): string {
  return `*3\r\n$3\r\nSET\r\n${bulk(key)}${bulk(VALUE)}*2\r\n$3\r\nGET\r\n${bulk(key)}`;
}
const PAIR_REPLY_BYTES = '+OK\r\n'.length + bulk(VALUE).length;

/** The reference: parses multibulk requests and answers SET/GET from a Map (no expiry, no types). */
function referenceServer(): Promise<Server> {
  const data = new Map<string, string>();
  const server = createServer((socket) => {
    let pending: Buffer = Buffer.alloc(0);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let out = '';
      let at = 0;
      for (;;) {
        // *N\r\n then N times $len\r\nbytes\r\n
        const lineEnd = pending.indexOf('\r\n', at);
        if (lineEnd < 0) break;
        const n = Number(pending.toString('latin1', at + 1, lineEnd));
        let p = lineEnd + 2;
        const args: string[] = [];
        for (let i = 0; i < n; i++) {
          const e = pending.indexOf('\r\n', p);
          if (e < 0) break;
          const len = Number(pending.toString('latin1', p + 1, e));
          if (pending.length < e + 2 + len + 2) break;
          args.push(pending.toString('latin1', e + 2, e + 2 + len));
          p = e + 2 + len + 2;
        }
        if (args.length < n) break;
        at = p;
        const cmd = args[0]!.toUpperCase();
        if (cmd === 'SET') {
          data.set(args[1]!, args[2]!);
          out += '+OK\r\n';
        } else if (cmd === 'GET') {
          const v = data.get(args[1]!);
          out += v === undefined ? '$-1\r\n' : bulk(v);
        } else {
          out += '-ERR unknown command\r\n';
        }
      }
      pending = pending.subarray(at);
      if (out) socket.write(out);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    s.setNoDelay(true);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** `pairs` SET+GET pairs on one connection, `depth` requests in flight (depth / 2 pairs per write). */
async function drive(socket: Socket, pairs: number, depth: number, tag: string): Promise<void> {
  const perWrite = Math.max(1, depth / 2);
  let received = 0;
  let sent = 0;
  await new Promise<void>((resolve, reject) => {
    const sendBatch = () => {
      let batch = '';
      for (let i = 0; i < perWrite && sent < pairs; i++, sent++) batch += pair(`${tag}:${sent % 1000}`);
      socket.write(batch);
    };
    const onData = (d: Buffer) => {
      received += d.length;
      const donePairs = Math.floor(received / PAIR_REPLY_BYTES);
      if (donePairs >= pairs) {
        socket.off('data', onData);
        resolve();
      } else if (donePairs === sent) {
        sendBatch();
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    sendBatch();
  });
}

/** Requests per second (each SET and each GET counts) over `connections` connections. */
async function measure(port: number, connections: number, pairs: number, depth: number): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: connections }, () => open(port)));
  await Promise.all(sockets.map((s, i) => drive(s, Math.min(200, pairs), depth, `warm${i}`)));
  const t0 = performance.now();
  await Promise.all(sockets.map((s, i) => drive(s, pairs, depth, `c${i}`)));
  const seconds = (performance.now() - t0) / 1000;
  for (const s of sockets) s.destroy();
  return (connections * pairs * 2) / seconds;
}

const kernel = await netKernel({ warmWorkers: 2 });
const manager = new NetworkManager({ host: new NodeHostNetwork(), publisher: new NodePortPublisher() });
manager.createNetwork({ name: 'bench' });
const ns = manager.createNamespace();
manager.attach(ns, 'bench', { containerId: '1'.padStart(64, '0'), containerName: 'redis' });
const server = await start(kernel, '/shipped/redis-server.wasm', [], { net: ns });
await waitForOutput(server.stdout, 'Ready to accept connections tcp');
const published = (await manager.publish(ns, { containerPort: 6379, hostIp: '127.0.0.1', hostPort: 0 })).hostPort;
const reference = await referenceServer();
const referencePort = (reference.address() as AddressInfo).port;

const cases: { name: string; connections: number; depth: number; pairs: number }[] = [
  { name: 'depth 1, 1 connection', connections: 1, depth: 1, pairs: 1500 },
  { name: 'depth 16, 1 connection', connections: 1, depth: 16, pairs: 12000 },
  { name: 'depth 1, 8 connections', connections: 8, depth: 1, pairs: 400 },
  { name: 'depth 16, 8 connections', connections: 8, depth: 16, pairs: 3000 },
];

console.log('redis-server SET/GET through a published port vs an in-process node:net RESP server (requests/s, median of 3)');
for (const c of cases) {
  const ours: number[] = [];
  const ref: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(await measure(published, c.connections, c.pairs, c.depth));
    ref.push(await measure(referencePort, c.connections, c.pairs, c.depth));
  }
  const o = median(ours);
  const r = median(ref);
  console.log(`  ${c.name.padEnd(24)} redis-server ${o.toFixed(0).padStart(8)}   reference ${r.toFixed(0).padStart(8)}   ratio ${(o / r).toFixed(3)}`);
}

reference.close();
kernel.signal(server.proc, SIG.TERM, null);
await server.proc.exited;
await kernel.shutdown();
process.exit(0);
