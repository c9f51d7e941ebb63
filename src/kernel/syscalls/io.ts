import { Errno, ErrnoError } from '../../common/errno.ts';
import { SIG } from '../abi/linux.ts';
import { FDFLAGS } from '../abi/wasi.ts';
import type { FileDescription } from '../fd/description.ts';
import { TIMED_OUT, blockUntil } from '../proc/blocking.ts';
import type { SyscallContext } from './context.ts';

function isEagain(error: unknown): boolean {
  return error instanceof ErrnoError && error.errno === Errno.EAGAIN;
}

function nonBlocking(d: FileDescription): boolean {
  return (d.fdflags & FDFLAGS.NONBLOCK) !== 0;
}

/**
 * Runs `op` on `d`; if it would block (EAGAIN) and the fd is blocking, parks
 * until the description changes and tries again.
 */
export function untilReady<T>(ctx: SyscallContext, d: FileDescription, op: () => T): T | Promise<T> {
  try {
    return op();
  } catch (error) {
    if (!isEagain(error) || nonBlocking(d)) throw error;
  }
  return blockUntil(ctx.proc, [d.waiters], () => {
    try {
      return op();
    } catch (error) {
      if (isEagain(error)) return undefined;
      throw error;
    }
  }).then((result) => {
    if (result === TIMED_OUT) throw new ErrnoError(Errno.ETIMEDOUT);
    return result;
  });
}

/** Raises SIGPIPE for a write that failed with EPIPE, then rethrows (POSIX). */
function withSigpipe(ctx: SyscallContext, error: unknown): never {
  if (error instanceof ErrnoError && error.errno === Errno.EPIPE) ctx.kernel.signal(ctx.proc, SIG.PIPE, ctx.proc);
  throw error;
}

/**
 * The rest of a blocking write: parks while the description cannot take
 * more (a full pipe) and writes until everything is written. A write that
 * fails part-way reports what was written (SIGPIPE is still raised for EPIPE).
 */
async function writeRest(ctx: SyscallContext, d: FileDescription, data: Uint8Array): Promise<number> {
  let done = 0;
  while (done < data.length) {
    try {
      done += await untilReady(ctx, d, () => d.write(data.subarray(done)));
    } catch (error) {
      if (done === 0) withSigpipe(ctx, error);
      if (error instanceof ErrnoError && error.errno === Errno.EPIPE) ctx.kernel.signal(ctx.proc, SIG.PIPE, ctx.proc);
      else if (!(error instanceof ErrnoError)) throw error;
      return done;
    }
  }
  return done;
}

/**
 * write(2): a blocking write writes everything (parking while a pipe is
 * full); a non-blocking one writes what fits now, or fails with EAGAIN. The
 * common case, everything written at once, stays synchronous.
 */
export function write(ctx: SyscallContext, d: FileDescription, data: Uint8Array): number | Promise<number> {
  let n: number;
  try {
    n = d.write(data);
  } catch (error) {
    if (!isEagain(error)) withSigpipe(ctx, error);
    if (nonBlocking(d)) throw error;
    return writeRest(ctx, d, data);
  }
  if (n === data.length || nonBlocking(d)) return n;
  return writeRest(ctx, d, data.subarray(n)).then((m) => n + m);
}
