import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { fromUtf8, utf8 } from '../../common/bytes.ts';
import { Errno, ErrnoError } from '../../common/errno.ts';
import { applyLayerTar } from '../layer/apply.ts';
import type { LayerTree } from '../layer/tree.ts';
import { MemFs } from '../memfs/memfs.ts';
import type { TarWriteEntry } from '../tar/entry.ts';
import { readTar } from '../tar/reader.ts';
import { writeTar } from '../tar/writer.ts';
import type { Inode } from '../vfs/types.ts';
import { OverlayFs } from './overlay-fs.ts';

const T0 = 1_600_000_000_000_000_000n;
const T1 = 1_650_000_000_000_000_000n;

function layer(entries: TarWriteEntry[]): LayerTree {
  return applyLayerTar(writeTar(entries)).tree;
}

function dir(path: string, mode = 0o755, mtimeNs = T0, uid = 0, gid = 0): TarWriteEntry {
  return { path, type: 'dir', mode, mtimeNs, uid, gid };
}
function file(path: string, text: string, mode = 0o644, mtimeNs = T0, uid = 0, gid = 0): TarWriteEntry {
  return { path, type: 'file', mode, mtimeNs, uid, gid, data: utf8(text) };
}
function whiteout(path: string): TarWriteEntry {
  return { path, type: 'file', mode: 0o600 };
}

function walk(fs: { root(): Inode }, path: string): Inode | null {
  let node: Inode | null = fs.root();
  for (const name of path.split('/').filter(Boolean)) {
    if (!node) return null;
    node = node.lookup(name);
  }
  return node;
}
function get(fs: { root(): Inode }, path: string): Inode {
  const node = walk(fs, path);
  assert.ok(node, `${path} exists`);
  return node;
}
function text(fs: { root(): Inode }, path: string): string {
  const node = get(fs, path);
  return fromUtf8(node.read(0, node.stat().size));
}
function names(node: Inode, cookie = 0n): string[] {
  return [...node.entries(cookie)].map((e) => e.name);
}
function errno(fn: () => unknown): Errno {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ErrnoError, String(error));
    return error.errno;
  }
  assert.fail('expected an ErrnoError');
}

/** Base image: three layers. */
function image(): LayerTree[] {
  const bottom = layer([
    dir('etc', 0o755, T0),
    file('etc/passwd', 'root:x:0:0\n', 0o644, T0),
    file('etc/shadow', 'secret', 0o640, T0, 0, 42),
    file('etc/hosts', 'old hosts', 0o644, T0),
    dir('usr', 0o755, T0),
    dir('usr/lib', 0o755, T0),
    file('usr/lib/a.so', 'a'),
    file('usr/lib/b.so', 'b'),
    dir('var', 0o755, T0),
    dir('var/cache', 0o700, T0, 5, 6),
    file('var/cache/old', 'stale'),
    dir('opt', 0o755, T0),
    file('opt/tool', 'bottom tool'),
    { path: 'bin/busybox', type: 'file', mode: 0o755, mtimeNs: T0, data: utf8('BUSYBOX') },
    { path: 'bin/sh', type: 'hardlink', mode: 0o755, linkTarget: 'bin/busybox' },
  ]);
  const middle = layer([
    file('etc/hosts', 'new hosts', 0o644, T1),
    whiteout('etc/.wh.shadow'),
    file('usr/lib/c.so', 'c'),
    dir('var/cache', 0o700, T1, 5, 6),
    whiteout('var/cache/.wh..wh..opq'),
    file('var/cache/fresh', 'fresh'),
    whiteout('.wh.opt'),
  ]);
  const top = layer([dir('opt', 0o750, T1), file('opt/new', 'top')]);
  return [top, middle, bottom];
}

function overlay(lowers = image(), upper: MemFs | null = new MemFs()): OverlayFs {
  return new OverlayFs({ lowers, upper });
}

