/**
 * Engine benchmarks (issue "Docker Engine API and daemon"):
 *  - `docker run --rm hello-world` through the real CLI, vs a real dockerd running `docker run --rm` of a
 *    busybox-static `true` in the same run (dockerd cannot run wasm images; this is its fastest equivalent);
 *  - in-process create+start+wait+remove (p50), through the typed client;
 *  - throughput with 50 concurrent containers (containers/s; containerd's runwasi publishes about 330 tasks/s);
 *  - memory per idle container with 200 running.
 */
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerClient } from '../src/engine/client/client.ts';
import { inProcessTransport } from '../src/engine/client/transport.ts';
import { startTestEngine } from '../test/helpers/engine-harness.ts';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const execFileAsync = promisify(execFile);

/** Runs a command to completion without blocking the event loop (the engine answers the CLI from this process). */
async function timeCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const start = performance.now();
  await execFileAsync('docker', args, { env });
  return performance.now() - start;
}

const t = await startTestEngine();
const env = { ...process.env, DOCKER_HOST: `unix://${t.socket}` };

// The docker CLI's own floor: starting and exiting the Go binary, no daemon involved.
const cliAlone: number[] = [];
for (let i = 0; i < 7; i++) cliAlone.push(await timeCommand(['--version'], env));

// 1. docker run --rm hello-world through the real CLI.
const ours: number[] = [];
for (let i = 0; i < 7; i++) ours.push(await timeCommand(['run', '--rm', 'hello-world'], env));

let reference: number | null = null;
const dockerd = spawnSync('which', ['dockerd']).status === 0 && spawnSync('which', ['busybox']).status === 0 && process.getuid?.() === 0;
if (dockerd) {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-dockerd-'));
  const daemon = spawn('dockerd', ['--host', `unix://${dir}/docker.sock`, '--data-root', `${dir}/data`, '--exec-root', `${dir}/exec`, '--pidfile', `${dir}/dockerd.pid`, '--iptables=false', '--ip6tables=false', '--bridge=none', '--storage-driver=vfs'], { stdio: 'ignore' });
  const realEnv = { ...process.env, DOCKER_HOST: `unix://${dir}/docker.sock` };
  try {
    for (let i = 0; i < 100 && spawnSync('docker', ['version'], { env: realEnv, stdio: 'ignore' }).status !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    const rootfs = join(dir, 'rootfs');
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    execFileSync('cp', ['/usr/bin/busybox', join(rootfs, 'bin/busybox')]);
    execFileSync('ln', ['-s', 'busybox', join(rootfs, 'bin/true')]);
    execFileSync('sh', ['-c', `tar -C ${rootfs} -c . | docker import - bench-bb`], { env: realEnv, stdio: 'ignore' });
    const real: number[] = [];
    for (let i = 0; i < 7; i++) real.push(await timeCommand(['run', '--rm', '--network', 'none', 'bench-bb', '/bin/true'], realEnv));
    reference = median(real);
  } finally {
    daemon.kill('SIGTERM');
    await new Promise((resolve) => daemon.on('exit', resolve));
    spawnSync('sh', ['-c', `umount -R ${dir}/data 2>/dev/null; rm -rf ${dir}`]);
  }
}
console.log(
  `docker run --rm hello-world (real CLI)      drydock ${median(ours).toFixed(0)} ms` +
    (reference === null ? '   (no dockerd here: reference skipped)' : `   real dockerd ${reference.toFixed(0)} ms   ratio ${(median(ours) / reference).toFixed(2)} (target <= 0.1)`),
);
console.log(`  of which the docker CLI alone (docker --version, no daemon) takes ${median(cliAlone).toFixed(0)} ms`);

// 2. In-process create+start+wait+remove.
const docker = new DockerClient(inProcessTransport(t.engine.api));
const cycle = async () => {
  const id = await docker.createContainer({ Image: 'busybox', Cmd: ['true'] });
  const wait = await docker.waitContainer(id, 'next-exit');
  await docker.startContainer(id);
  await wait.result;
  await docker.removeContainer(id);
};
// Steady state: the first cycles also JIT-compile the engine's paths and fill the worker pool.
for (let i = 0; i < 30; i++) await cycle();
const cycles: number[] = [];
for (let i = 0; i < 200; i++) {
  const start = performance.now();
  await cycle();
  cycles.push(performance.now() - start);
}
console.log(`in-process create+start+wait+remove          p50 ${median(cycles).toFixed(2)} ms (target <= 5 ms)`);

// 3. Throughput: 50 concurrent runners, 200 containers in all. The first burst also starts the
//    process workers 50 containers need (the pool keeps them for a while); the second is the steady state.
async function burst(total: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next++ < total) await cycle();
    }),
  );
  return total / ((performance.now() - start) / 1000);
}
{
  const cold = await burst(200);
  const warm = await burst(200);
  console.log(
    `throughput, 50 concurrent                   ${warm.toFixed(0)} containers/s warm pool, ${cold.toFixed(0)} starting 50 workers (runwasi publishes about 330 tasks/s)`,
  );
}

// 4. Memory per idle container, with 200 running.
{
  global.gc?.();
  const before = process.memoryUsage().rss;
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) {
    const id = await docker.createContainer({ Image: 'drydock-test', Cmd: ['sig', 'sleep'] });
    await docker.startContainer(id);
    ids.push(id);
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = process.memoryUsage().rss;
  console.log(`memory per idle container (200 running)     ${((after - before) / 200 / 1024 / 1024).toFixed(1)} MiB (process RSS growth / 200)`);
  await Promise.all(ids.map((id) => docker.removeContainer(id, { force: true })));
}

await t.close();
