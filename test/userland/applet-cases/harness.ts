/**
 * The differential harness for the applets: runs one command line under
 * Debian's busybox-static on the host and under our busybox.wasm in Drydock's
 * real kernel, with the same files, and returns both results for comparison.
 *
 * Layout (all under one temporary directory T):
 *   T/bin        on the host: a symlink per applet to /usr/bin/busybox
 *   T/gbin       busybox.wasm (a copy), sh.wasm as sh, and a symlink per applet; the guest
 *                sees it at /bin and at the path T/bin, so PATH=T/bin finds
 *                the applets on both sides and `which ls` prints the same path
 *   T/etc        the host's /etc/passwd and /etc/group; the guest's /etc
 *   T/case       the host's working directory for a case
 *   T/gcase      the guest's files for a case, mounted in the guest at the path
 *                T/case (so absolute paths printed by pwd/realpath/find agree)
 * Files are created with fixed modes and a fixed mtime on both sides.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kernel } from '../../../src/kernel/kernel.ts';
import { MemFs } from '../../../src/unionfs/memfs/memfs.ts';
import { ROOT } from '../../../src/unionfs/vfs/credentials.ts';
import { MountNamespace } from '../../../src/unionfs/vfs/mount-namespace.ts';
import { HostFs } from '../../../src/platform/node/index.ts';
import { FixedInput, SHIPPED, start } from '../../helpers/kernel-harness.ts';

export const HOST_BUSYBOX = '/usr/bin/busybox';
export const BUSYBOX_WASM = join(SHIPPED, 'busybox.wasm');
export const SH_WASM = join(SHIPPED, 'sh.wasm');

/** A file to create before a case runs: text content, or a directory, a symlink, or bytes. */
export type FileSpec =
  | string
  | { content: string | Uint8Array; mode?: number; mtime?: number }
  | { dir: true; mode?: number }
  | { symlink: string };

export interface AppletCase {
  /** The applet and its arguments, as `busybox APPLET ARGS...`. */
  readonly cmd: readonly string[];
  readonly stdin?: string | Uint8Array;
  /** Paths relative to the case directory; parents are created as needed. */
  readonly files?: Readonly<Record<string, FileSpec>>;
  /** Extra environment (added to PATH, TZ and HOME). */
  readonly env?: Readonly<Record<string, string>>;
  /** Replaces what legitimately differs between the runs (see applet-differences.md). */
  readonly normalize?: (text: string) => string;
  /** Do not compare the files left behind (e.g. a case that writes a timestamped file). */
  readonly ignoreFiles?: boolean;
  /** Compare stdout as bytes (hex) rather than text. */
  readonly binary?: boolean;
}

export interface CaseResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
  /** Every path under the case directory, with type, permission bits and content. */
  readonly files: Record<string, string>;
}

/** A fixed modification time for created files (2024-01-02 03:04:05 UTC). */
export const FIXED_MTIME = 1704164645;

export class AppletWorld {
  readonly root: string;
  readonly bin: string;
  readonly gbin: string;
  readonly etc: string;
  readonly hostCase: string;
  readonly guestCase: string;
  readonly hostApplets: Set<string>;

