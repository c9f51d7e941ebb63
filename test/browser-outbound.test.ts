/**
 * Outbound HTTP from containers in real Chromium (src/platform/browser/net-fetch.ts):
 * a page of the Drydock site (cross-origin isolated, bundles built from this
 * tree) runs busybox containers whose wget reaches a node:http server of the
 * test through the browser's fetch. The server listens on 127.0.0.1 and is
 * addressed as `outbound.test`, which Chromium is told to resolve to
 * 127.0.0.1 (--host-resolver-rules; inside a container 127.0.0.1 and
 * *.localhost are the container's own loopback, as with Docker), so the
 * request is cross-origin and CORS applies: `/ok` sends Access-Control-Allow-Origin and is read, `/nocors`
 * does not and the guest gets Drydock's 502 with the reason. The page is
 * cross-origin isolated (COEP require-corp): a CORS-mode fetch needs no
 * Cross-Origin-Resource-Policy from the server, which `/ok` checks by not
 * sending one.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { playgroundRoutes } from '../src/cli/serve.ts';
import { startStaticServer } from '../src/platform/node/static-server.ts';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, browserSkip } from './helpers/browser.ts';
import { buildBrowserBundles } from './ui-harness.ts';

let dir: string;
let site: Server;
let siteUrl: string;
let remote: Server;
let remotePort: number;
let browser: Browser;
let page: Page;
const requests: { method: string; url: string; body: string; origin: string | undefined }[] = [];

/** The page: starts an engine (memory storage, no Service Worker) and runs one busybox command per call. */
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>outbound</title></head><body>
<script type="module">
import { createDrydock } from '/dist/browser/drydock.js';
const outbound = new URLSearchParams(location.search).get('outbound') !== 'off';
const drydock = await createDrydock({ storage: 'memory', serviceWorker: null, database: 'outbound-' + outbound, outbound });
window.run = async (script, network) => {
  const docker = drydock.docker;
  if (network) await docker.post('/networks/create', { Name: network }).catch(() => {});
  const id = await docker.createContainer({ Image: 'busybox', Cmd: ['sh', '-c', script], ...(network ? { HostConfig: { NetworkMode: network } } : {}) });
  const wait = await docker.waitContainer(id, 'next-exit');
  await docker.startContainer(id);
  const { StatusCode } = await wait.result;
  const out = { 1: '', 2: '' };
  const decoder = new TextDecoder();
  const logs = await docker.logs(id, { tty: false }, (fd, bytes) => (out[fd] += decoder.decode(bytes)));
  await logs.done;
  await docker.removeContainer(id, { force: true });
  return { code: StatusCode, stdout: out[1], stderr: out[2] };
};
window.ready = true;
</script></body></html>`;

before(async () => {
  if (browserSkip) return;
  dir = mkdtempSync(join(tmpdir(), 'drydock-outbound-'));
  await buildBrowserBundles(join(dir, 'browser'));
  writeFileSync(join(dir, 'index.html'), PAGE);
  const started = await startStaticServer({ routes: { ...playgroundRoutes(), '/dist/browser/': join(dir, 'browser'), '/outbound/': dir } });
  site = started.server;
  siteUrl = started.url;
  remote = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString(), origin: req.headers.origin });
      const cors = { 'Access-Control-Allow-Origin': '*' };
      if (req.url === '/ok') {
        res.writeHead(200, { ...cors, 'Content-Type': 'text/plain' });
        res.end('hello from outside\n');
      } else if (req.url === '/big') {
        res.writeHead(200, { ...cors, 'Content-Type': 'application/octet-stream' });
        res.end(Buffer.alloc(3 * 1024 * 1024, 'x'));
      } else if (req.url === '/missing') {
        res.writeHead(404, { ...cors, 'Content-Type': 'text/plain' });
        res.end('nothing here\n');
      } else if (req.url === '/nocors-corp') {
        // No CORS, but embeddable cross-origin: the no-cors probe of an isolated page sees that the server answers.
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Cross-Origin-Resource-Policy': 'cross-origin' });
        res.end('secret\n');
      } else {
        // /nocors: a server that knows nothing of CORS.
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('secret\n');
      }
    });
  });
  await new Promise<void>((resolve) => remote.listen(0, '127.0.0.1', resolve));
  remotePort = (remote.address() as AddressInfo).port;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP outbound.test 127.0.0.1'] });
  page = await browser.newPage();
  await page.goto(new URL('/outbound/index.html', siteUrl).href);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, null, { timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  site?.close();
  remote?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `script` in a busybox container of `p` (on the user network `network`, created if need be, else the default bridge). */
function run(script: string, p: Page = page, network?: string): Promise<RunResult> {
  return p.evaluate(([s, n]) => (window as unknown as { run(script: string, network?: string): Promise<RunResult> }).run(s, n), [script, network] as const);
}

test('the page is cross-origin isolated', { skip: browserSkip }, async () => {
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
});

test('wget by name reaches a CORS-enabled server through fetch', { skip: browserSkip }, async () => {
  const before = requests.length;
  const r = await run(`wget -q -O - http://outbound.test:${remotePort}/ok`);
  assert.deepEqual(r, { code: 0, stdout: 'hello from outside\n', stderr: '' });
  const seen = requests.slice(before);
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.method, 'GET');
  // The browser made the request, with the page's origin (CORS mode).
  assert.equal(seen[0]!.origin, new URL(siteUrl).origin);
});

