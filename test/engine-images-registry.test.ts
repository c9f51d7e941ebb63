/**
 * Pull and push against a real OCI registry on loopback (Debian's
 * docker-registry, the CNCF distribution server): push the shipped busybox,
 * delete it, pull it back with the same ID; progress streams as dockerd's;
 * shared layers; manifest lists with the platform chosen; token
 * authentication (Bearer realm/service/scope, Basic credentials at the token
 * service); dockerd's error messages.
 *
 * Needs /usr/bin/docker-registry (apt docker-registry) and openssl; skips
 * without them unless CI is set.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MemoryBlobStore } from '../src/platform/memory/blob-store.ts';
import { ImageStore } from '../src/engine/images/image-store.ts';
import { DrydockImagesBackend } from '../src/engine/images/images-backend.ts';
import { fromWhatwgFetch } from '../src/engine/images/registry/http.ts';
import type { JsonMessage } from '../src/engine/types/json-message.ts';
import { NotFoundError } from '../src/engine/errors.ts';
import { chunked } from '../src/engine/images/testing/fixtures.ts';
import { type RunningRegistry, freePort, registryAvailable, startRegistry } from './engine-images-helpers.ts';

const available = registryAvailable();
if (!available && process.env.CI) throw new Error('CI: /usr/bin/docker-registry (apt docker-registry) and openssl are required');
const skip = available ? false : 'needs /usr/bin/docker-registry (apt docker-registry) and openssl';

const IMAGES = join(import.meta.dirname, '../public/images');
const noSignal = new AbortController().signal;
const distribution = { fetch: fromWhatwgFetch(fetch) };

async function backendWith(...names: string[]) {
  const backend = new DrydockImagesBackend({ store: await ImageStore.open(await MemoryBlobStore.open()), distribution });
  for (const name of names) await backend.load(chunked(new Uint8Array(readFileSync(join(IMAGES, `${name}.tar`)))), { quiet: true }, () => {}, noSignal);
  return backend;
}

function collector() {
  const messages: JsonMessage[] = [];
  return { messages, sink: (m: JsonMessage) => messages.push(m), statuses: () => messages.map((m) => (m.id ? `${m.id}: ${m.status}` : (m.status ?? JSON.stringify(m.aux)))) };
}

describe('registry pull and push', { skip }, () => {
  let registry: RunningRegistry;
  before(async () => {
    registry = await startRegistry();
  });
  after(async () => {
    await registry?.stop();
  });

  test('push busybox, remove it, pull it back: same ID, dockerd\'s progress messages', async () => {
    const backend = await backendWith('busybox');
    const local = await backend.inspect('busybox');
    const name = `${registry.host}/busybox`;
    await backend.tag('busybox', name, '');
    const push = collector();
    await backend.push(name, { tag: 'latest', platform: '' }, push.sink, noSignal);
    const [base, bb] = local.RootFS.Layers.map((d) => d.slice(7, 19));
    const digestLine = push.messages.find((m) => m.status?.startsWith('latest: digest: '))!.status!;
    const [, digest, size] = /^latest: digest: (sha256:[0-9a-f]{64}) size: (\d+)$/.exec(digestLine)!;
    assert.deepEqual(push.statuses(), [
      `The push refers to repository [${name}]`,
      `${bb}: Preparing`,
      `${base}: Preparing`,
      `${bb}: Pushing`,
      `${bb}: Pushing`,
      `${bb}: Pushed`,
      `${base}: Pushing`,
      `${base}: Pushing`,
      `${base}: Pushed`,
      digestLine,
      JSON.stringify({ Tag: 'latest', Digest: digest, Size: Number(size) }),
    ]);
    assert.deepEqual((await backend.inspect(name)).RepoDigests, [`${name}@${digest}`]);
    // The registry serves exactly what was pushed.
    const manifest = await fetch(`http://${registry.host}/v2/busybox/manifests/latest`, { headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    assert.equal(manifest.headers.get('docker-content-digest'), digest);

    // Pushing again finds every layer there.
    const again = collector();
    await backend.push(name, { tag: 'latest', platform: '' }, again.sink, noSignal);
    assert.deepEqual(again.statuses().filter((s) => s.endsWith('exists')), [`${bb}: Layer already exists`, `${base}: Layer already exists`]);

    // Remove everything, pull it back.
    await backend.remove(name, { force: false, noPrune: false });
    await backend.remove('busybox', { force: false, noPrune: false });
    assert.equal(backend.store.list().length, 0);
    const pull = collector();
    await backend.pull({ fromImage: name, tag: 'latest', platform: '' }, pull.sink, noSignal);
    const statuses = pull.statuses();
    assert.equal(statuses[0], 'latest: Pulling from busybox');
    for (const status of ['Pulling fs layer', 'Downloading', 'Verifying Checksum', 'Download complete', 'Extracting', 'Pull complete']) {
      assert.equal(statuses.filter((s) => s.endsWith(`: ${status}`)).length >= 2, true, `${status} for each layer in ${statuses.join('\n')}`);
    }
    assert.deepEqual(statuses.slice(-2), [`Digest: ${digest}`, `Status: Downloaded newer image for ${name}:latest`]);
    const downloading = pull.messages.find((m) => m.status === 'Downloading')!;
    assert.match(downloading.progress!, /^\[=*>\s*\] +\d/);
    const pulled = await backend.inspect(name);
    assert.equal(pulled.Id, local.Id);
    assert.equal(pulled.Size, local.Size);
    assert.deepEqual(pulled.RepoDigests, [`${name}@${digest}`]);
    assert.deepEqual(pulled.RepoTags, [`${name}:latest`]);
    // Layers arrived gzip; the trees are the same files.
    const trees = await backend.store.layerTrees(backend.store.resolve(name));
    assert.ok(trees[1]!.lookup(['bin', 'busybox']));

    const upToDate = collector();
    await backend.pull({ fromImage: name, tag: 'latest', platform: '' }, upToDate.sink, noSignal);
    assert.deepEqual(upToDate.statuses().slice(-1), [`Status: Image is up to date for ${name}:latest`]);
    assert.ok(upToDate.statuses().every((s) => !s.endsWith('Downloading')));

    // By digest.
    const byDigest = collector();
    const fresh = await backendWith();
    await fresh.pull({ fromImage: name, tag: digest!, platform: '' }, byDigest.sink, noSignal);
    assert.equal((await fresh.inspect(`${name}@${digest}`)).Id, local.Id);
    assert.deepEqual((await fresh.inspect(`${name}@${digest}`)).RepoTags, []);
    assert.equal(byDigest.statuses().at(-1), `Status: Downloaded newer image for ${name}@${digest}`);
  });

  test('layers shared with an image already here are "Already exists"; pushes reuse them', async () => {
    const backend = await backendWith('busybox', 'alpine');
    await backend.tag('busybox', `${registry.host}/shared/busybox`, '');
    await backend.tag('alpine', `${registry.host}/shared/alpine`, '');
    await backend.push(`${registry.host}/shared/busybox`, { tag: 'latest', platform: '' }, () => {}, noSignal);
    const push = collector();
    await backend.push(`${registry.host}/shared/alpine`, { tag: 'latest', platform: '' }, push.sink, noSignal);
    // Different repository: the blobs are uploaded again (no cross-repository mount), one new layer included.
    assert.equal(push.statuses().filter((s) => s.endsWith('Pushed')).length, 3);
    const puller = await backendWith('busybox');
    const pull = collector();
    await puller.pull({ fromImage: `${registry.host}/shared/alpine`, tag: 'latest', platform: '' }, pull.sink, noSignal);
    assert.equal(pull.statuses().filter((s) => s.endsWith('Already exists')).length, 2);
    assert.equal(pull.statuses().filter((s) => s.endsWith('Pull complete')).length, 1);
    assert.equal((await puller.inspect(`${registry.host}/shared/alpine`)).Id, (await backend.inspect('alpine')).Id);
  });

  test('pull -a fetches every tag', async () => {
    const backend = await backendWith('busybox', 'hello-world');
    await backend.tag('busybox', `${registry.host}/multi`, 'one');
    await backend.tag('hello-world', `${registry.host}/multi`, 'two');
    await backend.push(`${registry.host}/multi`, { tag: '', platform: '' }, () => {}, noSignal);
    const puller = await backendWith();
    const pull = collector();
    await puller.pull({ fromImage: `${registry.host}/multi`, tag: '', platform: '' }, pull.sink, noSignal);
    assert.equal((await puller.inspect(`${registry.host}/multi:one`)).Id, (await backend.inspect('busybox')).Id);
    assert.equal((await puller.inspect(`${registry.host}/multi:two`)).Id, (await backend.inspect('hello-world')).Id);
    assert.equal(pull.statuses().at(-1), `Status: Downloaded newer image for ${registry.host}/multi`);
  });

  test('manifest lists: the engine\'s platform is chosen, or dockerd\'s "no matching manifest"', async () => {
    const backend = await backendWith('busybox', 'hello-world');
    const repo = `${registry.host}/listed`;
    await backend.tag('busybox', repo, 'wasm');
    await backend.tag('hello-world', repo, 'other');
    await backend.push(repo, { tag: '', platform: '' }, () => {}, noSignal);
    const descriptor = async (tag: string) => {
      const response = await fetch(`http://${registry.host}/v2/listed/manifests/${tag}`, { method: 'HEAD', headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
      return { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: response.headers.get('docker-content-digest')!, size: Number(response.headers.get('content-length')) };
    };
    const wasm = await descriptor('wasm');
    const other = await descriptor('other');
    const putList = async (tag: string, manifests: unknown[], mediaType = 'application/vnd.docker.distribution.manifest.list.v2+json') => {
      const body = JSON.stringify({ schemaVersion: 2, mediaType, manifests });
      const response = await fetch(`http://${registry.host}/v2/listed/manifests/${tag}`, { method: 'PUT', headers: { 'Content-Type': mediaType }, body });
      assert.equal(response.status, 201, await response.text());
    };
    await putList('multi', [
      { ...other, platform: { os: 'linux', architecture: 'amd64' } },
      { ...wasm, platform: { os: 'linux', architecture: 'wasm32' } },
      { ...other, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ]);
    await putList('oci-wasi', [
      { ...other, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', platform: { os: 'linux', architecture: 'amd64' } },
      { ...wasm, platform: { os: 'wasip1', architecture: 'wasm' } },
    ], 'application/vnd.oci.image.index.v1+json');
    await putList('amd64-only', [{ ...other, platform: { os: 'linux', architecture: 'amd64' } }]);
    const puller = await backendWith();
    await puller.pull({ fromImage: repo, tag: 'multi', platform: '' }, () => {}, noSignal);
    assert.equal((await puller.inspect(`${repo}:multi`)).Id, (await backend.inspect('busybox')).Id);
    await puller.pull({ fromImage: repo, tag: 'oci-wasi', platform: '' }, () => {}, noSignal);
    assert.equal((await puller.inspect(`${repo}:oci-wasi`)).Id, (await backend.inspect('busybox')).Id);
    // The repo digest is the list's digest.
    const listDigest = (await fetch(`http://${registry.host}/v2/listed/manifests/multi`, { method: 'HEAD', headers: { Accept: 'application/vnd.docker.distribution.manifest.list.v2+json' } })).headers.get('docker-content-digest');
    assert.ok((await puller.inspect(`${repo}:multi`)).RepoDigests.includes(`${repo}@${listDigest}`));
    await assert.rejects(puller.pull({ fromImage: repo, tag: 'amd64-only', platform: '' }, () => {}, noSignal), (e: unknown) =>
      e instanceof NotFoundError && e.message === 'no matching manifest for linux/wasm32 in the manifest list entries',
    );
    // An explicit platform picks that entry; its config must match it.
    await assert.rejects(puller.pull({ fromImage: repo, tag: 'multi', platform: 'linux/amd64' }, () => {}, noSignal), {
      message: `image with reference ${repo}:multi was found but does not match the specified platform: wanted linux/amd64, actual: linux/wasm32`,
    });
    const inspect = await puller.distributionInspect(`${repo}:multi`, undefined);
    assert.equal(inspect.Descriptor.digest, listDigest);
    assert.deepEqual(inspect.Platforms.map((p) => `${p.os}/${p.architecture}`), ['linux/amd64', 'linux/wasm32', 'linux/arm64']);
  });

  test('errors in dockerd\'s words', async () => {
    const backend = await backendWith('busybox');
    await assert.rejects(backend.pull({ fromImage: `${registry.host}/busybox`, tag: 'nosuch', platform: '' }, () => {}, noSignal), (e: unknown) =>
      e instanceof NotFoundError && e.message === `manifest for ${registry.host}/busybox:nosuch not found: manifest unknown: manifest unknown`,
    );
    await assert.rejects(backend.push(`${registry.host}/never-tagged`, { tag: 'latest', platform: '' }, () => {}, noSignal), {
      message: `An image does not exist locally with the tag: ${registry.host}/never-tagged`,
    });
    await assert.rejects(backend.pull({ fromImage: 'Bad/Name', tag: 'latest', platform: '' }, () => {}, noSignal), {
      message: 'invalid reference format: repository name must be lowercase',
    });
    // Nothing listens there: a network error, as dockerd words it (Get "<url>": <cause>).
    const port = await freePort();
    await assert.rejects(backend.pull({ fromImage: `127.0.0.1:${port}/x`, tag: 'latest', platform: '' }, () => {}, noSignal), (e: unknown) =>
      e instanceof Error && e.message === `Get "http://127.0.0.1:${port}/v2/x/manifests/latest": fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});

describe('registry with token authentication', { skip }, () => {
  let registry: RunningRegistry;
  before(async () => {
    registry = await startRegistry({ users: { alice: 's3cret' } });
  });
  after(async () => {
    await registry?.stop();
  });

  test('push and pull with credentials get bearer tokens for the right scopes; anonymous pulls are denied', async () => {
    const backend = await backendWith('hello-world');
    const name = `${registry.host}/private/hello`;
    await backend.tag('hello-world', name, '');
    const auth = { username: 'alice', password: 's3cret', serveraddress: registry.host };
    await backend.push(name, { tag: 'latest', platform: '', auth }, () => {}, noSignal);
    assert.ok(registry.tokenRequests.some((r) => r.scope === 'repository:private/hello:push,pull' && r.account === 'alice' && r.authorized));
    const puller = await backendWith();
    await puller.pull({ fromImage: name, tag: 'latest', platform: '', auth: { auth: Buffer.from('alice:s3cret').toString('base64') } }, () => {}, noSignal);
    assert.equal((await puller.inspect(name)).Id, (await backend.inspect('hello-world')).Id);
    await assert.rejects(puller.pull({ fromImage: name, tag: 'latest', platform: '' }, () => {}, noSignal), (e: unknown) =>
      e instanceof NotFoundError &&
      e.message === `pull access denied for ${name}, repository does not exist or may require 'docker login': unauthorized: authentication required`,
    );
    await assert.rejects(puller.pull({ fromImage: name, tag: 'latest', platform: '', auth: { username: 'alice', password: 'wrong' } }, () => {}, noSignal), {
      message: 'unauthorized: incorrect username or password',
    });
  });
});
