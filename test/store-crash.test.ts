/**
 * Durability of the directory store under SIGKILL. A child process (this
 * file, started with DRYDOCK_STORE_CRASH_CHILD set) stores content, prepares,
 * checkpoints, commits and removes snapshots in a loop, printing an ACK line
 * after each operation resolved. The parent kills it with SIGKILL after a
 * random delay, reopens the store and checks:
 *  - the directory matches the index (no half-written blob visible, no temp
 *    left, nothing listed missing: DirBlobStore.check());
 *  - every acknowledged content blob and committed layer is there and verifies;
 *  - every acknowledged removal stuck; unacknowledged operations are either
 *    fully there or absent, never half (every snapshot's layer and checkpoint
 *    verify, every content record has its bytes).
 * Cycles accumulate on one data root, so recovery also runs over earlier
 * recoveries and compactions (compactAfter is small to hit them).
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirBlobStore } from '../src/platform/node/dir-blob-store.ts';
import { ContentStore } from '../src/unionfs/store/content-store.ts';
import { SnapshotStateError } from '../src/unionfs/store/errors.ts';
import { Snapshotter } from '../src/unionfs/store/snapshotter.ts';
import { patternBytes } from '../src/unionfs/store/testsuite/index.ts';

type Ack =
  | { type: 'ready' }
  | { type: 'content'; digest: string }
  | { type: 'delete-start' | 'deleted'; digest: string }
  | { type: 'checkpoint'; key: string; digest: string }
  | { type: 'layer'; name: string; key: string; digest: string | null; parent: string | null }
  | { type: 'remove-start' | 'removed'; name: string };

const COMPACT_AFTER = 5;

/** xorshift32 PRNG: reproducible from the printed seed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

function blobSize(random: () => number): number {
  const r = random();
  if (r < 0.65) return Math.floor(random() * 64 * 1024);
  if (r < 0.95) return Math.floor(random() * 512 * 1024);
  return 2 * 1024 * 1024 + Math.floor(random() * 1024 * 1024);
}

/** The child: writes and commits until killed. */
async function runChild(root: string, cycle: number, seed: number): Promise<void> {
  const random = rng(seed);
  const ack = (a: Ack) => writeSync(1, `${JSON.stringify(a)}\n`);
  const store = await DirBlobStore.open({ root, compactAfter: COMPACT_AFTER });
  const content = new ContentStore(store);
  const snapshots = new Snapshotter(content);
  ack({ type: 'ready' });
  const contents: string[] = [];
  const layers: string[] = [];
  for (let i = 0; ; i++) {
    const r = random();
    if (r < 0.35) {
      const info = await content.put(patternBytes(blobSize(random), seed + i));
      contents.push(info.digest);
      ack({ type: 'content', digest: info.digest });
    } else if (r < 0.8) {
      const key = `c${cycle}-active-${i}`;
      const parent = layers.length > 0 && random() < 0.7 ? layers[Math.floor(random() * layers.length)]! : null;
      await snapshots.prepare(key, parent);
      const upper = patternBytes(blobSize(random), seed + i + 1);
      await snapshots.checkpoint(key, upper);
      const digest = (await snapshots.mounts(key)).upper!.digest;
      ack({ type: 'checkpoint', key, digest });
      if (random() < 0.8) {
        const name = `c${cycle}-layer-${i}`;
        const info = random() < 0.5 ? await snapshots.commit(name, key) : await snapshots.commit(name, key, { content: patternBytes(blobSize(random), seed + i + 2) });
        layers.push(name);
        ack({ type: 'layer', name, key, digest: info.layer?.digest ?? null, parent });
      }
    } else if (r < 0.9 && contents.length > 0) {
      const digest = contents.splice(Math.floor(random() * contents.length), 1)[0]!;
      ack({ type: 'delete-start', digest });
      await content.delete(digest);
      ack({ type: 'deleted', digest });
    } else if (layers.length > 0) {
      const name = layers[Math.floor(random() * layers.length)]!;
      ack({ type: 'remove-start', name });
      try {
        await snapshots.remove(name);
        layers.splice(layers.indexOf(name), 1);
        ack({ type: 'removed', name });
      } catch (error) {
        if (!(error instanceof SnapshotStateError)) throw error;
        ack({ type: 'removed', name: '' }); // has children: nothing changed
      }
    }
  }
}

interface Expectations {
  /** Acknowledged content that must be present. */
  contents: Set<string>;
  /** Content whose deletion started but was not acknowledged: present or absent. */
  maybeDeleted: Set<string>;
  /** Acknowledged committed layers that must be present: name -> layer digest and parent. */
  layers: Map<string, { digest: string | null; parent: string | null }>;
  maybeRemoved: Set<string>;
  /** Acknowledged checkpoints of snapshots that may still be active: key -> digest. */
  checkpoints: Map<string, string>;
}

function applyAck(expect: Expectations, a: Ack): void {
  switch (a.type) {
    case 'content':
      expect.contents.add(a.digest);
      break;
    case 'delete-start':
      expect.contents.delete(a.digest);
      expect.maybeDeleted.add(a.digest);
      break;
    case 'deleted':
      expect.maybeDeleted.delete(a.digest);
      break;
    case 'checkpoint':
      expect.checkpoints.set(a.key, a.digest);
      break;
    case 'layer':
      expect.checkpoints.delete(a.key);
      expect.layers.set(a.name, { digest: a.digest, parent: a.parent });
      break;
    case 'remove-start':
      expect.layers.delete(a.name);
      expect.maybeRemoved.add(a.name);
      break;
    case 'removed':
      expect.maybeRemoved.clear();
      break;
    case 'ready':
      break;
  }
}

