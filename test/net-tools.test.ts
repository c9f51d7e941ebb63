/**
 * The netutils applets (wasm/src/netutils) in containers on Drydock networks:
 * wget by name across a user network, nc both ways, nslookup against the
 * embedded DNS, ping, ip, ifconfig, netstat, route. Outputs are compared
 * with what busybox prints in a real Docker container (formats recorded from
 * dockerd 20.10 + busybox 1.35).
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { NetworkManager } from '../src/net/manager.ts';
import type { NetworkNamespace } from '../src/net/namespace.ts';
import { NodeHostNetwork } from '../src/platform/node/net-host.ts';
import { FixedInput, run, sandbox, start, waitForOutput } from './helpers/kernel-harness.ts';
import type { RunResult } from './helpers/kernel-harness.ts';
import { netKernel } from './net-harness.ts';

const kernel = await netKernel({ warmWorkers: 3 });
const manager = new NetworkManager({ host: new NodeHostNetwork(), connectTimeoutMs: 1500, arpTimeoutMs: 300 });
after(() => kernel.shutdown());

let count = 0;
/** A container: namespace, networks, and an /etc with the files dockerd writes. */
function container(name: string, networks: string[], aliases: string[] = []) {
  const ns = manager.createNamespace();
  const id = `${(++count).toString(16)}`.padStart(12, '0') + 'f'.repeat(52);
  for (const network of networks) manager.attach(ns, network, { containerId: id, containerName: name, aliases });
  const etc = mkdtempSync(join(tmpdir(), `drydock-etc-${name}-`));
  writeFileSync(join(etc, 'hosts'), manager.hostsFileFor(ns, { hostname: id.slice(0, 12) }));
  writeFileSync(join(etc, 'resolv.conf'), manager.resolvConfFor(ns));
  const www = mkdtempSync(join(tmpdir(), `drydock-www-${name}-`));
  writeFileSync(join(www, 'index.html'), `hello from ${name}\n`);
  mkdirSync(join(www, 'dir'));
  return { ns, etc, www, id };
}

type Box = ReturnType<typeof container>;

function tool(box: Box, args: string[], stdin = ''): Promise<RunResult> {
  return run(kernel, '/shipped/netutils.wasm', args, {
    net: box.ns,
    mounts: sandbox({ '/etc': box.etc, '/www': box.www }),
    cwd: '/tmp',
    stdin: new FixedInput(stdin),
  });
}

function ipOf(ns: NetworkNamespace): string {
  return manager.endpointsOf(ns)[0]!.ip!;
}

manager.createNetwork({ name: 'app' });
const web = container('web', ['app'], ['www']);
const cli = container('cli', ['app']);
const httpd = await start(kernel, '/shipped/httpd.wasm', ['-p', '80', '-r', '/www', '-q'], {
  net: web.ns,
  mounts: sandbox({ '/etc': web.etc, '/www': web.www }),
});
await waitForOutput(httpd.stderr, 'serving');

test('wget -q -O - by name, by alias and by IP across a user network', async () => {
  for (const host of ['web', 'www', ipOf(web.ns)]) {
    const r = await tool(cli, ['wget', '-q', '-O', '-', `http://${host}/`]);
    assert.equal(r.stdout, 'hello from web\n', `wget ${host}`);
    assert.equal(r.exit.exitCode, 0);
  }
});

