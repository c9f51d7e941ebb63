/** Entry point of a Node process worker (bundled to dist/process-worker.node.js). */
import { parentPort } from 'node:worker_threads';
import { serveProcessWorker } from './kernel/guest/worker-main.ts';

const port = parentPort;
if (!port) throw new Error('process-worker.node.js must run in a worker thread');
serveProcessWorker({
  postMessage: (message) => port.postMessage(message),
  onMessage: (handler) => port.on('message', handler),
});
