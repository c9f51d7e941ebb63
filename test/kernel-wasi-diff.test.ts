/**
 * Differential tests: the same WASI preview1 program, args, environment and
 * directory run on Node's built-in node:wasi and on Drydock's kernel must give
 * the same stdout, stderr, exit code and resulting files.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { MemFs } from '../src/unionfs/memfs/memfs.ts';
import { MountNamespace } from '../src/unionfs/vfs/mount-namespace.ts';
import { ROOT } from '../src/unionfs/vfs/credentials.ts';
import { HostFs } from '../src/platform/node/index.ts';
import { FixedInput, PROGRAMS, newKernel, run } from './helpers/kernel-harness.ts';

const kernel = newKernel();
after(() => kernel.shutdown());

const RUNNER = fileURLToPath(new URL('./helpers/node-wasi-run.mjs', import.meta.url));

interface Outcome {
  stdout: string;
  stderr: string;
  code: number;
  tree: string[];
}

/** Lists a host directory: path, type, size/contents or link target. */
function tree(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isSymbolicLink()) out.push(`${prefix}${name} -> ${readlinkSync(path)}`);
    else if (st.isDirectory()) out.push(`${prefix}${name}/`, ...tree(path, `${prefix}${name}/`));
    else out.push(`${prefix}${name} nlink=${st.nlink} ${JSON.stringify(readFileSync(path, 'latin1'))}`);
  }
  return out;
}

function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-diff-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function onNodeWasi(program: string, args: string[], env: Record<string, string>, dir: string | null, stdin = ''): Outcome {
  const config = {
    wasm: join(PROGRAMS, `${program}.wasm`),
    args: [program, ...args],
    env,
    preopens: dir ? { '/sandbox': dir } : {},
  };
  const r = spawnSync(process.execPath, ['--no-warnings', '--no-turbo-fast-api-calls', RUNNER, JSON.stringify(config)], { input: stdin, encoding: 'latin1' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1, tree: dir ? tree(dir) : [] };
}

async function onDrydock(program: string, args: string[], env: Record<string, string>, dir: string | null, stdin = ''): Promise<Outcome> {
  const mounts = new MountNamespace(new MemFs());
  mounts.create(mounts.root(), '/programs', 'dir', { mode: 0o755, uid: 0, gid: 0 }, ROOT);
  mounts.mount('/programs', new HostFs(PROGRAMS, true), { readOnly: true });
  if (dir) {
    mounts.create(mounts.root(), '/sandbox', 'dir', { mode: 0o755, uid: 0, gid: 0 }, ROOT);
    mounts.mount('/sandbox', new HostFs(dir));
  }
  const r = await run(kernel, `/programs/${program}.wasm`, args, {
    mounts,
    env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    preopens: dir ? [{ name: '/sandbox', path: '/sandbox' }] : [],
    stdin: new FixedInput(Buffer.from(stdin, 'latin1')),
    encoding: 'latin1',
  });
  // argv[0] differs by design (Drydock passes the path); the programs print it, so normalise it.
  const fix = (s: string) => s.replace(`argv[0]=/programs/${program}.wasm`, `argv[0]=${program}`);
  return { stdout: fix(r.stdout), stderr: r.stderr, code: r.exit.exitCode, tree: dir ? tree(dir) : [] };
}

async function compare(program: string, args: string[], opts: { env?: Record<string, string>; dir?: boolean; stdin?: string } = {}) {
  const env = opts.env ?? { HOME: '/root', LANG: 'C' };
  if (opts.dir) {
    await withDir(async (a) =>
      withDir(async (b) => {
        const reference = onNodeWasi(program, args.map((x) => x.replace('$DIR', '/sandbox')), env, a, opts.stdin);
        const ours = await onDrydock(program, args.map((x) => x.replace('$DIR', '/sandbox')), env, b, opts.stdin);
        assert.deepEqual(ours, reference);
      }),
    );
    return;
  }
  const reference = onNodeWasi(program, args, env, null, opts.stdin);
  const ours = await onDrydock(program, args, env, null, opts.stdin);
  assert.deepEqual(ours, reference);
}

test('args and environment', () => compare('wasi-args-env', ['0', 'two words', ''], { env: { A: '1', Z: 'last', EMPTY: '' } }));
test('exit codes', async () => {
  for (const code of ['0', '1', '42', '255']) await compare('wasi-exit', [code]);
});
test('stdin to stdout, binary-safe', () =>
  compare('wasi-cat', [], { stdin: Array.from({ length: 5000 }, (_, i) => String.fromCharCode(i % 256)).join('') }));
test('clocks and nanosleep', () => compare('wasi-clock', []));
test('a program writing many lines', () => compare('wasi-gen', ['2000']));
test('files: create, write, seek, truncate, append, rename, links, symlinks, errors', () =>
  compare('wasi-files', ['$DIR'], { dir: true }));

test('read from a directory fd: EISDIR as on Linux, where node:wasi says ENOTCAPABLE (reported as EBADF) — a deliberate difference', async () => {
  await withDir(async (a) =>
    withDir(async (b) => {
      const reference = onNodeWasi('wasi-dirfd', ['/sandbox'], {}, a);
      const ours = await onDrydock('wasi-dirfd', ['/sandbox'], {}, b);
      assert.equal(reference.code, 0, reference.stderr);
      assert.match(reference.stdout, /^read -> -1 (EBADF|ENOTCAPABLE)\npread -> -1 (EBADF|ENOTCAPABLE)\n$/);
      assert.deepEqual(ours, { ...reference, stdout: 'read -> -1 EISDIR\npread -> -1 EISDIR\n' });
    }),
  );
});
