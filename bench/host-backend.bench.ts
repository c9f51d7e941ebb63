/**
 * The host backend's overhead: Drydock's API (createHostEngine, served on a
 * unix socket by the Node HTTP transport, src/backends/host) in front of a
 * real dockerd 20.10, against the same dockerd reached directly, in the same
 * run and with the same clients:
 *  - `docker run --rm busybox true` through the real docker CLI (create,
 *    attach, wait, start, the hijacked stream, remove): median time per run,
 *    rounds alternating between the two routes;
 *  - GET /containers/json (a small JSON answer): median latency of one
 *    request on a keep-alive connection, the proxy's per-call cost.
 * Prints each ratio (through Drydock / direct); no target, 1.0 is no overhead.
 * Without dockerd (not root, no docker.io, no busybox-static) it says so and exits.
 * Run: node --import tsx bench/host-backend.bench.ts
 */
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { createHostEngine } from '../src/backends/host/host-engine.ts';
import { EngineSocketTransport } from '../src/platform/node/engine-socket-transport.ts';
import { HttpTransport } from '../src/platform/node/http-transport.ts';
import { dockerCli, oracleMissing, startOracleDockerd } from '../test/helpers/dockerd.ts';

const RUN_ROUNDS = 15;
const REQUEST_ROUNDS = 400;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const signed = (ms: number, digits: number) => `${ms >= 0 ? '+' : '-'}${Math.abs(ms).toFixed(digits)}`;

async function timeRun(socket: string): Promise<number> {
  const start = performance.now();
  const result = await dockerCli(socket, ['run', '--rm', 'busybox', 'true']);
  if (result.code !== 0) throw new Error(`docker run failed: ${result.stderr}`);
  return performance.now() - start;
}

function timeRequest(socket: string, agent: Agent): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, agent, path: '/v1.41/containers/json?all=1' }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - start) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

const missing = oracleMissing();
if (missing.length > 0) {
  console.log(`host-backend bench skipped: a real dockerd needs ${missing.join(', ')}`);
  process.exit(0);
}

const oracle = await startOracleDockerd();
const upstream = new EngineSocketTransport(`unix://${oracle.socket}`);
const engine = await createHostEngine({ transport: upstream, hostEngine: `unix://${oracle.socket}` });
const http = new HttpTransport(engine.api.respond);
const drydock = join(oracle.home, 'drydock.sock');
await http.listen(`unix://${drydock}`);
try {
  // Warm-up: first runs pay for image and storage caches on both routes.
  await timeRun(oracle.socket);
  await timeRun(drydock);
  const runs = { direct: [] as number[], drydock: [] as number[] };
  for (let i = 0; i < RUN_ROUNDS; i++) {
    runs.direct.push(await timeRun(oracle.socket));
    runs.drydock.push(await timeRun(drydock));
  }
  const requests = { direct: [] as number[], drydock: [] as number[] };
  const agents = { direct: new Agent({ keepAlive: true, maxSockets: 1 }), drydock: new Agent({ keepAlive: true, maxSockets: 1 }) };
  for (let i = 0; i < REQUEST_ROUNDS; i++) {
    requests.direct.push(await timeRequest(oracle.socket, agents.direct));
    requests.drydock.push(await timeRequest(drydock, agents.drydock));
  }
  agents.direct.destroy();
  agents.drydock.destroy();
  const run = { direct: median(runs.direct), drydock: median(runs.drydock) };
  const call = { direct: median(requests.direct), drydock: median(requests.drydock) };
  console.log(`docker run --rm busybox true (median of ${RUN_ROUNDS}):`);
  console.log(`  dockerd directly        ${run.direct.toFixed(1)} ms`);
  console.log(`  through Drydock (host)  ${run.drydock.toFixed(1)} ms   ratio ${(run.drydock / run.direct).toFixed(2)} (${signed(run.drydock - run.direct, 1)} ms)`);
  console.log(`GET /containers/json (median of ${REQUEST_ROUNDS}, keep-alive):`);
  console.log(`  dockerd directly        ${call.direct.toFixed(2)} ms`);
  console.log(`  through Drydock (host)  ${call.drydock.toFixed(2)} ms   ratio ${(call.drydock / call.direct).toFixed(2)} (${signed(call.drydock - call.direct, 2)} ms)`);
} finally {
  await http.close();
  await engine.shutdown();
  await oracle.stop();
}
