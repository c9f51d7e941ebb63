#!/usr/bin/env node
// The `drydock` command: loads the bundled CLI (built by `npm install` / `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('drydock: dist/cli.js is missing; run `npm run build` in the drydock directory');
  process.exit(125);
}
await import(cli.href);
