/** The Node platform: what entry points pass to the kernel and engine in Node. */
import { NodeWorkerHost } from './worker-host.ts';

export { HostFs } from './host-fs.ts';
export { NodeHostInput, NodeHostOutput } from './host-stdio.ts';
export { NodeWorkerHost } from './worker-host.ts';
export { NodeHostNetwork } from './net-host.ts';
export { NodePortPublisher } from './net-publisher.ts';

/** A macrotask yield (setImmediate): lets I/O callbacks run between syscall bursts. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The kernel options for Node. */
export function nodeKernelPlatform(): { workerHost: NodeWorkerHost; yieldToEventLoop: () => Promise<void> } {
  return { workerHost: new NodeWorkerHost(), yieldToEventLoop };
}
