/** Encoders for the structs WASI and drydock calls return (written to the channel as raw bytes). */
import type { Stat, StatFs } from '../../unionfs/vfs/types.ts';
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

/** What struct drydock_statfs carries besides the filesystem's own StatFs. */
export interface StatFsExtra {
  /** f_type: a Linux *_MAGIC (abi/linux.ts FS_MAGIC), 0 if unknown. */
  readonly magic: number;
  /** f_fsid: the filesystem's device number. */
  readonly fsid: number;
  /** f_flags: ST_RDONLY for a read-only mount or filesystem. */
  readonly flags: number;
}

/** struct drydock_statfs (80 bytes, see wasm/include/drydock.h). Every block count is in `bsize` units. */
export function putDrydockStatfs(w: Wire, s: StatFs, extra: StatFsExtra): void {
  const bytes = w.reserve(80);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u64 = (n: number) => BigInt(Math.max(0, Math.floor(Number.isFinite(n) ? n : 0)));
  v.setBigUint64(0, u64(extra.magic), true);
  v.setBigUint64(8, u64(s.blockSize), true);
  v.setBigUint64(16, u64(s.totalBlocks), true);
  v.setBigUint64(24, u64(Math.min(s.freeBlocks, s.totalBlocks)), true);
  v.setBigUint64(32, u64(Math.min(s.availBlocks ?? s.freeBlocks, s.freeBlocks, s.totalBlocks)), true);
  v.setBigUint64(40, u64(s.files), true);
  v.setBigUint64(48, 0n, true);
  v.setBigUint64(56, u64(extra.fsid), true);
  v.setBigUint64(64, 255n, true);
  v.setBigUint64(72, u64(extra.flags), true);
}
