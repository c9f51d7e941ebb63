import type { Inode } from '../../unionfs/vfs/types.ts';
import type { FileDescription } from './description.ts';
import { Pipe, PipeReadEnd, PipeWriteEnd } from './pipe.ts';

/** The pipe behind each FIFO inode that is or was open (created on first open). */
const pipes = new WeakMap<Inode, Pipe>();

/**
 * Opens a FIFO (named pipe). Partial: opening does not block waiting for the
 * other end as POSIX specifies; a reader that finds no writer yet reads EOF
 * only after a writer has come and gone.
 */
export function openFifo(inode: Inode, readable: boolean, writable: boolean): FileDescription {
  let pipe = pipes.get(inode);
  if (!pipe) {
    pipe = new Pipe();
    // Until the first writer opens, readers must wait rather than see EOF.
    pipe.writers = 1;
    pipe.pendingFirstWriter = true;
    pipes.set(inode, pipe);
  }
  if (writable && !readable) {
    if (pipe.pendingFirstWriter) {
      pipe.pendingFirstWriter = false;
      pipe.writers = 0;
    }
    return new PipeWriteEnd(pipe);
  }
  return new PipeReadEnd(pipe);
}
