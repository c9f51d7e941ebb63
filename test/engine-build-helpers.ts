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

/** A Dockerfile that must fail to build, with what dockerd 20.10 prints (recorded; the dockerd test checks it still does). */
export interface MalformedCase {
  readonly name: string;
  readonly dockerfile: string;
  /** Extra `docker build` arguments. */
  readonly args?: string[];
  /** The last line on stderr. */
  readonly error: string;
  /** "Step" lines printed before the error (0: refused before building). */
  readonly steps: number;
  readonly code: number;
}

/** The files of every malformed case's context. */
export const MALFORMED_CONTEXT: Record<string, string> = { 'a.txt': 'hello\n', 'b.txt': 'world\n' };

export const MALFORMED: MalformedCase[] = [
  { name: 'unknown-instruction', dockerfile: 'FROM busybox\nFOO bar\n', error: 'Error response from daemon: dockerfile parse error line 2: unknown instruction: FOO', steps: 0, code: 1 },
  { name: 'run-false', dockerfile: 'FROM busybox\nRUN false\n', error: "The command '/bin/sh -c false' returned a non-zero code: 1", steps: 2, code: 1 },
  { name: 'run-exit-3', dockerfile: 'FROM busybox\nRUN echo partial > /p\nRUN exit 3\n', error: "The command '/bin/sh -c exit 3' returned a non-zero code: 3", steps: 3, code: 3 },
  { name: 'run-exec-form', dockerfile: 'FROM busybox\nRUN ["sh", "-c", "exit 7"]\n', error: "The command 'sh -c exit 7' returned a non-zero code: 7", steps: 2, code: 7 },
  { name: 'arg-empty', dockerfile: 'FROM busybox\nARG\n', error: 'Error response from daemon: dockerfile parse error line 2: ARG requires at least one argument', steps: 0, code: 1 },
  { name: 'no-from', dockerfile: 'RUN echo hi\n', error: 'Error response from daemon: no build stage in current context', steps: 0, code: 1 },
  { name: 'only-comments', dockerfile: '# nothing here\n\n', error: 'Error response from daemon: failed to parse Dockerfile: file with no instructions', steps: 0, code: 1 },
  { name: 'json-not-strings', dockerfile: 'FROM busybox\nCMD ["a", 1]\n', error: 'Error response from daemon: failed to parse Dockerfile: when using JSON array syntax, arrays must be comprised of strings only', steps: 0, code: 1 },
  { name: 'env-one-word', dockerfile: 'FROM busybox\nENV A\n', error: 'Error response from daemon: failed to parse Dockerfile: ENV must have two arguments', steps: 0, code: 1 },
  { name: 'env-no-equals', dockerfile: 'FROM busybox\nENV A=1 B\n', error: 'Error response from daemon: failed to parse Dockerfile: Syntax error - can\'t find = in "B". Must be of the form: name=value', steps: 0, code: 1 },
  { name: 'copy-one-arg', dockerfile: 'FROM busybox\nCOPY a.txt\n', error: 'Error response from daemon: dockerfile parse error line 2: COPY requires at least two arguments, but only one was provided. Destination could not be determined', steps: 0, code: 1 },
  { name: 'copy-missing', dockerfile: 'FROM busybox\nCOPY missing.txt /x\n', error: 'COPY failed: file not found in build context or excluded by .dockerignore: stat missing.txt: file does not exist', steps: 2, code: 1 },
  { name: 'copy-no-match', dockerfile: 'FROM busybox\nCOPY *.none /x/\n', error: 'COPY failed: no source files were specified', steps: 2, code: 1 },
  { name: 'copy-many-no-slash', dockerfile: 'FROM busybox\nCOPY a.txt b.txt /x\n', error: 'When using COPY with more than one source file, the destination must be a directory and end with a /', steps: 2, code: 1 },
  { name: 'copy-unknown-flag', dockerfile: 'FROM busybox\nCOPY --foo=1 a.txt /x\n', error: 'Error response from daemon: dockerfile parse error line 2: Unknown flag: foo', steps: 0, code: 1 },
  { name: 'copy-flag-no-value', dockerfile: 'FROM busybox\nCOPY --chown a.txt /x\n', error: 'Error response from daemon: dockerfile parse error line 2: Missing a value on flag: chown', steps: 0, code: 1 },
  { name: 'copy-chown-unknown-user', dockerfile: 'FROM busybox\nCOPY --chown=nosuch a.txt /x\n', error: "unable to convert uid/gid chown string to host mapping: can't find uid for user nosuch: no such user: nosuch", steps: 2, code: 1 },
  { name: 'copy-chown-bad-format', dockerfile: 'FROM busybox\nCOPY --chown=a:b:c a.txt /x\n', error: 'unable to convert uid/gid chown string to host mapping: invalid chown string format: a:b:c', steps: 2, code: 1 },
  { name: 'copy-chmod', dockerfile: 'FROM busybox\nCOPY --chmod=644 a.txt /x\n', error: 'the --chmod option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled', steps: 2, code: 1 },
  { name: 'copy-url', dockerfile: 'FROM busybox\nCOPY http://127.0.0.1:1/x /x\n', error: "COPY failed: source can't be a URL for COPY", steps: 2, code: 1 },
  { name: 'copy-from-bad-index', dockerfile: 'FROM busybox\nCOPY --from=5 /a /b\n', error: 'invalid from flag value 5: index out of bounds', steps: 2, code: 1 },
  { name: 'copy-from-self', dockerfile: 'FROM busybox\nCOPY --from=0 /a /b\n', error: 'invalid from flag value 0: refers to current build stage', steps: 2, code: 1 },
  { name: 'copy-from-missing-file', dockerfile: 'FROM busybox AS a\nFROM busybox\nCOPY --from=a /nonexist /x\n', error: 'COPY failed: stat nonexist: file does not exist', steps: 3, code: 1 },
  { name: 'stage-bad-name', dockerfile: 'FROM busybox AS 1bad\nRUN true\n', error: 'Error response from daemon: dockerfile parse error line 1: invalid name for build stage: "1bad", name can\'t start with a number or contain symbols', steps: 0, code: 1 },
  { name: 'stage-as-without-name', dockerfile: 'FROM busybox AS\n', error: 'Error response from daemon: dockerfile parse error line 1: FROM requires either one or three arguments', steps: 0, code: 1 },
  { name: 'stage-name-twice', dockerfile: 'FROM busybox AS a\nFROM busybox AS a\n', error: 'a stage name already used', steps: 1, code: 1 },
  { name: 'target-missing', dockerfile: 'FROM busybox AS a\nRUN true\n', args: ['--target', 'nosuch'], error: 'Error response from daemon: failed to reach build target nosuch in Dockerfile', steps: 0, code: 1 },
  { name: 'stopsignal-bad', dockerfile: 'FROM busybox\nSTOPSIGNAL FOO\n', error: 'Invalid signal: FOO', steps: 2, code: 1 },
  { name: 'expose-bad', dockerfile: 'FROM busybox\nEXPOSE abc\n', error: 'Invalid containerPort: abc', steps: 2, code: 1 },
  { name: 'substitution-unclosed', dockerfile: 'FROM busybox\nENV A ${B\n', error: 'failed to process "${B": missing \':\' in substitution', steps: 2, code: 1 },
  { name: 'substitution-quote', dockerfile: 'FROM busybox\nENV A "unterminated\n', error: 'failed to process "\\"unterminated": unexpected end of statement while looking for matching double-quote', steps: 2, code: 1 },
  { name: 'substitution-required', dockerfile: 'FROM busybox\nENV A=${B:?unset}\n', error: 'failed to process "${B:?unset}": B: unset', steps: 2, code: 1 },
  { name: 'substitution-word-split', dockerfile: 'FROM busybox\nENV A=${B:?must be set}\n', error: 'Error response from daemon: failed to parse Dockerfile: Syntax error - can\'t find = in "be". Must be of the form: name=value', steps: 0, code: 1 },
  { name: 'healthcheck-duration', dockerfile: 'FROM busybox\nHEALTHCHECK --interval=1 CMD true\n', error: 'Error response from daemon: dockerfile parse error line 2: time: missing unit in duration "1"', steps: 0, code: 1 },
  { name: 'healthcheck-retries', dockerfile: 'FROM busybox\nHEALTHCHECK --retries=0 CMD true\n', error: 'Error response from daemon: dockerfile parse error line 2: --retries must be at least 1 (not 0)', steps: 0, code: 1 },
  { name: 'shell-not-json', dockerfile: 'FROM busybox\nSHELL sh -c\n', error: 'Error response from daemon: dockerfile parse error line 2: SHELL requires the arguments to be in JSON form', steps: 0, code: 1 },
  { name: 'escape-bad', dockerfile: '# escape=x\nFROM busybox\n', error: "Error response from daemon: failed to parse Dockerfile: invalid escape token 'x' does not match ` or \\", steps: 0, code: 1 },
  { name: 'onbuild-chain', dockerfile: 'FROM busybox\nONBUILD ONBUILD RUN x\n', error: "Error response from daemon: dockerfile parse error line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", steps: 0, code: 1 },
  { name: 'volume-empty', dockerfile: 'FROM busybox\nVOLUME ""\n', error: 'VOLUME specified can not be an empty string', steps: 2, code: 1 },
  { name: 'workdir-empty', dockerfile: 'FROM busybox\nWORKDIR $NOTHING\n', error: 'cannot normalize nothing', steps: 2, code: 1 },
  { name: 'from-empty-arg', dockerfile: 'ARG BASE\nFROM $BASE\n', error: 'base name ($BASE) should not be blank', steps: 2, code: 1 },
];

/** The CLI's output of a failed build: the Step lines and the last stderr line. */
export function failureOf(r: { stdout: string; stderr: string }): { steps: number; error: string } {
  const steps = r.stdout.split('\n').filter((line) => /^Step \d+\/\d+ : /.test(line)).length;
  // The CLI's legacy-builder banner: "DEPRECATED: …" and its indented continuation lines.
  const lines = r.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('DEPRECATED: ') && !line.startsWith('            '));
  return { steps, error: lines[lines.length - 1] ?? '' };
}

// The dockerd oracle moved to test/helpers/dockerd.ts; re-exported for the build benchmark.
export { oracleMissing, startOracleDockerd } from './helpers/dockerd.ts';
export type { CliResult, Oracle } from './helpers/dockerd.ts';
