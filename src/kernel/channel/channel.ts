import { Wire } from './wire.ts';

/**
 * The syscall channel of one process: a SharedArrayBuffer through which the
 * guest's worker makes synchronous requests and the kernel answers them.
 *
 * Layout (Int32 slots, then Float64 slots, then the request area, then the
 * response area; the two never overlap, so a handler may read arguments
 * after it has started writing results):
 *   REQ      request sequence number; the guest bumps it and notifies
 *   RESP     response sequence number; the kernel bumps it and notifies
 *   OP       the syscall number (see syscalls.ts)
 *   RESULT   the errno (or value) of the answered call
 *   FLAGS    response flags: KILLED (unwind now), EXEC (unwind, a new
 *            program follows), SIGNALS (run handlers)
 *   SIGLO/HI signals to run handlers for, a bitmask of (1 << (sig - 1))
 *   STATE    guest state: RUNNING, IN_SYSCALL, DONE
 *   ATTENTION set by the kernel when it wants the guest to make a call soon
 *            (a caught signal to deliver, docker pause): the calls the worker
 *            answers itself (clocks, random, sched_yield, /dev/null) check it
 *            and turn into a real `sched_yield`; cleared with every answer
 *   CPU_US   (f64) guest time spent outside syscalls, microseconds
 *   RESUMED  (f64) wall-clock ms when guest code last resumed
 *   MEMORY   (f64) bytes of guest linear memory at the last call
 *
 * Waiting: the side that waits spins on the sequence word for a short,
 * bounded time (an adaptive mutex's spin: on a VM a futex wake-up costs tens
 * of microseconds, a syscall answered in memory costs one) and then parks in
 * Atomics.wait / Atomics.waitAsync. Parked waits never poll.
 */
export const CTL = {
  REQ: 0,
  RESP: 1,
  OP: 2,
  RESULT: 3,
  FLAGS: 4,
  SIGLO: 5,
  SIGHI: 6,
  STATE: 7,
  ATTENTION: 14, // byte offset 56, after the Float64 slots
} as const;

const F64 = { CPU_US: 4, RESUMED: 5, MEMORY: 6 } as const; // Float64 slot indices (byte offsets 32, 40, 48)

export const FLAG_KILLED = 1;
export const FLAG_SIGNALS = 2;
/** execve succeeded: unwind, the worker receives the new program as a start message. */
export const FLAG_EXEC = 4;

export const STATE_RUNNING = 0;
export const STATE_IN_SYSCALL = 1;
export const STATE_DONE = 2;

const HEADER_BYTES = 64;
/** fd_read/fd_write/sock_* move at most this many bytes per call. */
export const PAYLOAD_IO_MAX = 64 * 1024;
/** Request area (arguments; spawn's argv and environment must fit). */
export const REQUEST_BYTES = 128 * 1024;
/** Response area (results; a read's data plus a little). */
export const RESPONSE_BYTES = PAYLOAD_IO_MAX + 4096;

export function createChannelBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + REQUEST_BYTES + RESPONSE_BYTES);
}

/**
 * Makes a channel buffer nobody uses any more (its program ended, its
 * dispatcher returned) fit for a new process: the header back to zero.
 * The argument and result areas need no clearing (each call writes
 * before it reads).
 */
export function resetChannelBuffer(buffer: SharedArrayBuffer): SharedArrayBuffer {
  new Int32Array(buffer, 0, HEADER_BYTES / 4).fill(0);
  return buffer;
}

/** Iterations of the bounded spin before parking (about 10-20 µs). Set to 0 to always park at once. */
export let spinIterations = 2000;
export function setSpinIterations(n: number): void {
  spinIterations = n;
}

function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

class ChannelView {
  readonly ctl: Int32Array;
  readonly f64: Float64Array;
  /** Arguments: written by the guest, read by the kernel. */
  readonly wire: Wire;
  /** Results: written by the kernel, read by the guest. */
  readonly reply: Wire;
  constructor(readonly buffer: SharedArrayBuffer) {
    this.ctl = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.f64 = new Float64Array(buffer, 0, HEADER_BYTES / 8);
    this.wire = new Wire(buffer, HEADER_BYTES, REQUEST_BYTES);
    this.reply = new Wire(buffer, HEADER_BYTES + REQUEST_BYTES, RESPONSE_BYTES);
  }
}

/** The guest (worker) side: makes blocking calls. */
export class GuestChannel extends ChannelView {
  private seq = 0;

  constructor(buffer: SharedArrayBuffer) {
    super(buffer);
    this.seq = Atomics.load(this.ctl, CTL.RESP);
    this.f64[F64.RESUMED] = wallMs();
    Atomics.store(this.ctl, CTL.STATE, STATE_RUNNING);
  }

  /** Records the guest's linear-memory size (for stats); called before each request. */
  setMemoryBytes(bytes: number): void {
    this.f64[F64.MEMORY] = bytes;
  }

