/**
 * Reading tar archives: a push parser (`TarParser`) that takes bytes in any
 * chunking and returns whole entries, and two front ends over it —
 * `readTar` for an archive in memory (entries are zero-copy views of it) and
 * `readTarStream` for an async stream of chunks. Both take gzip too
 * (detected by its magic bytes).
 *
 * The reader checks structure, not policy: corrupt or truncated archives,
 * bad checksums, non-octal numbers, absurd sizes and malformed PAX records
 * are TarErrors here; what a path may name (no "..", no writing through
 * symlinks, no devices) is decided by whoever extracts the entries
 * (src/unionfs/layer/apply.ts).
 *
 * Compatibility follows Go's archive/tar (what Docker uses): PAX local
 * headers apply to the next entry, PAX global headers are validated and
 * otherwise ignored, GNU long names (L) and long link names (K) are
 * honoured, a '\0'-typed entry whose name ends in "/" is a directory, data
 * of header-only types (links, directories, devices, FIFOs) is not read, and
 * an archive that ends cleanly without the two zero blocks — between entries,
 * or right after an entry's data before its padding (what `docker build -f-
 * DIR` sends) — is accepted; any other cut is a truncated archive.
 */
import { fromUtf8 } from '../../common/bytes.ts';
import { ByteQueue } from './byte-queue.ts';
import type { TarEntry, TarEntryType } from './entry.ts';
import { TarError } from './errors.ts';
import { decompress } from './decompress.ts';
import { isGzip, MAGIC_BYTES, newGunzipStream, refuseUnsupportedCompression } from './gzip.ts';
import {
  BLOCK_SIZE,
  FieldError,
  checksums,
  formatOf,
  isZeroBlock,
  readNumber,
  readString,
  TYPE,
} from './header.ts';
import { PaxError, parsePaxInteger, parsePaxRecords, parsePaxTime } from './pax.ts';

export interface TarReadOptions {
  /** Largest data size accepted for one entry (default 4 GiB): anything bigger is refused as absurd. */
  maxEntrySize?: number;
  /** Largest PAX header or GNU long name accepted (default 1 MiB, as in Go). */
  maxMetaSize?: number;
}

export const DEFAULT_MAX_ENTRY_SIZE = 2 ** 32;
export const DEFAULT_MAX_META_SIZE = 2 ** 20;

type State =
  | { kind: 'header' }
  | { kind: 'meta'; type: string; size: number; offset: number }
  | { kind: 'data'; header: PendingEntry }
  /** `left` of `full` padding bytes still to skip; `entry` null after an extended header's data. */
  | { kind: 'pad'; left: number; full: number; entry: string | null; offset: number }
  | { kind: 'zero' }
  | { kind: 'end' };

type PendingEntry = Omit<TarEntry, 'data'>;

function pad(size: number): number {
  return (BLOCK_SIZE - (size % BLOCK_SIZE)) % BLOCK_SIZE;
}

/**
 * A push parser. Feed it chunks with `push`, which returns the entries they
 * complete; call `end` when the input ends, which throws if it ended inside
 * an entry. After the end-of-archive marker further bytes are ignored.
 */
export class TarParser {
  private readonly queue = new ByteQueue();
  private state: State = { kind: 'header' };
  /** Bytes consumed so far: the offset of the next byte `queue` yields. */
  private position = 0;
  private readonly maxEntrySize: number;
  private readonly maxMetaSize: number;
  /** PAX local records and GNU long names waiting for their entry, and where the first of them started. */
  private pendingPax: Map<string, string> | null = null;
  private pendingLongName: string | null = null;
  private pendingLongLink: string | null = null;
  private pendingOffset: number | null = null;

  constructor(options: TarReadOptions = {}) {
    this.maxEntrySize = options.maxEntrySize ?? DEFAULT_MAX_ENTRY_SIZE;
    this.maxMetaSize = options.maxMetaSize ?? DEFAULT_MAX_META_SIZE;
  }

  /** True once the end-of-archive marker has been read. */
  get finished(): boolean {
    return this.state.kind === 'end';
  }

