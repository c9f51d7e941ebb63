import { spawnSync } from 'node:child_process';
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { fromUtf8, utf8 } from '../../common/bytes.ts';
import type { TarWriteEntry } from '../tar/entry.ts';
import { TarError } from '../tar/errors.ts';
import { gzip } from '../tar/gzip.ts';
import { BLOCK_SIZE, writeChecksum } from '../tar/header.ts';
import { writeTar } from '../tar/writer.ts';
import { applyLayerTar } from './apply.ts';
import { diffIdOf, loadLayer } from './load.ts';

const T = 1_700_000_000_000_000_000n;

const BASE: TarWriteEntry[] = [
  { path: 'etc', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtimeNs: T },
  { path: 'etc/passwd', type: 'file', mode: 0o644, uid: 0, gid: 0, mtimeNs: T + 1n, data: utf8('root:x:0:0\n') },
  { path: 'etc/.wh.shadow', type: 'file', mode: 0o600 },
  { path: 'var/lib/.wh..wh..opq', type: 'file', mode: 0o600 },
  { path: 'var/lib/state', type: 'file', mode: 0o600, uid: 7, gid: 8, mtimeNs: T + 2n, data: utf8('s') },
  { path: 'bin/busybox', type: 'file', mode: 0o4755, uid: 0, gid: 0, mtimeNs: T, data: new Uint8Array(200_000).fill(9) },
  { path: 'bin/sh', type: 'hardlink', mode: 0o755, linkTarget: 'bin/busybox' },
  { path: 'bin/ls', type: 'hardlink', mode: 0o755, linkTarget: '/bin/busybox' },
  { path: 'lib', type: 'symlink', mode: 0o777, linkTarget: 'usr/lib' },
  { path: 'run/fifo', type: 'fifo', mode: 0o600 },
  { path: '.wh..wh.plnk', type: 'dir', mode: 0o700 },
];

test('a layer tar becomes a tree: metadata kept, contents zero-copy, links shared, whiteouts recorded', () => {
  const tar = writeTar(BASE);
  const { tree, skipped } = applyLayerTar(tar);
  const passwd = tree.lookup(['etc', 'passwd'])!;
  assert.equal(passwd.kind, 'file');
  assert.equal(passwd.mode, 0o644);
  assert.equal(passwd.mtimeNs, T + 1n);
  assert.equal(fromUtf8(passwd.data!.read(0, 100)), 'root:x:0:0\n');
  assert.equal(passwd.data!.read(0, 100).buffer, tar.buffer, 'file contents are views of the tar');

  const etc = tree.lookup(['etc'])!;
  assert.deepEqual([...etc.children!.keys()], ['passwd'], 'whiteouts are not children');
  assert.deepEqual([...etc.whiteouts!], ['shadow']);
  assert.equal(etc.implicit, false);
  const lib = tree.lookup(['var', 'lib'])!;
  assert.equal(lib.opaque, true);
  assert.deepEqual([...lib.children!.keys()], ['state']);
  assert.equal(tree.lookup(['var'])!.implicit, true, 'parents the tar never listed are implicit');

  const busybox = tree.lookup(['bin', 'busybox'])!;
  assert.equal(tree.lookup(['bin', 'sh']), busybox);
  assert.equal(tree.lookup(['bin', 'ls']), busybox, 'an absolute hard-link target is relative to the layer root');
  assert.equal(busybox.nlink, 3);
  assert.equal(busybox.mode, 0o4755);
  assert.deepEqual(tree.pathsOf(busybox).map((p) => p.join('/')), ['bin/busybox', 'bin/sh', 'bin/ls']);

  assert.equal(tree.lookup(['lib'])!.target, 'usr/lib');
  assert.equal(tree.lookup(['run', 'fifo'])!.kind, 'fifo');
  assert.equal(tree.lookup(['.wh..wh.plnk']), null);
  assert.deepEqual(skipped.map((s) => s.entry), ['.wh..wh.plnk/']);
});

