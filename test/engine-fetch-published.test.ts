/**
 * engine.fetch routes by URL: `http://localhost:PORT/` (127.0.0.1, [::1])
 * reaches the server a container publishes on PORT, every other URL is an
 * Engine API request. The engine has no host port publisher (the browser's
 * situation), so the published port exists only inside it; the container is
 * the shipped nginx image, created and started through engine.fetch too.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { createEngine } from '../src/engine/daemon/engine.ts';
import type { Engine } from '../src/engine/daemon/engine.ts';
import { publishedPortOf } from '../src/engine/networks/published-http.ts';
import { MemoryBlobStore } from '../src/platform/memory/blob-store.ts';
import { MemoryVolumeDriver } from '../src/engine/volumes/memory-driver.ts';
import { newKernel } from './helpers/kernel-harness.ts';

const SHIPPED_IMAGES = fileURLToPath(new URL('../public/images', import.meta.url));
let engine: Engine;
let id = '';

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  return (await engine.fetch(`http://drydock/v1.47${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  })) as Response;
}

before(async () => {
  const blobs = await MemoryBlobStore.open();
  engine = await createEngine({
    kernel: newKernel({ warmWorkers: 2 }),
    blobs,
    preloadImages: async () =>
      readdirSync(SHIPPED_IMAGES)
        .filter((f) => f === 'nginx.tar')
        .map((f) => readFileSync(join(SHIPPED_IMAGES, f))),
    volumes: await MemoryVolumeDriver.open(blobs, { type: 'ext4', mountpoint: (name) => `/var/lib/drydock/volumes/${name}/_data` }),
    ncpu: 2,
    memTotal: 4 * 1024 ** 3,
    dataRoot: 'memory',
  });
  const created = await api('POST', '/containers/create?name=web', {
    Image: 'nginx',
    ExposedPorts: { '80/tcp': {} },
    HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }] } },
  });
  assert.equal(created.status, 201, await created.clone().text());
  id = ((await created.json()) as { Id: string }).Id;
  assert.equal((await api('POST', `/containers/${id}/start`)).status, 204);
});

after(async () => {
  await engine?.shutdown();
});

/** Fetches `url` until the server in the container answers (it starts listening a moment after the container starts). */
async function whenServing(url: string): Promise<Response> {
  for (;;) {
    const response = (await engine.fetch(url)) as Response;
    if (response.headers.get('x-drydock-error') !== 'refused') return response;
    await response.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('engine.fetch("http://localhost:8080/") shows the nginx welcome page of the container publishing 8080', async () => {
  const response = await whenServing('http://localhost:8080/');
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/html');
  const body = await response.text();
  assert.match(body, /<h1>Welcome to nginx!<\/h1>/);
  assert.equal(response.headers.get('content-length'), String(Buffer.byteLength(body)));
});

test('127.0.0.1 and a Request object reach the same port; a missing page is nginx 404; HEAD has no body', async () => {
  const viaIp = (await engine.fetch(new Request('http://127.0.0.1:8080/index.html'))) as Response;
  assert.match(await viaIp.text(), /Welcome to nginx!/);
  const missing = (await engine.fetch('http://localhost:8080/nothing-here')) as Response;
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /404 Not Found/);
  const head = (await engine.fetch('http://[::1]:8080/', { method: 'HEAD' })) as Response;
  assert.equal(head.status, 200);
  assert.equal(head.body, null);
});

test('API requests keep going to the API on the same engine.fetch', async () => {
  const ping = (await engine.fetch('http://drydock/_ping')) as Response;
  assert.equal(ping.status, 200);
  assert.equal(await ping.text(), 'OK');
  const inspect = (await (await api('GET', `/containers/${id}/json`)).json()) as { NetworkSettings: { Ports: Record<string, { HostPort: string }[]> } };
  assert.equal(inspect.NetworkSettings.Ports['80/tcp']?.[0]?.HostPort, '8080');
  const origin = (await engine.fetch(new Request('http://api.moby.localhost/v1.47/version'))) as Response;
  assert.equal(origin.status, 200);
  assert.equal(((await origin.json()) as { ApiVersion: string }).ApiVersion, '1.47');
});

test('a port nothing publishes, and port 80 of http://localhost/: 502 with X-Drydock-Error not-published', async () => {
  for (const url of ['http://localhost:9090/', 'http://localhost/v1.47/info']) {
    const response = (await engine.fetch(url)) as Response;
    assert.equal(response.status, 502, url);
    assert.equal(response.headers.get('x-drydock-error'), 'not-published');
    assert.match(await response.text(), /^Drydock: nothing is published on port (9090|80) /);
  }
});

test('after the container stops, its port is no longer published', async () => {
  assert.equal((await api('POST', `/containers/${id}/stop?t=1`)).status, 204);
  const response = (await engine.fetch('http://localhost:8080/')) as Response;
  assert.equal(response.status, 502);
  assert.equal(response.headers.get('x-drydock-error'), 'not-published');
  await response.arrayBuffer();
});

test('publishedPortOf: the routing rule', () => {
  assert.equal(publishedPortOf('http://localhost:8080/'), 8080);
  assert.equal(publishedPortOf('http://LOCALHOST:3000'), 3000);
  assert.equal(publishedPortOf('http://127.0.0.1:5000/a?b'), 5000);
  assert.equal(publishedPortOf('http://127.1.2.3:5000/'), 5000);
  assert.equal(publishedPortOf('http://[::1]:8443/'), 8443);
  assert.equal(publishedPortOf('http://localhost/'), 80);
  assert.equal(publishedPortOf('http://localhost'), 80);
  assert.equal(publishedPortOf('http://drydock/v1.47/info'), null);
  assert.equal(publishedPortOf('http://api.moby.localhost/v1.47/info'), null);
  assert.equal(publishedPortOf('http://localhost.example.com:8080/'), null);
  assert.equal(publishedPortOf('http://localhost:8080@evil.example/'), null);
  assert.equal(publishedPortOf('https://localhost:8080/'), null);
  assert.equal(publishedPortOf('/v1.47/info'), null);
  assert.equal(publishedPortOf('http://localhost:99999/'), null);
  assert.equal(publishedPortOf('http://localhost:0/'), null);
});
