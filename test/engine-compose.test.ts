/**
 * docker-compose 1.29.2 (Debian's, python + docker-py) drives Drydock
 * unchanged: a web service (nginx, a published port) and a redis service on a
 * user network with a named volume. `up -d`, `ps`, the web page through real
 * curl on the published port, `exec -T redis redis-cli ping`, one-off
 * `run --rm` containers reaching `redis` by name (redis-cli, and busybox nc
 * speaking RESP), `logs`, and `down -v` removing the containers, the network
 * and the volume.
 *
 * When a real dockerd can run here (root, docker.io, busybox-static; see
 * test/helpers/dockerd.ts) the same compose file runs against it too, and
 * compose's output must be the same on both (published ports normalised).
 * dockerd cannot run Drydock's wasm32 images, so the test builds look-alikes
 * there: `nginx` is busybox httpd behind an `nginx` script serving Drydock's
 * nginx pages, `redis` is Debian's redis-server and redis-cli (redis-tools)
 * with their shared libraries, same Cmd, WorkingDir, Volumes and ports.
 *
 * Needs /usr/bin/docker-compose and curl; skips without them unless CI is set.
 */
import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readTar } from '../src/unionfs/tar/reader.ts';
import { DOCKER, startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';
import { oracleMissing, startOracleDockerd } from './helpers/dockerd.ts';
import type { Oracle } from './helpers/dockerd.ts';

const COMPOSE = '/usr/bin/docker-compose';
const CURL = '/usr/bin/curl';
const missing = [COMPOSE, CURL, DOCKER].filter((tool) => !existsSync(tool));
if (missing.length > 0 && process.env.CI) throw new Error(`CI: the compose test needs ${missing.join(', ')}`);
const skip = missing.length > 0 ? `needs ${missing.join(', ')}` : false;

/** Debian's redis server binary (redis-tools ships it as redis-check-rdb; it serves when not called by that name). */
const REDIS_SERVER = '/usr/bin/redis-check-rdb';
const REDIS_CLI = '/usr/bin/redis-cli';
const oracleNeeds = [...oracleMissing(), ...[REDIS_SERVER, REDIS_CLI].filter((f) => !existsSync(f))];
if (!skip && oracleNeeds.length > 0 && process.env.CI) throw new Error(`CI: the compose test against dockerd needs ${oracleNeeds.join(', ')}`);

const PROJECT = 'ddcompose';

const COMPOSE_FILE = `version: "3.8"
services:
  web:
    image: nginx
    ports:
      - "127.0.0.1:\${WEB_PORT}:80"
    networks: [back]
    depends_on: [redis]
  redis:
    image: redis
    volumes:
      - data:/data
    networks: [back]
  tool:
    image: busybox
    networks: [back]
    profiles: [tools]
networks:
  back: {}
volumes:
  data: {}
`;

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** One engine the project runs on: its socket, the web port published there, a project directory. */
interface Target {
  readonly name: 'drydock' | 'dockerd';
  readonly socket: string;
  readonly webPort: number;
  readonly dir: string;
}

let engine: TestEngine | null = null;
let oracle: Oracle | null = null;
const targets: Target[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function run(target: Target, file: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      {
        cwd: target.dir,
        env: {
          ...process.env,
          DOCKER_HOST: `unix://${target.socket}`,
          DOCKER_CONFIG: target.dir,
          WEB_PORT: String(target.webPort),
          PATH: `/usr/local/bin:${process.env.PATH ?? '/usr/bin:/bin'}`,
        },
        timeout: 120_000,
        killSignal: 'SIGKILL',
        encoding: 'utf8',
      },
      (error, stdout, stderr) => resolve({ stdout, stderr, code: error ? (typeof error.code === 'number' ? error.code : -1) : 0 }),
    );
    child.stdin?.end();
  });
}

const compose = (target: Target, args: string[]) => run(target, COMPOSE, ['-p', PROJECT, ...args]);
const docker = (target: Target, args: string[]) => run(target, DOCKER, args);