test('the diff id is the sha256 of the uncompressed tar, plain, gzip, bzip2 or xz', async () => {
  const tar = writeTar(BASE);
  const want = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
  assert.equal(await diffIdOf(tar), want);
  const plain = await loadLayer(tar);
  assert.equal(plain.diffId, want);
  assert.equal(plain.compression, 'none');
  assert.equal(plain.tar, tar);
  const forms: [string, Uint8Array][] = [['gzip', gzip(tar)]];
  for (const tool of ['bzip2', 'xz']) {
    const packed = spawnSync(tool, ['-c'], { input: tar });
    if (packed.error) {
      if (process.env.CI) throw packed.error;
      continue;
    }
    forms.push([tool, new Uint8Array(packed.stdout)]);
  }
  for (const [compression, blob] of forms) {
    const layer = await loadLayer(blob);
    assert.equal(layer.diffId, want, compression);
    assert.equal(await diffIdOf(blob), want, compression);
    assert.equal(layer.compression, compression);
    assert.equal(layer.size, tar.length);
    assert.deepEqual(layer.tar, tar);
  }
});

test('later entries replace earlier ones; a repeated directory only updates its metadata', () => {
  const { tree } = applyLayerTar(
    writeTar([
      { path: 'd', type: 'dir', mode: 0o700, mtimeNs: 1n },
      { path: 'd/f', type: 'file', mode: 0o644, data: utf8('one') },
      { path: 'd', type: 'dir', mode: 0o755, mtimeNs: 2n },
      { path: 'd/f', type: 'file', mode: 0o600, data: utf8('two') },
      { path: 'x', type: 'dir', mode: 0o755 },
      { path: 'x/inner', type: 'file', mode: 0o644 },
      { path: 'x', type: 'symlink', mode: 0o777, linkTarget: 'd' },
    ]),
  );
  const d = tree.lookup(['d'])!;
  assert.equal(d.mode, 0o755);
  assert.equal(d.mtimeNs, 2n);
  assert.equal(fromUtf8(tree.lookup(['d', 'f'])!.data!.read(0, 10)), 'two');
  assert.equal(tree.lookup(['x'])!.kind, 'symlink');
});

function refused(entries: TarWriteEntry[], entry: string, reason: RegExp): TarError {
  const tar = writeTar(entries);
  try {
    applyLayerTar(tar);
  } catch (error) {
    assert.ok(error instanceof TarError, `expected TarError, got ${String(error)}`);
    assert.equal(error.entry, entry);
    assert.match(error.reason, reason);
    assert.ok(error.message.includes(JSON.stringify(entry)), 'the message names the entry');
    return error;
  }
  assert.fail(`entry ${entry} was not refused`);
}

test('hostile: "../" paths are refused', () => {
  refused([{ path: '../../etc/passwd', type: 'file', mode: 0o644, data: utf8('pwned') }], '../../etc/passwd', /escape/);
  refused([{ path: 'ok/../../x', type: 'file', mode: 0o644 }], 'ok/../../x', /"\.\."/);
  refused([{ path: '..', type: 'dir', mode: 0o755 }], '../', /"\.\."/);
});

test('hostile: absolute paths are neutralised into the layer', () => {
  const { tree } = applyLayerTar(writeTar([{ path: '/etc/passwd', type: 'file', mode: 0o644, data: utf8('inside') }]));
  assert.equal(fromUtf8(tree.lookup(['etc', 'passwd'])!.data!.read(0, 10)), 'inside');
  assert.deepEqual([...tree.root.children!.keys()], ['etc']);
});

test('hostile: writing through a symlink planted earlier in the same tar is refused', () => {
  refused(
    [
      { path: 'evil', type: 'symlink', mode: 0o777, linkTarget: '/etc' },
      { path: 'evil/passwd', type: 'file', mode: 0o644, data: utf8('pwned') },
    ],
    'evil/passwd',
    /refusing to write through "evil": it is a symlink planted earlier in this tar \(-> "\/etc"\)/,
  );
  refused(
    [
      { path: 'up', type: 'symlink', mode: 0o777, linkTarget: '..' },
      { path: 'up/up/x', type: 'dir', mode: 0o755 },
    ],
    'up/up/x/',
    /write through "up"/,
  );
  refused(
    [
      { path: 'file', type: 'file', mode: 0o644 },
      { path: 'file/child', type: 'file', mode: 0o644 },
    ],
    'file/child',
    /it is a file, not a directory/,
  );
  refused(
    [
      { path: 'evil', type: 'symlink', mode: 0o777, linkTarget: '/' },
      { path: 'etc/passwd', type: 'file', mode: 0o644 },
      { path: 'link', type: 'hardlink', mode: 0o644, linkTarget: 'evil/etc/passwd' },
    ],
    'link',
    /goes through a symlink/,
  );
});

