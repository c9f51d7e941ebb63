import { MemFs } from '../../unionfs/memfs/memfs.ts';
import { DEV } from '../fd/devices.ts';

/**
 * A fresh /dev as Docker gives containers: the character devices null,
 * zero, full, random, urandom and tty, the /proc/self/fd links (fd, stdin,
 * stdout, stderr), ptmx (a link to pts/ptmx), and the pts, shm and mqueue
 * directories (the engine mounts a tmpfs on shm). With a terminal
 * (`docker run -t`) there are also /dev/pts/0 and /dev/console, the same
 * device (136,0, group tty), as runc makes them. The nodes only name
 * devices; the kernel's device table (fd/devices.ts) decides what opening
 * them does (/dev/pts/0 and /dev/console open the process's terminal;
 * /dev/ptmx cannot make new terminals: ENXIO).
 */
export function createDevFs(options: { tty?: boolean } = {}): MemFs {
  const fs = new MemFs({ type: 'tmpfs', rootMode: 0o755 });
  const root = fs.root();
  const owner = { uid: 0, gid: 0 };
  const devices: [string, number][] = [
    ['null', DEV.NULL],
    ['zero', DEV.ZERO],
    ['full', DEV.FULL],
    ['random', DEV.RANDOM],
    ['urandom', DEV.URANDOM],
    ['tty', DEV.TTY],
  ];
  for (const [name, rdev] of devices) root.create(name, 'chardev', { mode: 0o666, rdev, ...owner });
  const links: [string, string][] = [
    ['fd', '/proc/self/fd'],
    ['stdin', '/proc/self/fd/0'],
    ['stdout', '/proc/self/fd/1'],
    ['stderr', '/proc/self/fd/2'],
    ['ptmx', 'pts/ptmx'],
  ];
  for (const [name, target] of links) root.create(name, 'symlink', { mode: 0o777, target, ...owner });
  const pts = root.create('pts', 'dir', { mode: 0o755, ...owner });
  pts.create('ptmx', 'chardev', { mode: 0o666, rdev: DEV.PTMX, ...owner });
  if (options.tty) {
    const terminal = { mode: 0o620, rdev: DEV.PTS0, uid: 0, gid: TTY_GROUP };
    pts.create('0', 'chardev', terminal);
    root.create('console', 'chardev', terminal);
  }
  root.create('shm', 'dir', { mode: 0o1777, ...owner });
  root.create('mqueue', 'dir', { mode: 0o1777, ...owner });
  return fs;
}

/** The `tty` group of Linux images (gid 5), which owns terminals. */
const TTY_GROUP = 5;
