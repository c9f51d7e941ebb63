/**
 * Differential test of the everyday docker CLI surface: the same command
 * sequences (test/dockerd-diff/cases.json) run by the real docker CLI against
 * Drydock (the in-process test engine) and against a real dockerd 20.10
 * (Debian docker.io, a busybox-static `busybox` over Drydock's base layer;
 * test/helpers/dockerd.ts). Every step's exit code, stdout and stderr must be
 * equal after the normalisers below (which rewrite only what must differ
 * between two engines: IDs, times, durations, sizes, addresses, host paths).
 *
 * Differences that remain are listed, each with its reason, in
 * test/dockerd-diff/known-differences.json ("bug: …" for Drydock bugs not
 * fixed yet, "intentional: …" otherwise). A listed step must still differ:
 * the test fails when it starts to agree, so the list stays honest.
 *
 * Needs root, dockerd and busybox-static; skips without them unless CI is set.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';
import { dockerCli, oracleSkip, startOracleDockerd } from './helpers/dockerd.ts';
import type { CliResult, Oracle } from './helpers/dockerd.ts';
import { normalise } from './helpers/cli-normalise.ts';

const skip = oracleSkip();
const DATA = join(import.meta.dirname, 'dockerd-diff');

/** One step: docker CLI arguments, or a shell command on the host (for files `docker cp` wrote). */
interface StepSpec {
  readonly docker?: string[];
  readonly host?: string;
  readonly stdin?: string;
  /** Keep only the first N lines of stdout (e.g. `top`'s header). */
  readonly head?: number;
  /** Compare stdout's lines as a set (unordered listings such as `diff`). */
  readonly sort?: boolean;
}
type Step = string[] | StepSpec;

interface Case {
  readonly name: string;
  readonly steps: Step[];
}

interface KnownDifference {
  readonly case: string;
  /** The step's command line as the test prints it ("docker ps -a …" or "host: …"). */
  readonly step: string;
  readonly field: 'code' | 'stdout' | 'stderr';
  /** "bug: …" (Drydock is wrong, not fixed yet) or "intentional: …". */
  readonly reason: string;
}

const CASES = JSON.parse(readFileSync(join(DATA, 'cases.json'), 'utf8')) as Case[];
const KNOWN = JSON.parse(readFileSync(join(DATA, 'known-differences.json'), 'utf8')) as KnownDifference[];

type Engine = 'ours' | 'real';

// ---- running steps ------------------------------------------------------------------------------

let oracle: Oracle | null = null;
let t: TestEngine;
const scratch: Record<Engine, string> = { ours: '', real: '' };

before(async () => {
  if (skip) return;
  [oracle, t] = await Promise.all([startOracleDockerd(), startTestEngine()]);
  scratch.ours = mkdtempSync(join(tmpdir(), 'dd-diff-ours-'));
  scratch.real = mkdtempSync(join(tmpdir(), 'dd-diff-real-'));
});
after(async () => {
  await t?.close();
  await oracle?.stop();
  for (const dir of Object.values(scratch)) if (dir) rmSync(dir, { recursive: true, force: true });
});

function spec(step: Step): StepSpec {
  return Array.isArray(step) ? { docker: step } : step;
}

/** The step as printed in failures and as keyed in known-differences.json. */
function label(step: StepSpec): string {
  return step.docker ? `docker ${step.docker.join(' ')}` : `host: ${step.host}`;
}

function docker(engine: Engine, args: string[], input?: string): Promise<CliResult> {
  return dockerCli(engine === 'ours' ? t.socket : oracle!.socket, args, { ...(input !== undefined ? { input } : {}), timeoutMs: 30_000 });
}

async function runStep(engine: Engine, step: StepSpec): Promise<CliResult> {
  const dir = scratch[engine];
  const fill = (s: string) => s.replaceAll('{tmp}', dir);
  let r: CliResult;
  if (step.host !== undefined) {
    const out = spawnSync('sh', ['-c', fill(step.host)], { encoding: 'utf8' });
    r = { stdout: out.stdout, stderr: out.stderr, code: out.status ?? -1 };
  } else {
    r = await docker(engine, step.docker!.map(fill), step.stdin);
  }
  let stdout = normalise(r.stdout, dir);
  if (step.head !== undefined) stdout = stdout.split('\n').slice(0, step.head).join('\n');
  if (step.sort) stdout = stdout.split('\n').filter(Boolean).sort().join('\n');
  return { code: r.code, stdout, stderr: normalise(r.stderr, dir) };
}

/** Removes what a case left behind on one engine: containers, then networks, volumes and tags it made. */
async function cleanUp(engine: Engine): Promise<void> {
  const ids = (await docker(engine, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await docker(engine, ['rm', '-f', ...ids]);
  const networks = (await docker(engine, ['network', 'ls', '--filter', 'type=custom', '-q'])).stdout.split('\n').filter(Boolean);
  if (networks.length > 0) await docker(engine, ['network', 'rm', ...networks]);
  const volumes = (await docker(engine, ['volume', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
  if (volumes.length > 0) await docker(engine, ['volume', 'rm', '-f', ...volumes]);
  const tags = (await docker(engine, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', '--filter', 'reference=dd-*'])).stdout.split('\n').filter(Boolean);
  if (tags.length > 0) await docker(engine, ['rmi', '-f', ...tags]);
  spawnSync('sh', ['-c', `rm -rf ${scratch[engine]}/*`]);
}

describe('docker CLI: Drydock against dockerd 20.10', { skip }, () => {
  test('known-differences.json names existing cases and steps, each with a reason', () => {
    for (const k of KNOWN) {
      const c = CASES.find((x) => x.name === k.case);
      assert.ok(c, `known difference for a missing case: ${k.case}`);
      assert.ok(c.steps.some((s) => label(spec(s)) === k.step), `known difference for a missing step: ${k.case} / ${k.step}`);
      assert.match(k.reason, /^(bug|intentional): \S/, `${k.case} / ${k.step}: the reason starts with "bug:" or "intentional:"`);
    }
  });

  for (const c of CASES) {
    test(c.name, async () => {
      const failures: string[] = [];
      try {
        for (const raw of c.steps) {
          const step = spec(raw);
          const [ours, real] = await Promise.all([runStep('ours', step), runStep('real', step)]);
          for (const field of ['code', 'stdout', 'stderr'] as const) {
            const known = KNOWN.find((k) => k.case === c.name && k.step === label(step) && k.field === field);
            const same = ours[field] === real[field];
            if (known && same) failures.push(`${label(step)}: ${field} now agrees; remove it from known-differences.json (${known.reason})`);
            if (!known && !same) failures.push(`${label(step)}: ${field}\n  drydock: ${JSON.stringify(ours[field])}\n  dockerd: ${JSON.stringify(real[field])}`);
          }
        }
      } finally {
        await Promise.all([cleanUp('ours'), cleanUp('real')]);
      }
      assert.deepEqual(failures, []);
    });
  }
});