test('hostile: hard links outside the tree or to entries not yet extracted are refused', () => {
  refused([{ path: 'shadow', type: 'hardlink', mode: 0o644, linkTarget: '../../etc/shadow' }], 'shadow', /hard link target "\.\.\/\.\.\/etc\/shadow" contains "\.\."/);
  refused([{ path: 'shadow', type: 'hardlink', mode: 0o644, linkTarget: '/etc/shadow' }], 'shadow', /not an earlier entry of this tar/);
  refused(
    [
      { path: 'early', type: 'hardlink', mode: 0o644, linkTarget: 'late' },
      { path: 'late', type: 'file', mode: 0o644 },
    ],
    'early',
    /not an earlier entry/,
  );
  refused(
    [
      { path: 'dir', type: 'dir', mode: 0o755 },
      { path: 'dirlink', type: 'hardlink', mode: 0o755, linkTarget: 'dir' },
    ],
    'dirlink',
    /is a directory/,
  );
  refused(
    [
      { path: 'f', type: 'file', mode: 0o644 },
      { path: '.wh.f', type: 'file', mode: 0o644 },
      { path: 'g', type: 'hardlink', mode: 0o644, linkTarget: '.wh.f' },
    ],
    'g',
    /not an earlier entry/,
  );
});

test('hostile: device nodes are refused, or skipped and reported when asked', () => {
  refused([{ path: 'dev/sda', type: 'blockdev', mode: 0o660, devMajor: 8, devMinor: 0 }], 'dev/sda', /device nodes are refused.*block device 8,0/);
  refused([{ path: 'dev/mem', type: 'chardev', mode: 0o640, devMajor: 1, devMinor: 1 }], 'dev/mem', /character device 1,1/);
  const { tree, skipped } = applyLayerTar(
    writeTar([
      { path: 'dev/mem', type: 'chardev', mode: 0o640, devMajor: 1, devMinor: 1 },
      { path: 'dev/ok', type: 'file', mode: 0o644 },
    ]),
    { devices: 'skip' },
  );
  assert.equal(tree.lookup(['dev', 'mem']), null);
  assert.ok(tree.lookup(['dev', 'ok']));
  assert.deepEqual(skipped.map((s) => s.entry), ['dev/mem']);
  assert.match(skipped[0]!.reason, /character device 1,1/);
});

test('hostile: bogus whiteouts are refused', () => {
  refused([{ path: 'a/.wh...', type: 'file', mode: 0o644 }], 'a/.wh...', /invalid whiteout/);
  refused([{ path: '.wh.gone/child', type: 'file', mode: 0o644 }], '.wh.gone/child', /whiteout name, not a directory/);
});

test('hostile: oversized, corrupt and truncated layers are refused whole', () => {
  const tar = writeTar([
    { path: 'a', type: 'file', mode: 0o644, data: utf8('a') },
    { path: 'b', type: 'file', mode: 0o644, data: new Uint8Array(2000) },
  ]);
  assert.throws(() => applyLayerTar(tar, { maxEntrySize: 1000 }), (e: unknown) => e instanceof TarError && e.entry === 'b' && /absurd size 2000/.test(e.reason));
  assert.throws(() => applyLayerTar(tar.subarray(0, 3 * BLOCK_SIZE)), (e: unknown) => e instanceof TarError && e.entry === 'b' && /truncated/.test(e.reason));
  const corrupt = tar.slice();
  corrupt[2 * BLOCK_SIZE + 100] = 0x39; // '9' in b's mode field
  writeChecksum(corrupt.subarray(2 * BLOCK_SIZE, 3 * BLOCK_SIZE));
  assert.throws(() => applyLayerTar(corrupt), (e: unknown) => e instanceof TarError && e.entry === 'b' && /mode field is not octal/.test(e.reason));
  const zipped = gzip(tar);
  assert.throws(() => applyLayerTar(zipped.subarray(0, zipped.length - 10)), (e: unknown) => e instanceof TarError && /gzip/.test(e.reason));
});
