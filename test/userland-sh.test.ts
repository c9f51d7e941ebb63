/**
 * Our sh in the real kernel, for what the differential corpus cannot show:
 * the interactive shell on a terminal (prompt, line editing, history,
 * ctrl-C, ctrl-D), signals, the state a child shell receives, large
 * heredocs, exec and PATH lookups.
 */
import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { SIG } from '../src/kernel/abi/linux.ts';
import { HostInputDescription, HostOutputDescription } from '../src/kernel/fd/host-stream.ts';
import { TtyState } from '../src/kernel/fd/tty-state.ts';
import type { HostInput } from '../src/platform/types.ts';
import { CaptureOutput, FixedInput, TypedInput, newKernel, start, waitForOutput } from './helpers/kernel-harness.ts';
import { makeBinDir, runSh, shSandbox } from './userland/sh-cases/harness.ts';

const kernel = newKernel({ warmWorkers: 2 });
const bin = makeBinDir();
after(async () => {
  bin.cleanup();
  await kernel.shutdown();
});


/** Starts an interactive sh whose stdin, stdout and stderr are one terminal. */
async function interactive(env: string[] = ['PATH=/bin', 'HOME=/root']) {
  const tty = new TtyState();
  const input = new TypedInput();
  const screen = new CaptureOutput();
  const proc = await kernel.spawn({
    path: '/bin/sh',
    args: ['sh'],
    env,
    mounts: shSandbox(bin.dir),
    stdio: [new HostInputDescription(input, tty), new HostOutputDescription(screen, tty), new HostOutputDescription(screen, tty)],
  });
  /** Types `keys` and waits until the screen shows `expect` after what it showed before. */
  const exchange = async (keys: string, expect: string): Promise<string> => {
    const before = screen.text().length;
    input.type(keys);
    const deadline = Date.now() + 10_000;
    while (!screen.text().slice(before).includes(expect)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(expect)}; screen: ${JSON.stringify(screen.text())}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return screen.text().slice(before);
  };
  return { proc, input, screen, tty, exchange };
}

test('interactive: the prompt is "/ # " for root in /, commands run, the terminal is back in canonical mode between lines', async () => {
  const sh = await interactive();
  await waitForOutput(sh.screen, '/ # ');
  // the shell echoes the line and ends it with CR LF itself; the kernel has no output post-processing (ONLCR)
  const out = await sh.exchange('echo hello\r', 'hello\n/ # ');
  assert.equal(out, 'echo hello\r\nhello\n/ # ');
  await sh.exchange('cd /tmp\r', '/tmp # ');
  await sh.exchange('HOME=/tmp\r', '~ # ');
  sh.input.type('exit 3\r');
  assert.equal((await sh.proc.exited).exitCode, 3);
  // lineedit restored the termios it found (ICANON and ECHO on)
  assert.equal(sh.tty.lflag & 0o12, 0o12);
});

test('interactive: backspace, ctrl-U, cursor keys and history edit the line', async () => {
  const sh = await interactive();
  await waitForOutput(sh.screen, '# ');
  await sh.exchange('echo abx\x7fc\r', 'abc\n');
  await sh.exchange('garbage\x15echo killed-line\r', 'killed-line\n');
  await sh.exchange('echo wrld\x1b[D\x1b[D\x1b[Do\r', 'world\n');
  await sh.exchange('echo first\r', 'first\n');
  // up arrow recalls "echo first"; ctrl-A moves to the start
  const out = await sh.exchange('\x1b[A\x01: \r', '\n/ # ');
  assert.match(out, /: echo first/);
  await sh.exchange('\x1b[A\x1b[A\x1b[A\x1b[B\r', 'first\n');
  sh.input.type('exit\r');
  assert.equal((await sh.proc.exited).exitCode, 0);
});

test('interactive: a finished background job is reported before the next prompt, as ash with job control', async () => {
  const sh = await interactive();
  await waitForOutput(sh.screen, '# ');
  /** Presses Enter until the notice shows (a quick job is reported at the very next prompt, a slow one later). */
  const untilNotice = async (seen: string): Promise<string> => {
    for (let i = 0; i < 100 && !/Done|Killed/.test(seen); i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen += await sh.exchange('\r', '\n/ # ');
    }
    return seen;
  };
  assert.match(await untilNotice(await sh.exchange('wasi-exit 3 >/dev/null &\r', '\n/ # ')), /\[1\]\+ {2}Done\(3\) {20}wasi-exit 3 >\/dev\/null\n/);
  assert.match(await untilNotice(await sh.exchange('true &\r', '\n/ # ')), /\[1\]\+ {2}Done {23}true\n/);
  await sh.exchange('wasi-spin >/dev/null &\r', '\n/ # ');
  assert.match(await sh.exchange('jobs\r', '\n/ # '), /\[1\]\+ {2}Running {20}wasi-spin >\/dev\/null\n/);
  assert.match(await untilNotice(await sh.exchange('kill -9 $!\r', '\n/ # ')), /\[1\]\+ {2}Killed {21}wasi-spin >\/dev\/null\n/);
  sh.input.type('exit\r');
  assert.equal((await sh.proc.exited).exitCode, 0);
});

