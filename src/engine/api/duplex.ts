/**
 * The byte-stream interfaces between the API layer and its transports. A
 * transport (src/platform/node/http-transport.ts, the fetch adapter, a
 * browser MessagePort bridge) implements ByteDuplex for a hijacked
 * connection; the engine only ever sees these interfaces, never a socket.
 */

/** Something bytes are read from. */
export interface ByteSource {
  /**
   * The next chunk, or null once the peer has finished sending (for a
   * hijacked connection: the client's CloseWrite / FIN, or the connection
   * is gone). After null every call returns null.
   */
  read(): Promise<Uint8Array | null>;
}

/** Something bytes are written to. */
export interface ByteSink {
  /**
   * Queues `bytes` for the peer; resolves when the transport accepted them
   * (back-pressure). Rejects, or silently drops, once the connection is gone:
   * callers check `closed` rather than relying on the rejection.
   */
  write(bytes: Uint8Array): Promise<void>;
}

/**
 * A hijacked bidirectional connection (attach, exec start).
 *
 * Half-close is first-class: `read()` returning null means only that the
 * client will send nothing more; the server may keep writing until it calls
 * `closeWrite()`. Ownership: the transport owns the connection; the API
 * layer calls `closeWrite()` once at most, and the transport closes the
 * connection when both directions are done.
 */
export interface ByteDuplex extends ByteSource, ByteSink {
  /** Ends the server-to-client direction (FIN). Further writes are dropped. */
  closeWrite(): Promise<void>;
  /** Resolves when the connection is gone in both directions (client closed, reset, or shutdown). */
  readonly closed: Promise<void>;
}
