import { Errno, ErrnoError } from '../../common/errno.ts';
import type { FileDescription } from './description.ts';

function isEagain(error: unknown): boolean {
  return error instanceof ErrnoError && error.errno === Errno.EAGAIN;
}

function changed(d: FileDescription): Promise<void> {
  return new Promise((resolve) => {
    const remove = d.waiters.add(() => {
      remove();
      resolve();
    });
  });
}

/**
 * Reads `d` (a pipe's read end, a terminal) from outside any process until
 * end of file, handing each chunk to `onData`. This is how the engine
 * collects a container's output; it waits on the description's wait queue,
 * never polling.
 */
export async function drain(d: FileDescription, onData: (bytes: Uint8Array) => void, chunk = 64 * 1024): Promise<void> {
  for (;;) {
    let bytes: Uint8Array;
    try {
      bytes = d.read(chunk);
    } catch (error) {
      if (!isEagain(error)) throw error;
      await changed(d);
      continue;
    }
    if (bytes.length === 0) return;
    onData(bytes);
  }
}

/**
 * Writes all of `bytes` into `d` (a pipe's write end) from outside any
 * process, waiting while it is full. Throws EPIPE once nobody reads.
 */
export async function writeAllTo(d: FileDescription, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    try {
      done += d.write(bytes.subarray(done));
    } catch (error) {
      if (!isEagain(error)) throw error;
      await changed(d);
    }
  }
}
