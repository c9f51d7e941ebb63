/**
 * An OverlayFs as the root of a MountNamespace: path resolution through the
 * merged layers, changes made through the namespace's compound operations
 * (with their permission checks), and escape attempts.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { fromUtf8, utf8 } from '../src/common/bytes.ts';
import { Errno, ErrnoError } from '../src/common/errno.ts';
import { applyLayerTar } from '../src/unionfs/layer/apply.ts';
import type { LayerTree } from '../src/unionfs/layer/tree.ts';
import { MemFs } from '../src/unionfs/memfs/memfs.ts';
import { OverlayFs } from '../src/unionfs/overlay/overlay-fs.ts';
import type { TarWriteEntry } from '../src/unionfs/tar/entry.ts';
import { writeTar } from '../src/unionfs/tar/writer.ts';
import type { Credentials } from '../src/unionfs/vfs/credentials.ts';
import { ROOT } from '../src/unionfs/vfs/credentials.ts';
import type { Location } from '../src/unionfs/vfs/mount-namespace.ts';
import { MAX_SYMLINKS, MountNamespace } from '../src/unionfs/vfs/mount-namespace.ts';

const USER: Credentials = { uid: 1000, gid: 1000, groups: [] };

function layer(entries: TarWriteEntry[]): LayerTree {
  return applyLayerTar(writeTar(entries)).tree;
}

function image(): LayerTree[] {
  const base = layer([
    { path: 'etc', type: 'dir', mode: 0o755 },
    { path: 'etc/passwd', type: 'file', mode: 0o644, data: utf8('root:x:0:0\n') },
    { path: 'etc/secret', type: 'file', mode: 0o600, data: utf8('s3cret') },
    { path: 'usr/bin/tool', type: 'file', mode: 0o755, data: utf8('#!tool') },
    { path: 'tmp', type: 'dir', mode: 0o1777 },
    { path: 'home/user', type: 'dir', mode: 0o755, uid: 1000, gid: 1000 },
    { path: 'abs-escape', type: 'symlink', mode: 0o777, linkTarget: '/../../../../etc' },
    { path: 'usr/rel-escape', type: 'symlink', mode: 0o777, linkTarget: '../../../../../../etc/passwd' },
    { path: 'loop1', type: 'symlink', mode: 0o777, linkTarget: 'loop2' },
    { path: 'loop2', type: 'symlink', mode: 0o777, linkTarget: '/loop1' },
    { path: 'self', type: 'symlink', mode: 0o777, linkTarget: 'self/x' },
  ]);
  const app = layer([
    { path: 'app/run', type: 'file', mode: 0o755, data: utf8('app v1') },
    { path: 'etc/.wh.secret', type: 'file', mode: 0o600 },
    { path: 'usr/bin/tool', type: 'file', mode: 0o755, data: utf8('#!tool v2') },
    { path: 'bin', type: 'symlink', mode: 0o777, linkTarget: 'usr/bin' },
  ]);
  return [app, base];
}

function setup(): { ns: MountNamespace; fs: OverlayFs; upper: MemFs } {
  const upper = new MemFs();
  const fs = new OverlayFs({ lowers: image(), upper });
  return { ns: new MountNamespace(fs, { source: 'overlay' }), fs, upper };
}

function read(ns: MountNamespace, path: string, creds = ROOT): string {
  const loc = ns.resolve(ns.root(), path, { follow: true, creds });
  return fromUtf8(loc.inode.read(0, loc.inode.stat().size));
}

function errnoOf(fn: () => unknown): Errno {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ErrnoError, String(error));
    return error.errno;
  }
  assert.fail('expected an ErrnoError');
}

test('paths resolve through the merged layers and their symlinks', () => {
  const { ns, fs } = setup();
  assert.equal(read(ns, '/app/run'), 'app v1');
  assert.equal(read(ns, '/bin/tool'), '#!tool v2', 'a symlink in the top layer into a merged directory');
  assert.equal(read(ns, 'usr/../etc/./passwd'), 'root:x:0:0\n');
  assert.equal(errnoOf(() => ns.resolve(ns.root(), '/etc/secret', { follow: true, creds: ROOT })), Errno.ENOENT);
  assert.equal(errnoOf(() => ns.resolve(ns.root(), '/etc/.wh.secret', { follow: true, creds: ROOT })), Errno.ENOENT);
  const loc = ns.resolve(ns.root(), '/bin', { follow: false, creds: ROOT });
  assert.equal(loc.inode.kind, 'symlink');
  assert.equal(loc.inode.stat().dev, fs.dev);
  assert.equal(ns.list()[0]!.fs.type, 'overlay');
});

test('escape: ".." beyond the root stays at the root', () => {
  const { ns } = setup();
  assert.equal(read(ns, '/../../../../etc/passwd'), 'root:x:0:0\n');
  assert.equal(ns.resolve(ns.root(), '../../..', { follow: true, creds: ROOT }).path, '/');
  const usr = ns.resolve(ns.root(), '/usr', { follow: true, creds: ROOT });
  assert.equal(ns.resolve(usr, '../../../../..', { follow: true, creds: ROOT }).inode, ns.root().inode);
});

test('escape: absolute and relative symlinks pointing outside land inside the root', () => {
  const { ns } = setup();
  assert.equal(read(ns, '/abs-escape/passwd'), 'root:x:0:0\n');
  assert.equal(ns.resolve(ns.root(), '/abs-escape', { follow: true, creds: ROOT }).path, '/etc');
  assert.equal(read(ns, '/usr/rel-escape'), 'root:x:0:0\n');
  // Symlinks a container plants in its own upper layer are confined the same way.
  ns.symlink('/../../..', ns.root(), '/tmp/up', ROOT, { uid: 0, gid: 0 });
  ns.symlink('../../../../../../../../etc', ns.root(), '/tmp/rel', ROOT, { uid: 0, gid: 0 });
  assert.equal(ns.resolve(ns.root(), '/tmp/up', { follow: true, creds: ROOT }).path, '/');
  assert.equal(read(ns, '/tmp/up/etc/passwd'), 'root:x:0:0\n');
  assert.equal(read(ns, '/tmp/rel/passwd'), 'root:x:0:0\n');
});

test('escape: symlink loops end in ELOOP', () => {
  const { ns } = setup();
  for (const path of ['/loop1', '/loop2/x', '/self', '/self/y']) {
    assert.equal(errnoOf(() => ns.resolve(ns.root(), path, { follow: true, creds: ROOT })), Errno.ELOOP, path);
  }
  // A chain of exactly MAX_SYMLINKS resolves; one more is a loop.
  let target = '/etc/passwd';
  for (let i = 0; i < MAX_SYMLINKS + 1; i++) {
    ns.symlink(target, ns.root(), `/tmp/chain${i}`, ROOT, { uid: 0, gid: 0 });
    target = `/tmp/chain${i}`;
  }
  assert.equal(read(ns, `/tmp/chain${MAX_SYMLINKS - 1}`), 'root:x:0:0\n');
  assert.equal(errnoOf(() => read(ns, `/tmp/chain${MAX_SYMLINKS}`)), Errno.ELOOP);
});

test('escape: hard links cannot cross into another mount', () => {
  const { ns } = setup();
  const scratch = new MemFs();
  ns.create(ns.root(), '/mnt', 'dir', { mode: 0o755, uid: 0, gid: 0 }, ROOT);
  ns.mount('/mnt', scratch, { source: 'tmpfs' });
  assert.equal(errnoOf(() => ns.link(ns.root(), '/etc/passwd', ns.root(), '/mnt/passwd', false, ROOT)), Errno.EXDEV);
  assert.equal(errnoOf(() => ns.rename(ns.root(), '/etc/passwd', ns.root(), '/mnt/passwd', ROOT)), Errno.EXDEV);
  // And the mount is crossed by path as usual.
  ns.create(ns.root(), '/mnt/x', 'file', { mode: 0o644, uid: 0, gid: 0 }, ROOT);
  assert.ok(scratch.root().lookup('x'));
});

test('changes through the namespace copy up, whiteout and respect permissions', () => {
  const { ns, fs, upper } = setup();
  // A user cannot add to root's /etc, but may to their own home (copied up on demand).
  assert.equal(errnoOf(() => ns.create(ns.root(), '/etc/evil', 'file', { mode: 0o644, uid: 1000, gid: 1000 }, USER)), Errno.EACCES);
  const note = ns.create(ns.root(), '/home/user/note', 'file', { mode: 0o644, uid: 1000, gid: 1000 }, USER);
  note.inode.write(0, utf8('mine'));
  assert.ok(upper.root().lookup('home')?.lookup('user')?.lookup('note'));
  assert.equal(upper.root().lookup('home')!.lookup('user')!.stat().uid, 1000);

  // Write through a resolved location (what an fd does): copy-up, then the new data everywhere.
  const passwd: Location = ns.resolve(ns.root(), '/etc/passwd', { follow: true, creds: ROOT });
  passwd.inode.write(0, utf8('ROOT'));
  assert.equal(read(ns, '/etc/passwd'), 'ROOT:x:0:0\n');
  assert.equal(read(ns, '/abs-escape/passwd'), 'ROOT:x:0:0\n');

  ns.unlink(ns.root(), '/usr/bin/tool', ROOT);
  assert.equal(errnoOf(() => read(ns, '/bin/tool')), Errno.ENOENT);
  ns.rename(ns.root(), '/app/run', ns.root(), '/app/run.old', ROOT);
  assert.equal(read(ns, '/app/run.old'), 'app v1');
  assert.equal(errnoOf(() => ns.rename(ns.root(), '/usr', ns.root(), '/usr2', ROOT)), Errno.EXDEV);
  ns.link(ns.root(), '/etc/passwd', ns.root(), '/etc/passwd-', false, ROOT);
  assert.equal(
    ns.resolve(ns.root(), '/etc/passwd-', { follow: false, creds: ROOT }).inode.stat().ino,
    ns.resolve(ns.root(), '/etc/passwd', { follow: false, creds: ROOT }).inode.stat().ino,
  );
  ns.unlink(ns.root(), '/home/user/note', ROOT);
  ns.rmdir(ns.root(), '/home/user', ROOT);
  assert.deepEqual(
    fs.changes().map((c) => `${c.kind} ${c.path}`),
    ['C /app', 'D /app/run', 'A /app/run.old', 'C /etc', 'C /etc/passwd', 'A /etc/passwd-', 'C /home', 'D /home/user', 'C /usr', 'C /usr/bin', 'D /usr/bin/tool'],
  );
  assert.equal(errnoOf(() => ns.create(ns.root(), '/etc/.wh.passwd', 'file', { mode: 0o644, uid: 0, gid: 0 }, ROOT)), Errno.EINVAL);
});
