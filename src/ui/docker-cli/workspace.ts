/**
 * The "local filesystem" the in-browser docker command sees: a small tree
 * of files the page provides (lesson files, the editor), used as the build
 * context of `docker build .` and as the host side of `docker cp`. Paths
 * are relative to the workspace root; ".." cannot leave it.
 */

export interface WorkspaceFile {
  /** Relative path with "/" separators, no leading "./". */
  readonly path: string;
  readonly data: Uint8Array;
  /** Permission bits (0o644 by default; 0o755 for executables). */
  readonly mode: number;
}

/** Where build contexts and copied files live. */
export interface Workspace {
  /** Files under `dir` (recursively), with paths relative to the workspace root. */
  files(dir?: string): WorkspaceFile[];
  /** Directories under `dir` (recursively), relative to the root, including empty ones. */
  directories(dir?: string): string[];
  read(path: string): Uint8Array | null;
  write(path: string, data: Uint8Array, mode?: number): void;
  mkdir(path: string): void;
  isDirectory(path: string): boolean;
  exists(path: string): boolean;
  /** Called after every change (the page saves or redraws). */
  onChange?: (() => void) | undefined;
}

/** Cleans a workspace path: "./a/../b/" → "b"; null when it would leave the root. "" is the root. */
export function normalizePath(path: string): string | null {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

function within(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}

/** A workspace in memory. */
export class MemoryWorkspace implements Workspace {
  private readonly fileMap = new Map<string, WorkspaceFile>();
  private readonly dirSet = new Set<string>();
  onChange: (() => void) | undefined;

  constructor(initial: Record<string, string | Uint8Array> = {}) {
    for (const [path, data] of Object.entries(initial)) this.write(path, typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }

  files(dir = ''): WorkspaceFile[] {
    const base = normalizePath(dir) ?? '';
    return [...this.fileMap.values()].filter((f) => within(f.path, base)).sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  directories(dir = ''): string[] {
    const base = normalizePath(dir) ?? '';
    return [...this.dirSet].filter((d) => within(d, base) && d !== base).sort();
  }

  read(path: string): Uint8Array | null {
    const clean = normalizePath(path);
    return clean === null ? null : (this.fileMap.get(clean)?.data ?? null);
  }

  write(path: string, data: Uint8Array, mode = 0o644): void {
    const clean = normalizePath(path);
    if (clean === null || clean === '') throw new Error(`invalid path: ${path}`);
    if (this.dirSet.has(clean)) throw new Error(`${path} is a directory`);
    const parts = clean.split('/');
    for (let i = 1; i < parts.length; i++) this.dirSet.add(parts.slice(0, i).join('/'));
    this.fileMap.set(clean, { path: clean, data, mode });
    this.onChange?.();
  }

  mkdir(path: string): void {
    const clean = normalizePath(path);
    if (clean === null) throw new Error(`invalid path: ${path}`);
    if (clean === '') return;
    const parts = clean.split('/');
    for (let i = 1; i <= parts.length; i++) this.dirSet.add(parts.slice(0, i).join('/'));
    this.onChange?.();
  }

  isDirectory(path: string): boolean {
    const clean = normalizePath(path);
    return clean === '' || (clean !== null && this.dirSet.has(clean));
  }

  exists(path: string): boolean {
    const clean = normalizePath(path);
    return clean !== null && (clean === '' || this.dirSet.has(clean) || this.fileMap.has(clean));
  }

  /** Removes everything (a lesson replaces the workspace). */
  clear(): void {
    this.fileMap.clear();
    this.dirSet.clear();
    this.onChange?.();
  }
}
