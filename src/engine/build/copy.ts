/**
 * COPY and ADD as dockerd 20.10's classic builder does them
 * (builder/dockerfile/copy.go): source resolution (the context, another
 * stage or image, or a URL for ADD), wildcards (Go's filepath.Match over
 * a lexical walk), the content checksums that become the cache key and the
 * history text ("file:<sum>", "dir:<sum>", "multi:<sum>"), the destination
 * rules (relative to WORKDIR, a trailing slash or an existing directory
 * means "into"), --chown lookups in the image's /etc/passwd and
 * /etc/group, and local tar archives extracted by ADD.
 */
import { sha256Hex, utf8, concatBytes, fromUtf8 } from '../../common/bytes.ts';
import { decompress, DecompressLimitError } from '../../unionfs/tar/decompress.ts';
import { readTar } from '../../unionfs/tar/reader.ts';
import type { TarEntry } from '../../unionfs/tar/entry.ts';
import type { MountNamespace } from '../../unionfs/vfs/mount-namespace.ts';
import type { Inode, Stat } from '../../unionfs/vfs/types.ts';
import { pathMatch } from '../images/reference.ts';
import type { BuildContext } from './context.ts';
import { cleanContextPath } from './context.ts';
import { CopyError, extractInto, lookup, mkdirAll, readAll, scopedPath, TreeCopier } from './fs-ops.ts';
import type { Identity } from './fs-ops.ts';

/** Where COPY sources are read from. */
export interface SourceTree {
  readonly ns: MountNamespace;
  /** The build context (its checksums come from the context tar). */
  readonly context: BuildContext | null;
}

/** One source file or directory of a COPY/ADD. */
export interface CopyInfo {
  readonly tree: SourceTree;
  /** Path relative to the tree root, as named (its base name names the copy). */
  readonly path: string;
  readonly hash: string;
  /** Downloaded sources are never extracted, even by ADD. */
  readonly noDecompress: boolean;
}

/** A COPY/ADD failure whose message dockerd prints as is. */
export class CopyInstructionError extends Error {}

/** Names containing an unescaped `*`, `?` or `[`. */
export function containsWildcards(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    if (ch === '\\') i++;
    else if (ch === '*' || ch === '?' || ch === '[') return true;
  }
  return false;
}

const TYPE_BITS: Partial<Record<Stat['kind'], number>> = { file: 0o100000, dir: 0o40000, symlink: 0o120000, fifo: 0o10000, chardev: 0o20000, blockdev: 0o60000, socket: 0o140000 };
const TYPEFLAG: Partial<Record<Stat['kind'], string>> = { file: '0', dir: '5', symlink: '2', fifo: '6', chardev: '3', blockdev: '4' };

/**
 * dockerd's lazySource hash of a file on disk (NewFileHash): tarsum v1 of
 * the tar header Go makes from the file's stat (mode with its type bits,
 * user and group names looked up on the daemon's host: "root" for 0), then
 * the content.
 */
export async function statHash(name: string, inode: Inode): Promise<string> {
  const stat = inode.stat();
  const fields: [string, string][] = [
    ['name', stat.kind === 'dir' ? `${name}/` : name],
    ['mode', String((stat.mode & 0o7777) | (TYPE_BITS[stat.kind] ?? 0))],
    ['uid', String(stat.uid)],
    ['gid', String(stat.gid)],
    ['size', String(stat.kind === 'file' ? stat.size : 0)],
    ['typeflag', TYPEFLAG[stat.kind] ?? '0'],
    ['linkname', stat.kind === 'symlink' ? inode.readlink() : ''],
    ['uname', stat.uid === 0 ? 'root' : ''],
    ['gname', stat.gid === 0 ? 'root' : ''],
    ['devmajor', '0'],
    ['devminor', '0'],
  ];
  const header = utf8(fields.map(([k, v]) => k + v).join(''));
  return sha256Hex(stat.kind === 'file' && stat.size > 0 ? concatBytes([header, readAll(inode)]) : header);
}

