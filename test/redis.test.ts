/**
 * redis-server and redis-cli (wasm/src/redis) under the kernel.
 *
 * The server runs in a container namespace with 6379 published on the host;
 * Debian's real redis-cli (7.0, package redis-tools) and node:net clients
 * drive it from the host: every command of the issue, Redis's error replies,
 * pipelining, inline commands, protocol errors, binary values, 60 concurrent
 * clients, a slow reader, expiry, transactions, startup and shutdown logs.
 * Our redis-cli runs in a second namespace on the same user network and
 * reaches the server by name; a differential runs one script through the
 * real redis-cli and ours (raw and terminal formats) and compares the output.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SIG } from '../src/kernel/abi/linux.ts';
import { HostInputDescription, HostOutputDescription } from '../src/kernel/fd/host-stream.ts';
import { TtyState } from '../src/kernel/fd/tty-state.ts';
import { NetworkManager } from '../src/net/manager.ts';
import type { NetworkNamespace } from '../src/net/namespace.ts';
import { NodeHostNetwork } from '../src/platform/node/net-host.ts';
import { NodePortPublisher } from '../src/platform/node/net-publisher.ts';
import type { HostInput } from '../src/platform/types.ts';
import { CaptureOutput, FixedInput, TypedInput, run, sandbox, start, waitForOutput } from './helpers/kernel-harness.ts';
import type { RunResult } from './helpers/kernel-harness.ts';
import { netKernel } from './net-harness.ts';

const REAL_CLI = '/usr/bin/redis-cli';
const haveRealCli = existsSync(REAL_CLI) && spawnSync(REAL_CLI, ['--version']).status === 0;
const SERVER = '/shipped/redis-server.wasm';
const CLI = '/shipped/redis-cli.wasm';

const kernel = await netKernel({ warmWorkers: 3 });
const manager = new NetworkManager({ host: new NodeHostNetwork(), publisher: new NodePortPublisher(), connectTimeoutMs: 1500, arpTimeoutMs: 300 });
manager.createNetwork({ name: 'redisnet' });

let count = 0;
function container(name: string): NetworkNamespace {
  const ns = manager.createNamespace();
  manager.attach(ns, 'redisnet', { containerId: `${++count}`.padStart(12, '0') + 'e'.repeat(52), containerName: name });
  return ns;
}

const serverNs = container('redis');
const cliNs = container('client');
let server: Awaited<ReturnType<typeof start>>;
let port = 0;

before(async () => {
  server = await start(kernel, SERVER, [], { net: serverNs });
  await waitForOutput(server.stdout, 'Ready to accept connections tcp');
  // 127.0.0.1 (not 0.0.0.0), as net-httpd does: parallel test files publishing ports cannot cross
  port = (await manager.publish(serverNs, { containerPort: 6379, hostIp: '127.0.0.1', hostPort: 0 })).hostPort;
});

after(async () => {
  await kernel.shutdown();
});

function skipWithoutRealCli(t: { skip(message: string): void }): boolean {
  if (haveRealCli) return false;
  if (process.env.CI) assert.fail(`${REAL_CLI} (redis-tools) is required in CI`);
  t.skip('redis-cli (redis-tools) is not installed');
  return true;
}

interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

/** Debian's redis-cli against the published port (asynchronously: the kernel runs on this event loop). */
function realCli(args: string[], stdin = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(REAL_CLI, ['-p', String(port), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('latin1').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('latin1').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
    child.stdin.end(stdin);
  });
}

/** The output of the real redis-cli, failing the test on a non-zero exit. */
async function r(...args: string[]): Promise<string> {
  const res = await realCli(args);
  assert.equal(res.code, 0, `redis-cli ${args.join(' ')}: ${res.stderr}`);
  return res.stdout;
}

/** Our redis-cli in the client namespace, reaching the server by its container name. */
function ourCli(args: string[], stdin = ''): Promise<RunResult> {
  return run(kernel, CLI, ['-h', 'redis', ...args], { net: cliNs, stdin: new FixedInput(stdin), encoding: 'latin1' });
}

/** A raw RESP connection from the host. */
class Conn {
  private data = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;
  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.data = Buffer.concat([this.data, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }
  static open(): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new Conn(socket)));
      socket.once('error', reject);
    });
  }
  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  write(bytes: string | Buffer): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }
  /** Waits until `n` bytes arrived (or the connection closed) and takes them. */
  async read(n: number, timeoutMs = 20_000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.data.length < n && !this.closed) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} bytes; have ${JSON.stringify(this.data.toString('latin1').slice(0, 200))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    const out = this.data.subarray(0, n);
    this.data = this.data.subarray(n);
    return out;
  }
  /** Reads up to and including the next CRLF. */
  async line(): Promise<string> {
    let text = '';
    while (!text.endsWith('\r\n')) {
      const b = await this.read(1);
      if (b.length === 0) throw new Error(`connection closed after ${JSON.stringify(text)}`);
      text += b.toString('latin1');
    }
    return text;
  }
  /** Reads exactly the bytes of `expected` and returns them as text. */
  async expect(expected: string): Promise<string> {
    return (await this.read(Buffer.byteLength(expected, 'latin1'))).toString('latin1');
  }
  /** Resolves once the server has closed the connection; the rest of what it sent. */
  async untilClosed(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('the server did not close the connection');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const rest = this.data.toString('latin1');
    this.data = Buffer.alloc(0);
    return rest;
  }
  close(): void {
    this.socket.destroy();
  }
}

function bulk(s: string | Buffer): string {
  const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
  return `$${b.length}\r\n${b.toString('latin1')}\r\n`;
}

