import { FILETYPE, RIGHTS, RIGHTS_DIRECTORY, RIGHTS_DIRECTORY_INHERITING, RIGHTS_REGULAR_FILE, RIGHTS_SOCKET } from '../abi/wasi.ts';
import type { FileDescription } from './description.ts';
import { InodeDescription } from './inode-file.ts';
import { PipeReadEnd, PipeWriteEnd } from './pipe.ts';

const READ_SIDE = RIGHTS.FD_READ | RIGHTS.FD_FDSTAT_SET_FLAGS | RIGHTS.FD_FILESTAT_GET | RIGHTS.POLL_FD_READWRITE;
const WRITE_SIDE = RIGHTS.FD_WRITE | RIGHTS.FD_FDSTAT_SET_FLAGS | RIGHTS.FD_FILESTAT_GET | RIGHTS.POLL_FD_READWRITE;
/** Rights a regular file loses when opened without write access (as uvwasi computes them). */
const WRITE_RIGHTS = RIGHTS.FD_DATASYNC | RIGHTS.FD_WRITE | RIGHTS.FD_ALLOCATE | RIGHTS.FD_FILESTAT_SET_SIZE;
const READ_RIGHTS = RIGHTS.FD_READ | RIGHTS.FD_READDIR;

/** The WASI rights an fd gets for a description the kernel created (pipes, devices, stdio). */
export function rightsFor(description: FileDescription): { rightsBase: bigint; rightsInheriting: bigint } {
  if (description instanceof PipeReadEnd) return { rightsBase: READ_SIDE, rightsInheriting: 0n };
  if (description instanceof PipeWriteEnd) return { rightsBase: WRITE_SIDE, rightsInheriting: 0n };
  if (description instanceof InodeDescription) {
    if (description.inode.kind === 'dir') {
      return { rightsBase: RIGHTS_DIRECTORY, rightsInheriting: RIGHTS_DIRECTORY_INHERITING };
    }
    let base = RIGHTS_REGULAR_FILE;
    if (!description.writable) base &= ~WRITE_RIGHTS;
    if (!description.readable) base &= ~READ_RIGHTS;
    return { rightsBase: base, rightsInheriting: 0n };
  }
  if (description.filetype === FILETYPE.SOCKET_STREAM || description.filetype === FILETYPE.SOCKET_DGRAM) {
    return { rightsBase: RIGHTS_SOCKET, rightsInheriting: 0n };
  }
  return { rightsBase: READ_SIDE | WRITE_SIDE, rightsInheriting: 0n };
}
