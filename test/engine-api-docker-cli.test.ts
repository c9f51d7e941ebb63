/**
 * The real Docker CLI (/usr/local/bin/docker, 28.2.2) against the engine API
 * served by the Node transport on a temporary unix socket and a loopback
 * TCP port. Only system endpoints have a real backend here; a fake container
 * backend answers "No such container".
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { createApi } from '../src/engine/api/create-api.ts';
import { EngineSystemBackend } from '../src/engine/api/engine-system.ts';
import type { ContainersBackend } from '../src/engine/api/routers/container-backend.ts';
import type { ExecBackend } from '../src/engine/api/routers/exec-backend.ts';
import { NotFoundError } from '../src/engine/errors.ts';
import type { ContainerInspect } from '../src/engine/types/container.ts';
import { HttpTransport } from '../src/platform/node/http-transport.ts';
import { deferred, fake } from './engine-api-fakes.ts';

const DOCKER = '/usr/local/bin/docker';
const missing = !existsSync(DOCKER);
if (missing && process.env.CI) throw new Error(`${DOCKER} is required when CI is set`);
const skip = missing ? `${DOCKER} is not installed` : false;

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'drydock-cli-'));
const socket = join(dir, 'engine.sock');
let tcpAddress = '';
let transport: HttpTransport;

const noSuchContainer = async (name: string): Promise<never> => {
  throw new NotFoundError(`No such container: ${name}`);
};

const ID = 'f45e5fb5a1254a9e1eadba519034ac52d1aeec48d730c8913cf026587c368f93';

/** A created container "tt" running `echo hi`, enough for the CLI's start -a and exec paths. */
function inspectOf(running: boolean): ContainerInspect {
  return {
    Id: ID,
    Created: '2026-11-26T23:15:52.219112519Z',
    Path: 'echo',
    Args: ['hi'],
    State: {
      Status: running ? 'running' : 'created',
      Running: running,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: running ? 42 : 0,
      ExitCode: 0,
      Error: '',
      StartedAt: '0001-01-01T00:00:00Z',
      FinishedAt: '0001-01-01T00:00:00Z',
    },
    Image: `sha256:${'a'.repeat(64)}`,
    ResolvConfPath: '',
    HostnamePath: '',
    HostsPath: '',
    LogPath: '',
    Name: '/tt',
    RestartCount: 0,
    Driver: 'drydock-overlay',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: { NetworkMode: 'default', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } },
    GraphDriver: { Name: 'drydock-overlay', Data: null },
    Mounts: [],
    Config: { Hostname: ID.slice(0, 12), AttachStdout: true, AttachStderr: true, Tty: false, OpenStdin: false, Cmd: ['echo', 'hi'], Image: 'busybox' },
    NetworkSettings: {
      Bridge: '',
      SandboxID: '',
      Ports: {},
      SandboxKey: '',
      EndpointID: '',
      Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: '',
      IPPrefixLen: 0,
      IPv6Gateway: '',
      MacAddress: '',
      Networks: {},
    },
  };
}

/** Per-test state of the fake container "tt". */
let tt = { started: deferred<void>(), attachDone: deferred<void>(), requests: [] as string[] };

const containers = fake<ContainersBackend>({
  inspect: async (name) => {
    if (name !== 'tt' && name !== ID) return noSuchContainer(name);
    return inspectOf(name === ID);
  },
  start: async (name) => {
    if (name !== ID && name !== 'tt') return noSuchContainer(name);
    tt.requests.push('start');
    tt.started.resolve();
  },
  attach: async (name, options) => {
    tt.requests.push(`attach stdout=${options.stdout} stderr=${options.stderr} stream=${options.stream}`);
    if (name !== ID) return noSuchContainer(name);
    return {
      tty: false,
      run: async (streams) => {
        await tt.started.promise;
        await streams.stdout.write(new TextEncoder().encode('hi\n'));
        await streams.stderr.write(new TextEncoder().encode('to stderr\n'));
        tt.attachDone.resolve();
      },
    };
  },
  wait: async (_name, condition) => {
    tt.requests.push(`wait ${condition}`);
    return {
      result: (async () => {
        await tt.started.promise;
        await tt.attachDone.promise;
        return { Error: null, StatusCode: 7 };
      })(),
    };
  },
});

/** exec "e1": copies stdin to stdout upper-cased, then reports exit code 3. */
const exec = fake<ExecBackend>({
  create: async (container, config) => {
    if (container !== 'tt') return noSuchContainer(container);
    tt.requests.push(`exec create ${JSON.stringify(config.Cmd)} stdin=${config.AttachStdin}`);
    return 'e1';
  },
  start: async () => ({
    tty: false,
    run: async (streams) => {
      for (let chunk = await streams.stdin.read(); chunk !== null; chunk = await streams.stdin.read()) {
        await streams.stdout.write(new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase()));
      }
      await streams.stderr.write(new TextEncoder().encode('stdin closed\n'));
    },
  }),
  inspect: async (id) => ({
    ID: id,
    Running: false,
    ExitCode: 3,
    ProcessConfig: { tty: false, entrypoint: 'cat', arguments: [], privileged: false },
    OpenStdin: true,
    OpenStderr: true,
    OpenStdout: true,
    CanRemove: false,
    ContainerID: ID,
    DetachKeys: '',
    Pid: 43,
  }),
});

