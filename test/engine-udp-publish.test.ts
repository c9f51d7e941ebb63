/**
 * Published UDP ports through the real docker CLI: `-p HOST:CTR/udp`, `-P`
 * with an exposed udp port, port ranges, what `docker port`, `docker ps` and
 * `docker inspect` show, datagrams from host clients (node:dgram) to
 * busybox's `nc -u -l` and to a UDP echo server in containers, conflicts,
 * the port freed when the container goes, and the port back with its
 * container after `drydock daemon` restarts.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { writeTar } from '../src/unionfs/tar/writer.ts';
import { startDaemon } from './helpers/daemon.ts';
import { DOCKER, dockerSkip, startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';
import { PROGRAMS } from './helpers/kernel-harness.ts';
import { bindUdp, eventually } from './helpers/net.ts';

let t: TestEngine;
before(async () => {
  if (dockerSkip) return;
  t = await startTestEngine();
  // busybox + the UDP echo server of the network tests (test/programs/net-udp.c).
  const busybox = t.engine.images.store.resolve('busybox');
  await t.engine.images.store.create({
    parent: busybox,
    layers: [
      writeTar([
        { path: 'usr/local/bin', type: 'dir', mode: 0o755 },
        { path: 'usr/local/bin/net-udp', type: 'file', mode: 0o755, data: readFileSync(join(PROGRAMS, 'net-udp.wasm')) },
      ]),
    ],
    config: { ...busybox.config, history: [{ created_by: 'drydock udp test tools' }] },
    tags: ['udp-test:latest'],
  });
});
after(() => t?.close());

async function ok(args: string[]): Promise<string> {
  const r = await t.docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}


/** A port number free for both TCP and UDP right now (the OS picks it). */
async function freePort(): Promise<number> {
  for (;;) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    try {
      (await bindUdp(port)).close();
      return port;
    } catch {
      // Taken for UDP: try another.
    }
  }
}

