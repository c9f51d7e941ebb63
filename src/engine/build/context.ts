/**
 * The build context: the tar the client sends (after its .dockerignore),
 * unpacked into an in-memory tree, with dockerd's per-file checksums
 * (tarsum version 1 of each entry, computed from the tar as received), the
 * Dockerfile lookup and its removal when .dockerignore names it.
 *
 * Invariants
 *  - Nothing in the tar reaches outside the context tree: entries with
 *    `..` are refused, parents that are not directories are refused, and
 *    every later lookup goes through a MountNamespace rooted at the tree.
 *  - `hash(path)` is dockerd's archiveContext.Hash: the checksum of the
 *    file a path resolves to (symlinks followed inside the context), or
 *    the path itself when the tar had no entry for it.
 */
import { Errno, ErrnoError } from '../../common/errno.ts';
import { concatBytes, fromUtf8, sha256Hex, utf8 } from '../../common/bytes.ts';
import { decompress } from '../../unionfs/tar/decompress.ts';
import { BLOCK_SIZE, readNumber } from '../../unionfs/tar/header.ts';
import type { TarEntry } from '../../unionfs/tar/entry.ts';
import { readTar } from '../../unionfs/tar/reader.ts';
import { TarError } from '../../unionfs/tar/errors.ts';
import { MemFs } from '../../unionfs/memfs/memfs.ts';
import { ROOT } from '../../unionfs/vfs/credentials.ts';
import { MountNamespace } from '../../unionfs/vfs/mount-namespace.ts';
import type { Location } from '../../unionfs/vfs/mount-namespace.ts';
import type { Inode } from '../../unionfs/vfs/types.ts';
import { InvalidParameterError } from '../errors.ts';

const TYPEFLAG: Record<TarEntry['type'], string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  chardev: '3',
  blockdev: '4',
  dir: '5',
  fifo: '6',
};

/** The mode field of an entry's own header as written (with the type bits the docker CLI puts there). */
function rawMode(archive: Uint8Array, offset: number): number {
  let at = offset;
  for (;;) {
    const block = archive.subarray(at, at + BLOCK_SIZE);
    const type = String.fromCharCode(block[156] ?? 0);
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      const size = readNumber(block, 'size');
      at += BLOCK_SIZE + Math.ceil(size / BLOCK_SIZE) * BLOCK_SIZE;
      continue;
    }
    return readNumber(block, 'mode');
  }
}

/** path.Join(".", path.Join("/", name)): "./a/b/" -> "a/b", "./" -> ".". */
export function cleanContextPath(name: string): string {
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.length === 0 ? '.' : out.join('/');
}

/** Tarsum version 1 of one entry: sha256 over the selected header fields, the sorted xattrs, then the data. */
async function entrySum(entry: TarEntry, mode: number): Promise<string> {
  const fields: [string, string][] = [
    ['name', entry.path],
    ['mode', String(mode)],
    ['uid', String(entry.uid)],
    ['gid', String(entry.gid)],
    ['size', String(entry.type === 'file' ? entry.size : 0)],
    ['typeflag', TYPEFLAG[entry.type]],
    ['linkname', entry.linkTarget],
    ['uname', entry.uname],
    ['gname', entry.gname],
    ['devmajor', String(entry.devMajor)],
    ['devminor', String(entry.devMinor)],
  ];
  const xattrs = [...entry.pax].filter(([k]) => k.startsWith('SCHILY.xattr.')).map(([k, v]) => [k.slice('SCHILY.xattr.'.length), v] as const);
  xattrs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header = utf8([...fields, ...xattrs].map(([k, v]) => k + v).join(''));
  return sha256Hex(entry.type === 'file' ? concatBytes([header, entry.data]) : header);
}

function splitPath(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new InvalidParameterError(`invalid build context: tar entry ${JSON.stringify(path)} points outside the context`);
  return parts;
}

export class BuildContext {
  readonly ns: MountNamespace;
  /** Bytes of the context as received (uncompressed). */
  readonly size: number;

  private constructor(
    private readonly fs: MemFs,
    private readonly sums: Map<string, string>,
    size: number,
  ) {
    this.ns = new MountNamespace(fs);
    this.size = size;
  }

  /**
   * Unpacks a context tar: plain, gzip, bzip2 or xz (by magic bytes, as
   * dockerd's DecompressStream; zstd is refused), decompressed to at most
   * MAX_DECOMPRESSED_BYTES. InvalidParameterError for a malformed, hostile,
   * unsupported or oversized archive.
   */
  static async fromTar(bytes: Uint8Array): Promise<BuildContext> {
    let archive: Uint8Array;
    let entries: TarEntry[];
    try {
      archive = bytes.length === 0 ? bytes : decompress(bytes);
      try {
        entries = archive.length === 0 ? [] : readTar(archive);
      } catch (error) {
        // `docker build -f- DIR` sends an archive that stops right after the last file's data, without its
        // padding or the end blocks; Go's reader (dockerd's) takes that as the end. Only that case is accepted.
        if (!(error instanceof TarError) || !error.reason.includes('padding after the data is cut short')) throw error;
        const padded = new Uint8Array(Math.ceil(archive.length / BLOCK_SIZE) * BLOCK_SIZE + 2 * BLOCK_SIZE);
        padded.set(archive);
        archive = padded;
        entries = readTar(archive);
      }
    } catch (error) {
      if (error instanceof Error) throw new InvalidParameterError(`failed to read the build context: ${error.message}`);
      throw error;
    }
    const fs = new MemFs({ type: 'build-context' });
    // Checksums are computed concurrently (each is an async digest); later entries of the same path win, as in dockerd's map.
    const digests = await Promise.all(entries.map((entry) => entrySum(entry, rawMode(archive, entry.offset))));
    const sums = new Map<string, string>();
    entries.forEach((entry, i) => {
      sums.set(cleanContextPath(entry.path), digests[i]!);
      BuildContext.extractEntry(fs, entry);
    });
    return new BuildContext(fs, sums, archive.length);
  }

