/**
 * docker build (classic builder) on Drydock against a real dockerd 20.10
 * (vfs storage, busybox-static rootfs imported as `busybox`) measured in
 * the same run, with the same client: POST /build of the same context tar
 * over each engine's unix socket, timed until the stream ends.
 *  - cold build of a 10-step Dockerfile (nocache=1): reported;
 *  - fully cached rebuild of the same Dockerfile: target ratio <= 0.1;
 *  - rebuild after one source file changes (the steps from its COPY on run
 *    again): reported.
 * Without dockerd (not root, no docker.io) only Drydock's times are shown.
 * Run: node --import tsx bench/build.bench.ts
 */
import { request } from 'node:http';
import { utf8 } from '../src/common/bytes.ts';
import { writeTar } from '../src/unionfs/tar/writer.ts';
import type { TarWriteEntry } from '../src/unionfs/tar/entry.ts';
import { startTestEngine } from '../test/helpers/engine-harness.ts';
import { oracleMissing, startOracleDockerd } from '../test/engine-build-helpers.ts';

const DOCKERFILE = `FROM busybox
ENV APP=/app
WORKDIR /app
COPY package.json ./
RUN echo deps > deps.txt
COPY src/ ./src/
RUN cat src/*.txt > all.txt
LABEL bench=build
EXPOSE 8080
CMD ["cat", "all.txt"]
`;
const COLD_ROUNDS = 3;
const CACHED_ROUNDS = 15;
const SETTLE_MS = 2000;
const CHANGED_ROUNDS = 3;

function contextTar(changed: string): Uint8Array {
  const entries: TarWriteEntry[] = [
    { path: 'Dockerfile', type: 'file', mode: 0o644, data: utf8(DOCKERFILE) },
    { path: 'package.json', type: 'file', mode: 0o644, data: utf8('{"name":"bench","version":"1.0.0"}\n') },
    { path: 'src', type: 'dir', mode: 0o755 },
  ];
  for (let i = 1; i <= 20; i++) entries.push({ path: `src/f${i}.txt`, type: 'file', mode: 0o644, data: utf8(`file ${i} ${i === 2 ? changed : ''}\n`) });
  return writeTar(entries);
}

/** POST /build over a unix socket; resolves with the time until the stream ended, rejects on an error message. */
function build(socket: string, tar: Uint8Array, query: string): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: socket, method: 'POST', path: `/v1.41/build?t=bench&${query}`, headers: { 'Content-Type': 'application/x-tar', 'Content-Length': tar.length } },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => {
          if (res.statusCode !== 200 || body.includes('"errorDetail"')) reject(new Error(`build failed (${res.statusCode}): ${body.slice(-500)}`));
          else if (query.includes('nocache') || body.includes('Running in') || body.includes('Using cache')) resolve(performance.now() - start);
          else reject(new Error(`unexpected output: ${body.slice(-500)}`));
        });
      },
    );
    req.on('error', reject);
    req.end(tar);
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(socket: string): Promise<{ cold: number[]; cached: number[]; changed: number[] }> {
  const cold: number[] = [];
  const cached: number[] = [];
  const changed: number[] = [];
  const base = contextTar('base');
  for (let i = 0; i < COLD_ROUNDS; i++) cold.push(await build(socket, base, 'nocache=1'));
  await build(socket, base, '');
  // Let background work of the cold builds finish first (Drydock refills its warm worker pool; dockerd
  // cleans up containers): the cached rebuild is measured on an idle engine, on both sides.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  for (let i = 0; i < CACHED_ROUNDS; i++) cached.push(await build(socket, base, ''));
  for (let i = 0; i < CHANGED_ROUNDS; i++) changed.push(await build(socket, contextTar(`change ${i} ${Date.now()}`), ''));
  return { cold, cached, changed };
}

function line(label: string, ours: number[], real: number[] | null, target?: string): void {
  const m = median(ours);
  const text = `${label.padEnd(44)} Drydock ${m.toFixed(1).padStart(8)} ms`;
  if (!real) {
    console.log(text);
    return;
  }
  const r = median(real);
  console.log(`${text}   dockerd ${r.toFixed(1).padStart(8)} ms   ratio ${(m / r).toFixed(3)}${target ? `  (target ${target})` : ''}`);
}

const engine = await startTestEngine();
const missing = oracleMissing();
const oracle = missing.length === 0 ? await startOracleDockerd() : null;
try {
  const ours = await measure(engine.socket);
  const real = oracle ? await measure(oracle.socket) : null;
  if (!oracle) console.log(`(no dockerd reference: needs ${missing.join(', ')})`);
  console.log(`docker build, 10-step Dockerfile, medians (cold ${COLD_ROUNDS}, cached ${CACHED_ROUNDS}, changed ${CHANGED_ROUNDS} rounds)`);
  line('cold build (nocache=1)', ours.cold, real?.cold ?? null);
  line('fully cached rebuild', ours.cached, real?.cached ?? null, '<= 0.1');
  line('rebuild after one source file changed', ours.changed, real?.changed ?? null);
} finally {
  await engine.close();
  await oracle?.stop();
}
