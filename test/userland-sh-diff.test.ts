/**
 * Differential tests: every case of test/userland/sh-cases/*.cases runs as
 * `sh -c SCRIPT` under Debian's busybox sh on the host and under our sh
 * (wasm/bin/sh.wasm) in the real kernel; stdout, stderr and the exit status
 * must be the same, except for the cases listed with a reason in
 * test/userland/sh-cases/known-differences.json.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { newKernel } from './helpers/kernel-harness.ts';
import { hostBusybox, loadCases, loadKnownDifferences, runHost } from './userland/sh-cases/corpus.ts';
import type { Outcome, ShCase } from './userland/sh-cases/corpus.ts';
import { makeBinDir, runSh, shSandbox } from './userland/sh-cases/harness.ts';

const busybox = hostBusybox();
const skip = busybox ? false : process.env.CI ? false : 'busybox is not installed (apt-get install busybox-static)';
const kernel = newKernel({ warmWorkers: 3 });
const bin = makeBinDir();
after(async () => {
  bin.cleanup();
  await kernel.shutdown();
});

// SH_CASES=regex runs only the matching cases (for development).
const filter = process.env.SH_CASES ? new RegExp(process.env.SH_CASES) : null;
const cases = loadCases().filter((c) => !filter || filter.test(`${c.file}: ${c.name}`));
const known = loadKnownDifferences();

test('the corpus has at least 200 cases and every known difference names a case', () => {
  const all = loadCases();
  assert.ok(all.length >= 200, `only ${all.length} cases`);
  const names = new Set(all.map((c) => c.name));
  for (const name of Object.keys(known)) assert.ok(names.has(name), `known-differences.json names no case ${name}`);
});

async function runOurs(c: ShCase): Promise<Outcome> {
  const r = await runSh(kernel, bin.dir, ['-c', c.script], { mounts: shSandbox(bin.dir), cwd: '/work' });
  return { stdout: r.stdout, stderr: r.stderr, status: r.exit.exitCode };
}

/** Runs cases a few at a time (the kernel runs processes in parallel workers). */
const results = new Map<string, Promise<[Outcome, Outcome]>>();
before(() => {
  if (skip) return;
  const queue = [...cases];
  const worker = async (): Promise<void> => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const current = c;
      let resolve!: (v: [Outcome, Outcome]) => void;
      let reject!: (e: unknown) => void;
      results.set(current.name, new Promise((res, rej) => ((resolve = res), (reject = rej))));
      try {
        const [host, ours] = await Promise.all([runHost(busybox!, current), runOurs(current)]);
        resolve([host, ours]);
      } catch (error) {
        reject(error);
      }
    }
  };
  void Promise.all([worker(), worker(), worker()]);
});

function missingApplets(c: ShCase): string[] {
  if (c.needs.length === 0) return [];
  if (!bin.busybox) return [...c.needs];
  return [];
}

for (const c of cases) {
  const missing = missingApplets(c);
  const caseSkip = skip || (missing.length > 0 && !process.env.CI ? `needs ${missing.join(' ')}` : false);
  test(`${c.file}: ${c.name}`, { skip: caseSkip, timeout: 120_000 }, async () => {
    // wait until the worker pool reaches this case
    while (!results.has(c.name)) await new Promise((r) => setTimeout(r, 20));
    const [host, ours] = await results.get(c.name)!;
    const reason = known[c.name];
    const same = host.stdout === ours.stdout && host.stderr === ours.stderr && host.status === ours.status;
    if (reason) {
      assert.ok(!same, `${c.name} is listed as a known difference (${reason}) but now matches busybox: remove it from known-differences.json`);
      return;
    }
    assert.deepEqual(ours, host, `script:\n${c.script}`);
  });
}