test('names resolve to stable synthetic addresses (nslookup, getaddrinfo), on the default bridge and through the embedded DNS', { skip: browserSkip }, async () => {
  const r = await run('nslookup example.com; nslookup example.com');
  assert.equal(r.code, 0, r.stderr);
  const addresses = [...r.stdout.matchAll(/Address: (198\.1[89]\.\d+\.\d+)/g)].map((m) => m[1]);
  assert.equal(addresses.length, 2, r.stdout);
  assert.equal(addresses[0], addresses[1]);
  const user = await run(`cat /etc/resolv.conf; nslookup example.com; wget -q -O - http://outbound.test:${remotePort}/ok`, page, 'outnet');
  assert.equal(user.code, 0, user.stderr);
  assert.match(user.stdout, /^nameserver 127\.0\.0\.11$/m);
  assert.ok(user.stdout.includes(`Address: ${addresses[0]}`), user.stdout);
  assert.ok(user.stdout.endsWith('hello from outside\n'), user.stdout);
});

test('a body larger than the buffer arrives whole (chunked); a 404 is wget\'s usual error', { skip: browserSkip }, async () => {
  const big = await run(`wget -q -O - http://outbound.test:${remotePort}/big | wc -c`);
  assert.equal(big.code, 0, big.stderr);
  assert.equal(big.stdout.trim(), String(3 * 1024 * 1024));
  const missing = await run(`wget -q -O - http://outbound.test:${remotePort}/missing`);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /wget: server returned error: HTTP\/1\.1 404 Not Found/);
});

test('a server without CORS headers: wget fails with 502 and the reason is in the answer', { skip: browserSkip }, async () => {
  const url = `http://outbound.test:${remotePort}/nocors`;
  const wget = await run(`wget -S -O - ${url}`);
  assert.equal(wget.code, 1);
  assert.match(wget.stderr, /wget: server returned error: HTTP\/1\.1 502 Bad Gateway/);
  assert.match(wget.stderr, /X-Drydock-Error: (cors|fetch-failed)/);
  assert.doesNotMatch(wget.stdout + wget.stderr, /secret/);
  const nc = await run(`printf 'GET /nocors HTTP/1.1\\r\\nHost: outbound.test\\r\\n\\r\\n' | nc outbound.test ${remotePort}`);
  assert.equal(nc.code, 0, nc.stderr);
  assert.match(nc.stdout, /^HTTP\/1\.1 502 Bad Gateway\r\n/);
  assert.match(nc.stdout, /\r\nX-Drydock-Error: (cors|fetch-failed)\r\n/);
  assert.match(nc.stdout, new RegExp(`Drydock: the browser (blocked this request \\(CORS\\): |could not fetch )GET ${url.replace(/[.]/g, '\\.')}`));
  assert.match(nc.stdout, /Access-Control-Allow-Origin/);
  assert.doesNotMatch(nc.stdout, /secret/);
});

test('the reason is exactly CORS when the server answers a no-cors probe (it sends Cross-Origin-Resource-Policy: cross-origin)', { skip: browserSkip }, async () => {
  const url = `http://outbound.test:${remotePort}/nocors-corp`;
  const nc = await run(`printf 'GET /nocors-corp HTTP/1.1\\r\\nHost: outbound.test\\r\\n\\r\\n' | nc outbound.test ${remotePort}`);
  assert.match(nc.stdout, /^HTTP\/1\.1 502 Bad Gateway\r\n/);
  assert.match(nc.stdout, /\r\nX-Drydock-Error: cors\r\n/);
  assert.ok(nc.stdout.includes(`Drydock: the browser blocked this request (CORS): GET ${url} — the server answered`), nc.stdout);
  assert.doesNotMatch(nc.stdout, /secret/);
});

test('a POST body goes out; https is refused at connect', { skip: browserSkip }, async () => {
  const before = requests.length;
  const post = await run(`printf 'POST /ok HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: text/plain\\r\\nContent-Length: 5\\r\\n\\r\\nhello' | nc outbound.test ${remotePort}`);
  assert.match(post.stdout, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(post.stdout, /hello from outside\n$/);
  const seen = requests.slice(before);
  assert.deepEqual(
    seen.map((s) => [s.method, s.body]),
    [['POST', 'hello']],
  );
  const tls = await run('nc -w 5 outbound.test 443 </dev/null');
  assert.notEqual(tls.code, 0);
  assert.match(tls.stderr, /Connection refused/);
});

test('UDP cannot leave a browser: nc -u outside answers Network unreachable; DNS queries to any nameserver are still answered', { skip: browserSkip }, async () => {
  const r = await run('echo hi | nc -u -w 1 198.51.100.7 9999; nslookup example.com 198.51.100.7');
  assert.equal(r.stderr, "nc: can't connect to remote host (198.51.100.7): Network unreachable\n");
  assert.match(r.stdout, /^Server:\t\t198\.51\.100\.7\nAddress:\t198\.51\.100\.7:53\n\nNon-authoritative answer:\nName:\texample\.com\nAddress: 198\.1[89]\.\d+\.\d+\n/);
});

test('with outbound off (createDrydock({ outbound: false })) connects outside answer ENETUNREACH', { skip: browserSkip }, async () => {
  const off = await browser.newPage();
  await off.goto(new URL('/outbound/index.html?outbound=off', siteUrl).href);
  await off.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, null, { timeout: 60_000 });
  const before = requests.length;
  // Names outside do not resolve (no resolver can be asked), addresses are unreachable.
  const r = await run(`nc outbound.test ${remotePort} </dev/null; nc 198.51.100.7 80 </dev/null`, off);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "nc: bad address 'outbound.test'\nnc: can't connect to remote host (198.51.100.7): Network unreachable\n");
  // (netutils' wget ignores a non-blocking connect that fails at once and reports a broken pipe instead; it still fails.)
  const wget = await run(`wget -q -O - http://198.51.100.7:${remotePort}/ok`, off);
  assert.equal(wget.code, 1);
  assert.equal(wget.stdout, '');
  assert.equal(requests.length, before);
  await off.close();
});
