/**
 * The host backend (src/backends/host) against the engine it fronts: the
 * real docker CLI runs every case of test/host-backend/cases.json (the
 * dockerd-diff cases are in engine-host-backend-diff.test.ts) once directly
 * against a real dockerd 20.10
 * and once against Drydock's API (createHostEngine served on a unix socket
 * by the Node HTTP transport) in front of that same dockerd. Exit codes,
 * stdout and stderr must be equal after the normalisers of
 * test/helpers/cli-normalise.ts: the client must not be able to tell.
 * Differences that remain are listed with their reason in
 * test/host-backend/known-differences.json; a listed step that agrees fails.
 *
 * Also: `drydock daemon --backend host` (the command), what the transport
 * and the engine say when the real engine cannot be reached, and that
 * EngineSocketTransport is the client's UploadingEngineTransport.
 *
 * Needs root, dockerd and busybox-static; skips without them unless CI is set.
 */
import { strict as assert } from 'node:assert';
import { spawnSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DockerClient } from '../src/engine/client/client.ts';
import type { UploadingEngineTransport } from '../src/engine/client/transport.ts';
import { EngineSocketTransport } from '../src/platform/node/engine-socket-transport.ts';
import { dockerCli } from './helpers/dockerd.ts';
import { describeCliCases, HostBackendPair, hostBackendSkip, label, loadJson, spec, type Case, type KnownDifference } from './helpers/host-backend.ts';

const HOST_CASES = loadJson<Case[]>('host-backend/cases.json');
const ALL_CASES = [...loadJson<Case[]>('dockerd-diff/cases.json'), ...HOST_CASES];
const KNOWN = loadJson<KnownDifference[]>('host-backend/known-differences.json');

test('host-backend/known-differences.json names existing cases and steps, each with a reason', { skip: hostBackendSkip }, () => {
  for (const k of KNOWN) {
    const c = ALL_CASES.find((x) => x.name === k.case);
    assert.ok(c, `known difference for a missing case: ${k.case}`);
    assert.ok(c.steps.some((s) => label(spec(s)) === k.step), `known difference for a missing step: ${k.case} / ${k.step}`);
    assert.match(k.reason, /^(bug|intentional): \S/, `${k.case} / ${k.step}: the reason starts with "bug:" or "intentional:"`);
  }
});

let pair: HostBackendPair | null = null;
before(async () => {
  if (!hostBackendSkip) pair = await HostBackendPair.start();
});
after(async () => {
  await pair?.stop();
});

describeCliCases('docker CLI: dockerd directly and through Drydock with the host backend (host-backend cases)', HOST_CASES, KNOWN, () => pair!);

