import { Errno, fail } from '../../common/errno.ts';
import type { Location } from '../../unionfs/vfs/mount-namespace.ts';
import type { DirEntry, Stat } from '../../unionfs/vfs/types.ts';
import { WHENCE } from '../abi/wasi.ts';
import { FileDescription, filetypeOf } from './description.ts';

/**
 * An open regular file, directory or symlink: a VFS location plus an offset.
 * Directory descriptions are also the dirfds that *at calls resolve from.
 */
export class InodeDescription extends FileDescription {
  readonly filetype: number;
  offset = 0;

  constructor(
    readonly location: Location,
    readonly readable: boolean,
    readonly writable: boolean,
  ) {
    super();
    this.filetype = filetypeOf(location.inode.kind);
  }

  get inode() {
    return this.location.inode;
  }

  stat(): Stat {
    return this.inode.stat();
  }

  override read(length: number): Uint8Array {
    const data = this.pread(this.offset, length);
    this.offset += data.length;
    return data;
  }

  override write(data: Uint8Array): number {
    if (this.fdflags & 1 /* APPEND */) this.offset = this.inode.stat().size;
    const n = this.pwrite(this.offset, data);
    this.offset += n;
    return n;
  }

  override pread(offset: number, length: number): Uint8Array {
    if (!this.readable) fail(Errno.EBADF);
    if (this.inode.kind === 'dir') fail(Errno.EISDIR);
    const data = this.inode.read(offset, length);
    return data;
  }

  override pwrite(offset: number, data: Uint8Array): number {
    if (!this.writable) fail(Errno.EBADF);
    if (this.inode.kind === 'dir') fail(Errno.EISDIR);
    if (this.location.mount.readOnly) fail(Errno.EROFS);
    return this.inode.write(offset, data);
  }

  override seek(offset: number, whence: number): number {
    if (this.inode.kind === 'dir' && !(whence === WHENCE.SET && offset === 0)) fail(Errno.EINVAL);
    let base: number;
    switch (whence) {
      case WHENCE.SET:
        base = 0;
        break;
      case WHENCE.CUR:
        base = this.offset;
        break;
      case WHENCE.END:
        base = this.inode.stat().size;
        break;
      default:
        fail(Errno.EINVAL);
    }
    const next = base + offset;
    if (next < 0) fail(Errno.EINVAL);
    this.offset = next;
    return next;
  }

  override tell(): number {
    return this.offset;
  }

  override async sync(): Promise<void> {
    await this.inode.fs.sync();
  }

  truncate(size: number): void {
    if (!this.writable) fail(Errno.EINVAL);
    if (this.location.mount.readOnly) fail(Errno.EROFS);
    this.inode.setAttr({ size });
  }

  /**
   * Directory entries as WASI sees them: "." and ".." first (cookies 1, 2),
   * then the directory's own entries (their cookies shifted by 2).
   */
  *dirents(cookie: bigint): Iterable<DirEntry> {
    if (this.inode.kind !== 'dir') fail(Errno.ENOTDIR);
    const stat = this.inode.stat();
    if (cookie < 1n) yield { name: '.', ino: stat.ino, kind: 'dir', cookie: 1n };
    if (cookie < 2n) yield { name: '..', ino: stat.ino, kind: 'dir', cookie: 2n };
    const from = cookie > 2n ? cookie - 2n : 0n;
    for (const entry of this.inode.entries(from)) {
      yield { ...entry, cookie: entry.cookie + 2n };
    }
  }
}
