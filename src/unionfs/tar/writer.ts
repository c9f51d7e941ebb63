/**
 * Writing tar archives deterministically: the same entries in the same order
 * give the same bytes, whatever the clock, host or user.
 *
 * Header fields are fixed where the entry does not set them (uname and gname
 * empty, device numbers 0, "ustar\0" "00" magic). Names that fit go in the
 * ustar name/prefix fields; longer or non-ASCII names, link targets, numbers
 * too big for octal and sub-second or negative mtimes go in a PAX header
 * whose records are sorted by key. atime and ctime are never written. The
 * archive ends with two zero blocks and no further padding (like Go's
 * archive/tar).
 */
import { concatBytes, utf8 } from '../../common/bytes.ts';
import type { TarEntryType, TarWriteEntry } from './entry.ts';
import { TarError } from './errors.ts';
import { BLOCK_SIZE, FIELD, octalLimit, TYPE, writeChecksum, writeOctal, writeString } from './header.ts';
import { formatPaxRecords, formatPaxTime } from './pax.ts';

const TYPEFLAG: Record<TarEntryType, string> = {
  file: TYPE.file,
  dir: TYPE.dir,
  symlink: TYPE.symlink,
  hardlink: TYPE.hardlink,
  fifo: TYPE.fifo,
  chardev: TYPE.chardev,
  blockdev: TYPE.blockdev,
};

const ZEROS = new Uint8Array(BLOCK_SIZE);

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7e || text.charCodeAt(i) < 0x20) return false;
  return true;
}

/** Splits a name into ustar prefix and name fields, or returns null if it cannot be. */
function splitUstarName(name: string): { prefix: string; name: string } | null {
  if (name.length <= FIELD.name[1]) return { prefix: '', name };
  const maxPrefix = FIELD.prefix[1];
  // The last "/" such that the prefix fits and the rest fits in the name field.
  for (let at = Math.min(name.length - 1, maxPrefix); at > 0; at--) {
    if (name[at] !== '/') continue;
    const rest = name.slice(at + 1);
    if (rest.length === 0 || rest.length > FIELD.name[1]) return null;
    return { prefix: name.slice(0, at), name: rest };
  }
  return null;
}

/**
 * Builds an archive entry by entry. Data arrays are kept by reference until
 * `finish` (no copy is made): do not modify them before that.
 */
export class TarWriter {
  private readonly chunks: Uint8Array[] = [];
  private finished = false;

