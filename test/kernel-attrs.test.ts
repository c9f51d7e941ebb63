/**
 * chmod, chown and utimensat/futimens with Linux's permission rules
 * (src/kernel/syscalls/attrs.ts), run by guests as root and as uid 1000.
 */
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { ROOT } from '../src/unionfs/vfs/credentials.ts';
import type { MountNamespace } from '../src/unionfs/vfs/mount-namespace.ts';
import { newKernel, run, sandbox } from './helpers/kernel-harness.ts';

const kernel = newKernel();
after(() => kernel.shutdown());

const USER = { uid: 1000, gid: 1000, groups: [1000, 50] };

function as(mounts: MountNamespace, creds: { uid: number; gid: number; groups?: number[] } | null) {
  return async (...args: string[]) => {
    const r = await run(kernel, '/bin/fsutil.wasm', args, { mounts, ...(creds ? { creds } : {}) });
    return r.exit.exitCode === 0 ? 'ok' : r.stderr.replace(/^fsutil: [^:]*: /, '').trim();
  };
}

function statOf(mounts: MountNamespace, path: string) {
  return mounts.resolve(mounts.root(), path, { follow: false, creds: ROOT }).inode.stat();
}

test('utimensat: "now" needs owner, root or write permission (EACCES); explicit times need owner or root (EPERM)', async () => {
  const mounts = sandbox();
  const root = as(mounts, null);
  const user = as(mounts, USER);
  assert.equal(await root('write', '/tmp/rootfile', 'x'), 'ok');
  assert.equal(await root('chmod', '644', '/tmp/rootfile'), 'ok');

  // Not the owner and no write permission.
  assert.equal(await user('touch', 'now', '/tmp/rootfile'), 'Permission denied');
  assert.equal(await user('futimens', 'now', '/tmp/rootfile'), 'Permission denied');
  assert.equal(await user('touch', '1000', '/tmp/rootfile'), 'Operation not permitted');

  // Write permission is enough for "now", never for an explicit time.
  assert.equal(await root('chmod', '666', '/tmp/rootfile'), 'ok');
  const before = statOf(mounts, '/tmp/rootfile').mtimeNs;
  assert.equal(await user('touch', 'now', '/tmp/rootfile'), 'ok');
  assert.ok(statOf(mounts, '/tmp/rootfile').mtimeNs >= before);
  assert.equal(await user('futimens', 'now', '/tmp/rootfile'), 'ok');
  assert.equal(await user('touch', '1000', '/tmp/rootfile'), 'Operation not permitted');
  assert.equal(await user('futimens', '1000', '/tmp/rootfile'), 'Operation not permitted');
  assert.notEqual(statOf(mounts, '/tmp/rootfile').mtimeNs, 1000_000_000_000n);

  // The owner and root set explicit times.
  assert.equal(await root('touch', '1000', '/tmp/rootfile'), 'ok');
  assert.equal(statOf(mounts, '/tmp/rootfile').mtimeNs, 1000_000_000_000n);
  assert.equal(await user('write', '/tmp/mine', 'y'), 'ok');
  assert.equal(statOf(mounts, '/tmp/mine').uid, 1000);
  assert.equal(await user('chmod', '444', '/tmp/mine'), 'ok');
  assert.equal(await user('touch', '2000', '/tmp/mine'), 'ok', 'the owner needs no write permission');
  assert.equal(await user('futimens', '3000', '/tmp/mine'), 'ok');
  assert.equal(statOf(mounts, '/tmp/mine').mtimeNs, 3000_000_000_000n);
  assert.equal(statOf(mounts, '/tmp/mine').atimeNs, 3000_000_000_000n);

  // A read-only mount refuses before any permission check.
  assert.equal(await root('touch', 'now', '/bin/fsutil.wasm'), 'Read-only file system');
  assert.equal(await user('touch', '5', '/bin/fsutil.wasm'), 'Read-only file system');
});

test('utimensat on a symlink with AT_SYMLINK_NOFOLLOW changes the link, not its target', async () => {
  const mounts = sandbox();
  const root = as(mounts, null);
  assert.equal(await root('write', '/tmp/target', 'x'), 'ok');
  assert.equal(await root('touch', '100', '/tmp/target'), 'ok');
  mounts.create(mounts.root(), '/tmp/link', 'symlink', { mode: 0o777, uid: 0, gid: 0, target: 'target' }, ROOT);
  assert.equal(await root('ltouch', '200', '/tmp/link'), 'ok');
  assert.equal(statOf(mounts, '/tmp/link').mtimeNs, 200_000_000_000n);
  assert.equal(statOf(mounts, '/tmp/target').mtimeNs, 100_000_000_000n);
  assert.equal(await root('touch', '300', '/tmp/link'), 'ok');
  assert.equal(statOf(mounts, '/tmp/target').mtimeNs, 300_000_000_000n);
});

