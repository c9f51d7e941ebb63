import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { utf8 } from '../../common/bytes.ts';
import { gzip } from '../../unionfs/tar/gzip.ts';
import { writeTar } from '../../unionfs/tar/writer.ts';
import type { TarWriteEntry } from '../../unionfs/tar/entry.ts';
import { BuildContext } from './context.ts';
import { sourceInfos, sourcesHash } from './copy.ts';

/** The context the docker CLI sent for a build recorded against dockerd 20.10 (headers as the CLI writes them). */
const ENTRIES: TarWriteEntry[] = [
  { path: 'Dockerfile', type: 'file', mode: 0o644, data: utf8('FROM busybox\n') },
  { path: 'a.txt', type: 'file', mode: 0o640, data: utf8('hello\n') },
  { path: 'dir', type: 'dir', mode: 0o755 },
  { path: 'dir/one', type: 'file', mode: 0o644, data: utf8('1\n') },
  { path: 'dir/sub', type: 'dir', mode: 0o700 },
  { path: 'dir/sub/two', type: 'file', mode: 0o644, data: utf8('2\n') },
  { path: 'link', type: 'symlink', mode: 0o777, linkTarget: 'a.txt' },
  { path: 'run.sh', type: 'file', mode: 0o755, data: utf8('exe\n') },
];

test('COPY sums equal the ones dockerd 20.10 printed in history for the same context', async () => {
  const context = await BuildContext.fromTar(writeTar(ENTRIES));
  const tree = { ns: context.ns, context };
  const [file] = await sourceInfos(tree, 'a.txt');
  assert.equal(file!.hash, 'file:a10103ec36c554758b02d1b0877f01c5256d69d9b4e9f767b9c8035b1dcade19');
  const [dir] = await sourceInfos(tree, 'dir');
  assert.equal(dir!.hash, 'dir:eb6880e33d6430cef9b70b3446602f806d46a7056685d25dd3881dae34d20dec');
  const [slash] = await sourceInfos(tree, 'dir/');
  assert.equal(slash!.hash, dir!.hash);
  const [link] = await sourceInfos(tree, 'link');
  assert.equal(link!.hash, file!.hash, 'a symlink hashes as its target');
  const multi = [...(await sourceInfos(tree, 'a.txt')), ...(await sourceInfos(tree, 'run.sh'))];
  assert.equal(await sourcesHash(multi), 'multi:585558517766ca2eb7fa3432319e6e362037f039afa01fdfb644d67dacc68b85');
  const glob = await sourceInfos(tree, '*.txt');
  assert.deepEqual(glob.map((i) => i.path), ['a.txt']);
  assert.deepEqual(await sourceInfos(tree, '*.none'), []);
  await assert.rejects(sourceInfos(tree, 'missing'), { message: 'file not found in build context or excluded by .dockerignore: stat missing: file does not exist' });
});

test('a gzip context, the Dockerfile lookup and its errors', async () => {
  const context = await BuildContext.fromTar(gzip(writeTar([{ path: 'dockerfile', type: 'file', mode: 0o644, data: utf8('FROM x\n') }, { path: 'empty', type: 'file', mode: 0o644, data: new Uint8Array() }])));
  assert.deepEqual(context.dockerfile('Dockerfile'), { name: 'dockerfile', text: 'FROM x\n' });
  assert.throws(() => context.dockerfile('sub/Dockerfile.dev'), { message: 'Cannot locate specified Dockerfile: sub/Dockerfile.dev' });
  assert.throws(() => context.dockerfile('empty'), { message: 'the Dockerfile (empty) cannot be empty' });
});

test('hostile contexts: ".." entries are refused; symlinks cannot lead outside the context', async () => {
  await assert.rejects(BuildContext.fromTar(writeTar([{ path: '../escape', type: 'file', mode: 0o644, data: utf8('x') }])), /points outside the context/);
  const context = await BuildContext.fromTar(
    writeTar([
      { path: 'up', type: 'symlink', mode: 0o777, linkTarget: '../../../../etc' },
      { path: 'abs', type: 'symlink', mode: 0o777, linkTarget: '/etc/passwd' },
    ]),
  );
  assert.equal(context.resolve('up/passwd'), null);
  assert.equal(context.resolve('abs'), null);
  await assert.rejects(sourceInfos({ ns: context.ns, context }, 'abs'), /file not found in build context/);
});

test('a context that ends right after the last file\'s data (docker build -f- DIR) is read; truncated data is not', async () => {
  const full = writeTar([
    { path: 'Dockerfile', type: 'file', mode: 0o644, data: utf8('FROM x\n') },
    { path: '.dockerignore', type: 'file', mode: 0o644, data: utf8('x\n') },
  ]);
  // Header 512 + data padded to 512, twice; the second file's data is 2 bytes.
  const cut = full.slice(0, 512 * 3 + 2);
  const context = await BuildContext.fromTar(cut);
  assert.equal(context.readFile('.dockerignore'), 'x\n');
  await assert.rejects(BuildContext.fromTar(full.slice(0, 512 * 3 + 1)), /failed to read the build context/);
});
