/**
 * Published ports in real Chromium: the tutorial page (served with COOP/COEP
 * as `drydock serve` serves it, bundles built from this tree) runs
 * `docker run -d -p 8080:80 nginx` in its engine, and the ports Service
 * Worker (src/sw.browser.ts) shows the container's server at /ports/8080/:
 * in an iframe of the engine panel, in a new tab opened from its link, a
 * 404 page, a redirect and a root-relative stylesheet mapped under the
 * prefix, a port nothing publishes (502 with X-Drydock-Error), and no
 * engine at all once the page is gone (503).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { playgroundRoutes } from '../src/cli/serve.ts';
import { startStaticServer } from '../src/platform/node/static-server.ts';
import { browserSkip, launchChromium, playgroundTerminalText, typePlaygroundCommand } from './helpers/browser.ts';
import { buildBrowserBundles } from './ui-harness.ts';

let dir: string;
let server: Server;
let url: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;


before(async () => {
  if (browserSkip) return;
  dir = mkdtempSync(join(tmpdir(), 'drydock-ports-'));
  await buildBrowserBundles(join(dir, 'browser'));
  const started = await startStaticServer({ routes: { ...playgroundRoutes(), '/dist/browser/': join(dir, 'browser') } });
  server = started.server;
  url = started.url;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function terminalText(p: Page = page): Promise<string> {
  return playgroundTerminalText(p);
}

/** Types a command line and waits for the next prompt. */
async function typeCommand(line: string): Promise<string> {
  await page.bringToFront();
  await page.locator('drydock-terminal').click();
  return typePlaygroundCommand(page, line);
}

/** Opens `path` of the site in a new tab (a navigation the Service Worker answers); its response and text. */
async function openInTab(path: string): Promise<{ status: number; headers: Record<string, string>; text: string; url: string; tab: Page }> {
  const tab = await context.newPage();
  const response = await tab.goto(new URL(path, url).href);
  assert.ok(response, path);
  return { status: response.status(), headers: response.headers(), text: await tab.evaluate(() => document.body?.innerText ?? ''), url: tab.url(), tab };
}

test('docker run -d -p 8080:80 nginx: the engine panel links to http://localhost:8080, shown in an iframe at /ports/8080/', { skip: browserSkip }, async () => {
  await page.goto(`${url}#lesson=ports`);
  await page.waitForFunction(() => /\$$/.test(document.querySelector('drydock-playground')?.terminal?.text() ?? ''), null, { timeout: 60_000 });
  await typeCommand('docker run -d --name web -p 8080:80 nginx');
  const link = page.locator('drydock-playground tr[data-container="web"] .port[data-port="8080"] a');
  await link.waitFor({ timeout: 30_000 });
  assert.equal(await link.textContent(), 'open http://localhost:8080');
  assert.equal(await link.getAttribute('href'), new URL('/ports/8080/', url).href);
  await page.locator('drydock-playground tr[data-container="web"] .port[data-port="8080"] button').click();
  const frame = page.frameLocator('drydock-playground figure.preview iframe');
  await frame.locator('h1').waitFor({ timeout: 30_000 });
  assert.equal(await frame.locator('h1').textContent(), 'Welcome to nginx!');
  assert.equal(await frame.locator('title').textContent(), 'Welcome to nginx!');
});

test('the link opens the page in a new tab', { skip: browserSkip }, async () => {
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('drydock-playground .port[data-port="8080"] a').click()]);
  await popup.waitForLoadState();
  assert.equal(new URL(popup.url()).pathname, '/ports/8080/');
  assert.match(await popup.locator('body').innerText(), /Welcome to nginx!/);
  await popup.close();
});

test('a page nginx does not have: its 404 page, through the Service Worker', { skip: browserSkip }, async () => {
  const { status, headers, text, tab } = await openInTab('/ports/8080/no-such-page.html');
  assert.equal(status, 404);
  assert.match(text, /404 Not Found/);
  assert.equal(headers['cross-origin-embedder-policy'], 'require-corp');
  await tab.close();
});

test('relative and root-relative URLs of a served page stay under /ports/8080/; redirects are mapped', { skip: browserSkip }, async () => {
  await typeCommand(
    `docker exec web sh -c "mkdir -p /usr/share/nginx/html/sub && echo 'p { color: rgb(1, 2, 3) }' > /usr/share/nginx/html/site.css && echo '<link rel=stylesheet href=/site.css><p id=sub>sub page</p><a href=../>up</a>' > /usr/share/nginx/html/sub/index.html"`,
  );
  // /sub redirects to /sub/ (httpd says Location: /sub/), which must stay under the prefix.
  const { status, url: landed, tab } = await openInTab('/ports/8080/sub');
  assert.equal(status, 200);
  assert.equal(new URL(landed).pathname, '/ports/8080/sub/');
  assert.equal(await tab.locator('#sub').textContent(), 'sub page');
  // The root-relative stylesheet came from the container, not from the site.
  assert.equal(await tab.locator('#sub').evaluate((el) => getComputedStyle(el).color), 'rgb(1, 2, 3)');
  await tab.locator('a').click();
  await tab.waitForURL(/\/ports\/8080\/$/);
  assert.match(await tab.locator('h1').innerText(), /Welcome to nginx!/);
  await tab.close();
});

test('a 100 KiB file arrives whole through the Service Worker (streamed chunk by chunk)', { skip: browserSkip }, async () => {
  await typeCommand(`docker exec web sh -c "awk 'BEGIN { for (i = 0; i < 20000; i++) print i }' > /usr/share/nginx/html/numbers.txt"`);
  const { status, headers, text, tab } = await openInTab('/ports/8080/numbers.txt');
  assert.equal(status, 200);
  const lines = text.trim().split('\n');
  assert.equal(lines.length, 20000);
  assert.ok(lines.every((line, i) => line === String(i)));
  assert.equal(Number(headers['content-length']), lines.reduce((n, l) => n + l.length + 1, 0));
  await tab.close();
});

test('a port nothing publishes: 502 with X-Drydock-Error not-published; not a port: 404', { skip: browserSkip }, async () => {
  const missing = await openInTab('/ports/9090/');
  assert.equal(missing.status, 502);
  assert.equal(missing.headers['x-drydock-error'], 'not-published');
  assert.match(missing.text, /Drydock: nothing is published on port 9090/);
  await missing.tab.close();
  const bad = await openInTab('/ports/http/');
  assert.equal(bad.status, 404);
  assert.match(bad.text, /does not name a port/);
  await bad.tab.close();
});

test('after docker stop, the port answers 502 again; the link disappears from the panel', { skip: browserSkip }, async () => {
  await typeCommand('docker stop -t 1 web');
  await page.locator('drydock-playground .port[data-port="8080"]').waitFor({ state: 'detached', timeout: 30_000 });
  const stopped = await openInTab('/ports/8080/');
  assert.equal(stopped.status, 502);
  assert.equal(stopped.headers['x-drydock-error'], 'not-published');
  await stopped.tab.close();
});

test('with no page running an engine: 503 X-Drydock-Error no-engine', { skip: browserSkip }, async () => {
  // The tab stays on the site but without Drydock (a stylesheet): it never answers the Service Worker, which gives up on it.
  await page.goto(new URL('/site.css', url).href);
  const orphan = await openInTab('/ports/8080/');
  assert.equal(orphan.status, 503);
  assert.equal(orphan.headers['x-drydock-error'], 'no-engine');
  assert.match(orphan.text, /no open page runs a Drydock engine/);
  await orphan.tab.close();
});
