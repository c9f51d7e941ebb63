/**
 * Applet benchmarks (issue "Guest userland"): our busybox.wasm in the real
 * kernel against Debian's busybox-static on the host, measured in the same
 * run on the same files: sort, grep, sha256sum, gzip, sed, awk, wc and tar over a
 * few MB, plus the start-up of a trivial applet. Medians of several runs;
 * prints times and the ratio drydock / busybox.
 *
 *   node --import tsx bench/applets.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FixedInput, newKernel, start } from '../test/helpers/kernel-harness.ts';
import { AppletWorld, HOST_BUSYBOX } from '../test/userland/applet-cases/harness.ts';
import type { AppletCase } from '../test/userland/applet-cases/harness.ts';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** About 4 MB of text: 100k lines of words and numbers. */
function corpus(): string {
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
  const lines: string[] = [];
  let x = 12345;
  for (let i = 0; i < 100_000; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    lines.push(`${words[x % 10]} ${x % 100000} ${words[(x >> 8) % 10]}-${i} some filler text to make the line longer`);
  }
  return `${lines.join('\n')}\n`;
}

const applets = [...readFileSync(new URL('../wasm/src/busybox/applets.h', import.meta.url), 'utf8').matchAll(/^APPLET\("([^"]+)"/gm)].map(
  (m) => m[1]!,
);

if (spawnSync(HOST_BUSYBOX, ['true']).status !== 0) {
  console.log('busybox is not installed on the host: nothing to compare against');
  process.exit(0);
}

const kernel = newKernel({ warmWorkers: 2 });
const world = new AppletWorld(applets);
const files = { big: corpus() };

const benches: [string, string[], number][] = [
  ['start-up: true', ['true'], 15],
  ['sort 4 MB', ['sort', 'big'], 5],
  ['sort -n -k2 4 MB', ['sort', '-n', '-k2', 'big'], 3],
  ['grep -c 4 MB', ['grep', '-c', 'golf-', 'big'], 5],
  ['grep -E -o 4 MB', ['grep', '-E', '-o', '[a-z]+ [0-9]+', 'big'], 3],
  ['sha256sum 4 MB', ['sha256sum', 'big'], 5],
  ['md5sum 4 MB', ['md5sum', 'big'], 5],
  ['wc 4 MB', ['wc', 'big'], 5],
  ['sed s///g 4 MB', ['sed', 's/a/A/g', 'big'], 3],
  ['awk sum 4 MB', ['awk', '{ s += $2 } END { print s }', 'big'], 3],
  ['gzip -c 4 MB', ['gzip', '-c', 'big'], 3],
  ['tar cf (4 MB file)', ['tar', 'cf', '-', 'big'], 5],
];

function check(name: string, status: number, stderr: string): void {
  if (status !== 0) throw new Error(`${name} failed: ${stderr}`);
}

try {
  // Warm up the module cache and the workers (before the files: runGuest re-creates the case directory).
  await world.runGuest(kernel, { cmd: ['true'] });
  world.prepare(files);
  console.log(`${'benchmark'.padEnd(22)} ${'drydock'.padStart(10)} ${'busybox'.padStart(10)}   ratio`);
  for (const [name, cmd, runs] of benches) {
    const c: AppletCase = { cmd };
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Files are made once; runGuest/runHost would re-create them, so time the processes directly.
      let start = performance.now();
      const g = await runGuestOnly(c);
      ours.push(performance.now() - start);
      check(`drydock ${name}`, g.status, g.stderr);
      start = performance.now();
      const h = spawnSync(HOST_BUSYBOX, cmd, { cwd: world.hostCase, env: world.env(), maxBuffer: 256 * 1024 * 1024 });
      theirs.push(performance.now() - start);
      check(`busybox ${name}`, h.status ?? 1, h.stderr.toString());
    }
    const d = median(ours);
    const b = median(theirs);
    console.log(`${name.padEnd(22)} ${d.toFixed(1).padStart(8)}ms ${b.toFixed(1).padStart(8)}ms   ${(d / b).toFixed(1)}x`);
  }
} finally {
  world.dispose();
  await kernel.shutdown();
}

/** Runs a command in the kernel on the already prepared files (the host's copy sits at the same path). */
async function runGuestOnly(c: AppletCase): Promise<{ status: number; stderr: string }> {
  const env = Object.entries(world.env()).map(([k, v]) => `${k}=${v}`);
  const { proc, stderr } = await start(kernel, join(world.bin, 'busybox'), [...c.cmd], {
    mounts: world.namespace(),
    cwd: world.hostCase,
    env,
    stdin: new FixedInput(''),
  });
  const exit = await proc.exited;
  return { status: exit.exitCode, stderr: `${stderr.text()}${exit.error ?? ''} (exit ${exit.exitCode})` };
}
