import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { SIG } from '../src/kernel/abi/linux.ts';
import { STATE_IN_SYSCALL } from '../src/kernel/channel/channel.ts';
import { ResourceGroup } from '../src/kernel/proc/resource-group.ts';
import { FixedInput, newKernel, run, sandbox, start, TypedInput, waitForOutput } from './helpers/kernel-harness.ts';

const kernel = newKernel({ warmWorkers: 2 });
after(() => kernel.shutdown());

test('gen | wc through a kernel pipe', async () => {
  const r = await run(kernel, '/bin/proc-spawn.wasm', ['pipeline', '20000']);
  // "line N\n" for N = 1..20000: 9*7 + 90*8 + 900*9 + 9000*10 + 10001*11 bytes. The parent's
  // report of gen's exit and wc's own output may come in either order.
  assert.deepEqual(r.stdout.split('\n').sort(), ['', '20000 208894', 'gen exited 0', 'wc exited 0']);
  assert.equal(r.exit.exitCode, 0);
});

test('spawn and wait report the child status; then ECHILD', async () => {
  const r = await run(kernel, '/bin/proc-spawn.wasm', ['wait', '42']);
  assert.equal(r.stdout, 'exiting with 42\nwaited for the child: yes\nchild exited 42\nno more children: -1 ECHILD\n');
});

test('spawn of a missing program fails with ENOENT and leaves no child', async () => {
  const r = await run(kernel, '/bin/proc-spawn.wasm', ['missing']);
  assert.equal(r.stdout, 'spawn missing: No such file or directory\nspawnp missing: No such file or directory\n');
});

test('PID namespaces: a container sees its own PID 1; the kernel sees global PIDs', async () => {
  const r = await run(kernel, '/bin/proc-spawn.wasm', ['child-ids'], { pidns: 'new' });
  assert.equal(r.stdout, 'pid=2 ppid=1 pgid=1 sid=1 uid=0\nparent pid=1 child=2\n');
  assert.ok(r.proc.pid > 1, 'the global PID is not 1');
  assert.equal(r.proc.pidIn(r.proc.pidns), 1);
});

test('a trap kills the process with the matching signal', async () => {
  const abort = await run(kernel, '/bin/wasi-exit.wasm', ['abort']);
  assert.equal(abort.exit.signal, SIG.ABRT);
  assert.equal(abort.exit.exitCode, 134);
  assert.match(abort.exit.error ?? '', /unreachable/);
  const oob = await run(kernel, '/bin/wasi-exit.wasm', ['oob']);
  assert.equal(oob.exit.signal, SIG.SEGV);
  assert.equal(oob.exit.exitCode, 139);
});

test('SIGKILL stops a process spinning in pure computation', async () => {
  const { proc, stdout } = await start(kernel, '/bin/wasi-spin.wasm');
  await waitForOutput(stdout, 'spinning');
  kernel.signal(proc, SIG.KILL, null);
  const exit = await proc.exited;
  assert.equal(exit.exitCode, 137);
  assert.equal(exit.signal, SIG.KILL);
});

test('SIGTERM with its default action kills a process blocked in read', async () => {
  const { proc, stdout } = await start(kernel, '/bin/sig.wasm', ['readstdin'], { stdin: new FixedInput('', true) });
  await waitForOutput(stdout, 'reading');
  kernel.signal(proc, SIG.TERM, null);
  const exit = await proc.exited;
  assert.equal(exit.exitCode, 143);
});

test('a caught SIGTERM runs the handler and interrupts pause()', async () => {
  const { proc, stdout } = await start(kernel, '/bin/sig.wasm', ['term']);
  await waitForOutput(stdout, 'waiting');
  kernel.signal(proc, SIG.TERM, null);
  const exit = await proc.exited;
  assert.equal(stdout.text(), 'waiting\ncaught 15\n');
  assert.equal(exit.exitCode, 7);
});

