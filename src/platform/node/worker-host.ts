import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ProcessWorker, WorkerHost } from '../types.ts';

/**
 * Finds the bundled process-worker script. From the bundled CLI it sits next
 * to the bundle; from sources (tests run through tsx) it is in dist/.
 */
function workerScript(): URL {
  const candidates = [
    new URL('./process-worker.node.js', import.meta.url),
    new URL('../../../dist/process-worker.node.js', import.meta.url),
  ];
  for (const url of candidates) if (existsSync(fileURLToPath(url))) return url;
  throw new Error('dist/process-worker.node.js is missing: run `npm run build` first');
}

/** WorkerHost over node:worker_threads. */
export class NodeWorkerHost implements WorkerHost {
  private readonly script = workerScript();

  startProcessWorker(): ProcessWorker {
    // execArgv: [] so that a parent started with loader hooks (`node --import tsx`, as tests
    // and benchmarks are) does not load them again in every process worker: the worker is a
    // plain bundled script, and tsx's hooks cost it about 100 ms of start-up.
    const worker = new Worker(this.script, { stdout: false, stderr: false, execArgv: [] });
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
