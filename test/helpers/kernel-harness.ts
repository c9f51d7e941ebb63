/** Helpers for tests that run guest programs in a real kernel (workers and all). */
import { fileURLToPath } from 'node:url';
import { Kernel } from '../../src/kernel/kernel.ts';
import type { SpawnOptions } from '../../src/kernel/kernel.ts';
import { HostInputDescription, HostOutputDescription } from '../../src/kernel/fd/host-stream.ts';
import type { Process, ProcessExit } from '../../src/kernel/proc/process.ts';
import { MemFs } from '../../src/unionfs/memfs/memfs.ts';
import { MountNamespace } from '../../src/unionfs/vfs/mount-namespace.ts';
import { ROOT } from '../../src/unionfs/vfs/credentials.ts';
import { HostFs, nodeKernelPlatform } from '../../src/platform/node/index.ts';
import type { HostInput, HostOutput } from '../../src/platform/types.ts';

export const PROGRAMS = fileURLToPath(new URL('../programs/bin', import.meta.url));
export const SHIPPED = fileURLToPath(new URL('../../wasm/bin', import.meta.url));

/** Collects what a process writes. */
export class CaptureOutput implements HostOutput {
  readonly isTTY = false;
  private readonly chunks: Uint8Array[] = [];
  write(bytes: Uint8Array): void {
    this.chunks.push(bytes.slice());
  }
  bytes(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
  text(encoding: BufferEncoding = 'utf8'): string {
    return Buffer.concat(this.chunks).toString(encoding);
  }
}

/** Input from a fixed string, then end of file (or never, with `open`). */
export class FixedInput implements HostInput {
  readonly isTTY = false;
  private sent = false;
  constructor(
    private readonly data: string | Uint8Array,
    private readonly open = false,
  ) {}
  read(): Promise<Uint8Array | null> {
    if (!this.sent) {
      this.sent = true;
      const bytes = typeof this.data === 'string' ? new TextEncoder().encode(this.data) : this.data;
      if (bytes.length > 0) return Promise.resolve(bytes);
    }
    return this.open ? new Promise(() => {}) : Promise.resolve(null);
  }
  close(): void {}
}

/** Terminal input typed by a test, chunk by chunk; after close() reads see end of file. */
export class TypedInput implements HostInput {
  readonly isTTY = true;
  private chunks: Uint8Array[] = [];
  private waiting: ((chunk: Uint8Array | null) => void) | null = null;
  private closed = false;
  type(text: string): void {
    const bytes = new TextEncoder().encode(text);
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(bytes);
    } else this.chunks.push(bytes);
  }
  read(): Promise<Uint8Array | null> {
    const next = this.chunks.shift();
    if (next) return Promise.resolve(next);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiting = resolve));
  }
  close(): void {
    this.closed = true;
    this.waiting?.(null);
    this.waiting = null;
  }
}

export function newKernel(options: { warmWorkers?: number; trace?: boolean } = {}): Kernel {
  return new Kernel({
    ...nodeKernelPlatform(),
    warmWorkers: options.warmWorkers ?? 1,
    ...(options.trace || process.env.DRYDOCK_STRACE ? { trace: (pid, name, result) => console.error(`[${pid}] ${name} = ${result}`) } : {}),
  });
}

/** A sandbox: an in-memory root with /bin holding the test programs (read-only) and /tmp. */
export function sandbox(extraMounts: Record<string, string> = {}): MountNamespace {
  const mounts = new MountNamespace(new MemFs());
  const root = mounts.root();
  for (const dir of ['/bin', '/tmp', '/shipped', ...Object.keys(extraMounts)]) {
    mounts.create(root, dir, 'dir', { mode: dir === '/tmp' ? 0o1777 : 0o755, uid: 0, gid: 0 }, ROOT);
  }
  mounts.mount('/bin', new HostFs(PROGRAMS, true), { readOnly: true });
  mounts.mount('/shipped', new HostFs(SHIPPED, true), { readOnly: true });
  for (const [guest, host] of Object.entries(extraMounts)) mounts.mount(guest, new HostFs(host));
  return mounts;
}

export interface RunResult {
  readonly exit: ProcessExit;
  readonly stdout: string;
  readonly stderr: string;
  readonly proc: Process;
}

export type RunOptions = Partial<Omit<SpawnOptions, 'path' | 'args' | 'stdio'>> & {
  stdin?: HostInput;
};

/** Starts `path` with `args` (argv[0] is the path) and returns it with its captured output. */
export async function start(
  kernel: Kernel,
  path: string,
  args: string[] = [],
  options: RunOptions = {},
): Promise<{ proc: Process; stdout: CaptureOutput; stderr: CaptureOutput }> {
  const stdout = new CaptureOutput();
  const stderr = new CaptureOutput();
  const proc = await kernel.spawn({
    path,
    args: [path, ...args],
    env: options.env ?? ['PATH=/bin'],
    mounts: options.mounts ?? sandbox(),
    ...options,
    stdio: [
      new HostInputDescription(options.stdin ?? new FixedInput('')),
      new HostOutputDescription(stdout),
      new HostOutputDescription(stderr),
    ],
  });
  return { proc, stdout, stderr };
}

export async function run(
  kernel: Kernel,
  path: string,
  args: string[] = [],
  options: RunOptions & { encoding?: BufferEncoding } = {},
): Promise<RunResult> {
  const { proc, stdout, stderr } = await start(kernel, path, args, options);
  const exit = await proc.exited;
  return { exit, stdout: stdout.text(options.encoding), stderr: stderr.text(options.encoding), proc };
}

/** Resolves when `predicate()` holds, checking whenever `output` receives data (for "wait until it printed X"). */
export async function waitForOutput(output: CaptureOutput, text: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!output.text().includes(text)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)}; got ${JSON.stringify(output.text())}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