test('layers merge: topmost wins, whiteouts hide, opaque directories hide, directories merge', () => {
  const fs = overlay();
  assert.equal(text(fs, 'etc/hosts'), 'new hosts');
  assert.equal(walk(fs, 'etc/shadow'), null);
  assert.deepEqual(names(get(fs, 'etc')).sort(), ['hosts', 'passwd']);
  assert.deepEqual(names(get(fs, 'usr/lib')).sort(), ['a.so', 'b.so', 'c.so']);
  assert.deepEqual(names(get(fs, 'var/cache')), ['fresh']);
  assert.deepEqual(names(get(fs, 'opt')), ['new'], 'a whiteout in the middle stops the merge below it');
  assert.equal(get(fs, 'opt').stat().mode, 0o750);
  assert.equal(get(fs, 'var/cache').stat().mtimeNs, T1);
  // usr/lib is implicit in the middle layer: its metadata comes from the bottom one, which listed it.
  assert.equal(get(fs, 'usr/lib').stat().mtimeNs, T0);
});

test('stat: the overlay device, stable inode numbers, hard links share one', () => {
  const fs = overlay();
  const passwd = get(fs, 'etc/passwd');
  assert.equal(passwd.stat().dev, fs.dev);
  assert.equal(get(fs, 'etc/passwd').stat().ino, passwd.stat().ino);
  assert.equal(get(fs, 'etc/passwd'), passwd, 'the same path gives the same inode object');
  assert.equal(get(fs, 'bin/sh').stat().ino, get(fs, 'bin/busybox').stat().ino);
  assert.equal(get(fs, 'bin/sh').stat().nlink, 2);
  const inos = new Set([...get(fs, 'etc').entries(0n)].map((e) => e.ino));
  assert.equal(inos.size, 2);
  assert.equal(fs.type, 'overlay');
});

function upperHas(upper: MemFs, path: string): boolean {
  return walk(upper, path) !== null;
}

test('copy-up on write keeps data and metadata, creates parents with the lower metadata, keeps parent times', () => {
  const upper = new MemFs();
  const fs = overlay(image(), upper);
  const cache = get(fs, 'var/cache');
  const fresh = get(fs, 'var/cache/fresh');
  const ino = fresh.stat().ino;
  fresh.write(5, utf8('!'));
  assert.equal(text(fs, 'var/cache/fresh'), 'fresh!');
  const copied = get(upper, 'var/cache/fresh').stat();
  assert.equal(copied.mode, 0o644);
  const parent = get(upper, 'var/cache').stat();
  assert.deepEqual([parent.mode, parent.uid, parent.gid, parent.mtimeNs], [0o700, 5, 6, T1], 'parents copied up with lower metadata');
  assert.equal(get(upper, 'var').stat().mtimeNs, T0);
  assert.equal(cache.stat().mtimeNs, T1, 'copy-up is not a visible change of the parent');
  assert.equal(fresh.stat().ino, ino, 'copy-up keeps the inode number');
  assert.equal(get(fs, 'var/cache/fresh'), fresh);
  // The lower layer is untouched.
  const again = overlay();
  assert.equal(text(again, 'var/cache/fresh'), 'fresh');
});

