/**
 * What a docker command talks to: its output streams, its standard input,
 * and — when it runs in a terminal — the terminal itself (size, resize
 * events, raw mode). The browser terminal implements it over xterm.js;
 * Node tests implement it over strings. Nothing here touches the DOM.
 */

/** Standard input of a command. */
export interface StdinSource {
  /** The next chunk of input (in a cooked terminal: a line with its "\n"); null at end of input (Ctrl-D). */
  read(): Promise<Uint8Array | null>;
}

/** The terminal a command runs in. */
export interface CliTerminal {
  /** Current size in character cells. */
  size(): { rows: number; cols: number };
  /** Calls `listener` after every resize; returns the unsubscribe function. */
  onResize(listener: (size: { rows: number; cols: number }) => void): () => void;
  /**
   * Raw mode (the CLI's SetRawTerminal): every keystroke goes to `onData`
   * as bytes, nothing is echoed, output is written unchanged (no "\n" to
   * "\r\n" translation). Returns the function that restores cooked mode.
   */
  raw(onData: (bytes: Uint8Array) => void): () => void;
}

/** Where a command writes and reads. Output is written as the CLI writes it ("\n" line ends). */
export interface CliStreams {
  out(data: string | Uint8Array): void;
  err(data: string | Uint8Array): void;
  /** Standard input; for a terminal this is its cooked line discipline. */
  readonly stdin: StdinSource;
  /** Non-null when standard input and output are a terminal (isatty). */
  readonly terminal: CliTerminal | null;
  /**
   * Ctrl-C in cooked mode (SIGINT to the CLI process): calls `listener` for
   * each interrupt while subscribed; returns the unsubscribe function.
   */
  onInterrupt(listener: () => void): () => void;
  /** The client's clock (durations like "5 seconds ago"), milliseconds since the epoch. */
  now(): number;
}

/** A command's result that is not a plain success: its exit status, and what to print on stderr. */
export class StatusError extends Error {
  constructor(
    readonly status: number,
    message = '',
  ) {
    super(message);
  }
}

/** Thrown when the user interrupts a command (Ctrl-C): the shell reports status 130. */
export class InterruptedError extends StatusError {
  constructor() {
    super(130);
  }
}

/** A StdinSource over fixed bytes (tests, piped input). */
export function stdinFrom(text: string | Uint8Array | null): StdinSource {
  let pending: Uint8Array | null = text === null ? null : typeof text === 'string' ? new TextEncoder().encode(text) : text;
  return {
    async read() {
      const chunk = pending && pending.length > 0 ? pending : null;
      pending = null;
      return chunk;
    },
  };
}
