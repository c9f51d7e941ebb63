/**
 * Entry point of the browser kernel worker (bundled to dist/browser/kernel-worker.js).
 * The page talks to it through comlink (src/main.browser.ts); process workers
 * are started from here, so neither the page nor the kernel ever blocks.
 */
import * as Comlink from 'comlink';
import { Kernel } from './kernel/kernel.ts';
import { HostInputDescription, HostOutputDescription } from './kernel/fd/host-stream.ts';
import { BrowserWorkerHost, yieldToEventLoop } from './platform/browser/worker-host.ts';
import { MemFs } from './unionfs/memfs/memfs.ts';
import { MountNamespace } from './unionfs/vfs/mount-namespace.ts';
import type { HostInput } from './platform/types.ts';

export interface WasmRunResult {
  readonly exitCode: number;
  readonly signal: number | null;
  readonly error: string | null;
}

export interface WasmRunOptions {
  readonly args?: string[];
  readonly env?: string[];
  readonly stdin?: string;
}

class StringInput implements HostInput {
  readonly isTTY = false;
  private done = false;
  constructor(private readonly text: string) {}
  async read(): Promise<Uint8Array | null> {
    if (this.done || this.text === '') return null;
    this.done = true;
    return new TextEncoder().encode(this.text);
  }
  close(): void {}
}

const kernel = new Kernel({
  workerHost: new BrowserWorkerHost(new URL('./process-worker.js', import.meta.url)),
  yieldToEventLoop,
  warmWorkers: 1,
});

/** What the page can call. */
export const kernelApi = {
  /** Runs a WASI module in a fresh sandbox; output arrives through `onOutput(fd, bytes)`. */
  async runWasm(
    module: Uint8Array,
    options: WasmRunOptions,
    onOutput: (fd: number, bytes: Uint8Array) => void,
  ): Promise<WasmRunResult> {
    const mounts = new MountNamespace(new MemFs(), { source: 'sandbox' });
    const out = (fd: number) => new HostOutputDescription({ isTTY: false, write: (bytes) => onOutput(fd, bytes) });
    const proc = await kernel.spawn({
      path: 'program.wasm',
      module,
      args: ['program.wasm', ...(options.args ?? [])],
      env: options.env ?? [],
      mounts,
      stdio: [new HostInputDescription(new StringInput(options.stdin ?? '')), out(1), out(2)],
    });
    const exit = await proc.exited;
    return { exitCode: exit.exitCode, signal: exit.signal, error: exit.error };
  },
  crossOriginIsolated(): boolean {
    return self.crossOriginIsolated;
  },
};

export type KernelApi = typeof kernelApi;

Comlink.expose(kernelApi);
