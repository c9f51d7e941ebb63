import { Errno, ErrnoError } from '../../common/errno.ts';
import { sha256Hex } from '../../common/bytes.ts';
import type { Inode } from '../../unionfs/vfs/types.ts';
import { importsDrydock, unknownImports } from '../abi/imports.ts';

/** What the kernel needs to start a program. */
export interface LoadedModule {
  readonly module: WebAssembly.Module;
  /** sha256 of the program file as stored (before instrumentation). */
  readonly digest: string;
  /** The memory the runtime creates for the module (null: the module defines its own). */
  readonly memory: { readonly initial: number; readonly maximum: number | null } | null;
  /** The module imports the drydock extension (it is built with libdrydock). */
  readonly usesDrydock: boolean;
}

/**
 * Rewrites a module so the kernel can enforce memory limits (exec/memory-limit.ts).
 * The identity rewrite (memory: null) runs modules as they are.
 */
export type Instrumenter = (bytes: Uint8Array) => {
  bytes: Uint8Array;
  memory: { initial: number; maximum: number | null } | null;
};

export const noInstrumentation: Instrumenter = (bytes) => ({ bytes, memory: null });

interface InodeEntry {
  readonly mtimeNs: bigint;
  readonly size: number;
  readonly loaded: Promise<LoadedModule>;
}

/**
 * Compiled modules, cached twice: per inode or its content identity (so starting the same file again
 * neither hashes nor compiles) and per content digest (so the same binary in
 * another layer or container is compiled once). Compiled modules are shared
 * with workers by structured clone; instances are per process.
 */
export class ModuleCache {
  /** Keyed by the inode, or by its content identity when it has one (the same layer file in every container). */
  private readonly byInode = new WeakMap<object, InodeEntry>();
  private readonly byDigest = new Map<string, Promise<LoadedModule>>();
  compiles = 0;

  constructor(private readonly instrument: Instrumenter = noInstrumentation) {}

  /** The module in `inode`, whose current contents are `read()`. */
  forInode(inode: Inode, read: () => Uint8Array): Promise<LoadedModule> {
    const stat = inode.stat();
    const key = inode.contentIdentity?.() ?? inode;
    const hit = this.byInode.get(key);
    if (hit && hit.mtimeNs === stat.mtimeNs && hit.size === stat.size) return hit.loaded;
    const loaded = this.fromBytes(read());
    this.byInode.set(key, { mtimeNs: stat.mtimeNs, size: stat.size, loaded });
    loaded.catch(() => this.byInode.delete(key));
    return loaded;
  }

  /** The module with these bytes (copied; the caller may reuse its buffer). */
  async fromBytes(source: Uint8Array): Promise<LoadedModule> {
    const bytes = source.slice();
    const digest = await sha256Hex(bytes);
    let loaded = this.byDigest.get(digest);
    if (!loaded) {
      loaded = this.compile(bytes, digest);
      this.byDigest.set(digest, loaded);
      loaded.catch(() => this.byDigest.delete(digest));
    }
    return loaded;
  }

  private async compile(bytes: Uint8Array, digest: string): Promise<LoadedModule> {
    let rewritten: ReturnType<Instrumenter>;
    try {
      rewritten = this.instrument(bytes);
    } catch (error) {
      throw new ErrnoError(Errno.ENOEXEC, `unsupported module: ${(error as Error).message}`);
    }
    let module: WebAssembly.Module;
    try {
      module = await WebAssembly.compile(rewritten.bytes);
    } catch (error) {
      throw new ErrnoError(Errno.ENOEXEC, `invalid WebAssembly module: ${(error as Error).message}`);
    }
    this.compiles++;
    const unknown = unknownImports(module);
    if (unknown.length > 0) {
      throw new ErrnoError(Errno.ENOEXEC, `the module imports ${unknown.join(', ')}, which Drydock does not provide`);
    }
    return { module, digest, memory: rewritten.memory, usesDrydock: importsDrydock(module) };
  }
}
