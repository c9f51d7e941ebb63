/**
 * HEALTHCHECK at run time, with the real docker CLI: `docker run
 * --health-*` and images built with HEALTHCHECK; State.Health in inspect,
 * the `docker ps` status and `--filter health=`, `health_status` and exec
 * events, the start period, the timeout, the log's five entries, and no
 * health at all with --no-healthcheck. Statuses are polled (never timed).
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DOCKER, dockerSkip, startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';

let t: TestEngine;
before(async () => {
  if (!dockerSkip) t = await startTestEngine();
});
after(() => t?.close());

interface Health {
  Status: string;
  FailingStreak: number;
  Log: { Start: string; End: string; ExitCode: number; Output: string }[];
}

async function health(name: string): Promise<Health | null> {
  const r = await t.docker(['inspect', '-f', '{{json .State.Health}}', name]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Health | null;
}

/** Polls until `check` holds (the monitor runs on its own clock). */
async function until<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 300 && !check(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  assert.ok(check(value), `${what}: last value ${JSON.stringify(value)}`);
  return value;
}

describe('HEALTHCHECK at run time', { skip: dockerSkip }, () => {
  test('a failing check: starting, then unhealthy after the retries; ps, inspect and events', async () => {
    const events = spawn(DOCKER, ['events', '--filter', 'type=container', '--format', '{{.Action}}'], { env: { ...process.env, DOCKER_HOST: `unix://${t.socket}` } });
    let eventText = '';
    events.stdout.on('data', (chunk: Buffer) => {
      eventText += chunk.toString();
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const run = await t.docker(['run', '-d', '--name', 'sick', '--health-cmd', 'echo checking; exit 1', '--health-interval', '1s', '--health-retries', '2', 'drydock-test', 'sig', 'sleep']);
    assert.equal(run.code, 0, run.stderr);
    const first = await t.docker(['ps', '--filter', 'name=sick', '--format', '{{.Status}}']);
    assert.match(first.stdout, /^Up .* \((health: starting|unhealthy)\)\n$/);
    const state = await until('unhealthy', () => health('sick'), (h) => h?.Status === 'unhealthy');
    assert.ok(state!.FailingStreak >= 2);
    assert.deepEqual(state!.Log[0]!.ExitCode, 1);
    assert.equal(state!.Log[0]!.Output, 'checking\n');
    assert.ok(Date.parse(state!.Log[0]!.End) >= Date.parse(state!.Log[0]!.Start));
    const ps = await t.docker(['ps', '--filter', 'health=unhealthy', '--format', '{{.Names}} {{.Status}}']);
    assert.match(ps.stdout, /^sick Up .* \(unhealthy\)\n$/);
    await until('events', async () => eventText, (text) => text.includes('health_status: unhealthy'));
    events.kill();
    assert.match(eventText, /^exec_create: \/bin\/sh -c echo checking; exit 1$/m);
    assert.match(eventText, /^exec_start: \/bin\/sh -c echo checking; exit 1$/m);
    assert.match(eventText, /^exec_die$/m);
    assert.doesNotMatch(eventText, /health_status: healthy/);
    // Stopped: the last health state stays in inspect, ps shows no health.
    await t.docker(['stop', '-t', '1', 'sick']);
    const stopped = await health('sick');
    assert.equal(stopped?.Status, 'unhealthy');
    const exited = await t.docker(['ps', '-a', '--filter', 'name=sick', '--format', '{{.Status}}']);
    assert.match(exited.stdout, /^Exited \(137\) /);
    await t.docker(['rm', 'sick']);
  });

  test('a passing check: healthy; --filter health=healthy and =none', async () => {
    assert.equal((await t.docker(['run', '-d', '--name', 'fine', '--health-cmd', 'true', '--health-interval', '1s', 'drydock-test', 'sig', 'sleep'])).code, 0);
    assert.equal((await t.docker(['run', '-d', '--name', 'plain', 'drydock-test', 'sig', 'sleep'])).code, 0);
    await until('healthy', () => health('fine'), (h) => h?.Status === 'healthy');
    assert.equal((await t.docker(['ps', '--filter', 'health=healthy', '--format', '{{.Names}}'])).stdout, 'fine\n');
    assert.equal((await t.docker(['ps', '--filter', 'health=none', '--format', '{{.Names}}'])).stdout, 'plain\n');
    assert.match((await t.docker(['ps', '--filter', 'name=fine', '--format', '{{.Status}}'])).stdout, /^Up .* \(healthy\)\n$/);
    assert.equal(await health('plain'), null);
    const bad = await t.docker(['ps', '--filter', 'health=great']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Unrecognised filter value for health: great/);
    await t.docker(['rm', '-f', 'fine', 'plain']);
  });

  test('a HEALTHCHECK built into the image; --no-healthcheck turns it off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'health-'));
    try {
      writeFileSync(join(dir, 'Dockerfile'), 'FROM drydock-test\nHEALTHCHECK --interval=1s --retries=1 CMD ["sh", "-c", "test -f /tmp/ready"]\nCMD ["sig", "sleep"]\n');
      assert.equal((await t.docker(['build', '-t', 'with-health', dir])).code, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal((await t.docker(['run', '-d', '--name', 'built-health', 'with-health'])).code, 0);
    await until('unhealthy before ready', () => health('built-health'), (h) => h?.Status === 'unhealthy');
    assert.equal((await t.docker(['exec', 'built-health', 'touch', '/tmp/ready'])).code, 0);
    const healthy = await until('healthy once ready', () => health('built-health'), (h) => h?.Status === 'healthy');
    assert.equal(healthy!.FailingStreak, 0);
    assert.equal((await t.docker(['run', '-d', '--name', 'no-health', '--no-healthcheck', 'with-health'])).code, 0);
    assert.equal(await health('no-health'), null);
    assert.match((await t.docker(['ps', '--filter', 'name=no-health', '--format', '{{.Status}}'])).stdout, /^Up [^(]*\n$/);
    await t.docker(['rm', '-f', 'built-health', 'no-health']);
  });

  test('the start period, the timeout and the five-entry log', async () => {
    assert.equal((await t.docker(['run', '-d', '--name', 'slow-start', '--health-cmd', 'exit 1', '--health-interval', '1s', '--health-retries', '1', '--health-start-period', '1h', 'drydock-test', 'sig', 'sleep'])).code, 0);
    const starting = await until('three runs in the start period', () => health('slow-start'), (h) => (h?.Log.length ?? 0) >= 3);
    assert.equal(starting!.Status, 'starting');
    assert.equal(starting!.FailingStreak, 0);
    assert.equal((await t.docker(['run', '-d', '--name', 'hangs', '--health-cmd', 'sig sleep', '--health-interval', '1s', '--health-timeout', '500ms', '--health-retries', '1', 'drydock-test', 'sig', 'sleep'])).code, 0);
    const timedOut = await until('a timed-out run', () => health('hangs'), (h) => (h?.Log.length ?? 0) >= 1);
    assert.deepEqual([timedOut!.Log[0]!.ExitCode, timedOut!.Log[0]!.Output, timedOut!.Status], [-1, 'Health check exceeded timeout (500ms)', 'unhealthy']);
    // More than five runs: the first one has left the log, which keeps five.
    const many = await until('more than five runs', () => health('slow-start'), (h) => (h?.Log.length ?? 0) >= 5 && h!.Log[0]!.Start !== starting!.Log[0]!.Start);
    assert.equal(many!.Log.length, 5);
    await t.docker(['rm', '-f', 'slow-start', 'hangs']);
  });
});
