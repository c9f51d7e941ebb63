/**
 * Helpers for the network tests: a kernel whose process workers run the
 * current sources (a private esbuild bundle of src/worker.node.ts, so the
 * tests do not depend on dist/ being rebuilt), and a NetworkManager.
 */
import * as esbuild from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Kernel } from '../src/kernel/kernel.ts';
import { yieldToEventLoop } from '../src/platform/node/index.ts';
import type { ProcessWorker, WorkerHost } from '../src/platform/types.ts';

let bundled: Promise<URL> | null = null;

/** Bundles the process worker from the current sources (once per test process). */
export function workerBundle(): Promise<URL> {
  bundled ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-net-worker-'));
    const outfile = join(dir, 'process-worker.node.js');
    await esbuild.build({
      entryPoints: [fileURLToPath(new URL('../src/worker.node.ts', import.meta.url))],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'es2022',
      packages: 'external',
      logLevel: 'warning',
    });
    // esbuild's service process would keep the test process alive.
    await esbuild.stop();
    return pathToFileURL(outfile);
  })();
  return bundled;
}

/** node:worker_threads workers running `script` (as NodeWorkerHost does with dist/). */
class BundleWorkerHost implements WorkerHost {
  constructor(private readonly script: URL) {}

  startProcessWorker(): ProcessWorker {
    const worker = new Worker(this.script, { stdout: false, stderr: false });
    worker.unref();
    let onFailure: (error: Error) => void = () => {};
    let terminating = false;
    worker.on('error', (error) => onFailure(error));
    worker.on('exit', (code) => {
      if (!terminating) onFailure(new Error(`process worker exited unexpectedly (code ${code})`));
    });
    return {
      postMessage: (message) => worker.postMessage(message),
      onMessage: (handler) => {
        worker.removeAllListeners('message');
        worker.on('message', handler);
      },
      onFailure: (handler) => {
        onFailure = handler;
      },
      setActive: (active) => {
        if (active) worker.ref();
        else worker.unref();
      },
      terminate: async () => {
        terminating = true;
        await worker.terminate();
      },
    };
  }
}

/** A kernel for network tests. */
export async function netKernel(options: { warmWorkers?: number } = {}): Promise<Kernel> {
  const script = await workerBundle();
  return new Kernel({
    workerHost: new BundleWorkerHost(script),
    yieldToEventLoop,
    warmWorkers: options.warmWorkers ?? 2,
    ...(process.env.DRYDOCK_STRACE ? { trace: (pid: number, name: string, result: number) => console.error(`[${pid}] ${name} = ${result}`) } : {}),
  });
}
