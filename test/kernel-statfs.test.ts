/**
 * statfs/fstatfs (src/kernel/syscalls/files.ts) through libdrydock's statvfs
 * and fstatvfs, and busybox df over them: sizes come from each mounted
 * filesystem's statfs() — a size-limited tmpfs and an overlay over a
 * size-limited upper report their limit and usage, read-only mounts say so,
 * pipes report pipefs with no blocks.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { after, test } from 'node:test';
import { ProcFs } from '../src/kernel/fs/procfs.ts';
import { PidNamespace } from '../src/kernel/proc/namespaces.ts';
import { MemFs } from '../src/unionfs/memfs/memfs.ts';
import { OverlayFs } from '../src/unionfs/overlay/overlay-fs.ts';
import { ROOT } from '../src/unionfs/vfs/credentials.ts';
import { newKernel, PROGRAMS, run, sandbox } from './helpers/kernel-harness.ts';

const kernel = newKernel();
after(() => kernel.shutdown());

const MiB = 1024 * 1024;

/** A sandbox with a 1 MiB tmpfs at /small, a 2 MiB-limited overlay at /ovl and /proc. */
function world() {
  const pidns = new PidNamespace(kernel.rootPidns);
  const mounts = sandbox();
  for (const dir of ['/small', '/ovl', '/proc']) {
    mounts.create(mounts.root(), dir, 'dir', { mode: 0o1777, uid: 0, gid: 0 }, ROOT);
  }
  const small = new MemFs({ type: 'tmpfs', sizeLimit: MiB });
  mounts.mount('/small', small, { source: 'tmpfs', options: 'size=1024k' });
  const upper = new MemFs({ type: 'overlay-upper', sizeLimit: 2 * MiB });
  mounts.mount('/ovl', new OverlayFs({ lowers: [], upper }), { source: 'overlay' });
  mounts.mount('/proc', new ProcFs(kernel, pidns), { source: 'proc' });
  return { pidns, mounts, small };
}

type World = ReturnType<typeof world>;

async function fsutil(w: World, ...args: string[]) {
  const r = await run(kernel, '/bin/fsutil.wasm', args, { mounts: w.mounts, pidns: w.pidns });
  return r.exit.exitCode === 0 ? r.stdout.trim() : `exit ${r.exit.exitCode}: ${r.stderr.trim()}`;
}

function fields(line: string): Record<string, string> {
  return Object.fromEntries(line.split(' ').map((kv) => kv.split('=') as [string, string]));
}

test('statvfs: a size-limited tmpfs reports its limit, and usage lowers the free blocks', async () => {
  const w = world();
  const empty = fields(await fsutil(w, 'statvfs', '/small'));
  assert.deepEqual(empty, {
    type: '1021994',
    bsize: '4096',
    frsize: '4096',
    blocks: '256',
    bfree: '256',
    bavail: '256',
    rdonly: '0',
  });
  assert.equal(await fsutil(w, 'write', '/small/f', 'x'.repeat(40_000)), '');
  const used = fields(await fsutil(w, 'statvfs', '/small/f'));
  assert.equal(used.blocks, '256');
  assert.ok(w.small.used >= 40_000, `the tmpfs accounts ${w.small.used} bytes`);
  assert.equal(used.bfree, String(Math.floor((MiB - w.small.used) / 4096)), 'free blocks are what the tmpfs has left');
  assert.equal(used.bavail, used.bfree);
  assert.deepEqual(fields(await fsutil(w, 'fstatvfs', '/small/f')), used, 'fstatvfs agrees with statvfs');
});

test('statvfs: an overlay reports its upper layer limit; proc has no blocks; read-only mounts say so; symlinks are followed', async () => {
  const w = world();
  const ovl = fields(await fsutil(w, 'statvfs', '/ovl'));
  assert.equal(ovl.type, '794c7630');
  assert.equal(ovl.blocks, String((2 * MiB) / 4096));
  const proc = fields(await fsutil(w, 'statvfs', '/proc/self'));
  assert.equal(proc.type, '9fa0');
  assert.equal(proc.blocks, '0');
  assert.equal(fields(await fsutil(w, 'statvfs', '/bin')).rdonly, '1');
  assert.equal(fields(await fsutil(w, 'statvfs', '/tmp')).rdonly, '0');
  w.mounts.create(w.mounts.root(), '/tmp/to-small', 'symlink', { mode: 0o777, uid: 0, gid: 0, target: '/small' }, ROOT);
  assert.equal(fields(await fsutil(w, 'statvfs', '/tmp/to-small')).blocks, '256');
});

test('fstatvfs of a pipe is pipefs with no blocks; a missing path is ENOENT', async () => {
  const w = world();
  const pipe = fields(await fsutil(w, 'fstatvfs', 'pipe'));
  assert.equal(pipe.type, '50495045');
  assert.equal(pipe.blocks, '0');
  assert.equal(await fsutil(w, 'statvfs', '/small/nope'), 'exit 1: fsutil: /small/nope: No such file or directory');
});