test('wget saves a file with busybox\'s messages; errors as busybox words them', async () => {
  const saved = await tool(cli, ['wget', 'http://web/index.html', '-O', '/tmp/got.html']);
  assert.equal(saved.exit.exitCode, 0, saved.stderr);
  const lines = saved.stderr.split('\n');
  assert.equal(lines[0], `Connecting to web (${ipOf(web.ns)}:80)`);
  assert.equal(lines[1], "saving to '/tmp/got.html'");
  assert.match(lines[2]!, /^\/tmp\/got\.html\s+100% \|\*{32}\|\s+15\s+0:00:00 ETA$/);
  assert.equal(lines[3], "'/tmp/got.html' saved");
  const missing = await tool(cli, ['wget', '-q', 'http://web/nope']);
  assert.equal(missing.stderr, 'wget: server returned error: HTTP/1.1 404 Not Found\n');
  assert.equal(missing.exit.exitCode, 1);
  const unknown = await tool(cli, ['wget', '-q', 'http://nosuchhost/']);
  assert.equal(unknown.stderr, "wget: bad address 'nosuchhost'\n");
  const redirected = await tool(cli, ['wget', '-q', '-O', '-', 'http://web/dir']);
  assert.equal(redirected.stderr, 'wget: server returned error: HTTP/1.1 403 Forbidden\n', 'followed the 301 to /dir/, which has no index');
});

test('nc: data flows both ways between nc and nc -l, and refused ports say so', async () => {
  const waitListening = async (port: number) => {
    // nc -l is ready once its socket listens in the namespace's port table.
    while (![...web.ns.tcp.holders(port)].some((s) => s.listening)) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  // Client to server: the client's input ends, which half-closes; the server prints it and ends too.
  const sink = await start(kernel, '/shipped/netutils.wasm', ['nc', '-l', '-p', '4000'], {
    net: web.ns,
    mounts: sandbox({ '/etc': web.etc }),
    stdin: new FixedInput('', true),
  });
  await waitListening(4000);
  const sender = await tool(cli, ['nc', 'web', '4000'], 'hello server\n');
  assert.equal(sender.exit.exitCode, 0);
  assert.equal((await sink.proc.exited).exitCode, 0);
  assert.equal(sink.stdout.text(), 'hello server\n');
  // Server to client: the server's input ends; the client prints it and ends when the server's side closes.
  const source = await start(kernel, '/shipped/netutils.wasm', ['nc', '-l', '-p', '4001'], {
    net: web.ns,
    mounts: sandbox({ '/etc': web.etc }),
    stdin: new FixedInput('reply from the server\n'),
  });
  await waitListening(4001);
  const receiver = await run(kernel, '/shipped/netutils.wasm', ['nc', 'web', '4001'], {
    net: cli.ns,
    mounts: sandbox({ '/etc': cli.etc }),
    stdin: new FixedInput('', true),
  });
  assert.equal(receiver.stdout, 'reply from the server\n');
  assert.equal((await source.proc.exited).exitCode, 0);
  const refused = await tool(cli, ['nc', 'web', '4002']);
  assert.equal(refused.stderr, `nc: can't connect to remote host (${ipOf(web.ns)}): Connection refused\n`);
  assert.equal(refused.exit.exitCode, 1);
});

test('nslookup asks the embedded DNS at 127.0.0.11 (busybox 1.35 output)', async () => {
  const found = await tool(cli, ['nslookup', 'web']);
  assert.equal(
    found.stdout,
    `Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\nName:\tweb\nAddress: ${ipOf(web.ns)}\n\nNon-authoritative answer:\n\n`,
  );
  assert.equal(found.exit.exitCode, 0);
  const missing = await tool(cli, ['nslookup', 'nothere']);
  assert.equal(
    missing.stdout,
    'Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n** server can\'t find nothere: NXDOMAIN\n\n** server can\'t find nothere: NXDOMAIN\n\n',
  );
  assert.equal(missing.exit.exitCode, 1);
  const reverse = await tool(cli, ['nslookup', ipOf(web.ns)]);
  const arpa = ipOf(web.ns).split('.').reverse().join('.');
  assert.equal(reverse.stdout, `Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\n${arpa}.in-addr.arpa\tname = web.app\n\n`);
});

test('ping another container by name (busybox output)', async () => {
  const r = await tool(cli, ['ping', '-c', '2', '-i', '0.2', 'web']);
  const ip = ipOf(web.ns);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], `PING web (${ip}): 56 data bytes`);
  assert.match(lines[1]!, new RegExp(`^64 bytes from ${ip.replace(/\./g, '\\.')}: seq=0 ttl=64 time=\\d+\\.\\d{3} ms$`));
  assert.match(lines[2]!, /: seq=1 ttl=64 time=/);
  assert.equal(lines[4], '--- web ping statistics ---');
  assert.equal(lines[5], '2 packets transmitted, 2 packets received, 0% packet loss');
  assert.match(lines[6]!, /^round-trip min\/avg\/max = [\d.]+\/[\d.]+\/[\d.]+ ms$/);
  assert.equal(r.exit.exitCode, 0);
  manager.createNetwork({ name: 'elsewhere' });
  const far = container('far', ['elsewhere']);
  const lost = await tool(cli, ['ping', '-c', '1', '-W', '1', ipOf(far.ns)]);
  assert.equal(lost.stdout, `PING ${ipOf(far.ns)} (${ipOf(far.ns)}): 56 data bytes\n\n--- ${ipOf(far.ns)} ping statistics ---\n1 packets transmitted, 0 packets received, 100% packet loss\n`);
  assert.equal(lost.exit.exitCode, 1);
});

