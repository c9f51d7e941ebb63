/** The real docker CLI driving containers on the engine (run, logs, ps, exec, stop, rm, cp, ...). */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { dockerSkip, startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';

let t: TestEngine;
before(async () => {
  if (!dockerSkip) t = await startTestEngine();
});
after(() => t?.close());

test('docker run --rm busybox echo hello', { skip: dockerSkip }, async () => {
  const r = await t.docker(['run', '--rm', 'busybox', 'echo', 'hello']);
  assert.deepEqual(r, { stdout: 'hello\n', stderr: '', code: 0 });
});

test('docker run hello-world', { skip: dockerSkip }, async () => {
  const r = await t.docker(['run', '--rm', 'hello-world']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^\nHello from Drydock!\n/);
});

test('exit status, stdout and stderr of a container; logs, ps -a and rm afterwards', { skip: dockerSkip }, async () => {
  const r = await t.docker(['run', '--name', 'tt', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.deepEqual(r, { stdout: 'out\n', stderr: 'err\n', code: 3 });
  const logs = await t.docker(['logs', 'tt']);
  assert.deepEqual(logs, { stdout: 'out\n', stderr: 'err\n', code: 0 });
  const ps = await t.docker(['ps', '-a', '--format', '{{.Names}} {{.Status}} {{.Command}}']);
  assert.match(ps.stdout, /^tt Exited \(3\) (Less than a second|\d+ seconds?) ago "sh -c 'echo out; ec…"$/m);
  assert.equal((await t.docker(['rm', 'tt'])).stdout, 'tt\n');
  const again = await t.docker(['rm', 'tt']);
  assert.equal(again.code, 1);
  assert.equal(again.stderr, 'Error response from daemon: No such container: tt\n');
});

test('stdin with -i', { skip: dockerSkip }, async () => {
  const r = await t.docker(['run', '-i', '--rm', 'busybox', 'sh', '-c', 'read line; echo "got $line"; cat'], { input: 'first\nsecond\n' });
  assert.deepEqual(r, { stdout: 'got first\nsecond\n', stderr: '', code: 0 });
});

test('detached container: ps, exec, top, stop (SIGKILL after the timeout for an init without a handler)', { skip: dockerSkip }, async () => {
  const run = await t.docker(['run', '-d', '--name', 'sleeper', 'drydock-test', 'sig', 'sleep']);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^[0-9a-f]{64}\n$/);
  const ps = await t.docker(['ps', '--format', '{{.Names}} {{.Status}}']);
  assert.match(ps.stdout, /^sleeper Up /m);
  const exec = await t.docker(['exec', 'sleeper', 'sh', '-c', 'echo inside; echo $HOSTNAME']);
  assert.equal(exec.stdout, `inside\n${run.stdout.slice(0, 12)}\n`);
  const failing = await t.docker(['exec', 'sleeper', 'sh', '-c', 'exit 5']);
  assert.equal(failing.code, 5);
  const top = await t.docker(['top', 'sleeper']);
  // C is the lifetime CPU percent: a sleeper's start-up counts, more so on a loaded machine (so any number).
  assert.match(top.stdout, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD\nroot\s+\d+\s+0\s+\d+\s+\S+\s+\?\s+\S+\s+sig sleep\n$/);
  const stop = await t.docker(['stop', '-t', '1', 'sleeper']);
  assert.equal(stop.stdout, 'sleeper\n');
  const code = await t.docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'sleeper']);
  assert.equal(code.stdout, 'exited 137\n');
  await t.docker(['rm', 'sleeper']);
});

test('names: too short, conflicts, rename', { skip: dockerSkip }, async () => {
  const short = await t.docker(['create', '--name', 't', 'busybox']);
  assert.equal(short.code, 1);
  assert.match(short.stderr, /Invalid container name \(t\), only \[a-zA-Z0-9\]\[a-zA-Z0-9_.-\] are allowed/);
  const first = await t.docker(['create', '--name', 'dup', 'busybox']);
  assert.equal(first.code, 0);
  const second = await t.docker(['create', '--name', 'dup', 'busybox']);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /Conflict\. The container name "\/dup" is already in use by container "[0-9a-f]{64}"/);
  assert.equal((await t.docker(['rename', 'dup', 'dup2'])).code, 0);
  assert.equal((await t.docker(['rm', 'dup2'])).stdout, 'dup2\n');
});

