import { Errno, ErrnoError } from '../common/errno.ts';
import type { HostStream } from '../platform/types.ts';
import type { ConnectionEnd } from './connection.ts';

/** Bytes moved from a connection to the host per write. */
const CHUNK = 64 * 1024;

function isEagain(error: unknown): boolean {
  return error instanceof ErrnoError && error.errno === Errno.EAGAIN;
}

/**
 * Carries a stream connection to a host socket (a published port's client,
 * or a container's outbound connection): what the guest writes into `end`'s
 * peer arrives in `end.rx` and is written to the host; what the host sends
 * is written into `end`. Flow control both ways: the host stream is paused
 * while the guest's queue is full, and the guest's data waits in `end.rx`
 * while the host's buffer is full. FIN and reset are carried across: a
 * guest that closes with unread data resets the host connection, and a host
 * connection that breaks resets the guest's.
 *
 * Work is deferred to a microtask after each change notification, so the
 * guest's syscall that caused it is never re-entered.
 */
export function bridgeHostStream(end: ConnectionEnd, stream: HostStream): void {
  const incoming: Uint8Array[] = [];
  let hostEnded = false;
  let finSent = false;
  let hostBlocked = false;
  let paused = false;
  let finished = false;
  let scheduled = false;

  const finish = (abort: boolean): void => {
    if (finished) return;
    finished = true;
    end.close(abort);
  };

  const pumpIn = (): void => {
    while (incoming.length > 0) {
      const chunk = incoming[0]!;
      let n: number;
      try {
        n = end.write(chunk);
      } catch (error) {
        if (isEagain(error)) break;
        // The guest side is gone (reset or closed): drop the host connection.
        incoming.length = 0;
        stream.destroy();
        finish(true);
        return;
      }
      if (n < chunk.length) incoming[0] = chunk.subarray(n);
      else incoming.shift();
    }
    if (incoming.length === 0) {
      if (paused) {
        paused = false;
        stream.resume();
      }
      if (hostEnded) end.shutdownWrite();
    } else if (!paused) {
      paused = true;
      stream.pause();
    }
  };

  const pumpOut = (): void => {
    while (!hostBlocked && !finSent) {
      let data: Uint8Array;
      try {
        data = end.read(CHUNK);
      } catch (error) {
        if (isEagain(error)) return;
        // Reset by the guest.
        stream.destroy();
        finish(true);
        return;
      }
      if (data.length === 0) {
        finSent = true;
        stream.end();
        return;
      }
      if (!stream.write(data)) hostBlocked = true;
    }
  };

  const pump = (): void => {
    scheduled = false;
    if (finished) return;
    pumpIn();
    if (!finished) pumpOut();
  };

  const schedule = (): void => {
    if (scheduled || finished) return;
    scheduled = true;
    queueMicrotask(pump);
  };

  end.onChange = schedule;
  stream.setHandlers({
    data: (bytes) => {
      if (finished) return;
      incoming.push(bytes);
      pumpIn();
    },
    end: () => {
      hostEnded = true;
      schedule();
    },
    drain: () => {
      hostBlocked = false;
      schedule();
    },
    close: (error) => {
      if (error) {
        finish(true);
        return;
      }
      // Deliver what is still buffered from the host, then close our end.
      hostEnded = true;
      pumpIn();
      if (incoming.length === 0) finish(false);
      else {
        const drainThenClose = (): void => {
          pumpIn();
          if (incoming.length === 0 || finished) finish(false);
          else end.onChange = () => queueMicrotask(drainThenClose);
        };
        end.onChange = () => queueMicrotask(drainThenClose);
      }
    },
  });
  schedule();
}
