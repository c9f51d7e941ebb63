/**
 * Shell benchmarks (issue "Guest userland"): our sh (wasm/bin/sh.wasm) in the
 * real kernel against Debian's busybox sh on the host, measured in the same
 * run: start-up (`sh -c true`), a 10k-iteration loop, and a loop that starts
 * a child shell per iteration (command substitution of a subshell) to show
 * the cost of the fork replacement. Medians of several runs; prints ratios.
 *
 *   node --import tsx bench/sh.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { newKernel } from '../test/helpers/kernel-harness.ts';
import { makeBinDir, runSh, shSandbox } from '../test/userland/sh-cases/harness.ts';

const kernel = newKernel({ warmWorkers: 2 });
const bin = makeBinDir();

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

async function ours(script: string, expect: string): Promise<void> {
  const r = await runSh(kernel, bin.dir, ['-c', script], { mounts: shSandbox(bin.dir) });
  if (r.exit.exitCode !== 0 || r.stdout !== expect) throw new Error(`sh failed: ${JSON.stringify(r.stdout)} ${r.stderr} ${r.exit.error ?? ''}`);
}

function host(script: string, expect: string): void {
  const r = spawnSync('busybox', ['sh', '-c', script], { encoding: 'utf8' });
  if (r.status !== 0 || r.stdout !== expect) throw new Error(`busybox sh failed: ${r.stdout} ${r.stderr}`);
}

function report(name: string, drydock: number, busybox: number): void {
  console.log(`${name.padEnd(40)} drydock ${drydock.toFixed(1).padStart(8)} ms   busybox sh ${busybox.toFixed(1).padStart(8)} ms   ratio ${(drydock / busybox).toFixed(1)}`);
}

const benches: [string, string, string, number][] = [
  ['startup: sh -c true', 'true', '', 15],
  ['loop: 10k iterations of [ ] and $(( ))', 'i=0; while [ $i -lt 10000 ]; do i=$((i+1)); done; echo $i', '10000\n', 5],
  ['100 child shells: x=$(echo $i; exit 0)', 'i=0; while [ $i -lt 100 ]; do x=$(echo $i; exit 0); i=$((i+1)); done; echo $x', '99\n', 3],
];

if (spawnSync('busybox', ['true']).status !== 0) {
  console.log('busybox is not installed on the host: nothing to compare against');
} else {
  // warm up: module compile cache and workers
  await ours('true', '');
  for (const [name, script, expect, runs] of benches) {
    const d = await timeIt(runs, () => ours(script, expect));
    const b = await timeIt(runs, () => host(script, expect));
    report(name, d, b);
  }
}
bin.cleanup();
await kernel.shutdown();
