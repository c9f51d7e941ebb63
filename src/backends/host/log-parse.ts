/**
 * Reads a real engine's GET /containers/{id}/logs body back into the
 * LogMessages the container router formats (api/log-stream.ts), so that
 * formatting them again gives the same bytes dockerd sent.
 *
 * - Multiplexed (no TTY): each stdcopy frame is one message; a systemerr
 *   frame ("Error grabbing logs: …") becomes a message with `error`.
 * - Raw (TTY): without timestamps or details the chunks are passed on as
 *   they are (their boundaries do not matter). With them, messages are cut
 *   at line ends; a line that did not end in a newline before the next
 *   message's timestamp is merged with it (the raw stream does not say where
 *   it ended), which formats back to the same bytes.
 *
 * Prefixes are parsed as dockerd writes them: the RFC3339Nano timestamp and
 * a space, then (details) the attributes, "k=v,k2=v2" query-escaped, and a space.
 */
import { StdcopyDecoder, StdStream } from '../../engine/api/stdcopy.ts';
import type { LogMessage } from '../../engine/types/container.ts';

export interface LogParseFormat {
  /** The body is stdcopy-framed (the container has no TTY). */
  readonly multiplexed: boolean;
  readonly timestamps: boolean;
  readonly details: boolean;
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const decoder = new TextDecoder();
const TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/** Parses an RFC3339 timestamp with up to nine fraction digits into nanoseconds since the epoch; null if malformed. */
export function parseRfc3339Nano(text: string): bigint | null {
  const match = TIMESTAMP.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return null;
  let seconds = BigInt(ms / 1000);
  if (zone !== 'Z') {
    const sign = zone!.startsWith('-') ? -1n : 1n;
    const offset = BigInt(Number(zone!.slice(1, 3)) * 3600 + Number(zone!.slice(4, 6)) * 60);
    seconds -= sign * offset;
  }
  return seconds * 1_000_000_000n + BigInt((fraction ?? '').padEnd(9, '0') || '0');
}

/** Go's url.QueryUnescape ("+" is a space). */
function queryUnescape(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function parseAttributes(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (text === '') return attrs;
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    attrs[queryUnescape(pair.slice(0, eq))] = queryUnescape(pair.slice(eq + 1));
  }
  return attrs;
}

/** Cuts the prefix dockerd added to one message's bytes; null if they do not start with one. */
function parsePrefixed(payload: Uint8Array, format: LogParseFormat): { timestamp: bigint; attrs?: Record<string, string>; line: Uint8Array } | null {
  let at = 0;
  let timestamp = 0n;
  if (format.timestamps) {
    const space = payload.indexOf(SPACE, at);
    if (space < 0) return null;
    const parsed = parseRfc3339Nano(decoder.decode(payload.subarray(at, space)));
    if (parsed === null) return null;
    timestamp = parsed;
    at = space + 1;
  }
  let attrs: Record<string, string> | undefined;
  if (format.details) {
    const space = payload.indexOf(SPACE, at);
    if (space < 0) return null;
    attrs = parseAttributes(decoder.decode(payload.subarray(at, space)));
    at = space + 1;
  }
  return { timestamp, ...(attrs ? { attrs } : {}), line: payload.subarray(at) };
}

const ERROR_PREFIX = 'Error grabbing logs: ';

async function* multiplexed(chunks: AsyncIterable<Uint8Array>, format: LogParseFormat): AsyncIterable<LogMessage> {
  const frames = new StdcopyDecoder();
  for await (const chunk of chunks) {
    for (const frame of frames.push(chunk)) {
      if (frame.stream === StdStream.Systemerr) {
        let text = decoder.decode(frame.payload).replace(/\n$/, '');
        if (text.startsWith(ERROR_PREFIX)) text = text.slice(ERROR_PREFIX.length);
        yield { stream: 'stderr', line: new Uint8Array(0), timestamp: 0n, error: text };
        continue;
      }
      const stream = frame.stream === StdStream.Stderr ? 'stderr' : 'stdout';
      const parsed = parsePrefixed(frame.payload, format);
      // A frame without the expected prefix is passed on whole (it cannot be formatted back exactly).
      yield parsed ? { stream, ...parsed } : { stream, line: frame.payload, timestamp: 0n };
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function* rawLines(chunks: AsyncIterable<Uint8Array>, format: LogParseFormat): AsyncIterable<LogMessage> {
  // `current` is the message being read: its parsed prefix and the line bytes so far.
  let current: { timestamp: bigint; attrs?: Record<string, string>; line: Uint8Array } | null = null;
  let pending: Uint8Array = new Uint8Array(0);
  const take = function* (final: boolean): Generator<LogMessage> {
    for (;;) {
      const nl = pending.indexOf(NEWLINE);
      if (nl < 0 && !final) return;
      const end = nl < 0 ? pending.length : nl + 1;
      if (end === 0) return;
      const piece = pending.subarray(0, end);
      pending = pending.slice(end);
      const parsed = parsePrefixed(piece, format);
      if (parsed) {
        if (current) yield { stream: 'stdout', ...current };
        current = parsed;
      } else if (current) {
        current = { ...current, line: concat(current.line, piece) };
      } else {
        current = { timestamp: 0n, line: piece };
      }
      // A message that ends in a newline is complete unless the next piece continues it;
      // pieces always start a new message when they carry a prefix, so emit now.
      if (current.line.length > 0 && current.line[current.line.length - 1] === NEWLINE) {
        yield { stream: 'stdout', ...current };
        current = null;
      }
      if (nl < 0) return;
    }
  };
  for await (const chunk of chunks) {
    pending = concat(pending, chunk);
    yield* take(false);
  }
  yield* take(true);
  if (current) yield { stream: 'stdout', ...(current as { timestamp: bigint; line: Uint8Array }) };
}

async function* rawChunks(chunks: AsyncIterable<Uint8Array>): AsyncIterable<LogMessage> {
  for await (const chunk of chunks) yield { stream: 'stdout', line: chunk, timestamp: 0n };
}

/** The log messages of a real engine's logs body (see the module comment). */
export function parseLogStream(chunks: AsyncIterable<Uint8Array>, format: LogParseFormat): AsyncIterable<LogMessage> {
  if (format.multiplexed) return multiplexed(chunks, format);
  if (!format.timestamps && !format.details) return rawChunks(chunks);
  return rawLines(chunks, format);
}