test('copy-up happens for truncate, chmod, chown, utimes, link and rename', () => {
  const cases: [string, (fs: OverlayFs) => void, (fs: OverlayFs, upper: MemFs) => void][] = [
    ['truncate', (fs) => get(fs, 'etc/passwd').setAttr({ size: 4 }), (fs) => assert.equal(text(fs, 'etc/passwd'), 'root')],
    ['chmod', (fs) => get(fs, 'etc/passwd').setAttr({ mode: 0o600 }), (fs, upper) => {
      assert.equal(get(fs, 'etc/passwd').stat().mode, 0o600);
      assert.equal(text(upper, 'etc/passwd'), 'root:x:0:0\n');
    }],
    ['chown', (fs) => get(fs, 'etc/passwd').setAttr({ uid: 1000, gid: 1000 }), (fs) => assert.equal(get(fs, 'etc/passwd').stat().uid, 1000)],
    ['utimes', (fs) => get(fs, 'etc/passwd').setAttr({ mtimeNs: 42n }), (fs) => assert.equal(get(fs, 'etc/passwd').stat().mtimeNs, 42n)],
    ['link', (fs) => get(fs, 'etc').link('passwd.bak', get(fs, 'etc/passwd')), (fs, upper) => {
      assert.equal(get(upper, 'etc/passwd').stat().ino, get(upper, 'etc/passwd.bak').stat().ino);
      assert.equal(get(fs, 'etc/passwd').stat().ino, get(fs, 'etc/passwd.bak').stat().ino);
      assert.equal(get(fs, 'etc/passwd').stat().nlink, 2);
    }],
    ['rename', (fs) => get(fs, 'etc').rename('passwd', get(fs, 'usr/lib'), 'passwd'), (fs, upper) => {
      assert.equal(walk(fs, 'etc/passwd'), null);
      assert.equal(text(fs, 'usr/lib/passwd'), 'root:x:0:0\n');
      assert.ok(upperHas(upper, 'etc/.wh.passwd'), 'the old name is whited out');
    }],
  ];
  for (const [what, act, check] of cases) {
    const upper = new MemFs();
    const fs = overlay(image(), upper);
    act(fs);
    assert.ok(upperHas(upper, what === 'rename' ? 'usr/lib/passwd' : 'etc/passwd'), `${what} copies up`);
    const stat = get(upper, what === 'rename' ? 'usr/lib/passwd' : 'etc/passwd').stat();
    if (what !== 'chmod') assert.equal(stat.mode, 0o644, `${what} keeps the mode`);
    if (what !== 'utimes' && what !== 'truncate') assert.equal(stat.mtimeNs, T0, `${what} keeps the mtime`);
    check(fs, upper);
  }
});

test('copy-up keeps lower hard links together', () => {
  const upper = new MemFs();
  const fs = overlay(image(), upper);
  const sh = get(fs, 'bin/sh');
  get(fs, 'bin/busybox').write(0, utf8('busybox'));
  assert.equal(text(fs, 'bin/sh'), 'busybox');
  assert.equal(sh.stat().ino, get(fs, 'bin/busybox').stat().ino);
  assert.equal(get(upper, 'bin/sh').stat().ino, get(upper, 'bin/busybox').stat().ino);
});

test('deletes leave whiteouts in the upper layer; recreating removes them', () => {
  const upper = new MemFs();
  const fs = overlay(image(), upper);
  get(fs, 'etc').unlink('hosts');
  assert.equal(walk(fs, 'etc/hosts'), null);
  assert.deepEqual(names(get(fs, 'etc')), ['passwd']);
  assert.ok(upperHas(upper, 'etc/.wh.hosts'));
  assert.equal(get(fs, 'etc').lookup('.wh.hosts'), null, 'whiteouts are invisible');
  const created = get(fs, 'etc').create('hosts', 'file', { mode: 0o600, uid: 0, gid: 0 });
  created.write(0, utf8('mine'));
  assert.equal(text(fs, 'etc/hosts'), 'mine');
  assert.ok(!upperHas(upper, 'etc/.wh.hosts'));
  // A file only the upper layer had leaves no whiteout.
  get(fs, 'etc').unlink('hosts');
  get(fs, 'etc').create('tmp', 'file', { mode: 0o600, uid: 0, gid: 0 });
  get(fs, 'etc').unlink('tmp');
  assert.ok(!upperHas(upper, 'etc/.wh.tmp'));
  assert.equal(errno(() => get(fs, 'etc').create('.wh.x', 'file', { mode: 0o600, uid: 0, gid: 0 })), Errno.EINVAL);
});

test('a removed and recreated lower directory is opaque', () => {
  const upper = new MemFs();
  const fs = overlay(image(), upper);
  const usr = get(fs, 'usr');
  assert.equal(errno(() => usr.rmdir('lib')), Errno.ENOTEMPTY);
  for (const name of names(get(fs, 'usr/lib'))) get(fs, 'usr/lib').unlink(name);
  usr.rmdir('lib');
  assert.equal(walk(fs, 'usr/lib'), null);
  assert.ok(upperHas(upper, 'usr/.wh.lib'));
  assert.ok(!upperHas(upper, 'usr/lib'), 'the upper copy and its whiteouts are gone');
  usr.create('lib', 'dir', { mode: 0o700, uid: 0, gid: 0 });
  assert.deepEqual(names(get(fs, 'usr/lib')), []);
  assert.ok(upperHas(upper, 'usr/lib/.wh..wh..opq'));
  assert.ok(!upperHas(upper, 'usr/.wh.lib'));
  // A fresh overlay over the same upper agrees (the representation is complete).
  const again = new OverlayFs({ lowers: image(), upper });
  assert.deepEqual(names(get(again, 'usr/lib')), []);
  assert.equal(walk(again, 'etc/shadow'), null);
});