  push(chunk: Uint8Array): TarEntry[] {
    const out: TarEntry[] = [];
    if (this.state.kind === 'end') return out;
    this.queue.push(chunk);
    for (;;) {
      const state: State = this.state;
      if (state.kind === 'end') {
        this.queue.clear();
        return out;
      }
      if (state.kind === 'pad') {
        const dropped = this.queue.skip(state.left);
        this.position += dropped;
        if (dropped < state.left) {
          this.state = { ...state, left: state.left - dropped };
          return out;
        }
        this.state = { kind: 'header' };
        continue;
      }
      if (state.kind === 'data') {
        if (this.queue.available < state.header.size) return out;
        const data = this.take(state.header.size);
        out.push({ ...state.header, data });
        const padding = pad(state.header.size);
        this.state = { kind: 'pad', left: padding, full: padding, entry: state.header.path, offset: state.header.offset };
        continue;
      }
      if (state.kind === 'meta') {
        if (this.queue.available < state.size) return out;
        this.readMeta(state.type, this.take(state.size), state.offset);
        this.state = { kind: 'pad', left: pad(state.size), full: pad(state.size), entry: null, offset: state.offset };
        continue;
      }
      if (this.queue.available < BLOCK_SIZE) return out;
      const offset = this.position;
      const block = this.take(BLOCK_SIZE);
      if (state.kind === 'zero') {
        if (!isZeroBlock(block)) throw new TarError(null, 'corrupt archive: a lone zero block is followed by data', offset);
        this.state = { kind: 'end' };
        continue;
      }
      if (isZeroBlock(block)) {
        if (this.pendingOffset !== null) {
          throw new TarError(this.pendingLongName ?? this.pendingPax?.get('path') ?? null, 'the archive ends after an extended header, before its entry', this.pendingOffset);
        }
        this.state = { kind: 'zero' };
        continue;
      }
      const entry = this.readHeader(block, offset);
      if (entry) {
        if (entry.size > 0) this.state = { kind: 'data', header: entry };
        else out.push({ ...entry, data: new Uint8Array(0) });
      }
    }
  }

  /** Signals the end of input; throws a TarError if the archive is truncated. */
  end(): void {
    const state = this.state;
    if (state.kind === 'end' || state.kind === 'zero') return;
    if (state.kind === 'header' && this.queue.available === 0 && this.pendingOffset === null) return;
    // Go's reader also takes an end right after an entry's data, before any of its padding, as the end.
    if (state.kind === 'pad' && state.entry !== null && state.left === state.full && this.queue.available === 0 && this.pendingOffset === null) return;
    let entry: string | null = null;
    let offset = this.position;
    if (state.kind === 'data') {
      entry = state.header.path;
      offset = state.header.offset;
    } else if (state.kind === 'pad' && state.entry !== null) {
      entry = state.entry;
      offset = state.offset;
    } else if (this.pendingOffset !== null) {
      entry = this.pendingLongName ?? this.pendingPax?.get('path') ?? null;
      offset = this.pendingOffset;
    }
    const what =
      state.kind === 'data'
        ? `its data is cut short (${this.queue.available} of ${state.header.size} bytes present)`
        : state.kind === 'meta'
          ? 'an extended header is cut short'
          : state.kind === 'pad'
            ? 'the padding after the data is cut short'
            : this.pendingOffset !== null
              ? 'the archive ends after an extended header, before its entry'
              : `a header is cut short (${this.queue.available} of ${BLOCK_SIZE} bytes)`;
    throw new TarError(entry, `truncated archive: ${what}`, offset);
  }

  private take(n: number): Uint8Array {
    this.position += n;
    return this.queue.take(n);
  }

