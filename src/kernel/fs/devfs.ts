import { MemFs } from '../../unionfs/memfs/memfs.ts';
import { DEV } from '../fd/devices.ts';

/**
 * A fresh /dev as Docker gives containers: the character devices null,
 * zero, full, random, urandom and tty, the /proc/self/fd links (fd, stdin,
 * stdout, stderr), and the pts, shm and mqueue directories (the engine
 * mounts a tmpfs on shm). The nodes only name devices; the kernel's device
 * table (fd/devices.ts) decides what opening them does.
 */
export function createDevFs(): MemFs {
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
    ['core', '/proc/kcore'],
  ];
  for (const [name, target] of links) root.create(name, 'symlink', { mode: 0o777, target, ...owner });
  root.create('pts', 'dir', { mode: 0o755, ...owner });
  root.create('shm', 'dir', { mode: 0o1777, ...owner });
  root.create('mqueue', 'dir', { mode: 0o1777, ...owner });
  return fs;
}