describe('the host backend beyond the CLI', { skip: hostBackendSkip }, () => {
  test('EngineSocketTransport is an UploadingEngineTransport; uploads stream and the engine answers errors with its message', async () => {
    const transport: UploadingEngineTransport = new EngineSocketTransport(`unix://${pair!.oracle.socket}`);
    const client = new DockerClient(transport);
    try {
      // A streamed upload the real engine rejects early: the error is the engine's, and sending stops.
      let sent = 0;
      async function* endless(): AsyncIterable<Uint8Array> {
        for (;;) {
          sent++;
          yield new Uint8Array(64 * 1024);
          if (sent > 10_000) return;
        }
      }
      await assert.rejects(client.putArchive('dd-nosuch', '/', {}, endless()), { name: 'DockerApiError', message: 'No such container: dd-nosuch' });
      assert.ok(sent < 10_000, `the upload stopped after the engine's answer (${sent} chunks read)`);
      assert.equal((await client.version()).ApiVersion, '1.41');
    } finally {
      (transport as EngineSocketTransport).close();
    }
  });

  test('docker version names Drydock in front of the host engine and keeps the real engine\'s fields', async () => {
    const direct = await pair!.docker('direct', ['version', '--format', '{{json .Server}}']);
    const drydock = await pair!.docker('drydock', ['version', '--format', '{{json .Server}}']);
    type Server = { Version: string; ApiVersion: string; Components: { Name: string; Version: string; Details?: Record<string, string> }[] };
    const real = JSON.parse(direct.stdout) as Server;
    const ours = JSON.parse(drydock.stdout) as Server;
    assert.equal(ours.Version, real.Version);
    assert.equal(ours.ApiVersion, real.ApiVersion);
    assert.deepEqual(ours.Components.slice(0, -1), real.Components);
    const drydockComponent = ours.Components.at(-1)!;
    assert.equal(drydockComponent.Name, 'Drydock');
    assert.deepEqual(drydockComponent.Details, { Backend: 'host', HostEngine: `unix://${pair!.oracle.socket}` });
  });

  test('the API version range is the real engine\'s, clipped to Drydock\'s', async () => {
    const tooNew = await pair!.engine.fetch('http://drydock/v1.47/info');
    assert.equal(tooNew.status, 400);
    assert.match(await tooNew.text(), /client version 1.47 is too new. Maximum supported API version is 1.41/);
    const info = await pair!.engine.fetch('http://drydock/v1.41/info');
    assert.equal(info.status, 200);
    assert.equal(info.headers.get('api-version'), '1.41');
  });

  test('docker cp through the host backend streams both ways, and a hostile tar stays in the container', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dd-host-cp-'));
    try {
      const big = join(dir, 'big');
      spawnSync('sh', ['-c', `head -c 20000000 /dev/urandom > ${big}`]);
      assert.equal((await pair!.docker('drydock', ['create', '--name', 'dd-cpbig', 'busybox', 'true'])).code, 0);
      assert.equal((await pair!.docker('drydock', ['cp', big, 'dd-cpbig:/big'])).code, 0);
      assert.equal((await pair!.docker('drydock', ['cp', 'dd-cpbig:/big', join(dir, 'back')])).code, 0);
      const same = spawnSync('cmp', [big, join(dir, 'back')]);
      assert.equal(same.status, 0, 'the file came back unchanged');
      // A tar whose entry climbs out of the target: the real engine confines it (host files untouched).
      spawnSync('sh', ['-c', `cd ${dir} && mkdir -p evil && echo owned > evil/x && tar --transform 's,^evil/x,../../../../tmp/dd-host-escape,' -cf evil.tar evil/x`]);
      const put = await new DockerClient(new EngineSocketTransport(`unix://${pair!.drydockSocket}`)).putArchive('dd-cpbig', '/tmp', {}, readFileSync(join(dir, 'evil.tar'))).then(
        () => 'ok',
        (error: Error) => error.message,
      );
      assert.equal(put, 'ok');
      assert.equal(spawnSync('test', ['-e', '/tmp/dd-host-escape']).status, 1, 'nothing escaped to the host');
      const diff = await pair!.docker('drydock', ['diff', 'dd-cpbig']);
      assert.match(diff.stdout, /^A \/tmp\/dd-host-escape$/m, 'the entry landed inside the container');
    } finally {
      await pair!.docker('direct', ['rm', '-f', 'dd-cpbig']);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('docker run -it and exec -it on a pseudo-terminal: the same session through Drydock as directly', async () => {
    const direct = await pair!.onTerminal(pair!.oracle.socket, ['run', '-it', '--name', 'dd-tty-run', 'busybox', 'sh'], ['echo hello from tty\n', 'exit 7\n']);
    const drydock = await pair!.onTerminal(pair!.drydockSocket, ['run', '-it', '--name', 'dd-tty-run2', 'busybox', 'sh'], ['echo hello from tty\n', 'exit 7\n']);
    // Debian's busybox sh asks the terminal for the cursor position (ESC [6n) at each prompt; both routes see the same.
    assert.deepEqual(drydock, direct);
    assert.match(drydock.output, /echo hello from tty\r\nhello from tty\r\n/);
    assert.equal(drydock.code, 7);
    await pair!.docker('direct', ['rm', '-f', 'dd-tty-run', 'dd-tty-run2']);
    assert.equal((await pair!.docker('direct', ['run', '-d', '--name', 'dd-tty-exec', 'busybox', 'sleep', '600'])).code, 0);
    try {
      const keys = ['stty size; tty\n', 'exit 3\n'];
      const execDirect = await pair!.onTerminal(pair!.oracle.socket, ['exec', '-it', 'dd-tty-exec', 'sh'], keys);
      const execDrydock = await pair!.onTerminal(pair!.drydockSocket, ['exec', '-it', 'dd-tty-exec', 'sh'], keys);
      assert.deepEqual(execDrydock, execDirect);
      assert.match(execDrydock.output, /\/dev\/pts\/\d+\r\n/);
      assert.equal(execDrydock.code, 3);
    } finally {
      await pair!.docker('direct', ['rm', '-f', 'dd-tty-exec']);
    }
  });

  test('docker attach on a pseudo-terminal: typing reaches the shell, the detach keys leave it running', async () => {
    for (const name of ['dd-att-direct', 'dd-att-drydock']) assert.equal((await pair!.docker('direct', ['run', '-dit', '--name', name, 'busybox', 'sh'])).code, 0);
    try {
      const keys = ['echo typed through attach\n', '\x10\x11'];
      const direct = await pair!.onTerminal(pair!.oracle.socket, ['attach', 'dd-att-direct'], keys);
      const drydock = await pair!.onTerminal(pair!.drydockSocket, ['attach', 'dd-att-drydock'], keys);
      assert.deepEqual(drydock, direct);
      assert.match(drydock.output, /typed through attach\r\n/);
      // The CLI leaves on the detach keys (exit 1 from CLI 28 on both routes); the container keeps running.
      const state = await pair!.docker('direct', ['inspect', '--format', '{{.State.Running}}', 'dd-att-drydock']);
      assert.equal(state.stdout, 'true\n');
    } finally {
      await pair!.docker('direct', ['rm', '-f', 'dd-att-direct', 'dd-att-drydock']);
    }
  });

  test('logs -f and events stop when the client goes away; the real engine keeps no stream open', async () => {
    assert.equal((await pair!.docker('drydock', ['run', '-d', '--name', 'dd-follow', 'busybox', 'sh', '-c', 'while :; do echo tick; sleep 0.2; done'])).code, 0);
    try {
      const client = new DockerClient(new EngineSocketTransport(`unix://${pair!.drydockSocket}`));
      const chunks: number[] = [];
      const handle = await client.logsRaw('dd-follow', { stdout: true, stderr: true, follow: true }, (chunk) => void chunks.push(chunk.length));
      await new Promise((resolve) => setTimeout(resolve, 700));
      handle.cancel();
      await handle.done.catch(() => {});
      assert.ok(chunks.length >= 2, `follow delivered live output (${chunks.length} chunks)`);
      const events: string[] = [];
      const stream = await client.events((event) => events.push(event.Action), { filters: { container: { 'dd-follow': true } } });
      await pair!.docker('drydock', ['pause', 'dd-follow']);
      await pair!.docker('drydock', ['unpause', 'dd-follow']);
      for (let i = 0; i < 50 && events.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      stream.cancel();
      assert.deepEqual(events.slice(0, 2), ['pause', 'unpause']);
    } finally {
      await pair!.docker('direct', ['rm', '-f', 'dd-follow']);
    }
  });
});

describe('drydock daemon --backend host', { skip: hostBackendSkip }, () => {
  let daemon: ChildProcess | null = null;
  let socket = '';
  let output = '';

  before(async () => {
    if (hostBackendSkip) return;
    socket = join(pair!.oracle.home, 'drydock-daemon.sock');
    daemon = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'daemon', '--backend', 'host', '--host-engine', `unix://${pair!.oracle.socket}`, '--host', `unix://${socket}`],
      { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await new Promise<void>((resolve, reject) => {
      daemon!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('export DOCKER_HOST=')) resolve();
      });
      daemon!.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      daemon!.once('exit', (code) => reject(new Error(`daemon exited with ${code}: ${output}`)));
    });
  });

  after(async () => {
    if (daemon && daemon.exitCode === null) {
      const exited = new Promise((resolve) => daemon!.once('exit', resolve));
      daemon.kill('SIGTERM');
      await exited;
    }
  });

  test('serves the API on its socket, containers run on the real engine', async () => {
    assert.match(output, /in front of the Docker engine at unix:\/\//);
    const run = await dockerCli(socket, ['run', '--name', 'dd-daemon', 'busybox', 'echo', 'through the daemon']);
    assert.deepEqual(run, { stdout: 'through the daemon\n', stderr: '', code: 0 });
    const seen = await pair!.docker('direct', ['ps', '-a', '--filter', 'name=dd-daemon', '--format', '{{.Names}} {{.Status}}']);
    assert.match(seen.stdout, /^dd-daemon Exited \(0\)/);
    const version = await dockerCli(socket, ['version', '--format', '{{range .Server.Components}}{{.Name}};{{end}}']);
    assert.match(version.stdout, /;Drydock;\n$/);
    await pair!.docker('direct', ['rm', 'dd-daemon']);
  });

  test('usage errors: an unknown backend, options that only the wasm backend has, an engine that does not answer', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'daemon', ...args], { cwd: join(import.meta.dirname, '..'), encoding: 'utf8', timeout: 60_000 });
    const unknown = run('--backend', 'nosuch');
    assert.equal(unknown.status, 125);
    assert.match(unknown.stderr, /--backend must be wasm or host, not "nosuch"/);
    const storage = run('--backend', 'host', '--storage', 'memory');
    assert.equal(storage.status, 125);
    assert.match(storage.stderr, /--storage is not used with --backend host/);
    const hostEngineAlone = run('--host-engine', 'unix:///var/run/docker.sock');
    assert.equal(hostEngineAlone.status, 125);
    assert.match(hostEngineAlone.stderr, /--host-engine needs --backend host/);
    const missing = run('--backend', 'host', '--host-engine', `unix://${pair!.oracle.home}/nosuch.sock`, '--host', `unix://${pair!.oracle.home}/unused.sock`);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /cannot connect to the Docker engine at unix:\/\/.*nosuch\.sock/);
    const loop = run('--backend', 'host', '--host-engine', `unix://${socket}`, '--host', `unix://${socket}`);
    assert.equal(loop.status, 125);
    assert.match(loop.stderr, /would forward to itself/);
  });
});
