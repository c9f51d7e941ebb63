/**
 * The storage conformance suite and the persistence checks in real Chromium
 * with its real IndexedDB. The page (src/platform/browser/idb-test-page.ts) is
 * bundled with esbuild's JS API, served from 127.0.0.1 with COOP/COEP headers,
 * and driven through playwright-core over CDP. Chromium is started by this
 * test (its own process group), so it can also be killed with SIGKILL to check
 * that committed data survives a browser crash, not only a reload.
 * Skips when /usr/bin/chromium is missing, except with CI=true.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { type Browser, type Page, chromium } from 'playwright-core';
import type { PersistedState } from '../src/platform/browser/idb-test-page.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const skip = !existsSync(CHROMIUM) && !process.env.CI ? `${CHROMIUM} is not installed` : false;

async function bundlePage(): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [join(import.meta.dirname, '../src/platform/browser/idb-test-page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Serves the page on 127.0.0.1 with cross-origin isolation headers; resolves with its origin. */
async function servePage(script: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    if (request.url === '/page.js') {
      response.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(script);
    } else if (request.url === '/') {
      response.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end('<!doctype html><title>drydock storage</title><script type="module" src="/page.js"></script>');
    } else {
      response.writeHead(404, headers).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return { server, origin: `http://127.0.0.1:${address.port}` };
}

interface RunningChromium {
  readonly browser: Browser;
  readonly process: ChildProcess;
  /** SIGKILL to Chromium's whole process group: a crash, no shutdown. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

/** Starts Chromium on `profile` and connects to it over CDP. */
async function startChromium(profile: string): Promise<RunningChromium> {
  const child = spawn(CHROMIUM, [...ARGS, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`chromium exited (${code}):\n${err}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  const killGroup = async () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await exited;
  };
  return {
    browser,
    process: child,
    kill: killGroup,
    async close() {
      await browser.close().catch(() => undefined);
      await killGroup();
    },
  };
}

async function openPage(browser: Browser, origin: string): Promise<Page> {
  const context = browser.contexts()[0] ?? (await browser.newContext());
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'drydockStoreTest' in window);
  return page;
}

test('IndexedDB store in real Chromium', { skip, timeout: 300_000 }, async (t) => {
  const script = await bundlePage();
  const { server, origin } = await servePage(script);
  const profile = await mkdtemp(join(tmpdir(), 'drydock-chromium-'));
  let running = await startChromium(profile);
  try {
    await t.test('the page is cross-origin isolated', async () => {
      const page = await openPage(running.browser, origin);
      assert.equal(await page.evaluate(() => crossOriginIsolated), true);
      await page.close();
    });

    await t.test('conformance suite', async (t2) => {
      const page = await openPage(running.browser, origin);
      const results = await page.evaluate(() => window.drydockStoreTest.runSuite(''));
      await page.close();
      assert.ok(results.length >= 30, `the whole suite ran (${results.length} cases)`);
      for (const result of results) {
        await t2.test(`indexeddb (chromium): ${result.name}`, () => {
          if (!result.ok) assert.fail(result.error ?? 'failed');
        });
      }
    });

    await t.test('committed data survives a page reload and a browser crash (SIGKILL)', async () => {
      let page = await openPage(running.browser, origin);
      const state: PersistedState = await page.evaluate(() => window.drydockStoreTest.persistWrite('persist'));
      assert.equal(state.contents.length, 2);
      await page.reload();
      await page.waitForFunction(() => 'drydockStoreTest' in window);
      assert.deepEqual(await page.evaluate((s) => window.drydockStoreTest.persistCheck('persist', s), state), [], 'after reload');

      await running.kill();
      running = await startChromium(profile);
      page = await openPage(running.browser, origin);
      assert.deepEqual(await page.evaluate((s) => window.drydockStoreTest.persistCheck('persist', s), state), [], 'after a browser crash');
      await page.close();
    });

    await t.test("the browser's QuotaExceededError becomes StorageQuotaError (ENOSPC), without corruption", async () => {
      const page = await openPage(running.browser, origin);
      const cdp = await page.context().newCDPSession(page);
      const browserUsage = async () => ((await cdp.send('Storage.getUsageAndQuota', { origin })) as { usage: number }).usage;
      const blob = 512 * 1024;
      try {
        await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: (await browserUsage()) + 8 * 1024 * 1024 });
        const outcome = await page.evaluate((b) => window.drydockStoreTest.quotaFill('quota', b), blob);
        assert.ok(outcome.error, `the browser refused a write (stored ${outcome.acked} blobs first)`);
        assert.equal(outcome.error.name, 'StorageQuotaError');
        assert.equal(outcome.error.errno, 51 /* ENOSPC */);
        assert.equal(outcome.error.quotaBytes, null, "the browser's quota, not ours");
        assert.match(outcome.error.message, /QuotaExceededError/);
        assert.ok(outcome.acked > 0, 'some blobs fitted');
        assert.ok(
          outcome.freedBytes >= outcome.deletedBytes,
          `deleting ${outcome.deletedBytes} bytes of blobs freed ${outcome.freedBytes} in the store's accounting`,
        );
        assert.deepEqual(outcome.problems, []);

        // Chromium gives deleted IndexedDB space back to the origin's quota only when it compacts
        // the database, at a time of its choosing. So the quota is raised again from what the browser
        // now counts as used — still a quota, with room for a few blobs — before the next write.
        await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: (await browserUsage()) + 4 * blob });
        assert.deepEqual(await page.evaluate((b) => window.drydockStoreTest.quotaAfterFree('quota', b), blob), []);
      } finally {
        await cdp.send('Storage.overrideQuotaForOrigin', { origin });
        await page.close();
      }
    });
  } finally {
    await running.close();
    server.close();
    await rm(profile, { recursive: true, force: true });
  }
});
