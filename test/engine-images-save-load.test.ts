import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { fromUtf8, sha256Hex, utf8 } from '../src/common/bytes.ts';
import { MemoryBlobStore } from '../src/platform/memory/blob-store.ts';
import { gzip } from '../src/unionfs/tar/gzip.ts';
import { readTar } from '../src/unionfs/tar/reader.ts';
import { writeTar } from '../src/unionfs/tar/writer.ts';
import type { TarWriteEntry } from '../src/unionfs/tar/entry.ts';
import { InvalidImageError, serializeImageConfig } from '../src/engine/images/image-config.ts';
import { ImageStore } from '../src/engine/images/image-store.ts';
import { readImageArchive, storeLoadedImages } from '../src/engine/images/load.ts';
import { resolveSaveNames, saveImages } from '../src/engine/images/save.ts';
import { baseConfig, chunked, collect, layerTar } from '../src/engine/images/testing/fixtures.ts';

const BASE = layerTar({ bin: { dir: true }, 'bin/sh': 'shell', tmp: { dir: true, mode: 0o1777 } });
const TOP = layerTar({ hello: 'hello\n' });

async function storeWithImages() {
  const store = await ImageStore.open(await MemoryBlobStore.open());
  const base = await store.create({ layers: [BASE], config: baseConfig(), tags: ['base:1'] });
  const top = await store.create({ parent: base, layers: [TOP], config: baseConfig({ config: { Cmd: ['/hello'] } }), tags: ['hello:latest', 'hello:v1', 'other/name:x'] });
  return { store, base, top };
}

async function save(store: ImageStore, names: string[]): Promise<Uint8Array> {
  return collect(saveImages(store, resolveSaveNames(store, names)));
}

function members(tar: Uint8Array): Map<string, { type: string; data: string; link: string }> {
  return new Map(readTar(tar).map((e) => [e.path, { type: e.type, data: e.type === 'file' ? fromUtf8(e.data) : '', link: e.linkTarget }]));
}

