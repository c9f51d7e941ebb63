/** The tar entry as the reader returns it and the writer takes it. */

/** What an entry makes. PAX and GNU meta headers never surface as entries. */
export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'fifo' | 'chardev' | 'blockdev';

export interface TarEntry {
  /** The entry's path exactly as the archive gives it (after PAX and GNU long-name records), not normalised. */
  readonly path: string;
  readonly type: TarEntryType;
  /** Permission bits (07777), no type bits. */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
  /** Bytes of data; 0 for everything but regular files. */
  readonly size: number;
  readonly mtimeNs: bigint;
  /** PAX atime/ctime when the archive carries them. */
  readonly atimeNs: bigint | null;
  readonly ctimeNs: bigint | null;
  /** Target of a symlink or hard link, as written. */
  readonly linkTarget: string;
  readonly devMajor: number;
  readonly devMinor: number;
  /**
   * The file's bytes. Reading a whole archive from memory makes this a view
   * of the archive (zero-copy); the streaming reader makes it a view of a
   * chunk when the data lies in one chunk and a copy otherwise. Treat it as
   * read-only.
   */
  readonly data: Uint8Array;
  /** Byte offset of the entry's first header (including its PAX or GNU meta headers) in the uncompressed archive. */
  readonly offset: number;
  /** The PAX records that applied to this entry (xattrs arrive here as SCHILY.xattr.*). */
  readonly pax: ReadonlyMap<string, string>;
}

/** An entry to write. Absent fields take the fixed defaults of a deterministic archive. */
export interface TarWriteEntry {
  /** Relative path without a leading "/" ("etc/passwd"); directories get their trailing "/" added. */
  path: string;
  type: TarEntryType;
  mode: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  mtimeNs?: bigint;
  linkTarget?: string;
  devMajor?: number;
  devMinor?: number;
  /** Regular files: the contents. */
  data?: Uint8Array;
}
