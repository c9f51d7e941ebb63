/**
 * A guest program on an overlay root, through the real kernel: the same WASI
 * program, run in a directory whose files come from a lower layer, must print
 * the same lines and leave the same files as when it runs on a plain MemFs
 * seeded with those files. The program (test/programs/wasi-files.c) truncates,
 * appends, renames over, links, symlinks and deletes, so it drives copy-up,
 * whiteouts and merged readdir through real syscalls. Its binary is itself
 * read from a lower layer.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fromUtf8, utf8 } from '../src/common/bytes.ts';
import { applyLayerTar } from '../src/unionfs/layer/apply.ts';
import { MemFs } from '../src/unionfs/memfs/memfs.ts';
import { OverlayFs } from '../src/unionfs/overlay/overlay-fs.ts';
import type { TarWriteEntry } from '../src/unionfs/tar/entry.ts';
import { writeTar } from '../src/unionfs/tar/writer.ts';
import { ROOT } from '../src/unionfs/vfs/credentials.ts';
import { MountNamespace } from '../src/unionfs/vfs/mount-namespace.ts';
import type { Inode } from '../src/unionfs/vfs/types.ts';
import { newKernel, PROGRAMS, run } from './helpers/kernel-harness.ts';

const kernel = newKernel();
after(() => kernel.shutdown());

const SEED: Record<string, string> = {
  'work/a.txt': 'the lower a.txt, longer than what the program writes',
  'work/b.txt': 'the lower b.txt, to be renamed over',
  'work/keep.txt': 'untouched',
  'work/sub/x': 'in a lower subdirectory',
};

function binaryEntries(): TarWriteEntry[] {
  return [
    { path: 'bin', type: 'dir', mode: 0o755 },
    { path: 'bin/wasi-files.wasm', type: 'file', mode: 0o755, data: new Uint8Array(readFileSync(join(PROGRAMS, 'wasi-files.wasm'))) },
    { path: 'tmp', type: 'dir', mode: 0o1777 },
  ];
}

function overlayRoot(): { ns: MountNamespace; fs: OverlayFs } {
  const bin = applyLayerTar(writeTar(binaryEntries())).tree;
  const files = applyLayerTar(
    writeTar([
      { path: 'work', type: 'dir', mode: 0o777 },
      ...Object.entries(SEED).map(([path, text]): TarWriteEntry => ({ path, type: 'file', mode: 0o644, data: utf8(text) })),
    ]),
  ).tree;
  const fs = new OverlayFs({ lowers: [files, bin], upper: new MemFs() });
  return { ns: new MountNamespace(fs, { source: 'overlay' }), fs };
}

function memfsRoot(): MountNamespace {
  const ns = new MountNamespace(new MemFs());
  const root = ns.root();
  for (const entry of binaryEntries()) {
    const loc = ns.create(root, `/${entry.path}`, entry.type === 'dir' ? 'dir' : 'file', { mode: entry.mode, uid: 0, gid: 0 }, ROOT);
    if (entry.data) loc.inode.write(0, entry.data);
  }
  ns.create(root, '/work', 'dir', { mode: 0o777, uid: 0, gid: 0 }, ROOT);
  ns.create(root, '/work/sub', 'dir', { mode: 0o755, uid: 0, gid: 0 }, ROOT);
  for (const [path, text] of Object.entries(SEED)) ns.create(root, `/${path}`, 'file', { mode: 0o644, uid: 0, gid: 0 }, ROOT).inode.write(0, utf8(text));
  return ns;
}

/** The files under `path`: names, kinds, contents, link targets and link counts. */
function listing(ns: MountNamespace, path: string): string[] {
  const out: string[] = [];
  const walk = (dir: Inode, prefix: string) => {
    for (const entry of [...dir.entries(0n)].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const node = dir.lookup(entry.name)!;
      const s = node.stat();
      const name = `${prefix}${entry.name}`;
      if (s.kind === 'dir') {
        out.push(`${name}/`);
        walk(node, `${name}/`);
      } else if (s.kind === 'symlink') out.push(`${name} -> ${node.readlink()}`);
      else out.push(`${name} nlink=${s.nlink} ${JSON.stringify(fromUtf8(node.read(0, s.size)))}`);
    }
  };
  walk(ns.resolve(ns.root(), path, { follow: true, creds: ROOT }).inode, '');
  return out;
}

test('a guest program sees the same filesystem on an overlay root as on a plain one', async () => {
  const plain = memfsRoot();
  const { ns, fs } = overlayRoot();
  const expected = await run(kernel, '/bin/wasi-files.wasm', ['/work'], { mounts: plain });
  const actual = await run(kernel, '/bin/wasi-files.wasm', ['/work'], { mounts: ns });
  assert.equal(expected.exit.exitCode, 0, expected.stdout + expected.stderr);
  assert.equal(actual.stdout, expected.stdout);
  assert.equal(actual.stderr, expected.stderr);
  assert.equal(actual.exit.exitCode, expected.exit.exitCode);
  assert.deepEqual(listing(ns, '/work'), listing(plain, '/work'));
  // The lower files the program replaced or removed are whited out or copied up, not changed in place.
  const changes = fs.changes().map((c) => `${c.kind} ${c.path}`);
  assert.ok(changes.includes('C /work/b.txt'), changes.join(', '));
  assert.ok(!changes.some((c) => c.startsWith('D /work/keep.txt') || c.includes('/work/sub')), changes.join(', '));
  const untouched = overlayRoot().ns;
  assert.equal(listing(untouched, '/work').find((l) => l.startsWith('a.txt')), `a.txt nlink=1 ${JSON.stringify(SEED['work/a.txt'])}`);
});