describe('docker save / docker load', () => {
  test('save writes dockerd 20.10\'s layout plus an OCI layout', async () => {
    const { store, base, top } = await storeWithImages();
    const tar = await save(store, ['hello']);
    const m = members(tar);
    const manifest = JSON.parse(m.get('manifest.json')!.data);
    assert.equal(manifest.length, 1);
    assert.equal(manifest[0].Config, `${top.id.slice(7)}.json`);
    assert.deepEqual(manifest[0].RepoTags, ['hello:latest', 'hello:v1']);
    assert.equal(manifest[0].Layers.length, 2);
    for (const layer of manifest[0].Layers) {
      assert.match(layer, /^[0-9a-f]{64}\/layer\.tar$/);
      const dir = layer.slice(0, 64);
      assert.equal(m.get(`${dir}/VERSION`)!.data, '1.0');
      const v1 = JSON.parse(m.get(`${dir}/json`)!.data);
      assert.equal(v1.id, dir);
      assert.equal(v1.os, 'linux');
    }
    assert.equal(m.get(`${top.id.slice(7)}.json`)!.data, fromUtf8(await store.configBytes(top)));
    const repositories = JSON.parse(m.get('repositories')!.data);
    assert.deepEqual(Object.keys(repositories), ['hello']);
    assert.equal(repositories.hello.latest, manifest[0].Layers[1].slice(0, 64));
    // OCI: index -> manifest -> config and layers, all blobs present.
    assert.equal(m.get('oci-layout')!.data, '{"imageLayoutVersion":"1.0.0"}');
    const index = JSON.parse(m.get('index.json')!.data);
    assert.deepEqual(index.manifests.map((d: { annotations: Record<string, string> }) => d.annotations['io.containerd.image.name']), [
      'docker.io/library/hello:latest',
      'docker.io/library/hello:v1',
    ]);
    const oci = JSON.parse(m.get(`blobs/sha256/${index.manifests[0].digest.slice(7)}`)!.data);
    assert.equal(oci.config.digest, top.id);
    assert.deepEqual(oci.layers.map((l: { digest: string }) => l.digest), top.diffIds);
    assert.equal(m.get(`blobs/sha256/${top.diffIds[0]!.slice(7)}`)!.type, 'hardlink');
    // Parent is recorded only when the parent is saved too.
    assert.equal(manifest[0].Parent, undefined);
    const both = JSON.parse(members(await save(store, ['hello:v1', 'base:1'])).get('manifest.json')!.data);
    assert.equal(both.find((i: { Config: string }) => i.Config === `${top.id.slice(7)}.json`).Parent, base.id);
  });

  test('save is deterministic', async () => {
    const a = await storeWithImages();
    const b = await storeWithImages();
    assert.equal(await sha256Hex(await save(a.store, ['hello'])), await sha256Hex(await save(b.store, ['hello'])));
  });

  test('save resolves names like dockerd: repository -> all its tags, ID -> untagged, misses', async () => {
    const { store, top } = await storeWithImages();
    assert.deepEqual(resolveSaveNames(store, ['hello']).map((i) => i.tags.length), [2]);
    assert.deepEqual(resolveSaveNames(store, [top.id]).map((i) => i.tags.length), [0]);
    assert.deepEqual(resolveSaveNames(store, [top.id.slice(7, 19)]).map((i) => i.tags.length), [0]);
    assert.throws(() => resolveSaveNames(store, ['nosuch']), { message: 'No such image: nosuch' });
    assert.throws(() => resolveSaveNames(store, ['hello:nosuch']), { message: 'reference does not exist' });
    const untagged = JSON.parse(members(await save(store, [top.id])).get('manifest.json')!.data);
    assert.equal(untagged[0].RepoTags, null);
    assert.equal(members(await save(store, [top.id])).has('repositories'), false);
  });

  test('ours -> ours: save then load into an empty store gives the same IDs, tags, parents, files', async () => {
    const { store, base, top } = await storeWithImages();
    const tar = await save(store, ['hello', 'base']);
    for (const input of [tar, gzip(tar)]) {
      const loaded = await readImageArchive(chunked(input, 1000));
      const fresh = await ImageStore.open(await MemoryBlobStore.open());
      await storeLoadedImages(fresh, loaded);
      assert.equal(fresh.resolve('hello:v1').id, top.id);
      assert.equal(fresh.resolve('base:1').id, base.id);
      assert.equal(fresh.get(top.id)!.parent, base.id);
      const trees = await fresh.layerTrees(fresh.resolve('hello'));
      assert.equal(trees[1]!.lookup(['hello'])!.data!.size, 6);
      assert.equal(trees[0]!.lookup(['tmp'])!.mode, 0o1777);
    }
  });

  test('an OCI layout without manifest.json loads (index.json, gzip layers)', async () => {
    const diffId = `sha256:${await sha256Hex(BASE)}`;
    const layer = gzip(BASE);
    const config = serializeImageConfig({ ...baseConfig(), rootfs: { type: 'layers', diff_ids: [diffId] } });
    const configDigest = `sha256:${await sha256Hex(config)}`;
    const manifest = utf8(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${await sha256Hex(layer)}`, size: layer.length }],
      }),
    );
    const manifestDigest = `sha256:${await sha256Hex(manifest)}`;
    // A multi-platform index: amd64 first, then ours.
    const list = utf8(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'1'.repeat(64)}`, size: 1, platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length, platform: { os: 'linux', architecture: 'wasm32' } },
        ],
      }),
    );
    const listDigest = `sha256:${await sha256Hex(list)}`;
    const index = utf8(
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          { mediaType: 'application/vnd.oci.image.index.v1+json', digest: listDigest, size: list.length, annotations: { 'org.opencontainers.image.ref.name': 'app:2' } },
          { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': 'latest' } },
        ],
      }),
    );
    const blob = (hex: string, data: Uint8Array): TarWriteEntry => ({ path: `blobs/sha256/${hex.slice(7)}`, type: 'file', mode: 0o644, data });
    const tar = writeTar([
      { path: 'oci-layout', type: 'file', mode: 0o644, data: utf8('{"imageLayoutVersion":"1.0.0"}') },
      { path: 'index.json', type: 'file', mode: 0o644, data: index },
      blob(configDigest, config),
      blob(`sha256:${await sha256Hex(layer)}`, layer),
      blob(manifestDigest, manifest),
      blob(listDigest, list),
    ]);
    const images = await readImageArchive(chunked(tar));
    assert.equal(images.length, 1);
    assert.equal(images[0]!.id, configDigest);
    assert.deepEqual(images[0]!.refs.map((r) => `${r.path}:${r.tag}`), ['library/app:2']);
    assert.equal(images[0]!.layers[0]!.diffId, diffId);
  });

  describe('malformed and hostile archives are refused with a clear message', () => {
    const diffIdOf = async (b: Uint8Array) => `sha256:${await sha256Hex(b)}`;
    async function archive(opts: { layers?: Uint8Array[]; manifest?: unknown; extra?: TarWriteEntry[]; configBytes?: Uint8Array; diffIds?: string[] } = {}) {
      const layers = opts.layers ?? [BASE];
      const diffIds = opts.diffIds ?? (await Promise.all(layers.map(diffIdOf)));
      const config = opts.configBytes ?? serializeImageConfig({ ...baseConfig(), rootfs: { type: 'layers', diff_ids: diffIds } });
      const entries: TarWriteEntry[] = [{ path: 'c.json', type: 'file', mode: 0o644, data: config }];
      layers.forEach((l, i) => entries.push({ path: `l${i}/layer.tar`, type: 'file', mode: 0o644, data: l }));
      entries.push(...(opts.extra ?? []));
      const manifest = opts.manifest ?? [{ Config: 'c.json', RepoTags: ['x:1'], Layers: layers.map((_, i) => `l${i}/layer.tar`) }];
      entries.push({ path: 'manifest.json', type: 'file', mode: 0o644, data: utf8(JSON.stringify(manifest)) });
      return writeTar(entries);
    }
    const cases: [string, () => Promise<Uint8Array>, RegExp][] = [
      ['not a tar', async () => utf8('hello, this is not a tar archive at all'.repeat(20)), /invalid archive: tar/],
      ['empty', async () => new Uint8Array(0), /invalid archive: it is empty/],
      ['truncated', async () => (await archive()).subarray(0, 1500), /invalid archive: tar.*truncated/],
      ['no manifest', async () => writeTar([{ path: 'x', type: 'file', mode: 0o644, data: utf8('x') }]), /neither manifest\.json .* nor index\.json/],
      ['manifest not JSON', async () => writeTar([{ path: 'manifest.json', type: 'file', mode: 0o644, data: utf8('{') }]), /manifest\.json is not valid JSON/],
      ['manifest path escapes', async () => archive({ manifest: [{ Config: '../../etc/passwd', Layers: [] }] }), /points outside the archive/],
      ['config missing', async () => archive({ manifest: [{ Config: 'nope.json', Layers: [] }] }), /config "nope\.json" is not in the archive/],
      ['symlink escapes', async () => archive({ extra: [{ path: 'evil', type: 'symlink', mode: 0o777, linkTarget: '../../../etc/passwd' }], manifest: [{ Config: 'evil', Layers: [] }] }), /points outside the archive/],
      ['symlink loop', async () => archive({ extra: [{ path: 'a', type: 'symlink', mode: 0o777, linkTarget: 'b' }, { path: 'b', type: 'symlink', mode: 0o777, linkTarget: 'a' }], manifest: [{ Config: 'a', Layers: [] }] }), /too many levels of symbolic links/],
      ['layers count mismatch', async () => archive({ manifest: [{ Config: 'c.json', Layers: [] }] }), /invalid manifest, layers length mismatch: expected 0, got 1/],
      ['wrong diff id', async () => archive({ diffIds: [await diffIdOf(TOP)] }), /invalid diffID/],
      ['hostile layer', async () => { const evil = layerTar({ '../../x': 'x' }); return archive({ layers: [evil] }); }, /layer 1 .*\.\./],
      ['bad config', async () => archive({ configBytes: utf8('{"rootfs":{}}') }), /rootfs\.type must be "layers"/],
      ['bad tag', async () => archive({ manifest: [{ Config: 'c.json', RepoTags: ['Bad:Tag'], Layers: ['l0/layer.tar'] }] }), /invalid tag "Bad:Tag"/],
      ['digest as tag', async () => archive({ manifest: [{ Config: 'c.json', RepoTags: [`x@sha256:${'a'.repeat(64)}`], Layers: ['l0/layer.tar'] }] }), /invalid tag/],
    ];
    for (const [name, make, expected] of cases) {
      test(name, async () => {
        await assert.rejects(readImageArchive(chunked(await make(), 777)), (e: unknown) => e instanceof InvalidImageError && expected.test(e.message));
      });
    }
  });
});
