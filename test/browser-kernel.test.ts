/**
 * The kernel in real Chromium: the playground page (public/index.html), served
 * with COOP/COEP, starts the kernel in a Web Worker, which runs each program in
 * a nested Web Worker with the same guest runtime as Node.
 */
import { strict as assert } from 'node:assert';
import type { Server } from 'node:http';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { playgroundRoutes } from '../src/cli/serve.ts';
import { startStaticServer } from '../src/platform/node/static-server.ts';
import { PROGRAMS } from './helpers/kernel-harness.ts';
import { browserSkip, launchChromium } from './helpers/browser.ts';

let server: Server;
let browser: Browser;
let page: Page;

before(async () => {
  if (browserSkip) return;
  const started = await startStaticServer({ routes: { ...playgroundRoutes(), '/programs/': PROGRAMS } });
  server = started.server;
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(started.url);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
});

after(async () => {
  await browser?.close();
  server?.close();
});

interface PageResult {
  exitCode: number;
  signal: number | null;
  error: string | null;
  stdout: string;
  stderr: string;
}

function runInPage(url: string, options: { args?: string[]; env?: string[]; stdin?: string } = {}): Promise<PageResult> {
  return page.evaluate(
    async ({ url, options }) => {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const drydock = (window as unknown as { drydock: { runWasm(b: Uint8Array, o: unknown): Promise<PageResult> } }).drydock;
      return drydock.runWasm(bytes, options);
    },
    { url, options },
  );
}

test('the page is cross-origin isolated and the playground button runs hello-world', { skip: browserSkip }, async () => {
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  await page.click('#hello');
  await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('exited'));
  assert.equal(await page.textContent('#status'), 'exited with status 0');
  assert.match((await page.textContent('#terminal')) ?? '', /^\nHello from Drydock!\n/);
});

test('a C program gets its args and environment and exits with its status', { skip: browserSkip }, async () => {
  const r = await runInPage('/programs/wasi-args-env.wasm', { args: ['5', 'x y'], env: ['B=2', 'A=1'] });
  assert.deepEqual(r, {
    exitCode: 5,
    signal: null,
    error: null,
    stdout: 'argv[0]=program.wasm\nargv[1]=5\nargv[2]=x y\nenv A=1\nenv B=2\n',
    stderr: 'to stderr: 3 args\n',
  });
});

test('stdin reaches the guest, and a trap becomes a signal', { skip: browserSkip }, async () => {
  const cat = await runInPage('/programs/wasi-cat.wasm', { stdin: 'through the kernel\n' });
  assert.equal(cat.stdout, 'through the kernel\n');
  assert.equal(cat.stderr, '19 bytes\n');
  const trap = await runInPage('/programs/wasi-exit.wasm', { args: ['abort'] });
  assert.equal(trap.exitCode, 134);
  assert.match(trap.error ?? '', /unreachable/);
});

test('nanosleep blocks in a Web Worker without busy-waiting', { skip: browserSkip }, async () => {
  const r = await runInPage('/programs/wasi-clock.wasm');
  assert.equal(r.stdout, 'nanosleep=0 slept_at_least_50ms=1\nrealtime_after_2020=1\nres_positive=1\n');
});
