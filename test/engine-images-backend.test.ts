import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { utf8 } from '../src/common/bytes.ts';
import { MemoryBlobStore } from '../src/platform/memory/blob-store.ts';
import { MemFs } from '../src/unionfs/memfs/memfs.ts';
import { OverlayFs } from '../src/unionfs/overlay/overlay-fs.ts';
import { gzip } from '../src/unionfs/tar/gzip.ts';
import { ConflictError, InvalidParameterError, NotFoundError } from '../src/engine/errors.ts';
import { Filters } from '../src/engine/types/filters.ts';
import type { JsonMessage } from '../src/engine/types/json-message.ts';
import type { ImageEvent } from '../src/engine/images/image-events.ts';
import { ImageStore } from '../src/engine/images/image-store.ts';
import { DrydockImagesBackend } from '../src/engine/images/images-backend.ts';
import { baseConfig, chunked, collect, layerTar } from '../src/engine/images/testing/fixtures.ts';

const BASE = layerTar({ bin: { dir: true }, 'bin/sh': 'shell', tmp: { dir: true, mode: 0o1777 } });
const TOP = layerTar({ hello: 'hello\n' });
const noSignal = new AbortController().signal;

async function setup() {
  const store = await ImageStore.open(await MemoryBlobStore.open());
  const backend = new DrydockImagesBackend({ store });
  const base = await store.create({ layers: [BASE], config: baseConfig({ created: '2024-01-01T00:00:00Z' }), history: [{ created: '2024-01-01T00:00:00Z', created_by: '/bin/sh -c #(nop) ADD file:base in / ' }], tags: ['base'] });
  const top = await store.create({
    parent: base,
    layers: [TOP],
    config: baseConfig({ created: '2024-02-01T00:00:00Z', config: { Cmd: ['/hello'], Labels: { tier: 'web' } } }),
    history: [
      { created: '2024-02-01T00:00:00Z', created_by: '/bin/sh -c #(nop) COPY file:hello in / ' },
      { created: '2024-02-01T00:00:01Z', created_by: '/bin/sh -c #(nop)  CMD ["/hello"]', empty_layer: true },
    ],
    tags: ['hello'],
  });
  return { store, backend, base, top };
}

const listOptions = (filters: Record<string, string[]> = {}, all = false) => ({ all, digests: false, sharedSize: false, manifests: false, filters: Filters.of(filters) });

