/**
 * Every lesson of the tutorial (public/lessons/*.json), played through the
 * host shell as a learner would type it, against an engine with the same
 * shipped images the page loads: each command must finish with the status
 * the lesson expects (0 unless the lesson is about a failure), interactive
 * ones on a terminal where the test types "exit" or the detach keys.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseLesson } from '../src/ui/lessons/lesson.ts';
import type { Lesson } from '../src/ui/lessons/lesson.ts';
import { HostShell } from '../src/ui/shell/host-shell.ts';
import { MemoryWorkspace } from '../src/ui/docker-cli/workspace.ts';
import { dockerSkip, startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';
import { captureStreams, FakeTerminal, ourCli } from './ui-harness.ts';

const LESSONS = fileURLToPath(new URL('../public/lessons/', import.meta.url));

/** Commands whose lesson expects a failure, and the status. */
const EXPECTED_STATUS: Record<string, number> = {
  "docker run busybox sh -c 'exit 3'": 3,
  'docker run --rm busybox no-such-command': 127,
  'docker logs -f --tail 3 ticker': 130,
};

function loadLessons(): Lesson[] {
  const index = JSON.parse(readFileSync(join(LESSONS, 'index.json'), 'utf8')) as { lessons: { id: string }[] };
  return index.lessons.map((entry) => parseLesson(JSON.parse(readFileSync(join(LESSONS, `${entry.id}.json`), 'utf8'))));
}

test('the lesson files are valid, and index.json lists every one of them', () => {
  const lessons = loadLessons();
  const files = readdirSync(LESSONS).filter((f) => f.endsWith('.json') && f !== 'index.json');
  assert.deepEqual(lessons.map((l) => `${l.id}.json`).sort(), files.sort());
  for (const lesson of lessons) {
    assert.ok(lesson.steps.length > 0, lesson.id);
    for (const step of lesson.steps) for (const command of step.commands) assert.ok(command.trim() !== '', `${lesson.id}: ${step.title}`);
  }
  assert.throws(() => parseLesson({ id: 'x' }), /not a valid lesson/);
});

let t: TestEngine;
before(async () => {
  if (!dockerSkip) t = await startTestEngine();
});
after(() => t?.close());

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('every lesson runs as written', { skip: dockerSkip }, () => {
  for (const lesson of loadLessons()) {
    test(`${lesson.id}: ${lesson.title}`, async () => {
      const workspace = new MemoryWorkspace(lesson.files ?? {});
      const shell = new HostShell({ docker: ourCli(t, workspace), clear: () => {}, history: () => [] });
      for (const step of lesson.steps) {
        for (const command of step.commands) {
          const terminal = new FakeTerminal();
          const capture = captureStreams({ terminal });
          const running = shell.execute(command, capture.streams);
          const output = () => capture.result().stdout;
          if (/ -it /.test(command) || command.startsWith('docker attach')) {
            if (command.startsWith('docker attach')) await until(() => terminal.rawActive, `raw mode for ${command}`);
            else await until(() => /# $/.test(output()), `the shell prompt of ${command}`);
            // The detach step leaves its shell running for `docker attach`.
            terminal.type(command.includes('--name box') ? '\x10\x11' : 'exit\r');
          } else if (command.includes('logs -f')) {
            await until(() => output().length > 0, `output of ${command}`);
            capture.interrupt();
          }
          const status = await running;
          const expected = EXPECTED_STATUS[command] ?? 0;
          assert.equal(status, expected, `${lesson.id} / ${step.title} / ${command}\n${capture.result().stdout}${capture.result().stderr}`);
        }
      }
    });
  }
});
