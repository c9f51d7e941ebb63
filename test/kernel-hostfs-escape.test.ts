/**
 * Escape attempts through a bind-mounted host directory (HostFs): a guest
 * makes symlinks that name host files outside the directory, or swaps a file
 * or directory it holds open for such a symlink, then changes attributes,
 * writes and creates through them. The host files outside must not change.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { newKernel, run, sandbox } from './helpers/kernel-harness.ts';

const kernel = newKernel();
const base = fs.mkdtempSync(join(tmpdir(), 'drydock-hostfs-escape-'));
const bind = join(base, 'bind');
const outside = join(base, 'outside.txt');
const outsideDir = join(base, 'outside-dir');
after(async () => {
  await kernel.shutdown();
  fs.rmSync(base, { recursive: true, force: true });
});

/** What an attribute change or a write could alter on the host file outside (not atime: reading it here moves that). */
function fingerprint(path: string) {
  const s = fs.lstatSync(path, { bigint: true });
  return { mode: s.mode, uid: s.uid, gid: s.gid, size: s.size, mtimeNs: s.mtimeNs, text: fs.readFileSync(path, 'utf8') };
}

beforeEach(() => {
  fs.rmSync(bind, { recursive: true, force: true });
  fs.rmSync(outsideDir, { recursive: true, force: true });
  fs.mkdirSync(bind);
  fs.mkdirSync(outsideDir);
  fs.writeFileSync(outside, 'host secret\n', { mode: 0o640 });
  fs.chmodSync(outside, 0o640);
  fs.utimesSync(outside, 1_000_000, 1_000_000);
  fs.writeFileSync(join(outsideDir, 'existing'), 'keep me\n');
});

async function fsutil(...args: string[]) {
  return run(kernel, '/bin/fsutil.wasm', args, { mounts: sandbox({ '/mnt': bind }) });
}

test('chown -h, chmod and touch -h on a symlink to a host file outside the bind mount leave that file alone', async () => {
  fs.symlinkSync(outside, join(bind, 'host-made'));
  // The guest may write any target string; an absolute host path is just a path in its own namespace.
  assert.equal((await run(kernel, '/shipped/busybox.wasm', ['ln', '-s', outside, '/mnt/guest-made'], { mounts: sandbox({ '/mnt': bind }) })).exit.exitCode, 0);
  const before = fingerprint(outside);
  for (const link of ['/mnt/host-made', '/mnt/guest-made']) {
    const lchown = await fsutil('lchown', '1234', '1234', link);
    assert.equal(lchown.exit.exitCode, 0, lchown.stderr);
    const hostLink = fs.lstatSync(join(bind, link.slice('/mnt/'.length)));
    assert.equal(hostLink.isSymbolicLink(), true);
    assert.equal(hostLink.uid, 1234, 'lchown changed the link itself');

    const lchmod = await fsutil('lchmod', '777', link);
    assert.equal(lchmod.exit.exitCode, 1);
    assert.match(lchmod.stderr, /Not supported/);

    const ltouch = await fsutil('ltouch', '5', link);
    assert.equal(ltouch.exit.exitCode, 0, ltouch.stderr);
    assert.equal(fs.lstatSync(join(bind, link.slice('/mnt/'.length))).mtimeMs, 5000, 'touch -h set the link time');

    // The following forms resolve the link inside the container, where that host path does not exist.
    for (const args of [['chmod', '777', link], ['chown', '1234', '1234', link], ['touch', '5', link], ['futimens', '5', link]]) {
      const r = await fsutil(...args);
      assert.equal(r.exit.exitCode, 1, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, /No such file or directory/);
    }
  }
  assert.deepEqual(fingerprint(outside), before);
});

test('busybox chown -h, chmod and touch -h through the shell leave the host target alone', async () => {
  fs.symlinkSync(outside, join(bind, 'link'));
  const before = fingerprint(outside);
  const bb = (...args: string[]) => run(kernel, '/shipped/busybox.wasm', args, { mounts: sandbox({ '/mnt': bind }) });
  assert.equal((await bb('chown', '-h', '4321:4321', '/mnt/link')).exit.exitCode, 0);
  assert.equal((await bb('touch', '-h', '-d', '2001-01-01 00:00:00', '/mnt/link')).exit.exitCode, 0);
  assert.notEqual((await bb('chmod', '777', '/mnt/link')).exit.exitCode, 0);
  assert.equal(fs.lstatSync(join(bind, 'link')).uid, 4321);
  assert.deepEqual(fingerprint(outside), before);
});

test('an fd whose file was replaced by a symlink to a host file is stale: attribute changes and writes do not reach the target', async () => {
  fs.writeFileSync(join(bind, 'victim'), 'inside\n');
  const before = fingerprint(outside);
  const r = await fsutil('swap', '/mnt/victim', outside);
  assert.equal(r.exit.exitCode, 0, r.stderr);
  const results = Object.fromEntries(r.stdout.trim().split('\n').map((line) => line.split(': ')));
  assert.deepEqual(Object.keys(results), ['fchmod', 'fchown', 'futimens', 'ftruncate', 'write', 'fstat']);
  for (const [op, result] of Object.entries(results)) assert.notEqual(result, 'ok', `${op} through the stale fd`);
  assert.equal(results['fchmod'], 'Stale file handle');
  assert.equal(results['fchown'], 'Stale file handle');
  assert.deepEqual(fingerprint(outside), before);
  // The guest's symlink is there, unchanged (a symlink's mode on Linux is 0777).
  assert.equal(fs.readlinkSync(join(bind, 'victim')), outside);
  assert.equal(fs.lstatSync(join(bind, 'victim')).uid, process.getuid?.() ?? 0);
});

test('a directory fd whose path now runs through a symlink to a host directory is stale: nothing is created or truncated there', async () => {
  fs.mkdirSync(join(bind, 'dir'));
  const r = await fsutil('swapdir', '/mnt/dir', outsideDir);
  assert.equal(r.exit.exitCode, 0, r.stderr);
  assert.equal(r.stdout, 'create: Stale file handle\nmkdir: Stale file handle\nopen existing: Stale file handle\n');
  assert.deepEqual(fs.readdirSync(outsideDir), ['existing']);
  assert.equal(fs.readFileSync(join(outsideDir, 'existing'), 'utf8'), 'keep me\n');
});

test('a symlinked host directory is mounted as the directory it names, and its files stay usable', async () => {
  const alias = join(base, 'alias');
  fs.rmSync(alias, { force: true });
  fs.symlinkSync(bind, alias);
  fs.writeFileSync(join(bind, 'f'), 'data\n');
  const r = await run(kernel, '/bin/fsutil.wasm', ['cat', '/mnt/f'], { mounts: sandbox({ '/mnt': alias }) });
  assert.equal(r.stdout, 'data\n');
  const w = await run(kernel, '/bin/fsutil.wasm', ['append', '/mnt/f', 'more\n'], { mounts: sandbox({ '/mnt': alias }) });
  assert.equal(w.exit.exitCode, 0, w.stderr);
  assert.equal(fs.readFileSync(join(bind, 'f'), 'utf8'), 'data\nmore\n');
});
