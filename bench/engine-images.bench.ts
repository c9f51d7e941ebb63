/**
 * Image store costs, as ratios against references measured in the same run:
 *  - in process: `docker load` of the shipped busybox (read + verify + store
 *    into a memory store) against the unavoidable work (parsing the archive
 *    and hashing its bytes once); preloading all shipped images into a fresh
 *    store against re-preloading them into a store that has them (startup
 *    after the first); mounting an image's layers cold against the cache;
 *    `docker save` against copying the same number of bytes;
 *  - through the real docker CLI (when dockerd can run here: root, docker.io):
 *    `docker load -i busybox.tar` and `docker save busybox` against Drydock's
 *    API on a unix socket versus a real dockerd 20.10 (vfs), same CLI, same tar.
 * Run: node --import tsx bench/engine-images.bench.ts
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sha256Hex } from '../src/common/bytes.ts';
import { createApi } from '../src/engine/api/create-api.ts';
import { EngineSystemBackend } from '../src/engine/api/engine-system.ts';
import { ImageStore } from '../src/engine/images/image-store.ts';
import { DrydockImagesBackend } from '../src/engine/images/images-backend.ts';
import { preloadImages } from '../src/engine/images/preload.ts';
import { MemoryBlobStore } from '../src/platform/memory/blob-store.ts';
import { HttpTransport } from '../src/platform/node/http-transport.ts';
import { readTar } from '../src/unionfs/tar/reader.ts';

const IMAGES = join(import.meta.dirname, '../public/images');
const SHIPPED = ['hello-world', 'busybox', 'alpine', 'nginx', 'redis'];
const ROUNDS = 9;
const noSignal = new AbortController().signal;
const run = promisify(execFile);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function report(label: string, times: readonly number[], reference: readonly number[], referenceLabel: string): void {
  const m = median(times);
  const r = median(reference);
  console.log(`${label.padEnd(46)} median ${m.toFixed(2).padStart(8)} ms   ratio vs ${referenceLabel} (${r.toFixed(2)} ms): ${(m / r).toFixed(2)}`);
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function inProcess(): Promise<void> {
  const busybox = new Uint8Array(readFileSync(join(IMAGES, 'busybox.tar')));
  const tars = SHIPPED.map((name) => new Uint8Array(readFileSync(join(IMAGES, `${name}.tar`))));
  const load: number[] = [];
  const floor: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  const mountCold: number[] = [];
  const mountCached: number[] = [];
  const save: number[] = [];
  const copy: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    floor.push(await time(async () => {
      readTar(busybox);
      await sha256Hex(busybox);
    }));
    const backend = new DrydockImagesBackend({ store: await ImageStore.open(await MemoryBlobStore.open()) });
    load.push(await time(() => backend.load(once(busybox), { quiet: true }, () => {}, noSignal)));

    const store = await ImageStore.open(await MemoryBlobStore.open());
    cold.push(await time(() => preloadImages(store, tars)));
    warm.push(await time(() => preloadImages(store, tars)));

    const image = store.resolve('alpine');
    mountCold.push(await time(() => store.layerTrees(image)));
    mountCached.push(await time(() => store.layerTrees(image)));

    let bytes = 0;
    save.push(await time(async () => {
      for await (const chunk of await backend.export(['busybox'], noSignal)) bytes += chunk.length;
    }));
    copy.push(await time(async () => {
      busybox.slice(0, Math.min(bytes, busybox.length));
    }));
  }
  report('docker load busybox (in process)', load, floor, 'parse + sha256 of the tar');
  report('preload 5 images, fresh store', cold, warm, 'preload again (startup)');
  report('layerTrees(alpine), first mount', mountCold, mountCached, 'cached');
  report('docker save busybox (in process)', save, copy, 'copying as many bytes');
}

async function viaCli(): Promise<void> {
  const canRunDockerd = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v dockerd && command -v docker']).status === 0;
  if (!canRunDockerd) {
    console.log('docker CLI comparison skipped: needs root, dockerd and docker');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'drydock-bench-images-'));
  let daemon: ChildProcess | null = null;
  let transport: HttpTransport | null = null;
  try {
    daemon = spawn(
      'dockerd',
      ['--host', `unix://${dir}/docker.sock`, '--data-root', `${dir}/data`, '--exec-root', `${dir}/exec`, '--pidfile', `${dir}/dockerd.pid`,
        '--iptables=false', '--ip6tables=false', '--bridge=none', '--storage-driver=vfs'],
      { stdio: 'ignore' },
    );
    const ours = join(dir, 'drydock.sock');
    const store = await ImageStore.open(await MemoryBlobStore.open());
    const api = createApi({ backends: { system: new EngineSystemBackend({ ncpu: 2, memTotal: 2 ** 31 }), images: new DrydockImagesBackend({ store }) } });
    transport = new HttpTransport(api.respond, { logError: () => {} });
    await transport.listenUnix(ours);
    for (let i = 0; i < 150 && !(existsSync(`${dir}/docker.sock`) && spawnSync('docker', ['-H', `unix://${dir}/docker.sock`, 'version']).status === 0); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const docker = (host: string, args: string[]) => run('docker', ['-H', `unix://${host}`, ...args], { maxBuffer: 64 * 1024 * 1024, encoding: 'buffer' });
    const tar = join(IMAGES, 'busybox.tar');
    const results: Record<string, { drydock: number[]; dockerd: number[] }> = { load: { drydock: [], dockerd: [] }, save: { drydock: [], dockerd: [] } };
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, host] of [['drydock', ours], ['dockerd', `${dir}/docker.sock`]] as const) {
        results.load![name].push(await time(() => docker(host, ['load', '-q', '-i', tar])));
        results.save![name].push(await time(() => docker(host, ['save', 'busybox'])));
      }
    }
    report('docker load -i busybox.tar (CLI -> Drydock)', results.load!.drydock, results.load!.dockerd, 'dockerd 20.10');
    report('docker save busybox (CLI -> Drydock)', results.save!.drydock, results.save!.dockerd, 'dockerd 20.10');
  } finally {
    await transport?.close();
    if (daemon?.pid && daemon.exitCode === null) {
      const exited = new Promise((resolve) => daemon!.once('exit', resolve));
      process.kill(daemon.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await inProcess();
await viaCli();