  constructor(readonly applets: readonly string[]) {
    this.root = fs.mkdtempSync(join(tmpdir(), 'drydock-applets-'));
    this.bin = join(this.root, 'bin');
    this.gbin = join(this.root, 'gbin');
    this.etc = join(this.root, 'etc');
    this.hostCase = join(this.root, 'case');
    this.guestCase = join(this.root, 'gcase');
    for (const dir of [this.bin, this.gbin, this.etc]) fs.mkdirSync(dir);
    const hostList = spawnSync(HOST_BUSYBOX, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    this.hostApplets = new Set(hostList);
    for (const name of applets) {
      if (this.hostApplets.has(name)) fs.symlinkSync(HOST_BUSYBOX, join(this.bin, name));
    }
    fs.symlinkSync(HOST_BUSYBOX, join(this.bin, 'busybox'));
    fs.copyFileSync(BUSYBOX_WASM, join(this.gbin, 'busybox'));
    // Our shell, when it is built, for what runs commands through /bin/sh (awk's system() and pipes).
    if (fs.existsSync(SH_WASM)) fs.copyFileSync(SH_WASM, join(this.gbin, 'sh'));
    for (const name of applets) fs.symlinkSync('busybox', join(this.gbin, name));
    fs.copyFileSync('/etc/passwd', join(this.etc, 'passwd'));
    fs.copyFileSync('/etc/group', join(this.etc, 'group'));
  }

  /** The environment both sides get. */
  env(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    return { PATH: this.bin, TZ: 'UTC', HOME: '/root', ...extra };
  }

  /** Creates the case's files in both case directories (emptied first). */
  prepare(files: Readonly<Record<string, FileSpec>> = {}): void {
    for (const dir of [this.hostCase, this.guestCase]) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { mode: 0o755 });
      fs.chmodSync(dir, 0o755);
      const dirs: string[] = [];
      for (const [rel, spec] of Object.entries(files)) {
        const path = join(dir, rel);
        const parent = join(path, '..');
        fs.mkdirSync(parent, { recursive: true });
        if (typeof spec === 'string' || 'content' in spec) {
          const content = typeof spec === 'string' ? spec : spec.content;
          fs.writeFileSync(path, content);
          fs.chmodSync(path, typeof spec === 'string' ? 0o644 : (spec.mode ?? 0o644));
          const mtime = typeof spec === 'string' ? FIXED_MTIME : (spec.mtime ?? FIXED_MTIME);
          fs.utimesSync(path, mtime, mtime);
        } else if ('dir' in spec) {
          fs.mkdirSync(path, { recursive: true });
          fs.chmodSync(path, spec.mode ?? 0o755);
          dirs.push(path);
        } else {
          fs.symlinkSync(spec.symlink, path);
          fs.lutimesSync(path, FIXED_MTIME, FIXED_MTIME);
        }
      }
      // Directory times last, deepest first (creating children changed them).
      const all = listTree(dir).filter((p) => fs.lstatSync(join(dir, p)).isDirectory());
      for (const rel of all.sort((a, b) => b.length - a.length)) fs.utimesSync(join(dir, rel), FIXED_MTIME, FIXED_MTIME);
      fs.utimesSync(dir, FIXED_MTIME, FIXED_MTIME);
      void dirs;
    }
  }

  /** Runs the case under the host's busybox. */
  runHost(c: AppletCase): CaseResult {
    this.prepare(c.files);
    const r = spawnSync(HOST_BUSYBOX, [...c.cmd], {
      cwd: this.hostCase,
      env: this.env(c.env),
      input: c.stdin ?? '',
      timeout: 20_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    // A program that exits without reading its input makes the write of `input` fail with EPIPE: not an error here.
    if (r.error && (r.error as NodeJS.ErrnoException).code !== 'EPIPE') throw r.error;
    const status = r.status ?? 128 + signalNumber(r.signal);
    return {
      stdout: c.binary ? r.stdout.toString('hex') : r.stdout.toString('utf8'),
      stderr: r.stderr.toString('utf8'),
      status,
      files: snapshot(this.hostCase),
    };
  }

  /** A mount namespace for the guest: memfs root, /bin, T/bin, /etc, /tmp, and the case directory at T/case. */
  namespace(): MountNamespace {
    const mounts = new MountNamespace(new MemFs());
    const root = mounts.root();
    const made = new Set<string>();
    const mkdirs = (path: string, mode = 0o755) => {
      let at = '';
      for (const part of path.split('/').filter(Boolean)) {
        at += `/${part}`;
        if (made.has(at)) continue;
        made.add(at);
        mounts.create(root, at, 'dir', { mode: at === '/tmp' ? 0o1777 : mode, uid: 0, gid: 0 }, ROOT);
      }
    };
    for (const dir of ['/bin', '/etc', '/tmp', '/root', this.bin, this.hostCase]) mkdirs(dir);
    mounts.mount('/bin', new HostFs(this.gbin, true), { readOnly: true });
    mounts.mount(this.bin, new HostFs(this.gbin, true), { readOnly: true });
    mounts.mount('/etc', new HostFs(this.etc, true), { readOnly: true });
    mounts.mount(this.hostCase, new HostFs(this.guestCase));
    return mounts;
  }

  /** Runs the case under our busybox in the kernel. */
  async runGuest(kernel: Kernel, c: AppletCase): Promise<CaseResult> {
    this.prepare(c.files);
    const env = Object.entries(this.env(c.env)).map(([k, v]) => `${k}=${v}`);
    const { proc, stdout, stderr } = await start(kernel, join(this.bin, 'busybox'), [...c.cmd], {
      mounts: this.namespace(),
      cwd: this.hostCase,
      env,
      stdin: new FixedInput(c.stdin ?? ''),
    });
    const exit = await proc.exited;
    return {
      stdout: c.binary ? Buffer.from(stdout.bytes()).toString('hex') : stdout.text(),
      stderr: stderr.text(),
      status: exit.exitCode,
      files: snapshot(this.guestCase),
    };
  }

  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  if (!signal) return 0;
  return (
    { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 } as Record<string, number>
  )[signal] ?? 0;
}

/** Relative paths of everything under `dir`, sorted. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      out.push(path);
      if (entry.isDirectory()) walk(path);
    }
  };
  walk('');
  return out.sort();
}

/**
 * Type, permission bits, owner, mtime (when it is older than an hour, else "now") and content (files: text,
 * or size and sha256 when binary or long; symlinks: target) of every path.
 */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of listTree(dir)) {
    const path = join(dir, rel);
    const st = fs.lstatSync(path);
    // Times set on purpose (fixtures, cp -p, tar x, touch -d) are compared; "now" differs between the runs.
    const mtime = st.mtimeMs < Date.now() - 3_600_000 ? `@${Math.floor(st.mtimeMs / 1000)}` : '@now';
    const mode = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${mtime}`;
    if (st.isSymbolicLink()) out[rel] = `symlink -> ${fs.readlinkSync(path)}`;
    else if (st.isDirectory()) out[rel] = `dir ${mode}`;
    else if (st.isFIFO()) out[rel] = `fifo ${mode}`;
    else if (st.isFile()) {
      const data = fs.readFileSync(path);
      const text = data.toString('utf8');
      const printable = Buffer.from(text, 'utf8').equals(data) && !text.includes('\0');
      const shown = printable && data.length <= 4096 ? JSON.stringify(text) : `${data.length} bytes sha256:${createHash('sha256').update(data).digest('hex')}`;
      out[rel] = `file ${mode} ${shown}`;
    } else out[rel] = `other ${mode}`;
  }
  return out;
}

/** True when /usr/bin/busybox exists (Debian's busybox-static). */
export function hostBusyboxAvailable(): boolean {
  return fs.existsSync(HOST_BUSYBOX);
}
