/**
 * `drydock wasm run [--dir HOST[::GUEST]]... [--env K=V]... [--memory BYTES] FILE.wasm [ARGS...]`
 *
 * Runs a bare WASI module in a fresh sandbox, with wasmtime's flags: an empty
 * in-memory root, each --dir mounted at GUEST and preopened (fds 3, 4, ...),
 * the terminal as stdin/stdout/stderr, and the guest's exit code as ours.
 * Bad input is a one-line error and exit code 125.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ErrnoError, strerror } from '../common/errno.ts';
import { Kernel } from '../kernel/kernel.ts';
import { HostInputDescription, HostOutputDescription } from '../kernel/fd/host-stream.ts';
import { TtyState } from '../kernel/fd/tty-state.ts';
import { ResourceGroup } from '../kernel/proc/resource-group.ts';
import { TERMIOS } from '../kernel/abi/linux.ts';
import { MemFs } from '../unionfs/memfs/memfs.ts';
import { MountNamespace } from '../unionfs/vfs/mount-namespace.ts';
import { HostFs, NodeHostInput, NodeHostOutput, nodeKernelPlatform } from '../platform/node/index.ts';

const EXIT_USAGE = 125;

export class UsageError extends Error {}

interface RunOptions {
  dirs: { host: string; guest: string }[];
  env: string[];
  memory: number | null;
  file: string;
  args: string[];
}

function parseSize(text: string): number {
  const match = /^(\d+)([kmgKMG]?)[bB]?$/.exec(text);
  if (!match) throw new UsageError(`invalid --memory value "${text}" (expected bytes, or a number with k, m or g)`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(match[1]) * unit;
}

export function parseRunArgs(argv: string[]): RunOptions {
  const options: RunOptions = { dirs: [], env: [], memory: null, file: '', args: [] };
  let i = 0;
  const value = (flag: string): string => {
    const v = argv[++i];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-')) break;
    const [flag, inline] = arg.includes('=') && arg.startsWith('--') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const take = () => inline ?? value(flag!);
    switch (flag) {
      case '--dir': {
        const spec = take();
        const [hostDir, guestDir] = spec.includes('::') ? spec.split('::', 2) : [spec, spec];
        options.dirs.push({ host: hostDir!, guest: guestDir! });
        break;
      }
      case '--env': {
        const kv = take();
        if (!kv.includes('=')) throw new UsageError(`--env needs NAME=VALUE, got "${kv}"`);
        options.env.push(kv);
        break;
      }
      case '--memory':
        options.memory = parseSize(take());
        break;
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  const file = argv[i];
  if (file === undefined) throw new UsageError('missing FILE.wasm');
  options.file = file;
  options.args = argv.slice(i + 1);
  return options;
}

/** Guest path for a --dir: absolute as given, relative ones under "/" (so "." is the sandbox root). */
function guestPath(guest: string): string {
  const normalized = resolve('/', guest);
  return normalized;
}

export async function wasmCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'run') {
    process.stderr.write('Usage: drydock wasm run [--dir HOST[::GUEST]]... [--env K=V]... [--memory BYTES] FILE.wasm [ARGS...]\n');
    return EXIT_USAGE;
  }
  let options: RunOptions;
  try {
    options = parseRunArgs(rest);
  } catch (error) {
    process.stderr.write(`drydock: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }
  return runWasm(options);
}

async function runWasm(options: RunOptions): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(options.file);
  } catch (error) {
    process.stderr.write(`drydock: cannot read ${options.file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}\n`);
    return EXIT_USAGE;
  }
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    process.stderr.write(`drydock: ${options.file} is not a WebAssembly module\n`);
    return EXIT_USAGE;
  }
  const root = new MemFs({ type: 'tmpfs' });
  const mounts = new MountNamespace(root, { source: 'sandbox' });
  const preopens: { name: string; path: string }[] = [];
  for (const dir of options.dirs) {
    const hostDir = isAbsolute(dir.host) ? dir.host : resolve(process.cwd(), dir.host);
    if (!existsSync(hostDir) || !statSync(hostDir).isDirectory()) {
      process.stderr.write(`drydock: --dir ${dir.host}: no such directory\n`);
      return EXIT_USAGE;
    }
    const at = guestPath(dir.guest);
    makeDirs(mounts, at);
    mounts.mount(at, new HostFs(hostDir), { source: hostDir });
    preopens.push({ name: dir.guest, path: at });
  }

  const kernel = new Kernel({ ...nodeKernelPlatform(), warmWorkers: 0 });
  const terminal = process.stdout.isTTY ? new TtyState() : null;
  if (terminal) {
    terminal.rows = process.stdout.rows ?? 24;
    terminal.cols = process.stdout.columns ?? 80;
    terminal.onTermiosChange = (termios) => {
      const lflag = new DataView(termios.buffer, termios.byteOffset).getUint32(12, true);
      if (process.stdin.isTTY) process.stdin.setRawMode((lflag & TERMIOS.ICANON) === 0);
    };
  }
  const stdout = new NodeHostOutput(process.stdout);
  const stderr = new NodeHostOutput(process.stderr);
  const stdin = new HostInputDescription(new NodeHostInput(process.stdin), process.stdin.isTTY ? terminal : null);
  const group = new ResourceGroup('wasm-run', { memory: options.memory });
  let proc;
  try {
    proc = await kernel.spawn({
      path: options.file,
      module: bytes,
      args: [options.file, ...options.args],
      env: options.env,
      mounts,
      preopens,
      group,
      stdio: [stdin, new HostOutputDescription(stdout, terminal), new HostOutputDescription(stderr, process.stderr.isTTY ? terminal : null)],
    });
  } catch (error) {
    const message = error instanceof ErrnoError ? error.message.replace(/^E[A-Z]+: /, '') : (error as Error).message;
    process.stderr.write(`drydock: ${options.file}: ${message}\n`);
    await kernel.shutdown();
    return EXIT_USAGE;
  }
  const forward = (sig: NodeJS.Signals, number: number) => {
    const handler = () => kernel.signal(proc, number, null);
    process.on(sig, handler);
    return () => process.off(sig, handler);
  };
  const unforward = [forward('SIGINT', 2), forward('SIGTERM', 15), forward('SIGHUP', 1)];
  const exit = await proc.exited;
  for (const off of unforward) off();
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
  process.stdin.pause();
  await stdout.flush();
  if (exit.error) process.stderr.write(`drydock: ${options.file}: ${exit.error}\n`);
  await stderr.flush();
  await kernel.shutdown();
  void strerror;
  return exit.exitCode;
}

function makeDirs(mounts: MountNamespace, path: string): void {
  let at = '';
  for (const part of path.split('/').filter(Boolean)) {
    at += `/${part}`;
    const root = mounts.root();
    try {
      mounts.resolve(root, at, { follow: true, creds: { uid: 0, gid: 0, groups: [] } });
    } catch {
      mounts.create(root, at, 'dir', { mode: 0o755, uid: 0, gid: 0 }, { uid: 0, gid: 0, groups: [] });
    }
  }
}
