/**
 * The real Docker CLI (/usr/local/bin/docker 28.2.2) against Drydock's
 * images backend, served by the Node transport on a temporary unix socket:
 * the shipped images preloaded into a directory-backed store; docker images,
 * image inspect, history, tag, rmi (and its conflicts), save -o, load -i
 * (also of a broken archive), import, commit, image prune, search, and
 * push/pull against a real registry on loopback.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createApi } from '../src/engine/api/create-api.ts';
import { EngineSystemBackend } from '../src/engine/api/engine-system.ts';
import { NotFoundError } from '../src/engine/errors.ts';
import { ImageStore } from '../src/engine/images/image-store.ts';
import { DrydockImagesBackend } from '../src/engine/images/images-backend.ts';
import { preloadImages } from '../src/engine/images/preload.ts';
import { fromWhatwgFetch } from '../src/engine/images/registry/http.ts';
import { DirBlobStore } from '../src/platform/node/dir-blob-store.ts';
import { HttpTransport } from '../src/platform/node/http-transport.ts';
import { MemFs } from '../src/unionfs/memfs/memfs.ts';
import { OverlayFs } from '../src/unionfs/overlay/overlay-fs.ts';
import { type RunningRegistry, registryAvailable, startRegistry } from './engine-images-helpers.ts';

/** go-units' HumanSizeWithPrecision(size, 3): "%.3g" of the size in decimal units ("753kB", "1.11MB"). */
function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(3))}${units[unit]}`;
}

const DOCKER = '/usr/local/bin/docker';
const missing = [...(existsSync(DOCKER) ? [] : [DOCKER]), ...(registryAvailable() ? [] : ['docker-registry (apt) and openssl'])];
if (missing.length > 0 && process.env.CI) throw new Error(`CI: ${missing.join(', ')} required`);
const skip = missing.length > 0 ? `needs ${missing.join(', ')}` : false;

const IMAGES = join(import.meta.dirname, '../public/images');
const SHIPPED = ['hello-world', 'busybox', 'alpine', 'nginx', 'redis'];
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'drydock-images-cli-'));
const socket = join(dir, 'engine.sock');
let transport: HttpTransport;
let blobs: DirBlobStore;
let store: ImageStore;
let registry: RunningRegistry;
let containerUsesBusybox: { running: boolean } | null = null;
const CONTAINER_ID = '3f'.repeat(32);

async function docker(args: string[], input?: Buffer | string) {
  try {
    const child = run(DOCKER, ['-H', `unix://${socket}`, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, DOCKER_CONFIG: join(dir, 'config') },
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    });
    child.child.stdin!.end(input);
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function ok(args: string[], input?: Buffer | string): Promise<string> {
  const result = await docker(args, input);
  assert.equal(result.code, 0, `docker ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/**
 * The machine's fetch for loopback, and for anything else what fetch does on
 * a machine without internet (these tests must not depend on Docker Hub being
 * unreachable, or reachable).
 */
const loopbackOnlyFetch: typeof fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return fetch(input, init);
  throw new TypeError('fetch failed', { cause: new Error(`getaddrinfo ENOTFOUND ${url.hostname}`) });
};

before(async () => {
  if (skip) return;
  registry = await startRegistry();
  blobs = await DirBlobStore.open({ root: join(dir, 'data') });
  store = await ImageStore.open(blobs);
  await preloadImages(store, SHIPPED.map((name) => new Uint8Array(readFileSync(join(IMAGES, `${name}.tar`)))));
  store.inUse = (id) => (containerUsesBusybox && store.tryResolve('busybox')?.id === id ? { running: containerUsesBusybox.running, containerId: CONTAINER_ID } : null);
  // A container "c1" of busybox that wrote /hello.txt: what the containers backend will hand over for commit.
  const images = new DrydockImagesBackend({
    store,
    distribution: { fetch: fromWhatwgFetch(loopbackOnlyFetch) },
    commitSource: {
      prepareCommit: async (name) => {
        if (name !== 'c1' && name !== CONTAINER_ID) throw new NotFoundError(`No such container: ${name}`);
        const image = store.resolve('busybox');
        const fs = new OverlayFs({ lowers: [...(await store.layerTrees(image))].reverse(), upper: new MemFs({}) });
        fs.root().create('hello.txt', 'file', { mode: 0o644, uid: 0, gid: 0 }).write(0, new TextEncoder().encode('hi\n'));
        return { containerId: CONTAINER_ID, imageId: image.id, containerConfig: { ...image.config.config, Hostname: CONTAINER_ID.slice(0, 12), Image: 'busybox', Cmd: ['sh', '-c', 'echo hi > /hello.txt'] }, layerTar: fs.commitUpper() };
      },
    },
  });
  const api = createApi({ backends: { system: new EngineSystemBackend({ ncpu: 2, memTotal: 2 ** 31 }), images } });
  transport = new HttpTransport(api.respond, { logError: () => {} });
  await transport.listenUnix(socket);
});

after(async () => {
  await transport?.close();
  await blobs?.close();
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the docker CLI drives the images backend', { skip }, () => {
  test('docker images lists the preloaded images', async () => {
    const out = await ok(['images']);
    const lines = out.trim().split('\n');
    assert.match(lines[0]!, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    const index = JSON.parse(readFileSync(join(IMAGES, 'images.json'), 'utf8')) as { name: string; id: string; size: number }[];
    for (const { name, id, size } of index) {
      // SIZE as the CLI prints it: decimal units, three significant digits (go-units HumanSizeWithPrecision).
      assert.ok(lines.some((l) => new RegExp(`^${name}\\s+latest\\s+${id.slice(7, 19)}\\s+.*ago\\s+${humanSize(size)}$`).test(l)), `${name} ${humanSize(size)} in\n${out}`);
    }
    assert.equal((await ok(['images', '-q', '--filter', 'reference=a*'])).trim(), index.find((i) => i.name === 'alpine')!.id.slice(7, 19));
  });

  test('docker image inspect and docker history', async () => {
    assert.equal(
      (await ok(['image', 'inspect', 'nginx', '--format', '{{.Os}}/{{.Architecture}} {{json .Config.Cmd}} {{json .Config.ExposedPorts}} {{.Config.StopSignal}} {{len .RootFS.Layers}}'])).trim(),
      'linux/wasm32 ["nginx","-g","daemon off;"] {"80/tcp":{}} SIGQUIT 3',
    );
    const history = await ok(['history', '--no-trunc', '--format', '{{.ID}}|{{.CreatedBy}}|{{.Size}}', 'busybox']);
    const rows = history.trim().split('\n');
    assert.equal(rows.length, 4);
    assert.match(rows[0]!, /^sha256:[0-9a-f]{64}\|\/bin\/sh -c #\(nop\)  CMD \["sh"\]\|0B$/);
    assert.match(rows[2]!, /^<missing>\|\/bin\/sh -c #\(nop\) ADD file:drydock-busybox in \/ \|\d{3}kB$/);
    const missingImage = await docker(['image', 'inspect', 'nosuch']);
    assert.equal(missingImage.code, 1);
    assert.match(missingImage.stderr, /No such image: nosuch/);
  });

  test('docker tag and docker rmi: untag, delete, conflicts', async () => {
    await ok(['tag', 'busybox', 'mybb:1']);
    await ok(['tag', 'busybox', 'mybb:2']);
    assert.equal((await ok(['images', 'mybb', '--format', '{{.Tag}}'])).trim().split('\n').sort().join(','), '1,2');
    assert.equal((await ok(['rmi', 'mybb:1'])).trim(), 'Untagged: mybb:1');
    const bad = await docker(['tag', 'busybox', 'Bad:x']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /must be lowercase/);
    // Another tag remains: removing busybox would only untag it even with a container using it (dockerd); so drop mybb:2 first.
    assert.equal((await ok(['rmi', 'mybb:2'])).trim(), 'Untagged: mybb:2');
    // A stopped container uses busybox: removing its only tag needs force.
    containerUsesBusybox = { running: false };
    try {
      const conflict = await docker(['rmi', 'busybox']);
      assert.equal(conflict.code, 1);
      assert.match(conflict.stderr, /^Error response from daemon: conflict: unable to remove repository reference "busybox" \(must force\) - container 3f3f3f3f3f3f is using its referenced image \w{12}$/m);
      const id = store.resolve('busybox').id.slice(7, 19);
      containerUsesBusybox = { running: true };
      const running = await docker(['rmi', '-f', id]);
      assert.match(running.stderr, new RegExp(`conflict: unable to delete ${id} \\(cannot be forced\\) - image is being used by running container 3f3f3f3f3f3f`));
    } finally {
      containerUsesBusybox = null;
    }
    assert.ok(store.tryResolve('busybox'), 'busybox survived the refused removals');
  });

  test('docker save -o, docker rmi, docker load -i: the image comes back with its ID', async () => {
    const file = join(dir, 'hello.tar');
    const id = store.resolve('hello-world').id;
    await ok(['save', '-o', file, 'hello-world']);
    const members = (await run('tar', ['-tf', file])).stdout;
    assert.match(members, /^manifest\.json$/m);
    assert.match(members, /^index\.json$/m);
    const removed = (await ok(['rmi', 'hello-world'])).trim().split('\n');
    assert.equal(removed[0], 'Untagged: hello-world:latest');
    assert.equal(removed[1], `Deleted: ${id}`);
    assert.ok(removed.length >= 3, 'the hello layer is deleted too');
    assert.equal((await ok(['load', '-i', file])).trim(), 'Loaded image: hello-world:latest');
    assert.equal(store.resolve('hello-world').id, id);
    // gzip works too, from stdin.
    const gz = (await run('sh', ['-c', `gzip -c ${file}`], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 })).stdout;
    assert.equal((await ok(['load'], gz)).trim(), 'Loaded image: hello-world:latest');
  });

  test('docker load of a broken archive fails with a clear message and loads nothing', async () => {
    const before = (await ok(['images', '-q'])).trim();
    const file = join(dir, 'broken.tar');
    const good = readFileSync(join(IMAGES, 'busybox.tar'));
    writeFileSync(file, good.subarray(0, 100_000));
    const result = await docker(['load', '-i', file]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /invalid archive: tar.*truncated/);
    writeFileSync(join(dir, 'notatar.tar'), 'this is not an image archive\n'.repeat(40));
    const garbage = await docker(['load', '-i', join(dir, 'notatar.tar')]);
    assert.equal(garbage.code, 1);
    assert.match(garbage.stderr, /invalid archive/);
    assert.equal((await ok(['images', '-q'])).trim(), before);
  });

  test('docker import and docker commit make images with history', async () => {
    const rootfs = (await run('tar', ['-C', IMAGES, '-c', 'images.json'], { encoding: 'buffer' })).stdout;
    const id = (await ok(['import', '-c', 'CMD ["/bin/sh"]', '-c', 'ENV A=b', '-m', 'from a tar', '-', 'imported:v1'], rootfs)).trim();
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.equal((await ok(['image', 'inspect', 'imported:v1', '--format', '{{.Comment}} {{json .Config.Env}} {{json .Config.Cmd}}'])).trim(), 'from a tar ["A=b"] ["/bin/sh"]');
    const commit = (await ok(['commit', '-c', 'ENV X=1', '-m', 'snapshot', '-a', 'tester', 'c1', 'snap:1'])).trim();
    assert.match(commit, /^sha256:[0-9a-f]{64}$/);
    const history = (await ok(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}', 'snap:1'])).trim().split('\n');
    assert.equal(history[0], 'sh -c echo hi > /hello.txt|snapshot');
    assert.equal(history.length, 5);
    assert.equal((await ok(['image', 'inspect', 'snap:1', '--format', '{{.Parent}} {{.Author}} {{json .Config.Env}}'])).trim(), `${store.resolve('busybox').id} tester ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","X=1"]`);
    const noContainer = await docker(['commit', 'nosuch']);
    assert.match(noContainer.stderr, /No such container: nosuch/);
  });

  test('docker image prune removes dangling images only', async () => {
    await ok(['tag', 'imported:v1', 'dangle:x']);
    await ok(['rmi', 'imported:v1']);
    const id = store.resolve('dangle:x').id;
    await ok(['rmi', 'dangle:x']).catch(() => '');
    assert.equal(store.get(id), null, 'the last tag removed deletes the image');
    const keep = (await ok(['images', '-q'])).trim();
    const out = await ok(['image', 'prune', '-f']);
    assert.match(out, /Total reclaimed space: 0B/);
    assert.equal((await ok(['images', '-q'])).trim(), keep);
  });

  test('docker push and docker pull against a registry on loopback', async () => {
    const name = `${registry.host}/cli/busybox`;
    const id = store.resolve('busybox').id;
    await ok(['tag', 'busybox', name]);
    const push = await ok(['push', name]);
    assert.match(push, new RegExp(`^The push refers to repository \\[${name.replace(/\./g, '\\.')}\\]$`, 'm'));
    assert.match(push, /^latest: digest: sha256:[0-9a-f]{64} size: \d+$/m);
    await ok(['rmi', name]);
    // The layers are here (busybox): only the tag is new.
    const pull = await ok(['pull', name]);
    assert.match(pull, /^latest: Pulling from cli\/busybox$/m);
    assert.equal(pull.match(/: Already exists$/gm)?.length, 2);
    assert.match(pull, /^Digest: sha256:[0-9a-f]{64}$/m);
    assert.match(pull, new RegExp(`^Status: Downloaded newer image for ${name.replace(/\./g, '\\.')}:latest$`, 'm'));
    assert.match(await ok(['pull', name]), new RegExp(`^Status: Image is up to date for ${name.replace(/\./g, '\\.')}:latest$`, 'm'));
    assert.equal(store.resolve(name).id, id);
    // Fresh: nothing of it here.
    await ok(['rmi', name]);
    // busybox has a child (snap:1, committed from it): removing its tag only untags it, as in dockerd.
    assert.equal((await ok(['rmi', 'busybox'])).trim(), 'Untagged: busybox:latest');
    await ok(['rmi', 'snap:1', 'alpine', 'nginx', 'redis']);
    assert.equal(store.get(id), null, 'pruning snap:1 removed its untagged parent');
    const fresh = await ok(['pull', name]);
    assert.match(fresh, /: Pull complete$/m);
    assert.match(fresh, new RegExp(`^Status: Downloaded newer image for ${name.replace(/\./g, '\\.')}:latest$`, 'm'));
    assert.equal(store.resolve(name).id, id);
    assert.match(await ok(['images', '--digests', name]), /sha256:[0-9a-f]{64}/);
  });

  test('no internet: pull and search fail like a daemon without network', async () => {
    const pull = await docker(['pull', 'nosuchimage']);
    assert.equal(pull.code, 1);
    assert.equal(pull.stderr.trim(), 'Error response from daemon: Get "https://registry-1.docker.io/v2/library/nosuchimage/manifests/latest": fetch failed: getaddrinfo ENOTFOUND registry-1.docker.io');
    const search = await docker(['search', 'busybox']);
    assert.equal(search.code, 1);
    assert.equal(search.stderr.trim(), 'Error response from daemon: Get "https://index.docker.io/v1/search?q=busybox&n=25": fetch failed: getaddrinfo ENOTFOUND index.docker.io');
  });

  test('images persist: a new store over the same directory has them', async () => {
    const others = await ImageStore.open(blobs);
    assert.deepEqual(
      others.list().map((i) => i.id).sort(),
      store.list().map((i) => i.id).sort(),
    );
  });
});
