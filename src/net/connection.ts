import { Errno, fail } from '../common/errno.ts';
import { ByteQueue } from './byte-queue.ts';
import { countTraffic } from './namespace.ts';
import type { InterfaceCounters } from './namespace.ts';
import { WOULD_BLOCK } from './socket.ts';

/** Bytes a connection buffers in each direction (Linux's autotuned loopback buffers are of this order). */
export const STREAM_BUFFER = 256 * 1024;

/**
 * One end of an established stream connection (TCP's model, without
 * segments or retransmission: the two ends share memory). Each end receives
 * into its own bounded queue `rx`; writing appends to the peer's `rx`, so a
 * full queue stops the writer (EAGAIN) and nothing is ever lost.
 *
 * Who owns it: a kernel stream socket (socket.ts), or an adapter that
 * carries the connection to a host socket (host-bridge.ts). The owner sets
 * `onChange` to learn when readiness may have changed; it is called
 * synchronously from the peer's operations and must not call back into the
 * connection re-entrantly in a way that loops.
 *
 * Linux semantics kept (net/ipv4/tcp.c, tcp_input.c):
 *  - close with unread received data (or SO_LINGER 0) resets the connection:
 *    the peer's next operation fails with ECONNRESET, later writes with
 *    EPIPE, and reads see the data already queued, then end of file;
 *  - close without unread data sends FIN: the peer reads the queued data,
 *    then end of file. A peer that writes into a closed end has its first
 *    write accepted (and dropped); the reset it provokes makes the next
 *    write fail with EPIPE (Linux's CLOSE_WAIT + RST);
 *  - shutdown(SHUT_WR) sends FIN and keeps reading; shutdown(SHUT_RD) makes
 *    reads return end of file and drops what arrives.
 */
export class ConnectionEnd {
  peer!: ConnectionEnd;
  readonly rx: ByteQueue;
  /** An error for the next operation (consumed once, as Linux's sk_err). */
  error: Errno | null = null;
  /** The connection was reset: writes fail with EPIPE, reads end after the queued data. */
  reset = false;
  /** The peer sent FIN: after the queued data, reads see end of file. */
  finReceived = false;
  /** This end was closed by its owner. */
  closed = false;
  writeShut = false;
  readShut = false;
  onChange: (() => void) | null = null;
  /** The counters of the interface this end's traffic leaves by (null: none, e.g. the host's side). */
  counters: InterfaceCounters | null = null;

  constructor(capacity = STREAM_BUFFER) {
    this.rx = new ByteQueue(capacity);
  }

  /** Makes a connected pair. */
  static pair(capacityA = STREAM_BUFFER, capacityB = STREAM_BUFFER): [ConnectionEnd, ConnectionEnd] {
    const a = new ConnectionEnd(capacityA);
    const b = new ConnectionEnd(capacityB);
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  notify(): void {
    this.onChange?.();
  }

  private takeError(): Errno | null {
    const error = this.error;
    this.error = null;
    return error;
  }

  /**
   * Sends bytes (copied: `data` may be a view the caller reuses). Returns how many
   * were taken; EAGAIN when the peer's queue is full; EPIPE after a reset or
   * shutdown(SHUT_WR); a pending error (ECONNRESET) first.
   */
  write(data: Uint8Array): number {
    const error = this.takeError();
    if (error !== null) fail(error);
    if (this.reset || this.writeShut || this.closed) fail(Errno.EPIPE);
    if (data.length === 0) return 0;
    const peer = this.peer;
    if (peer.closed) {
      // Nobody will read it: the peer's stack answers with RST (we already got its FIN).
      this.receiveReset(Errno.EPIPE);
      return data.length;
    }
    if (peer.readShut) return data.length;
    const room = peer.rx.room;
    if (room === 0) throw WOULD_BLOCK;
    const n = peer.rx.push(data.slice(0, Math.min(room, data.length)));
    countTraffic(this.counters, peer.counters, n);
    peer.notify();
    return n;
  }

  /** Takes (or peeks) up to `length` received bytes; an empty array is end of file; EAGAIN when nothing is there yet. */
  read(length: number, peek = false): Uint8Array {
    if (this.rx.size > 0 && length > 0) {
      if (peek) return this.rx.peek(length);
      const data = this.rx.take(length);
      // The writer may be waiting for room.
      this.peer.notify();
      return data;
    }
    const error = peek ? this.error : this.takeError();
    if (error !== null) fail(error);
    if (this.finReceived || this.reset || this.readShut || this.closed || length === 0) return new Uint8Array(0);
    throw WOULD_BLOCK;
  }

  /** shutdown(SHUT_WR): FIN to the peer. */
  shutdownWrite(): void {
    if (this.writeShut) return;
    this.writeShut = true;
    if (!this.reset) {
      this.peer.finReceived = true;
      this.peer.notify();
    }
    this.notify();
  }

  /** shutdown(SHUT_RD): reads return end of file; what is queued or arrives later is dropped. */
  shutdownRead(): void {
    this.readShut = true;
    this.rx.clear();
    this.peer.notify();
    this.notify();
  }

  /**
   * The owner is done with this end. With unread data (or `abort`), the
   * peer is reset; otherwise it gets FIN.
   */
  close(abort = false): void {
    if (this.closed) return;
    const unread = this.rx.size > 0;
    this.closed = true;
    this.rx.clear();
    this.onChange = null;
    if (this.reset) return;
    if (unread || abort) {
      this.reset = true;
      this.peer.receiveReset(Errno.ECONNRESET);
    } else if (!this.writeShut) {
      this.writeShut = true;
      this.peer.finReceived = true;
      this.peer.notify();
    } else {
      this.peer.notify();
    }
  }

  /** The peer reset the connection: `errno` goes to the next operation. */
  receiveReset(errno: Errno): void {
    if (this.reset || this.closed) return;
    this.reset = true;
    this.error = errno;
    this.notify();
  }

  /** Bytes waiting to be read. */
  get pending(): number {
    return this.rx.size;
  }

  get readable(): boolean {
    return this.rx.size > 0 || this.finReceived || this.reset || this.readShut || this.error !== null;
  }

  get writable(): boolean {
    return this.peer.rx.room > 0 || this.writeShut || this.reset || this.error !== null || this.peer.closed || this.peer.readShut;
  }

  /** Linux's POLLHUP: both directions are finished, or the connection is gone. */
  get hangup(): boolean {
    return this.reset || (this.finReceived && this.writeShut);
  }

  /** Room in the peer's queue (what a write can take now). */
  get sendRoom(): number {
    return this.peer.rx.room;
  }
}
