/**
 * Runs Drydock's sh (wasm/bin/sh.wasm) inside the real kernel, in a sandbox
 * whose /bin holds sh, the busybox multicall binary with one symlink per
 * applet when wasm/bin/busybox.wasm exists, and a few test programs.
 * Shared by test/userland-sh*.test.ts and bench/sh.bench.ts.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kernel } from '../../../src/kernel/kernel.ts';
import { MemFs } from '../../../src/unionfs/memfs/memfs.ts';
import { MountNamespace } from '../../../src/unionfs/vfs/mount-namespace.ts';
import { ROOT } from '../../../src/unionfs/vfs/credentials.ts';
import { DEV } from '../../../src/kernel/fd/devices.ts';
import { HostFs } from '../../../src/platform/node/index.ts';
import type { HostInput } from '../../../src/platform/types.ts';
import { CaptureOutput, FixedInput } from '../../helpers/kernel-harness.ts';
import { HostInputDescription, HostOutputDescription } from '../../../src/kernel/fd/host-stream.ts';
import type { RunResult } from '../../helpers/kernel-harness.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const SH_WASM = join(root, 'wasm/bin/sh.wasm');
export const BUSYBOX_WASM = join(root, 'wasm/bin/busybox.wasm');
const PROGRAMS = join(root, 'test/programs/bin');

/** Applets linked into /bin when the busybox binary exists (those it does not have fail with its own error). */
export const APPLETS = [
  'cat', 'echo', 'printf', 'ls', 'mkdir', 'rm', 'rmdir', 'cp', 'mv', 'touch', 'ln', 'chmod', 'chown', 'chgrp', 'stat', 'find',
  'xargs', 'grep', 'head', 'tail', 'sort', 'uniq', 'cut', 'tr', 'sed', 'wc', 'tee', 'dd', 'du', 'df', 'tar', 'gzip', 'gunzip',
  'base64', 'md5sum', 'sha256sum', 'basename', 'dirname', 'realpath', 'env', 'printenv', 'hostname', 'id', 'whoami', 'uname',
  'date', 'sleep', 'kill', 'ps', 'top', 'free', 'uptime', 'mount', 'true', 'false', 'yes', 'seq', 'which', 'clear', 'pwd',
  'expr', 'od',
];

/**
 * A host directory laid out as the sandbox's /bin: sh, busybox + applet
 * symlinks (if built), and the wasi-* test programs under their own names.
 */
export function makeBinDir(): { dir: string; etc: string; cleanup: () => void; busybox: boolean } {
  const top = mkdtempSync(join(tmpdir(), 'drydock-sh-'));
  const dir = join(top, 'bin');
  const etc = join(top, 'etc');
  mkdirSync(dir);
  mkdirSync(etc);
  writeFileSync(join(etc, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
  writeFileSync(join(etc, 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  copyFileSync(SH_WASM, join(dir, 'sh'));
  const busybox = existsSync(BUSYBOX_WASM);
  if (busybox) {
    copyFileSync(BUSYBOX_WASM, join(dir, 'busybox'));
    for (const applet of APPLETS) symlinkSync('busybox', join(dir, applet));
  }
  for (const name of ['wasi-cat', 'wasi-wc', 'wasi-gen', 'wasi-exit', 'wasi-args-env', 'wasi-spin', 'sig']) {
    const file = join(PROGRAMS, `${name}.wasm`);
    if (existsSync(file)) copyFileSync(file, join(dir, name));
  }
  return { dir, etc, busybox, cleanup: () => rmSync(top, { recursive: true, force: true }) };
}

/** A namespace: in-memory root with /bin and /etc (read-only host dirs from makeBinDir), /tmp, /dev (null, zero), /root, /work. */
export function shSandbox(binDir: string): MountNamespace {
  const mounts = new MountNamespace(new MemFs());
  const r = mounts.root();
  for (const dir of ['/bin', '/tmp', '/etc', '/root', '/work', '/dev']) {
    mounts.create(r, dir, 'dir', { mode: dir === '/tmp' ? 0o1777 : 0o755, uid: 0, gid: 0 }, ROOT);
  }
  for (const [name, rdev] of [['null', DEV.NULL], ['zero', DEV.ZERO]] as const) {
    mounts.create(r, `/dev/${name}`, 'chardev', { mode: 0o666, uid: 0, gid: 0, rdev }, ROOT);
  }
  mounts.mount('/bin', new HostFs(binDir, true), { readOnly: true });
  mounts.mount('/etc', new HostFs(join(binDir, '..', 'etc'), true), { readOnly: true });
  return mounts;
}

export interface ShOptions {
  stdin?: HostInput;
  env?: string[];
  cwd?: string;
  mounts?: MountNamespace;
  argv0?: string;
}

/** Runs `sh ARGS...` (argv[0] "sh") and collects its output. */
export async function runSh(kernel: Kernel, binDir: string, args: string[], options: ShOptions = {}): Promise<RunResult> {
  const mounts = options.mounts ?? shSandbox(binDir);
  const stdout = new CaptureOutput();
  const stderr = new CaptureOutput();
  const proc = await kernel.spawn({
    path: '/bin/sh',
    args: [options.argv0 ?? 'sh', ...args],
    env: options.env ?? ['PATH=/bin', 'HOME=/root'],
    mounts,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdio: [new HostInputDescription(options.stdin ?? new FixedInput('')), new HostOutputDescription(stdout), new HostOutputDescription(stderr)],
  });
  const exit = await proc.exited;
  return { exit, stdout: stdout.text(), stderr: stderr.text(), proc };
}

export function ensureDir(path: string): void {
  mkdirSync(path, { recursive: true });
}