test('interactive: editing moves over whole UTF-8 characters', async () => {
  const sh = await interactive();
  await waitForOutput(sh.screen, '# ');
  // "héllo" with the cursor moved left over "llo" and "é" deleted by backspace
  await sh.exchange('echo h\u00e9llo\x1b[D\x1b[D\x1b[D\x7fe\r', 'hello\n');
  // ctrl-B/ctrl-F and Delete on a 3-byte character
  await sh.exchange('echo a\u20acb\x02\x02\x1b[3~\r', 'ab\n');
  sh.input.type('exit\r');
  assert.equal((await sh.proc.exited).exitCode, 0);
});

test('interactive: ctrl-C abandons the line, ctrl-D on an empty line exits, PS2 continues a command', async () => {
  const sh = await interactive();
  await waitForOutput(sh.screen, '# ');
  const cancelled = await sh.exchange('echo never\x03', '^C\r\n/ # ');
  assert.doesNotMatch(cancelled, /never\r\n/);
  const cont = await sh.exchange('if true\r', '> ');
  assert.match(cont, /> $/);
  await sh.exchange('then echo continued; fi\r', 'continued\n');
  await sh.exchange('echo "$?"\r', '0\n');
  sh.input.type('\x04');
  assert.equal((await sh.proc.exited).exitCode, 0);
});

test('interactive: a syntax error or a failing command does not end the shell; SIGINT and SIGTERM are ignored at the prompt', async () => {
  const sh = await interactive();
  await waitForOutput(sh.screen, '# ');
  const err = await sh.exchange('fi\r', '/ # ');
  assert.match(err, /sh: syntax error: unexpected "fi"/);
  await sh.exchange('nonexistent_cmd\r', 'not found');
  await sh.exchange('echo status=$?\r', 'status=127');
  kernel.signal(sh.proc, SIG.TERM, null);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(sh.proc.alive, true, 'SIGTERM is ignored');
  kernel.signal(sh.proc, SIG.INT, null);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(sh.proc.alive, true, 'SIGINT is ignored');
  await sh.exchange('echo $-\r', 'i');
  sh.input.type('exit\r');
  assert.equal((await sh.proc.exited).exitCode, 0);
});

test('interactive: ctrl-C (SIGINT to the shell) stops the foreground command and returns to the prompt', async () => {
  const sh = await interactive();
  await waitForOutput(sh.screen, '# ');
  await sh.exchange('wasi-spin\r', 'spinning');
  const before = sh.screen.text().length;
  kernel.signal(sh.proc, SIG.INT, null);
  while (!sh.screen.text().slice(before).includes('# ')) await new Promise((r) => setTimeout(r, 5));
  await sh.exchange('echo status=$?\r', 'status=130');
  sh.input.type('exit\r');
  assert.equal((await sh.proc.exited).exitCode, 0);
});