test('a missing executable fails like runc (exit 127)', { skip: dockerSkip }, async () => {
  const r = await t.docker(['run', '--rm', 'busybox', 'nosuchcmd']);
  assert.equal(r.code, 127);
  assert.match(r.stderr, /exec: "nosuchcmd": executable file not found in \$PATH/);
});

test('docker cp out of and into a container, and docker diff', { skip: dockerSkip }, async () => {
  await t.docker(['run', '--name', 'cpc', 'busybox', 'sh', '-c', 'echo data > /tmp/file; mkdir /work']);
  const out = await t.docker(['cp', 'cpc:/tmp/file', '-']);
  assert.equal(out.code, 0);
  // A tar with one entry named "file" holding "data\n".
  assert.match(out.stdout, /(^|\/)file\0/);
  assert.match(out.stdout, /data\n/);
  const diff = await t.docker(['diff', 'cpc']);
  assert.deepEqual(diff.stdout.trim().split('\n').sort(), ['A /tmp/file', 'A /work', 'C /tmp'].sort());
  await t.docker(['rm', 'cpc']);
});

/** Runs the docker CLI on a pseudo-terminal (util-linux `script`), typing `keys` with pauses, as a user would. */
async function onTerminal(args: string[], keys: string[]): Promise<{ output: string; code: number }> {
  const { spawn } = await import('node:child_process');
  const command = ['docker', ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { ...process.env, DOCKER_HOST: `unix://${t.socket}`, TERM: 'xterm' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  for (const key of keys) {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.stdin.write(key);
  }
  const code = await exited;
  return { output, code };
}

test('docker run -it: a shell on a TTY (prompt, echo, CRLF output, exit status)', { skip: dockerSkip }, async () => {
  const r = await onTerminal(['run', '-it', '--rm', 'busybox', 'sh'], ['echo hello from tty\n', 'exit 7\n']);
  assert.equal(r.code, 7);
  // Exactly one CR LF per line, as with busybox ash on dockerd.
  assert.match(r.output, /\/ # echo hello from tty\r\nhello from tty\r\n\/ # exit 7\r\n/);
});

test('docker run -it: Ctrl-C interrupts the foreground command, not the shell', { skip: dockerSkip }, async () => {
  const r = await onTerminal(['run', '-it', '--rm', 'drydock-test', 'sh'], ['sig sleep\n', '\x03', 'echo status $?\n', 'exit\n']);
  assert.equal(r.code, 0);
  assert.match(r.output, /sleeping\r\n/);
  // As on dockerd: the terminal echoes ^C, ash ends that line once, then the prompt.
  assert.match(r.output, /\^C\r\n\/ # echo status \$\?\r\nstatus 130\r\n/);
});

test('the terminal devices as runc makes them: /dev/pts/0 and /dev/console with -t, only ptmx without', { skip: dockerSkip }, async () => {
  const script = 'tty; ls -l /dev/console /dev/ptmx; ls -l /dev/pts; readlink /proc/self/fd/0';
  const undated = (text: string) => text.replace(/ [A-Z][a-z]{2} [ \d]\d \d\d:\d\d /g, ' DATE ');
  const withTty = await t.docker(['run', '--rm', '-t', 'busybox', 'sh', '-c', script]);
  assert.equal(
    undated(withTty.stdout),
    '/dev/pts/0\r\n' +
      'crw--w----    1 root     tty       136,   0 DATE /dev/console\r\n' +
      'lrwxrwxrwx    1 root     root             8 DATE /dev/ptmx -> pts/ptmx\r\n' +
      'total 0\r\n' +
      'crw--w----    1 root     tty       136,   0 DATE 0\r\n' +
      'crw-rw-rw-    1 root     root        5,   2 DATE ptmx\r\n' +
      '/dev/pts/0\r\n',
  );
  const without = await t.docker(['run', '--rm', 'busybox', 'sh', '-c', script]);
  assert.equal(
    undated(without.stdout),
    'not a tty\n' +
      'lrwxrwxrwx    1 root     root             8 DATE /dev/ptmx -> pts/ptmx\n' +
      'total 0\n' +
      'crw-rw-rw-    1 root     root        5,   2 DATE ptmx\n' +
      '/dev/null\n',
  );
  assert.equal(without.stderr, 'ls: /dev/console: No such file or directory\n');
});
