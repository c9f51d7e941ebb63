/**
 * The body of GET /containers/{id}/logs (moby httputils.WriteLogStream):
 * each stored line, prefixed with its timestamp and attributes on request,
 * stdcopy-framed unless the container has a TTY.
 */
import { errorMessage } from '../errors.ts';
import type { LogMessage } from '../types/container.ts';
import { StdStream, stdcopyFrame } from './stdcopy.ts';
import { formatRfc3339NanoFixed } from './timestamp.ts';

const encoder = new TextEncoder();

export interface LogStreamFormat {
  /** Frame output with stdcopy (no TTY). */
  readonly multiplexed: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly timestamps: boolean;
  readonly details: boolean;
}

/** Go's url.QueryEscape: only unreserved characters stay, space becomes "+". */
function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function attributes(attrs: Readonly<Record<string, string>>): string {
  return Object.keys(attrs)
    .sort()
    .map((key) => `${queryEscape(key)}=${queryEscape(attrs[key]!)}`)
    .join(',');
}

function prefixed(prefix: string, line: Uint8Array): Uint8Array {
  const head = encoder.encode(prefix);
  const out = new Uint8Array(head.length + line.length);
  out.set(head);
  out.set(line, head.length);
  return out;
}

/** Formats log messages into the logs response body. Errors while reading become systemerr output. */
export async function* formatLogStream(messages: AsyncIterable<LogMessage>, format: LogStreamFormat): AsyncIterable<Uint8Array> {
  const frame = (stream: StdStream, bytes: Uint8Array): Uint8Array => (format.multiplexed ? stdcopyFrame(stream, bytes) : bytes);
  try {
    for await (const message of messages) {
      if (message.error !== undefined) {
        yield frame(StdStream.Systemerr, encoder.encode(`Error grabbing logs: ${message.error}\n`));
        continue;
      }
      if (message.stream === 'stdout' ? !format.stdout : !format.stderr) continue;
      let line = message.line;
      if (format.details) line = prefixed(`${attributes(message.attrs ?? {})} `, line);
      if (format.timestamps) line = prefixed(`${formatRfc3339NanoFixed(message.timestamp)} `, line);
      yield frame(message.stream === 'stdout' ? StdStream.Stdout : StdStream.Stderr, line);
    }
  } catch (error) {
    yield frame(StdStream.Systemerr, encoder.encode(`Error grabbing logs: ${errorMessage(error)}\n`));
  }
}
