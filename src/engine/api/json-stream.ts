/**
 * Encoders for the API's streamed JSON bodies: line-separated objects
 * (events, stats) and dockerd's progress streams (pull, push, load, build),
 * whose errors are reported in band once output has started.
 */
import { errorMessage } from '../errors.ts';
import type { JsonMessage, ProgressSink } from '../types/json-message.ts';
import { AsyncQueue } from './async-queue.ts';
import { jsonText } from './json.ts';

const encoder = new TextEncoder();

/** Each value as JSON followed by `separator` ("\n" for events and stats). */
export async function* jsonLines(
  values: AsyncIterable<unknown>,
  options: { separator?: string; prefix?: string; escapeHtml?: boolean } = {},
): AsyncIterable<Uint8Array> {
  const separator = options.separator ?? '\n';
  const prefix = options.prefix ?? '';
  for await (const value of values) {
    yield encoder.encode(`${prefix}${jsonText(value, { escapeHtml: options.escapeHtml })}${separator}`);
  }
}

/** One progress message as dockerd's streamformatter writes it: JSON (HTML escaped) and "\r\n". */
export function progressChunk(message: JsonMessage): Uint8Array {
  return encoder.encode(`${jsonText(message, { escapeHtml: true })}\r\n`);
}

/**
 * dockerd's in-band error message (streamformatter.FormatError). An error
 * carrying a numeric `jsonCode` (a failed build step's exit status, like
 * dockerd's jsonmessage.JSONError) reports it as `errorDetail.code`; the
 * CLI exits with it.
 */
export function progressError(error: unknown): JsonMessage {
  const message = errorMessage(error);
  const code = error instanceof Error ? (error as Error & { jsonCode?: unknown }).jsonCode : undefined;
  return { errorDetail: typeof code === 'number' && code !== 0 ? { code, message } : { message }, error: message };
}

/**
 * Runs a long operation that reports progress through a sink and turns it
 * into a `\r\n`-separated JSON stream.
 *
 * When the operation fails: if nothing was written yet and `errors` is
 * 'http-before-output', the stream throws before its first chunk, so the
 * router sends a normal HTTP error (pull, push, build: the client shows
 * "Error response from daemon"); otherwise the error is written in band as
 * `{"errorDetail":{"message"},"error"}` (load always does this).
 *
 * `signal` is handed to the operation so it stops when the client leaves;
 * the stream also stops pulling.
 */
export function progressStream(
  run: (progress: ProgressSink) => Promise<void>,
  options: { errors: 'http-before-output' | 'in-band' },
): AsyncIterable<Uint8Array> {
  const queue = new AsyncQueue<Uint8Array>();
  let wrote = false;
  const sink: ProgressSink = (message) => {
    wrote = true;
    queue.push(progressChunk(message));
  };
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    // Deferred so that a synchronous throw is reported like a rejection.
    Promise.resolve()
      .then(() => run(sink))
      .then(
        () => queue.close(),
        (error: unknown) => {
          if (!wrote && options.errors === 'http-before-output') {
            queue.fail(error);
          } else {
            queue.push(progressChunk(progressError(error)));
            queue.close();
          }
        },
      );
  };
  return {
    [Symbol.asyncIterator]() {
      start();
      return queue[Symbol.asyncIterator]();
    },
  };
}
