/**
 * The body of a process worker: waits for start messages and runs one
 * program at a time. Platform entry points (src/worker.node.ts,
 * src/worker.browser.ts) hand it their message port.
 */
import type { WorkerPort } from '../../platform/types.ts';
import { DRYDOCK_MODULE, RUNTIME_MODULE, WASI_MODULE } from '../abi/imports.ts';
import { FAULT } from '../abi/syscalls.ts';
import { GuestChannel } from '../channel/channel.ts';
import { GuestImports } from './imports.ts';
import { GuestMemory } from './memory.ts';
import type { StartMessage, WorkerMessage } from './messages.ts';
import { GuestUnwind } from './unwind.ts';


function classifyTrap(error: unknown, instance: WebAssembly.Instance | null): { kind: number; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  const oom = instance?.exports.__drydock_oom as WebAssembly.Global | undefined;
  if (oom && oom.value === 1) return { kind: FAULT.OOM, message: 'out of memory' };
  if (error instanceof RangeError && /call stack/i.test(message)) return { kind: FAULT.STACK, message };
  if (error instanceof WebAssembly.LinkError) return { kind: FAULT.LINK, message };
  return { kind: FAULT.TRAP, message };
}

/** Runs one program to its end. Returns when the process has exited, was killed, or exec'd. */
export function runProgram(start: StartMessage): void {
  const channel = new GuestChannel(start.channel);
  let memory: WebAssembly.Memory | null = null;
  let instance: WebAssembly.Instance | null = null;
  const guestMemory = new GuestMemory(() => {
    if (!memory) throw new Error('guest memory used before instantiation');
    return memory;
  });
  const imports = new GuestImports(channel, guestMemory, start.args, start.env, start.hints);
  try {
    const importObject: WebAssembly.Imports = {
      [WASI_MODULE]: imports.wasi(),
      [DRYDOCK_MODULE]: imports.drydock(),
    };
    if (start.memory) {
      memory = new WebAssembly.Memory({ initial: start.memory.initial, maximum: start.memory.maximum });
      importObject[RUNTIME_MODULE] = { memory };
    }
    instance = new WebAssembly.Instance(start.module, importObject);
    if (!memory) memory = instance.exports.memory as WebAssembly.Memory;
    const handler = instance.exports.__drydock_signal;
    if (typeof handler === 'function') imports.signalHandler = handler as (sig: number) => void;
    const entry = instance.exports._start;
    if (typeof entry !== 'function') throw new WebAssembly.LinkError('the module has no _start function');
    (entry as () => void)();
    imports.returned();
  } catch (error) {
    if (!(error instanceof GuestUnwind)) {
      const { kind, message } = classifyTrap(error, instance);
      imports.fault(kind, message);
    }
  } finally {
    channel.done();
  }
}

export function serveProcessWorker(port: WorkerPort): void {
  port.onMessage((message) => {
    const start = message as StartMessage;
    if (start.type !== 'start') return;
    runProgram(start);
    port.postMessage({ type: 'idle' } satisfies WorkerMessage);
  });
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
}
