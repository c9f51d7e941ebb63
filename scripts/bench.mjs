#!/usr/bin/env node
/**
 * `npm run bench`: runs every bench/*.bench.ts (or those whose name contains
 * one of the arguments). Each benchmark prints its ratios against a reference
 * measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
let files = readdirSync(new URL('../bench', import.meta.url))
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));
let failed = 0;
for (const file of files) {
  console.log(`\n=== bench/${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
