/** /proc and /dev as a container sees them. */
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { createDevFs } from '../src/kernel/fs/devfs.ts';
import { ProcFs } from '../src/kernel/fs/procfs.ts';
import { PidNamespace } from '../src/kernel/proc/namespaces.ts';
import { ResourceGroup } from '../src/kernel/proc/resource-group.ts';
import { ROOT } from '../src/unionfs/vfs/credentials.ts';
import { newKernel, run, sandbox, start, waitForOutput } from './helpers/kernel-harness.ts';
import { SIG } from '../src/kernel/abi/linux.ts';

const kernel = newKernel();
after(() => kernel.shutdown());

/** A sandbox with /proc for a new PID namespace and a fresh /dev. */
function container() {
  const pidns = new PidNamespace(kernel.rootPidns);
  const mounts = sandbox();
  for (const dir of ['/proc', '/dev']) mounts.create(mounts.root(), dir, 'dir', { mode: 0o755, uid: 0, gid: 0 }, ROOT);
  mounts.mount('/proc', new ProcFs(kernel, pidns), { source: 'proc', options: 'nosuid,nodev,noexec,relatime' });
  mounts.mount('/dev', createDevFs(), { source: 'tmpfs', options: 'nosuid,size=65536k,mode=755' });
  return { pidns, mounts };
}

const fsutil = (args: string[], c = container(), group?: ResourceGroup) =>
  run(kernel, '/bin/fsutil.wasm', args, { pidns: c.pidns, mounts: c.mounts, ...(group ? { group } : {}) });

test('/proc/self is the caller, PID 1 in a new namespace', async () => {
  assert.equal((await fsutil(['readlink', '/proc/self'])).stdout, '1\n');
});

test('/proc/PID/cmdline, stat and status', async () => {
  const cmdline = await fsutil(['cat', '/proc/self/cmdline']);
  assert.equal(cmdline.stdout, '/bin/fsutil.wasm\0cat\0/proc/self/cmdline\0');
  const stat = await fsutil(['cat', '/proc/1/stat']);
  const fields = stat.stdout.trim().split(' ');
  assert.equal(fields.length, 52);
  assert.deepEqual(fields.slice(0, 4), ['1', '(fsutil.wasm)', 'S', '0']);
  const status = await fsutil(['cat', '/proc/self/status']);
  assert.match(status.stdout, /^Name:\tfsutil.wasm\n/);
  assert.match(status.stdout, /\nPid:\t1\nPPid:\t0\n/);
  assert.match(status.stdout, /\nUid:\t0\t0\t0\t0\n/);
});

test('/proc lists the namespace\'s processes and the global files', async () => {
  const c = container();
  const sleeper = await start(kernel, '/bin/sig.wasm', ['sleep'], { pidns: c.pidns, mounts: c.mounts });
  await waitForOutput(sleeper.stdout, 'sleeping');
  const ls = await run(kernel, '/bin/fsutil.wasm', ['ls', '/proc'], { pidns: c.pidns, mounts: c.mounts });
  const names = ls.stdout.trim().split('\n');
  assert.deepEqual(names.filter((n) => /^\d+$/.test(n)), ['1', '2']);
  for (const name of ['.', '..', 'self', 'meminfo', 'uptime', 'loadavg', 'mounts', 'stat', 'version', 'sys']) {
    assert.ok(names.includes(name), `missing /proc/${name}`);
  }
  kernel.signal(sleeper.proc, SIG.KILL, null);
  await sleeper.proc.exited;
});

test('/proc/meminfo shows the container memory limit; /proc/uptime and /proc/mounts parse', async () => {
  const group = new ResourceGroup('m', { memory: 64 * 1024 * 1024 });
  const mem = await fsutil(['cat', '/proc/meminfo'], container(), group);
  assert.match(mem.stdout, /^MemTotal:\s+65536 kB\n/);
  const up = await fsutil(['cat', '/proc/uptime']);
  assert.match(up.stdout, /^\d+\.\d\d \d+\.\d\d\n$/);
  const mounts = await fsutil(['cat', '/proc/mounts']);
  assert.match(mounts.stdout, /^proc \/proc proc rw,nosuid,nodev,noexec,relatime 0 0$/m);
  assert.match(mounts.stdout, /^tmpfs \/dev tmpfs rw,nosuid,size=65536k,mode=755 0 0$/m);
});

test('/proc/sys/kernel/hostname is the UTS hostname', async () => {
  assert.equal((await fsutil(['cat', '/proc/sys/kernel/hostname'])).stdout, 'drydock\n');
});

test('/dev has the devices, and /dev/stdout writes to fd 1', async () => {
  const ls = await fsutil(['ls', '/dev']);
  assert.deepEqual(ls.stdout.trim().split('\n'), [
    '.', '..', 'fd', 'full', 'mqueue', 'null', 'ptmx', 'pts', 'random', 'shm', 'stderr', 'stdin', 'stdout', 'tty', 'urandom', 'zero',
  ]);
  assert.equal((await fsutil(['stat', '/dev/null'])).stdout, 'chardev 0666 uid=0 gid=0 size=0 rdev=259\n');
  assert.equal((await fsutil(['write', '/dev/stdout', 'via /proc/self/fd/1'])).stdout, 'via /proc/self/fd/1');
  const err = await fsutil(['write', '/dev/stderr', 'to stderr']);
  assert.equal(err.stderr, 'to stderr');
  assert.equal((await fsutil(['head', '4', '/dev/zero'])).stdout, '\0\0\0\0');
  assert.equal((await fsutil(['cat', '/dev/null'])).stdout, '');
  const full = await fsutil(['write', '/dev/full', 'x']);
  assert.equal(full.stderr, 'fsutil: /dev/full: No space left on device\n');
  const tty = await fsutil(['cat', '/dev/tty']);
  assert.equal(tty.stderr, 'fsutil: /dev/tty: No such device or address\n');
});

test('/proc is read-only', async () => {
  const r = await fsutil(['write', '/proc/uptime', 'x']);
  assert.equal(r.exit.exitCode, 1);
  assert.match(r.stderr, /Read-only file system|Permission denied/);
});
