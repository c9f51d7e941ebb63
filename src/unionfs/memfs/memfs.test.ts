import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { Errno, ErrnoError } from '../../common/errno.ts';
import type { Inode } from '../vfs/types.ts';
import { FileData } from './file-data.ts';
import { MemFs, MemInode } from './memfs.ts';

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function errnoOf(fn: () => unknown): Errno | null {
  try {
    fn();
    return null;
  } catch (error) {
    if (error instanceof ErrnoError) return error.errno;
    throw error;
  }
}

test('FileData.growthFor predicts exactly what a write allocates', () => {
  const next = random(7);
  for (let round = 0; round < 300; round++) {
    const data = new FileData();
    for (let step = 0; step < 12; step++) {
      const offset = Math.floor(next() * 300_000);
      const length = Math.floor(next() * (next() < 0.5 ? 100 : 150_000));
      const predicted = data.growthFor(offset, length);
      const before = data.allocated;
      data.write(offset, new Uint8Array(length).fill(step + 1));
      assert.equal(data.allocated - before, predicted, `round ${round} step ${step}: write ${length} at ${offset}`);
      if (next() < 0.2) data.truncate(Math.floor(next() * data.size));
    }
  }
});

test('under a size limit, used never passes it, equals the linked files\' pages, and a refused write changes nothing', () => {
  const next = random(11);
  for (let round = 0; round < 40; round++) {
    const limit = 50_000 + Math.floor(next() * 400_000);
    const fs = new MemFs({ sizeLimit: limit });
    const root = fs.root();
    const files = new Map<string, Inode>();
    let refused = 0;
    for (let step = 0; step < 200; step++) {
      const name = `f${Math.floor(next() * 6)}`;
      const choice = next();
      let file = files.get(name);
      if (!file) {
        file = root.create(name, 'file', { mode: 0o644, uid: 0, gid: 0 });
        files.set(name, file);
      }
      if (choice < 0.7) {
        const offset = next() < 0.5 ? file.stat().size : Math.floor(next() * 200_000);
        const bytes = new Uint8Array(Math.floor(next() * 70_000)).fill(step & 0xff);
        const before = file.read(0, 1 << 30).slice();
        const sizeBefore = file.stat().size;
        const errno = errnoOf(() => file.write(offset, bytes));
        if (errno !== null) {
          assert.equal(errno, Errno.ENOSPC);
          refused++;
          assert.equal(file.stat().size, sizeBefore, 'a refused write does not extend the file');
          assert.deepEqual(file.read(0, 1 << 30), before, 'a refused write does not change the file');
        }
      } else if (choice < 0.85) {
        file.setAttr({ size: Math.floor(next() * 100_000) });
      } else {
        root.unlink(name);
        files.delete(name);
      }
      assert.ok(fs.used <= limit, `used ${fs.used} > limit ${limit}`);
      const pages = [...files.values()].reduce((n, f) => n + (f as MemInode).data!.allocated, 0);
      assert.equal(fs.used, pages, 'used is the pages of the linked files');
    }
    assert.ok(refused > 0, 'the limit was reached');
  }
});

test('a guard is asked before growth, and setSizeLimit applies to growth only', () => {
  let allowed = true;
  const asked: number[] = [];
  const fs = new MemFs({ guard: { allow: (_fs, delta) => (asked.push(delta), allowed) } });
  const file = fs.root().create('f', 'file', { mode: 0o644, uid: 0, gid: 0 });
  file.write(0, new Uint8Array(1000));
  assert.deepEqual(asked, [1024]);
  allowed = false;
  assert.equal(errnoOf(() => file.write(1000, new Uint8Array(100))), Errno.ENOSPC);
  file.write(0, new Uint8Array(10)); // no growth: not asked, allowed
  assert.equal(asked.length, 2);
  allowed = true;
  fs.setSizeLimit(512);
  assert.equal(fs.used, 1024, 'data above a new limit stays');
  assert.equal(errnoOf(() => file.write(2000, new Uint8Array(1))), Errno.ENOSPC);
  file.setAttr({ size: 0 });
  file.write(0, new Uint8Array(500));
  assert.equal(fs.used, 512);
});
