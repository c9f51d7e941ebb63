#!/usr/bin/env node
/**
 * `npm test`: builds the bundles, type-checks every layer (the core layers
 * without DOM or Node types, see src/tsconfig.core.json), then runs every
 * *.test.ts under src/ and test/ with node:test.
 *
 *   npm test                      everything
 *   npm test -- kernel pipe       only test files whose path contains "kernel" or "pipe"
 *   npm test -- --skip-typecheck  skip tsc (faster while iterating)
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { availableParallelism } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const skipTypecheck = args.includes('--skip-typecheck');
const filters = args.filter((a) => !a.startsWith('--'));

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function findTests(dir, out = []) {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') findTests(path, out);
    } else if (entry.name.endsWith('.test.ts')) {
      out.push(path);
    }
  }
  return out;
}

run(process.execPath, ['esbuild.config.mjs']);
if (!skipTypecheck) {
  const tsc = join(root, 'node_modules/.bin/tsc');
  run(tsc, ['-p', 'tsconfig.json', '--noEmit']);
  run(tsc, ['-p', 'src/tsconfig.core.json', '--noEmit']);
}

let files = [...findTests('src'), ...findTests('test')].map((f) => relative(root, join(root, f))).sort();
if (filters.length > 0) files = files.filter((f) => filters.some((filter) => f.includes(filter)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const concurrency = Math.max(1, Math.min(4, availableParallelism()));
run(process.execPath, [
  '--import',
  'tsx',
  '--test',
  `--test-concurrency=${concurrency}`,
  // A test that hangs fails after 10 minutes instead of holding CI until its limit, and a test
  // file whose tests are done exits even if something it started still holds the event loop.
  '--test-timeout=600000',
  '--test-force-exit',
  '--test-reporter=spec',
  ...files,
]);