test('renaming a lower directory is EXDEV; upper directories move, becoming opaque over a lower one', () => {
  const upper = new MemFs();
  const fs = overlay(image(), upper);
  const root = fs.root();
  assert.equal(errno(() => root.rename('usr', root, 'usr2')), Errno.EXDEV);
  const made = root.create('made', 'dir', { mode: 0o755, uid: 0, gid: 0 });
  made.create('inside', 'file', { mode: 0o644, uid: 0, gid: 0 });
  root.rename('made', root, 'moved');
  assert.deepEqual(names(get(fs, 'moved')), ['inside']);
  // Empty the lower /var/cache in the merged view, then move an upper dir onto it.
  get(fs, 'var/cache').unlink('fresh');
  assert.deepEqual(names(get(fs, 'var/cache')), []);
  assert.equal(errno(() => get(fs, 'var').rename('cache', root, 'x')), Errno.EXDEV);
  root.rename('moved', get(fs, 'var'), 'cache');
  assert.deepEqual(names(get(fs, 'var/cache')), ['inside']);
  assert.ok(upperHas(upper, 'var/cache/.wh..wh..opq'));
  const again = new OverlayFs({ lowers: image(), upper });
  assert.deepEqual(names(get(again, 'var/cache')), ['inside']);
  assert.equal(walk(again, 'moved'), null);
});

test('readdir cookies stay stable while entries come and go; no duplicates; whiteouts hidden', () => {
  const fs = overlay();
  const lib = get(fs, 'usr/lib');
  lib.create('d.so', 'file', { mode: 0o644, uid: 0, gid: 0 });
  const first = [...lib.entries(0n)];
  assert.deepEqual(first.map((e) => e.name).sort(), ['a.so', 'b.so', 'c.so', 'd.so']);
  const cookies = first.map((e) => e.cookie);
  assert.equal(new Set(cookies).size, cookies.length);
  // Read two, then change the directory, then resume.
  const seen = first.slice(0, 2).map((e) => e.name);
  const resumeAt = first[1]!.cookie;
  const removed = first[2]!.name;
  lib.unlink(removed);
  get(fs, 'usr/lib/a.so').write(0, utf8('A')); // copy-up of an entry already read
  lib.create('e.so', 'file', { mode: 0o644, uid: 0, gid: 0 });
  const rest = [...lib.entries(resumeAt)].map((e) => e.name);
  const all = [...seen, ...rest];
  assert.equal(new Set(all).size, all.length, `no duplicates in ${all.join(' ')}`);
  for (const e of first) if (e.name !== removed) assert.ok(all.includes(e.name), `${e.name} still listed`);
  assert.ok(!rest.includes(removed));
  // The cookie of an unchanged entry is the same as before.
  const later = new Map([...lib.entries(0n)].map((e) => [e.name, e.cookie]));
  for (const e of first) if (e.name !== removed) assert.equal(later.get(e.name), e.cookie);
});

test('an inode held before copy-up sees the upper data; an unlinked lower file stays readable and writable', () => {
  const upper = new MemFs();
  const fs = overlay(image(), upper);
  const held = get(fs, 'opt/new');
  get(fs, 'opt/new').setAttr({ size: 0 });
  assert.equal(held.stat().size, 0);
  const doomed = get(fs, 'etc/passwd');
  get(fs, 'etc').unlink('passwd');
  assert.equal(fromUtf8(doomed.read(0, 100)), 'root:x:0:0\n');
  doomed.write(0, utf8('R'));
  assert.equal(fromUtf8(doomed.read(0, 100)), 'Root:x:0:0\n');
  assert.equal(walk(fs, 'etc/passwd'), null);
  assert.deepEqual(names(upper.root()).filter((n) => n.includes('orphan')), [], 'the orphan copy has no name');
});

