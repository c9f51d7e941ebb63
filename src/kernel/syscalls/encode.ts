/** Encoders for the structs WASI and drydock calls return (written to the channel as raw bytes). */
import type { Stat } from '../../unionfs/vfs/types.ts';
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFREG, S_IFSOCK } from '../abi/linux.ts';
import { SIZE } from '../abi/wasi.ts';
import type { Wire } from '../channel/wire.ts';
import { filetypeOf } from '../fd/description.ts';

/** WASI filestat (64 bytes). */
export function putFilestat(w: Wire, stat: Stat, filetype = filetypeOf(stat.kind)): void {
  const bytes = w.reserve(SIZE.FILESTAT);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  v.setBigUint64(0, BigInt(stat.dev), true);
  v.setBigUint64(8, BigInt(stat.ino), true);
  v.setUint8(16, filetype);
  for (let i = 17; i < 24; i++) v.setUint8(i, 0);
  v.setBigUint64(24, BigInt(stat.nlink), true);
  v.setBigUint64(32, BigInt(stat.size), true);
  v.setBigUint64(40, stat.atimeNs, true);
  v.setBigUint64(48, stat.mtimeNs, true);
  v.setBigUint64(56, stat.ctimeNs, true);
}

const TYPE_BITS: Record<Stat['kind'], number> = {
  file: S_IFREG,
  dir: S_IFDIR,
  symlink: S_IFLNK,
  fifo: S_IFIFO,
  chardev: S_IFCHR,
  blockdev: S_IFBLK,
  socket: S_IFSOCK,
};

/** st_mode: type bits and permission bits. */
export function modeOf(stat: Stat): number {
  return TYPE_BITS[stat.kind] | stat.mode;
}

/** struct drydock_stat (88 bytes, see wasm/include/drydock.h). */
export function putDrydockStat(w: Wire, stat: Stat): void {
  const bytes = w.reserve(88);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  v.setBigUint64(0, BigInt(stat.dev), true);
  v.setBigUint64(8, BigInt(stat.ino), true);
  v.setUint32(16, modeOf(stat), true);
  v.setUint32(20, stat.nlink, true);
  v.setUint32(24, stat.uid >>> 0, true);
  v.setUint32(28, stat.gid >>> 0, true);
  v.setBigUint64(32, BigInt(stat.rdev), true);
  v.setBigInt64(40, BigInt(stat.size), true);
  v.setInt32(48, 4096, true);
  v.setInt32(52, 0, true);
  v.setBigInt64(56, BigInt(stat.blocks), true);
  v.setBigInt64(64, stat.atimeNs, true);
  v.setBigInt64(72, stat.mtimeNs, true);
  v.setBigInt64(80, stat.ctimeNs, true);
}
