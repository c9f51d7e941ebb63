/**
 * Docker networks through the real docker CLI: the lessons' four things (a
 * web server, a client reaching it by name, a port published to the host,
 * networks that isolate) and the network commands' output and errors, as a
 * dockerd 20.10 prints them (recorded from one on this machine).
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dockerSkip, startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';
import { eventually } from './helpers/net.ts';

const execFileAsync = promisify(execFile);
let t: TestEngine;
before(async () => {
  if (!dockerSkip) t = await startTestEngine();
});
after(() => t?.close());

async function ok(args: string[], input?: string): Promise<string> {
  const r = await t.docker(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `docker ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** A TCP port nothing listens on right now (the OS picks it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The host's curl: a real client outside the engine. */
async function curl(url: string): Promise<string> {
  const { stdout } = await execFileAsync('curl', ['-sS', '--max-time', '10', url], { encoding: 'utf8' });
  return stdout;
}

const WEB_SCRIPT = 'mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p 80 -h /www';


test('network create, ls, inspect, and the errors for duplicates and missing networks', { skip: dockerSkip }, async () => {
  const id = (await ok(['network', 'create', 'ls1'])).trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  const dup = await t.docker(['network', 'create', 'ls1']);
  assert.deepEqual([dup.code, dup.stderr], [1, 'Error response from daemon: network with name ls1 already exists\n']);
  const ls = await ok(['network', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}}']);
  for (const line of ['bridge bridge local', 'host host local', 'ls1 bridge local', 'none null local']) assert.ok(ls.split('\n').includes(line), ls);
  const ipam = JSON.parse(await ok(['network', 'inspect', 'ls1', '--format', '{{json .IPAM}}'])) as { Driver: string; Config: { Subnet: string; Gateway: string }[] };
  assert.equal(ipam.Driver, 'default');
  assert.match(ipam.Config[0]!.Subnet, /^172\.\d+\.0\.0\/16$/);
  assert.equal(ipam.Config[0]!.Gateway, ipam.Config[0]!.Subnet.replace('0/16', '1'));
  assert.equal(await ok(['network', 'inspect', 'ls1', '--format', '{{.Id}} {{.Internal}} {{.Attachable}}']), `${id} false false\n`);
  for (const args of [['network', 'inspect', 'nope'], ['network', 'rm', 'nope'], ['network', 'connect', 'nope', 'x']]) {
    const r = await t.docker(args);
    // The CLI adds "exit status 1" after a failed rm, as it does against dockerd.
    const tail = args[1] === 'rm' ? 'exit status 1\n' : '';
    assert.equal(r.stderr, `Error response from daemon: network nope not found\n${tail}`, args.join(' '));
    assert.equal(r.code, 1);
  }
  const run = await t.docker(['run', '--rm', '--network', 'nope', 'busybox', 'true']);
  assert.equal(run.code, 125);
  // As dockerd 20.10: create succeeds, start fails, and --rm removes the container.
  assert.match(run.stderr, /^docker: Error response from daemon: network nope not found\n/);
  assert.equal(await ok(['ps', '-aq']), '');
  const custom = await ok(['network', 'create', '--subnet', '10.10.0.0/24', '--gateway', '10.10.0.254', '--ip-range', '10.10.0.128/25', 'ls2']);
  assert.match(custom, /^[0-9a-f]{64}\n$/);
  assert.equal(await ok(['network', 'inspect', 'ls2', '--format', '{{json .IPAM.Config}}']), '[{"Subnet":"10.10.0.0/24","IPRange":"10.10.0.128/25","Gateway":"10.10.0.254"}]\n');
  // Addresses come from the range; the gateway is the one given.
  assert.match(await ok(['run', '--rm', '--network', 'ls2', 'busybox', 'ip', '-4', 'route']), /^default via 10\.10\.0\.254 dev eth0/);
  assert.match(await ok(['run', '--rm', '--network', 'ls2', 'busybox', 'ip', '-4', 'addr', 'show', 'eth0']), /inet 10\.10\.0\.(1[3-9]\d|2\d\d)\/24 /);
  assert.equal(await ok(['network', 'rm', 'ls1', 'ls2']), 'ls1\nls2\n');
});