test('ip addr, ip route, route -n, ifconfig show the container\'s interfaces as busybox does', async () => {
  const ip = ipOf(cli.ns);
  const mac = manager.endpointsOf(cli.ns)[0]!.mac;
  const subnet = String(manager.get('app').subnet);
  const gateway = manager.get('app').gateway!;
  const broadcast = ip.replace(/\.\d+\.\d+$/, '.255.255');
  const addr = await tool(cli, ['ip', '-4', 'addr', 'show', 'eth0']);
  assert.equal(
    addr.stdout,
    `2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue \n    link/ether ${mac} brd ff:ff:ff:ff:ff:ff\n    inet ${ip}/16 brd ${broadcast} scope global eth0\n       valid_lft forever preferred_lft forever\n`,
  );
  const all = await tool(cli, ['ip', 'a']);
  assert.match(all.stdout, /^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\n    link\/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    inet 127\.0\.0\.1\/8 scope host lo\n/);
  const route = await tool(cli, ['ip', 'route']);
  assert.equal(route.stdout, `default via ${gateway} dev eth0 \n${subnet} dev eth0 scope link  src ${ip} \n`);
  const table = await tool(cli, ['route', '-n']);
  assert.equal(
    table.stdout,
    'Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n' +
      `0.0.0.0         ${gateway.padEnd(15)} 0.0.0.0         UG    0      0        0 eth0\n` +
      `${subnet.split('/')[0]!.padEnd(15)} 0.0.0.0         255.255.0.0     U     0      0        0 eth0\n`,
  );
  const ifc = await tool(cli, ['ifconfig']);
  assert.match(
    ifc.stdout,
    new RegExp(
      `^eth0      Link encap:Ethernet  HWaddr ${mac.toUpperCase()}  \n          inet addr:${ip.replace(/\./g, '\\.')}  Bcast:${broadcast.replace(/\./g, '\\.')}  Mask:255\\.255\\.0\\.0\n          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1\n`,
    ),
  );
  assert.match(ifc.stdout, /\nlo        Link encap:Local Loopback  \n          inet addr:127\.0\.0\.1  Mask:255\.0\.0\.0\n/);
});

test('netstat -tln lists the listening server; -tn shows an established connection', async () => {
  const listening = await tool(web, ['netstat', '-tln']);
  assert.equal(
    listening.stdout,
    'Active Internet connections (only servers)\nProto Recv-Q Send-Q Local Address           Foreign Address         State       \n' +
      'tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN      \n',
  );
});

test('nslookup on the default bridge asks the host\'s nameserver (answered by the host resolver)', async () => {
  const legacy = container('legacy', ['bridge']);
  const r = await tool(legacy, ['nslookup', 'localhost']);
  assert.match(r.stdout, /^Server:\t\t\S+\nAddress:\t\S+:53\n\n/);
  assert.match(r.stdout, /Name:\tlocalhost\nAddress: 127\.0\.0\.1\n/);
});
