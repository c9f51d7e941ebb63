/**
 * HTTP requests per second from the host to the nginx stand-in (httpd.wasm)
 * through a published port (issue "Container networking": reported, with the
 * figure). The reference, measured in the same run with the same client, is
 * a node:http static server in a child process on the host's loopback
 * serving the same file: the ratio says what the container, the network
 * stack and the port publisher cost on top of a plain host server. When
 * Debian's busybox is installed, `busybox httpd` on the host is a second
 * reference (issue "userland": httpd vs busybox httpd; busybox httpd closes
 * every connection, so that loop pays a connect per request, as ours does
 * not).
 *
 * The client: node:http with keep-alive, CONNECTIONS connections, each
 * sending REQUESTS / CONNECTIONS GETs of index.html one after another.
 * Medians of RUNS runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkManager } from '../src/net/manager.ts';
import { NodeHostNetwork } from '../src/platform/node/net-host.ts';
import { NodePortPublisher } from '../src/platform/node/net-publisher.ts';
import { sandbox, start, waitForOutput } from '../test/helpers/kernel-harness.ts';
import { netKernel } from '../test/net-harness.ts';

const REQUESTS = 2000;
const CONNECTIONS = 8;
const RUNS = 3;
const PAGE = '<!DOCTYPE html>\n<title>Welcome to nginx!</title>\n' + 'x'.repeat(500) + '\n';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Requests per second of the keep-alive client against `port`. */
async function requestsPerSecond(port: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const one = () =>
    new Promise<void>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/index.html', agent }, (res) => {
        let size = 0;
        res.on('data', (chunk: Buffer) => (size += chunk.length));
        res.on('end', () => (res.statusCode === 200 && size === PAGE.length ? resolve() : reject(new Error(`status ${res.statusCode}, ${size} bytes`))));
      }).on('error', reject);
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      for (let i = 0; i < REQUESTS / CONNECTIONS; i++) await one();
    }),
  );
  const ms = performance.now() - t0;
  agent.destroy();
  return REQUESTS / (ms / 1000);
}

const docroot = mkdtempSync(join(tmpdir(), 'drydock-bench-http-'));
writeFileSync(join(docroot, 'index.html'), PAGE);

// The host reference: a static node:http server in its own process.
const host = spawn(process.execPath, ['-e', `
  const http = require('node:http'); const fs = require('node:fs');
  const server = http.createServer((req, res) => {
    fs.readFile(${JSON.stringify(join(docroot, 'index.html'))}, (err, data) => {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': data.length });
      res.end(data);
    });
  });
  server.keepAliveTimeout = 75000;
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));`], { stdio: ['ignore', 'pipe', 'inherit'] });
const hostPort = await new Promise<number>((resolve) => host.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))));

// The busybox reference, when busybox is installed.
const busybox = spawnSync('busybox', ['httpd', '--help']).error ? null : 'busybox';
let busyboxPort = 0;
let busyboxServer: ReturnType<typeof spawn> | null = null;
if (busybox) {
  const probe = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
  busyboxPort = probe;
  busyboxServer = spawn(busybox, ['httpd', '-f', '-p', `127.0.0.1:${busyboxPort}`, '-h', docroot], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 300));
}

const kernel = await netKernel({ warmWorkers: 2 });
const manager = new NetworkManager({ host: new NodeHostNetwork(), publisher: new NodePortPublisher() });
manager.createNetwork({ name: 'web' });
const ns = manager.createNamespace();
manager.attach(ns, 'web', { containerId: 'be1c4'.padEnd(64, '0'), containerName: 'nginx' });
const server = await start(kernel, '/shipped/httpd.wasm', ['-p', '80', '-r', '/srv', '-q'], { net: ns, mounts: sandbox({ '/srv': docroot }) });
await waitForOutput(server.stderr, 'serving');
const published = await manager.publish(ns, { containerPort: 80, hostIp: '127.0.0.1', hostPort: 0 });

const ours: number[] = [];
const reference: number[] = [];
const busyboxRps: number[] = [];
for (let i = 0; i < RUNS; i++) {
  ours.push(await requestsPerSecond(published.hostPort));
  reference.push(await requestsPerSecond(hostPort));
  if (busyboxServer) busyboxRps.push(await requestsPerSecond(busyboxPort));
}
console.log(
  `${'HTTP GET, host -> nginx (published port)'.padEnd(44)} drydock ${median(ours).toFixed(0).padStart(7)} req/s   host node:http ${median(reference).toFixed(0).padStart(7)} req/s   ratio ${(median(ours) / median(reference)).toFixed(2)} (reported; ${CONNECTIONS} keep-alive connections)`,
);
if (busyboxServer) {
  console.log(
    `${'HTTP GET, host -> nginx (published port)'.padEnd(44)} drydock ${median(ours).toFixed(0).padStart(7)} req/s   host busybox httpd ${median(busyboxRps).toFixed(0).padStart(7)} req/s   ratio ${(median(ours) / median(busyboxRps)).toFixed(2)} (reported)`,
  );
  busyboxServer.kill();
}
host.kill();
await manager.publishing.unpublish(published);
await kernel.shutdown();