function ok(target: Target, r: Run, what: string): Run {
  assert.equal(r.code, 0, `${target.name}: ${what}: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/**
 * Compose's output with what must differ between the engines rewritten: the
 * published port, and the order of the "... done" lines of a parallel step
 * (compose prints them as its threads finish, in any order on either engine).
 */
function normalised(target: Target, text: string): string {
  const lines = text.replaceAll(`:${target.webPort}->`, ':<port>->').split('\n');
  const out: string[] = [];
  let group: string[] = [];
  const flush = () => {
    out.push(...group.sort());
    group = [];
  };
  for (const line of lines) {
    if (/ \.\.\. done\r?$/.test(line)) group.push(line);
    else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out.join('\n');
}

/** Runs `step` on every target, then requires the normalised outputs `compare` picks to be equal across them. */
async function onEach(step: (target: Target) => Promise<Run>, compare?: (r: Run) => string): Promise<void> {
  const results = await Promise.all(targets.map(async (target) => ({ target, r: await step(target) })));
  if (!compare || results.length < 2) return;
  const [first, ...rest] = results;
  for (const other of rest) {
    assert.equal(normalised(other.target, compare(other.r)), normalised(first!.target, compare(first!.r)), `${other.target.name} differs from ${first!.target.name}`);
  }
}

/** The look-alike nginx and redis images for dockerd (see the file comment). */
function buildDockerdImages(o: Oracle): void {
  const context = join(o.home, 'compose-images');
  // nginx: Drydock's nginx layer (config and pages) with an `nginx` that runs busybox httpd.
  const nginxRoot = join(context, 'nginx/root');
  const nginxTar = readTar(readFileSync(join(import.meta.dirname, '../public/images/nginx.tar')));
  const manifest = JSON.parse(Buffer.from(nginxTar.find((e) => e.path === 'manifest.json')!.data).toString()) as { Layers: string[] }[];
  const top = manifest[0]!.Layers.at(-1)!;
  for (const entry of readTar(nginxTar.find((e) => e.path === top)!.data)) {
    const path = join(nginxRoot, entry.path);
    if (entry.type === 'dir') mkdirSync(path, { recursive: true });
    else if (entry.type === 'file' && entry.path !== 'usr/sbin/nginx') {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, entry.data);
    }
  }
  mkdirSync(join(nginxRoot, 'usr/sbin'), { recursive: true });
  writeFileSync(join(nginxRoot, 'usr/sbin/nginx'), '#!/bin/sh\nexec httpd -f -p 80 -h /usr/share/nginx/html\n');
  chmodSync(join(nginxRoot, 'usr/sbin/nginx'), 0o755);
  writeFileSync(join(context, 'nginx/Dockerfile'), 'FROM busybox\nCOPY root/ /\nEXPOSE 80\nSTOPSIGNAL SIGQUIT\nCMD ["nginx", "-g", "daemon off;"]\n');
  // redis: Debian's binaries and every shared library they load.
  const redisRoot = join(context, 'redis/root');
  const copy = (from: string, to: string) => {
    mkdirSync(dirname(join(redisRoot, to)), { recursive: true });
    copyFileSync(from, join(redisRoot, to));
  };
  copy(REDIS_SERVER, 'opt/redis/redis-server');
  copy(REDIS_CLI, 'usr/local/bin/redis-cli');
  const libraries = new Set<string>();
  for (const binary of [REDIS_SERVER, REDIS_CLI]) {
    for (const m of spawnSync('ldd', [binary], { encoding: 'utf8' }).stdout.matchAll(/(\/\S+) \(0x/g)) libraries.add(m[1]!);
  }
  for (const library of libraries) copy(library, library);
  // As the official image: protected mode off, for clients on the network.
  writeFileSync(join(redisRoot, 'usr/local/bin/redis-server'), '#!/bin/sh\nexec /opt/redis/redis-server --protected-mode no "$@"\n');
  chmodSync(join(redisRoot, 'usr/local/bin/redis-server'), 0o755);
  writeFileSync(join(context, 'redis/Dockerfile'), 'FROM busybox\nCOPY root/ /\nVOLUME /data\nWORKDIR /data\nEXPOSE 6379\nCMD ["redis-server"]\n');
  for (const image of ['nginx', 'redis']) {
    const built = o.docker(['build', '-q', '-t', image, join(context, image)]);
    if (built.code !== 0) throw new Error(`building ${image} on dockerd: ${built.stderr}`);
  }
}

before(async () => {
  if (skip) return;
  engine = await startTestEngine();
  const dir = mkdtempSync(join(tmpdir(), 'drydock-compose-'));
  targets.push({ name: 'drydock', socket: engine.socket, webPort: await freePort(), dir });
  if (oracleNeeds.length === 0) {
    oracle = await startOracleDockerd();
    buildDockerdImages(oracle);
    const realDir = mkdtempSync(join(tmpdir(), 'dockerd-compose-'));
    targets.push({ name: 'dockerd', socket: oracle.socket, webPort: await freePort(), dir: realDir });
  }
  for (const target of targets) writeFileSync(join(target.dir, 'docker-compose.yml'), COMPOSE_FILE);
});
after(async () => {
  for (const target of targets) {
    await compose(target, ['down', '-v', '--remove-orphans']);
    rmSync(target.dir, { recursive: true, force: true });
  }
  await engine?.close();
  await oracle?.stop();
});

describe('docker-compose 1.29 against Drydock (and the same project on dockerd 20.10)', { skip }, () => {
  test('up -d creates the network, the volume and both services', async () => {
    await onEach(
      async (target) => {
        const up = ok(target, await compose(target, ['up', '-d']), 'up -d');
        assert.match(up.stderr, new RegExp(`Creating network "${PROJECT}_back" with the default driver`));
        assert.match(up.stderr, new RegExp(`Creating volume "${PROJECT}_data" with default driver`));
        assert.match(up.stderr, new RegExp(`Creating ${PROJECT}_redis_1 \\.\\.\\. done`));
        assert.match(up.stderr, new RegExp(`Creating ${PROJECT}_web_1 +\\.\\.\\. done`));
        return up;
      },
      (r) => r.stderr,
    );
    await onEach(
      async (target) => {
        const names = ok(target, await docker(target, ['ps', '--format', '{{.Names}} {{.Label "com.docker.compose.service"}}']), 'docker ps');
        assert.deepEqual(names.stdout.trim().split('\n').sort(), [`${PROJECT}_redis_1 redis`, `${PROJECT}_web_1 web`]);
        const volume = ok(target, await docker(target, ['volume', 'inspect', '--format', '{{.Name}} {{index .Labels "com.docker.compose.volume"}}', `${PROJECT}_data`]), 'volume');
        assert.equal(volume.stdout, `${PROJECT}_data data\n`);
        const network = ok(target, await docker(target, ['network', 'inspect', '--format', '{{.Name}} {{.Driver}} {{len .Containers}}', `${PROJECT}_back`]), 'network');
        assert.equal(network.stdout, `${PROJECT}_back bridge 2\n`);
        return network;
      },
    );
  });

  test('ps lists both services as Up, with the published port', async () => {
    await onEach(
      async (target) => {
        const ps = ok(target, await compose(target, ['ps']), 'ps');
        const lines = ps.stdout.trim().split('\n');
        assert.match(lines[0]!, /^\s*Name\s+Command\s+State\s+Ports\s*$/);
        const web = lines.find((line) => line.startsWith(`${PROJECT}_web_1 `));
        const redis = lines.find((line) => line.startsWith(`${PROJECT}_redis_1 `));
        assert.ok(web && redis, ps.stdout);
        assert.match(web, new RegExp(`\\bUp\\b.*127\\.0\\.0\\.1:${target.webPort}->80/tcp`));
        assert.match(redis, /\bUp\b/);
        return ps;
      },
      (r) => r.stdout,
    );
    await onEach(async (target) => {
      const quiet = ok(target, await compose(target, ['ps', '-q']), 'ps -q');
      assert.equal(quiet.stdout.trim().split('\n').filter((id) => /^[0-9a-f]{64}$/.test(id)).length, 2);
      return quiet;
    });
  });

  test('the web page through real curl on the published port', async () => {
    await onEach(
      async (target) => {
        let page: Run = { stdout: '', stderr: '', code: -1 };
        // The server may still be binding right after `up -d` returned.
        for (let i = 0; i < 50 && page.code !== 0; i++) {
          page = await run(target, CURL, ['-sS', '--max-time', '5', `http://127.0.0.1:${target.webPort}/`]);
          if (page.code !== 0) await new Promise((resolve) => setTimeout(resolve, 200));
        }
        ok(target, page, 'curl');
        assert.match(page.stdout, /Welcome to nginx!/);
        const head = ok(target, await run(target, CURL, ['-sS', '--max-time', '5', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${target.webPort}/`]), 'curl -w');
        assert.equal(head.stdout, '200');
        return page;
      },
      (r) => r.stdout,
    );
  });

  test('exec -T redis redis-cli ping answers PONG', async () => {
    await onEach(
      async (target) => {
        const pong = ok(target, await compose(target, ['exec', '-T', 'redis', 'redis-cli', 'ping']), 'exec');
        assert.equal(pong.stdout, 'PONG\n');
        return pong;
      },
      (r) => r.stdout + r.stderr,
    );
  });

  test('run --rm: one-off containers reach redis by name on the project network', async () => {
    await onEach(
      async (target) => {
        const set = ok(target, await compose(target, ['run', '--rm', '-T', 'redis', 'redis-cli', '-h', 'redis', 'set', 'k', 'v']), 'run set');
        assert.equal(set.stdout, 'OK\n');
        const get = ok(target, await compose(target, ['run', '--rm', '-T', 'redis', 'redis-cli', '-h', 'redis', 'get', 'k']), 'run get');
        assert.equal(get.stdout, 'v\n');
        // busybox (the profile-gated tool service) speaks inline RESP with nc.
        const nc = ok(target, await compose(target, ['run', '--rm', '-T', 'tool', 'sh', '-c', "printf 'GET k\\r\\nQUIT\\r\\n' | nc redis 6379"]), 'run tool');
        assert.equal(nc.stdout, '$1\r\nv\r\n+OK\r\n');
        // One-off containers are gone afterwards, the services remain.
        const all = ok(target, await docker(target, ['ps', '-a', '--format', '{{.Names}}']), 'ps -a');
        assert.deepEqual(all.stdout.trim().split('\n').sort(), [`${PROJECT}_redis_1`, `${PROJECT}_web_1`]);
        return { stdout: set.stdout + get.stdout + nc.stdout + all.stdout, stderr: set.stderr + get.stderr + nc.stderr, code: 0 };
      },
      (r) => r.stdout,
    );
  });

  test('logs shows each service prefixed with its service and number', async () => {
    await onEach(async (target) => {
      const logs = ok(target, await compose(target, ['logs', '--no-color']), 'logs');
      assert.match(logs.stdout, new RegExp(`^Attaching to (${PROJECT}_web_1, ${PROJECT}_redis_1|${PROJECT}_redis_1, ${PROJECT}_web_1)$`, 'm'));
      assert.match(logs.stdout, /^redis_1 +\| .*Ready to accept connections/m);
      // curl's request in the web server's access log (busybox httpd, dockerd's stand-in, keeps none).
      if (target.name === 'drydock') assert.match(logs.stdout, /^web_1 +\| .*"GET \/ HTTP\/1\.1" 200 /m);
      const redis = ok(target, await compose(target, ['logs', '--no-color', '--tail', '1', 'redis']), 'logs redis');
      assert.deepEqual(redis.stdout.split('\n').filter((line) => line.includes(' | ')).map((line) => line.split(' | ')[0]!.trim()), ['redis_1']);
      return logs;
    });
  });

  test('down -v removes the containers, the network and the volume', async () => {
    await onEach(
      async (target) => {
        const down = ok(target, await compose(target, ['down', '-v']), 'down -v');
        assert.match(down.stderr, new RegExp(`Removing ${PROJECT}_web_1 +\\.\\.\\. done`));
        assert.match(down.stderr, new RegExp(`Removing network ${PROJECT}_back`));
        assert.match(down.stderr, new RegExp(`Removing volume ${PROJECT}_data`));
        assert.equal(ok(target, await docker(target, ['ps', '-aq']), 'ps').stdout, '');
        assert.equal(ok(target, await docker(target, ['network', 'ls', '--filter', `name=${PROJECT}`, '-q']), 'network ls').stdout, '');
        assert.equal(ok(target, await docker(target, ['volume', 'ls', '-q']), 'volume ls').stdout, '');
        return down;
      },
      (r) => r.stderr,
    );
  });
});