describe('images backend', () => {
  test('list: newest first, dockerd fields, filters', async () => {
    const { backend, base, top } = await setup();
    const list = await backend.list(listOptions());
    assert.deepEqual(list.map((i) => i.Id), [top.id, base.id]);
    // The keys of dockerd 20.10's answer (../shared/reference/docker-engine-20.10/responses/images-list.json).
    assert.deepEqual(Object.keys(list[0]!).sort(), ['Containers', 'Created', 'Id', 'Labels', 'ParentId', 'RepoDigests', 'RepoTags', 'SharedSize', 'Size', 'VirtualSize']);
    assert.equal(list[0]!.Created, Date.UTC(2024, 1, 1) / 1000);
    assert.deepEqual(list[0]!.RepoTags, ['hello:latest']);
    assert.equal(list[0]!.RepoDigests, null);
    assert.equal(list[0]!.ParentId, base.id);
    assert.deepEqual((await backend.list(listOptions({ reference: ['hel*'] }))).map((i) => i.Id), [top.id]);
    assert.deepEqual((await backend.list(listOptions({ label: ['tier=web'] }))).map((i) => i.Id), [top.id]);
    assert.deepEqual((await backend.list(listOptions({ 'label!': ['tier'] }))).map((i) => i.Id), [base.id]);
    assert.deepEqual((await backend.list(listOptions({ before: ['hello'] }))).map((i) => i.Id), [base.id]);
    assert.deepEqual((await backend.list(listOptions({ since: ['base'] }))).map((i) => i.Id), [top.id]);
    assert.deepEqual(await backend.list(listOptions({ dangling: ['true'] })), []);
    await assert.rejects(backend.list(listOptions({ dangling: ['maybe'] })), { message: "invalid filter 'dangling=[maybe]'" });
    await assert.rejects(backend.list(listOptions({ before: ['nosuch'] })), { message: 'No such image: nosuch:latest' });
    const shared = await backend.list({ ...listOptions(), sharedSize: true });
    assert.equal(shared.find((i) => i.Id === base.id)!.SharedSize, 'shell'.length);
  });

  test('list: untagged parents are hidden unless all; dangling images show <none>', async () => {
    const { backend, store, base, top } = await setup();
    await store.untag((await import('../src/engine/images/reference.ts')).parseNormalizedNamed('base:latest'));
    assert.deepEqual((await backend.list(listOptions())).map((i) => i.Id), [top.id]);
    const all = await backend.list(listOptions({}, true));
    assert.deepEqual(all.map((i) => [i.Id, i.RepoTags]), [
      [top.id, ['hello:latest']],
      [base.id, ['<none>:<none>']],
    ]);
    await store.untag((await import('../src/engine/images/reference.ts')).parseNormalizedNamed('hello:latest'));
    assert.deepEqual((await backend.list(listOptions({ dangling: ['true'] }))).map((i) => [i.Id, i.RepoDigests]), [[top.id, ['<none>@<none>']]]);
  });

  test('inspect has the shape of dockerd 20.10\'s answer', async () => {
    const { backend, top, base } = await setup();
    const inspect = await backend.inspect('hello');
    // The keys of dockerd 20.10's answer (../shared/reference/docker-engine-20.10/responses/image-inspect.json),
    // without Container and ContainerConfig, which API 1.45 dropped.
    const expectedKeys = ['Id', 'RepoTags', 'RepoDigests', 'Parent', 'Comment', 'Created', 'DockerVersion', 'Author', 'Config', 'Architecture', 'Os', 'Size', 'VirtualSize', 'GraphDriver', 'RootFS', 'Metadata'];
    assert.deepEqual(Object.keys(inspect).sort(), expectedKeys.sort());
    const configKeys = ['Hostname', 'Domainname', 'User', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin', 'StdinOnce', 'Env', 'Cmd', 'Image', 'Volumes', 'WorkingDir', 'Entrypoint', 'OnBuild', 'Labels'];
    assert.deepEqual(Object.keys(inspect.Config!), configKeys);
    assert.equal(inspect.Id, top.id);
    assert.equal(inspect.Parent, base.id);
    assert.equal(inspect.Created, '2024-02-01T00:00:00Z');
    assert.deepEqual(inspect.Config!.Cmd, ['/hello']);
    assert.deepEqual(inspect.RootFS.Layers, top.diffIds);
    assert.equal(inspect.Metadata.LastTagTime === '0001-01-01T00:00:00Z', false);
    await assert.rejects(backend.inspect('nosuch:1'), (e: unknown) => e instanceof NotFoundError && e.message === 'No such image: nosuch:1');
  });

  test('history: one row per entry, newest first, IDs along the parent chain, sizes of non-empty layers', async () => {
    const { backend, base, top } = await setup();
    const history = await backend.history('hello');
    assert.deepEqual(
      history.map((h) => [h.Id, h.CreatedBy, h.Size, h.Tags]),
      [
        [top.id, '/bin/sh -c #(nop)  CMD ["/hello"]', 0, ['hello:latest']],
        [base.id, '/bin/sh -c #(nop) COPY file:hello in / ', 6, ['base:latest']],
        ['<missing>', '/bin/sh -c #(nop) ADD file:base in / ', 5, null],
      ],
    );
    assert.equal(history[2]!.Created, Date.UTC(2024, 0, 1) / 1000);
  });

  test('tag: validation errors in Docker\'s words', async () => {
    const { backend, top } = await setup();
    await backend.tag('hello', 'localhost:5000/x', 'v1');
    assert.equal((await backend.inspect('localhost:5000/x:v1')).Id, top.id);
    await assert.rejects(backend.tag('nosuch', 'x', ''), { message: 'No such image: nosuch:latest' });
    await assert.rejects(backend.tag('hello', 'Upper', ''), (e: unknown) => e instanceof InvalidParameterError && e.message === 'invalid reference format: repository name must be lowercase');
    await assert.rejects(backend.tag('hello', 'x', 'bad tag'), { message: 'invalid tag format' });
    await assert.rejects(backend.tag('hello', `x@sha256:${'a'.repeat(64)}`, ''), { message: 'refusing to create a tag with a digest reference' });
    await assert.rejects(backend.tag('hello', 'sha256', ''), { message: 'refusing to create an ambiguous tag using digest algorithm as name' });
  });

  test('rmi: untag while other tags remain, then delete image and layers; parents pruned', async () => {
    const { backend, store, base, top } = await setup();
    await backend.tag('hello', 'hello', 'v2');
    assert.deepEqual(await backend.remove('hello', { force: false, noPrune: false }), [{ Untagged: 'hello:latest' }]);
    await store.untag((await import('../src/engine/images/reference.ts')).parseNormalizedNamed('base'));
    const result = await backend.remove('hello:v2', { force: false, noPrune: false });
    const [chainTop, chainBase] = [result[2]!.Deleted!, result[4]!.Deleted!];
    assert.deepEqual(result, [
      { Untagged: 'hello:v2' },
      { Deleted: top.id },
      { Deleted: chainTop },
      { Deleted: base.id },
      { Deleted: chainBase },
    ]);
    assert.equal(chainBase, base.diffIds[0]);
    assert.equal(store.list().length, 0);
  });

  test('rmi by ID: several tags in different repositories need force', async () => {
    const { backend, top } = await setup();
    await backend.tag('hello', 'other', '1');
    await assert.rejects(backend.remove(top.id.slice(7, 19), { force: false, noPrune: false }), (e: unknown) =>
      e instanceof ConflictError && e.message === `conflict: unable to delete ${top.id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`,
    );
    const result = await backend.remove(top.id.slice(7, 19), { force: true, noPrune: false });
    assert.deepEqual(result.slice(0, 3), [{ Untagged: 'hello:latest' }, { Untagged: 'other:1' }, { Deleted: top.id }]);
  });

  test('rmi: conflicts with containers (stopped: must be forced; running: cannot be forced); children', async () => {
    const { backend, store, base, top } = await setup();
    let user: { running: boolean; containerId: string } | null = { running: false, containerId: 'c'.repeat(64) };
    store.inUse = (id) => (id === top.id ? user : null);
    await assert.rejects(backend.remove('hello', { force: false, noPrune: false }), {
      message: `conflict: unable to remove repository reference "hello" (must force) - container cccccccccccc is using its referenced image ${top.id.slice(7, 19)}`,
    });
    await assert.rejects(backend.remove(top.id, { force: false, noPrune: false }), {
      message: `conflict: unable to delete ${top.id.slice(7, 19)} (must be forced) - image is being used by stopped container cccccccccccc`,
    });
    user = { running: true, containerId: 'd'.repeat(64) };
    await assert.rejects(backend.remove(top.id, { force: true, noPrune: false }), {
      message: `conflict: unable to delete ${top.id.slice(7, 19)} (cannot be forced) - image is being used by running container dddddddddddd`,
    });
    await assert.rejects(backend.remove(base.id, { force: true, noPrune: false }), {
      message: `conflict: unable to delete ${base.id.slice(7, 19)} (cannot be forced) - image has dependent child images`,
    });
    user = { running: false, containerId: 'c'.repeat(64) };
    const forced = await backend.remove(top.id, { force: true, noPrune: true });
    assert.deepEqual(forced.slice(0, 2), [{ Untagged: 'hello:latest' }, { Deleted: top.id }]);
    assert.ok(store.get(base.id), 'noprune keeps the parent');
  });

  test('prune: dangling only by default, all unused with dangling=false; space reclaimed', async () => {
    const { backend, store, top } = await setup();
    assert.deepEqual(await backend.prune(Filters.empty()), { ImagesDeleted: null, SpaceReclaimed: 0 });
    await store.untag((await import('../src/engine/images/reference.ts')).parseNormalizedNamed('hello'));
    const report = await backend.prune(Filters.empty());
    assert.deepEqual(report.ImagesDeleted!.slice(0, 1), [{ Deleted: top.id }]);
    assert.equal(report.SpaceReclaimed, 6);
    assert.ok(store.tryResolve('base'));
    const all = await backend.prune(Filters.of({ dangling: ['false'] }));
    assert.deepEqual(all.ImagesDeleted!.slice(0, 1), [{ Untagged: 'base:latest' }]);
    assert.equal(store.list().length, 0);
    await assert.rejects(backend.prune(Filters.of({ dangling: ['x'] })), { message: "invalid filter 'dangling=[x]'" });
  });

  test('save then load through the backend: messages, events, renaming', async () => {
    const { backend, store, top } = await setup();
    const events: ImageEvent[] = [];
    store.onEvent((e) => events.push(e));
    const tar = await collect(await backend.export(['hello'], noSignal));
    assert.deepEqual(events.map((e) => e.action), ['save']);
    const fresh = new DrydockImagesBackend({ store: await ImageStore.open(await MemoryBlobStore.open()) });
    const other = await fresh.store.create({ layers: [BASE], config: baseConfig({ comment: 'another' }), tags: ['hello'] });
    const messages: JsonMessage[] = [];
    await fresh.load(chunked(gzip(tar)), { quiet: true }, (m) => messages.push(m), noSignal);
    assert.deepEqual(messages, [
      { stream: `The image hello:latest already exists, renaming the old one with ID ${other.id} to empty string\n` },
      { stream: 'Loaded image: hello:latest\n' },
    ]);
    assert.equal((await fresh.inspect('hello')).Id, top.id);
    const byId = await collect(await backend.export([top.id], noSignal));
    const quietMessages: JsonMessage[] = [];
    await fresh.load(chunked(byId), { quiet: false }, (m) => quietMessages.push(m), noSignal);
    assert.equal(quietMessages.filter((m) => m.status === 'Loading layer').length, 2);
    assert.deepEqual(quietMessages.at(-1), { stream: `Loaded image ID: ${top.id}\n` });
    await assert.rejects(backend.export(['nosuch'], noSignal), { message: 'No such image: nosuch' });
  });

  test('import: a rootfs tar (gzip) becomes a one-layer image with changes, message and tag', async () => {
    const { backend, store } = await setup();
    const id = await backend.import(
      { fromSrc: '-', repo: 'imported', tag: 'v1', message: 'Imported from -', changes: ['ENV A=1', 'CMD ["sh"]', 'EXPOSE 80'], platform: '' },
      chunked(gzip(BASE)),
      () => {},
      noSignal,
    );
    const inspect = await backend.inspect('imported:v1');
    assert.equal(inspect.Id, id);
    assert.equal(inspect.Comment, 'Imported from -');
    assert.deepEqual(inspect.Config!.Env, ['A=1']);
    assert.deepEqual(inspect.Config!.Cmd, ['sh']);
    assert.deepEqual(inspect.Config!.ExposedPorts, { '80/tcp': {} });
    assert.equal(inspect.RootFS.Layers.length, 1);
    assert.equal(store.get(id)!.config.history!.length, 1);
    await assert.rejects(
      backend.import({ fromSrc: '-', repo: '', tag: '', message: '', changes: ['RUN x'], platform: '' }, chunked(BASE), () => {}, noSignal),
      { message: 'run is not a valid change command' },
    );
  });

  test('import from a URL fetches the tar with the injected fetch', async () => {
    const { createServer } = await import('node:http');
    const { fromWhatwgFetch } = await import('../src/engine/images/registry/http.ts');
    const server = createServer((req, res) => {
      if (req.url === '/rootfs.tar.gz') res.writeHead(200).end(gzip(BASE));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const backend = new DrydockImagesBackend({ store: await ImageStore.open(await MemoryBlobStore.open()), distribution: { fetch: fromWhatwgFetch(fetch) } });
      const id = await backend.import({ fromSrc: `http://127.0.0.1:${port}/rootfs.tar.gz`, repo: 'fromurl', tag: '', message: '', changes: [], platform: '' }, chunked(new Uint8Array(0)), () => {}, noSignal);
      assert.equal((await backend.inspect('fromurl')).Id, id);
      await assert.rejects(
        backend.import({ fromSrc: `http://127.0.0.1:${port}/missing`, repo: '', tag: '', message: '', changes: [], platform: '' }, chunked(new Uint8Array(0)), () => {}, noSignal),
        { message: `Get "http://127.0.0.1:${port}/missing": unexpected status 404` },
      );
    } finally {
      server.close();
    }
  });

  test('commit: the container\'s layer on its image, config merged with changes, history', async () => {
    const { backend, store, top } = await setup();
    const trees = await store.layerTrees(top);
    const fs = new OverlayFs({ lowers: [...trees].reverse(), upper: new MemFs({}) });
    fs.root().create('new-file', 'file', { mode: 0o644, uid: 0, gid: 0 }).write(0, utf8('hi\n'));
    const containerConfig = { Hostname: 'abc', Env: ['PATH=/bin', 'X=1'], Cmd: ['sh', '-c', 'echo hi > /new-file'], Image: 'hello', Labels: { tier: 'web' } };
    const committer = new DrydockImagesBackend({
      store,
      commitSource: {
        prepareCommit: async (name) => {
          if (name !== 'c1') throw new NotFoundError(`No such container: ${name}`);
          return { containerId: 'f'.repeat(64), imageId: top.id, containerConfig, layerTar: fs.commitUpper() };
        },
      },
    });
    const id = await committer.commit({ container: 'c1', repo: 'snap', tag: '', comment: 'a note', author: 'me', pause: true, changes: ['CMD ["/hello", "again"]', 'ENV X=2'] });
    const image = store.get(id)!;
    assert.equal(image.parent, top.id);
    assert.deepEqual(image.repoTags, ['snap:latest']);
    assert.equal(image.diffIds.length, 3);
    assert.deepEqual(image.config.config!.Cmd, ['/hello', 'again']);
    assert.deepEqual(image.config.config!.Env, ['PATH=/bin', 'X=2']);
    assert.equal(image.config.container, 'f'.repeat(64));
    assert.equal(image.config.comment, undefined);
    assert.equal((await committer.inspect('snap')).Comment, 'a note');
    const history = await committer.history('snap');
    assert.equal(history[0]!.CreatedBy, 'sh -c echo hi > /new-file');
    assert.equal(history[0]!.Comment, 'a note');
    assert.equal(history.length, 4);
    // An unchanged container commits no layer.
    const clean = new OverlayFs({ lowers: [...trees].reverse(), upper: new MemFs({}) });
    const noLayer = new DrydockImagesBackend({
      store,
      commitSource: { prepareCommit: async () => ({ containerId: 'e'.repeat(64), imageId: top.id, containerConfig, layerTar: clean.commitUpper() }) },
    });
    const same = store.get(await noLayer.commit({ container: 'c2', repo: '', tag: '', comment: '', author: '', pause: true, changes: [] }))!;
    assert.deepEqual(same.diffIds, top.diffIds);
    assert.equal(same.config.history!.at(-1)!.empty_layer, true);
    await assert.rejects(committer.commit({ container: 'nope', repo: '', tag: '', comment: '', author: '', pause: true, changes: [] }), { message: 'No such container: nope' });
    await assert.rejects(backend.commit({ container: 'c1', repo: 'x', tag: '', comment: '', author: '', pause: true, changes: [] }), { message: 'No such container: c1' });
  });

  test('search and pull without network answer like a daemon without one', async () => {
    const { backend } = await setup();
    await assert.rejects(backend.search({ term: 'busybox', filters: Filters.empty() }), {
      message: 'Get "https://index.docker.io/v1/search?q=busybox&n=25": this engine has no network access (no fetch was given to the images backend)',
    });
    const offline = new DrydockImagesBackend({
      store: backend.store,
      distribution: {
        fetch: async () => {
          throw Object.assign(new TypeError('fetch failed'), { cause: new Error('getaddrinfo ENOTFOUND registry-1.docker.io') });
        },
      },
    });
    await assert.rejects(offline.pull({ fromImage: 'docker.io/library/alpine', tag: 'latest', platform: '' }, () => {}, noSignal), {
      message: 'Get "https://registry-1.docker.io/v2/library/alpine/manifests/latest": fetch failed: getaddrinfo ENOTFOUND registry-1.docker.io',
    });
    const browser = new DrydockImagesBackend({ store: backend.store, distribution: { browser: true, fetch: async () => { throw new TypeError('Failed to fetch'); } } });
    await assert.rejects(browser.pull({ fromImage: 'docker.io/library/alpine', tag: 'latest', platform: '' }, () => {}, noSignal), /CORS/);
    await assert.rejects(offline.search({ term: 'x', limit: 500, filters: Filters.empty() }), { message: 'Limit 500 is outside the range of [1, 100]' });
  });
});
