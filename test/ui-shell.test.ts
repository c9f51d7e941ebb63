/**
 * The terminal's host shell without a browser: command-line parsing and
 * expansion ($?, $(...), quoting, && ||), the line editor's keys and the
 * escape sequences it draws with (checked on a small screen model), the
 * cooked line discipline, and the shell running docker commands over an
 * in-process engine.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { CookedInput } from '../src/ui/shell/cooked-input.ts';
import { HostShell } from '../src/ui/shell/host-shell.ts';
import { LineEditor } from '../src/ui/shell/line-editor.ts';
import { expandWords, parseCommandLine, ShellSyntaxError } from '../src/ui/shell/parse.ts';
import { MemoryWorkspace } from '../src/ui/docker-cli/workspace.ts';
import { startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';
import { captureStreams, ourCli } from './ui-harness.ts';

async function words(line: string, status = 0, substitute = async (s: string) => `<${s}>`): Promise<string[][]> {
  const out: string[][] = [];
  for (const item of parseCommandLine(line)) out.push(await expandWords(item.words, status, substitute));
  return out;
}

test('parsing: quotes, escapes, comments, $?, lists', async () => {
  assert.deepEqual(await words(`docker run busybox sh -c 'echo "a b"; exit 3'`), [['docker', 'run', 'busybox', 'sh', '-c', 'echo "a b"; exit 3']]);
  assert.deepEqual(await words(`echo "x $? y" a\\ b '' # comment`, 7), [['echo', 'x 7 y', 'a b', '']]);
  assert.deepEqual(await words('echo $?', 130), [['echo', '130']]);
  assert.deepEqual(
    parseCommandLine('a; b && c || d').map((i) => i.connector),
    [';', ';', '&&', '||'],
  );
  for (const bad of ["echo 'unterminated", 'echo "x', '&& a', 'a &&', 'echo $(x', 'a | b', 'a > f']) {
    assert.throws(() => parseCommandLine(bad), ShellSyntaxError, bad);
  }
});

test('command substitution: unquoted results split into words, quoted ones stay whole', async () => {
  const sub = async () => 'id1\nid2\n';
  assert.deepEqual(await words('docker rm -f $(docker ps -aq)', 0, sub), [['docker', 'rm', '-f', 'id1', 'id2']]);
  assert.deepEqual(await words('echo "$(x)"', 0, sub), [['echo', 'id1\nid2']]);
  assert.deepEqual(await words('echo pre$(x)post', 0, async () => 'a b'), [['echo', 'prea', 'bpost']]);
  assert.deepEqual(await words('echo $(x)', 0, async () => ''), [['echo']]);
});

/** A minimal terminal screen: enough of VT100 to check what the line editor draws. */
class Screen {
  rows: string[] = [''];
  row = 0;
  col = 0;
  constructor(readonly cols: number) {}
  write(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '\x1b') {
        const m = /^\x1b\[(\d*)([ABCDJK])/.exec(text.slice(i))!;
        const n = Number(m[1] || '1');
        if (m[2] === 'A') this.row = Math.max(0, this.row - n);
        if (m[2] === 'B') this.row += n;
        if (m[2] === 'C') this.col = Math.min(this.cols - 1, this.col + n);
        if (m[2] === 'D') this.col = Math.max(0, this.col - n);
        if (m[2] === 'J') {
          this.line(this.row);
          this.rows[this.row] = this.rows[this.row]!.slice(0, this.col);
          this.rows.length = this.row + 1;
        }
        if (m[2] === 'K') this.rows[this.row] = this.line(this.row).slice(0, this.col);
        i += m[0].length - 1;
      } else if (ch === '\r') this.col = 0;
      else if (ch === '\n') this.row++;
      else {
        if (this.col >= this.cols) {
          this.row++;
          this.col = 0;
        }
        const line = this.line(this.row).padEnd(this.col, ' ');
        this.rows[this.row] = line.slice(0, this.col) + ch + line.slice(this.col + 1);
        this.col++;
      }
    }
  }
  line(row: number): string {
    while (this.rows.length <= row) this.rows.push('');
    return this.rows[row]!;
  }
  text(): string {
    return this.rows.join('\n');
  }
}

