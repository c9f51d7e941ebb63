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
  await page.goto(started.url + 'kernel.html');
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

interface PageRun {
  id: string;
  status: number;
  stdout: string;
  stderr: string;
}

/** docker run (create, attach, wait, start) through the page's client, as the in-browser CLI does it. */
function dockerRunInPage(config: Record<string, unknown>, name?: string): Promise<PageRun> {
  return page.evaluate(
    async ({ config, name }) => {
      const { docker, StdcopyDemuxer } = window as unknown as {
        docker: {
          createContainer(c: unknown, n?: string): Promise<string>;
          attach(id: string, o: unknown, f: (c: Uint8Array) => void): Promise<{ done: Promise<void> }>;
          waitContainer(id: string, c: string): Promise<{ result: Promise<{ StatusCode: number }> }>;
          startContainer(id: string): Promise<void>;
        };
        StdcopyDemuxer: new (f: (s: number, b: Uint8Array) => void) => { push(c: Uint8Array): void };
      };
      const id = await docker.createContainer(config, name);
      const out = { 1: '', 2: '' } as Record<number, string>;
      const demux = new StdcopyDemuxer((stream, bytes) => (out[stream] += new TextDecoder().decode(bytes)));
      const session = await docker.attach(id, {}, (chunk) => demux.push(chunk));
      const wait = await docker.waitContainer(id, 'next-exit');
      await docker.startContainer(id);
      const { StatusCode } = await wait.result;
      await session.done;
      return { id, status: StatusCode, stdout: out[1]!, stderr: out[2]! };
    },
    { config, name },
  );
}

/** Puts the page's client and the stream demuxer where dockerRunInPage finds them (again after a reload). */
async function exposeDockerInPage(): Promise<void> {
  await page.evaluate(async () => {
    const drydock = (window as unknown as { drydock: { docker: unknown } }).drydock;
    const bundle: string = '/dist/browser/drydock.js'; // a URL of the page, not a module of this file
    const mod = (await import(bundle)) as { StdcopyDemuxer: unknown };
    Object.assign(window, { docker: drydock.docker, StdcopyDemuxer: mod.StdcopyDemuxer });
  });
}

test('containers run in the page: the shipped busybox image, stdout/stderr and exit status', { skip: browserSkip }, async () => {
  await exposeDockerInPage();
  const r = await dockerRunInPage({ Image: 'busybox', Cmd: ['sh', '-c', 'echo hello from a container; uname -m; echo oops >&2; exit 3'] }, 'in-page');
  assert.equal(r.stdout, 'hello from a container\nwasm32\n');
  assert.equal(r.stderr, 'oops\n');
  assert.equal(r.status, 3);
});

test('a named volume written by a container', { skip: browserSkip }, async () => {
  const write = await dockerRunInPage({
    Image: 'busybox',
    Cmd: ['sh', '-c', 'mkdir -p /data/sub && echo kept across a reload > /data/sub/note && chown -R 1000:1000 /data && ls -ln /data'],
    HostConfig: { Binds: ['notes:/data'] },
  });
  assert.equal(write.status, 0, write.stderr);
});

test('engine state survives a page reload (IndexedDB), volume data included', { skip: browserSkip }, async () => {
  await page.reload();
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  const names = await page.evaluate(async () => {
    const { drydock } = window as unknown as { drydock: { docker: { listContainers(o: unknown): Promise<{ Names: string[]; State: string }[]> } } };
    return (await drydock.docker.listContainers({ all: true })).map((c) => `${c.Names[0]} ${c.State}`);
  });
  assert.ok(names.includes('/in-page exited'), `containers after reload: ${names.join(', ')}`);
  await exposeDockerInPage();
  const read = await dockerRunInPage({ Image: 'busybox', Cmd: ['sh', '-c', 'cat /data/sub/note; stat -c "%u:%g %a" /data'], HostConfig: { Binds: ['notes:/data'] } });
  assert.equal(read.stdout, 'kept across a reload\n1000:1000 755\n');
});
