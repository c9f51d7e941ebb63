/**
 * The httpd guest program behind a published port, driven by the real curl
 * of the host: static files, index.html, 404, HEAD, keep-alive, concurrent
 * requests, nginx's combined access log, clean shutdown on signals.
 */
import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { SIG } from '../src/kernel/abi/linux.ts';
import { NetworkManager } from '../src/net/manager.ts';
import type { NetworkNamespace } from '../src/net/namespace.ts';
import type { PublishedPort } from '../src/net/publish.ts';
import { NodeHostNetwork } from '../src/platform/node/net-host.ts';
import { NodePortPublisher } from '../src/platform/node/net-publisher.ts';
import { sandbox, start, waitForOutput } from './helpers/kernel-harness.ts';
import type { CaptureOutput } from './helpers/kernel-harness.ts';
import { netKernel } from './net-harness.ts';

const exec = promisify(execFile);
const haveCurl = spawnSync('curl', ['--version']).status === 0;

const kernel = await netKernel({ warmWorkers: 3 });
const manager = new NetworkManager({ host: new NodeHostNetwork(), publisher: new NodePortPublisher() });
const docroot = mkdtempSync(join(tmpdir(), 'drydock-httpd-'));
writeFileSync(join(docroot, 'index.html'), '<h1>Welcome to Drydock</h1>\n');
mkdirSync(join(docroot, 'docs'));
writeFileSync(join(docroot, 'docs', 'index.html'), 'docs index\n');
writeFileSync(join(docroot, 'big.bin'), Buffer.alloc(3 * 1024 * 1024, 7));
writeFileSync(join(docroot, 'style.css'), 'body { color: teal }\n');
mkdirSync(join(docroot, 'empty'));

let ns: NetworkNamespace;
let port: PublishedPort;
let stdout: CaptureOutput;
let server: Awaited<ReturnType<typeof start>>;
let base: string;

before(async (t) => {
  if (!haveCurl) return;
  manager.createNetwork({ name: 'web' });
  ns = manager.createNamespace();
  manager.attach(ns, 'web', { containerId: 'c0ffee'.padEnd(64, '0'), containerName: 'nginx' });
  server = await start(kernel, '/shipped/httpd.wasm', ['-p', '80', '-r', '/srv'], { net: ns, mounts: sandbox({ '/srv': docroot }) });
  stdout = server.stdout;
  await waitForOutput(server.stderr, 'serving');
  // 127.0.0.1, not 0.0.0.0: Linux lets a wildcard listener share a port with another process's
  // 127.0.0.1 listener, so parallel test files publishing ephemeral ports could cross.
  port = await manager.publish(ns, { containerPort: 80, hostIp: '127.0.0.1', hostPort: 0 });
  base = `http://127.0.0.1:${port.hostPort}`;
  void t;
});
after(async () => {
  await kernel.shutdown();
});

function skipWithoutCurl(t: { skip(message: string): void }): boolean {
  if (haveCurl) return false;
  if (process.env.CI) assert.fail('curl is required in CI');
  t.skip('curl is not installed');
  return true;
}

