import { Errno, fail } from '../../common/errno.ts';
import type { NetSocket, Received } from '../../net/socket.ts';
import type { Stat } from '../../unionfs/vfs/types.ts';
import { FILETYPE } from '../abi/wasi.ts';
import type { Readiness } from './description.ts';
import { FileDescription, syntheticStat } from './description.ts';

let nextSocketIno = 1;

/** WASI sdflags of sock_shutdown (also Drydock's SHUT_* values). */
const SHUT_RD = 1;
const SHUT_WR = 2;

/**
 * An open socket: the file description of a network-layer socket
 * (src/net/socket.ts). The network layer does the work; this class maps the
 * file-description contract onto it: readiness for poll and blocking,
 * read/write as recv/send without flags, close of the last fd closes the
 * socket (resetting a connection with unread data, as Linux does).
 */
export class SocketDescription extends FileDescription {
  readonly filetype: number;
  private readonly ino = nextSocketIno++;

  constructor(readonly socket: NetSocket) {
    super();
    this.filetype = socket.kind === 'stream' ? FILETYPE.SOCKET_STREAM : FILETYPE.SOCKET_DGRAM;
    socket.onChange = () => this.waiters.wake();
  }

  override readiness(): Readiness {
    const r = this.socket.readiness();
    return { readable: r.readable, writable: r.writable, hangup: r.hangup, nbytes: r.nbytes, error: r.error ?? 0 };
  }

  override read(length: number): Uint8Array {
    return this.socket.recv(length, 0).data;
  }

  override write(data: Uint8Array): number {
    return this.socket.send(data, 0, null);
  }

  override recv(length: number, flags: number): Uint8Array {
    return this.socket.recv(length, flags).data;
  }

  /** recv with the sender and the full datagram length (recvfrom, sock_recv's truncation flag). */
  receive(length: number, flags: number): Received {
    return this.socket.recv(length, flags);
  }

  override send(data: Uint8Array, flags: number): number {
    return this.socket.send(data, flags, null);
  }

  override accept(): FileDescription {
    return new SocketDescription(this.socket.accept());
  }

  override shutdown(how: number): void {
    if (how === 0 || how > (SHUT_RD | SHUT_WR)) fail(Errno.EINVAL);
    this.socket.shutdown((how & SHUT_RD) !== 0, (how & SHUT_WR) !== 0);
  }

  protected override close(): void {
    this.socket.close();
  }

  stat(): Stat {
    return syntheticStat('socket', this.ino, 0o777);
  }
}