/** Runs one child, kills it after `delayMs` past "ready", and returns its ACKs. */
async function crashCycle(root: string, cycle: number, seed: number, delayMs: number): Promise<Ack[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename], {
    env: { ...process.env, DRYDOCK_STORE_CRASH_CHILD: JSON.stringify({ root, cycle, seed }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const first = out === '';
      out += d;
      if (first) setTimeout(() => child.kill('SIGKILL'), delayMs);
      if (first) resolve();
    });
    void exited.then(({ code }) => reject(new Error(`child exited (code ${code}) before it was ready:\n${err}`)));
  });
  const { signal } = await exited;
  assert.equal(signal, 'SIGKILL', `the child must die by SIGKILL, not fail:\n${err}`);
  const lines = out.split('\n');
  lines.pop(); // an unterminated last line was cut by the kill
  return lines.map((line) => JSON.parse(line) as Ack);
}

async function verify(root: string, expect: Expectations, context: string): Promise<void> {
  const store = await DirBlobStore.open({ root, compactAfter: COMPACT_AFTER });
  try {
    assert.deepEqual(await store.check(), [], `${context}: directory consistent with the index`);
    const content = new ContentStore(store);
    const snapshots = new Snapshotter(content);
    const present = new Set<string>((await content.list()).map((i) => i.digest));
    for (const digest of expect.contents) assert.ok(present.has(digest), `${context}: acknowledged content ${digest} lost`);
    // Everything present verifies: no half-written blob behind a record.
    for (const digest of present) await content.read(digest);
    const seen = new Map<string, { kind: string; parent: string | null; digest: string | null }>();
    await snapshots.walk((info) => {
      seen.set(info.name, { kind: info.kind, parent: info.parent, digest: info.layer?.digest ?? null });
    });
    for (const [name, layer] of expect.layers) {
      const got = seen.get(name);
      assert.ok(got, `${context}: acknowledged layer ${name} lost`);
      assert.deepEqual(got, { kind: 'committed', parent: layer.parent, digest: layer.digest }, `${context}: layer ${name}`);
    }
    for (const [name, info] of seen) {
      if (info.kind === 'committed' && info.digest) assert.ok(present.has(info.digest), `${context}: layer ${name} without its content`);
      if (info.parent) assert.equal(seen.get(info.parent)?.kind, 'committed', `${context}: ${name} has a missing parent`);
      if (info.kind === 'active') {
        // A checkpoint, if any, verifies; an acknowledged one is the latest or a later one.
        const upper = await snapshots.readUpper(name);
        if (expect.checkpoints.has(name)) assert.ok(upper !== null, `${context}: acknowledged checkpoint of ${name} lost`);
      }
    }
    for (const [key] of expect.checkpoints) {
      // Still active, unless a commit that was not acknowledged turned it into its layer.
      if (seen.has(key)) assert.equal(seen.get(key)?.kind, 'active', `${context}: checkpointed snapshot ${key}`);
      else assert.equal(seen.get(key.replace('-active-', '-layer-'))?.kind, 'committed', `${context}: checkpointed snapshot ${key} vanished`);
    }

    // Keep the root small and exercise a recovered store: drop about half of what is known.
    for (const [name] of [...expect.layers].filter((_, i) => i % 2 === 0)) {
      try {
        await snapshots.remove(name);
        expect.layers.delete(name);
      } catch (error) {
        if (!(error instanceof SnapshotStateError)) throw error;
      }
    }
    for (const digest of [...expect.contents].filter((_, i) => i % 2 === 0)) {
      await content.delete(digest);
      expect.contents.delete(digest);
    }
    expect.maybeDeleted.clear();
    expect.maybeRemoved.clear();
  } finally {
    await store.close();
  }
}

const childConfig = process.env.DRYDOCK_STORE_CRASH_CHILD;
if (childConfig) {
  const { root, cycle, seed } = JSON.parse(childConfig) as { root: string; cycle: number; seed: number };
  await runChild(root, cycle, seed);
} else {
  test('directory store: SIGKILL at random points loses nothing committed and leaves nothing half-written', { timeout: 300_000 }, async () => {
    const seed = Number(process.env.DRYDOCK_CRASH_SEED ?? Date.now() % 1_000_000);
    const random = rng(seed);
    const root = await mkdtemp(join(tmpdir(), 'drydock-crash-'));
    const expect: Expectations = { contents: new Set(), maybeDeleted: new Set(), layers: new Map(), maybeRemoved: new Set(), checkpoints: new Map() };
    const cycles = 25;
    let acks = 0;
    try {
      for (let cycle = 0; cycle < cycles; cycle++) {
        const delay = 20 + Math.floor(random() * 900);
        const context = `seed ${seed} (DRYDOCK_CRASH_SEED), cycle ${cycle}, killed after ${delay} ms`;
        const received = await crashCycle(root, cycle, seed + cycle * 7919, delay);
        for (const a of received) applyAck(expect, a);
        acks += received.length;
        await verify(root, expect, context);
      }
      assert.ok(acks > cycles * 2, `the children did work before being killed (${acks} acknowledgements)`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
}
