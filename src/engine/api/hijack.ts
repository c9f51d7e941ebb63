/**
 * Attached stdio over a hijacked connection. Backends (attach, exec start)
 * see plain stdin/stdout/stderr; this module adds the stdcopy framing when
 * the session has no TTY and keeps it out of the daemon.
 */
import { errorMessage } from '../errors.ts';
import type { ByteDuplex, ByteSink, ByteSource } from './duplex.ts';
import { StdStream, stdcopyFrame } from './stdcopy.ts';

const encoder = new TextEncoder();

/** The streams an attach or exec session reads and writes. */
export interface StdStreams {
  /** The client's input, unframed; null once the client half-closed (CloseWrite). */
  readonly stdin: ByteSource;
  /** Output; framed as stdout when multiplexed, raw with a TTY. */
  readonly stdout: ByteSink;
  /** Output; framed as stderr when multiplexed; with a TTY the same raw stream as stdout. */
  readonly stderr: ByteSink;
  /** Resolves when the client connection is gone; the session should detach then. */
  readonly closed: Promise<void>;
}

/**
 * A validated attach or exec session, returned by the backend before the
 * connection is hijacked (so "No such container" is still a normal 404).
 */
export interface StreamSession {
  /** Raw output (the process has a TTY): no stdcopy framing, stdout and stderr merged. */
  readonly tty: boolean;
  /**
   * Runs until the session ends (process exit, detach, client gone). An
   * error thrown here is written into the stream (the HTTP status is already
   * sent); the router then closes the connection.
   */
  run(streams: StdStreams): Promise<void>;
}

/** Wraps a hijacked connection into StdStreams, framing output unless `tty`. */
export function stdStreamsOver(duplex: ByteDuplex, tty: boolean): StdStreams {
  const sink = (stream: StdStream): ByteSink => ({
    write: (bytes) => (bytes.length === 0 ? Promise.resolve() : duplex.write(tty ? bytes : stdcopyFrame(stream, bytes))),
  });
  return {
    stdin: { read: () => duplex.read() },
    stdout: sink(StdStream.Stdout),
    stderr: sink(StdStream.Stderr),
    closed: duplex.closed,
  };
}

/**
 * Writes an error that happened after the hijack into the stream, the way
 * dockerd does: `text\r\n` framed on `stream` when multiplexed, raw with a TTY.
 */
export async function writeStreamError(duplex: ByteDuplex, error: unknown, multiplexed: boolean, stream: StdStream): Promise<void> {
  const bytes = encoder.encode(`${errorMessage(error)}\r\n`);
  try {
    await duplex.write(multiplexed ? stdcopyFrame(stream, bytes) : bytes);
  } catch {
    // The client is gone; nothing left to tell it.
  }
}