async function curl(...args: string[]): Promise<string> {
  const { stdout } = await exec('curl', ['-sS', ...args], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

test('GET / serves index.html through the published port; the access log is nginx combined', async (t) => {
  if (skipWithoutCurl(t)) return;
  const body = await curl('-A', 'curl-test/1.0', `${base}/`);
  assert.equal(body, '<h1>Welcome to Drydock</h1>\n');
  await waitForOutput(stdout, '"GET / HTTP/1.1"');
  const gateway = manager.get('web').gateway!;
  const line = stdout.text().trim().split('\n').at(-1)!;
  assert.match(line, new RegExp(`^${gateway.replace(/\./g, '\\.')} - - \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000\\] "GET / HTTP/1\\.1" 200 28 "-" "curl-test/1\\.0"$`));
});

test('404, HEAD, content types, directory redirect, no escape from the document root', async (t) => {
  if (skipWithoutCurl(t)) return;
  const missing = await curl('-o', '/dev/null', '-w', '%{http_code}', `${base}/nothing.html`);
  assert.equal(missing, '404');
  const notFoundPage = await curl(`${base}/nothing.html`);
  assert.match(notFoundPage, /<title>404 Not Found<\/title>/);
  const head = await curl('-I', `${base}/style.css`);
  assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(head, /\r\nContent-Type: text\/css\r\n/);
  assert.match(head, /\r\nContent-Length: 21\r\n/);
  const redirect = await curl('-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', `${base}/docs`);
  assert.equal(redirect, `301 ${base}/docs/`);
  assert.equal(await curl('-L', `${base}/docs`), 'docs index\n');
  assert.equal(await curl('-o', '/dev/null', '-w', '%{http_code}', `${base}/empty/`), '403');
  const escape = await curl('--path-as-is', '-o', '/dev/null', '-w', '%{http_code}', `${base}/../../bin/net-echo.wasm`);
  assert.equal(escape, '400');
  const encoded = await curl('--path-as-is', '-o', '/dev/null', '-w', '%{http_code}', `${base}/%2e%2e/%2e%2e/bin/net-echo.wasm`);
  assert.equal(encoded, '400');
  assert.equal(await curl('-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', `${base}/`), '405');
});

test('keep-alive: one connection serves several requests', async (t) => {
  if (skipWithoutCurl(t)) return;
  const { stderr, stdout: out } = await exec('curl', ['-sS', '-v', `${base}/`, `${base}/style.css`, `${base}/docs/`]);
  assert.equal(out, '<h1>Welcome to Drydock</h1>\nbody { color: teal }\ndocs index\n');
  assert.match(stderr, /Re-using existing connection|Reusing existing connection/);
});

test('3 MiB file and 30 concurrent requests arrive intact', async (t) => {
  if (skipWithoutCurl(t)) return;
  const size = await curl('-o', '/dev/null', '-w', '%{size_download}', `${base}/big.bin`);
  assert.equal(size, String(3 * 1024 * 1024));
  const results = await Promise.all(Array.from({ length: 30 }, (_, i) => curl(`${base}/${i % 2 ? 'style.css' : ''}`)));
  results.forEach((body, i) => assert.equal(body, i % 2 ? 'body { color: teal }\n' : '<h1>Welcome to Drydock</h1>\n'));
  const parallel = await curl('--parallel', '--parallel-max', '20', ...Array.from({ length: 20 }, () => `${base}/docs/`));
  assert.equal(parallel, 'docs index\n'.repeat(20));
});

test('SIGQUIT shuts the server down cleanly (exit 0)', async (t) => {
  if (skipWithoutCurl(t)) return;
  kernel.signal(server.proc, SIG.QUIT, null);
  const exit = await server.proc.exited;
  assert.equal(exit.exitCode, 0);
  const refused = await exec('curl', ['-sS', `${base}/`]).then(
    () => 'answered',
    (e: { stderr: string }) => e.stderr,
  );
  // The published port still accepts, then resets (nothing listens behind it): curl reports the
  // reset, or "Couldn't connect" when the reset beats its check of the connect's outcome.
  assert.match(refused, /Connection reset by peer|Empty reply|Recv failure|Couldn't connect to server/);
  await manager.releaseNamespace(ns);
});

test('SIGTERM stops a fresh server at once', async (t) => {
  if (skipWithoutCurl(t)) return;
  const other = manager.createNamespace();
  manager.attach(other, 'web', { containerId: 'beef'.padEnd(64, '0'), containerName: 'nginx2' });
  const s = await start(kernel, '/shipped/httpd.wasm', ['-p', '8080', '-r', '/srv', '-q'], { net: other, mounts: sandbox({ '/srv': docroot }) });
  await waitForOutput(s.stderr, 'serving');
  kernel.signal(s.proc, SIG.TERM, null);
  assert.equal((await s.proc.exited).exitCode, 0);
});