  /** Parses one header block. Returns the entry it starts, or null for a meta header (PAX, GNU long name). */
  private readHeader(block: Uint8Array, offset: number): PendingEntry | null {
    const rawName = readString(block, 'name');
    const nameForErrors = this.pendingLongName ?? this.pendingPax?.get('path') ?? (rawName || null);
    const number = (field: Parameters<typeof readNumber>[1]): number => {
      try {
        return readNumber(block, field);
      } catch (error) {
        if (error instanceof FieldError) throw new TarError(nameForErrors, `corrupt header: ${error.message}`, offset);
        throw error;
      }
    };

    const stored = number('checksum');
    const sums = checksums(block);
    if (stored !== sums.unsigned && stored !== sums.signed) {
      throw new TarError(nameForErrors, `corrupt header: checksum ${stored.toString(8)} does not match ${sums.unsigned.toString(8)}`, offset);
    }

    const typeflag = String.fromCharCode(block[156]!);
    const headerSize = number('size');

    if (typeflag === TYPE.paxLocal || typeflag === TYPE.paxGlobal || typeflag === TYPE.gnuLongName || typeflag === TYPE.gnuLongLink) {
      if (headerSize > this.maxMetaSize) {
        throw new TarError(nameForErrors, `extended header of ${headerSize} bytes exceeds the limit of ${this.maxMetaSize}`, offset);
      }
      this.pendingOffset ??= offset;
      this.state = { kind: 'meta', type: typeflag, size: headerSize, offset };
      return null;
    }

    const format = formatOf(block);
    const pax = this.pendingPax ?? new Map<string, string>();
    const entryOffset = this.pendingOffset ?? offset;
    const longName = this.pendingLongName;
    const longLink = this.pendingLongLink;
    this.pendingPax = null;
    this.pendingLongName = null;
    this.pendingLongLink = null;
    this.pendingOffset = null;

    let path = rawName;
    if (format === 'ustar') {
      const prefix = readString(block, 'prefix');
      if (prefix) path = `${prefix}/${rawName}`;
    }
    path = longName ?? pax.get('path') ?? path;
    const linkTarget = longLink ?? pax.get('linkpath') ?? readString(block, 'linkname');
    if (path === '') throw new TarError(null, 'corrupt header: the entry has no name', entryOffset);
    if (path.includes('\0') || linkTarget.includes('\0')) throw new TarError(path, 'the name contains a NUL byte', entryOffset);

    const paxNumber = (key: string): number | null => {
      const value = pax.get(key);
      if (value === undefined) return null;
      const parsed = parsePaxInteger(value);
      if (parsed === null) throw new TarError(path, `PAX record ${key}=${JSON.stringify(value)} is not a valid number`, entryOffset);
      return parsed;
    };
    const paxTime = (key: string): bigint | null => {
      const value = pax.get(key);
      if (value === undefined) return null;
      const parsed = parsePaxTime(value);
      if (parsed === null) throw new TarError(path, `PAX record ${key}=${JSON.stringify(value)} is not a valid time`, entryOffset);
      return parsed;
    };

    let type: TarEntryType;
    switch (typeflag) {
      case TYPE.file:
      case TYPE.contiguous:
        type = 'file';
        break;
      case TYPE.oldFile:
        type = path.endsWith('/') ? 'dir' : 'file';
        break;
      case TYPE.hardlink:
        type = 'hardlink';
        break;
      case TYPE.symlink:
        type = 'symlink';
        break;
      case TYPE.chardev:
        type = 'chardev';
        break;
      case TYPE.blockdev:
        type = 'blockdev';
        break;
      case TYPE.dir:
        type = 'dir';
        break;
      case TYPE.fifo:
        type = 'fifo';
        break;
      case 'S':
        throw new TarError(path, 'GNU sparse files are not supported', entryOffset);
      default:
        throw new TarError(path, `unsupported entry type ${JSON.stringify(typeflag)}`, entryOffset);
    }
    for (const key of pax.keys()) {
      if (key.startsWith('GNU.sparse.')) throw new TarError(path, 'PAX sparse files are not supported', entryOffset);
    }

    const size = type === 'file' ? (paxNumber('size') ?? headerSize) : 0;
    if (size > this.maxEntrySize) {
      throw new TarError(path, `absurd size ${size} (the limit is ${this.maxEntrySize} bytes)`, entryOffset);
    }
    const isDevice = type === 'chardev' || type === 'blockdev';
    return {
      path,
      type,
      mode: number('mode') & 0o7777,
      uid: paxNumber('uid') ?? number('uid'),
      gid: paxNumber('gid') ?? number('gid'),
      uname: pax.get('uname') ?? (format === 'v7' ? '' : readString(block, 'uname')),
      gname: pax.get('gname') ?? (format === 'v7' ? '' : readString(block, 'gname')),
      size,
      mtimeNs: paxTime('mtime') ?? BigInt(number('mtime')) * 1_000_000_000n,
      atimeNs: paxTime('atime'),
      ctimeNs: paxTime('ctime'),
      linkTarget: type === 'symlink' || type === 'hardlink' ? linkTarget : '',
      devMajor: isDevice && format !== 'v7' ? number('devmajor') : 0,
      devMinor: isDevice && format !== 'v7' ? number('devminor') : 0,
      offset: entryOffset,
      pax,
    };
  }