function command(...args: (string | Buffer)[]): string {
  return `*${args.length}\r\n${args.map(bulk).join('')}`;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('startup log lines have Redis\'s format on stdout', () => {
  const lines = server.stdout.text().trim().split('\n');
  const prefix = String.raw`^\d+:[CM] \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}\.\d{3} [*#] `;
  for (const line of lines) assert.match(line, new RegExp(prefix), line);
  assert.match(lines[0]!, /:C .* \* oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo$/);
  assert.match(lines[1]!, /\* Redis version=7\.\d+\.\d+, bits=\d+, commit=00000000, modified=0, pid=\d+, just started$/);
  assert.match(lines[2]!, /# Warning: no config file specified, using the default config\./);
  assert.match(server.stdout.text(), /:M .* \* Running mode=standalone, port=6379\.\n/);
  assert.match(lines.at(-1)!, /:M .* \* Ready to accept connections tcp$/);
});

describe('Debian redis-cli against redis-server through a published port', () => {
  test('PING, ECHO, SET, GET, DEL, EXISTS, INCR, DECR, FLUSHALL', async (t) => {
    if (skipWithoutRealCli(t)) return;
    assert.equal(await r('FLUSHALL'), 'OK\n');
    assert.equal(await r('ping'), 'PONG\n');
    assert.equal(await r('ping', 'hello'), 'hello\n');
    assert.equal(await r('echo', 'two words'), 'two words\n');
    assert.equal(await r('set', 'greeting', 'hello world'), 'OK\n');
    assert.equal(await r('get', 'greeting'), 'hello world\n');
    assert.equal(await r('--no-raw', 'get', 'greeting'), '"hello world"\n');
    assert.equal(await r('get', 'missing'), '\n');
    assert.equal(await r('--no-raw', 'get', 'missing'), '(nil)\n');
    assert.equal(await r('set', 'counter', '10'), 'OK\n');
    assert.equal(await r('incr', 'counter'), '11\n');
    assert.equal(await r('--no-raw', 'decr', 'counter'), '(integer) 10\n');
    assert.equal(await r('incr', 'fresh'), '1\n');
    assert.equal(await r('decr', 'fresh2'), '-1\n');
    assert.equal(await r('incrby', 'counter', '-15'), '-5\n');
    assert.equal(await r('decrby', 'counter', '5'), '-10\n');
    assert.equal(await r('exists', 'greeting', 'counter', 'missing', 'greeting'), '3\n');
    assert.equal(await r('del', 'greeting', 'missing', 'fresh'), '2\n');
    assert.equal(await r('exists', 'greeting'), '0\n');
    assert.equal(await r('FLUSHALL'), 'OK\n');
    assert.equal(await r('dbsize'), '0\n');
    assert.equal(await r('flushall', 'async'), 'OK\n');
  });

  test('SET options (EX PX NX XX GET KEEPTTL), TTL -1/-2, EXPIRE', async (t) => {
    if (skipWithoutRealCli(t)) return;
    await r('FLUSHALL');
    assert.equal(await r('set', 'k', 'v', 'EX', '100'), 'OK\n');
    const ttl = Number(await r('ttl', 'k'));
    assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
    const pttl = Number(await r('pttl', 'k'));
    assert.ok(pttl > 90_000 && pttl <= 100_000, `pttl ${pttl}`);
    assert.equal(await r('ttl', 'nokey'), '-2\n');
    assert.equal(await r('set', 'plain', 'x'), 'OK\n');
    assert.equal(await r('ttl', 'plain'), '-1\n');
    assert.equal(await r('expire', 'plain', '50'), '1\n');
    assert.ok(Number(await r('ttl', 'plain')) > 40);
    assert.equal(await r('expire', 'nokey', '50'), '0\n');
    assert.equal(await r('expire', 'plain', '10', 'NX'), '0\n');
    assert.equal(await r('expire', 'plain', '100', 'GT'), '1\n');
    assert.equal(await r('persist', 'plain'), '1\n');
    assert.equal(await r('ttl', 'plain'), '-1\n');
    assert.equal(await r('set', 'k', 'other'), 'OK\n', 'SET drops the TTL');
    assert.equal(await r('ttl', 'k'), '-1\n');
    await r('set', 'k', 'v', 'EX', '100');
    assert.equal(await r('set', 'k', 'w', 'KEEPTTL'), 'OK\n');
    assert.ok(Number(await r('ttl', 'k')) > 90, 'KEEPTTL keeps it');
    assert.equal(await r('--no-raw', 'set', 'k', 'x', 'NX'), '(nil)\n');
    assert.equal(await r('set', 'new', 'x', 'NX'), 'OK\n');
    assert.equal(await r('--no-raw', 'set', 'absent', 'x', 'XX'), '(nil)\n');
    assert.equal(await r('set', 'new', 'y', 'XX', 'GET'), 'x\n');
    assert.equal(await r('get', 'new'), 'y\n');
    assert.equal(await r('--no-raw', 'set', 'k', 'v', 'EX', '0'), "(error) ERR invalid expire time in 'set' command\n");
    assert.equal(await r('--no-raw', 'set', 'k', 'v', 'EX', 'soon'), '(error) ERR value is not an integer or out of range\n');
    assert.equal(await r('--no-raw', 'set', 'k', 'v', 'NX', 'XX'), '(error) ERR syntax error\n');
    assert.equal(await r('--no-raw', 'setex', 'k', '-1', 'v'), "(error) ERR invalid expire time in 'setex' command\n");
    // expiry: lazily on access, and by the periodic cycle for keys nobody reads
    assert.equal(await r('set', 'short', 'v', 'PX', '100'), 'OK\n');
    await until('short to expire', async () => (await r('get', 'short')) === '\n');
    assert.equal(await r('exists', 'short'), '0\n');
    await r('FLUSHALL');
    const many = Array.from({ length: 50 }, (_, i) => `SET vol${i} v PX 100\r\n`).join('');
    const piped = await realCli(['--pipe'], many);
    assert.match(piped.stdout, /errors: 0, replies: 50/);
    await r('set', 'stays', 'v');
    await until('the expiry cycle to delete 50 unread keys', async () => (await r('dbsize')) === '1\n');
  });

  test('KEYS with Redis glob patterns', async (t) => {
    if (skipWithoutRealCli(t)) return;
    await r('FLUSHALL');
    for (const k of ['hello', 'hallo', 'hxllo', 'hllo', 'heeeello', 'h*llo', 'user:1', 'user:2', 'user:10']) await r('set', k, '1');
    const keys = async (pattern: string) => (await r('keys', pattern)).split('\n').filter(Boolean).sort();
    assert.deepEqual(await keys('h?llo'), ['h*llo', 'hallo', 'hello', 'hxllo']);
    assert.deepEqual(await keys('h*llo'), ['h*llo', 'hallo', 'heeeello', 'hello', 'hllo', 'hxllo']);
    assert.deepEqual(await keys('h[ae]llo'), ['hallo', 'hello']);
    assert.deepEqual(await keys('h[^e]llo'), ['h*llo', 'hallo', 'hxllo']);
    assert.deepEqual(await keys('h[a-e]llo'), ['hallo', 'hello']);
    assert.deepEqual(await keys('h\\*llo'), ['h*llo']);
    assert.deepEqual(await keys('user:?'), ['user:1', 'user:2']);
    assert.deepEqual(await keys('user:*'), ['user:1', 'user:10', 'user:2']);
    assert.equal((await keys('*')).length, 9);
    assert.equal(await r('keys', 'nomatch*'), '\n');
    assert.equal(await r('--no-raw', 'keys', 'nomatch*'), '(empty array)\n');
    const scanned = (await r('--scan', '--pattern', 'user:*')).split('\n').filter(Boolean).sort();
    assert.deepEqual(scanned, ['user:1', 'user:10', 'user:2']);
  });

  test('lists: LPUSH, RPUSH, LRANGE with negative indices, LLEN, LPOP, RPOP, LINDEX', async (t) => {
    if (skipWithoutRealCli(t)) return;
    await r('FLUSHALL');
    assert.equal(await r('rpush', 'L', 'b', 'c'), '2\n');
    assert.equal(await r('lpush', 'L', 'a', 'z'), '4\n');
    assert.equal(await r('lrange', 'L', '0', '-1'), 'z\na\nb\nc\n');
    assert.equal(await r('--no-raw', 'lrange', 'L', '0', '-1'), '1) "z"\n2) "a"\n3) "b"\n4) "c"\n');
    assert.equal(await r('lrange', 'L', '-2', '-1'), 'b\nc\n');
    assert.equal(await r('lrange', 'L', '1', '100'), 'a\nb\nc\n');
    assert.equal(await r('lrange', 'L', '-100', '0'), 'z\n');
    assert.equal(await r('--no-raw', 'lrange', 'L', '3', '1'), '(empty array)\n');
    assert.equal(await r('--no-raw', 'lrange', 'nolist', '0', '-1'), '(empty array)\n');
    assert.equal(await r('llen', 'L'), '4\n');
    assert.equal(await r('lindex', 'L', '-1'), 'c\n');
    assert.equal(await r('lpop', 'L'), 'z\n');
    assert.equal(await r('rpop', 'L', '2'), 'c\nb\n');
    assert.equal(await r('lpop', 'L'), 'a\n');
    assert.equal(await r('exists', 'L'), '0\n', 'an emptied list is deleted');
    assert.equal(await r('--no-raw', 'lpop', 'L'), '(nil)\n');
    await r('rpush', 'L', 'x', 'y', 'x', 'z');
    assert.equal(await r('lrem', 'L', '0', 'x'), '2\n');
    assert.equal(await r('linsert', 'L', 'BEFORE', 'z', 'w'), '3\n');
    assert.equal(await r('lset', 'L', '0', 'Y'), 'OK\n');
    assert.equal(await r('ltrim', 'L', '1', '-1'), 'OK\n');
    assert.equal(await r('lrange', 'L', '0', '-1'), 'w\nz\n');
    assert.equal(await r('--no-raw', 'lset', 'L', '9', 'v'), '(error) ERR index out of range\n');
  });

  test('hashes: HSET with several pairs counts new fields, HGET, HGETALL, HDEL, HINCRBY', async (t) => {
    if (skipWithoutRealCli(t)) return;
    await r('FLUSHALL');
    assert.equal(await r('hset', 'user', 'name', 'Ada', 'lang', 'C'), '2\n');
    assert.equal(await r('hset', 'user', 'name', 'Ada L.', 'year', '1843'), '1\n');
    assert.equal(await r('hget', 'user', 'name'), 'Ada L.\n');
    assert.equal(await r('--no-raw', 'hget', 'user', 'nofield'), '(nil)\n');
    assert.equal(await r('--no-raw', 'hget', 'nohash', 'name'), '(nil)\n');
    const all = (await r('hgetall', 'user')).trimEnd().split('\n');
    const pairs = new Map<string, string>();
    for (let i = 0; i < all.length; i += 2) pairs.set(all[i]!, all[i + 1]!);
    assert.deepEqual(Object.fromEntries(pairs), { name: 'Ada L.', lang: 'C', year: '1843' });
    assert.equal(await r('hlen', 'user'), '3\n');
    assert.equal(await r('hexists', 'user', 'lang'), '1\n');
    assert.equal(await r('hincrby', 'user', 'year', '10'), '1853\n');
    assert.equal(await r('--no-raw', 'hincrby', 'user', 'name', '1'), '(error) ERR hash value is not an integer\n');
    assert.equal(await r('hdel', 'user', 'lang', 'nofield'), '1\n');
    assert.equal(await r('--no-raw', 'hset', 'user', 'odd'), "(error) ERR wrong number of arguments for 'hset' command\n");
    assert.equal(await r('--no-raw', 'hset', 'user', 'a', '1', 'b'), "(error) ERR wrong number of arguments for 'hset' command\n");
    assert.equal(await r('hmset', 'h2', 'a', '1'), 'OK\n');
    assert.equal(await r('type', 'user'), 'hash\n');
  });

  test('errors as Redis words them', async (t) => {
    if (skipWithoutRealCli(t)) return;
    await r('FLUSHALL');
    await r('set', 'str', 'abc');
    await r('rpush', 'list', 'a');
    const err = async (...args: string[]) => r('--no-raw', ...args);
    assert.equal(await err('foo', 'bar', 'baz'), "(error) ERR unknown command 'foo', with args beginning with: 'bar' 'baz' \n");
    assert.equal(await err('nosuchcmd'), "(error) ERR unknown command 'nosuchcmd', with args beginning with: \n");
    // as Debian's redis-server 7.0.15: an unknown command is quoted as typed, a known one by its lowercase name
    assert.equal(await err('FooBar', 'X'), "(error) ERR unknown command 'FooBar', with args beginning with: 'X' \n");
    assert.equal(await err('GeT', 'a', 'b'), "(error) ERR wrong number of arguments for 'get' command\n");
    assert.equal(await err('GET'), "(error) ERR wrong number of arguments for 'get' command\n");
    assert.equal(await err('get', 'a', 'b'), "(error) ERR wrong number of arguments for 'get' command\n");
    assert.equal(await err('lpush', 'str', 'x'), '(error) WRONGTYPE Operation against a key holding the wrong kind of value\n');
    assert.equal(await err('get', 'list'), '(error) WRONGTYPE Operation against a key holding the wrong kind of value\n');
    assert.equal(await err('hget', 'list', 'f'), '(error) WRONGTYPE Operation against a key holding the wrong kind of value\n');
    assert.equal(await err('incr', 'str'), '(error) ERR value is not an integer or out of range\n');
    assert.equal(await err('incrby', 'n', '1.5'), '(error) ERR value is not an integer or out of range\n');
    await r('set', 'max', '9223372036854775807');
    assert.equal(await err('incr', 'max'), '(error) ERR increment or decrement would overflow\n');
    await r('set', 'min', '-9223372036854775808');
    assert.equal(await err('decr', 'min'), '(error) ERR increment or decrement would overflow\n');
    await r('set', 'spaced', ' 1');
    assert.equal(await err('incr', 'spaced'), '(error) ERR value is not an integer or out of range\n');
    assert.equal(await err('lrange', 'list', 'a', '1'), '(error) ERR value is not an integer or out of range\n');
    assert.equal(await err('select', '99'), '(error) ERR DB index is out of range\n');
    assert.equal(await err('client', 'nosuch'), "(error) ERR unknown subcommand 'nosuch'. Try CLIENT HELP.\n");
    assert.equal(await err('pubsub', 'NoSuch'), "(error) ERR unknown subcommand 'NoSuch'. Try PUBSUB HELP.\n");
    assert.equal(await err('pubsub', 'numpat', 'x'), "(error) ERR wrong number of arguments for 'pubsub|numpat' command\n");
    assert.equal(await err('pubsub', 'channels', 'a', 'b'), "(error) ERR wrong number of arguments for 'pubsub|channels' command\n");
    // the key is looked up before the index is parsed: a missing list is nil whatever the index
    assert.equal(await err('lindex', 'nolist', 'abc'), '(nil)\n');
    assert.equal(await err('lindex', 'list', 'abc'), '(error) ERR value is not an integer or out of range\n');
    // raw output (no terminal): the error text and an empty line, exit status 0
    const raw = await realCli(['incr', 'str']);
    assert.equal(raw.stdout, 'ERR value is not an integer or out of range\n\n');
    assert.equal(raw.code, 0);
  });

  test('extras: MSET/MGET, APPEND, STRLEN, TYPE, DBSIZE, SELECT, sets, RENAME, INCRBYFLOAT, GETRANGE', async (t) => {
    if (skipWithoutRealCli(t)) return;
    await r('FLUSHALL');
    assert.equal(await r('mset', 'a', '1', 'b', '2'), 'OK\n');
    assert.equal(await r('--no-raw', 'mget', 'a', 'nokey', 'b'), '1) "1"\n2) (nil)\n3) "2"\n');
    assert.equal(await r('append', 'a', 'xyz'), '4\n');
    assert.equal(await r('strlen', 'a'), '4\n');
    assert.equal(await r('getrange', 'a', '1', '-1'), 'xyz\n');
    assert.equal(await r('type', 'a'), 'string\n');
    assert.equal(await r('type', 'nokey'), 'none\n');
    assert.equal(await r('dbsize'), '2\n');
    assert.equal(await r('-n', '3', 'set', 'in3', 'v'), 'OK\n');
    assert.equal(await r('-n', '3', 'dbsize'), '1\n');
    assert.equal(await r('exists', 'in3'), '0\n');
    assert.equal(await r('select', '0'), 'OK\n');
    assert.equal(await r('sadd', 'S', 'x', 'y', 'x'), '2\n');
    assert.equal(await r('scard', 'S'), '2\n');
    assert.equal(await r('sismember', 'S', 'y'), '1\n');
    assert.deepEqual((await r('smembers', 'S')).split('\n').filter(Boolean).sort(), ['x', 'y']);
    assert.equal(await r('rename', 'b', 'c'), 'OK\n');
    assert.equal(await r('get', 'c'), '2\n');
    assert.equal(await r('--no-raw', 'rename', 'nokey', 'x'), '(error) ERR no such key\n');
    assert.equal(await r('set', 'f', '10.5'), 'OK\n');
    assert.equal(await r('incrbyfloat', 'f', '0.1'), '10.6\n');
    assert.equal(await r('incrbyfloat', 'f', '-0.6'), '10\n');
    assert.equal(await r('getset', 'f', 'new'), '10\n');
    assert.equal(await r('getdel', 'f'), 'new\n');
    assert.equal(await r('client', 'setname', 'tester'), 'OK\n');
    assert.match(await r('client', 'list'), /^id=\d+ addr=172\.\d+\.\d+\.\d+:\d+ laddr=172\.\d+\.\d+\.\d+:6379 fd=\d+ name= /m);
    assert.match(await r('info', 'server'), /^# Server\r\nredis_version:7\.\d+\.\d+\r\n/);
    assert.match(await r('info'), /\r\n# Keyspace\r\ndb0:keys=\d+,expires=0,avg_ttl=0\r\n/);
    assert.match(await r('time'), /^\d{10}\n\d+\n$/);
    assert.equal(await r('config', 'get', 'port'), 'port\n6379\n');
    assert.equal(await r('--no-raw', 'save'), '(error) ERR Persistence is not supported: this redis-server keeps its data in memory only\n');
  });

  test('MULTI/EXEC, EXECABORT, WATCH', async (t) => {
    if (skipWithoutRealCli(t)) return;
    await r('FLUSHALL');
    const c = await Conn.open();
    c.write('MULTI\r\nSET t 1\r\nINCR t\r\nEXEC\r\n');
    assert.equal(await c.expect('+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n:2\r\n'), '+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n:2\r\n');
    const abort = "+OK\r\n+QUEUED\r\n-ERR unknown command 'NOPE', with args beginning with: \r\n-EXECABORT Transaction discarded because of previous errors.\r\n";
    c.write('MULTI\r\nINCR t\r\nNOPE\r\nEXEC\r\n');
    assert.equal(await c.expect(abort), abort);
    // a write by another client to a watched key makes EXEC answer a null array
    c.write('WATCH t\r\n');
    await c.expect('+OK\r\n');
    assert.equal(await r('incr', 't'), '3\n');
    c.write('MULTI\r\nINCR t\r\nEXEC\r\n');
    assert.equal(await c.expect('+OK\r\n+QUEUED\r\n*-1\r\n'), '+OK\r\n+QUEUED\r\n*-1\r\n');
    c.write('WATCH t\r\nMULTI\r\nINCR t\r\nEXEC\r\n');
    assert.equal(await c.expect('+OK\r\n+OK\r\n+QUEUED\r\n*1\r\n:4\r\n'), '+OK\r\n+OK\r\n+QUEUED\r\n*1\r\n:4\r\n');
    c.close();
  });

  test('BLPOP/BRPOP wait for a push, oldest waiter first; timeouts answer nil; BLMOVE', async (t) => {
    if (skipWithoutRealCli(t)) return;
    await r('FLUSHALL');
    const blocked = async (n: number) => until(`${n} blocked clients`, async () => (await r('info', 'clients')).includes(`blocked_clients:${n}\r\n`));
    const waiting = realCli(['blpop', 'jobs', 'other', '10']);
    await blocked(1);
    assert.equal(await r('rpush', 'jobs', 'job-1'), '1\n');
    assert.equal((await waiting).stdout, 'jobs\njob-1\n');
    assert.equal(await r('exists', 'jobs'), '0\n', 'the popped list was emptied and deleted');
    assert.equal(await r('--no-raw', 'brpop', 'jobs', '0.2'), '(nil)\n');
    assert.equal(await r('rpush', 'ready', 'a', 'b'), '2\n');
    assert.equal(await r('brpop', 'empty', 'ready', '1'), 'ready\nb\n', 'a non-empty list answers at once');
    // two waiters: the first to block is served first, one element each
    const first = await Conn.open();
    const second = await Conn.open();
    first.write(command('BLPOP', 'fifo', '0'));
    await blocked(1);
    second.write(command('BLPOP', 'fifo', '0'));
    await blocked(2);
    assert.equal(await r('rpush', 'fifo', 'one', 'two'), '2\n');
    assert.equal(await first.expect(`*2\r\n${bulk('fifo')}${bulk('one')}`), `*2\r\n${bulk('fifo')}${bulk('one')}`);
    assert.equal(await second.expect(`*2\r\n${bulk('fifo')}${bulk('two')}`), `*2\r\n${bulk('fifo')}${bulk('two')}`);
    // a waiter that disconnects is forgotten
    first.write(command('BLPOP', 'gone', '0'));
    await blocked(1);
    first.close();
    await blocked(0);
    assert.equal(await r('rpush', 'gone', 'x'), '1\n');
    assert.equal(await r('llen', 'gone'), '1\n');
    // BLMOVE: the element lands in the destination
    second.write(command('BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0'));
    await blocked(1);
    await r('rpush', 'src', 'moved');
    assert.equal(await second.expect(bulk('moved')), bulk('moved'));
    assert.equal(await r('lrange', 'dst', '0', '-1'), 'moved\n');
    assert.equal(await r('rpoplpush', 'dst', 'dst2'), 'moved\n');
    assert.equal(await r('lmove', 'dst2', 'dst', 'RIGHT', 'LEFT'), 'moved\n');
    assert.equal(await r('--no-raw', 'blpop', 'x', 'soon'), '(error) ERR timeout is not a float or out of range\n');
    second.close();
  });

  test('pub/sub: SUBSCRIBE and PSUBSCRIBE with the real redis-cli receive PUBLISH', async (t) => {
    if (skipWithoutRealCli(t)) return;
    const sub = spawn(REAL_CLI, ['-p', String(port), 'subscribe', 'news', 'sport'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const psub = spawn(REAL_CLI, ['-p', String(port), '--no-raw', 'psubscribe', 'n*'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let subOut = '';
    let psubOut = '';
    sub.stdout.on('data', (d: Buffer) => (subOut += d.toString()));
    psub.stdout.on('data', (d: Buffer) => (psubOut += d.toString()));
    try {
      await until('the subscriptions', async () => (await r('pubsub', 'numsub', 'news')) === 'news\n1\n' && (await r('pubsub', 'numpat')) === '1\n');
      assert.equal(await r('publish', 'news', 'hello subscribers'), '2\n');
      assert.equal(await r('publish', 'weather', 'rain'), '0\n');
      assert.equal(await r('pubsub', 'channels', 's*'), 'sport\n');
      await until('the messages', async () => subOut.includes('hello subscribers') && psubOut.includes('hello subscribers'));
      assert.equal(subOut, 'subscribe\nnews\n1\nsubscribe\nsport\n2\nmessage\nnews\nhello subscribers\n');
      assert.equal(
        psubOut,
        'Reading messages... (press Ctrl-C to quit)\n1) "psubscribe"\n2) "n*"\n3) (integer) 1\n1) "pmessage"\n2) "n*"\n3) "news"\n4) "hello subscribers"\n',
      );
    } finally {
      sub.kill();
      psub.kill();
    }
    const c = await Conn.open();
    c.write('SUBSCRIBE ch\r\nGET x\r\nPING\r\nUNSUBSCRIBE\r\nPING\r\n');
    const want =
      '*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n' +
      "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n" +
      '*2\r\n$4\r\npong\r\n$0\r\n\r\n*3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:0\r\n+PONG\r\n';
    assert.equal(await c.expect(want), want);
    c.close();
  });

  test('the interactive prompt of the real redis-cli works (COMMAND DOCS is accepted)', async (t) => {
    if (skipWithoutRealCli(t)) return;
    // stdin is not a terminal: redis-cli reads lines without a prompt, after asking COMMAND DOCS
    const res = await realCli([], 'set greet "hi there"\nget greet\nlpush q a b\nlrange q 0 -1\nquit\n');
    assert.equal(res.stdout, 'OK\nhi there\n2\nb\na\n');
    assert.equal(res.code, 0);
    const docs = await r('command', 'docs', 'set');
    assert.match(docs, /^set\nsummary\nSets the string value of a key/);
  });

  test('SHUTDOWN from redis-cli is not an error for it', async (t) => {
    if (skipWithoutRealCli(t)) return;
    const ns = container('redis-shutdown');
    const s = await start(kernel, SERVER, ['--port', '7001'], { net: ns });
    await waitForOutput(s.stdout, 'Ready to accept connections tcp');
    const p = await manager.publish(ns, { containerPort: 7001, hostIp: '127.0.0.1', hostPort: 0 });
    const res = await new Promise<CliResult>((resolve) => {
      const child = spawn(REAL_CLI, ['-p', String(p.hostPort), 'shutdown'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ stdout, stderr, code }));
    });
    assert.equal(res.code, 0, res.stderr);
    assert.equal((await s.proc.exited).exitCode, 0);
    assert.match(s.stdout.text(), /\* User requested shutdown\.\.\.\n.*# Redis is now ready to exit, bye bye\.\.\.\n$/);
    await manager.releaseNamespace(ns);
  });
});

describe('the protocol from node:net', () => {
  test('inline commands, as telnet and nc users type them', async () => {
    const c = await Conn.open();
    c.write('PING\r\n');
    assert.equal(await c.expect('+PONG\r\n'), '+PONG\r\n');
    c.write('PING\n'); // a bare LF ends an inline command too
    assert.equal(await c.expect('+PONG\r\n'), '+PONG\r\n');
    c.write('set "inline key" \'it\\\'s\'\r\nget "inline key"\r\necho "tab\\there\\x21"\r\n\r\n');
    assert.equal(await c.expect("+OK\r\n$4\r\nit's\r\n$9\r\ntab\there!\r\n"), "+OK\r\n$4\r\nit's\r\n$9\r\ntab\there!\r\n");
    c.close();
  });

  test('pipelining: 500 commands in one write, replies in order', async () => {
    const c = await Conn.open();
    let requests = command('DEL', 'pipe');
    let expected = '';
    for (let i = 1; i <= 500; i++) {
      requests += i % 2 ? command('INCR', 'pipe') : 'INCR pipe\r\n';
      expected += `:${i}\r\n`;
    }
    c.write(requests);
    assert.match(await c.line(), /^:[01]\r\n$/);
    assert.equal(await c.expect(expected), expected);
    c.close();
  });

  test('requests split across packets, byte by byte', async () => {
    const c = await Conn.open();
    const req = command('SET', 'split', 'x'.repeat(100)) + command('GET', 'split');
    for (let i = 0; i < req.length; i += 7) {
      c.write(req.slice(i, i + 7));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const want = `+OK\r\n${bulk('x'.repeat(100))}`;
    assert.equal(await c.expect(want), want);
    c.close();
  });

  test('binary-safe values: every byte value, CR LF and NUL inside keys and values', async () => {
    const value = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const key = Buffer.from('bin\r\n\0key', 'latin1');
    const c = await Conn.open();
    c.write(command('SET', key, value) + command('GET', key) + command('STRLEN', key));
    await c.expect('+OK\r\n');
    assert.equal((await c.read(6)).toString(), '$256\r\n');
    assert.ok((await c.read(256)).equals(value));
    assert.equal((await c.read(2 + 6)).toString(), '\r\n:256\r\n');
    // a 5 MiB value
    const big = Buffer.alloc(5 * 1024 * 1024, 0x61);
    big[123] = 0;
    c.write(Buffer.concat([Buffer.from(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${big.length}\r\n`), big, Buffer.from('\r\n'), Buffer.from(command('GET', 'big'))]));
    await c.expect('+OK\r\n');
    const header = `$${big.length}\r\n`;
    assert.equal((await c.read(header.length)).toString(), header);
    assert.ok((await c.read(big.length)).equals(big));
    await c.expect('\r\n');
    c.close();
  });

  test('protocol errors reply -ERR Protocol error and close the connection', async () => {
    const cases: [string, string][] = [
      ['*2\r\n$3\r\nGET\r\nxx\r\n', "-ERR Protocol error: expected '$', got 'x'\r\n"],
      ['*abc\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
      ['*1\r\n$-5\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
      ['get "unterminated\r\n', '-ERR Protocol error: unbalanced quotes in request\r\n'],
      ['PING\r\n*1\r\n$4\r\nPING\r\n*1\r\nPING\r\n', "+PONG\r\n+PONG\r\n-ERR Protocol error: expected '$', got 'P'\r\n"],
    ];
    for (const [request, reply] of cases) {
      const c = await Conn.open();
      c.write(request);
      assert.equal(await c.untilClosed(), reply, JSON.stringify(request));
    }
    const big = await Conn.open();
    big.write('x'.repeat(70 * 1024));
    assert.equal(await big.untilClosed(), '-ERR Protocol error: too big inline request\r\n');
    const quit = await Conn.open();
    quit.write('QUIT\r\nPING\r\n');
    assert.equal(await quit.untilClosed(), '+OK\r\n');
  });

  test('an announced bulk length reserves nothing: the query buffer grows with the bytes that arrive', async () => {
    // over proto-max-bulk-len (512 MiB): a protocol error, then the connection closes
    const over = await Conn.open();
    over.write('*1\r\n$2000000000\r\nabc');
    assert.equal(await over.untilClosed(), '-ERR Protocol error: invalid bulk length\r\n');
    // at the limit, from 8 clients at once (4 GiB announced, more than a wasm32 memory can hold)
    const hogs = await Promise.all(Array.from({ length: 8 }, () => Conn.open()));
    for (const [i, hog] of hogs.entries()) {
      hog.write(command('CLIENT', 'SETNAME', `hog${i}`) + '*2\r\n$3\r\nSET\r\n$536870912\r\n' + 'x'.repeat(1000));
      assert.equal(await hog.expect('+OK\r\n'), '+OK\r\n');
    }
    const observer = await Conn.open();
    const hogLines = async (): Promise<string[]> => {
      observer.write(command('CLIENT', 'LIST'));
      const header = await observer.line();
      const list = (await observer.read(Number(header.slice(1, -2)) + 2)).toString('latin1');
      return list.split('\n').filter((line) => / name=hog\d /.test(line));
    };
    // once each hog's 1000 bytes sit in its query buffer, waiting for the rest of the argument...
    let lines: string[] = [];
    await until('the hogs\' bytes in their query buffers', async () => {
      lines = await hogLines();
      return lines.length === 8 && lines.every((line) => / qbuf=1000 /.test(line));
    });
    // ...the buffer holds about what arrived (at most one read's reserve), not the 512 MiB announced
    for (const line of lines) {
      const totMem = Number(/ tot-mem=(\d+) /.exec(line)?.[1]);
      assert.ok(totMem > 0 && totMem < 4 * 1024 * 1024, line);
    }
    for (const hog of hogs) hog.close();
    observer.write('PING\r\n');
    assert.equal(await observer.expect('+PONG\r\n'), '+PONG\r\n');
    await until('the hogs gone', async () => (await hogLines()).length === 0);
    const other = await Conn.open();
    other.write('PING\r\n');
    assert.equal(await other.expect('+PONG\r\n'), '+PONG\r\n');
    // a big argument that does arrive is whole
    const value = Buffer.alloc(5 * 1024 * 1024, 'abcdefgh');
    other.write(command('SET', 'big', value) + command('STRLEN', 'big') + command('GETRANGE', 'big', '5242872', '-1'));
    assert.equal(await other.expect('+OK\r\n:5242880\r\n$8\r\nabcdefgh\r\n'), '+OK\r\n:5242880\r\n$8\r\nabcdefgh\r\n');
    other.write(command('DEL', 'big'));
    assert.equal(await other.expect(':1\r\n'), ':1\r\n');
    other.close();
    observer.close();
  });

  test('60 concurrent clients, each with its own requests', async () => {
    const clients = await Promise.all(Array.from({ length: 60 }, () => Conn.open()));
    clients[0]!.write(command('DEL', 'shared'));
    assert.match(await clients[0]!.line(), /^:[01]\r\n$/);
    await Promise.all(
      clients.map(async (c, i) => {
        for (let round = 0; round < 5; round++) {
          c.write(command('SET', `client:${i}`, `value-${i}-${round}`) + command('INCR', 'shared') + command('GET', `client:${i}`));
          assert.equal(await c.line(), '+OK\r\n');
          assert.match(await c.line(), /^:\d+\r\n$/);
          const want = bulk(`value-${i}-${round}`);
          assert.equal(await c.expect(want), want);
        }
      }),
    );
    const c = clients[0]!;
    c.write(command('GET', 'shared'));
    assert.equal(await c.expect(bulk('300')), bulk('300'));
    for (const client of clients) client.close();
  });

  test('a slow reader loses nothing and does not hold up other clients', async () => {
    const value = 'v'.repeat(100 * 1024);
    const writer = await Conn.open();
    writer.write(command('SET', 'slow', value));
    await writer.expect('+OK\r\n');
    // 200 GETs (20 MiB of replies) in one write; nothing is read for a while
    const slow = await Conn.open();
    slow.socket.pause();
    slow.write(command('GET', 'slow').repeat(200));
    await new Promise((resolve) => setTimeout(resolve, 500));
    // meanwhile the server answers others
    writer.write('PING\r\n');
    assert.equal(await writer.expect('+PONG\r\n'), '+PONG\r\n');
    slow.socket.resume();
    const one = bulk(value);
    for (let i = 0; i < 200; i++) assert.equal((await slow.read(one.length)).toString('latin1'), one, `reply ${i}`);
    slow.close();
    writer.close();
  });
});

describe('our redis-cli (in another container, by name)', () => {
  test('one-shot commands print as the real redis-cli does', async () => {
    assert.equal((await ourCli(['ping'])).stdout, 'PONG\n');
    assert.equal((await ourCli(['set', 'cli:k', 'hello world'])).stdout, 'OK\n');
    assert.equal((await ourCli(['get', 'cli:k'])).stdout, 'hello world\n');
    assert.equal((await ourCli(['--no-raw', 'get', 'cli:k'])).stdout, '"hello world"\n');
    assert.equal((await ourCli(['--no-raw', 'get', 'cli:none'])).stdout, '(nil)\n');
    await ourCli(['del', 'cli:l']);
    assert.equal((await ourCli(['rpush', 'cli:l', 'a', 'b', 'c'])).stdout, '3\n');
    assert.equal((await ourCli(['lrange', 'cli:l', '0', '-1'])).stdout, 'a\nb\nc\n');
    assert.equal((await ourCli(['--no-raw', 'lrange', 'cli:l', '0', '-1'])).stdout, '1) "a"\n2) "b"\n3) "c"\n');
    assert.equal((await ourCli(['--no-raw', 'llen', 'cli:l'])).stdout, '(integer) 3\n');
    const err = await ourCli(['--no-raw', 'incr', 'cli:l']);
    assert.equal(err.stdout, '(error) WRONGTYPE Operation against a key holding the wrong kind of value\n');
    assert.equal(err.exit.exitCode, 0);
    assert.equal((await ourCli(['nosuch'])).stdout, "ERR unknown command 'nosuch', with args beginning with: \n\n");
  });

  test('connection errors: refused port, unknown host (exit 1)', async () => {
    const refused = await ourCli(['-p', '6380', 'ping']);
    assert.equal(refused.stderr, 'Could not connect to Redis at redis:6380: Connection refused\n');
    assert.equal(refused.exit.exitCode, 1);
    const unknown = await run(kernel, CLI, ['-h', 'nosuchhost', 'ping'], { net: cliNs });
    assert.equal(unknown.stderr, 'Could not connect to Redis at nosuchhost:6379: Name or service not known\n');
    assert.equal(unknown.exit.exitCode, 1);
    const local = await run(kernel, CLI, ['ping'], { net: cliNs });
    assert.equal(local.stderr, 'Could not connect to Redis at 127.0.0.1:6379: Connection refused\n');
  });

  test('--scan and --pipe', async () => {
    await ourCli(['del', 'scan:a', 'scan:b', 'other:c']);
    await ourCli(['mset', 'scan:a', '1', 'scan:b', '2', 'other:c', '3']);
    const scanned = await ourCli(['--scan', '--pattern', 'scan:*', '--count', '2']);
    assert.deepEqual(scanned.stdout.split('\n').filter(Boolean).sort(), ['scan:a', 'scan:b']);
    const piped = await ourCli(['--pipe'], 'SET pipe:1 a\r\n*3\r\n$3\r\nSET\r\n$6\r\npipe:2\r\n$1\r\nb\r\nNOPE\r\nINCR pipe:n\r\n');
    assert.equal(piped.stdout, 'All data transferred. Waiting for the last reply...\nLast reply received from server.\nerrors: 1, replies: 4\n');
    assert.equal(piped.stderr, "ERR unknown command 'NOPE', with args beginning with: \n");
    assert.equal(piped.exit.exitCode, 1);
    assert.equal((await ourCli(['mget', 'pipe:1', 'pipe:2'])).stdout, 'a\nb\n');
    // formatted output quotes keys, as the real one's sdscatrepr
    await ourCli(['set', 'scan:odd key\n', '1']);
    const quoted = await ourCli(['--no-raw', '--scan', '--pattern', 'scan:odd*']);
    assert.equal(quoted.stdout, '"scan:odd key\\n"\n');
    // 4 MiB in and out: more than the socket buffers and the server's output high water, so writing
    // everything before reading any reply would deadlock; the pipe interleaves both
    const payload = 'p'.repeat(1000);
    const many = `*2\r\n$4\r\nECHO\r\n$1000\r\n${payload}\r\n`.repeat(4000) + 'DEL "scan:odd key\\n"\r\n';
    const bigPipe = await ourCli(['--pipe'], many);
    assert.equal(bigPipe.stderr, '');
    assert.equal(bigPipe.stdout, 'All data transferred. Waiting for the last reply...\nLast reply received from server.\nerrors: 0, replies: 4001\n');
    assert.equal(bigPipe.exit.exitCode, 0);
    assert.equal((await ourCli(['exists', 'scan:odd key\n'])).stdout, '0\n');
  });

  test('SUBSCRIBE prints messages as they come', async () => {
    const sub = await start(kernel, CLI, ['-h', 'redis', 'subscribe', 'cli:ch'], { net: cliNs });
    await until('the subscription', async () => (await ourCli(['pubsub', 'numsub', 'cli:ch'])).stdout === 'cli:ch\n1\n');
    assert.equal((await ourCli(['publish', 'cli:ch', 'first'])).stdout, '1\n');
    await waitForOutput(sub.stdout, 'first\n');
    assert.equal(sub.stdout.text(), 'subscribe\ncli:ch\n1\nmessage\ncli:ch\nfirst\n');
    kernel.signal(sub.proc, SIG.INT, null);
    assert.equal((await sub.proc.exited).signal, SIG.INT);
  });

  test('with no command, lines from stdin are split like sdssplitargs (no prompt when stdin is not a terminal)', async () => {
    const res = await ourCli([], 'set "cli key" \'a b\'\nget "cli key"\n\necho "x\\x41\\n"\nset broken "quote\nquit\nping\n');
    assert.equal(res.stdout, 'OK\na b\nxA\n\nInvalid argument(s)\n');
    assert.equal(res.exit.exitCode, 0);
  });

  test('on a terminal: the prompt, line editing, history, formatted replies, SELECT in the prompt', async () => {
    const tty = new TtyState();
    const input = new TypedInput();
    const screen = new CaptureOutput();
    const proc = await kernel.spawn({
      path: CLI,
      args: [CLI, '-h', 'redis'],
      env: ['PATH=/bin', 'HOME=/root'],
      mounts: sandbox(),
      net: cliNs,
      stdio: [new HostInputDescription(input, tty), new HostOutputDescription(screen, tty), new HostOutputDescription(screen, tty)],
    });
    const exchange = async (keys: string, expect: string): Promise<string> => {
      const before = screen.text().length;
      input.type(keys);
      const deadline = Date.now() + 10_000;
      while (!screen.text().slice(before).includes(expect)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(expect)}; screen: ${JSON.stringify(screen.text())}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return screen.text().slice(before);
    };
    await waitForOutput(screen, 'redis:6379> ');
    await exchange('set tty:k valuX\x7fe\r', 'OK\nredis:6379> ');
    await exchange('get tty:k\r', '"value"\nredis:6379> ');
    // Up recalls the last line; ctrl-A goes home; the edit makes it "mget"
    await exchange('\x1b[A\x01m\r', '1) "value"\nredis:6379> ');
    await exchange('hset tty:h f1 a f2 b\r', '(integer) 2\n');
    await exchange('select 2\r', 'OK\nredis:6379[2]> ');
    await exchange('get tty:k\r', '(nil)\nredis:6379[2]> ');
    await exchange('bogus\r', "(error) ERR unknown command 'bogus', with args beginning with: \n");
    input.type('quit\r');
    assert.equal((await proc.exited).exitCode, 0);
    assert.equal(tty.lflag & 0o12, 0o12, 'the terminal is back in canonical mode with echo');
  });

  test('differential: one script through Debian\'s redis-cli and ours prints the same, raw and formatted', async (t) => {
    if (skipWithoutRealCli(t)) return;
    const script: string[][] = [
      ['FLUSHALL'],
      ['set', 'd:s', 'line1\nline2 "quoted" \\ tab\t end'],
      ['get', 'd:s'],
      ['set', 'd:bin', '\x01\x7f\xe9'],
      ['get', 'd:bin'],
      ['get', 'd:none'],
      ['incr', 'd:n'],
      ['incrby', 'd:n', '41'],
      ['rpush', 'd:l', 'a', '', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'],
      ['lrange', 'd:l', '0', '-1'],
      ['lrange', 'd:l', '5', '1'],
      ['hset', 'd:h', 'f', 'v'],
      ['hgetall', 'd:h'],
      ['mget', 'd:s', 'd:none', 'd:n'],
      ['scan', '0', 'MATCH', 'd:n'],
      ['exec'],
      ['get'],
      ['lpush', 'd:s', 'x'],
      ['ttl', 'd:s'],
      ['type', 'd:l'],
      ['ping'],
      ['echo', ''],
      ['smembers', 'd:none'],
      ['expire', 'd:s', '100'],
    ];
    for (const mode of [[], ['--no-raw']]) {
      let real = '';
      let ours = '';
      for (const args of script) real += `> ${args.join(' ')}\n${await r(...mode, ...args)}`;
      for (const args of script) {
        const res = await ourCli([...mode, ...args]);
        assert.equal(res.exit.exitCode, 0, res.stderr);
        ours += `> ${args.join(' ')}\n${res.stdout}`;
      }
      assert.equal(ours, real, `mode ${mode.join(' ') || 'raw'}`);
    }
  });
});

describe('configuration, authentication, shutdown', () => {
  test('a config file and --options; bad directives stop with Redis\'s fatal error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-redis-conf-'));
    writeFileSync(join(dir, 'good.conf'), '# comment\nport 7002\nsave ""\nappendonly no\nmaxmemory-policy allkeys-lru\nloglevel warning\n');
    writeFileSync(join(dir, 'bad.conf'), 'port 7003\nfrobnicate yes\n');
    const mounts = () => sandbox({ '/conf': dir });
    const ns = container('redis-conf');
    const good = await start(kernel, SERVER, ['/conf/good.conf', '--loglevel', 'notice'], { net: ns, mounts: mounts() });
    await waitForOutput(good.stdout, 'Ready to accept connections tcp');
    assert.match(good.stdout.text(), /\* Configuration loaded\n/);
    assert.match(good.stdout.text(), /Running mode=standalone, port=7002\./);
    const res = await run(kernel, CLI, ['-h', 'redis-conf', '-p', '7002', 'config', 'get', 'maxmemory-policy'], { net: cliNs });
    assert.equal(res.stdout, 'maxmemory-policy\nallkeys-lru\n');
    kernel.signal(good.proc, SIG.TERM, null);
    assert.equal((await good.proc.exited).exitCode, 0);

    const bad = await run(kernel, SERVER, ['/conf/bad.conf'], { net: ns, mounts: mounts() });
    assert.equal(bad.exit.exitCode, 1);
    assert.equal(bad.stderr, '\n*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\nReading the configuration file, at line 2\n>>> \'frobnicate yes\'\nBad directive or wrong number of arguments\n');
    const badPort = await run(kernel, SERVER, ['--port', 'eighty'], { net: ns });
    assert.equal(badPort.exit.exitCode, 1);
    assert.match(badPort.stderr, />>> 'port "eighty"'\nargument couldn't be parsed into an integer\n$/);
    const missing = await run(kernel, SERVER, ['/conf/none.conf'], { net: ns, mounts: mounts() });
    assert.equal(missing.stderr, "Fatal error, can't open config file '/conf/none.conf': No such file or directory\n");
    assert.equal(missing.exit.exitCode, 1);
    const version = await run(kernel, SERVER, ['--version'], { net: ns });
    assert.match(version.stdout, /^Redis server v=7\.2\.4 /);
    await manager.releaseNamespace(ns);
  });

  test('requirepass: NOAUTH until AUTH; -a authenticates; protected mode refuses non-loopback clients', async () => {
    const ns = container('redis-auth');
    const s = await start(kernel, SERVER, ['--requirepass', 's3cret', '--port', '7004'], { net: ns });
    await waitForOutput(s.stdout, 'Ready to accept connections tcp');
    const noauth = await run(kernel, CLI, ['-h', 'redis-auth', '-p', '7004', '--no-raw', 'get', 'x'], { net: cliNs });
    assert.equal(noauth.stdout, '(error) NOAUTH Authentication required.\n');
    const authed = await run(kernel, CLI, ['-h', 'redis-auth', '-p', '7004', '-a', 's3cret', 'ping'], { net: cliNs });
    assert.equal(authed.stdout, 'PONG\n');
    assert.equal(authed.stderr, "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n");
    const wrong = await run(kernel, CLI, ['-h', 'redis-auth', '-p', '7004', '--no-auth-warning', '-a', 'nope', 'ping'], { net: cliNs });
    assert.equal(wrong.stderr, 'AUTH failed: WRONGPASS invalid username-password pair or user is disabled.\n');
    kernel.signal(s.proc, SIG.TERM, null);
    assert.equal((await s.proc.exited).exitCode, 0);

    const prot = await start(kernel, SERVER, ['--protected-mode', 'yes', '--port', '7005'], { net: ns });
    await waitForOutput(prot.stdout, 'Ready to accept connections tcp');
    const denied = await run(kernel, CLI, ['-h', 'redis-auth', '-p', '7005', 'ping'], { net: cliNs });
    assert.match(denied.stdout, /^DENIED Redis is running in protected mode because protected mode is enabled/);
    const local = await run(kernel, CLI, ['-p', '7005', 'ping'], { net: ns });
    assert.equal(local.stdout, 'PONG\n');
    kernel.signal(prot.proc, SIG.INT, null);
    assert.equal((await prot.proc.exited).exitCode, 0);
    assert.match(prot.stdout.text(), /\d+:signal-handler \(\d+\) Received SIGINT scheduling shutdown\.\.\.\n/);
    await manager.releaseNamespace(ns);
  });

  test('a port in use or an address not on the container: Redis\'s warning names the failing step, then exit 1', async () => {
    const busy = await run(kernel, SERVER, ['--save', ''], { net: serverNs });
    assert.equal(busy.exit.exitCode, 1);
    // Redis's words with wasi-libc's (musl's) strerror; glibc says "Address already in use", "Cannot assign requested address"
    assert.match(busy.stdout, /# Warning: Could not create server TCP listening socket \*:6379: bind: Address in use\n/);
    assert.match(busy.stdout, /# Failed listening on port 6379 \(tcp\), aborting\.\n$/);
    const ns = container('redis-bind');
    const foreign = await run(kernel, SERVER, ['--bind', '10.254.254.254', '--port', '7004'], { net: ns });
    assert.equal(foreign.exit.exitCode, 1);
    assert.match(foreign.stdout, /# Warning: Could not create server TCP listening socket 10\.254\.254\.254:7004: bind: Address not available\n/);
    await manager.releaseNamespace(ns);
    // the first server is unharmed
    const c = await Conn.open();
    c.write('PING\r\n');
    assert.equal(await c.expect('+PONG\r\n'), '+PONG\r\n');
    c.close();
  });

  test('SIGTERM: the shutdown lines and exit status 0', async () => {
    kernel.signal(server.proc, SIG.TERM, null);
    const exit = await server.proc.exited;
    assert.equal(exit.exitCode, 0);
    const tail = server.stdout.text().trimEnd().split('\n').slice(-3);
    assert.match(tail[0]!, /^\d+:signal-handler \(\d+\) Received SIGTERM scheduling shutdown\.\.\.$/);
    assert.match(tail[1]!, /^\d+:M \d{2} [A-Z][a-z]{2} \d{4} [\d:.]+ \* User requested shutdown\.\.\.$/);
    assert.match(tail[2]!, /^\d+:M \d{2} [A-Z][a-z]{2} \d{4} [\d:.]+ # Redis is now ready to exit, bye bye\.\.\.$/);
  });
});