  add(entry: TarWriteEntry): void {
    if (this.finished) throw new Error('TarWriter.add after finish');
    const data = entry.type === 'file' ? (entry.data ?? new Uint8Array(0)) : new Uint8Array(0);
    if (entry.type !== 'file' && entry.data && entry.data.length > 0) {
      throw new TarError(entry.path, `a ${entry.type} entry cannot carry data`);
    }
    if (entry.path === '' || entry.path.includes('\0')) throw new TarError(entry.path, 'invalid entry name');
    const name = entry.type === 'dir' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
    const linkTarget = entry.linkTarget ?? '';
    if ((entry.type === 'symlink' || entry.type === 'hardlink') && linkTarget === '') {
      throw new TarError(entry.path, `a ${entry.type} needs a target`);
    }
    const uid = entry.uid ?? 0;
    const gid = entry.gid ?? 0;
    const mtimeNs = entry.mtimeNs ?? 0n;
    const pax = new Map<string, string>();

    const block = new Uint8Array(BLOCK_SIZE);
    const split = isAscii(name) ? splitUstarName(name) : null;
    if (split) {
      writeString(block, 'name', split.name);
      writeString(block, 'prefix', split.prefix);
    } else {
      pax.set('path', name);
      writeString(block, 'name', asciiFallback(name, FIELD.name[1]));
    }
    if (linkTarget.length <= FIELD.linkname[1] && isAscii(linkTarget)) {
      writeString(block, 'linkname', linkTarget);
    } else {
      pax.set('linkpath', linkTarget);
      writeString(block, 'linkname', asciiFallback(linkTarget, FIELD.linkname[1]));
    }
    writeOctal(block, 'mode', entry.mode & 0o7777);
    for (const [field, value] of [['uid', uid], ['gid', gid]] as const) {
      if (value <= octalLimit(field)) writeOctal(block, field, value);
      else {
        pax.set(field, String(value));
        writeOctal(block, field, 0);
      }
    }
    if (data.length <= octalLimit('size')) writeOctal(block, 'size', data.length);
    else {
      pax.set('size', String(data.length));
      writeOctal(block, 'size', 0);
    }
    const seconds = mtimeNs / 1_000_000_000n;
    if (mtimeNs >= 0n && mtimeNs % 1_000_000_000n === 0n && seconds <= BigInt(octalLimit('mtime'))) {
      writeOctal(block, 'mtime', Number(seconds));
    } else {
      pax.set('mtime', formatPaxTime(mtimeNs));
      writeOctal(block, 'mtime', mtimeNs > 0n && seconds <= BigInt(octalLimit('mtime')) ? Number(seconds) : 0);
    }
    block[FIELD.typeflag[0]] = TYPEFLAG[entry.type].charCodeAt(0);
    writeString(block, 'magic', 'ustar\0');
    writeString(block, 'version', '00');
    for (const [field, value] of [['uname', entry.uname ?? ''], ['gname', entry.gname ?? '']] as const) {
      if (value.length < FIELD[field][1] && isAscii(value)) writeString(block, field, value);
      else pax.set(field, value);
    }
    writeOctal(block, 'devmajor', entry.devMajor ?? 0);
    writeOctal(block, 'devminor', entry.devMinor ?? 0);
    writeChecksum(block);

    if (pax.size > 0) this.addPaxHeader(name, pax);
    this.chunks.push(block);
    if (data.length > 0) {
      this.chunks.push(data);
      const padding = (BLOCK_SIZE - (data.length % BLOCK_SIZE)) % BLOCK_SIZE;
      if (padding > 0) this.chunks.push(ZEROS.subarray(0, padding));
    }
  }

  /** Ends the archive and returns its chunks (headers, data views, padding) in order, for streaming out. */
  finishChunks(): Uint8Array[] {
    if (!this.finished) {
      this.chunks.push(ZEROS, ZEROS);
      this.finished = true;
    }
    return this.chunks;
  }

  /** Ends the archive and returns it as one array. */
  finish(): Uint8Array {
    return concatBytes(this.finishChunks());
  }

  private addPaxHeader(name: string, records: Map<string, string>): void {
    const body = formatPaxRecords(records);
    const block = new Uint8Array(BLOCK_SIZE);
    const base = name.replace(/\/+$/, '').split('/').pop() ?? '';
    writeString(block, 'name', asciiFallback(`PaxHeaders.0/${base}`, FIELD.name[1]));
    writeOctal(block, 'mode', 0o644);
    writeOctal(block, 'uid', 0);
    writeOctal(block, 'gid', 0);
    writeOctal(block, 'size', body.length);
    writeOctal(block, 'mtime', 0);
    block[FIELD.typeflag[0]] = TYPE.paxLocal.charCodeAt(0);
    writeString(block, 'magic', 'ustar\0');
    writeString(block, 'version', '00');
    writeOctal(block, 'devmajor', 0);
    writeOctal(block, 'devminor', 0);
    writeChecksum(block);
    this.chunks.push(block, body);
    const padding = (BLOCK_SIZE - (body.length % BLOCK_SIZE)) % BLOCK_SIZE;
    if (padding > 0) this.chunks.push(ZEROS.subarray(0, padding));
  }
}

/** A printable ASCII stand-in for a name that lives in a PAX record (what readers without PAX support see). */
function asciiFallback(text: string, length: number): Uint8Array {
  const ascii = text.replace(/[^\x20-\x7e]/g, '_');
  return utf8(ascii.slice(0, length));
}

/** Writes `entries` in the given order as one archive. */
export function writeTar(entries: Iterable<TarWriteEntry>): Uint8Array {
  const writer = new TarWriter();
  for (const entry of entries) writer.add(entry);
  return writer.finish();
}
