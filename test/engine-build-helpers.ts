/**
 * Shared by the build tests: the Dockerfile corpus (test/build-corpus/),
 * copies of its cases to scratch directories, and helpers that read the
 * classic builder's output and `docker export` listings.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTar } from '../src/unionfs/tar/reader.ts';

export const CORPUS = fileURLToPath(new URL('./build-corpus', import.meta.url));

/** One run check: `docker run --rm IMAGE ...args` prints `stdout` (and exits 0 unless `fails`). */
export interface RunCheck {
  readonly args?: string[];
  readonly stdout: string;
  readonly fails?: boolean;
}

/** test/build-corpus/<name>/case.json. */
export interface CorpusCase {
  readonly name: string;
  readonly dir: string;
  readonly description: string;
  /** Tag to build (default "corpus-<name>"). */
  readonly tag: string;
  /** Extra `docker build` arguments. */
  readonly buildArgs: string[];
  /** Cases to build first (for FROM). */
  readonly requires: string[];
  readonly run: RunCheck[];
  /** Fields of the image's .Config that must be equal. */
  readonly config: Record<string, unknown>;
  /** Paths in the image's filesystem (`docker export`): "type mode uid:gid", or null for "absent". */
  readonly files: Record<string, string | null>;
  /** A rebuild after changing a file or build args: how many steps hit the cache. */
  readonly rebuild?: { change?: { file: string; content: string }; buildArgs?: string[]; cached: number };
}

export function loadCorpus(): CorpusCase[] {
  return readdirSync(CORPUS)
    .filter((name) => /^\d\d-/.test(name))
    .sort()
    .map((name) => {
      const dir = join(CORPUS, name);
      const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as Partial<CorpusCase>;
      return {
        name,
        dir,
        description: spec.description ?? '',
        tag: spec.tag ?? `corpus-${name}`,
        buildArgs: spec.buildArgs ?? [],
        requires: spec.requires ?? [],
        run: spec.run ?? [],
        config: spec.config ?? {},
        files: spec.files ?? {},
        ...(spec.rebuild ? { rebuild: spec.rebuild } : {}),
      };
    });
}

/** The case's build arguments with "{context}" replaced by the context directory. */
export function caseBuildArgs(c: CorpusCase, dir: string): string[] {
  return c.buildArgs.map((a) => a.replaceAll('{context}', dir));
}

/** A scratch copy of a case's context (so a rebuild can change files). */
export function copyCase(c: CorpusCase): string {
  const dir = mkdtempSync(join(tmpdir(), `corpus-${c.name}-`));
  cpSync(c.dir, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

export function writeContextFile(dir: string, file: string, content: string): void {
  writeFileSync(join(dir, file), content);
}

/** Lines of the classic builder's output that say a step came from the cache. */
export function cacheHits(output: string): number {
  return output.split('\n').filter((line) => line === ' ---> Using cache').length;
}

/** " ---> Running in <id>" lines: steps that were not cached. */
export function stepsRun(output: string): number {
  return output.split('\n').filter((line) => line.startsWith(' ---> Running in ')).length;
}

/** The ID printed by "Successfully built <id>". */
export function builtId(output: string): string | null {
  return /^Successfully built ([0-9a-f]{12})$/m.exec(output)?.[1] ?? null;
}

/** One entry of an export listing: what the differential compares (no times). */
export interface ListingEntry {
  readonly path: string;
  readonly type: string;
  readonly mode: string;
  readonly owner: string;
  readonly size: number;
  readonly link: string;
}

/** A `docker export` tar as entries keyed by path. */
export function exportListing(tar: Uint8Array): Map<string, ListingEntry> {
  const out = new Map<string, ListingEntry>();
  for (const entry of readTar(tar)) {
    const path = entry.path.replace(/^\.?\//, '').replace(/\/$/, '');
    if (path === '' || path === '.') continue;
    out.set(path, {
      path,
      type: entry.type,
      mode: entry.mode.toString(8).padStart(4, '0'),
      owner: `${entry.uid}:${entry.gid}`,
      size: entry.type === 'file' ? entry.size : 0,
      link: entry.type === 'symlink' || entry.type === 'hardlink' ? entry.linkTarget : '',
    });
  }
  return out;
}

/** Entries of `built` that are new or different from `base` (what the Dockerfile made). */
export function createdEntries(base: Map<string, ListingEntry>, built: Map<string, ListingEntry>): ListingEntry[] {
  const out: ListingEntry[] = [];
  for (const [path, entry] of built) {
    const before = base.get(path);
    if (!before || JSON.stringify(before) !== JSON.stringify(entry)) out.push(entry);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}
