#!/usr/bin/env node
/**
 * Builds Drydock's guest programs (C -> WASI preview1) with the pinned
 * toolchain: Debian's clang-19 and wasi-libc (see ../shared/docs/toolchain.md
 * and wasm/README.md). Output is byte-for-byte reproducible.
 *
 *   node wasm/build.mjs            build what is out of date
 *   node wasm/build.mjs --force    rebuild everything
 *   node wasm/build.mjs --check    rebuild into a temporary directory and fail
 *                                  if any committed binary differs from its source
 *   node wasm/build.mjs NAME...    only these programs (or test programs)
 */
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { programs } from './programs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const clang = process.env.CLANG ?? 'clang-19';
const sysroot = join(root, 'wasm/sysroot');

const COMMON_CFLAGS = [
  '--target=wasm32-wasi',
  '-O2',
  '-std=gnu11',
  '-Wall',
  '-Wno-unused-parameter',
  '-Iwasm/include',
  '-Iwasm/lib/drydock',
  '-D_WASI_EMULATED_SIGNAL',
  '-D_WASI_EMULATED_PROCESS_CLOCKS',
  '-D_WASI_EMULATED_GETPID',
  '-D_GNU_SOURCE',
];
const COMMON_LDFLAGS = ['-s', '-Wl,--gc-sections', '-lwasi-emulated-process-clocks'];
const run = promisify(execFile);

function libdrydockSources() {
  const dir = 'wasm/lib/drydock';
  return readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => `${dir}/${f}`);
}

function ensureSysroot() {
  for (const [link, target] of [
    ['include/wasm32-wasi', '/usr/include/wasm32-wasi'],
    ['lib/wasm32-wasi', '/usr/lib/wasm32-wasi'],
  ]) {
    const path = join(sysroot, link);
    mkdirSync(dirname(path), { recursive: true });
    let exists = false;
    try {
      lstatSync(path);
      exists = true;
    } catch {}
    if (!exists) symlinkSync(target, path);
  }
  if (!existsSync('/usr/include/wasm32-wasi/stdio.h')) {
    throw new Error('wasi-libc is not installed: apt-get install clang-19 lld-19 libclang-rt-19-dev-wasm32 wasi-libc');
  }
}

function headerInputs() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.h')) files.push(rel);
    }
  };
  walk('wasm/include');
  walk('wasm/lib/drydock');
  return files;
}

/** Expands "dir/*.c" patterns (one `*` in the file name) into sorted file lists. */
function expandSources(patterns) {
  const files = [];
  for (const pattern of patterns) {
    if (!pattern.includes('*')) {
      files.push(pattern);
      continue;
    }
    const dir = dirname(pattern);
    const [prefix, suffix] = pattern.slice(dir.length + 1).split('*');
    if (!existsSync(join(root, dir))) continue;
    for (const name of readdirSync(join(root, dir)).sort()) {
      if (name.startsWith(prefix) && name.endsWith(suffix)) files.push(`${dir}/${name}`);
    }
  }
  return files;
}

/** Every program, shipped and test, as {name, out, sources, cflags, ldflags}. */
export function allTargets() {
  const targets = programs.map((p) => ({
    name: p.name,
    out: `wasm/bin/${p.name}.wasm`,
    sources: expandSources(p.sources),
    headers: expandSources(p.headers ?? []),
    cflags: p.cflags ?? [],
    ldflags: p.ldflags ?? [],
    extraInputs: p.extraInputs ?? [],
    libdrydock: p.libdrydock ?? true,
  }));
  const testDir = 'test/programs';
  if (existsSync(join(root, testDir))) {
    for (const file of readdirSync(join(root, testDir)).sort()) {
      if (!file.endsWith('.c')) continue;
      const name = file.slice(0, -2);
      // wasi-*.c are plain WASI preview1 programs (they also run on node:wasi); the rest link libdrydock.
      const libdrydock = !name.startsWith('wasi-');
      targets.push({ name, out: `${testDir}/bin/${name}.wasm`, sources: [`${testDir}/${file}`], cflags: [], ldflags: [], extraInputs: [], libdrydock });
    }
  }
  return targets;
}

/**
 * Compiles each source to an object with -O2, then links without -O: given
 * -O at link time, clang runs binaryen's wasm-opt when it finds one on PATH,
 * which would make the output depend on whether binaryen is installed (and
 * binaryen 108 cannot parse exception handling, which setjmp/longjmp uses).
 */
async function build(target, outPath) {
  mkdirSync(dirname(join(root, outPath)), { recursive: true });
  const objDir = mkdtempSync(join(tmpdir(), `drydock-wasm-${target.name}-`));
  try {
    const sources = [...target.sources, ...(target.libdrydock ? libdrydockSources() : [])];
    const objects = sources.map((source, i) => join(objDir, `${i}-${source.replace(/[^A-Za-z0-9.]/g, '_')}.o`));
    const cflags = [...COMMON_CFLAGS, `--sysroot=${relative(root, sysroot)}`, ...target.cflags];
    await inParallel(sources.map((source, i) => () => run(clang, [...cflags, '-c', '-o', objects[i], source], { cwd: root })));
    await run(clang, ['--target=wasm32-wasi', `--sysroot=${relative(root, sysroot)}`, ...target.cflags.filter((f) => !f.startsWith('-O')), '-o', outPath, ...objects, ...COMMON_LDFLAGS, ...target.ldflags], { cwd: root });
  } catch (error) {
    process.stderr.write(error.stderr ?? '');
    throw new Error(`building ${target.name} failed`);
  } finally {
    rmSync(objDir, { recursive: true, force: true });
  }
}

async function inParallel(jobs) {
  const width = Math.max(1, availableParallelism());
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) await jobs[next++]();
    }),
  );
}

function upToDate(target) {
  const out = join(root, target.out);
  if (!existsSync(out)) return false;
  const built = statSync(out).mtimeMs;
  const inputs = [...target.sources, ...(target.headers ?? []), ...libdrydockSources(), ...headerInputs(), ...target.extraInputs, 'wasm/build.mjs', 'wasm/programs.mjs'];
  return inputs.every((input) => statSync(join(root, input)).mtimeMs <= built);
}

async function main() {
  const argv = process.argv.slice(2);
  const force = argv.includes('--force');
  const check = argv.includes('--check');
  const names = argv.filter((a) => !a.startsWith('--'));
  ensureSysroot();
  let targets = allTargets().filter((t) => t.sources.length > 0);
  if (names.length > 0) targets = targets.filter((t) => names.includes(t.name));
  if (check) {
    const scratch = mkdtempSync(join(tmpdir(), 'drydock-wasm-check-'));
    const differing = [];
    try {
      for (const target of targets) {
        const fresh = join(scratch, target.out);
        await build(target, relative(root, fresh));
        const committed = join(root, target.out);
        if (!existsSync(committed) || !readFileSync(committed).equals(readFileSync(fresh))) differing.push(target.out);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    if (differing.length > 0) {
      console.error(`These committed binaries do not match their sources (run node wasm/build.mjs --force and commit):\n  ${differing.join('\n  ')}`);
      process.exit(1);
    }
    console.log(`wasm: ${targets.length} binaries match their sources`);
    return;
  }
  let built = 0;
  for (const target of targets) {
    if (!force && upToDate(target)) continue;
    await build(target, target.out);
    built++;
    console.log(`wasm: built ${target.out}`);
  }
  if (built === 0) console.log('wasm: everything is up to date');
}

main().catch((error) => {
  console.error(`wasm: ${error.message}`);
  process.exit(1);
});