  /** Sends the request already written to `wire` and blocks until the kernel answers; returns RESULT. */
  call(op: number): number {
    const ctl = this.ctl;
    const entered = wallMs();
    this.f64[F64.CPU_US] = this.f64[F64.CPU_US]! + (entered - this.f64[F64.RESUMED]!) * 1000;
    ctl[CTL.OP] = op;
    Atomics.store(ctl, CTL.STATE, STATE_IN_SYSCALL);
    const seq = this.seq;
    Atomics.add(ctl, CTL.REQ, 1);
    Atomics.notify(ctl, CTL.REQ);
    let spins = spinIterations;
    while (Atomics.load(ctl, CTL.RESP) === seq) {
      if (spins > 0) spins--;
      else Atomics.wait(ctl, CTL.RESP, seq);
    }
    this.seq = Atomics.load(ctl, CTL.RESP);
    this.f64[F64.RESUMED] = wallMs();
    Atomics.store(ctl, CTL.STATE, STATE_RUNNING);
    this.wire.reset();
    this.reply.reset();
    return ctl[CTL.RESULT]!;
  }

  /** True when the kernel asks for a system call soon (see ATTENTION): a cheap load, for the worker's own answers. */
  attention(): boolean {
    return Atomics.load(this.ctl, CTL.ATTENTION) !== 0;
  }

  /** CPU time this process has used so far, in nanoseconds (for CLOCK_PROCESS_CPUTIME_ID). */
  cpuNanos(): bigint {
    const us = this.f64[F64.CPU_US]! + (wallMs() - this.f64[F64.RESUMED]!) * 1000;
    return BigInt(Math.floor(us)) * 1000n;
  }

  /** Marks the guest as finished (the kernel stops accounting CPU time). */
  done(): void {
    this.f64[F64.CPU_US] = this.f64[F64.CPU_US]! + (wallMs() - this.f64[F64.RESUMED]!) * 1000;
    Atomics.store(this.ctl, CTL.STATE, STATE_DONE);
  }

  get flags(): number {
    return this.ctl[CTL.FLAGS]!;
  }

  /** Bitmask of signals whose handlers must run before the call returns. */
  signalMask(): bigint {
    return (BigInt(this.ctl[CTL.SIGHI]! >>> 0) << 32n) | BigInt(this.ctl[CTL.SIGLO]! >>> 0);
  }
}

/** The kernel side: learns of requests and answers them. */
export class KernelChannel extends ChannelView {
  private seen = 0;

  /** Asks the guest to make a system call soon (see ATTENTION): its next clock read, sched_yield... becomes one. */
  raiseAttention(): void {
    Atomics.store(this.ctl, CTL.ATTENTION, 1);
  }

  /** Withdraws the request: the answer being sent delivers what was pending. */
  clearAttention(): void {
    Atomics.store(this.ctl, CTL.ATTENTION, 0);
  }

  /** True if a request is waiting to be answered. */
  hasRequest(): boolean {
    return Atomics.load(this.ctl, CTL.REQ) !== this.seen;
  }

  /** Resolves when the guest makes its next request. */
  async nextRequest(): Promise<void> {
    while (!this.hasRequest()) {
      const result = Atomics.waitAsync(this.ctl, CTL.REQ, this.seen);
      if (result.async) await result.value;
    }
  }

  /** Spins briefly for the next request; true if one arrived. */
  spinForRequest(): boolean {
    for (let spins = spinIterations; spins > 0; spins--) if (this.hasRequest()) return true;
    return this.hasRequest();
  }

  /** Takes the pending request: its op, with `wire` positioned at its arguments. */
  take(): number {
    this.seen = Atomics.load(this.ctl, CTL.REQ);
    this.wire.reset();
    return this.ctl[CTL.OP]!;
  }

  /** The response area, positioned at its start, for writing results. */
  beginResponse(): Wire {
    return this.reply.reset();
  }

  /** Answers the taken request. */
  respond(result: number, flags = 0, signals = 0n): void {
    const ctl = this.ctl;
    ctl[CTL.RESULT] = result;
    ctl[CTL.FLAGS] = flags;
    if (signals !== 0n) {
      ctl[CTL.SIGLO] = Number(signals & 0xffffffffn) | 0;
      ctl[CTL.SIGHI] = Number((signals >> 32n) & 0xffffffffn) | 0;
    }
    Atomics.add(ctl, CTL.RESP, 1);
    Atomics.notify(ctl, CTL.RESP);
  }

  get guestState(): number {
    return Atomics.load(this.ctl, CTL.STATE);
  }

  /** Guest linear-memory size at its last system call, in bytes. */
  memoryBytes(): number {
    return this.f64[F64.MEMORY]!;
  }

  /** Guest CPU time in microseconds, including the current running stretch. */
  cpuMicros(): number {
    const base = this.f64[F64.CPU_US]!;
    if (this.guestState !== STATE_RUNNING) return base;
    return base + Math.max(0, (wallMs() - this.f64[F64.RESUMED]!) * 1000);
  }
}