test('a failed copy-up (ENOSPC) leaves nothing behind', () => {
  const big = layer([{ path: 'big', type: 'file', mode: 0o644, data: new Uint8Array(300_000).fill(1) }]);
  const upper = new MemFs({ sizeLimit: 100_000 });
  const fs = new OverlayFs({ lowers: [big], upper });
  assert.equal(errno(() => get(fs, 'big').write(0, utf8('x'))), Errno.ENOSPC);
  assert.deepEqual(names(upper.root()), []);
  assert.equal(get(fs, 'big').stat().size, 300_000);
  assert.equal(upper.used, 0);
});

test('a read-only overlay refuses changes', () => {
  const fs = overlay(image(), null);
  assert.equal(fs.readOnly, true);
  assert.equal(text(fs, 'etc/hosts'), 'new hosts');
  assert.equal(errno(() => get(fs, 'etc/hosts').write(0, utf8('x'))), Errno.EROFS);
  assert.equal(errno(() => get(fs, 'etc').unlink('hosts')), Errno.EROFS);
  assert.equal(errno(() => fs.commitUpper()), Errno.EROFS);
});

test('lookups at layer depth 50 find files in every layer and respect whiteouts in between', () => {
  const layers: LayerTree[] = [];
  for (let i = 0; i < 50; i++) {
    const entries = [file(`usr/share/layer${i}`, `from ${i}`)];
    if (i === 20) entries.push(whiteout('usr/share/.wh.layer30'));
    layers.push(layer(entries));
  }
  const fs = new OverlayFs({ lowers: layers, upper: new MemFs() });
  assert.equal(text(fs, 'usr/share/layer49'), 'from 49');
  assert.equal(text(fs, 'usr/share/layer0'), 'from 0');
  assert.equal(walk(fs, 'usr/share/layer30'), null);
  assert.equal(names(get(fs, 'usr/share')).length, 49);
});

test('changes() lists the upper layer like docker diff', () => {
  const fs = overlay();
  get(fs, 'etc/passwd').write(0, utf8('R')); // C /etc/passwd (etc itself unchanged)
  get(fs, 'usr/lib').unlink('a.so'); // D, and usr/lib C
  get(fs, 'var').create('new', 'dir', { mode: 0o755, uid: 0, gid: 0 }).create('file', 'file', { mode: 0o644, uid: 0, gid: 0 });
  get(fs, 'etc/hosts').setAttr({ mode: 0o600 });
  assert.deepEqual(
    fs.changes().map((c) => `${c.kind} ${c.path}`),
    ['C /etc', 'C /etc/hosts', 'C /etc/passwd', 'C /usr', 'C /usr/lib', 'D /usr/lib/a.so', 'C /var', 'A /var/new', 'A /var/new/file'],
  );
});

/**
 * The image and the commands of two containers run on real dockerd 20.10.24
 * (overlay2 storage driver, Debian 12) and the `docker diff` it printed
 * (dockerd returns map order; sorted here). The image was a `docker import`
 * of: etc/{passwd,hostsx}, usr/lib/{a.so,b.so}, var/cache/old, x/ (all
 * directories 0755, files 0644).
 */
function dockerImage(): LayerTree[] {
  return [
    layer([
      dir('etc'),
      file('etc/passwd', 'root:x:0:0\n'),
      file('etc/hostsx', 'h\n'),
      dir('usr'),
      dir('usr/lib'),
      file('usr/lib/a.so', 'a\n'),
      file('usr/lib/b.so', 'b\n'),
      dir('var'),
      dir('var/cache'),
      file('var/cache/old', 'c\n'),
      dir('x'),
    ]),
  ];
}
const MKDIR = { mode: 0o755, uid: 0, gid: 0 };
const TOUCH = { mode: 0o644, uid: 0, gid: 0 };

