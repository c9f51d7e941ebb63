/**
 * Compressed archives in `docker build` and `docker load`, with the real
 * docker CLI against the engine: build contexts sent compressed (`docker
 * build - < ctx.tar.xz`, as gzip, bzip2 and xz), corrupt ones refused with a
 * clear error, ADD of a tar.bz2 with a hostile entry, ADD of a tar.xz
 * (extracted, as dockerd does), `docker load` of an xz- or
 * bzip2-compressed `docker save` archive and of one whose layers are
 * compressed, and `docker import` of a compressed root filesystem. With a real dockerd (the oracle)
 * the compressed contexts and the ADD of a tar.xz build there too and the
 * images print the same. ADD of tar.bz2 against dockerd is corpus case
 * 37-add-bzip2 (test/engine-build-dockerd.test.ts).
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { utf8 } from '../src/common/bytes.ts';
import { gzip } from '../src/unionfs/tar/gzip.ts';
import { readTar } from '../src/unionfs/tar/reader.ts';
import { writeTar } from '../src/unionfs/tar/writer.ts';
import { DOCKER, dockerSkip, startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';
import { oracleMissing, startOracleDockerd } from './helpers/dockerd.ts';
import type { CliResult, Oracle } from './helpers/dockerd.ts';

const toolSkip = ['/usr/bin/bzip2', '/usr/bin/xz'].filter((tool) => !existsSync(tool));
const skip = dockerSkip || (toolSkip.length > 0 && !process.env.CI ? `needs ${toolSkip.join(', ')}` : false);

let t: TestEngine;
let oracle: Oracle | null = null;
const dirs: string[] = [];

before(async () => {
  if (skip) return;
  t = await startTestEngine();
  if (oracleMissing().length === 0) oracle = await startOracleDockerd();
});
after(async () => {
  await t?.close();
  await oracle?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function compress(tool: 'bzip2' | 'xz', input: Uint8Array): Uint8Array {
  return new Uint8Array(execFileSync(tool, ['-c'], { input }));
}

/** The real docker CLI against the engine with `input` (binary) on its stdin. */
function dockerWithInput(args: string[], input: Uint8Array): Promise<CliResult> {
  const config = mkdtempSync(join(tmpdir(), 'build-compressed-cli-'));
  dirs.push(config);
  return new Promise((resolve) => {
    const child = spawn(DOCKER, args, { env: { ...process.env, DOCKER_HOST: `unix://${t.socket}`, DOCKER_CONFIG: config, DOCKER_BUILDKIT: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Uint8Array) => (stdout += new TextDecoder().decode(c)));
    child.stderr.on('data', (c: Uint8Array) => (stderr += new TextDecoder().decode(c)));
    child.on('close', (code) => resolve({ stdout, stderr, code: code ?? -1 }));
    child.stdin.end(input);
  });
}

/** "a gzip", "a bzip2", "an xz". */
function article(name: string): string {
  return `${name === 'xz' ? 'an' : 'a'} ${name}`;
}

function file(path: string, content: string, mode = 0o644) {
  return { path, type: 'file' as const, mode, data: utf8(content) };
}

const CONTEXT = writeTar([
  file('Dockerfile', 'FROM busybox\nCOPY greeting.txt /\nCMD ["cat", "/greeting.txt"]\n'),
  file('greeting.txt', 'from a compressed context\n'),
]);

describe('compressed archives in docker build', { skip }, () => {
  for (const [name, compressed] of [
    ['gzip', () => gzip(CONTEXT)],
    ['bzip2', () => compress('bzip2', CONTEXT)],
    ['xz', () => compress('xz', CONTEXT)],
  ] as const) {
    test(`${article(name)} build context (docker build - < ctx) builds, as on dockerd`, async () => {
      const bytes = compressed();
      const tag = `ctx-${name}`;
      const built = await dockerWithInput(['build', '-t', tag, '-'], bytes);
      assert.equal(built.code, 0, built.stderr);
      const run = await t.docker(['run', '--rm', tag]);
      assert.deepEqual([run.stdout, run.code], ['from a compressed context\n', 0]);
      if (oracle) {
        const real = oracle.docker(['build', '-t', tag, '-'], bytes);
        assert.equal(real.code, 0, real.stderr);
        assert.equal(oracle.docker(['run', '--rm', tag]).stdout, run.stdout);
      }
    });
  }

  for (const tool of ['bzip2', 'xz'] as const) {
    test(`a corrupt ${tool} build context is refused with a clear error`, async () => {
      const good = compress(tool, CONTEXT);
      const built = await dockerWithInput(['build', '-t', `ctx-bad-${tool}`, '-'], good.subarray(0, good.length - 8));
      assert.notEqual(built.code, 0);
      assert.match(built.stderr, new RegExp(`failed to read the build context: .*corrupt or truncated ${tool} data`));
      assert.equal((await t.docker(['image', 'inspect', `ctx-bad-${tool}`])).code, 1);
    });
  }

  test('a zstd build context is refused with a clear error (dockerd accepts it: documented gap)', async () => {
    const zstd = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x01, 0x09, 0x00, 0x00, 0x78);
    const built = await dockerWithInput(['build', '-t', 'ctx-zstd', '-'], zstd);
    assert.notEqual(built.code, 0);
    assert.match(built.stderr, /failed to read the build context: .*zstd-compressed archives are not supported/);
  });

  test('ADD of a tar.bz2 with an entry that climbs out fails as dockerd\'s does, and tags nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'build-compressed-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'evil.tar.bz2'), compress('bzip2', writeTar([file('inside/ok', 'in\n'), file('../../../escaped', 'out\n')])));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nADD evil.tar.bz2 /x/\n');
    const built = await t.docker(['build', '-t', 'add-hostile', dir]);
    assert.notEqual(built.code, 0);
    assert.match(built.stderr, /failed to copy files: "\.\.\/\.\.\/\.\.\/escaped" is outside of "\/x"/);
    assert.equal((await t.docker(['image', 'inspect', 'add-hostile'])).code, 1);
    assert.equal(existsSync(join(dir, '..', 'escaped')), false);
  });

  test('ADD of a tar.xz extracts it, as dockerd does (files, modes, a symlink)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'build-compressed-'));
    dirs.push(dir);
    const tar = writeTar([
      { path: 'xz', type: 'dir', mode: 0o755 },
      file('xz/file', 'x\n'),
      file('xz/sub/tool', '#!/bin/sh\necho tool\n', 0o755),
      { path: 'xz/link', type: 'symlink', mode: 0o777, linkTarget: 'file' },
    ]);
    writeFileSync(join(dir, 'a.tar.xz'), compress('xz', tar));
    writeFileSync(
      join(dir, 'Dockerfile'),
      'FROM busybox\nADD a.tar.xz /y/\nCMD ["sh", "-c", "find /y | sort; ls -l /y/xz/sub/tool | cut -c1-10; readlink /y/xz/link; cat /y/xz/link"]\n',
    );
    const built = await t.docker(['build', '-t', 'add-xz', dir]);
    assert.equal(built.code, 0, built.stderr);
    const run = await t.docker(['run', '--rm', 'add-xz']);
    assert.deepEqual(
      [run.stdout, run.code],
      ['/y\n/y/xz\n/y/xz/file\n/y/xz/link\n/y/xz/sub\n/y/xz/sub/tool\n-rwxr-xr-x\nfile\nx\n', 0],
    );
    if (oracle) {
      const real = oracle.docker(['build', '-t', 'add-xz', dir]);
      assert.equal(real.code, 0, real.stderr);
      assert.equal(oracle.docker(['run', '--rm', 'add-xz']).stdout, run.stdout);
    }
  });

  for (const tool of ['xz', 'bzip2'] as const) {
    test(`docker load of ${article(tool)}-compressed docker save archive loads the image`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'load-compressed-'));
      dirs.push(dir);
      const tag = `load-${tool}:1`;
      assert.equal((await t.docker(['tag', 'busybox', tag])).code, 0);
      const saved = await t.docker(['save', '-o', join(dir, 'image.tar'), tag]);
      assert.equal(saved.code, 0, saved.stderr);
      assert.equal((await t.docker(['rmi', tag])).code, 0);
      const archive = compress(tool, new Uint8Array(readFileSync(join(dir, 'image.tar'))));
      const loaded = await dockerWithInput(['load'], archive);
      assert.equal(loaded.code, 0, loaded.stderr);
      assert.match(loaded.stdout, new RegExp(`Loaded image: ${tag}`));
      const run = await t.docker(['run', '--rm', tag, 'echo', 'loaded']);
      assert.deepEqual([run.stdout, run.code], ['loaded\n', 0]);
      // Damaged: refused with the decoder's message, nothing loaded.
      assert.equal((await t.docker(['rmi', tag])).code, 0);
      const cut = await dockerWithInput(['load'], archive.subarray(0, archive.length - 30));
      assert.notEqual(cut.code, 0);
      assert.match(cut.stderr, new RegExp(`invalid archive: .*corrupt or truncated ${tool} data`));
      assert.equal((await t.docker(['image', 'inspect', tag])).code, 1);
    });

    test(`docker load of a save archive whose layers are ${tool}-compressed, and docker import of ${article(tool)}-compressed root filesystem`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'layers-compressed-'));
      dirs.push(dir);
      const tag = `layers-${tool}:1`;
      assert.equal((await t.docker(['tag', 'busybox', tag])).code, 0);
      assert.equal((await t.docker(['save', '-o', join(dir, 'image.tar'), tag])).code, 0);
      assert.equal((await t.docker(['rmi', tag])).code, 0);
      // The legacy layout, each layer.tar compressed in place (dockerd's ApplyDiff decompresses it).
      const entries = readTar(new Uint8Array(readFileSync(join(dir, 'image.tar'))))
        .filter((e) => !e.path.startsWith('blobs/') && e.path !== 'index.json' && e.path !== 'oci-layout')
        .map((e) => (e.type === 'file' && e.path.endsWith('/layer.tar') ? { ...e, data: compress(tool, e.data) } : e));
      const loaded = await dockerWithInput(['load'], writeTar(entries));
      assert.equal(loaded.code, 0, loaded.stderr);
      const run = await t.docker(['run', '--rm', tag, 'echo', 'layers decompressed']);
      assert.deepEqual([run.stdout, run.code], ['layers decompressed\n', 0]);
      const layers = await t.docker(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', tag]);
      assert.equal(layers.stdout, (await t.docker(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'busybox'])).stdout);

      const rootfs = writeTar([{ path: 'bin', type: 'dir', mode: 0o755 }, file('hello.txt', `imported from ${tool}\n`)]);
      const imported = await dockerWithInput(['import', '-', `imported-${tool}`], compress(tool, rootfs));
      assert.equal(imported.code, 0, imported.stderr);
      const diffIds = await t.docker(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', `imported-${tool}`]);
      const sha = execFileSync('sha256sum', { input: rootfs }).toString().split(' ')[0];
      assert.equal(diffIds.stdout, `["sha256:${sha}"]\n`, 'the diff id is the sha256 of the decompressed tar');
      // Saved again, the layer is the plain tar.
      assert.equal((await t.docker(['save', '-o', join(dir, 'imported.tar'), `imported-${tool}`])).code, 0);
      const layerTar = readTar(new Uint8Array(readFileSync(join(dir, 'imported.tar')))).find((e) => e.path.endsWith('/layer.tar'));
      assert.deepEqual(layerTar?.type === 'file' ? layerTar.data : null, rootfs);
      if (oracle) {
        const path = join(dir, `rootfs.tar.${tool === 'xz' ? 'xz' : 'bz2'}`);
        writeFileSync(path, compress(tool, rootfs));
        assert.equal(oracle.docker(['import', path, `imported-${tool}`]).code, 0);
        assert.equal(oracle.docker(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', `imported-${tool}`]).stdout, diffIds.stdout);
      }
    });
  }
});
