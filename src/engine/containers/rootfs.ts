/**
 * A container's mount namespace: the overlay root (image layers, the init
 * layer, the writable layer), /proc, /dev, /dev/shm, /sys, the generated
 * /etc files, and the volumes, bind mounts and tmpfs mounts of its
 * HostConfig. Also resolves the executable inside it, as runc does (the user:
 * user.ts).
 */
import { Errno, ErrnoError } from '../../common/errno.ts';
import { fromUtf8, utf8 } from '../../common/bytes.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import { createDevFs } from '../../kernel/fs/devfs.ts';
import { ProcFs } from '../../kernel/fs/procfs.ts';
import type { PidNamespace } from '../../kernel/proc/namespaces.ts';
import { FileFs } from '../../unionfs/memfs/file-fs.ts';
import { MemFs } from '../../unionfs/memfs/memfs.ts';
import type { OverlayFs } from '../../unionfs/overlay/overlay-fs.ts';
import { ROOT, MAY_EXEC, permits } from '../../unionfs/vfs/credentials.ts';
import { MountNamespace } from '../../unionfs/vfs/mount-namespace.ts';
import type { Location } from '../../unionfs/vfs/mount-namespace.ts';
import type { FileSystem } from '../../unionfs/vfs/types.ts';
import { InvalidParameterError } from '../errors.ts';

/** A volume, bind or tmpfs mount to place in the namespace. */
export interface ContainerMount {
  readonly destination: string;
  readonly fs: FileSystem;
  readonly readOnly: boolean;
  /** Shown in /proc/mounts. */
  readonly source: string;
  readonly options?: string;
}

export interface RootfsPlan {
  readonly overlay: OverlayFs;
  readonly hostname: string;
  readonly hosts: string;
  readonly resolvConf: string;
  readonly pidns: PidNamespace | null;
  readonly mounts: readonly ContainerMount[];
  readonly readOnlyRoot: boolean;
  /** /dev/shm size in bytes (Docker's default 64 MiB). */
  readonly shmSize: number;
  /** The container has a terminal (`-t`): /dev/pts/0 and /dev/console exist. */
  readonly tty: boolean;
}

/** Creates every missing directory of `path` as root (mount points, WorkingDir). */
export function mkdirp(ns: MountNamespace, path: string): void {
  let at = '';
  for (const part of path.split('/').filter(Boolean)) {
    at += `/${part}`;
    try {
      ns.resolve(ns.root(), at, { follow: true, creds: ROOT });
    } catch (error) {
      if (!(error instanceof ErrnoError) || error.errno !== Errno.ENOENT) throw error;
      ns.create(ns.root(), at, 'dir', { mode: 0o755, uid: 0, gid: 0 }, ROOT);
    }
  }
}

/** Makes sure `path` exists as a file (a single-file mount point). */
function touch(ns: MountNamespace, path: string): void {
  try {
    ns.resolve(ns.root(), path, { follow: true, creds: ROOT });
  } catch {
    mkdirp(ns, path.slice(0, path.lastIndexOf('/')) || '/');
    ns.create(ns.root(), path, 'file', { mode: 0o644, uid: 0, gid: 0 }, ROOT);
  }
}

export function buildMountNamespace(kernel: Kernel, plan: RootfsPlan): MountNamespace {
  const ns = new MountNamespace(plan.overlay, { source: 'overlay', options: 'relatime', readOnly: plan.readOnlyRoot });
  if (plan.pidns) ns.mount('/proc', new ProcFs(kernel, plan.pidns), { source: 'proc', options: 'nosuid,nodev,noexec,relatime' });
  ns.mount('/dev', createDevFs({ tty: plan.tty }), { source: 'tmpfs', options: 'nosuid,size=65536k,mode=755' });
  ns.mount('/dev/shm', new MemFs({ type: 'tmpfs', sizeLimit: plan.shmSize, rootMode: 0o1777 }), {
    source: 'shm',
    options: `nosuid,nodev,noexec,relatime,size=${Math.floor(plan.shmSize / 1024)}k`,
  });
  ns.mount('/sys', new MemFs({ type: 'sysfs', readOnly: true, rootMode: 0o555 }), {
    source: 'sysfs',
    readOnly: true,
    options: 'nosuid,nodev,noexec,relatime',
  });
  // As dockerd (sortMounts): shallower destinations first, so a volume on /etc
  // lies under /etc/hosts and a user's mount on /etc/hosts over Docker's.
  const steps: { destination: string; apply: () => void }[] = [];
  for (const [path, content] of [
    ['/etc/resolv.conf', plan.resolvConf],
    ['/etc/hostname', `${plan.hostname}\n`],
    ['/etc/hosts', plan.hosts],
  ] as const) {
    steps.push({
      destination: path,
      apply: () => {
        // Under a volume on /etc the mount point may be missing: made in the volume, as runc does.
        touch(ns, path);
        ns.mount(path, new FileFs(utf8(content), { type: 'ext4' }), { source: '/dev/root', options: 'relatime' });
      },
    });
  }
  for (const mount of plan.mounts) {
    steps.push({
      destination: mount.destination,
      apply: () => {
        if (mount.fs.root().kind === 'dir') mkdirp(ns, mount.destination);
        else touch(ns, mount.destination);
        ns.mount(mount.destination, mount.fs, {
          readOnly: mount.readOnly,
          source: mount.source,
          ...(mount.options ? { options: mount.options } : {}),
        });
      },
    });
  }
  const depth = (path: string): number => path.split('/').filter(Boolean).length;
  for (const step of steps.sort((a, b) => depth(a.destination) - depth(b.destination))) step.apply();
  return ns;
}

/** Reads a whole file in the namespace, or null if it is missing. */
export function readFileIn(ns: MountNamespace, path: string): string | null {
  try {
    const loc = ns.resolve(ns.root(), path, { follow: true, creds: ROOT });
    if (loc.inode.kind !== 'file') return null;
    return fromUtf8(loc.inode.read(0, loc.inode.stat().size).slice());
  } catch {
    return null;
  }
}

/** An error starting the container's process, worded as dockerd 20.10 with runc reports it, with the exit code the docker CLI uses (127/126). */
export class StartError extends InvalidParameterError {
  constructor(
    /** What runc says after "unable to start container process: " (without ": unknown"). */
    readonly detail: string,
    readonly exitCode: number,
  ) {
    super(`failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${detail}: unknown`);
  }
}

/**
 * Finds the executable of argv[0] as runc does: a path containing "/" is used
 * as is (from WorkingDir); a bare name is looked up in the container's PATH.
 */
export function resolveExecutable(ns: MountNamespace, cwd: Location, argv0: string, env: readonly string[]): string {
  if (argv0.includes('/')) {
    try {
      const loc = ns.resolve(cwd, argv0, { follow: true, creds: ROOT });
      if (loc.inode.kind === 'dir') throw new StartError(`exec: "${argv0}": is a directory`, 126);
    } catch (error) {
      if (error instanceof StartError) throw error;
      throw new StartError(`exec: "${argv0}": stat ${argv0}: no such file or directory`, 127);
    }
    return argv0;
  }
  const pathVar = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  for (const dir of pathVar.split(':')) {
    const candidate = `${dir || '.'}/${argv0}`;
    try {
      const loc = ns.resolve(cwd, candidate, { follow: true, creds: ROOT });
      if (loc.inode.kind === 'file' && permits(loc.inode.stat(), ROOT, MAY_EXEC)) return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new StartError(`exec: "${argv0}": executable file not found in $PATH`, 127);
}