test('busybox df: 1K-blocks, -h and -T from statfs; an operand picks the mount that holds it', async () => {
  const w = world();
  assert.equal(await fsutil(w, 'write', '/ovl/data', 'y'.repeat(100_000)), '');
  const df = async (...args: string[]) => {
    const r = await run(kernel, '/shipped/busybox.wasm', ['df', ...args], { mounts: w.mounts, pidns: w.pidns });
    return { status: r.exit.exitCode, out: r.stdout, err: r.stderr };
  };
  const plain = await df('/small', '/ovl/data');
  assert.equal(plain.status, 0, plain.err);
  const lines = plain.out.split('\n');
  assert.equal(lines[0], 'Filesystem           1K-blocks      Used Available Use% Mounted on');
  assert.equal(lines[1], 'tmpfs                     1024         0      1024   0% /small');
  const ovl = /^overlay +2048 +(\d+) +(\d+) +(\d+)% \/ovl$/.exec(lines[2]!);
  assert.ok(ovl, lines[2]);
  assert.ok(Number(ovl[1]) >= 100 && Number(ovl[1]) + Number(ovl[2]) === 2048, lines[2]);

  const human = await df('-h', '/small');
  assert.equal(human.out, 'Filesystem                Size      Used Available Use% Mounted on\ntmpfs                     1.0M         0      1.0M   0% /small\n');
  const typed = await df('-T', '/proc');
  assert.equal(typed.out.split('\n')[1], 'proc                 proc               0         0         0   0% /proc');

  // Without operands: mounts with no blocks (proc) only with -a.
  const all = await df();
  assert.match(all.out, / \/small\n/);
  assert.doesNotMatch(all.out, / \/proc\n/);
  assert.match((await df('-a')).out, / \/proc\n/);

  const missing = await df('/nope');
  assert.equal(missing.status, 1);
  assert.equal(missing.err, 'df: /nope: can\'t find mount point\n');
});

test('statvfs of a host directory (a bind mount): bfree and bavail are the host filesystem\'s (root-reserved blocks are free, not available)', async () => {
  const w = world();
  const bin = fields(await fsutil(w, 'statvfs', '/bin'));
  const host = statfsSync(PROGRAMS);
  const near = (ours: string, theirs: number) => Math.abs(Number(ours) - theirs) <= Math.max(64, theirs * 0.01);
  assert.equal(Number(bin.bsize), host.bsize);
  assert.equal(Number(bin.blocks), host.blocks);
  assert.ok(near(bin.bfree!, host.bfree), `bfree ${bin.bfree} vs the host's ${host.bfree}`);
  assert.ok(near(bin.bavail!, host.bavail), `bavail ${bin.bavail} vs the host's ${host.bavail}`);
  assert.ok(Number(bin.bfree) >= Number(bin.bavail));
});

test('busybox stat -f: the layout, -t and -c directives of BusyBox 1.35, over statfs; a bind mount reports the host\'s file system type', async (t) => {
  const w = world();
  const stat = async (...args: string[]) => {
    const r = await run(kernel, '/shipped/busybox.wasm', ['stat', ...args], { mounts: w.mounts, pidns: w.pidns });
    return { status: r.exit.exitCode, out: r.stdout, err: r.stderr };
  };
  const small = await stat('-f', '/small');
  assert.equal(small.status, 0, small.err);
  assert.match(
    small.out,
    /^ {2}File: "\/small"\n {4}ID: [0-9a-f]+ +Namelen: 255 {5}Type: tmpfs\nBlock size: 4096 {6}\nBlocks: Total: 256 {8}Free: 256 {8}Available: 256\nInodes: Total: \d+ +Free: 0\n$/,
  );
  assert.equal((await stat('-f', '-c', '%t|%T|%-5l|%S|%z|%%', '/proc')).out, '9fa0|proc|255  |4096|z|%\n');
  assert.match((await stat('-f', '-t', '/ovl')).out, /^\/ovl [0-9a-f]+ 255 794c7630 4096 512 512 512 \d+ 0\n$/);
  const missing = await stat('-f', '/nope');
  assert.equal(missing.status, 1);
  assert.equal(missing.err, "stat: can't read file system information for '/nope': No such file or directory\n");

  // The oracle: Debian's busybox on the same host directory (/bin is PROGRAMS, mounted from the host).
  const oracle = spawnSync('busybox', ['stat', '-f', '-c', '%t %T %l %s %b', PROGRAMS], { encoding: 'utf8' });
  if (oracle.error) {
    if (process.env.CI) throw oracle.error;
    t.skip('no busybox on this machine');
    return;
  }
  assert.equal((await stat('-f', '-c', '%t %T %l %s %b', '/bin')).out, oracle.stdout);
});
