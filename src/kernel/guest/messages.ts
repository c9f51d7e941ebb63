/** Messages between the kernel and a process worker (structured-cloned). */

/** How the worker may serve an fd without asking the kernel. */
export const HINT = {
  /** Ask the kernel. */
  KERNEL: 0,
  /** /dev/null: writes are discarded, reads see end of file. */
  NULL: 1,
  /** /dev/zero: writes are discarded, reads see zeros. */
  ZERO: 2,
} as const;
export const HINT_READABLE = 0x100;
export const HINT_WRITABLE = 0x200;
export const HINT_KIND_MASK = 0xff;

export interface MemoryPlan {
  /** Pages (64 KiB) the memory starts with. */
  initial: number;
  /** Pages the memory may grow to; growing beyond is an out-of-memory kill. */
  maximum: number;
}

/** kernel -> worker: run a program in this worker. */
export interface StartMessage {
  readonly type: 'start';
  readonly module: WebAssembly.Module;
  readonly channel: SharedArrayBuffer;
  readonly args: readonly string[];
  readonly env: readonly string[];
  /** [fd, hint] for the fds the process starts with that the worker can serve itself. */
  readonly hints: readonly (readonly [number, number])[];
  /** Present when the module imports its memory from `drydock_rt.memory`. */
  readonly memory: MemoryPlan | null;
}

/** worker -> kernel. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  /** The program has finished (its exit was already reported through the channel); the worker is free. */
  | { readonly type: 'idle' };
