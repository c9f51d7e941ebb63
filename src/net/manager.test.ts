import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Errno, ErrnoError } from '../common/errno.ts';
import { NetworkConflictError, NetworkInvalidError, NetworkNotFoundError } from './errors.ts';
import { NetworkManager } from './manager.ts';
import { StreamSocket } from './stream-socket.ts';
import { DatagramSocket } from './datagram-socket.ts';
import { QTYPE, RCODE, buildQuery, parseResponse } from './dns/message.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

function containerOn(manager: NetworkManager, network: string, name: string, options: { ip?: string; aliases?: string[] } = {}) {
  const ns = manager.createNamespace();
  const endpoint = manager.attach(ns, network, { containerId: name.padEnd(64, '0'), containerName: name, ...options });
  return { ns, endpoint };
}

test('IPAM: serial addresses, --ip, --ip-range, exhaustion, dockerd\'s errors', () => {
  const m = new NetworkManager();
  m.createNetwork({ name: 'small', subnet: '10.1.2.0/29', gateway: '10.1.2.1' });
  const a = containerOn(m, 'small', 'a');
  const b = containerOn(m, 'small', 'b');
  assert.deepEqual([a.endpoint.ip, b.endpoint.ip], ['10.1.2.2', '10.1.2.3']);
  assert.equal(a.endpoint.mac, '02:42:0a:01:02:02');
  m.detach(a.endpoint);
  assert.equal(containerOn(m, 'small', 'c').endpoint.ip, '10.1.2.4', 'a released address is not reused at once');
  assert.equal(containerOn(m, 'small', 'd', { ip: '10.1.2.2' }).endpoint.ip, '10.1.2.2');
  assert.throws(() => containerOn(m, 'small', 'e', { ip: '10.1.2.3' }), NetworkConflictError);
  assert.throws(() => containerOn(m, 'small', 'f', { ip: '10.9.9.9' }), /does not belong to any of this network's subnets/);
  containerOn(m, 'small', 'g');
  containerOn(m, 'small', 'h');
  assert.throws(() => containerOn(m, 'small', 'i'), /no available IPv4 addresses/);
  assert.throws(() => containerOn(m, 'bridge', 'j', { ip: '172.17.0.50' }), /user specified IP address is supported on user defined networks only/);
  m.createNetwork({ name: 'auto' });
  assert.throws(() => containerOn(m, 'auto', 'k', { ip: '172.19.0.50' }), /supported only when connecting to networks with user configured subnets/);
  const ranged = m.createNetwork({ name: 'ranged', subnet: '10.9.0.0/16', ipRange: '10.9.3.0/24' });
  assert.equal(containerOn(m, 'ranged', 'k').endpoint.ip, '10.9.3.1');
  assert.equal(ranged.gateway, '10.9.0.1');
  assert.throws(() => m.createNetwork({ name: 'bad', subnet: '10.20.0.0/16', gateway: '10.21.0.1' }), NetworkInvalidError);
  assert.throws(() => m.createNetwork({ name: 'bad', subnet: '10.20.0.0/33' }), /invalid CIDR address/);
  assert.throws(() => m.removeNetwork('small'), /has active endpoints/);
  assert.throws(() => m.get('nope'), NetworkNotFoundError);
  assert.equal(m.get(ranged.id.slice(0, 6)), ranged, 'a unique ID prefix finds the network');
});

test('the embedded DNS answers real DNS queries over UDP at 127.0.0.11:53', async () => {
  const m = new NetworkManager();
  m.createNetwork({ name: 'dnsnet' });
  const web = containerOn(m, 'dnsnet', 'web', { aliases: ['www'] });
  const client = containerOn(m, 'dnsnet', 'client');
  const socket = new DatagramSocket(client.ns, 4, 'udp');
  const ask = async (name: string, type: number) => {
    socket.send(buildQuery(7, name, type), 0, { ip: '127.0.0.11', port: 53 });
    for (let i = 0; i < 50; i++) {
      try {
        return parseResponse(socket.recv(4096, 0).data);
      } catch (error) {
        if (!(error instanceof ErrnoError && error.errno === Errno.EAGAIN)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
    throw new Error('no answer');
  };
  const a = await ask('www', QTYPE.A);
  assert.equal(a.rcode, RCODE.NOERROR);
  assert.equal(a.authoritative, false);
  assert.deepEqual(a.answers, [{ type: QTYPE.A, address: web.endpoint.ip }]);
  assert.deepEqual((await ask('web.dnsnet', QTYPE.AAAA)).answers, []);
  assert.equal((await ask('nothere', QTYPE.A)).rcode, RCODE.NXDOMAIN);
  const ptr = await ask(`${web.endpoint.ip!.split('.').reverse().join('.')}.in-addr.arpa`, QTYPE.PTR);
  assert.deepEqual(ptr.answers, [{ type: QTYPE.PTR, target: 'web.dnsnet' }]);
  // The default bridge has no embedded DNS.
  const legacy = containerOn(m, 'bridge', 'legacy');
  assert.equal(legacy.ns.names, null);
  assert.equal(legacy.ns.udpServices.size, 0);
});

test('without a host (browsers), published ports live inside the engine and connectPublished reaches them', async () => {
  const m = new NetworkManager();
  m.createNetwork({ name: 'pub' });
  const c = containerOn(m, 'pub', 'server');
  const listener = new StreamSocket(c.ns, 4);
  listener.bind({ ip: '0.0.0.0', port: 80 });
  listener.listen(8);
  const port = await m.publish(c.ns, { containerPort: 80, hostPort: 8080 });
  assert.equal(port.toString(), '80/tcp -> 0.0.0.0:8080');
  await assert.rejects(m.publish(c.ns, { containerPort: 81, hostPort: 8080 }), /Bind for 0\.0\.0\.0:8080 failed: port is already allocated/);
  const ephemeral = await m.publish(c.ns, { containerPort: 81 });
  assert.equal(ephemeral.hostPort, 32768, '-P starts at 32768 as dockerd');
  const handle = await m.connectPublished(8080);
  const conn = listener.accept();
  assert.deepEqual(conn.remote, { ip: m.get('pub').gateway, port: handle.local.port }, 'the container sees the gateway as its peer');
  await handle.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
  handle.end();
  assert.equal(text(conn.recv(100, 0).data), 'GET / HTTP/1.0\r\n\r\n');
  conn.send(new TextEncoder().encode('HTTP/1.0 200 OK\r\n\r\nhi'), 0, null);
  conn.close();
  assert.equal(text(await handle.readAll()), 'HTTP/1.0 200 OK\r\n\r\nhi');
  await assert.rejects(m.connectPublished(9999), NetworkNotFoundError);
  await m.releaseNamespace(c.ns);
  await assert.rejects(m.connectPublished(8080), NetworkNotFoundError);
});

test('a namespace without a way out: ENETUNREACH for outside addresses (and one warning)', async () => {
  const m = new NetworkManager();
  const c = containerOn(m, 'bridge', 'offline');
  const s = new StreamSocket(c.ns, 4);
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args);
  try {
    assert.throws(() => s.connect({ ip: '203.0.113.5', port: 80 }), (e: unknown) => e instanceof ErrnoError && e.errno === Errno.ENETUNREACH);
    assert.throws(() => new StreamSocket(c.ns, 4).connect({ ip: '203.0.113.6', port: 80 }), ErrnoError);
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1);
});
