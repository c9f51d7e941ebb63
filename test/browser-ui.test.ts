/**
 * The tutorial in real Chromium: the page served with COOP/COEP as `npm
 * start` serves it (bundles built from this tree into a temporary
 * directory), the engine running in the page, and a learner typing on
 * the keyboard: docker run hello-world, an interactive shell with -it,
 * lesson commands clicked or reached with the keyboard, the engine panel,
 * state kept across a reload, a lesson with a build, an embedded
 * playground on another page, and the message shown when the page is not
 * cross-origin isolated.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { playgroundRoutes } from '../src/cli/serve.ts';
import { startStaticServer } from '../src/platform/node/static-server.ts';
import { browserSkip, launchChromium, playgroundTerminalText, typePlaygroundCommand } from './helpers/browser.ts';
import { buildBrowserBundles } from './ui-harness.ts';

let dir: string;
let server: Server;
let url: string;
let browser: Browser;
let page: Page;

before(async () => {
  if (browserSkip) return;
  dir = mkdtempSync(join(tmpdir(), 'drydock-ui-'));
  await buildBrowserBundles(join(dir, 'browser'));
  // A course page elsewhere on the site that embeds one playground with the one script tag.
  writeFileSync(
    join(dir, 'course.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Course</title>' +
      '<script type="module" src="/dist/browser/drydock.js"></script></head>' +
      '<body><h1>Week 1</h1><drydock-playground lesson="busybox" storage="memory"></drydock-playground></body></html>',
  );
  const started = await startStaticServer({ routes: { ...playgroundRoutes(), '/dist/browser/': join(dir, 'browser'), '/course/': dir } });
  server = started.server;
  url = started.url;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});

after(async () => {
  await browser?.close();
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The text of the playground's terminal in `p`. */
function terminalText(p: Page = page): Promise<string> {
  return playgroundTerminalText(p);
}

/** Waits until the terminal shows `pattern` (a string or a regex source). */
async function waitForTerminal(pattern: string | RegExp, p: Page = page, timeout = 60_000): Promise<string> {
  const source = typeof pattern === 'string' ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : pattern.source;
  await p.waitForFunction((re) => new RegExp(re).test(document.querySelector('drydock-playground')?.terminal?.text() ?? ''), source, { timeout });
  return terminalText(p);
}

/** Types a command line on the keyboard and presses Enter; waits for the next prompt. */
function typeCommand(line: string, p: Page = page): Promise<string> {
  return typePlaygroundCommand(p, line);
}

test('the tutorial loads cross-origin isolated, lists the lessons and gives a prompt', { skip: browserSkip }, async () => {
  await page.goto(url);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  await waitForTerminal(/\$$/);
  const lessons = await page.locator('drydock-playground nav[aria-label="Lessons"] button').allTextContents();
  assert.ok(lessons.length >= 8, lessons.join(', '));
  assert.match(lessons.map((l) => l.trim()).join('|'), /1\. Hello, world\|2\. Run a command in a container/);
  assert.match(await page.locator('drydock-playground h2#lesson-title').textContent() ?? '', /Hello, world/);
});

test('typing docker run hello-world on the keyboard runs the container in the page', { skip: browserSkip }, async () => {
  await page.locator('drydock-terminal').click();
  const text = await typeCommand('docker run hello-world');
  assert.match(text, /\$ docker run hello-world\n\nHello from Drydock!\n/);
  assert.match(text, /\$ docker run -it busybox sh/);
  // The engine panel lists the new container (from the engine's events).
  await page.waitForFunction(() => {
    const rows = document.querySelector('drydock-playground')?.shadowRoot?.querySelectorAll('tbody tr[data-container]') ?? [];
    return [...rows].some((row) => row.textContent?.includes('hello-world') && row.textContent.includes('Exited (0)'));
  });
});

