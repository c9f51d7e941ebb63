#!/usr/bin/env node
/**
 * Builds the shipped images (recipes.mjs) into `docker save` tars under
 * public/images/, reproducibly: fixed times, uid/gid from the recipe,
 * sorted entries, deterministic tar and config serialisation, so the image
 * IDs and the tar bytes are identical on every build.
 *
 *   node wasm/images/build.mjs                 build every image
 *   node wasm/images/build.mjs busybox alpine  only these
 *   node wasm/images/build.mjs --check         build in memory and fail if a committed tar differs
 *   node wasm/images/build.mjs --from-git[=REV]  take wasm/bin/*.wasm from git (default HEAD)
 *                                              instead of the working tree
 *
 * Inputs: wasm/bin/hello.wasm, sh.wasm, busybox.wasm, netutils.wasm, httpd.wasm (required) and
 * redis-server.wasm, redis-cli.wasm (optional: stubs are packaged until
 * they exist). The applet links come from running busybox.wasm --list under
 * node:wasi. Output: public/images/<name>.tar and public/images/images.json
 * (name, file, tags, id, sha256 of the tar), which the engine's preload uses.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';
import { CREATED, images } from './recipes.mjs';

register();
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, 'public/images');

const { writeTar } = await import('../../src/unionfs/tar/writer.ts');
const { MemoryBlobStore } = await import('../../src/platform/memory/blob-store.ts');
const { ImageStore } = await import('../../src/engine/images/image-store.ts');
const { resolveSaveNames, saveImages } = await import('../../src/engine/images/save.ts');
const { parseGoTime } = await import('../../src/engine/images/image-config.ts');

const args = process.argv.slice(2);
const check = args.includes('--check');
const gitArg = args.find((a) => a === '--from-git' || a.startsWith('--from-git='));
const gitRev = gitArg ? (gitArg.split('=')[1] ?? 'HEAD') : null;
const only = args.filter((a) => !a.startsWith('--'));

/** A program's bytes from the working tree or from git. */
function program(name, required) {
  const path = `wasm/bin/${name}.wasm`;
  if (gitRev) {
    try {
      return execFileSync('git', ['show', `${gitRev}:${path}`], { cwd: root, maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      if (required) throw new Error(`${path} is not in git revision ${gitRev}`);
      return null;
    }
  }
  if (!existsSync(join(root, path))) {
    if (required) throw new Error(`${path} is missing: build it with node wasm/build.mjs`);
    return null;
  }
  return readFileSync(join(root, path));
}

/** `busybox --list` of the given busybox.wasm, run under node:wasi (drydock imports stubbed: --list needs none). */
function appletList(busybox) {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-applets-'));
  try {
    writeFileSync(join(dir, 'busybox.wasm'), busybox);
    const script = `
      const { WASI } = await import('node:wasi');
      const { readFileSync } = await import('node:fs');
      const module = new WebAssembly.Module(readFileSync(process.argv[1]));
      const wasi = new WASI({ version: 'preview1', args: ['busybox', '--list'], env: {}, returnOnExit: true });
      const drydock = {};
      for (const i of WebAssembly.Module.imports(module)) if (i.module === 'drydock') drydock[i.name] = () => 52;
      const code = wasi.start(new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport, drydock }));
      process.exitCode = code;`;
    const out = execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script, join(dir, 'busybox.wasm')], { encoding: 'utf8' });
    const list = out.split('\n').filter(Boolean);
    if (list.length === 0) throw new Error('busybox --list printed nothing');
    return list;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mtimeNs = parseGoTime(CREATED);

/** Walk order: component by component, UTF-8 byte order; a directory before its contents. */
function comparePaths(a, b) {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = Buffer.compare(Buffer.from(pa[i]), Buffer.from(pb[i]));
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}

/** A layer spec as a deterministic tar (hard-link groups: the first name in order holds the data). */
function layerTar(layer) {
  const paths = Object.keys(layer.entries).sort(comparePaths);
  const groupHead = new Map();
  const entries = [];
  for (const path of paths) {
    const spec = layer.entries[path];
    const owner = { uid: spec.uid ?? 0, gid: spec.gid ?? 0, mtimeNs };
    if (spec.dir !== undefined) entries.push({ path, type: 'dir', mode: spec.dir, ...owner });
    else if (spec.link !== undefined) entries.push({ path, type: 'symlink', mode: 0o777, linkTarget: spec.link, ...owner });
    else {
      const target = spec.hardlink ?? path;
      const file = layer.entries[target];
      if (!file || file.file === undefined) throw new Error(`${layer.name}: ${path} links to ${target}, which is not a file of the layer`);
      const head = groupHead.get(target);
      if (head) entries.push({ path, type: 'hardlink', mode: file.mode, linkTarget: head, uid: file.uid ?? 0, gid: file.gid ?? 0, mtimeNs });
      else {
        groupHead.set(target, path);
        const data = typeof file.file === 'string' ? Buffer.from(file.file, 'utf8') : file.file;
        entries.push({ path, type: 'file', mode: file.mode, data: new Uint8Array(data.buffer, data.byteOffset, data.length), uid: file.uid ?? 0, gid: file.gid ?? 0, mtimeNs });
      }
    }
  }
  return writeTar(entries);
}

async function collect(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

async function main() {
  const busybox = program('busybox', true);
  const inputs = {
    hello: program('hello', true),
    busybox,
    sh: program('sh', true),
    applets: appletList(busybox),
    netutils: program('netutils', true),
    httpd: program('httpd', true),
    programs: Object.fromEntries(
      ['redis-server', 'redis-cli'].map((n) => [n, program(n, false)]).filter(([, bytes]) => bytes !== null),
    ),
  };
  const recipes = images(inputs).filter((r) => only.length === 0 || only.includes(r.name));
  if (only.length > 0 && recipes.length !== only.length) throw new Error(`unknown image in ${only.join(', ')}`);
  const tars = new Map();
  const index = [];
  for (const recipe of recipes) {
    const store = await ImageStore.open(await MemoryBlobStore.open(), { now: () => CREATED });
    const history = [
      ...recipe.layers.map((l) => ({ created: CREATED, created_by: `/bin/sh -c #(nop) ${l.createdBy}` })),
      ...[`ENV ${recipe.config.Env.join(' ')}`, ...recipe.steps].map((step) => ({ created: CREATED, created_by: `/bin/sh -c #(nop)  ${step}`, empty_layer: true })),
    ];
    const image = await store.create({
      layers: recipe.layers.map(layerTar),
      config: { architecture: 'wasm32', os: 'linux', config: recipe.config, created: CREATED },
      history,
      tags: recipe.tags,
    });
    const tar = await collect(saveImages(store, resolveSaveNames(store, recipe.tags)));
    tars.set(recipe.name, tar);
    index.push({ name: recipe.name, file: `${recipe.name}.tar`, tags: recipe.tags, id: image.id, size: image.size, sha256: sha256(tar) });
  }
  const indexJson = `${JSON.stringify(index, null, 2)}\n`;
  let failed = false;
  for (const { name, file, id, sha256: digest } of index) {
    const path = join(outDir, file);
    if (check) {
      const committed = existsSync(path) ? sha256(readFileSync(path)) : 'missing';
      const ok = committed === digest;
      failed ||= !ok;
      console.log(`${ok ? 'ok      ' : 'DIFFERS '} ${name.padEnd(12)} ${id}  tar sha256:${digest}${ok ? '' : ` (committed: ${committed})`}`);
    } else {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(path, tars.get(name));
      console.log(`built   ${name.padEnd(12)} ${id}  ${tars.get(name).length} bytes`);
    }
  }
  if (only.length === 0) {
    const indexPath = join(outDir, 'images.json');
    if (check) {
      const same = existsSync(indexPath) && readFileSync(indexPath, 'utf8') === indexJson;
      failed ||= !same;
      if (!same) console.log('DIFFERS  public/images/images.json');
    } else {
      writeFileSync(indexPath, indexJson);
    }
  }
  if (check && failed) {
    console.error('images: the committed tars differ from what the recipes and wasm/bin build; run node wasm/images/build.mjs and commit public/images');
    process.exitCode = 1;
  }
}

await main();