/** hashStringSlice: "<prefix>:" + sha256 of the hashes joined with ",". */
export async function hashList(prefix: string, list: readonly string[]): Promise<string> {
  return `${prefix}:${await sha256Hex(utf8(list.join(',')))}`;
}

/** The history/cache text of a COPY's sources (getSourceHashFromInfos). */
export async function sourcesHash(infos: readonly CopyInfo[]): Promise<string> {
  if (infos.length === 1) return infos[0]!.hash;
  return hashList('multi', infos.map((i) => i.hash));
}

/** Every path under `dir` (relative to the tree root, lexical order as Go's filepath.Walk), not following symlinks. */
function walk(tree: SourceTree, rel: string, out: string[]): void {
  const loc = lookup(tree.ns, `/${rel}`, false);
  if (!loc) return;
  if (rel !== '.') out.push(rel);
  if (loc.inode.kind !== 'dir') return;
  const names = [...loc.inode.entries(0n)].map((e) => e.name).sort();
  for (const name of names) walk(tree, rel === '.' ? name : `${rel}/${name}`, out);
}

async function pathHash(tree: SourceTree, rel: string): Promise<string> {
  if (tree.context) return tree.context.hash(rel);
  const loc = lookup(tree.ns, `/${rel}`, true);
  return loc ? statHash(cleanContextPath(loc.path), loc.inode) : rel;
}

