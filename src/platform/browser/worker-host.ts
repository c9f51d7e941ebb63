import type { ProcessWorker, WorkerHost } from '../types.ts';

/**
 * WorkerHost over Web Workers (module workers). The script is the bundled
 * process worker (dist/browser/process-worker.js); it is created from the
 * kernel's own worker, so process workers are nested dedicated workers.
 */
export class BrowserWorkerHost implements WorkerHost {
  constructor(private readonly scriptUrl: string | URL) {}

  startProcessWorker(): ProcessWorker {
    const worker = new Worker(this.scriptUrl, { type: 'module', name: 'drydock-process' });
    let onFailure: (error: Error) => void = () => {};
    worker.addEventListener('error', (event) => onFailure(new Error(event.message || 'process worker error')));
    worker.addEventListener('messageerror', () => onFailure(new Error('process worker message error')));
    return {
      postMessage: (message) => worker.postMessage(message),
      onMessage: (handler) => {
        worker.onmessage = (event: MessageEvent) => handler(event.data);
      },
      onFailure: (handler) => {
        onFailure = handler;
      },
      setActive: () => {},
      terminate: async () => worker.terminate(),
    };
  }
}

/** A macrotask yield for the browser (MessageChannel, which is not clamped like nested setTimeout). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