before(async () => {
  const api = createApi({
    backends: {
      system: new EngineSystemBackend({ ncpu: 3, memTotal: 3 * 1024 ** 3, name: 'drydock-test', runtime: `node ${process.version}` }),
      containers,
      exec,
    },
  });
  transport = new HttpTransport(api.respond, { logError: () => {} });
  await transport.listenUnix(socket);
  tcpAddress = await transport.listenTcp('127.0.0.1', 0);
});

after(async () => {
  await transport.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI without throwing; the engine runs in this process, so the call must be asynchronous. */
async function docker(args: string[], env: Record<string, string> = {}, host = `unix://${socket}`, input?: string) {
  try {
    const child = run(DOCKER, ['-H', host, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, DOCKER_CONFIG: join(dir, 'config'), ...env },
      timeout: 30_000,
    });
    if (input !== undefined) child.child.stdin!.end(input);
    else child.child.stdin!.end();
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

test('docker version prints the client and the Drydock server', { skip, timeout: 60_000 }, async () => {
  const result = await docker(['version']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Client:\n Version:\s+28\.2\.2\n API version:\s+1\.47 \(downgraded from 1\.50\)/m);
  assert.match(result.stdout, /^Server: Drydock engine\n Engine:\n  Version:\s+0\.1\.0\n/m);
  assert.match(result.stdout, /^  API version:\s+1\.47 \(minimum version 1\.24\)$/m);
  assert.match(result.stdout, /^  OS\/Arch:\s+linux\/wasm32$/m);
  assert.match(result.stdout, /^  Experimental:\s+false$/m);
});

test('docker info prints Drydock\'s values', { skip, timeout: 60_000 }, async () => {
  const result = await docker(['info']);
  assert.equal(result.code, 0, result.stderr);
  for (const line of [
    ' Server Version: 0.1.0',
    ' Swarm: inactive',
    ' Kernel Version: 6.1.0-drydock',
    ' Operating System: Drydock',
    ' OSType: linux',
    ' Architecture: wasm32',
    ' CPUs: 3',
    ' Total Memory: 3GiB',
    ' Name: drydock-test',
  ]) {
    assert.ok(result.stdout.includes(`${line}\n`), `missing ${JSON.stringify(line)} in\n${result.stdout}`);
  }
  assert.equal(result.stderr, '');
});

test('docker -H tcp://127.0.0.1:PORT version works over TCP', { skip, timeout: 60_000 }, async () => {
  const result = await docker(['version', '--format', '{{.Server.Version}} {{.Server.APIVersion}} {{.Server.Os}}/{{.Server.Arch}}'], {}, tcpAddress);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '0.1.0 1.47 linux/wasm32\n');
});

test('DOCKER_API_VERSION=1.12 is refused as too old', { skip, timeout: 60_000 }, async () => {
  const result = await docker(['version'], { DOCKER_API_VERSION: '1.12' });
  assert.equal(result.code, 1);
  assert.match(result.stdout, /API version:\s+1\.12/);
  assert.match(
    result.stderr,
    /Error response from daemon: client version 1\.12 is too old\. Minimum supported API version is 1\.24, please upgrade your client to a newer version/,
  );
});

test('a backend NotFound reaches the user as dockerd\'s message', { skip, timeout: 60_000 }, async () => {
  const result = await docker(['start', 'x']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^Error response from daemon: No such container: x$/m);
});

test('swarm commands get dockerd\'s "not a swarm manager" answer', { skip, timeout: 60_000 }, async () => {
  const result = await docker(['node', 'ls']);
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr.trim(),
    'Error response from daemon: This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.',
  );
});

test('docker plugin inspect of a missing plugin fails like dockerd', { skip, timeout: 60_000 }, async () => {
  const result = await docker(['plugin', 'inspect', 'x']);
  assert.equal(result.code, 1);
  assert.equal(result.stdout.trim(), '[]');
  assert.match(result.stderr, /Error response from daemon: plugin "x" not found/);
});

test('docker start -a: hijacked attach, /wait headers before /start, output demultiplexed, exit status from wait', { skip, timeout: 60_000 }, async () => {
  tt = { started: deferred<void>(), attachDone: deferred<void>(), requests: [] };
  const result = await docker(['start', '-a', 'tt']);
  // The CLI opens the wait and only then starts: without early headers this would never get here.
  assert.deepEqual(tt.requests, ['attach stdout=true stderr=true stream=true', 'wait next-exit', 'start']);
  assert.equal(result.stdout, 'hi\n');
  assert.equal(result.stderr, 'to stderr\n');
  assert.equal(result.code, 7);
});

test('docker exec -i: stdin reaches the session, the session writes after the CLI closes stdin, ExitCode is used', { skip, timeout: 60_000 }, async () => {
  tt = { started: deferred<void>(), attachDone: deferred<void>(), requests: [] };
  const result = await docker(['exec', '-i', 'tt', 'cat'], {}, `unix://${socket}`, 'hello from stdin\n');
  assert.deepEqual(tt.requests, ['exec create ["cat"] stdin=true']);
  assert.equal(result.stdout, 'HELLO FROM STDIN\n');
  assert.equal(result.stderr, 'stdin closed\n');
  assert.equal(result.code, 3);
});