test('chmod: owner or root; a symlink itself cannot be changed; setgid dropped outside the group', async () => {
  const mounts = sandbox();
  const root = as(mounts, null);
  const user = as(mounts, USER);
  assert.equal(await root('write', '/tmp/rootfile', 'x'), 'ok');
  assert.equal(await user('chmod', '777', '/tmp/rootfile'), 'Operation not permitted');
  assert.equal(await user('write', '/tmp/mine', 'y'), 'ok');
  assert.equal(await user('chmod', '2755', '/tmp/mine'), 'ok');
  assert.equal(statOf(mounts, '/tmp/mine').mode, 0o2755, 'setgid kept: the file is in the caller\'s group');
  assert.equal(await root('chown', '-1', '7', '/tmp/mine'), 'ok');
  assert.equal(await user('chmod', '2755', '/tmp/mine'), 'ok');
  assert.equal(statOf(mounts, '/tmp/mine').mode, 0o755, 'setgid dropped: group 7 is not one of the caller\'s');
  mounts.create(mounts.root(), '/tmp/link', 'symlink', { mode: 0o777, uid: 0, gid: 0, target: 'mine' }, ROOT);
  assert.equal(await root('lchmod', '700', '/tmp/link'), 'Not supported');
  assert.equal(await root('chmod', '700', '/tmp/link'), 'ok', 'chmod follows the link');
  assert.equal(statOf(mounts, '/tmp/mine').mode, 0o700);
});

test('chown: only root gives files away; the owner may pick one of its groups; setuid/setgid are cleared', async () => {
  const mounts = sandbox();
  const root = as(mounts, null);
  const user = as(mounts, USER);
  assert.equal(await user('write', '/tmp/mine', 'y'), 'ok');
  assert.equal(await user('chown', '0', '-1', '/tmp/mine'), 'Operation not permitted');
  assert.equal(await user('chown', '1000', '-1', '/tmp/mine'), 'ok', 'the owner may name itself');
  assert.equal(await user('chown', '-1', '50', '/tmp/mine'), 'ok', 'a supplementary group');
  assert.equal(statOf(mounts, '/tmp/mine').gid, 50);
  assert.equal(await user('chown', '-1', '7', '/tmp/mine'), 'Operation not permitted');

  assert.equal(await root('write', '/tmp/rootfile', 'x'), 'ok');
  assert.equal(await user('chown', '-1', '1000', '/tmp/rootfile'), 'Operation not permitted', 'not the owner');
  assert.equal(await user('chown', '0', '-1', '/tmp/rootfile'), 'Operation not permitted', 'not the owner, even naming the current owner');

  assert.equal(await root('chmod', '6755', '/tmp/rootfile'), 'ok');
  assert.equal(await root('chown', '1000', '1000', '/tmp/rootfile'), 'ok');
  const s = statOf(mounts, '/tmp/rootfile');
  assert.deepEqual([s.uid, s.gid, s.mode], [1000, 1000, 0o755]);
  assert.equal(await root('chmod', '2745', '/tmp/rootfile'), 'ok');
  assert.equal(await root('chown', '-1', '0', '/tmp/rootfile'), 'ok');
  assert.equal(statOf(mounts, '/tmp/rootfile').mode, 0o2745, 'setgid without group-execute is mandatory locking, kept');
  assert.equal(await root('mkdir', '/tmp/dir'), 'ok');
  assert.equal(await root('chmod', '3775', '/tmp/dir'), 'ok');
  assert.equal(await root('chown', '1000', '1000', '/tmp/dir'), 'ok');
  assert.equal(statOf(mounts, '/tmp/dir').mode, 0o3775, 'directories keep setgid and sticky');

  mounts.create(mounts.root(), '/tmp/link', 'symlink', { mode: 0o777, uid: 0, gid: 0, target: 'mine' }, ROOT);
  assert.equal(await root('lchown', '5', '5', '/tmp/link'), 'ok');
  assert.equal(statOf(mounts, '/tmp/link').uid, 5);
  assert.equal(statOf(mounts, '/tmp/mine').uid, 1000);
});
