/** Entry point of a browser process worker (bundled to dist/browser/process-worker.js). */
import { serveProcessWorker } from './kernel/guest/worker-main.ts';

/** The parts of a dedicated worker's global scope this entry point uses. */
interface WorkerScope {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

const scope = self as unknown as WorkerScope;
serveProcessWorker({
  postMessage: (message) => scope.postMessage(message),
  onMessage: (handler) => {
    scope.onmessage = (event) => handler(event.data);
  },
});