test('changes() matches real dockerd: writes, deletes, new trees, chmod, links, a replaced directory', () => {
  const fs = new OverlayFs({ lowers: dockerImage(), upper: new MemFs() });
  get(fs, 'etc/passwd').write(0, utf8('R')); // printf R | dd of=/etc/passwd conv=notrunc
  get(fs, 'usr/lib').unlink('a.so'); // rm /usr/lib/a.so
  get(fs, 'var').create('new', 'dir', MKDIR).create('file', 'file', TOUCH); // mkdir /var/new; touch /var/new/file
  get(fs, 'etc/hostsx').setAttr({ mode: 0o600 }); // chmod 600 /etc/hostsx
  get(fs, 'x').create('a', 'dir', MKDIR).create('b', 'dir', MKDIR); // mkdir -p /x/a/b
  get(fs, 'x').create('a-b', 'dir', MKDIR); // mkdir /x/a-b
  get(fs, 'var/cache').unlink('old'); // rm -r /var/cache
  get(fs, 'var').rmdir('cache');
  get(fs, 'var').create('cache', 'dir', MKDIR).create('n', 'file', TOUCH); // mkdir /var/cache; touch /var/cache/n
  get(fs, 'etc').link('passwd-', get(fs, 'etc/passwd')); // ln /etc/passwd /etc/passwd-
  const docker = [
    'C /etc', 'C /etc/hostsx', 'C /etc/passwd', 'A /etc/passwd-', 'C /usr', 'C /usr/lib', 'D /usr/lib/a.so', 'C /var',
    'C /var/cache', 'A /var/cache/n', 'D /var/cache/old', 'A /var/new', 'A /var/new/file', 'C /x', 'A /x/a', 'A /x/a/b', 'A /x/a-b',
  ];
  const byPath = (a: string, b: string) => (a.slice(2) < b.slice(2) ? -1 : 1);
  assert.deepEqual(fs.changes().map((c) => `${c.kind} ${c.path}`), [...docker].sort(byPath));
});

test('changes() matches real dockerd: no-op chmods, recreated files, moved directories, a directory replaced by a file', () => {
  const fs = new OverlayFs({ lowers: dockerImage(), upper: new MemFs() });
  get(fs, 'etc/hostsx').setAttr({ mode: 0o755 }); // chmod 755 /etc/hostsx; chmod 644 /etc/hostsx
  get(fs, 'etc/hostsx').setAttr({ mode: 0o644 });
  get(fs, 'usr/lib').unlink('a.so'); // rm /usr/lib/a.so; echo a > /usr/lib/a.so
  get(fs, 'usr/lib').create('a.so', 'file', TOUCH).write(0, utf8('a\n'));
  assert.equal(errno(() => fs.root().rename('x', fs.root(), 'y')), Errno.EXDEV); // mv /x /y: EXDEV, so mv copies
  fs.root().create('y', 'dir', MKDIR).setAttr({ mtimeNs: get(fs, 'x').stat().mtimeNs });
  fs.root().rmdir('x');
  get(fs, 'etc').create('s', 'symlink', { mode: 0o777, uid: 0, gid: 0, target: 'foo' }); // ln -s foo /etc/s
  get(fs, 'var/cache').unlink('old'); // rm -r /var/cache; touch /var/cache
  get(fs, 'var').rmdir('cache');
  get(fs, 'var').create('cache', 'file', TOUCH);
  const docker = ['A /etc/s', 'A /y', 'C /etc', 'C /usr', 'C /usr/lib', 'C /usr/lib/a.so', 'C /var', 'C /var/cache', 'D /x'];
  const byPath = (a: string, b: string) => (a.slice(2) < b.slice(2) ? -1 : 1);
  assert.deepEqual(fs.changes().map((c) => `${c.kind} ${c.path}`), [...docker].sort(byPath));
});

interface Seen {
  kind: string;
  mode: number;
  uid: number;
  gid: number;
  mtimeNs: bigint;
  size: number;
  content: string;
  linkGroup: string;
}