test('a signal that comes before pause() is entered still ends it (pause is one system call)', async () => {
  const { proc, stdout } = await start(kernel, '/bin/sig.wasm', ['latepause']);
  await waitForOutput(stdout, 'computing');
  kernel.signal(proc, SIG.TERM, null);
  const exit = await proc.exited;
  assert.equal(stdout.text(), 'computing\npause returned -1 EINTR, caught 15\n');
  assert.equal(exit.exitCode, 0);
});

/** The process's exit, or a failure after `ms` (a signal that is never delivered must fail the test, not hang it). */
function exitWithin(proc: Awaited<ReturnType<typeof start>>['proc'], ms = 20_000) {
  return Promise.race([proc.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit within ${ms} ms`)), ms).unref())]);
}

for (const mode of ['yieldloop', 'clockloop']) {
  test(`a caught signal reaches a guest that makes no system call, only ${mode === 'yieldloop' ? 'sched_yield' : 'clock reads'} (the attention word)`, async () => {
    const { proc, stdout } = await start(kernel, '/bin/sig.wasm', [mode]);
    await waitForOutput(stdout, 'looping');
    kernel.signal(proc, SIG.TERM, null);
    const exit = await exitWithin(proc);
    assert.equal(stdout.text(), 'looping\ncaught 15\n');
    assert.equal(exit.exitCode, 7);
  });
}

test('a frozen group (docker pause) holds a guest that only calls sched_yield at that call; thawed, it goes on', async () => {
  const group = new ResourceGroup('paused');
  const { proc, stdout } = await start(kernel, '/bin/sig.wasm', ['yieldloop'], { group });
  await waitForOutput(stdout, 'looping');
  group.frozen = true;
  const deadline = Date.now() + 10_000;
  while (proc.channel.guestState !== STATE_IN_SYSCALL && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(proc.channel.guestState, STATE_IN_SYSCALL, 'held at a system call');
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(proc.channel.guestState, STATE_IN_SYSCALL, 'still held');
  group.frozen = false;
  kernel.signal(proc, SIG.TERM, null);
  assert.equal((await exitWithin(proc)).exitCode, 7);
});

test('docker pause while a guest is blocked in read: once the read is answered, its next sched_yield holds it', async () => {
  const group = new ResourceGroup('paused-in-read');
  const input = new TypedInput();
  const { proc, stdout } = await start(kernel, '/bin/sig.wasm', ['readyield'], { group, stdin: input });
  await waitForOutput(stdout, 'reading');
  for (let i = 0; i < 2000 && !proc.inSyscall; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(proc.inSyscall, 'parked in read');
  group.frozen = true;
  input.type('x\n');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const deadline = Date.now() + 10_000;
  while (proc.channel.guestState !== STATE_IN_SYSCALL && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(proc.channel.guestState, STATE_IN_SYSCALL, 'held at its sched_yield');
  group.frozen = false;
  kernel.signal(proc, SIG.TERM, null);
  assert.equal((await exitWithin(proc)).exitCode, 7);
});

test('an ignored SIGTERM does nothing; SIGKILL still works', async () => {
  const { proc, stdout } = await start(kernel, '/bin/sig.wasm', ['ignore']);
  await waitForOutput(stdout, 'ignoring');
  kernel.signal(proc, SIG.TERM, null);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(proc.alive, true);
  kernel.signal(proc, SIG.KILL, null);
  assert.equal((await proc.exited).exitCode, 137);
});

test('SIGWINCH is harmless', async () => {
  const { proc, stdout } = await start(kernel, '/bin/sig.wasm', ['sleep']);
  await waitForOutput(stdout, 'sleeping');
  kernel.signal(proc, SIG.WINCH, null);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(proc.alive, true);
  kernel.signal(proc, SIG.KILL, null);
  await proc.exited;
});

test('signal handlers run for raise()', async () => {
  const r = await run(kernel, '/bin/sig.wasm', ['handler']);
  assert.equal(r.stdout, 'handler ran: 1\n');
});

test('writing to a pipe without readers: EPIPE when SIGPIPE is ignored, death by SIGPIPE otherwise', async () => {
  const r = await run(kernel, '/bin/sig.wasm', ['pipe']);
  assert.equal(r.stdout, 'write with SIGPIPE ignored: -1 EPIPE\n');
  assert.equal(r.exit.signal, SIG.PIPE);
  assert.equal(r.exit.exitCode, 141);
});

test('the init of a PID namespace ignores signals it has no handler for, unless SIGKILL from outside', async () => {
  const { proc, stdout } = await start(kernel, '/bin/sig.wasm', ['sleep'], { pidns: 'new' });
  await waitForOutput(stdout, 'sleeping');
  kernel.signal(proc, SIG.TERM, null);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(proc.alive, true, 'SIGTERM to a container init without a handler is ignored (as on Linux/Docker)');
  kernel.signal(proc, SIG.KILL, null);
  assert.equal((await proc.exited).exitCode, 137);
});

test('the pids limit makes spawn fail with EAGAIN', async () => {
  const group = new ResourceGroup('limited', { pids: 4 });
  const r = await run(kernel, '/bin/proc-spawn.wasm', ['many', '6'], { group });
  // The three sleepers that started print "sleeping" too, possibly in the middle of the parent's line
  // (puts writes the text and the newline separately to an unbuffered stdout).
  assert.deepEqual(r.stdout.replaceAll('sleeping', '').split('\n').filter((l) => l !== ''), ['spawned 3, EAGAIN 3']);
  assert.equal(group.pidsLimitHits, 3);
});

test('CPU time is accounted per process and per group', async () => {
  const group = new ResourceGroup('cpu');
  const { proc, stdout } = await start(kernel, '/bin/wasi-spin.wasm', [], { group });
  await waitForOutput(stdout, 'spinning');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.ok(proc.cpuMicros() > 50_000, `spinning for 200 ms used ${proc.cpuMicros()} µs`);
  kernel.signal(proc, SIG.KILL, null);
  await proc.exited;
  assert.ok(group.cpuMicros() > 50_000);
});

test('processes in different sandboxes do not see each other', async () => {
  const a = await run(kernel, '/bin/proc-spawn.wasm', ['ids'], { pidns: 'new', mounts: sandbox() });
  const b = await run(kernel, '/bin/proc-spawn.wasm', ['ids'], { pidns: 'new', mounts: sandbox() });
  assert.match(a.stdout, /^pid=1 ppid=0 /);
  assert.match(b.stdout, /^pid=1 ppid=0 /);
});

test('growing past the memory limit is an OOM kill (137); under the limit the program finishes', async () => {
  const tight = new ResourceGroup('tight', { memory: 32 * 1024 * 1024 });
  const killed = await run(kernel, '/bin/wasi-memhog.wasm', ['64'], { group: tight });
  assert.equal(killed.exit.exitCode, 137);
  assert.equal(killed.exit.oomKilled, true);
  assert.equal(killed.exit.signal, SIG.KILL);
  assert.equal(killed.stdout, '16 MiB\n');
  const roomy = new ResourceGroup('roomy', { memory: 256 * 1024 * 1024 });
  const fine = await run(kernel, '/bin/wasi-memhog.wasm', ['64'], { group: roomy });
  assert.equal(fine.exit.exitCode, 0);
  assert.equal(fine.stdout, '16 MiB\n32 MiB\n48 MiB\n64 MiB\ndone\n');
});

test('a second start of the same program does not compile it again', async () => {
  const before = kernel.modules.compiles;
  await run(kernel, '/bin/wasi-exit.wasm', ['0']);
  const once = kernel.modules.compiles;
  await run(kernel, '/bin/wasi-exit.wasm', ['0']);
  await run(kernel, '/bin/wasi-exit.wasm', ['0']);
  assert.ok(once - before <= 1);
  assert.equal(kernel.modules.compiles, once);
});

test('open(O_CLOEXEC) marks the new fd close-on-exec (wasi-libc defines O_CLOEXEC as 0; libdrydock gives it a value)', async () => {
  const r = await run(kernel, '/bin/fsutil.wasm', ['cloexec', '/bin/fsutil.wasm']);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'FD_CLOEXEC=1\n');
});
