/**
 * The docker CLI's formatting rules reimplemented for the in-browser
 * command: go-units sizes and durations, Go's %g, tabwriter, Ellipsis and
 * strconv.Quote, Go templates, pflag parsing and help layout. Expected
 * values come from the Go implementations (go-units, text/tabwriter,
 * text/template) and from the real CLI's output.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { checkArgs, commandHelp, parseFlags, UsageError } from '../src/ui/docker-cli/flags.ts';
import type { CommandSpec } from '../src/ui/docker-cli/flags.ts';
import { goJson, indentJson } from '../src/ui/docker-cli/format/go-json.ts';
import { renderList } from '../src/ui/docker-cli/format/list.ts';
import { tabwrite } from '../src/ui/docker-cli/format/tabwriter.ts';
import { GoTemplate, GoZero, STRUCT_TYPE, TemplateError } from '../src/ui/docker-cli/format/template.ts';
import { ellipsis, goQuote, truncateId } from '../src/ui/docker-cli/format/text.ts';
import { bytesSize, formatG, humanDuration, humanSize, humanSizeWithPrecision } from '../src/ui/docker-cli/format/units.ts';
import { displayablePorts } from '../src/ui/docker-cli/commands/ps.ts';
import { parsePublish, ramInBytes } from '../src/ui/docker-cli/commands/container-options.ts';
import { parseReference, withDefaultTag } from '../src/ui/docker-cli/reference.ts';
import { readTar, writeTar } from '../src/ui/docker-cli/tar.ts';
import { MemoryWorkspace, normalizePath } from '../src/ui/docker-cli/workspace.ts';

test("Go's %g: precision, trailing zeros, exponent form, ties to even", () => {
  assert.equal(formatG(4.27, 3), '4.27');
  assert.equal(formatG(1, 3), '1');
  assert.equal(formatG(100, 3), '100');
  assert.equal(formatG(1.125, 3), '1.12'); // exactly representable tie: to even
  assert.equal(formatG(1.35, 2), '1.4'); // 1.35 is slightly above the tie in binary
  assert.equal(formatG(999.5, 3), '1e+03');
  assert.equal(formatG(123456, 3), '1.23e+05');
  assert.equal(formatG(0.0001234, 3), '0.000123');
  assert.equal(formatG(0.00001234, 3), '1.23e-05');
  assert.equal(formatG(0, 3), '0');
});

test('go-units sizes as docker prints them', () => {
  assert.equal(humanSizeWithPrecision(5270, 3), '5.27kB');
  assert.equal(humanSizeWithPrecision(395100, 3), '395kB');
  assert.equal(humanSizeWithPrecision(1982263, 3), '1.98MB');
  assert.equal(humanSizeWithPrecision(0, 3), '0B');
  assert.equal(humanSize(1982263), '1.982MB');
  assert.equal(humanSize(4096), '4.096kB');
  assert.equal(bytesSize(319488), '312KiB');
  assert.equal(bytesSize(1966080), '1.875MiB');
  assert.equal(bytesSize(4 * 1024 ** 3), '4GiB');
  assert.equal(bytesSize(25275996160), '23.54GiB');
});

test('go-units HumanDuration', () => {
  assert.equal(humanDuration(500), 'Less than a second');
  assert.equal(humanDuration(1000), '1 second');
  assert.equal(humanDuration(59_999), '59 seconds');
  assert.equal(humanDuration(60_000), 'About a minute');
  assert.equal(humanDuration(119_999), 'About a minute');
  assert.equal(humanDuration(120_000), '2 minutes');
  assert.equal(humanDuration(3600_000 * 0.9), '54 minutes');
  assert.equal(humanDuration(3600_000 * 1.2), 'About an hour');
  assert.equal(humanDuration(3600_000 * 3), '3 hours');
  assert.equal(humanDuration(3600_000 * 24 * 3), '3 days');
  assert.equal(humanDuration(3600_000 * 24 * 20), '2 weeks');
  assert.equal(humanDuration(3600_000 * 24 * 700), '23 months');
  assert.equal(humanDuration(3600_000 * 24 * 365 * 3), '3 years');
});

test('tabwriter: min width 10, padding 3, last cell not aligned, contiguous column blocks', () => {
  assert.equal(
    tabwrite('CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\tPORTS\tNAMES\n'),
    'CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n',
  );
  assert.equal(tabwrite('a\tb\nlonger text\tc\n'), 'a             b\nlonger text   c\n');
  // Go's example: the b and c cells are in distinct columns because the "a" line breaks the block.
  assert.equal(tabwrite('aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n', { minWidth: 0, padding: 1 }), 'aaaa bbb d\naa   b   dd\na    \naa   cccc eee\n');
  assert.equal(tabwrite('UID\tPID\nroot\t2\n', { minWidth: 20, padding: 3 }), 'UID                 PID\nroot                2\n');
});

test('Ellipsis, strconv.Quote, TruncateID', () => {
  assert.equal(ellipsis("sh -c 'while true; do echo tick; done'", 20), "sh -c 'while true; …");
  assert.equal(ellipsis('short', 20), 'short');
  assert.equal(ellipsis('日本語のテキスト', 5), '日本…');
  assert.equal(goQuote("sh -c 'x'"), `"sh -c 'x'"`);
  assert.equal(goQuote('a"b\\c\n\t\x01é…'), '"a\\"b\\\\c\\n\\t\\x01é…"');
  assert.equal(truncateId('sha256:78357bb848535145a0d6750c0e8e1543729b9d5f6b84731d9b4dfc280a15b387'), '78357bb84853');
});

test('Go JSON: HTML-safe marshal, json.Indent keeps strings and writes {} and []', () => {
  assert.equal(goJson({ a: '<b>&', c: [1, 2] }), '{"a":"\\u003cb\\u003e\\u0026","c":[1,2]}');
  assert.equal(goJson(new GoZero('slice')), 'null');
  assert.equal(indentJson('[{"A":{},"B":[],"C":"x\\u0041, y","D":[1,{"E":null}]}]'), '[\n    {\n        "A": {},\n        "B": [],\n        "C": "x\\u0041, y",\n        "D": [\n            1,\n            {\n                "E": null\n            }\n        ]\n    }\n]');
});

test('Go templates: fields, functions, pipelines, conditions, ranges, Go printing', () => {
  const data = { State: { Status: 'running', Running: true }, Config: { Env: ['A=1', 'B=2'], Labels: { b: '2', a: '1' }, Cmd: null, Entrypoint: new GoZero('slice') }, N: 3 };
  const run = (source: string) => GoTemplate.parse(source).execute(data);
  assert.equal(run('{{.State.Status}}'), 'running');
  assert.equal(run('{{json .Config.Env}}'), '["A=1","B=2"]');
  assert.equal(run('{{.Config.Env}}'), '[A=1 B=2]');
  assert.equal(run('{{.Config.Labels}}'), 'map[a:1 b:2]');
  assert.equal(run('{{.Config.Cmd}} {{.Config.Entrypoint}} {{.Missing}}'), '<nil> [] <no value>');
  assert.equal(run('{{if .State.Running}}up{{else}}down{{end}}'), 'up');
  assert.equal(run('{{range .Config.Env}}[{{.}}]{{end}}'), '[A=1][B=2]');
  assert.equal(run('{{index .Config.Env 1}} {{len .Config.Env}} {{index .Config.Labels "a"}}'), 'B=2 2 1');
  assert.equal(run('{{.State.Status | upper}} {{join .Config.Env ","}} {{printf "%s-%d" .State.Status .N}}'), 'RUNNING A=1,B=2 running-3');
  assert.equal(run('{{with .State}}{{.Status}}{{end}} {{eq .N 3}} {{lt 1 2}}'), 'running true true');
  assert.equal(run('a {{- " b " -}} c'), 'a b c');
  assert.throws(() => GoTemplate.parse('{{nofunc .}}'), (e: unknown) => e instanceof TemplateError && e.message === 'template: :1: function "nofunc" not defined');
  assert.throws(() => GoTemplate.parse('{{'), (e: unknown) => e instanceof TemplateError && e.message === 'template: :1: unclosed action');
  assert.throws(
    () => GoTemplate.parse('{{.State.Foo}}').execute(data, undefined, { missingKey: 'error' }),
    (e: unknown) => e instanceof TemplateError && e.message === 'template: :1:8: executing "" at <.State.Foo>: map has no entry for key "Foo"',
  );
  const row = { [STRUCT_TYPE]: '*formatter.ContainerContext', ID: 'x' };
  assert.throws(() => GoTemplate.parse('{{.Nope}}').execute(row), (e: unknown) => e instanceof TemplateError && /can't evaluate field Nope in type \*formatter.ContainerContext/.test(e.message));
});

test('lists: table header from the column titles, custom templates, json', () => {
  const spec = { format: '', defaultTable: 'table {{.A}}\t{{.B}}', headers: { A: 'FIRST', B: 'SECOND' } };
  const items = [
    { A: 'x', B: 'y' },
    { A: 'a longer value', B: 'z' },
  ];
  assert.equal(renderList(spec, items), 'FIRST            SECOND\nx                y\na longer value   z\n');
  assert.equal(renderList({ ...spec, format: '{{.B}}:{{.A}}' }, items), 'y:x\nz:a longer value\n');
  assert.equal(renderList({ ...spec, format: 'table {{.B}}' }, items), 'SECOND\ny\nz\n');
  assert.equal(renderList({ ...spec, format: 'json' }, items), '{"A":"x","B":"y"}\n{"A":"a longer value","B":"z"}\n');
  assert.equal(renderList({ ...spec, quiet: true }, [{ ID: '1' }, { ID: '2' }]), '1\n2\n');
});

const spec: CommandSpec = {
  path: 'run',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  short: 'Create and run a new container from an image',
  aliases: 'docker container run, docker run',
  stopAtFirstArg: true,
  args: { min: 1 },
  flags: [
    { name: 'detach', short: 'd', type: 'bool', help: 'Run container in background and print container ID' },
    { name: 'env', short: 'e', type: 'list', help: 'Set environment variables' },
    { name: 'interactive', short: 'i', type: 'bool', help: 'Keep STDIN open even if not attached' },
    { name: 'tty', short: 't', type: 'bool', help: 'Allocate a pseudo-TTY' },
    { name: 'publish', short: 'p', type: 'list', help: "Publish a container's port(s) to the host" },
    { name: 'hostname', short: 'h', type: 'string', help: 'Container host name' },
    { name: 'restart', type: 'string', help: 'Restart policy to apply when a container exits', defaultValue: 'no' },
    { name: 'stop-timeout', type: 'int', help: 'Timeout (in seconds) to stop a container' },
  ],
};

test('pflag parsing: combined shorthands, values attached or separate, -- and stopping at the image', () => {
  const f = parseFlags(spec, ['-it', '-eA=1', '--env=B=2', '-e', 'C', '-dp', '80:80', 'busybox', 'sh', '-c', 'echo -e x']);
  assert.equal(f.bool('interactive'), true);
  assert.equal(f.bool('tty'), true);
  assert.equal(f.bool('detach'), true);
  assert.deepEqual(f.list('env'), ['A=1', 'B=2', 'C']);
  assert.deepEqual(f.list('publish'), ['80:80']);
  assert.deepEqual(f.args, ['busybox', 'sh', '-c', 'echo -e x']);
  assert.deepEqual(parseFlags(spec, ['--', '-x']).args, ['-x']);
  assert.equal(parseFlags(spec, ['-d=false', 'x']).bool('detach'), false);
  assert.equal(parseFlags(spec, ['--help']).help, true);
  assert.equal(parseFlags(spec, ['-h', 'myhost', 'x']).string('hostname'), 'myhost');
  const errors: [string[], string][] = [
    [['--foo'], 'unknown flag: --foo'],
    [['-x'], "unknown shorthand flag: 'x' in -x"],
    [['-e'], "flag needs an argument: 'e' in -e"],
    [['--env'], 'flag needs an argument: --env'],
    [['-d=x', 'b'], 'invalid argument "x" for "-d, --detach" flag: strconv.ParseBool: parsing "x": invalid syntax'],
    [['--stop-timeout', 'x', 'b'], 'invalid argument "x" for "--stop-timeout" flag: strconv.ParseInt: parsing "x": invalid syntax'],
  ];
  for (const [argv, message] of errors) {
    assert.throws(() => parseFlags(spec, argv), (e: unknown) => e instanceof UsageError && e.message === message, argv.join(' '));
  }
  assert.deepEqual(checkArgs(spec, 0), { message: "'docker run' requires at least 1 argument", see: true });
  assert.deepEqual(checkArgs({ ...spec, path: 'ps', args: { none: true } }, 1), { message: "'docker ps' accepts no arguments", see: false });
  assert.equal(checkArgs({ ...spec, path: 'rename', args: { exact: 2 } }, 1)?.message, "'docker rename' requires 2 arguments");
});

test('help: usage, aliases, options sorted, aligned and wrapped as pflag does', () => {
  const help = commandHelp(spec, 80);
  assert.equal(
    help,
    `Usage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]

Create and run a new container from an image

Aliases:
  docker container run, docker run

Options:
  -d, --detach             Run container in background and print container ID
  -e, --env list           Set environment variables
  -h, --hostname string    Container host name
  -i, --interactive        Keep STDIN open even if not attached
  -p, --publish list       Publish a container's port(s) to the host
      --restart string     Restart policy to apply when a container exits
                           (default "no")
      --stop-timeout int   Timeout (in seconds) to stop a container
  -t, --tty                Allocate a pseudo-TTY
`,
  );
});

test('ports, memory sizes, references', () => {
  assert.equal(
    displayablePorts([
      { PrivatePort: 80, Type: 'tcp' },
      { PrivatePort: 81, Type: 'tcp' },
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { PrivatePort: 53, Type: 'udp' },
    ]),
    '53/udp, 80-81/tcp, 0.0.0.0:8080->80/tcp, [::]:8080->80/tcp',
  );
  assert.deepEqual(parsePublish('127.0.0.1:8080:80/udp'), [{ port: '80/udp', binding: { HostIp: '127.0.0.1', HostPort: '8080' } }]);
  assert.deepEqual(parsePublish('8000-8001:80-81').map((p) => `${p.binding.HostPort}->${p.port}`), ['8000->80/tcp', '8001->81/tcp']);
  // A host range for one container port is the range dockerd allocates from; one host port for a container range is an error.
  assert.deepEqual(parsePublish('8000-8010:80'), [{ port: '80/tcp', binding: { HostIp: '', HostPort: '8000-8010' } }]);
  assert.throws(() => parsePublish('8000:80-81'), /invalid ranges specified for container and host Ports: 80-81 and 8000/);
  assert.throws(() => parsePublish('8000-8002:80-81'), /invalid ranges specified/);
  assert.throws(() => parsePublish('x'), /invalid containerPort: x/);
  assert.equal(ramInBytes('64m'), 64 * 1024 * 1024);
  assert.equal(ramInBytes('1.5g'), 1.5 * 1024 ** 3);
  assert.equal(ramInBytes('100'), 100);
  assert.equal(ramInBytes('x'), null);
  assert.deepEqual(parseReference('busybox'), { familiar: 'busybox', repository: 'docker.io/library/busybox', tag: null, digest: null });
  assert.equal(parseReference('localhost:5000/app:v1')?.repository, 'localhost:5000/app');
  assert.equal(parseReference('Upper'), null);
  assert.equal(withDefaultTag('busybox'), 'busybox:latest');
  assert.equal(withDefaultTag('user/app:1'), 'user/app:1');
});

test('tar: round trip with long names, and hostile paths are confined by the workspace', () => {
  const long = `${'d'.repeat(80)}/${'f'.repeat(60)}`;
  const tar = writeTar([
    { path: 'dir', type: 'dir', mode: 0o755, data: new Uint8Array(0) },
    { path: 'dir/a.txt', type: 'file', mode: 0o644, data: new TextEncoder().encode('hello') },
    { path: long, type: 'file', mode: 0o755, data: new Uint8Array(600).fill(7) },
  ]);
  assert.equal(tar.length % 512, 0);
  const entries = readTar(tar);
  assert.deepEqual(
    entries.map((e) => [e.path, e.type, e.mode, e.data.length]),
    [
      ['dir', 'dir', 0o755, 0],
      ['dir/a.txt', 'file', 0o644, 5],
      [long, 'file', 0o755, 600],
    ],
  );
  assert.throws(() => readTar(tar.subarray(0, 1024 + 100)), /unexpected EOF/);
  assert.equal(normalizePath('./a/../b/'), 'b');
  assert.equal(normalizePath('../etc/passwd'), null);
  assert.equal(normalizePath('a/../../x'), null);
  const ws = new MemoryWorkspace();
  assert.throws(() => ws.write('../escape', new Uint8Array(1)), /invalid path/);
  assert.equal(ws.read('../../etc/passwd'), null);
  ws.write('x/y.txt', new Uint8Array([1]));
  assert.deepEqual(ws.directories(), ['x']);
  assert.equal(ws.isDirectory('x'), true);
});
