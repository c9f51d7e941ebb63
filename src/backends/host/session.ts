/**
 * A hijacked session (attach, exec start) relayed between Drydock's client
 * and the real engine. The upstream session is opened before the router
 * answers `101 UPGRADED`, so the real engine's refusals (404, 409) are normal
 * HTTP errors for Drydock's client too; its output is buffered until the
 * router runs the session.
 *
 * - Output: raw with a TTY; otherwise the real engine's stdcopy frames are
 *   split and written to stdout/stderr, which the router frames again. A
 *   systemerr frame (an error the real engine wrote after the hijack) goes
 *   to stderr.
 * - Input: what Drydock's client sends is written upstream; its CloseWrite
 *   becomes the upstream CloseWrite, so the real engine sees stdin end exactly
 *   when the client ended it (`docker run -i` with piped stdin).
 * - End: the session is over when the real engine closes the connection;
 *   if Drydock's client goes away first, the upstream connection is closed
 *   (as dockerd sees a client that disconnects).
 */
import type { StdStreams, StreamSession } from '../../engine/api/hijack.ts';
import { StdcopyDecoder, StdStream } from '../../engine/api/stdcopy.ts';
import type { HijackHandle } from '../../engine/client/transport.ts';
import { Pipe } from './upstream.ts';

/**
 * Opens the upstream session with `open` (which throws the real engine's
 * error) and returns the StreamSession the router runs.
 */
export async function relaySession(tty: boolean, open: (onOutput: (chunk: Uint8Array) => void) => Promise<HijackHandle>): Promise<StreamSession> {
  // Unbounded: a hijacked socket cannot be paused through HijackHandle. The router writes as fast as the client reads.
  const output = new Pipe<Uint8Array>(Number.POSITIVE_INFINITY);
  const handle = await open((chunk) => void output.push(chunk.slice()));
  void handle.done.then(
    () => output.close(),
    (error: unknown) => output.fail(error),
  );
  return {
    tty,
    async run(streams: StdStreams): Promise<void> {
      let running = true;
      void streams.closed.then(() => {
        if (running) handle.close?.();
      });
      void (async () => {
        for (;;) {
          const chunk = await streams.stdin.read();
          if (!running) return;
          if (chunk === null) {
            handle.closeWrite();
            return;
          }
          handle.write(chunk);
        }
      })();
      try {
        const frames = tty ? null : new StdcopyDecoder();
        for await (const chunk of output) {
          if (!frames) {
            await streams.stdout.write(chunk);
            continue;
          }
          for (const frame of frames.push(chunk)) {
            if (frame.stream === StdStream.Stdout) await streams.stdout.write(frame.payload);
            else await streams.stderr.write(frame.payload);
          }
        }
      } finally {
        running = false;
      }
    },
  };
}