test('a client reaches a web server by name on a user network, and by alias after connect', { skip: dockerSkip }, async () => {
  await ok(['network', 'create', 'web-net']);
  await ok(['run', '-d', '--name', 'web', '--hostname', 'webhost', '--network', 'web-net', 'busybox', 'sh', '-c', WEB_SCRIPT]);
  try {
    const page = await eventually('wget web', () => ok(['run', '--rm', '--network', 'web-net', 'busybox', 'wget', '-q', '-O', '-', 'http://web/']));
    assert.equal(page, 'hello from webhost\n');
    assert.match(await ok(['run', '--rm', '--network', 'web-net', 'busybox', 'nslookup', 'web']), /^Server:\t\t127\.0\.0\.11\nAddress:\t127\.0\.0\.11:53\n\nNon-authoritative answer:\nName:\tweb\nAddress: 172\.\d+\.0\.2\n/);
    // Docker's files for a user network: the embedded DNS, and the container's own name.
    assert.equal(await ok(['run', '--rm', '--network', 'web-net', 'busybox', 'cat', '/etc/resolv.conf']), 'nameserver 127.0.0.11\noptions ndots:0\n');
    assert.match(await ok(['run', '--rm', '--network', 'web-net', '--hostname', 'hh', 'busybox', 'cat', '/etc/hosts']), /\n172\.\d+\.0\.\d+\thh\n$/);

    // The network is in use while web runs.
    const id = (await ok(['network', 'inspect', 'web-net', '--format', '{{.Id}}'])).trim();
    const rm = await t.docker(['network', 'rm', 'web-net']);
    assert.equal(rm.stderr, `Error response from daemon: error while removing network: network web-net id ${id} has active endpoints\nexit status 1\n`);
    assert.equal(rm.code, 1);
    const members = await ok(['network', 'inspect', 'web-net', '--format', '{{range .Containers}}{{.Name}} {{end}}']);
    assert.equal(members, 'web \n');

    // connect with an alias: reachable under it from the other network.
    await ok(['network', 'create', 'alias-net']);
    await ok(['network', 'connect', '--alias', 'www', 'alias-net', 'web']);
    assert.equal(await eventually('wget www', () => ok(['run', '--rm', '--network', 'alias-net', 'busybox', 'wget', '-q', '-O', '-', 'http://www/'])), 'hello from webhost\n');
    const shortId = (await ok(['inspect', '--format', '{{.Id}}', 'web'])).trim().slice(0, 12);
    assert.equal(await ok(['inspect', '--format', '{{json (index .NetworkSettings.Networks "alias-net").Aliases}}', 'web']), `["www","${shortId}"]\n`);
    await ok(['network', 'disconnect', 'alias-net', 'web']);
    const again = await t.docker(['network', 'disconnect', 'alias-net', 'web']);
    const fullId = (await ok(['inspect', '--format', '{{.Id}}', 'web'])).trim();
    assert.equal(again.stderr, `Error response from daemon: container ${fullId} is not connected to network alias-net\n`);
    const gone = await t.docker(['run', '--rm', '--network', 'alias-net', 'busybox', 'wget', '-q', '-O', '-', 'http://www/']);
    assert.deepEqual([gone.code, gone.stderr], [1, "wget: bad address 'www'\n"]);
  } finally {
    await t.docker(['rm', '-f', 'web']);
    await t.docker(['network', 'rm', 'web-net', 'alias-net']);
  }
});