  private static extractEntry(fs: MemFs, entry: TarEntry): void {
    const parts = splitPath(entry.path);
    if (parts.length === 0) {
      if (entry.type === 'dir') fs.root().setAttr({ mode: entry.mode, uid: entry.uid, gid: entry.gid, mtimeNs: entry.mtimeNs });
      return;
    }
    const name = parts.pop()!;
    let dir = fs.root();
    for (const part of parts) {
      let next = dir.lookup(part);
      if (!next) next = dir.create(part, 'dir', { mode: 0o755, uid: 0, gid: 0 });
      if (next.kind !== 'dir') throw new InvalidParameterError(`invalid build context: ${entry.path}: ${part} is not a directory`);
      dir = next;
    }
    const existing = dir.lookup(name);
    if (existing) {
      if (existing.kind === 'dir' && entry.type === 'dir') {
        existing.setAttr({ mode: entry.mode, uid: entry.uid, gid: entry.gid, mtimeNs: entry.mtimeNs });
        return;
      }
      if (existing.kind === 'dir') throw new InvalidParameterError(`invalid build context: ${entry.path} replaces a directory`);
      dir.unlink(name);
    }
    switch (entry.type) {
      case 'hardlink': {
        const target = BuildContext.lookupIn(fs, entry.linkTarget);
        if (!target || target.kind === 'dir') throw new InvalidParameterError(`invalid build context: hard link ${entry.path} to missing ${entry.linkTarget}`);
        dir.link(name, target);
        return;
      }
      case 'chardev':
      case 'blockdev':
      case 'fifo':
        // Devices and FIFOs cannot be copied into images by COPY anyway; keep an empty placeholder file.
        dir.create(name, 'file', { mode: entry.mode, uid: entry.uid, gid: entry.gid });
        return;
      default: {
        const inode = dir.create(name, entry.type, { mode: entry.mode, uid: entry.uid, gid: entry.gid, target: entry.linkTarget });
        if (entry.type === 'file' && entry.data.length > 0) inode.write(0, entry.data);
        if (entry.type !== 'symlink') inode.setAttr({ mtimeNs: entry.mtimeNs });
      }
    }
  }

  private static lookupIn(fs: MemFs, path: string): Inode | null {
    let node: Inode | null = fs.root();
    for (const part of splitPath(path)) {
      node = node?.kind === 'dir' ? node.lookup(part) : null;
      if (!node) return null;
    }
    return node;
  }

  /** Resolves a context-relative path, following symlinks inside the context; null when it does not exist. */
  resolve(path: string, follow = true): Location | null {
    try {
      return this.ns.resolve(this.ns.root(), `/${path}`, { follow, creds: ROOT });
    } catch (error) {
      if (error instanceof ErrnoError && (error.errno === Errno.ENOENT || error.errno === Errno.ENOTDIR)) return null;
      throw error;
    }
  }

  /** dockerd's archiveContext.Hash: the tarsum of the file `path` resolves to, or `path` itself. */
  hash(path: string): string {
    const loc = this.resolve(path);
    if (!loc) return path;
    return this.sums.get(cleanContextPath(loc.path)) ?? path;
  }

  /**
   * The Dockerfile's text. Like dockerd: "Dockerfile" falls back to
   * "dockerfile"; a missing one is "Cannot locate specified Dockerfile: x";
   * an empty one "the Dockerfile (x) cannot be empty".
   */
  dockerfile(name: string): { name: string; text: string } {
    let loc = this.resolve(name);
    let used = name;
    if ((!loc || loc.inode.kind !== 'file') && name === 'Dockerfile') {
      const lower = this.resolve('dockerfile');
      if (lower && lower.inode.kind === 'file') {
        loc = lower;
        used = 'dockerfile';
      }
    }
    if (!loc || loc.inode.kind !== 'file') throw new InvalidParameterError(`Cannot locate specified Dockerfile: ${name}`);
    const size = loc.inode.stat().size;
    if (size === 0) throw new InvalidParameterError(`the Dockerfile (${used}) cannot be empty`);
    return { name: used, text: fromUtf8(loc.inode.read(0, size).slice()) };
  }

  /** Removes a top-level file (the Dockerfile or .dockerignore when .dockerignore excludes them). */
  remove(path: string): void {
    const parts = splitPath(path);
    const name = parts.pop();
    if (!name) return;
    let dir: Inode | null = this.fs.root();
    for (const part of parts) dir = dir?.lookup(part) ?? null;
    const node = dir?.lookup(name);
    if (dir && node && node.kind !== 'dir') dir.unlink(name);
  }

  /** The contents of a file, or null. */
  readFile(path: string): string | null {
    const loc = this.resolve(path);
    if (!loc || loc.inode.kind !== 'file') return null;
    return fromUtf8(loc.inode.read(0, loc.inode.stat().size).slice());
  }
}
