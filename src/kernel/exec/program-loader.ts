import { Errno, fail } from '../../common/errno.ts';
import { fromUtf8 } from '../../common/bytes.ts';
import type { Credentials } from '../../unionfs/vfs/credentials.ts';
import { MAY_EXEC, permits } from '../../unionfs/vfs/credentials.ts';
import type { Location, MountNamespace } from '../../unionfs/vfs/mount-namespace.ts';
import type { LoadedModule, ModuleCache } from './module-cache.ts';

/** Interpreter ("#!") nesting allowed, as Linux's BINPRM_MAX_RECURSION. */
const MAX_INTERPRETER_DEPTH = 4;
/** Longest "#!" line honoured (Linux: BINPRM_BUF_SIZE). */
const MAX_SHEBANG = 256;
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

export interface ResolvedProgram {
  readonly loaded: LoadedModule;
  /** argv after interpreter substitution. */
  readonly argv: string[];
  /** Canonical path of the program (the interpreter's, for scripts). */
  readonly exe: string;
}

/**
 * Resolves what execve(path, argv) runs: a wasm module, or a "#!" script's
 * interpreter with the script as its argument. Errors are what execve
 * reports: ENOENT, EACCES (not a regular file, or no execute permission),
 * ENOEXEC (neither wasm nor "#!"), ELOOP (interpreters nested too deep).
 */
export async function resolveProgram(
  cache: ModuleCache,
  mounts: MountNamespace,
  cwd: Location,
  path: string,
  argv: string[],
  creds: Credentials,
  depth = 0,
): Promise<ResolvedProgram> {
  if (depth > MAX_INTERPRETER_DEPTH) fail(Errno.ELOOP, 'too many levels of interpreters');
  if (path === '') fail(Errno.ENOENT);
  const loc = mounts.resolve(cwd, path, { follow: true, creds });
  const inode = loc.inode;
  if (inode.kind !== 'file') fail(Errno.EACCES, `${path} is not a regular file`);
  if (!permits(inode.stat(), creds, MAY_EXEC)) fail(Errno.EACCES, `${path}: permission denied`);
  const head = inode.read(0, MAX_SHEBANG);
  if (head.length >= 2 && head[0] === 0x23 && head[1] === 0x21) {
    const { interpreter, argument } = parseShebang(head);
    const scriptArgv = [interpreter, ...(argument === null ? [] : [argument]), path, ...argv.slice(1)];
    return resolveProgram(cache, mounts, cwd, interpreter, scriptArgv, creds, depth + 1);
  }
  if (head.length < 8 || !WASM_MAGIC.every((b, i) => head[i] === b)) {
    fail(Errno.ENOEXEC, `${path}: not a WebAssembly module or a "#!" script`);
  }
  const loaded = await cache.forInode(inode, () => inode.read(0, inode.stat().size));
  return { loaded, argv, exe: loc.path };
}


/** Parses "#!interpreter [one argument]" as Linux does (the rest of the line is one argument). */
export function parseShebang(head: Uint8Array): { interpreter: string; argument: string | null } {
  let end = head.indexOf(0x0a);
  if (end < 0) end = head.length;
  const line = fromUtf8(head.subarray(2, end)).replace(/\r$/, '').trim();
  if (line === '') fail(Errno.ENOEXEC, 'empty "#!" line');
  const space = line.search(/[ \t]/);
  if (space < 0) return { interpreter: line, argument: null };
  const argument = line.slice(space).trim();
  return { interpreter: line.slice(0, space), argument: argument === '' ? null : argument };
}