/** A host UDP client: `ask` sends a datagram and waits for the next one that comes back. */
async function udpClient(): Promise<{ ask: (message: string, port: number, timeoutMs?: number) => Promise<string>; close: () => void }> {
  const socket = await bindUdp(0, '127.0.0.1');
  const inbox: string[] = [];
  let waiter: ((s: string) => void) | null = null;
  socket.on('message', (m) => {
    if (waiter) waiter(m.toString());
    else inbox.push(m.toString());
  });
  return {
    ask: (message, port, timeoutMs = 3000) =>
      new Promise((resolve, reject) => {
        socket.send(message, port, '127.0.0.1');
        const ready = inbox.shift();
        if (ready !== undefined) return resolve(ready);
        const timer = setTimeout(() => {
          waiter = null;
          reject(new Error(`no reply to ${JSON.stringify(message)} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiter = (s) => {
          clearTimeout(timer);
          waiter = null;
          resolve(s);
        };
      }),
    close: () => socket.close(),
  };
}


test('-p HOST:53/udp: nc -u -l in a container gets a host datagram from the gateway and its reply reaches the client', { skip: dockerSkip }, async () => {
  const port = await freePort();
  // nc -u -l: prints the first datagram, connects to its sender and sends its stdin there.
  await ok(['run', '-d', '--name', 'udp-nc', '-p', `${port}:53/udp`, 'busybox', 'sh', '-c', 'echo pong | nc -u -l -p 53']);
  const client = await udpClient();
  try {
    assert.equal(await ok(['port', 'udp-nc']), `53/udp -> 0.0.0.0:${port}\n53/udp -> [::]:${port}\n`);
    assert.equal(await ok(['port', 'udp-nc', '53/udp']), `0.0.0.0:${port}\n[::]:${port}\n`);
    const none = await t.docker(['port', 'udp-nc', '53']);
    assert.deepEqual([none.code, none.stderr], [1, "Error: No public port '53' published for udp-nc\n"]);
    assert.equal(await ok(['ps', '--filter', 'name=udp-nc', '--format', '{{.Ports}}']), `0.0.0.0:${port}->53/udp, [::]:${port}->53/udp\n`);
    assert.equal(
      await ok(['inspect', '--format', '{{json .NetworkSettings.Ports}}', 'udp-nc']),
      `{"53/udp":[{"HostIp":"0.0.0.0","HostPort":"${port}"},{"HostIp":"::","HostPort":"${port}"}]}\n`,
    );
    assert.equal(await ok(['inspect', '--format', '{{json .HostConfig.PortBindings}}', 'udp-nc']), `{"53/udp":[{"HostIp":"","HostPort":"${port}"}]}\n`);
    // nc may not be bound yet when the first datagram arrives (it is dropped then, as UDP): ask again.
    assert.equal(await eventually('nc answers', () => client.ask('ping\n', port, 500)), 'pong\n');
    assert.match(await ok(['logs', 'udp-nc']), /^(ping\n)+$/);
    // nc connected its socket to the sender it saw: the network's gateway (docker-proxy's address), not the host client.
    const netstat = await ok(['exec', 'udp-nc', 'netstat', '-un']);
    assert.match(netstat, /^udp +0 +0 172\.17\.0\.\d+:53 +172\.17\.0\.1:\d+ +ESTABLISHED *$/m);
  } finally {
    client.close();
    await t.docker(['rm', '-f', 'udp-nc']);
  }
  // The host port is free again.
  (await bindUdp(port)).close();
});

test('several host clients at once each get their own replies from a UDP echo server', { skip: dockerSkip }, async () => {
  const port = await freePort();
  await ok(['network', 'create', 'udp-net']);
  await ok(['run', '-d', '--name', 'udp-echo', '--network', 'udp-net', '-p', `127.0.0.1:${port}:5000/udp`, 'udp-test', 'net-udp', 'server', '5000', '1000']);
  const clients = await Promise.all([udpClient(), udpClient(), udpClient(), udpClient()]);
  try {
    assert.equal(await ok(['port', 'udp-echo']), `5000/udp -> 127.0.0.1:${port}\n`);
    await eventually('echo server up', () => clients[0]!.ask('warm-up', port, 500));
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(clients.map((c, i) => c.ask(`client ${i} round ${round}`, port)));
      assert.deepEqual(answers, clients.map((_, i) => `client ${i} round ${round}`));
    }
  } finally {
    for (const c of clients) c.close();
    await t.docker(['rm', '-f', 'udp-echo']);
    await t.docker(['network', 'rm', 'udp-net']);
  }
});

test('UDP conflicts: an allocated UDP port is refused, the same number over TCP is not; -P and ranges', { skip: dockerSkip }, async () => {
  const port = await freePort();
  await ok(['run', '-d', '--name', 'udp-a', '-p', `${port}:53/udp`, 'busybox', 'sleep', '1000']);
  try {
    const clash = await t.docker(['run', '-d', '--name', 'udp-b', '-p', `${port}:54/udp`, 'busybox', 'sleep', '5']);
    assert.equal(clash.code, 125);
    assert.match(
      clash.stderr,
      new RegExp(`^docker: Error response from daemon: driver failed programming external connectivity on endpoint udp-b \\([0-9a-f]{64}\\): Bind for 0\\.0\\.0\\.0:${port} failed: port is already allocated\n`),
    );
    await ok(['run', '-d', '--name', 'udp-tcp', '-p', `${port}:53`, 'busybox', 'sleep', '1000']);
    assert.equal(await ok(['port', 'udp-tcp']), `53/tcp -> 0.0.0.0:${port}\n53/tcp -> [::]:${port}\n`);

    // -P publishes an exposed udp port on an ephemeral host port.
    await ok(['run', '-d', '--name', 'udp-p', '-P', '--expose', '53/udp', 'busybox', 'sleep', '1000']);
    const eph = /^53\/udp -> 0\.0\.0\.0:(\d+)\n53\/udp -> \[::\]:\1\n$/.exec(await ok(['port', 'udp-p']));
    assert.ok(eph, 'docker port udp-p');
    assert.ok(Number(eph[1]) >= 32768 && Number(eph[1]) <= 60999);

    // A range: the CLI sends one binding per port.
    const first = await freePort();
    const second = first + 1;
    const free = await bindUdp(second).then(
      (s) => (s.close(), true),
      () => false,
    );
    if (free) {
      await ok(['run', '-d', '--name', 'udp-range', '-p', `127.0.0.1:${first}-${second}:7000-7001/udp`, 'busybox', 'sleep', '1000']);
      assert.equal(await ok(['port', 'udp-range']), `7000/udp -> 127.0.0.1:${first}\n7001/udp -> 127.0.0.1:${second}\n`);
    }
  } finally {
    await t.docker(['rm', '-f', 'udp-a', 'udp-b', 'udp-tcp', 'udp-p', 'udp-range']);
  }
  (await bindUdp(port)).close();
});

test('sctp is still refused with a clear error', { skip: dockerSkip }, async () => {
  const r = await t.docker(['run', '--rm', '-p', '9999:99/sctp', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /publishing sctp ports is not supported by Drydock yet/);
});

test('a restart=always container gets its UDP port back when drydock daemon restarts', { skip: dockerSkip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'udp-restart-'));
  const socket = join(dir, 'docker.sock');
  const dataRoot = join(dir, 'data');
  const docker = async (...args: string[]): Promise<string> =>
    (await promisify(execFile)(DOCKER, args, { env: { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: dir }, encoding: 'utf8' })).stdout;
  const stop = async (daemon: Awaited<ReturnType<typeof startDaemon>>) => {
    daemon.kill('SIGTERM');
    await new Promise((resolve) => daemon.on('exit', resolve));
  };
  const port = await freePort();
  const client = await udpClient();
  let daemon = await startDaemon({ socket, dataRoot, fromSource: true });
  try {
    // Each nc answers one client once, then gives up after 1 s of silence; the loop starts the next.
    await docker('run', '-d', '--name', 'udp-keep', '--restart', 'always', '-p', `${port}:53/udp`, 'busybox', 'sh', '-c', 'while true; do echo pong | nc -u -w 1 -l -p 53; done');
    assert.equal(await eventually('answer before the restart', () => client.ask('ping', port, 500)), 'pong\n');
    await stop(daemon);
    daemon = await startDaemon({ socket, dataRoot, fromSource: true });
    assert.equal(await docker('port', 'udp-keep'), `53/udp -> 0.0.0.0:${port}\n53/udp -> [::]:${port}\n`);
    assert.equal(await eventually('answer after the restart', () => client.ask('ping', port, 500)), 'pong\n');
    await docker('rm', '-f', 'udp-keep');
    (await bindUdp(port)).close();
  } finally {
    client.close();
    await stop(daemon);
    rmSync(dir, { recursive: true, force: true });
  }
});
