/**
 * HEALTHCHECK at run time against a real dockerd 20.10 as the oracle: the
 * same `docker run --health-*` on both engines (dockerd runs busybox-static
 * `sleep`, Drydock its test image's `sig sleep`), then State.Health once it
 * has settled (status, the log entries' exit codes and output), the `docker
 * ps` status, and the container events up to the health_status event.
 * Needs root, dockerd and busybox-static; skips without them unless CI is set.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { DOCKER, startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';
import { oracleSkip, startOracleDockerd } from './helpers/dockerd.ts';
import type { Oracle } from './helpers/dockerd.ts';

const skip = oracleSkip();

let oracle: Oracle | null = null;
let t: TestEngine;

before(async () => {
  if (skip) return;
  oracle = await startOracleDockerd();
  t = await startTestEngine();
});
after(async () => {
  await t?.close();
  await oracle?.stop();
});

interface Health {
  Status: string;
  FailingStreak: number;
  Log: { ExitCode: number; Output: string }[];
}

type Engine = 'ours' | 'real';

async function docker(engine: Engine, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return engine === 'ours' ? t.docker(args) : oracle!.docker(args);
}

/** What a long-running container runs on each engine. */
const SLEEP: Record<Engine, string[]> = { ours: ['drydock-test', 'sig', 'sleep'], real: ['busybox', 'sleep', '300'] };

async function health(engine: Engine, name: string): Promise<Health | null> {
  const r = await docker(engine, ['inspect', '-f', '{{json .State.Health}}', name]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Health | null;
}

async function settle(engine: Engine, name: string, done: (h: Health | null) => boolean): Promise<Health | null> {
  let h = await health(engine, name);
  for (let i = 0; i < 300 && !done(h); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    h = await health(engine, name);
  }
  assert.ok(done(h), `${engine}: ${JSON.stringify(h)}`);
  return h;
}

/** Events of one container until `last` shows up, as "Action" lines. */
function watchEvents(engine: Engine): { lines: () => string[]; stop: () => void } {
  const socket = engine === 'ours' ? t.socket : oracle!.socket;
  const child = spawn(DOCKER, ['events', '--filter', 'type=container', '--format', '{{.Actor.Attributes.name}} {{.Action}}'], { env: { ...process.env, DOCKER_HOST: `unix://${socket}` } });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { lines: () => text.split('\n').filter(Boolean), stop: () => child.kill() };
}

describe('HEALTHCHECK: Drydock against dockerd 20.10', { skip }, () => {
  const cases: { name: string; flags: string[]; until: (h: Health | null) => boolean }[] = [
    { name: 'hc-unhealthy', flags: ['--health-cmd', 'echo checking; exit 1', '--health-interval', '1s', '--health-retries', '2'], until: (h) => h?.Status === 'unhealthy' },
    { name: 'hc-healthy', flags: ['--health-cmd', 'echo ok', '--health-interval', '1s'], until: (h) => h?.Status === 'healthy' },
    { name: 'hc-timeout', flags: ['--health-cmd', 'sleep 30', '--health-interval', '1s', '--health-timeout', '500ms', '--health-retries', '1'], until: (h) => (h?.Log.length ?? 0) >= 1 },
    { name: 'hc-none', flags: ['--no-healthcheck'], until: (h) => h === null },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const watches = { ours: watchEvents('ours'), real: watchEvents('real') };
      await new Promise((resolve) => setTimeout(resolve, 300));
      const result: Record<Engine, { health: Health | null; status: string; events: string[] }> = {} as never;
      for (const engine of ['ours', 'real'] as const) {
        // The timeout case's probe must hang on both: `sleep` works in dockerd's busybox, `sig sleep` in Drydock's test image.
        const flags = engine === 'ours' ? c.flags.map((f) => (f === 'sleep 30' ? 'sig sleep' : f)) : c.flags;
        const run = await docker(engine, ['run', '-d', '--network', 'none', '--name', c.name, ...flags, ...SLEEP[engine]]);
        assert.equal(run.code, 0, `${engine}: ${run.stderr}`);
      }
      for (const engine of ['ours', 'real'] as const) {
        const h = await settle(engine, c.name, c.until);
        const status = (await docker(engine, ['ps', '--filter', `name=${c.name}`, '--format', '{{.Status}}'])).stdout.replace(/Up (Less than a second|\d+ seconds?)/, 'Up N');
        result[engine] = { health: h, status, events: [] };
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const engine of ['ours', 'real'] as const) {
        watches[engine].stop();
        result[engine].events = watches[engine]
          .lines()
          .filter((line) => line.startsWith(`${c.name} `))
          .map((line) => line.slice(c.name.length + 1).replace('/bin/sh -c sig sleep', '/bin/sh -c sleep 30'));
        await docker(engine, ['rm', '-f', c.name]);
      }
      const shape = (h: Health | null) => (h ? { Status: h.Status, first: { ExitCode: h.Log[0]!.ExitCode, Output: h.Log[0]!.Output } } : null);
      assert.deepEqual(shape(result.ours.health), shape(result.real.health));
      assert.equal(result.ours.status, result.real.status);
      // The events up to (and including) the first health_status, or the first three probe runs.
      const upToStatus = (events: string[]) => {
        const at = events.findIndex((e) => e.startsWith('health_status'));
        return (at >= 0 ? events.slice(0, at + 1) : events).filter((e) => !e.startsWith('kill') && !e.startsWith('die') && !e.startsWith('destroy')).slice(0, 8);
      };
      // A timed-out probe: dockerd records the result at the timeout while it kills the probe, so its
      // exec_die comes before or after health_status depending on the race; compare without it.
      const comparable = (events: string[]) => (c.name === 'hc-timeout' ? upToStatus(events.filter((e) => e !== 'exec_die')) : upToStatus(events));
      assert.deepEqual(comparable(result.ours.events), comparable(result.real.events));
    });
  }
});