/** calcCopyInfo: the infos of one (already expanded) source path. */
async function copyInfos(tree: SourceTree, original: string, allowWildcards: boolean): Promise<CopyInfo[]> {
  let orig = original.replace(/^\//, '').replace(/^\.\//, '');
  if (allowWildcards && containsWildcards(orig)) {
    const all: string[] = [];
    walk(tree, '.', all);
    const out: CopyInfo[] = [];
    for (const rel of all) {
      let matched = false;
      try {
        matched = pathMatch(orig, rel);
      } catch {
        matched = false;
      }
      if (matched) out.push(...(await copyInfos(tree, rel, false)));
    }
    return out;
  }
  if (orig === '') orig = '.';
  const loc = lookup(tree.ns, `/${orig}`, true);
  if (!loc) {
    const stat = `stat ${orig}: file does not exist`;
    throw new CopyError(tree.context ? `file not found in build context or excluded by .dockerignore: ${stat}` : stat);
  }
  if (loc.inode.kind !== 'dir') {
    const hash = await pathHash(tree, orig);
    return [{ tree, path: orig, hash: `file:${hash}`, noDecompress: false }];
  }
  const resolved = cleanContextPath(loc.path);
  const subfiles: string[] = [];
  const paths: string[] = [];
  walk(tree, resolved, paths);
  for (const rel of paths) subfiles.push(await pathHash(tree, rel));
  subfiles.sort();
  return [{ tree, path: orig, hash: await hashList('dir', subfiles), noDecompress: false }];
}

/** The infos of one source path of a COPY/ADD: none when a wildcard matches nothing; CopyError when a plain path is missing. */
export function sourceInfos(tree: SourceTree, source: string): Promise<CopyInfo[]> {
  return copyInfos(tree, source, true);
}

/** normalizeDest: a relative destination is under WORKDIR; a trailing slash is kept. */
export function normalizeDest(workingDir: string, requested: string): string {
  if (requested.startsWith('/')) return requested;
  const joined = cleanAbsolute(`/${workingDir}/${requested}`);
  return requested.endsWith('/') && joined !== '/' ? `${joined}/` : joined;
}

/** path.Clean of an absolute path. */
export function cleanAbsolute(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

function readEtc(ns: MountNamespace, path: string): string[][] {
  const loc = lookup(ns, path, true);
  if (!loc || loc.inode.kind !== 'file') throw new CopyError(`open ${path}: no such file or directory`);
  return fromUtf8(readAll(loc.inode))
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(':'));
}

/**
 * parseChownFlag: "user[:group]" by name or number, names looked up in
 * the destination's /etc/passwd and /etc/group. A lone user is also used
 * as the group, as dockerd does.
 */
export function parseChown(ns: MountNamespace, chown: string): { uid: number; gid: number } {
  const wrap = (message: string) => new CopyInstructionError(`unable to convert uid/gid chown string to host mapping: ${message}`);
  const fields = chown.split(':');
  if (fields.length > 2) throw wrap(`invalid chown string format: ${chown}`);
  const [userName, groupName = userName] = fields as [string, string?];
  const numeric = (text: string) => (/^[+-]?\d+$/.test(text) ? Number(text) : null);
  let uid = numeric(userName);
  if (uid === null) {
    try {
      const entry = readEtc(ns, '/etc/passwd').find((f) => f[0] === userName);
      if (!entry) throw new CopyError(`no such user: ${userName}`);
      uid = Number(entry[2]);
    } catch (error) {
      throw wrap(`can't find uid for user ${userName}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  let gid = numeric(groupName!);
  if (gid === null) {
    try {
      const entry = readEtc(ns, '/etc/group').find((f) => f[0] === groupName);
      if (!entry) throw new CopyError(`no such group: ${groupName}`);
      gid = Number(entry[2]);
    } catch (error) {
      throw wrap(`can't find gid for group ${groupName}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { uid, gid };
}

/**
 * The archive inside a local ADD source (plain, gzip, bzip2 or xz tar, told by
 * magic bytes), or null when it is not one (isArchivePath): the file is then
 * copied as it is. A compressed file past the decompression cap is a
 * CopyError rather than a silent copy.
 */
function archiveEntries(data: Uint8Array): TarEntry[] | null {
  try {
    const entries = readTar(decompress(data));
    return entries.length > 0 ? entries : null;
  } catch (error) {
    if (error instanceof DecompressLimitError) throw new CopyError(`decompressing the archive: ${error.message}`);
    return null;
  }
}

export interface CopyOptions {
  /** ADD: extract local archives. */
  readonly decompress: boolean;
  /** New owner of what is copied; null keeps the source's (COPY --from without --chown). */
  readonly identity: Identity;
}

function base(path: string): string {
  const list = path.split('/').filter((p) => p !== '' && p !== '.');
  return list[list.length - 1] ?? '/';
}

/**
 * performCopyForInfo: copies one source to `dest` (absolute, normalized,
 * possibly ending in "/") inside `ns`.
 */
export function copyInfoTo(ns: MountNamespace, dest: string, info: CopyInfo, options: CopyOptions): void {
  const src = lookup(info.tree.ns, `/${info.path}`, true);
  if (!src) throw new CopyError(`source path not found: ${info.path}`);
  const root = { uid: 0, gid: 0 };
  const owner = options.identity ?? root;
  const destPath = scopedPath(ns, dest);
  const existing = lookup(ns, destPath, true);
  if (src.inode.kind === 'dir') {
    // CopyWithTar: the directory's contents into dest (created 0755), then fixPermissions.
    const target = existing && existing.inode.kind === 'dir' ? existing : mkdirAll(ns, destPath, root);
    if (!existing) target.inode.setAttr(options.identity ? { uid: owner.uid, gid: owner.gid } : {});
    new TreeCopier(options.identity).copyChildren(src.inode, target.inode);
    return;
  }
  if (options.decompress && !info.noDecompress && src.inode.kind === 'file') {
    const entries = archiveEntries(readAll(src.inode));
    if (entries) {
      const target = existing && existing.inode.kind === 'dir' ? existing : mkdirAll(ns, destPath, root);
      extractInto(ns, target, entries);
      return;
    }
  }
  let filePath = destPath;
  if (dest.endsWith('/') || (existing && existing.inode.kind === 'dir')) filePath = `${destPath === '/' ? '' : destPath}/${base(info.path)}`;
  const parentPath = filePath.slice(0, filePath.lastIndexOf('/')) || '/';
  const parent = mkdirAll(ns, parentPath, owner);
  const name = filePath.slice(filePath.lastIndexOf('/') + 1);
  new TreeCopier(options.identity).copyEntry(src.inode, parent.inode, name);
}
