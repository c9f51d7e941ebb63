import type { FileSystem, Inode, StatFs } from '../vfs/types.ts';
import { MemFs, MemInode } from './memfs.ts';

/**
 * A filesystem that is a single regular file, for mounting over a file
 * (Docker bind-mounts /etc/hosts, /etc/hostname and /etc/resolv.conf into
 * every container this way).
 */
export class FileFs implements FileSystem {
  private readonly backing: MemFs;
  private readonly file: MemInode;
  readonly type: string;
  readonly readOnly: boolean;

  constructor(content: Uint8Array, options: { mode?: number; type?: string; readOnly?: boolean } = {}) {
    this.type = options.type ?? 'tmpfs';
    this.readOnly = options.readOnly ?? false;
    this.backing = new MemFs({ type: this.type, readOnly: false });
    this.file = new MemInode(this.backing, 'file', { mode: options.mode ?? 0o644, uid: 0, gid: 0 });
    this.file.write(0, content);
  }

  get dev(): number {
    return this.backing.dev;
  }

  root(): Inode {
    return this.file;
  }

  /** Replaces the contents (the engine rewrites /etc/hosts when networks change). */
  replace(content: Uint8Array): void {
    this.file.setAttr({ size: 0 });
    this.file.write(0, content);
  }

  statfs(): StatFs {
    return this.backing.statfs();
  }

  async sync(): Promise<void> {}
}