/** Everything observable about a merged tree, hard links named by their first path. */
function snapshot(fs: OverlayFs): Map<string, Seen> {
  const out = new Map<string, Seen>();
  const firstPath = new Map<number, string>();
  const visit = (node: Inode, path: string) => {
    for (const entry of node.entries(0n)) {
      const child = node.lookup(entry.name)!;
      const s = child.stat();
      const childPath = `${path}/${entry.name}`;
      if (!firstPath.has(s.ino)) firstPath.set(s.ino, childPath);
      out.set(childPath, {
        kind: s.kind,
        mode: s.mode,
        uid: s.uid,
        gid: s.gid,
        mtimeNs: s.mtimeNs,
        size: s.kind === 'dir' ? 0 : s.size,
        content: s.kind === 'file' ? fromUtf8(child.read(0, s.size)) : s.kind === 'symlink' ? child.readlink() : '',
        linkGroup: s.kind === 'dir' ? '' : firstPath.get(s.ino)!,
      });
      if (s.kind === 'dir') visit(child, childPath);
    }
  };
  visit(fs.root(), '');
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function mutate(fs: OverlayFs): void {
  const root = fs.root();
  get(fs, 'etc/passwd').write(0, utf8('R'));
  get(fs, 'etc').unlink('hosts');
  for (const name of names(get(fs, 'usr/lib'))) get(fs, 'usr/lib').unlink(name);
  get(fs, 'usr').rmdir('lib');
  get(fs, 'usr').create('lib', 'dir', { mode: 0o700, uid: 3, gid: 4 }).create('only.so', 'file', { mode: 0o755, uid: 0, gid: 0 }).write(0, utf8('new lib'));
  get(fs, 'bin/sh').setAttr({ mode: 0o700 });
  const home = root.create('home', 'dir', { mode: 0o755, uid: 1000, gid: 1000 });
  const note = home.create('note', 'file', { mode: 0o600, uid: 1000, gid: 1000 });
  note.write(0, utf8('hello'));
  home.link('note2', note);
  home.create('link', 'symlink', { mode: 0o777, uid: 0, gid: 0, target: '../etc/passwd' });
  home.create('pipe', 'fifo', { mode: 0o600, uid: 0, gid: 0 });
  get(fs, 'opt').rename('new', home, 'renamed');
}

test('commitUpper: OCI whiteouts and opaque markers, the same bytes every time', () => {
  const fs = overlay();
  mutate(fs);
  const tar = fs.commitUpper();
  assert.deepEqual(fs.commitUpper(), tar);
  const paths = readTar(tar).map((e) => `${e.type} ${e.path}`);
  assert.ok(paths.includes('file etc/.wh.hosts'), paths.join('\n'));
  assert.ok(paths.includes('file usr/lib/.wh..wh..opq'));
  assert.ok(paths.includes('file opt/.wh.new'));
  assert.ok(paths.includes('hardlink home/note2'));
  assert.ok(paths.indexOf('file usr/lib/.wh..wh..opq') < paths.indexOf('file usr/lib/only.so'));
  assert.ok(paths.indexOf('file etc/.wh.hosts') < paths.indexOf('file etc/passwd'));
});

test('commitUpper leaves out reserved names other than whiteouts and opaque markers', () => {
  const upper = new MemFs();
  const fs = overlay(image(), upper);
  get(fs, 'etc').unlink('hosts');
  upper.root().create('.wh..wh.orphan.9', 'file', { mode: 0o600, uid: 0, gid: 0 }); // as if a crash left it
  assert.deepEqual(readTar(fs.commitUpper()).map((e) => e.path), ['etc/', 'etc/.wh.hosts']);
  assert.equal(get(fs, '').lookup('.wh..wh.orphan.9'), null);
});

test('round trip: commit, apply as a new lower layer, and the merged view is identical', () => {
  const fs = overlay();
  mutate(fs);
  const before = snapshot(fs);
  const committed = applyLayerTar(fs.commitUpper()).tree;
  const rebuilt = new OverlayFs({ lowers: [committed, ...image()], upper: new MemFs() });
  assert.deepEqual(snapshot(rebuilt), before);
  assert.deepEqual(rebuilt.changes(), []);
});
