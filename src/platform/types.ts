/**
 * The small interfaces behind which every platform difference lives. Core
 * layers (kernel, unionfs, net, engine) depend only on these; entry points
 * (src/main.*.ts, src/worker.*.ts, src/cli) pick the implementations in
 * src/platform/{node,browser,memory}.
 */

/** A worker running Drydock's process runtime (src/kernel/guest), as seen by the kernel. */
export interface ProcessWorker {
  postMessage(message: unknown): void;
  /** Registers the (single) handler for messages from the worker. */
  onMessage(handler: (message: unknown) => void): void;
  /** Registers the (single) handler for an uncaught error or an unexpected exit of the worker. */
  onFailure(handler: (error: Error) => void): void;
  /** Stops the worker at once, even in the middle of guest code. */
  terminate(): Promise<void>;
  /** Whether the worker runs a process (Node keeps the event loop alive only for active workers). */
  setActive(active: boolean): void;
}

/** Starts process workers: worker_threads in Node, Web Workers in browsers. */
export interface WorkerHost {
  startProcessWorker(): ProcessWorker;
}

/** The messaging end a worker's own code uses to talk to the kernel. */
export interface WorkerPort {
  postMessage(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
}

/** A byte stream of the host: the terminal of `drydock wasm run`, an attach connection. */
export interface HostInput {
  /** Resolves with the next chunk, or null at end of input. */
  read(): Promise<Uint8Array | null>;
  readonly isTTY: boolean;
  /** Stops reading (so a process can exit while nothing more is typed). */
  close(): void;
}

export interface HostOutput {
  write(bytes: Uint8Array): void;
  readonly isTTY: boolean;
}
