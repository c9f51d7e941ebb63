/**
 * Supplementary groups: getgroups/setgroups (drydock 110/111) with Linux's
 * semantics, inheritance by children, permission checks through a group, the
 * Groups: line of /proc/PID/status, and busybox's id over them.
 */
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { createDevFs } from '../src/kernel/fs/devfs.ts';
import { ProcFs } from '../src/kernel/fs/procfs.ts';
import { PidNamespace } from '../src/kernel/proc/namespaces.ts';
import { ROOT } from '../src/unionfs/vfs/credentials.ts';
import type { MountNamespace } from '../src/unionfs/vfs/mount-namespace.ts';
import { newKernel, run, sandbox } from './helpers/kernel-harness.ts';

const kernel = newKernel({ warmWorkers: 2 });
after(() => kernel.shutdown());

/** A sandbox with /proc for a new PID namespace, /dev, and /tmp/secret (root:3000, 0640). */
function world(): { pidns: PidNamespace; mounts: MountNamespace } {
  const pidns = new PidNamespace(kernel.rootPidns);
  const mounts = sandbox();
  for (const dir of ['/proc', '/dev', '/etc']) mounts.create(mounts.root(), dir, 'dir', { mode: 0o755, uid: 0, gid: 0 }, ROOT);
  mounts.mount('/proc', new ProcFs(kernel, pidns), { source: 'proc' });
  mounts.mount('/dev', createDevFs(), { source: 'tmpfs' });
  const write = (path: string, text: string, mode: number, gid = 0) => {
    const loc = mounts.create(mounts.root(), path, 'file', { mode, uid: 0, gid }, ROOT);
    loc.inode.write(0, new TextEncoder().encode(text));
  };
  write('/tmp/secret', 'group readable\n', 0o640, 3000);
  write('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n', 0o644);
  write('/etc/group', 'root:x:0:\ntty:x:5:\nwheel:x:10:root\nstaff:x:3000:\nnogroup:x:65534:\n', 0o644);
  return { pidns, mounts };
}

const groups = (args: string[], creds?: { uid: number; gid: number; groups?: number[] }) => {
  const w = world();
  return run(kernel, '/bin/groups.wasm', args, { pidns: w.pidns, mounts: w.mounts, ...(creds ? { creds } : {}) });
};

test('getgroups returns the groups the process was spawned with; size 0 asks for the count', async () => {
  const r = await groups(['count', 'show'], { uid: 0, gid: 0, groups: [0, 5, 10] });
  assert.equal(r.stdout, 'count 3\ngroups 3: 0 5 10\n');
  const none = await groups(['count', 'show'], { uid: 0, gid: 0 });
  assert.equal(none.stdout, 'count 0\ngroups 0:\n');
});

test('getgroups: a buffer smaller than the list or a negative size is EINVAL', async () => {
  const r = await groups(['small', 'negative'], { uid: 1000, gid: 1000, groups: [5, 10] });
  assert.equal(r.stdout, 'small: EINVAL\nnegative: EINVAL\n');
});

test('setgroups: root replaces the list (kept sorted, duplicates kept as Linux), children inherit it', async () => {
  const r = await groups(['set:30,10,20,10', 'show', 'child', 'set:', 'show', 'child']);
  assert.equal(r.stdout, 'set: ok\ngroups 4: 10 10 20 30\ngroups 4: 10 10 20 30\nset: ok\ngroups 0:\ngroups 0:\n');
});

test('setgroups needs uid 0: EPERM otherwise, even for the same list, and the list stays', async () => {
  const r = await groups(['setuid:1000', 'set:5', 'set:', 'show'], { uid: 0, gid: 0, groups: [5] });
  assert.equal(r.stdout, 'setuid: ok\nset: EPERM\nset: EPERM\ngroups 1: 5\n');
});

test('setgroups: more than NGROUPS_MAX (8192) groups or the gid (gid_t)-1 is EINVAL; 8192 fit', async () => {
  const r = await groups(['max', 'badgid', 'show'], { uid: 0, gid: 0, groups: [7] });
  assert.equal(r.stdout, 'max+1: EINVAL\nmax: ok\ncount 8192, sorted yes\nrestore: ok\nbadgid: EINVAL\ngroups 1: 7\n');
});

test('a supplementary group grants its permission bits (open and access), and losing it takes them away', async () => {
  const member = await groups(['open:/tmp/secret', 'access:/tmp/secret'], { uid: 1000, gid: 1000, groups: [3000] });
  assert.equal(member.stdout, 'open /tmp/secret: ok\naccess /tmp/secret: ok\n');
  const outsider = await groups(['open:/tmp/secret', 'access:/tmp/secret'], { uid: 1000, gid: 1000, groups: [5] });
  assert.equal(outsider.stdout, 'open /tmp/secret: EACCES\naccess /tmp/secret: EACCES\n');
  // Root drops the group for its own child before becoming uid 1000: the child cannot read.
  const dropped = await groups(['set:', 'setuid:1000', 'open:/tmp/secret'], { uid: 0, gid: 1000, groups: [3000] });
  assert.equal(dropped.stdout, 'set: ok\nsetuid: ok\nopen /tmp/secret: EACCES\n');
});

test('/proc/PID/status shows the groups as Linux ("Groups:\\t0 10 ", only the tab for none)', async () => {
  const r = await groups(['status', 'set:10,0', 'status', 'set:', 'status'], { uid: 0, gid: 0, groups: [5] });
  assert.equal(r.stdout, 'status "Groups:\t5 "\nset: ok\nstatus "Groups:\t0 10 "\nset: ok\nstatus "Groups:\t"\n');
});

test('busybox id prints the groups as BusyBox 1.35 does (groups=, -G with the egid first, -Gn)', async () => {
  const bb = (args: string[], creds: { uid: number; gid: number; groups?: number[] }) => {
    const w = world();
    return run(kernel, '/shipped/busybox.wasm', args, { pidns: w.pidns, mounts: w.mounts, creds });
  };
  const root = { uid: 0, gid: 0, groups: [0, 10] };
  assert.equal((await bb(['id'], root)).stdout, 'uid=0(root) gid=0(root) groups=0(root),10(wheel)\n');
  assert.equal((await bb(['id', '-G'], root)).stdout, '0 10\n');
  assert.equal((await bb(['id', '-Gn'], root)).stdout, 'root wheel\n');
  const nobody = { uid: 65534, gid: 65534, groups: [5, 10, 65534] };
  assert.equal((await bb(['id'], nobody)).stdout, 'uid=65534(nobody) gid=65534(nogroup) groups=5(tty),10(wheel),65534(nogroup)\n');
  assert.equal((await bb(['id', '-G'], nobody)).stdout, '65534 5 10\n');
  const none = await bb(['id'], { uid: 1000, gid: 1000 });
  assert.equal(none.stdout, 'uid=1000 gid=1000\n');
  // An unknown name: the number, "unknown ID" on stderr and status 1 (BusyBox with -n).
  const unknown = await bb(['id', '-Gn'], { uid: 1000, gid: 1000, groups: [10, 4242] });
  assert.equal(unknown.stdout, '1000 wheel 4242\n');
  assert.equal(unknown.stderr, 'id: unknown ID 1000\nid: unknown ID 4242\n');
  assert.equal(unknown.exit.exitCode, 1);
  assert.equal((await bb(['groups'], root)).stdout, 'root wheel\n');
});
