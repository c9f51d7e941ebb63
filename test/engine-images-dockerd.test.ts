/**
 * A real dockerd (Debian docker.io 20.10) as the oracle for the image store:
 *  1. images made by real Docker (import, classic build with whiteouts and
 *     empty layers, commit) `docker save`d and loaded here keep their IDs,
 *     and inspect, history and sizes agree with dockerd's;
 *  2. our `docker save` of those images has the same legacy members
 *     (v1 layer directories, json, VERSION, layer.tar, manifest.json,
 *     repositories) byte for byte as dockerd's;
 *  3. the shipped images (public/images/*.tar) load into real Docker with
 *     the same IDs, sizes and history, and what real Docker saves of them
 *     loads back here unchanged;
 *  4. our commit of a container gives the config dockerd's commit gives for
 *     the same container and --change instructions.
 *
 * Needs root, dockerd (apt docker.io) and a static busybox (apt
 * busybox-static). Without them the test skips, except under CI.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MemoryBlobStore } from '../src/platform/memory/blob-store.ts';
import { readTar } from '../src/unionfs/tar/reader.ts';
import { Filters } from '../src/engine/types/filters.ts';
import { commitFromContainer } from '../src/engine/images/commit.ts';
import { ImageStore } from '../src/engine/images/image-store.ts';
import { DrydockImagesBackend } from '../src/engine/images/images-backend.ts';
import type { ContainerConfig } from '../src/engine/types/container.ts';
import { chunked, collect } from '../src/engine/images/testing/fixtures.ts';
import { BUSYBOX_STATIC, DOCKER_CLI, oracleSkip, startDockerd } from './helpers/dockerd.ts';
import type { Oracle } from './helpers/dockerd.ts';

const skip = oracleSkip();

const IMAGES = join(import.meta.dirname, '../public/images');
const SHIPPED = ['hello-world', 'busybox', 'alpine', 'nginx', 'redis'];
const noSignal = new AbortController().signal;

let home = '';
let oracle: Oracle | null = null;

function docker(args: string[], input?: Uint8Array | string): Buffer {
  const result = spawnSync(DOCKER_CLI, args, {
    env: { ...process.env, DOCKER_HOST: `unix://${home}/docker.sock` },
    input,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`docker ${args.join(' ')}: ${result.stderr.toString()}`);
  return result.stdout;
}

/** GET on the real engine's API, parsed as JSON. */
function api(path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: `${home}/docker.sock`, path: `/v1.41${path}`, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode} ${text}`));
        else resolve(JSON.parse(text));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function members(tar: Uint8Array): Map<string, { type: string; data: string; link: string }> {
  return new Map(readTar(tar).map((e) => [e.path.replace(/\/$/, ''), { type: e.type, data: Buffer.from(e.data).toString('latin1'), link: e.linkTarget }]));
}

async function newBackend() {
  return new DrydockImagesBackend({ store: await ImageStore.open(await MemoryBlobStore.open()) });
}

before(async () => {
  if (skip) return;
  oracle = await startDockerd({ home: '/tmp/dd-images-' });
  home = oracle.home;
  // Real images: an import, a classic build on it (ENV, RUN with a whiteout, LABEL, CMD), a commit with changes.
  const rootfs = join(home, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  cpSync(BUSYBOX_STATIC, join(rootfs, 'bin/busybox'));
  for (const applet of ['sh', 'ls', 'echo', 'mkdir', 'rm', 'cat']) spawnSync('ln', ['-s', 'busybox', join(rootfs, 'bin', applet)]);
  const tar = spawnSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 }).stdout;
  docker(['import', '-c', 'ENV PATH=/bin', '-c', 'CMD ["sh"]', '-', 'bb'], tar);
  docker(['build', '-t', 'built', '-'], 'FROM bb\nENV X=1\nRUN echo hi > /a && rm /bin/ls && mkdir -p /d/e\nLABEL l=v\nCMD ["sh","-c","echo"]\n');
  docker(['run', '--network', 'none', '--name', 'c1', 'bb', 'sh', '-c', 'echo x > /f']);
  docker(['commit', '-c', 'LABEL a=b', '-c', 'ENV Y=2', '-c', 'EXPOSE 8080', '-c', 'WORKDIR /srv', '-m', 'msg', '-a', 'me', 'c1', 'bb2:v1']);
});

after(async () => {
  await oracle?.stop();
});

describe('images against a real dockerd', { skip }, () => {
  test('real docker save -> our load: same IDs; inspect, history and sizes agree', async () => {
    const backend = await newBackend();
    const saved = docker(['save', 'built', 'bb2:v1']);
    for (const input of [saved, spawnSync('gzip', ['-c'], { input: saved, maxBuffer: 64 * 1024 * 1024 }).stdout]) {
      const messages: string[] = [];
      await backend.load(chunked(new Uint8Array(input), 65536), { quiet: true }, (m) => messages.push(m.stream ?? ''), noSignal);
      assert.deepEqual(messages.sort(), ['Loaded image: bb2:v1\n', 'Loaded image: built:latest\n']);
    }
    for (const name of ['built', 'bb2:v1']) {
      const real = (await api(`/images/${name}/json`)) as Record<string, unknown>;
      const ours = (await backend.inspect(name)) as unknown as Record<string, unknown>;
      for (const key of ['Id', 'RepoTags', 'Comment', 'Created', 'Author', 'DockerVersion', 'Config', 'Architecture', 'Os', 'Size', 'VirtualSize', 'RootFS']) {
        assert.deepEqual(ours[key], real[key], `${name} ${key}`);
      }
      const realHistory = (await api(`/images/${name}/history`)) as Record<string, unknown>[];
      const ourHistory = await backend.history(name);
      assert.equal(ourHistory.length, realHistory.length);
      ourHistory.forEach((row, i) => {
        const r = realHistory[i]!;
        assert.deepEqual([row.CreatedBy, row.Size, row.Created, row.Comment], [r.CreatedBy, r.Size, r.Created, r.Comment], `${name} history row ${i}`);
      });
      // The top row is the image itself; dockerd's others are its local parents, which a load does not bring: "<missing>".
      assert.equal(ourHistory[0]!.Id, real.Id);
    }
    const list = await backend.list({ all: false, digests: false, sharedSize: false, manifests: false, filters: Filters.empty() });
    const realList = (await api('/images/json')) as { Id: string; Size: number; Created: number }[];
    for (const image of list) {
      const r = realList.find((x) => x.Id === image.Id)!;
      assert.deepEqual([image.Size, image.Created], [r.Size, r.Created]);
    }
  });

  test('our docker save has dockerd\'s legacy members byte for byte', async () => {
    const backend = await newBackend();
    await backend.load(chunked(new Uint8Array(docker(['save', 'built', 'bb2:v1']))), { quiet: true }, () => {}, noSignal);
    for (const names of [['built'], ['bb2:v1'], ['built', 'bb2:v1']]) {
      const real = members(new Uint8Array(docker(['save', ...names])));
      const ours = members(await collect(await backend.export(names, noSignal)));
      for (const [path, entry] of real) {
        const mine = ours.get(path);
        assert.ok(mine, `${names}: ${path} missing from our save`);
        assert.equal(mine.type, entry.type, path);
        assert.equal(mine.link, entry.link, path);
        assert.ok(mine.data === entry.data, `${names}: ${path} differs`);
      }
      // Ours also carries the OCI layout.
      for (const extra of ['index.json', 'oci-layout', 'blobs/sha256']) assert.ok(ours.has(extra), extra);
    }
  });

  test('the shipped images load into real Docker with the same IDs, sizes and history', async () => {
    const backend = await newBackend();
    for (const name of SHIPPED) {
      const tar = readFileSync(join(IMAGES, `${name}.tar`));
      assert.match(docker(['load', '-i', join(IMAGES, `${name}.tar`)]).toString(), new RegExp(`Loaded image: ${name}:latest`));
      await backend.load(chunked(new Uint8Array(tar)), { quiet: true }, () => {}, noSignal);
      const real = (await api(`/images/${name}/json`)) as Record<string, unknown>;
      const ours = (await backend.inspect(name)) as unknown as Record<string, unknown>;
      for (const key of ['Id', 'Created', 'Config', 'Architecture', 'Os', 'Size', 'RootFS']) assert.deepEqual(ours[key], real[key], `${name} ${key}`);
      const realHistory = (await api(`/images/${name}/history`)) as Record<string, unknown>[];
      assert.deepEqual(
        (await backend.history(name)).map((h) => [h.Id, h.CreatedBy, h.Size, h.Created, h.Tags]),
        realHistory.map((h) => [h.Id, h.CreatedBy, h.Size, h.Created, h.Tags]),
      );
      // What real Docker saves of it loads back here unchanged.
      const again = await newBackend();
      await again.load(chunked(new Uint8Array(docker(['save', name]))), { quiet: true }, () => {}, noSignal);
      assert.equal((await again.inspect(name)).Id, real.Id);
      // And real Docker writes exactly our legacy members.
      const realSave = members(new Uint8Array(docker(['save', name])));
      const shipped = members(new Uint8Array(tar));
      for (const [path, entry] of realSave) assert.ok(shipped.get(path)?.data === entry.data, `${name}: ${path}`);
    }
  });

  test('a layer with whiteouts and hard links survives real save -> our load -> our save -> real load', async () => {
    const backend = await newBackend();
    await backend.load(chunked(new Uint8Array(docker(['save', 'built']))), { quiet: true }, () => {}, noSignal);
    await backend.tag('built', 'roundtrip', 'ours');
    docker(['rmi', 'built']);
    const ours = await collect(await backend.export(['roundtrip:ours'], noSignal));
    assert.match(docker(['load'], ours).toString(), /Loaded image: roundtrip:ours/);
    const real = (await api('/images/roundtrip:ours/json')) as { Id: string };
    assert.equal(real.Id, (await backend.inspect('roundtrip:ours')).Id);
    // The whiteout of /bin/ls and the new files are what real Docker sees.
    const out = docker(['run', '--rm', '--network', 'none', 'roundtrip:ours', 'sh', '-c', 'cat /a; ls /bin/ls 2>&1; ls -d /d/e']).toString();
    assert.match(out, /^hi\n/);
    assert.match(out, /No such file or directory/);
    assert.match(out, /\/d\/e\n$/);
  });

  test('our commit gives the config dockerd\'s commit gives for the same container and changes', async () => {
    const backend = await newBackend();
    await backend.load(chunked(new Uint8Array(docker(['save', 'bb']))), { quiet: true }, () => {}, noSignal);
    const container = JSON.parse(docker(['inspect', 'c1']).toString())[0] as { Id: string; Config: ContainerConfig };
    const realImage = (await api('/images/bb2:v1/json')) as { Config: unknown; Comment: string; Author: string; RootFS: { Layers: string[] } };
    // The container's layer as real Docker committed it (the top layer of bb2:v1).
    const savedBb2 = members(new Uint8Array(docker(['save', 'bb2:v1'])));
    const manifest = JSON.parse(savedBb2.get('manifest.json')!.data) as { Layers: string[] }[];
    const layerTar = new Uint8Array(Buffer.from(savedBb2.get(manifest[0]!.Layers.at(-1)!)!.data, 'latin1'));
    const image = await commitFromContainer(backend.store, {
      layerTar,
      baseImage: backend.store.resolve('bb'),
      containerId: container.Id,
      containerConfig: container.Config,
      changes: ['LABEL a=b', 'ENV Y=2', 'EXPOSE 8080', 'WORKDIR /srv'],
      comment: 'msg',
      author: 'me',
      tags: ['ours:v1'],
    });
    const ours = await backend.inspect(image.id);
    assert.deepEqual(ours.Config, realImage.Config);
    assert.deepEqual([ours.Comment, ours.Author], [realImage.Comment, realImage.Author]);
    assert.deepEqual(ours.RootFS.Layers, realImage.RootFS.Layers);
    const realHistory = (await api('/images/bb2:v1/history')) as { CreatedBy: string; Comment: string; Size: number }[];
    const ourHistory = await backend.history('ours:v1');
    assert.deepEqual(
      ourHistory.map((h) => [h.CreatedBy, h.Comment, h.Size]),
      realHistory.map((h) => [h.CreatedBy, h.Comment, h.Size]),
    );
  });
});
