/**
 * Builds Drydock's bundles:
 *   dist/cli.js                      the Node CLI (bin/drydock.mjs loads it)
 *   dist/process-worker.node.js      a process worker for Node (worker_threads)
 *   dist/browser/*.js                the page bundle and the browser workers
 * Usage: node esbuild.config.mjs [--watch]
 */
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

/** What `docker version` shows as the server's Git commit and build time (outside a git checkout: none). */
function buildInfo() {
  let gitCommit = '';
  try {
    gitCommit = execFileSync('git', ['rev-parse', '--short=7', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a git checkout (an npm package): no commit to show
  }
  // Go's time.RFC3339Nano layout as dockerd prints it, which the CLI parses.
  const buildTime = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000000+00:00');
  return { gitCommit, buildTime };
}

const builds = [
  {
    ...common,
    define: { __DRYDOCK_BUILD__: JSON.stringify(buildInfo()) },
    platform: 'node',
    entryPoints: { cli: 'src/cli/main.ts', 'process-worker.node': 'src/worker.node.ts' },
    outdir: 'dist',
    packages: 'external',
    banner: { js: "import { createRequire as __drydockCreateRequire } from 'node:module'; const require = __drydockCreateRequire(import.meta.url);" },
  },
];

const browserEntries = {
  'drydock': 'src/main.browser.ts',
  'process-worker': 'src/worker.browser.ts',
  'kernel-worker': 'src/kernel-worker.browser.ts',
  'sw': 'src/sw.browser.ts',
};
const presentBrowserEntries = Object.fromEntries(Object.entries(browserEntries).filter(([, file]) => existsSync(file)));
if (Object.keys(presentBrowserEntries).length > 0) {
  builds.push({ ...common, platform: 'browser', entryPoints: presentBrowserEntries, outdir: 'dist/browser' });
}

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
