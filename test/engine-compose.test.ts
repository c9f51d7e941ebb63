/**
 * docker-compose 1.29.2 (Debian's, python + docker-py) drives Drydock
 * unchanged: a web service (nginx, a published port) and a redis service on a
 * user network with a named volume. `up -d`, `ps`, the web page through real
 * curl on the published port, `exec -T redis redis-cli ping`, one-off
 * `run --rm` containers reaching `redis` by name (our redis-cli, and
 * busybox nc speaking RESP), `logs`, and `down -v` removing the containers,
 * the network and the volume.
 *
 * The same project cannot run on the real dockerd here: it has only the
 * imported busybox-static image, and Drydock's nginx and redis images are
 * wasm32 programs dockerd cannot execute (and no registry is reachable).
 *
 * Needs /usr/bin/docker-compose and curl; skips without them unless CI is set.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DOCKER, startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';

const COMPOSE = '/usr/bin/docker-compose';
const CURL = '/usr/bin/curl';
const missing = [COMPOSE, CURL, DOCKER].filter((tool) => !existsSync(tool));
if (missing.length > 0 && process.env.CI) throw new Error(`CI: the compose test needs ${missing.join(', ')}`);
const skip = missing.length > 0 ? `needs ${missing.join(', ')}` : false;

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

let t: TestEngine;
let dir = '';
let webPort = 0;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

function run(file: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      {
        cwd: dir,
        env: { ...process.env, DOCKER_HOST: `unix://${t.socket}`, WEB_PORT: String(webPort), PATH: `/usr/local/bin:${process.env.PATH ?? '/usr/bin:/bin'}` },
        timeout: 120_000,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ stdout, stderr, code });
      },
    );
    child.stdin?.end(input ?? '');
  });
}

function compose(args: string[], input?: string): Promise<Run> {
  return run(COMPOSE, ['-p', PROJECT, ...args], input);
}

function ok(r: Run, what: string): Run {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

before(async () => {
  if (skip) return;
  t = await startTestEngine();
  dir = mkdtempSync(join(tmpdir(), 'drydock-compose-'));
  writeFileSync(join(dir, 'docker-compose.yml'), COMPOSE_FILE);
  webPort = await freePort();
});
after(async () => {
  if (t) await compose(['down', '-v', '--remove-orphans']);
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('docker-compose 1.29 against Drydock', { skip }, () => {
  test('up -d creates the network, the volume and both services', async () => {
    const up = ok(await compose(['up', '-d']), 'up -d');
    assert.match(up.stderr, new RegExp(`Creating network "${PROJECT}_back" with the default driver`));
    assert.match(up.stderr, new RegExp(`Creating volume "${PROJECT}_data" with default driver`));
    assert.match(up.stderr, new RegExp(`Creating ${PROJECT}_redis_1 \\.\\.\\. done`));
    assert.match(up.stderr, new RegExp(`Creating ${PROJECT}_web_1 +\\.\\.\\. done`));
    const names = ok(await t.docker(['ps', '--format', '{{.Names}} {{.Label "com.docker.compose.service"}}']), 'docker ps');
    assert.deepEqual(names.stdout.trim().split('\n').sort(), [`${PROJECT}_redis_1 redis`, `${PROJECT}_web_1 web`]);
    const volume = ok(await t.docker(['volume', 'inspect', '--format', '{{.Name}} {{index .Labels "com.docker.compose.volume"}}', `${PROJECT}_data`]), 'volume');
    assert.equal(volume.stdout, `${PROJECT}_data data\n`);
    const network = ok(await t.docker(['network', 'inspect', '--format', '{{.Name}} {{.Driver}} {{len .Containers}}', `${PROJECT}_back`]), 'network');
    assert.equal(network.stdout, `${PROJECT}_back bridge 2\n`);
  });

  test('ps lists both services as Up, with the published port', async () => {
    const ps = ok(await compose(['ps']), 'ps');
    const lines = ps.stdout.trim().split('\n');
    assert.match(lines[0]!, /^\s*Name\s+Command\s+State\s+Ports\s*$/);
    const web = lines.find((line) => line.startsWith(`${PROJECT}_web_1 `));
    const redis = lines.find((line) => line.startsWith(`${PROJECT}_redis_1 `));
    assert.ok(web && redis, ps.stdout);
    assert.match(web, new RegExp(`\\bUp\\b.*127\\.0\\.0\\.1:${webPort}->80/tcp`));
    assert.match(redis, /\bUp\b/);
    const quiet = ok(await compose(['ps', '-q']), 'ps -q');
    assert.equal(quiet.stdout.trim().split('\n').filter((id) => /^[0-9a-f]{64}$/.test(id)).length, 2);
  });

  test('the web page through real curl on the published port', async () => {
    let page: Run = { stdout: '', stderr: '', code: -1 };
    // The server may still be binding right after `up -d` returned.
    for (let i = 0; i < 50 && page.code !== 0; i++) {
      page = await run(CURL, ['-sS', '--max-time', '5', '-i', `http://127.0.0.1:${webPort}/`]);
      if (page.code !== 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    ok(page, 'curl');
    assert.match(page.stdout, /^HTTP\/1\.[01] 200 /);
    assert.match(page.stdout, /Welcome to nginx!/);
  });

  test('exec -T redis redis-cli ping answers PONG', async () => {
    const pong = ok(await compose(['exec', '-T', 'redis', 'redis-cli', 'ping']), 'exec');
    assert.equal(pong.stdout, 'PONG\n');
  });

  test('run --rm: one-off containers reach redis by name on the project network', async () => {
    const set = ok(await compose(['run', '--rm', '-T', 'redis', 'redis-cli', '-h', 'redis', 'set', 'k', 'v']), 'run set');
    assert.equal(set.stdout, 'OK\n');
    const get = ok(await compose(['run', '--rm', '-T', 'redis', 'redis-cli', '-h', 'redis', 'get', 'k']), 'run get');
    assert.equal(get.stdout, 'v\n');
    // busybox (the profile-gated tool service) speaks inline RESP with nc.
    const nc = ok(await compose(['run', '--rm', '-T', 'tool', 'sh', '-c', "printf 'GET k\\r\\nQUIT\\r\\n' | nc redis 6379"]), 'run tool');
    assert.equal(nc.stdout, '$1\r\nv\r\n+OK\r\n');
    // One-off containers are gone afterwards, the services remain.
    const all = ok(await t.docker(['ps', '-a', '--format', '{{.Names}}']), 'ps -a');
    assert.deepEqual(all.stdout.trim().split('\n').sort(), [`${PROJECT}_redis_1`, `${PROJECT}_web_1`]);
  });

  test('logs shows each service prefixed with its service and number', async () => {
    const logs = ok(await compose(['logs', '--no-color']), 'logs');
    assert.match(logs.stdout, new RegExp(`^Attaching to (${PROJECT}_web_1, ${PROJECT}_redis_1|${PROJECT}_redis_1, ${PROJECT}_web_1)$`, 'm'));
    assert.match(logs.stdout, /^redis_1 +\| .*Ready to accept connections/m);
    // curl's request from the host, in the web server's access log.
    assert.match(logs.stdout, /^web_1 +\| .*"GET \/ HTTP\/1\.1" 200 /m);
    const web = ok(await compose(['logs', '--no-color', '--tail', '1', 'web']), 'logs web');
    assert.deepEqual(web.stdout.split('\n').filter((line) => line.includes(' | ')).map((line) => line.split(' | ')[0]!.trim()), ['web_1']);
  });

  test('down -v removes the containers, the network and the volume', async () => {
    const down = ok(await compose(['down', '-v']), 'down -v');
    assert.match(down.stderr, new RegExp(`Removing ${PROJECT}_web_1 +\\.\\.\\. done`));
    assert.match(down.stderr, new RegExp(`Removing network ${PROJECT}_back`));
    assert.match(down.stderr, new RegExp(`Removing volume ${PROJECT}_data`));
    assert.equal(ok(await t.docker(['ps', '-aq']), 'ps').stdout, '');
    assert.equal(ok(await t.docker(['network', 'ls', '--filter', `name=${PROJECT}`, '-q']), 'network ls').stdout, '');
    assert.equal(ok(await t.docker(['volume', 'ls', '-q']), 'volume ls').stdout, '');
  });
});
