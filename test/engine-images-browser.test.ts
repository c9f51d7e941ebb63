/**
 * The image store in real Chromium (playwright-core, Debian's chromium):
 * the shipped busybox preloaded into the real IndexedDB survives a page
 * reload, its layers mount, `docker save`/`load` round-trips with the same
 * ID; and a pull from a registry without CORS fails with an error that says
 * so. Skips when Chromium or docker-registry is missing, except with CI=true.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import { browserSkip, launchChromium } from './helpers/browser.ts';
import { type RunningRegistry, registryAvailable, startRegistry } from './engine-images-helpers.ts';

if (!registryAvailable() && process.env.CI) throw new Error('CI: docker-registry (apt) and openssl are required');
const skip = browserSkip || (registryAvailable() ? false : 'needs docker-registry (apt) and openssl');
const IMAGES = join(import.meta.dirname, '../public/images');

let server: Server;
let origin = '';
let browser: Browser;
let registry: RunningRegistry;

before(async () => {
  if (skip) return;
  const bundle = await esbuild.build({
    entryPoints: [join(import.meta.dirname, 'engine-images-browser.page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  server = createServer((request, response) => {
    if (request.url === '/page.js') response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    else if (request.url === '/') response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>images</title><script type="module" src="/page.js"></script>');
    else if (request.url === '/images/busybox.tar') response.writeHead(200, { 'Content-Type': 'application/x-tar' }).end(readFileSync(join(IMAGES, 'busybox.tar')));
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  registry = await startRegistry();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await registry?.stop();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

test('images in real Chromium: IndexedDB persistence across a reload, save/load, and a CORS-less registry', { skip, timeout: 120_000 }, async () => {
  const page = await browser.newPage();
  await page.goto(origin);
  await page.waitForFunction(() => 'drydockImages' in globalThis);
  const index = JSON.parse(readFileSync(join(IMAGES, 'images.json'), 'utf8')) as { name: string; id: string }[];
  const expectedId = index.find((i) => i.name === 'busybox')!.id;
  type Api = { preload(): Promise<{ id: string; tags: string[] }>; reopen(): Promise<{ id: string; busyboxSize: number; reloadedId: string }>; pull(host: string): Promise<string> };
  const preloaded = await page.evaluate(() => (globalThis as unknown as { drydockImages: Api }).drydockImages.preload());
  assert.deepEqual(preloaded, { id: expectedId, tags: ['busybox:latest'] });
  await page.reload();
  await page.waitForFunction(() => 'drydockImages' in globalThis);
  const reopened = await page.evaluate(() => (globalThis as unknown as { drydockImages: Api }).drydockImages.reopen());
  assert.equal(reopened.id, expectedId);
  assert.equal(reopened.reloadedId, expectedId);
  assert.ok(reopened.busyboxSize > 10_000);
  const message = await page.evaluate((host) => (globalThis as unknown as { drydockImages: Api }).drydockImages.pull(host), registry.host);
  assert.match(message, new RegExp(`^Get "http://${registry.host.replace(/\./g, '\\.')}/v2/busybox/manifests/latest": Failed to fetch`));
  assert.match(message, /cross-origin requests \(CORS\)/);
  await page.close();
});