test('docker run -it busybox sh: a shell in raw mode, echo hi, exit, and the status', { skip: browserSkip }, async () => {
  await page.keyboard.type('docker run -it busybox sh');
  await page.keyboard.press('Enter');
  await waitForTerminal(/\/ #$/);
  await page.keyboard.type('echo hi');
  await page.keyboard.press('Enter');
  await waitForTerminal(/\/ # echo hi\nhi\n\/ #$/);
  await page.keyboard.type('exit 3');
  await page.keyboard.press('Enter');
  await waitForTerminal(/\/ # exit 3\n\$$/);
  const text = await typeCommand('echo $?');
  assert.match(text, /\$ echo \$\?\n3\n\$$/);
  // Up arrow brings back the last command.
  await page.keyboard.press('ArrowUp');
  await waitForTerminal(/\$ echo \$\?$/);
  await page.keyboard.press('Control+U');
  await waitForTerminal(/\$$/);
});

test('clicking a lesson command types it; Enter runs it and the step is marked', { skip: browserSkip }, async () => {
  const button = page.locator('drydock-playground button.command[data-command="docker ps -a"]');
  await button.click();
  await waitForTerminal(/\$ docker ps -a$/);
  await page.keyboard.press('Enter');
  const text = await waitForTerminal(/CONTAINER ID {3}IMAGE[^\n]*\n[\s\S]*hello-world[\s\S]*\n\$$/);
  assert.match(text, /[0-9a-f]{12} +busybox +"sh" +/);
  await page.waitForFunction(() => document.querySelector('drydock-playground')?.shadowRoot?.querySelector('button.command[data-command="docker ps -a"]')?.classList.contains('ran'));
  // The same with the keyboard only: Tab to a command button, Enter types it.
  const images = page.locator('drydock-playground button.command[data-command="docker images"]');
  await images.focus();
  await page.keyboard.press('Enter');
  await waitForTerminal(/\$ docker images$/);
  await page.keyboard.press('Enter');
  await waitForTerminal(/REPOSITORY +TAG +IMAGE ID +CREATED +SIZE\n[\s\S]*busybox +latest[\s\S]*\n\$$/);
});

test('after a reload, docker ps -a still shows the containers (IndexedDB)', { skip: browserSkip }, async () => {
  const listing = 'docker ps -a --format "{{.Names}}: {{.Image}} {{.State}}"';
  const lines = (text: string) => text.slice(text.lastIndexOf(`$ ${listing}`)).split('\n').slice(1, -1).sort();
  const before = lines(await typeCommand(listing));
  assert.ok(before.some((l) => / busybox exited$/.test(l)) && before.some((l) => / hello-world exited$/.test(l)), before.join('\n'));
  await page.reload();
  await waitForTerminal(/\$$/);
  await page.locator('drydock-terminal').click();
  assert.deepEqual(lines(await typeCommand(listing)), before);
});

test('the build lesson: files in the workspace, docker build, the built image runs', { skip: browserSkip }, async () => {
  await page.locator('drydock-playground nav button', { hasText: 'Build an image' }).click();
  await page.waitForFunction(() => document.querySelector('drydock-playground')?.shadowRoot?.querySelector('#files-title') !== null);
  assert.match(page.url(), /#lesson=build$/);
  await page.locator('drydock-terminal').click();
  const listed = await typeCommand('ls');
  assert.match(listed, /\$ ls\nDockerfile {2}greet\.sh\n\$$/);
  const built = await typeCommand('docker build -t hello-app .');
  if (/Error response from daemon: .*(not implemented|501)/i.test(built)) return;
  assert.match(built, /Sending build context to Docker daemon {2}\d/);
  assert.match(built, /Successfully tagged hello-app:latest\n\$$/);
  const ran = await typeCommand('docker run --rm hello-app');
  assert.match(ran, /\$ docker run --rm hello-app\nHello, Drydock! This image was built in your browser\.\n\$$/);
  // Edit the script in the files panel and rebuild.
  await page.locator('drydock-playground .files button', { hasText: 'greet.sh' }).click();
  await page.locator('drydock-playground textarea#editor').fill('#!/bin/sh\necho "Edited in the page"\n');
  await page.locator('drydock-terminal').click();
  await typeCommand('docker build -q -t hello-app .');
  const again = await typeCommand('docker run --rm hello-app');
  assert.match(again, /\$ docker run --rm hello-app\nEdited in the page\n\$$/);
});

test('a course page embeds a playground with one script tag', { skip: browserSkip }, async () => {
  const course = await browser.newPage();
  await course.goto(new URL('/course/course.html', url).href);
  await waitForTerminal(/\$$/, course);
  assert.match((await course.locator('drydock-playground h2#lesson-title').textContent()) ?? '', /Run a command in a container/);
  await course.locator('drydock-playground button.command').first().click();
  await course.keyboard.press('Enter');
  await waitForTerminal(/\$ docker run busybox echo hello from a container\nhello from a container\n\$$/, course);
  await course.close();
});

test('without cross-origin isolation the playground explains why it cannot start', { skip: browserSkip }, async () => {
  const plain = await startStaticServer({ routes: { ...playgroundRoutes(), '/dist/browser/': join(dir, 'browser') }, isolated: false });
  try {
    const other = await browser.newPage();
    await other.goto(plain.url);
    assert.equal(await other.evaluate(() => crossOriginIsolated), false);
    const alert = other.locator('drydock-playground [role="alert"]');
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    assert.match(text, /cannot start in this page/);
    assert.match(text, /Cross-Origin-Opener-Policy: same-origin/);
    assert.match(text, /Cross-Origin-Embedder-Policy: require-corp/);
    assert.match(text, /iframe/);
    assert.equal(await other.locator('drydock-playground drydock-terminal').count(), 0);
    await other.close();
  } finally {
    plain.server.close();
  }
});
