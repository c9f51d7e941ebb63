/**
 * Storage commit cost, as ratios against a plain write measured in the same run:
 *  - Node, directory store: a 10 MB BlobStore commit (temp + fsync + rename +
 *    journal) and a 10 MB snapshot layer commit (adds sha256 and metadata),
 *    against one plain 10 MB fs.writeFile to the same directory (and against
 *    writeFile + fsync, the cost of durability alone);
 *  - Chromium (when /usr/bin/chromium exists): a 10 MB snapshot layer commit
 *    into the IndexedDB store against one plain 10 MB IndexedDB put, both with
 *    durability 'strict'.
 * Run: node --import tsx bench/store.bench.ts
 */
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { DirBlobStore } from '../src/platform/node/dir-blob-store.ts';
import { ContentStore } from '../src/unionfs/store/content-store.ts';
import { Snapshotter } from '../src/unionfs/store/snapshotter.ts';
import { patternBytes } from '../src/unionfs/store/testsuite/index.ts';

const SIZE = 10 * 1024 * 1024;
const ROUNDS = 7;
const CHROMIUM = '/usr/bin/chromium';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function report(label: string, times: readonly number[], reference: number, referenceLabel: string): void {
  const m = median(times);
  console.log(`${label.padEnd(50)} median ${m.toFixed(1).padStart(7)} ms   ratio vs ${referenceLabel}: ${(m / reference).toFixed(2)}`);
}

async function benchDirectory(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-bench-store-'));
  try {
    const store = await DirBlobStore.open({ root: join(dir, 'store') });
    const snapshots = new Snapshotter(new ContentStore(store));
    const plain: number[] = [];
    const plainSync: number[] = [];
    const commit: number[] = [];
    const layer: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Fresh bytes each time: the content store would deduplicate a repeated layer.
      const bytes = [0, 1, 2, 3].map((i) => patternBytes(SIZE, r * 4 + i + 1));
      let t = performance.now();
      await writeFile(join(dir, `plain-${r}`), bytes[0]!);
      plain.push(performance.now() - t);

      t = performance.now();
      const handle = await open(join(dir, `plain-sync-${r}`), 'w');
      await handle.writeFile(bytes[1]!);
      await handle.sync();
      await handle.close();
      plainSync.push(performance.now() - t);

      t = performance.now();
      await store.commit([{ op: 'putBlob', key: `bench/blob-${r}`, bytes: bytes[2]! }]);
      commit.push(performance.now() - t);

      await snapshots.prepare(`active-${r}`);
      t = performance.now();
      await snapshots.commit(`layer-${r}`, `active-${r}`, { content: bytes[3]! });
      layer.push(performance.now() - t);
    }
    await store.close();
    const reference = median(plain);
    console.log(`Node directory store, ${SIZE / 1024 / 1024} MB, ${ROUNDS} rounds, in ${dir}`);
    console.log(`${'plain fs.writeFile (reference)'.padEnd(50)} median ${reference.toFixed(1).padStart(7)} ms`);
    report('plain fs.writeFile + fsync', plainSync, reference, 'plain write');
    report('DirBlobStore.commit of one blob', commit, reference, 'plain write');
    report('Snapshotter.commit of a layer (sha256 + meta)', layer, reference, 'plain write');
    report('DirBlobStore.commit of one blob', commit, median(plainSync), 'write+fsync');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function benchChromium(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`Chromium IndexedDB: skipped (${CHROMIUM} is not installed)`);
    return;
  }
  const bundle = await esbuild.build({
    entryPoints: [join(import.meta.dirname, '../src/platform/browser/idb-test-page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  const server = createServer((request, response) => {
    if (request.url === '/page.js') response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    else response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><script type="module" src="/page.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => 'drydockStoreTest' in window);
    const times = await page.evaluate(([size, rounds]) => window.drydockStoreTest.bench(size, rounds), [SIZE, ROUNDS] as const);
    const reference = median(times.plainPutMs);
    console.log(`Chromium IndexedDB, ${SIZE / 1024 / 1024} MB, ${ROUNDS} rounds (durability 'strict')`);
    console.log(`${'one plain IndexedDB put (reference)'.padEnd(50)} median ${reference.toFixed(1).padStart(7)} ms`);
    report('Snapshotter.commit of a layer into IdbBlobStore', times.layerCommitMs, reference, 'plain put');
  } finally {
    await browser.close();
    server.close();
  }
}

await benchDirectory();
await benchChromium();