test('interactive: ctrl-C stops a loop of builtins (no system calls), and a trap in a script runs while it loops', async () => {
  const sh = await interactive();
  await waitForOutput(sh.screen, '# ');
  sh.input.type('while :; do :; done; echo after-loop\r');
  await new Promise((r) => setTimeout(r, 50));
  const before = sh.screen.text().length;
  kernel.signal(sh.proc, SIG.INT, null);
  const deadline = Date.now() + 10_000;
  while (!sh.screen.text().slice(before).includes('# ') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.ok(sh.screen.text().slice(before).includes('# '), 'back at the prompt');
  assert.doesNotMatch(sh.screen.text().slice(before), /after-loop/, 'the rest of the line is abandoned, as in ash');
  await sh.exchange('echo status=$?\r', 'status=130');
  sh.input.type('exit\r');
  assert.equal((await sh.proc.exited).exitCode, 0);

  const script = await start(kernel, '/bin/sh', ['-c', 'trap "echo trapped; exit 5" USR1; echo looping; while :; do :; done'], { mounts: shSandbox(bin.dir) });
  await waitForOutput(script.stdout, 'looping');
  kernel.signal(script.proc, SIG.USR1, null);
  const exit = await Promise.race([script.proc.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the trap never ran')), 10_000).unref())]);
  assert.equal(script.stdout.text(), 'looping\ntrapped\n');
  assert.equal(exit.exitCode, 5);
});

test('interactive without a terminal (sh -i): prompts on stdout, job control notice on stderr', async () => {
  const r = await runSh(kernel, bin.dir, ['-i'], { stdin: new FixedInput('echo hi; echo $-\n') });
  assert.equal(r.stdout, '/ # hi\nsi\n/ # ');
  assert.equal(r.stderr, "sh: can't access tty; job control turned off\n");
});

test('a script dies of SIGINT (default action), even while computing', async () => {
  const stdout = new CaptureOutput();
  const proc = await kernel.spawn({
    path: '/bin/sh',
    args: ['sh', '-c', 'echo started; while :; do :; done'],
    env: ['PATH=/bin'],
    mounts: shSandbox(bin.dir),
    stdio: [new HostInputDescription(new FixedInput('')), new HostOutputDescription(stdout), new HostOutputDescription(new CaptureOutput())],
  });
  await waitForOutput(stdout, 'started');
  kernel.signal(proc, SIG.INT, null);
  const exit = await proc.exited;
  assert.equal(exit.signal, SIG.INT);
  assert.equal(exit.exitCode, 130);
});

test('a trapped TERM runs its action after the foreground command, and wait is interrupted by it', async () => {
  const stdout = new CaptureOutput();
  const proc = await kernel.spawn({
    path: '/bin/sh',
    args: ['sh', '-c', 'trap "echo got-term; exit 4" TERM; echo ready; while :; do wasi-exit 0 >/dev/null; done'],
    env: ['PATH=/bin'],
    mounts: shSandbox(bin.dir),
    stdio: [new HostInputDescription(new FixedInput('')), new HostOutputDescription(stdout), new HostOutputDescription(new CaptureOutput())],
  });
  await waitForOutput(stdout, 'ready');
  kernel.signal(proc, SIG.TERM, null);
  const exit = await proc.exited;
  assert.equal(stdout.text(), 'ready\ngot-term\n');
  assert.equal(exit.exitCode, 4);
});

test('a child shell receives variables (exported or not), functions, positional parameters, options, $? and ignored traps', async () => {
  const script = [
    'f() { echo "f:$1:$x"; }',
    'x=local-only; export e=exported; set -- p1 "p 2"; set -u',
    "trap '' USR1; false",
    '( echo "status=$?"; f arg; echo "$e $# $2"; case $- in *u*) echo nounset;; esac; trap; kill -USR1 $$ 2>/dev/null; echo survived-usr1 )',
    'echo | { read _; echo "pipe sees $x and $(f inner)"; }',
  ].join('\n');
  const r = await runSh(kernel, bin.dir, ['-c', script]);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, "status=1\nf:arg:local-only\nexported 2 p 2\nnounset\ntrap -- '' USR1\nsurvived-usr1\npipe sees local-only and f:inner:local-only\n");
});

test('a heredoc larger than a pipe is fed by a child shell; a reader that stops early does not hang the shell', async () => {
  const line = 'x'.repeat(99) + '\n';
  const body = line.repeat(2000); // 200 KB
  const r = await runSh(kernel, bin.dir, ['-c', `wasi-cat <<'EOF' | wasi-wc\n${body}EOF\ntrue <<EOF\n${body}EOF\necho done`]);
  assert.match(r.stdout, /2000 200000/);
  assert.match(r.stdout, /done\n$/);
});

test('PATH lookup: not found is 127, a non-executable file is 126', async () => {
  const r = await runSh(kernel, bin.dir, [
    '-c',
    'PATH=/nonexistent; wasi-exit 1; echo $?; PATH=/bin; /bin/nope; echo $?; echo "echo from-script" > /tmp/s; /tmp/s; echo $?',
  ]);
  assert.equal(r.stdout, '127\n127\n126\n');
  assert.equal(r.stderr, 'sh: wasi-exit: not found\nsh: /bin/nope: not found\nsh: /tmp/s: Permission denied\n');
});

test('an executable script without #! runs under sh, with its arguments', { skip: !bin.busybox && !process.env.CI ? 'needs the busybox chmod applet' : false }, async () => {
  const r = await runSh(kernel, bin.dir, ['-c', 'printf \'echo "from-script $0 $1"\\nexit 6\\n\' > /tmp/s; chmod +x /tmp/s; /tmp/s arg; echo $?']);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'from-script /tmp/s arg\n6\n');
});

test('sh -c execs its last external command (no extra process), and exec replaces the shell', async () => {
  const r = await runSh(kernel, bin.dir, ['-c', 'echo $$; exec wasi-args-env one']);
  const [pid] = r.stdout.split('\n');
  assert.match(r.stdout, /argv\[0\]=wasi-args-env\nargv\[1\]=one\n/);
  assert.equal(Number(pid), r.proc.pidIn(r.proc.pidns));
  const last = await runSh(kernel, bin.dir, ['-c', 'wasi-exit 5']);
  assert.equal(last.exit.exitCode, 5);
  assert.equal(last.stdout, 'exiting with 5\n');
});

test('background jobs: $! and wait report their status; a job killed by a signal is 128+N', async () => {
  const r = await runSh(kernel, bin.dir, ['-c', 'wasi-exit 3 >/dev/null & p=$!; wait $p; echo $?; sh -c "kill -9 \\$\\$" & wait $!; echo $?']);
  assert.equal(r.stdout, '3\n137\n');
});

test('read -t gives up with status 1 when no input comes in time', async () => {
  const r = await runSh(kernel, bin.dir, ['-c', 'read -t 0.2 x; echo "rc=$? [$x]"'], { stdin: new FixedInput('', true) });
  assert.equal(r.stdout, 'rc=1 []\n');
  const ok = await runSh(kernel, bin.dir, ['-c', 'read -t 5 x; echo "rc=$? [$x]"'], { stdin: new FixedInput('ab\n', true) });
  assert.equal(ok.stdout, 'rc=0 [ab]\n');
});
