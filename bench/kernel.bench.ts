/**
 * Kernel benchmarks (issue "Kernel"): each prints a ratio against Node's
 * built-in node:wasi running the same .wasm in the same run (or, for the
 * pipe, against the host's own `cat | wc -c`). Medians of several runs.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { WASI } from 'node:wasi';
import { createDevFs } from '../src/kernel/fs/devfs.ts';
import { ROOT } from '../src/unionfs/vfs/credentials.ts';
import { newKernel, PROGRAMS, run, sandbox } from '../test/helpers/kernel-harness.ts';

// node:wasi's fast-API fd_write path crashes Node 20 under allocation pressure.
setFlagsFromString('--no-turbo-fast-api-calls');
process.removeAllListeners('warning');

const kernel = newKernel({ warmWorkers: 2 });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeIt(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

const modules = new Map<string, WebAssembly.Module>();
function nodeWasi(program: string, args: string[], preopens: Record<string, string> = {}): number {
  let module = modules.get(program);
  if (!module) {
    module = new WebAssembly.Module(readFileSync(join(PROGRAMS, `${program}.wasm`)));
    modules.set(program, module);
  }
  const devNull = openSync('/dev/null', 'w');
  const wasi = new WASI({ version: 'preview1', args: [program, ...args], env: {}, preopens, returnOnExit: true, stdout: devNull });
  const instance = new WebAssembly.Instance(module, wasi.getImportObject() as WebAssembly.Imports);
  const code = wasi.start(instance);
  closeSync(devNull);
  return code;
}

async function drydock(program: string, args: string[], mounts = sandbox()): Promise<void> {
  const r = await run(kernel, `/bin/${program}.wasm`, args, { mounts });
  if (r.exit.exitCode !== 0) throw new Error(`${program} failed: ${r.stderr} ${r.exit.error ?? ''}`);
}

function report(name: string, ours: number, reference: number, referenceName: string, target: string): void {
  const ratio = ours / reference;
  console.log(`${name.padEnd(44)} drydock ${ours.toFixed(1).padStart(8)} ms   ${referenceName} ${reference.toFixed(1).padStart(8)} ms   ratio ${ratio.toFixed(2)} (target ${target})`);
}

// 1. Pure compute: 64 MiB hashed inside the guest.
{
  const reference = await timeIt(3, () => nodeWasi('wasi-bench-hash', ['64']));
  const ours = await timeIt(3, () => drydock('wasi-bench-hash', ['64']));
  report('pure compute (hash 64 MiB)', ours, reference, 'node:wasi', '<= 1.05');
}

// 2. 10k create/write/read/unlink cycles (ours on the container filesystem, node:wasi on a host directory).
{
  const dir = mkdtempSync(join(tmpdir(), 'drydock-bench-'));
  const reference = await timeIt(3, () => nodeWasi('wasi-bench-files', ['/work', '10000'], { '/work': dir }));
  rmSync(dir, { recursive: true, force: true });
  const ours = await timeIt(3, () => drydock('wasi-bench-files', ['/tmp', '10000']));
  report('10k create/write/read/unlink cycles', ours, reference, 'node:wasi', '<= 2');
}

// 3. 1M one-byte writes to /dev/null.
{
  const reference = await timeIt(3, () => nodeWasi('wasi-bench-devnull', ['/dev/null', '1000000'], { '/dev': '/dev' }));
  const mounts = sandbox();
  mounts.create(mounts.root(), '/dev', 'dir', { mode: 0o755, uid: 0, gid: 0 }, ROOT);
  mounts.mount('/dev', createDevFs());
  const ours = await timeIt(3, () => drydock('wasi-bench-devnull', ['/dev/null', '1000000'], mounts));
  report('1M one-byte writes to /dev/null', ours, reference, 'node:wasi', '<= 3');
}

// 4. Start-to-exit of a trivial program: cold (fresh kernel: compile + worker start) and warm.
{
  const bytes = readFileSync(join(PROGRAMS, 'wasi-exit.wasm'));
  const reference = await timeIt(9, () => {
    const wasi = new WASI({ version: 'preview1', args: ['exit', '0'], env: {}, returnOnExit: true, stdout: openSync('/dev/null', 'w') });
    wasi.start(new WebAssembly.Instance(new WebAssembly.Module(bytes), wasi.getImportObject() as WebAssembly.Imports));
  });
  const cold: number[] = [];
  for (let i = 0; i < 3; i++) {
    const fresh = newKernel({ warmWorkers: 0 });
    const start = performance.now();
    const r = await run(fresh, '/bin/wasi-exit.wasm', ['0']);
    cold.push(performance.now() - start);
    if (r.exit.exitCode !== 0) throw new Error('wasi-exit failed');
    await fresh.shutdown();
  }
  const mounts = sandbox();
  await run(kernel, '/bin/wasi-exit.wasm', ['0'], { mounts });
  const warm = await timeIt(21, () => run(kernel, '/bin/wasi-exit.wasm', ['0'], { mounts }));
  console.log(
    `${'trivial program start-to-exit'.padEnd(44)} cold ${median(cold).toFixed(2)} ms   warm ${warm.toFixed(2)} ms (goal < 2 ms)   node:wasi compile+run ${reference.toFixed(2)} ms`,
  );
}

// 5. 256 MiB through a kernel pipe, vs the host's own cat | wc -c.
{
  const mib = 256;
  const ours = await timeIt(3, () => drydock('bench-pipe', [String(mib)]));
  const dir = mkdtempSync(join(tmpdir(), 'drydock-bench-'));
  const file = join(dir, 'data');
  writeFileSync(file, Buffer.alloc(mib << 20, 120));
  const host = await timeIt(3, () => spawnSync('sh', ['-c', `cat ${file} | wc -c`]));
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `${'256 MiB through a kernel pipe'.padEnd(44)} ${((mib / ours) * 1000).toFixed(0)} MB/s (${ours.toFixed(0)} ms)   host cat|wc -c ${host.toFixed(0)} ms   ratio ${(ours / host).toFixed(2)}`,
  );
}

await kernel.shutdown();