test('isolation: no names on the default bridge, no route between networks, no way out of --internal', { skip: dockerSkip }, async () => {
  await ok(['network', 'create', 'iso-a']);
  await ok(['network', 'create', '--internal', 'iso-int']);
  await ok(['run', '-d', '--name', 'iso-web', '--network', 'iso-a', 'busybox', 'sh', '-c', WEB_SCRIPT]);
  await ok(['run', '-d', '--name', 'iso-sleeper', 'busybox', 'sleep', '1000']);
  try {
    const ip = (await ok(['inspect', '--format', '{{(index .NetworkSettings.Networks "iso-a").IPAddress}}', 'iso-web'])).trim();
    await eventually('web up', () => ok(['run', '--rm', '--network', 'iso-a', 'busybox', 'wget', '-q', '-O', '-', `http://${ip}/`]));
    // The default bridge has no DNS by container name, but addresses work on it.
    const byName = await t.docker(['run', '--rm', 'busybox', 'ping', '-c', '1', 'iso-sleeper']);
    assert.deepEqual([byName.code, byName.stderr], [1, "ping: bad address 'iso-sleeper'\n"]);
    const sleeperIp = (await ok(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', 'iso-sleeper'])).trim();
    assert.match(sleeperIp, /^172\.17\.0\.\d+$/);
    assert.match(await ok(['run', '--rm', 'busybox', 'ping', '-c', '1', sleeperIp]), new RegExp(`^PING ${sleeperIp.replace(/\./g, '\\.')} \\(${sleeperIp.replace(/\./g, '\\.')}\\): 56 data bytes\n64 bytes from `));
    // From the default bridge, a container on iso-a cannot be reached, even by address.
    const across = await t.docker(['run', '--rm', 'busybox', 'wget', '-q', '-T', '2', '-O', '-', `http://${ip}/`]);
    assert.notEqual(across.code, 0);
    assert.equal(across.stdout, '');
    // An internal network reaches its members but nothing outside it.
    await ok(['network', 'connect', 'iso-int', 'iso-web']);
    assert.equal(await eventually('wget on internal', () => ok(['run', '--rm', '--network', 'iso-int', 'busybox', 'wget', '-q', '-O', '-', 'http://iso-web/'])), `hello from ${(await ok(['inspect', '--format', '{{.Config.Hostname}}', 'iso-web'])).trim()}\n`);
    const out = await t.docker(['run', '--rm', '--network', 'iso-int', 'busybox', 'wget', '-q', '-T', '2', '-O', '-', 'http://1.1.1.1/']);
    assert.notEqual(out.code, 0);
    // As on dockerd, the route is there; the traffic just goes nowhere.
    assert.match(await ok(['run', '--rm', '--network', 'iso-int', 'busybox', 'ip', '-4', 'route']), /^default via 172\.\d+\.0\.1 dev eth0/);
  } finally {
    await t.docker(['rm', '-f', 'iso-web', 'iso-sleeper']);
    await t.docker(['network', 'rm', 'iso-a', 'iso-int']);
  }
});

test('--network none, host and container:NAME', { skip: dockerSkip }, async () => {
  const none = await ok(['run', '--rm', '--network', 'none', 'busybox', 'ip', 'addr']);
  assert.match(none, /^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 /);
  assert.doesNotMatch(none, /eth0/);
  // A host-network container has the engine host's name (what docker info calls Name).
  assert.equal(await ok(['run', '--rm', '--network', 'host', 'busybox', 'hostname']), await ok(['info', '--format', '{{.Name}}']));
  const warned = await t.docker(['run', '--rm', '--network', 'host', '-p', '1234:80', 'busybox', 'true']);
  assert.equal(warned.code, 0);
  assert.match(warned.stderr, /Published ports are discarded when using host network mode/);

  await ok(['run', '-d', '--name', 'owner', 'busybox', 'sh', '-c', WEB_SCRIPT]);
  try {
    const ownerHost = (await ok(['inspect', '--format', '{{.Config.Hostname}}', 'owner'])).trim();
    assert.equal(await ok(['run', '--rm', '--network', 'container:owner', 'busybox', 'hostname']), `${ownerHost}\n`);
    // The joiner shares owner's loopback: owner's server answers on 127.0.0.1.
    assert.equal(await eventually('wget over shared lo', () => ok(['run', '--rm', '--network', 'container:owner', 'busybox', 'wget', '-q', '-O', '-', 'http://127.0.0.1/'])), `hello from ${ownerHost}\n`);
    const conflict = await t.docker(['run', '--rm', '--network', 'container:owner', '-p', '80:80', 'busybox', 'true']);
    assert.equal(conflict.code, 125);
    assert.match(conflict.stderr, /conflicting options: port publishing and the container type network mode/);
    await ok(['stop', '-t', '1', 'owner']);
    const ownerId = (await ok(['inspect', '--format', '{{.Id}}', 'owner'])).trim();
    const stopped = await t.docker(['run', '--rm', '--network', 'container:owner', 'busybox', 'true']);
    assert.equal(stopped.code, 125);
    assert.match(stopped.stderr, new RegExp(`cannot join network of a non running container: ${ownerId}`));
    const missing = await t.docker(['run', '--rm', '--network', 'container:ghost', 'busybox', 'true']);
    assert.match(missing.stderr, /No such container: ghost/);
  } finally {
    await t.docker(['rm', '-f', 'owner']);
  }
});

test('published ports: -p, -P, docker port, a real curl from the host, and a conflict', { skip: dockerSkip }, async () => {
  const port = await freePort();
  await ok(['run', '-d', '--name', 'pub', '-p', `${port}:80`, 'nginx']);
  try {
    assert.equal(await ok(['port', 'pub']), `80/tcp -> 0.0.0.0:${port}\n80/tcp -> [::]:${port}\n`);
    assert.equal(await ok(['port', 'pub', '80']), `0.0.0.0:${port}\n[::]:${port}\n`);
    const none = await t.docker(['port', 'pub', '81']);
    assert.deepEqual([none.code, none.stderr], [1, "Error: No public port '81' published for pub\n"]);
    assert.equal(await ok(['ps', '--filter', 'name=pub', '--format', '{{.Ports}}']), `0.0.0.0:${port}->80/tcp, [::]:${port}->80/tcp\n`);
    const page = await eventually('curl nginx', () => curl(`http://127.0.0.1:${port}/`));
    assert.match(page, /<title>Welcome to nginx!<\/title>/);
    // nginx logs the request in its combined format, from the gateway's address.
    const logs = await eventually('access log', async () => {
      const out = await ok(['logs', 'pub']);
      if (!out.includes('"GET / HTTP/1.1" 200')) throw new Error(`no access log line yet: ${out}`);
      return out;
    });
    assert.match(logs, /^172\.17\.0\.1 - - \[[^\]]+\] "GET \/ HTTP\/1\.1" 200 \d+ "-" "curl\/[\d.]+"$/m);

    const clash = await t.docker(['run', '-d', '--name', 'clash', '-p', `${port}:80`, 'busybox', 'sleep', '5']);
    assert.equal(clash.code, 125);
    assert.match(clash.stderr, new RegExp(`^docker: Error response from daemon: driver failed programming external connectivity on endpoint clash \\([0-9a-f]{64}\\): Bind for 0\\.0\\.0\\.0:${port} failed: port is already allocated\n`));
    assert.equal(await ok(['ps', '-a', '--filter', 'name=clash', '--format', '{{.Status}}']), 'Created\n');

    await ok(['run', '-d', '--name', 'eph', '-P', '--expose', '90', 'busybox', 'sleep', '1000']);
    const eph = await ok(['port', 'eph']);
    const match = /^90\/tcp -> 0\.0\.0\.0:(\d+)\n90\/tcp -> \[::\]:(\d+)\n$/.exec(eph);
    assert.ok(match, eph);
    assert.equal(match[1], match[2]);
    assert.ok(Number(match[1]) >= 32768 && Number(match[1]) <= 60999, eph);
  } finally {
    await t.docker(['rm', '-f', 'pub', 'clash', 'eph']);
  }
  // The port is free again once the container is gone.
  const reuse = await t.docker(['run', '-d', '--name', 'reuse', '-p', `${port}:80`, 'nginx']);
  assert.equal(reuse.code, 0, reuse.stderr);
  await t.docker(['rm', '-f', 'reuse']);
});

test('network prune removes unused user networks only', { skip: dockerSkip }, async () => {
  await ok(['network', 'create', 'pr-used']);
  await ok(['network', 'create', 'pr-unused']);
  await ok(['run', '-d', '--name', 'pr-c', '--network', 'pr-used', 'busybox', 'sleep', '1000']);
  try {
    assert.equal(await ok(['network', 'prune', '-f']), 'Deleted Networks:\npr-unused\n\n');
    assert.match(await ok(['network', 'ls', '--format', '{{.Name}}']), /^pr-used$/m);
  } finally {
    await t.docker(['rm', '-f', 'pr-c']);
    await t.docker(['network', 'rm', 'pr-used']);
  }
});

test('--ip on a user network with a subnet; refused on the default bridge', { skip: dockerSkip }, async () => {
  await ok(['network', 'create', '--subnet', '10.20.0.0/24', 'ipnet']);
  try {
    assert.match(await ok(['run', '--rm', '--network', 'ipnet', '--ip', '10.20.0.50', 'busybox', 'ip', '-4', 'addr', 'show', 'eth0']), /inet 10\.20\.0\.50\/24 /);
    const bad = await t.docker(['run', '--rm', '--ip', '172.17.0.50', 'busybox', 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /^docker: Error response from daemon: user specified IP address is supported on user defined networks only\n/);
  } finally {
    await t.docker(['network', 'rm', 'ipnet']);
  }
});

test("/proc/net is the container's namespace in Linux's formats (netstat and route read it)", { skip: dockerSkip }, async () => {
  await ok(['network', 'create', '--subnet', '10.30.0.0/16', 'procnet']);
  try {
    const out = await ok(['run', '--rm', '--network', 'procnet', 'busybox', 'sh', '-c', 'nc -l -p 7000 & until grep -q :1B58 /proc/net/tcp; do sleep 0.1; done; readlink /proc/net; cat /proc/net/route; head -2 /proc/net/tcp; netstat -tln; route -n']);
    // The last fields of a socket line are its inode (which varies) and a reference count.
    assert.equal(
      out.replace(/^( +0: 00000000:1B58 .* 0 +0 )\d+ 1$/m, '$1INODE 1'),
      'self/net\n' +
        'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' +
        'eth0\t00000000\t01001E0A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n' +
        'eth0\t00001E0A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n' +
        '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
        '   0: 00000000:1B58 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 INODE 1\n' +
        'Active Internet connections (only servers)\n' +
        'Proto Recv-Q Send-Q Local Address           Foreign Address         State       \n' +
        'tcp        0      0 0.0.0.0:7000            0.0.0.0:*               LISTEN      \n' +
        'Kernel IP routing table\n' +
        'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n' +
        '0.0.0.0         10.30.0.1       0.0.0.0         UG    0      0        0 eth0\n' +
        '10.30.0.0       0.0.0.0         255.255.0.0     U     0      0        0 eth0\n',
    );
  } finally {
    await t.docker(['network', 'rm', 'procnet']);
  }
});

test('traffic is counted per interface: /proc/net/dev, ifconfig and docker stats', { skip: dockerSkip }, async () => {
  await ok(['network', 'create', 'count-net']);
  await ok(['run', '-d', '--name', 'counted', '--network', 'count-net', 'busybox', 'sh', '-c', WEB_SCRIPT]);
  try {
    const before = await ok(['stats', '--no-stream', '--format', '{{.NetIO}}', 'counted']);
    assert.equal(before, '0B / 0B\n');
    await eventually('wget counted', () => ok(['run', '--rm', '--network', 'count-net', 'busybox', 'wget', '-q', '-O', '-', 'http://counted/']));
    const dev = await ok(['exec', 'counted', 'cat', '/proc/net/dev']);
    const eth0 = /^ +eth0: +(\d+) +(\d+) +0 +0 +0 +0 +0 +0 +(\d+) +(\d+) /m.exec(dev);
    assert.ok(eth0, dev);
    const [rxBytes, rxPackets, txBytes, txPackets] = eth0.slice(1).map(Number) as [number, number, number, number];
    // The request came in (at least its request line), the page went out (its body and headers).
    assert.ok(rxBytes > 'GET / HTTP/1.1\r\n'.length && rxPackets > 0, dev);
    assert.ok(txBytes > 'hello from xxxxxxxxxxxx\n'.length && txPackets > 0, dev);
    const stats = await ok(['stats', '--no-stream', '--format', '{{.NetIO}}', 'counted']);
    assert.match(stats, /^\d+(\.\d+)?k?B \/ \d+(\.\d+)?k?B\n$/);
    assert.notEqual(stats, '0B / 0B\n');
    assert.match(await ok(['exec', 'counted', 'ifconfig', 'eth0']), new RegExp(`RX packets:${rxPackets} `));
  } finally {
    await t.docker(['rm', '-f', 'counted']);
    await t.docker(['network', 'rm', 'count-net']);
  }
});

test('a container:X joiner keeps its namespace (loopback, not eth0) when X stops, as a netns a process holds', { skip: dockerSkip }, async () => {
  await ok(['run', '-d', '--name', 'holder', 'busybox', 'sleep', '1000']);
  await ok(['run', '-d', '--name', 'joiner', '--network', 'container:holder', 'busybox', 'sh', '-c', WEB_SCRIPT]);
  try {
    const host = (await ok(['inspect', '--format', '{{.Config.Hostname}}', 'holder'])).trim();
    assert.equal(await eventually('joiner up', () => ok(['exec', 'joiner', 'wget', '-q', '-O', '-', 'http://127.0.0.1/'])), `hello from ${host}\n`);
    assert.match(await ok(['exec', 'joiner', 'ip', 'addr']), /eth0/);
    await ok(['stop', '-t', '1', 'holder']);
    assert.equal(await ok(['exec', 'joiner', 'wget', '-q', '-O', '-', 'http://127.0.0.1/']), `hello from ${host}\n`);
    assert.doesNotMatch(await ok(['exec', 'joiner', 'ip', 'addr']), /eth0/);
  } finally {
    await t.docker(['rm', '-f', 'joiner', 'holder']);
  }
});
