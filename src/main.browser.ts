/**
 * The page's entry point (bundled to dist/browser/drydock.js): starts the
 * kernel worker and returns a handle to it.
 */
import * as Comlink from 'comlink';
import type { KernelApi, WasmRunOptions, WasmRunResult } from './kernel-worker.browser.ts';

export type { WasmRunOptions, WasmRunResult };

export class DrydockUnavailableError extends Error {}

export interface Drydock {
  /** Runs a WASI module; returns its exit status and what it wrote. */
  runWasm(module: Uint8Array, options?: WasmRunOptions): Promise<WasmRunResult & { stdout: string; stderr: string }>;
  terminate(): void;
}

/**
 * Starts Drydock in this page. Needs cross-origin isolation (the page served
 * with COOP: same-origin and COEP: require-corp), because guests make
 * synchronous system calls over SharedArrayBuffer.
 */
export function createDrydock(options: { scriptBase?: string | URL } = {}): Drydock {
  if (!globalThis.crossOriginIsolated) {
    throw new DrydockUnavailableError(
      'Drydock needs a cross-origin isolated page (serve it with Cross-Origin-Opener-Policy: same-origin and ' +
        'Cross-Origin-Embedder-Policy: require-corp); without SharedArrayBuffer guests cannot make system calls. ' +
        'A JSPI-based fallback for non-isolated pages is not implemented yet.',
    );
  }
  const base = options.scriptBase ?? new URL('.', import.meta.url);
  const worker = new Worker(new URL('kernel-worker.js', base), { type: 'module', name: 'drydock-kernel' });
  const api = Comlink.wrap<KernelApi>(worker);
  return {
    async runWasm(module, runOptions = {}) {
      const decoder = { 1: new TextDecoder(), 2: new TextDecoder() } as Record<number, TextDecoder>;
      const text: Record<number, string> = { 1: '', 2: '' };
      const result = await api.runWasm(
        Comlink.transfer(module, [module.buffer]),
        runOptions,
        Comlink.proxy((fd: number, bytes: Uint8Array) => {
          text[fd] += decoder[fd]!.decode(bytes, { stream: true });
        }),
      );
      return { ...result, stdout: text[1]!, stderr: text[2]! };
    },
    terminate() {
      worker.terminate();
    },
  };
}
