/**
 * The Dockerfile corpus (test/build-corpus/, the kinds of Dockerfiles
 * tutorials use) built with the real docker CLI against the engine: each
 * builds, its image runs as the case says, its config has the case's
 * fields, an unchanged rebuild is entirely cached (same image ID), and a
 * rebuild after a change hits the cache exactly up to the changed step.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerSkip, startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';
import { builtId, cacheHits, caseBuildArgs, copyCase, exportListing, loadCorpus, stepsRun, writeContextFile } from './engine-build-helpers.ts';
import type { CorpusCase } from './engine-build-helpers.ts';

const corpus = loadCorpus();
let t: TestEngine;
const built = new Map<string, string>();
const scratch: string[] = [];

before(async () => {
  if (!dockerSkip) t = await startTestEngine();
});
after(async () => {
  await t?.close();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

async function build(c: CorpusCase, dir: string, extra: string[] = []): Promise<{ stdout: string; stderr: string; code: number }> {
  return t.docker(['build', '-t', c.tag, ...caseBuildArgs(c, dir), ...extra, dir], { timeoutMs: 120_000 });
}

async function ensureBuilt(c: CorpusCase): Promise<string> {
  const done = built.get(c.name);
  if (done) return done;
  for (const name of c.requires) await ensureBuilt(corpus.find((other) => other.name === name)!);
  const dir = copyCase(c);
  scratch.push(dir);
  const r = await build(c, dir);
  assert.equal(r.code, 0, `${c.name}: docker build failed:\n${r.stdout}${r.stderr}`);
  assert.match(r.stdout, new RegExp(`^Successfully tagged ${c.tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:latest$`, 'm'));
  built.set(c.name, dir);
  return dir;
}

/** The image's filesystem as `docker export` of a created container gives it. */
async function exportImage(tag: string): Promise<Uint8Array> {
  const created = await t.docker(['create', tag, 'true']);
  assert.equal(created.code, 0, created.stderr);
  const id = created.stdout.trim();
  const out = join(mkdtempSync(join(tmpdir(), 'export-')), 'fs.tar');
  scratch.push(dirname(out));
  const exported = await t.docker(['export', '-o', out, id]);
  assert.equal(exported.code, 0, exported.stderr);
  await t.docker(['rm', id]);
  return readFileSync(out);
}

test('the corpus has at least 30 Dockerfiles', () => {
  assert.ok(corpus.length >= 30, `only ${corpus.length} cases`);
});

describe('corpus', { skip: dockerSkip }, () => {
  for (const c of corpus) {
    test(`${c.name}: ${c.description}`, async () => {
      const dir = await ensureBuilt(c);
      for (const check of c.run) {
        const r = await t.docker(['run', '--rm', c.tag, ...(check.args ?? [])]);
        if (check.fails) {
          assert.notEqual(r.code, 0, `${c.name}: run ${check.args?.join(' ')} should fail`);
          continue;
        }
        assert.equal(r.stdout, check.stdout, `${c.name}: run ${check.args?.join(' ') ?? ''}\n${r.stderr}`);
        assert.equal(r.code, 0);
      }
      if (Object.keys(c.config).length > 0) {
        const inspect = await t.docker(['image', 'inspect', '-f', '{{json .Config}}', c.tag]);
        const config = JSON.parse(inspect.stdout) as Record<string, unknown>;
        for (const [key, value] of Object.entries(c.config)) assert.deepEqual(config[key] ?? null, value, `${c.name}: Config.${key}`);
      }
      if (Object.keys(c.files).length > 0) {
        const listing = exportListing(await exportImage(c.tag));
        for (const [path, expected] of Object.entries(c.files)) {
          const entry = listing.get(path);
          assert.equal(entry ? `${entry.type} ${entry.mode} ${entry.owner}` : null, expected, `${c.name}: ${path}`);
        }
      }
      // An unchanged rebuild: every step from the cache, the same image.
      const first = (await t.docker(['image', 'inspect', '-f', '{{.Id}}', c.tag])).stdout.trim();
      const again = await build(c, dir);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(stepsRun(again.stdout), 0, `${c.name}: unchanged rebuild ran steps:\n${again.stdout}`);
      assert.equal(builtId(again.stdout), first.slice(7, 19));
      if (c.rebuild) {
        if (c.rebuild.change) writeContextFile(dir, c.rebuild.change.file, c.rebuild.change.content);
        const changed = await build(c, dir, c.rebuild.buildArgs ?? []);
        assert.equal(changed.code, 0, changed.stderr);
        assert.equal(cacheHits(changed.stdout), c.rebuild.cached, `${c.name}: cache hits after the change:\n${changed.stdout}`);
        assert.ok(stepsRun(changed.stdout) > 0 || /---> [0-9a-f]{12}\n/.test(changed.stdout));
        assert.notEqual(builtId(changed.stdout), first.slice(7, 19));
      }
    });
  }
});