test('line editor: typing, cursor keys, deletion, kill keys, history, wrapped lines drawn correctly', () => {
  const screen = new Screen(20);
  const editor = new LineEditor((t) => screen.write(t), () => 20);
  editor.start();
  editor.feed('docker ps');
  assert.equal(screen.text(), '$ docker ps');
  editor.feed('\x1b[D\x1b[D-a \x1b[F');
  assert.equal(editor.line, 'docker -a ps');
  editor.feed('\x01X\x05Y');
  assert.equal(editor.line, 'Xdocker -a psY');
  editor.feed('\x7f\x01\x1b[3~');
  assert.equal(editor.line, 'docker -a ps');
  editor.feed('\x05\x17');
  assert.equal(editor.line, 'docker -a ');
  assert.equal(screen.text(), '$ docker -a ');
  editor.feed('\x15');
  assert.equal(editor.line, '');
  // A line longer than the screen wraps and is redrawn in place.
  editor.feed('docker run --rm busybox echo hi');
  assert.deepEqual(screen.rows, ['$ docker run --rm bu', 'sybox echo hi']);
  editor.feed('\x01');
  assert.equal([screen.row, screen.col].join(','), '0,2');
  editor.feed('\x05');
  assert.equal([screen.row, screen.col].join(','), '1,13');
  const events = editor.feed('\r');
  assert.deepEqual(events, [{ kind: 'submit', line: 'docker run --rm busybox echo hi' }]);
  editor.start();
  editor.feed('second\r');
  editor.start();
  editor.feed('draft\x1b[A');
  assert.equal(editor.line, 'second');
  editor.feed('\x1b[A');
  assert.equal(editor.line, 'docker run --rm busybox echo hi');
  editor.feed('\x1b[B\x1b[B');
  assert.equal(editor.line, 'draft');
  assert.deepEqual(editor.feed('\x03'), [{ kind: 'interrupt' }]);
  assert.equal(editor.line, '');
  assert.deepEqual(editor.feed('a\tb'), [{ kind: 'complete', line: 'a', cursor: 1 }]);
  assert.deepEqual(editor.feed('\x0c'), [{ kind: 'clear-screen' }]);
  editor.setLine('');
  assert.deepEqual(editor.feed('\x04'), [{ kind: 'eof' }]);
  // A paste of two lines submits both.
  editor.start();
  assert.deepEqual(
    editor.feed('echo 1\recho 2\r').map((e) => e.kind === 'submit' && e.line),
    ['echo 1', 'echo 2'],
  );
  assert.deepEqual(editor.entries().slice(-2), ['echo 1', 'echo 2']);
});

test('cooked input: echo, backspace, lines, Ctrl-D and Ctrl-C', async () => {
  let echoed = '';
  let interrupts = 0;
  const input = new CookedInput(
    (t) => (echoed += t),
    () => interrupts++,
  );
  input.feed('hellx\x7fo\r');
  assert.equal(new TextDecoder().decode((await input.read())!), 'hello\n');
  assert.equal(echoed, 'hellx\b \bo\r\n');
  const pending = input.read();
  input.feed('partial\x04');
  assert.equal(new TextDecoder().decode((await pending)!), 'partial');
  input.feed('\x03');
  assert.equal(interrupts, 1);
  input.feed('\x04');
  assert.equal(await input.read(), null);
});

let t: TestEngine;
before(async () => {
  t = await startTestEngine();
});
after(() => t?.close());

test('the host shell runs docker commands, builtins and $?, and reports what it cannot do', async () => {
  const workspace = new MemoryWorkspace({ Dockerfile: 'FROM busybox\n', 'app/run.sh': 'echo hi\n' });
  let cleared = 0;
  const shell = new HostShell({ docker: ourCli(t, workspace), clear: () => cleared++, history: () => ['docker ps'] });
  const run = async (line: string) => {
    const capture = captureStreams();
    const status = await shell.execute(line, capture.streams);
    return { status, ...capture.result() };
  };
  assert.deepEqual(await run('docker run --rm busybox echo hello'), { status: 0, stdout: 'hello\n', stderr: '' });
  assert.deepEqual(await run("docker run --rm busybox sh -c 'exit 3'; echo status $?"), { status: 0, stdout: 'status 3\n', stderr: '' });
  assert.deepEqual(await run('docker run --rm busybox false && echo no || echo yes'), { status: 0, stdout: 'yes\n', stderr: '' });
  assert.deepEqual(await run('docker create --name sub1 busybox && docker create --name sub2 busybox > /dev/null'), {
    status: 2,
    stdout: '',
    stderr: 'sh: redirections are not supported at this prompt (only docker commands run here)\n',
  });
  await run('docker create --name sub1 busybox');
  await run('docker create --name sub2 busybox');
  const removed = await run('docker rm $(docker ps -aq --filter name=sub)');
  assert.equal(removed.status, 0);
  assert.equal(removed.stdout.trim().split('\n').length, 2);
  assert.deepEqual(await run('ls'), { status: 0, stdout: 'Dockerfile  app/\n', stderr: '' });
  assert.deepEqual(await run('cat Dockerfile app/run.sh'), { status: 0, stdout: 'FROM busybox\necho hi\n', stderr: '' });
  assert.deepEqual(await run('cat nope'), { status: 1, stdout: '', stderr: 'cat: nope: No such file or directory\n' });
  assert.deepEqual(await run('ls ../..'), { status: 1, stdout: '', stderr: 'ls: ../..: No such file or directory\n' });
  assert.deepEqual(await run('kubectl get pods'), { status: 127, stdout: '', stderr: 'sh: kubectl: command not found (this prompt runs docker commands; try "help")\n' });
  assert.deepEqual(await run('history'), { status: 0, stdout: '    1  docker ps\n', stderr: '' });
  assert.equal((await run('clear')).status, 0);
  assert.equal(cleared, 1);
  assert.match((await run('help')).stdout, /docker \.\.\. +run a docker command/);
  assert.deepEqual(shell.complete('do'), ['docker']);
  assert.deepEqual(shell.complete('docker vol'), ['volume']);
  assert.deepEqual(await run("echo 'unterminated"), { status: 2, stdout: '', stderr: "sh: unexpected EOF while looking for matching `''\n" });
});