  private readMeta(type: string, body: Uint8Array, offset: number): void {
    if (type === TYPE.gnuLongName || type === TYPE.gnuLongLink) {
      const end = body.indexOf(0);
      const text = fromUtf8(end < 0 ? body : body.subarray(0, end));
      if (type === TYPE.gnuLongName) this.pendingLongName = text;
      else this.pendingLongLink = text;
      return;
    }
    let records: Map<string, string>;
    try {
      records = parsePaxRecords(body);
    } catch (error) {
      if (error instanceof PaxError) throw new TarError(this.pendingLongName, `corrupt PAX header: ${error.message}`, offset);
      throw error;
    }
    if (type === TYPE.paxGlobal) {
      // Validated, then ignored, as Go's archive/tar (and so Docker) does.
      if (this.pendingOffset === offset) this.pendingOffset = null;
      return;
    }
    this.pendingPax ??= new Map();
    for (const [key, value] of records) this.pendingPax.set(key, value);
  }
}

/**
 * All entries of an archive in memory, plain or compressed (gzip, bzip2, xz;
 * see decompress.ts, whose cap applies). For a plain archive
 * every entry's data is a view of `bytes` (zero-copy); keep `bytes` alive
 * and unmodified as long as the entries are used.
 */
export function readTar(bytes: Uint8Array, options: TarReadOptions = {}): TarEntry[] {
  const plain = decompress(bytes);
  const parser = new TarParser(options);
  const entries = parser.push(plain);
  parser.end();
  return entries;
}

/**
 * Entries of an archive arriving as a stream of chunks, plain or gzipped.
 * Memory use is bounded by the largest entry, not the archive.
 */
export async function* readTarStream(source: AsyncIterable<Uint8Array>, options: TarReadOptions = {}): AsyncGenerator<TarEntry> {
  const parser = new TarParser(options);
  let head: Uint8Array | null = new Uint8Array(0);
  let gunzip: ReturnType<typeof newGunzipStream> | null = null;
  const feed = function* (chunk: Uint8Array, final: boolean): Generator<TarEntry> {
    if (gunzip) {
      for (const plain of gunzip.push(chunk, final)) yield* parser.push(plain);
    } else {
      yield* parser.push(chunk);
    }
  };
  for await (const chunk of source) {
    if (head !== null) {
      // Wait for a few bytes to decide whether this is gzip (or an unsupported compression).
      let joined = chunk;
      if (head.length > 0) {
        joined = new Uint8Array(head.length + chunk.length);
        joined.set(head);
        joined.set(chunk, head.length);
      }
      if (joined.length < MAGIC_BYTES) {
        head = joined;
        continue;
      }
      head = null;
      if (isGzip(joined)) gunzip = newGunzipStream();
      else refuseUnsupportedCompression(joined);
      yield* feed(joined, false);
      continue;
    }
    yield* feed(chunk, false);
    if (parser.finished && !gunzip) return;
  }
  if (head !== null && head.length > 0) {
    if (isGzip(head)) gunzip = newGunzipStream();
    else refuseUnsupportedCompression(head);
    yield* feed(head, true);
  }
  else if (gunzip) yield* feed(new Uint8Array(0), true);
  parser.end();
}
