/**
 * Outbound UDP and host port ranges through the real docker CLI:
 *  - busybox's `nc -u` in a container talks to a node:dgram echo server on
 *    a non-loopback address of this machine (its datagrams leave through a
 *    host UDP socket; a container's 127.0.0.1 is its own), not from an
 *    --internal network, and with the engine's outbound switch off it is
 *    told "Network unreachable";
 *  - `-p START-END:PORT[/udp]`: dockerd's allocator takes the range's ports
 *    in turn, skips a port a host process holds, and fails with "all ports
 *    are allocated" when none is left; `docker port`, `ps` and `inspect`
 *    show the port taken, HostConfig keeps the range; real TCP and UDP
 *    clients on the host reach the container through it.
 */
import { strict as assert } from 'node:assert';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import type { Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, test } from 'node:test';
import { dockerSkip, startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';
import { bindUdp, eventually } from './helpers/net.ts';

let t: TestEngine;
before(async () => {
  if (dockerSkip) return;
  t = await startTestEngine();
});
after(() => t?.close());

async function ok(args: string[]): Promise<string> {
  const r = await t.docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** A non-loopback IPv4 address of this machine. */
function hostAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}
const HOST = hostAddress();
const skip: string | false = dockerSkip || (HOST === null && !process.env.CI ? 'no non-loopback IPv4 address on this machine' : false);


function listenTcp(port: number, address: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, address, () => resolve(server));
  });
}

/** `count` consecutive port numbers free for TCP and UDP on every address right now. */
async function freeRange(count: number): Promise<number> {
  for (let base = 20000 + Math.floor(Math.random() * 20000); ; base += count) {
    const held: (Server | Socket)[] = [];
    try {
      for (let p = base; p < base + count; p++) {
        held.push(await listenTcp(p, '0.0.0.0'));
        held.push(await bindUdp(p, '0.0.0.0'));
      }
      return base;
    } catch {
      // Taken: try further on.
    } finally {
      for (const h of held) h.close();
    }
  }
}

/** Reads what the container's server sends on a TCP connection to 127.0.0.1:`port`. */
function readTcp(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}


test('nc -u in a container reaches a UDP server on the host network; not from an --internal network; not with outbound off', { skip }, async () => {
  const host = HOST!;
  const server = await bindUdp(0, host);
  const seen: string[] = [];
  server.on('message', (message, info) => {
    seen.push(message.toString());
    server.send(`echo ${message.toString()}`, info.port, info.address);
  });
  const port = server.address().port;
  try {
    assert.equal(await ok(['run', '--rm', 'busybox', 'sh', '-c', `echo hello | nc -u -w 1 ${host} ${port}`]), 'echo hello\n');
    assert.deepEqual(seen, ['hello\n']);

    await ok(['network', 'create', '--internal', 'udp-sealed']);
    assert.equal(await ok(['run', '--rm', '--network', 'udp-sealed', 'busybox', 'sh', '-c', `echo sealed | nc -u -w 1 ${host} ${port}`]), '');
    assert.deepEqual(seen, ['hello\n'], 'nothing left the internal network');

    t.engine.network.stack.outbound = false;
    const off = await t.docker(['run', '--rm', 'busybox', 'sh', '-c', `echo off | nc -u -w 1 ${host} ${port}`]);
    assert.equal(off.stderr, `nc: can't connect to remote host (${host}): Network unreachable\n`);
    assert.equal(off.code, 1);
    assert.deepEqual(seen, ['hello\n']);
  } finally {
    t.engine.network.stack.outbound = true;
    server.close();
    await t.docker(['network', 'rm', 'udp-sealed']);
  }
});

test('-p START-END:80 takes the range\'s ports in turn, skips one a host process holds, then "all ports are allocated"', { skip: dockerSkip }, async () => {
  const base = await freeRange(4);
  const range = `${base}-${base + 3}`;
  const names = ['range-a', 'range-b', 'range-c', 'range-d'];
  const run = (name: string) => t.docker(['run', '-d', '--name', name, '-p', `127.0.0.1:${range}:80`, 'busybox', 'sh', '-c', `while true; do echo ${name} | nc -l -p 80; done`]);
  // A host process holds the range's third port.
  const squatter = await listenTcp(base + 2, '127.0.0.1');
  try {
    for (const name of names.slice(0, 3)) assert.equal((await run(name)).code, 0, name);
    assert.equal(await ok(['port', 'range-a']), `80/tcp -> 127.0.0.1:${base}\n`);
    assert.equal(await ok(['port', 'range-b', '80']), `127.0.0.1:${base + 1}\n`);
    assert.equal(await ok(['port', 'range-c']), `80/tcp -> 127.0.0.1:${base + 3}\n`);
    assert.equal(await ok(['ps', '--filter', 'name=range-b', '--format', '{{.Ports}}']), `127.0.0.1:${base + 1}->80/tcp\n`);
    assert.equal(await ok(['inspect', '--format', '{{json .HostConfig.PortBindings}}', 'range-b']), `{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"${range}"}]}\n`);
    assert.equal(await ok(['inspect', '--format', '{{json .NetworkSettings.Ports}}', 'range-b']), `{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"${base + 1}"}]}\n`);
    // Real TCP from the host reaches each container through its port.
    for (const [name, port] of [['range-a', base], ['range-b', base + 1], ['range-c', base + 3]] as const) {
      assert.equal(await eventually(`${name} answers`, () => readTcp(port)), `${name}\n`);
    }
    const full = await run('range-d');
    assert.equal(full.code, 125);
    assert.match(full.stderr, /^docker: Error response from daemon: driver failed programming external connectivity on endpoint range-d \([0-9a-f]{64}\): all ports are allocated\n/);
    // A port comes free: the allocator goes on after the last port it gave and finds it.
    await ok(['rm', '-f', 'range-b']);
    await ok(['start', 'range-d']);
    assert.equal(await ok(['port', 'range-d']), `80/tcp -> 127.0.0.1:${base + 1}\n`);
  } finally {
    squatter.close();
    await t.docker(['rm', '-f', ...names]);
  }
});

test('-p START-END:53/udp publishes one port of the range; a host client\'s datagram gets the reply', { skip: dockerSkip }, async () => {
  const base = await freeRange(3);
  // A host process holds the first port of the range (for UDP only: TCP's ports are another table).
  const squatter = await bindUdp(base, '0.0.0.0');
  const client = await bindUdp(0, '127.0.0.1');
  try {
    await ok(['run', '-d', '--name', 'urange', '-p', `${base}-${base + 2}:53/udp`, 'busybox', 'sh', '-c', 'while true; do echo pong | nc -u -w 1 -l -p 53; done']);
    assert.equal(await ok(['port', 'urange']), `53/udp -> 0.0.0.0:${base + 1}\n53/udp -> [::]:${base + 1}\n`);
    assert.equal(await ok(['inspect', '--format', '{{json .HostConfig.PortBindings}}', 'urange']), `{"53/udp":[{"HostIp":"","HostPort":"${base}-${base + 2}"}]}\n`);
    const reply = await eventually(
      'the UDP server answers',
      () =>
        new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no reply')), 500);
          client.once('message', (m) => {
            clearTimeout(timer);
            resolve(m.toString());
          });
          client.send('ping', base + 1, '127.0.0.1');
        }),
    );
    assert.equal(reply, 'pong\n');
  } finally {
    squatter.close();
    client.close();
    await t.docker(['rm', '-f', 'urange']);
  }
});
