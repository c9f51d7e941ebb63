/**
 * A small tar writer and reader for build contexts and `docker cp`
 * (POSIX ustar; long names through PAX "path" records on write, and PAX,
 * GNU long names and the ustar prefix on read). The UI layer may not use
 * the union filesystem's tar code, so this is its own.
 */

export interface TarEntry {
  /** Path inside the archive, "/" separators, no leading "/"; directories without a trailing "/". */
  readonly path: string;
  readonly type: 'file' | 'dir' | 'symlink' | 'other';
  readonly mode: number;
  readonly data: Uint8Array;
  readonly linkname?: string;
  readonly mtime?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, entry: { type: string; mode: number; size: number; linkname?: string; mtime: number }): Uint8Array {
  const block = new Uint8Array(512);
  const put = (text: string | Uint8Array, at: number, max: number) => block.set((typeof text === 'string' ? encoder.encode(text) : text).subarray(0, max), at);
  put(name, 0, 100);
  put(octal(entry.mode & 0o7777, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(entry.size, 12), 124, 12);
  put(octal(entry.mtime, 12), 136, 12);
  put('        ', 148, 8);
  put(entry.type, 156, 1);
  if (entry.linkname) put(entry.linkname, 157, 100);
  put('ustar\x0000', 257, 8);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return block;
}

function padded(data: Uint8Array): Uint8Array {
  const size = Math.ceil(data.length / 512) * 512;
  if (size === data.length) return data;
  const out = new Uint8Array(size);
  out.set(data);
  return out;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (String(length).length + encoder.encode(body).length !== length) length = String(length).length + encoder.encode(body).length;
  return `${length}${body}`;
}

/** Writes `entries` as a tar archive (two zero blocks at the end, as Go's archive/tar). */
export function writeTar(entries: readonly TarEntry[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const entry of entries) {
    const name = entry.type === 'dir' ? `${entry.path}/` : entry.path;
    const typeflag = entry.type === 'dir' ? '5' : entry.type === 'symlink' ? '2' : '0';
    const mtime = entry.mtime ?? 0;
    if (encoder.encode(name).length > 100) {
      const pax = encoder.encode(paxRecord('path', name));
      blocks.push(header('PaxHeaders/long', { type: 'x', mode: 0o644, size: pax.length, mtime }), padded(pax));
    }
    const size = entry.type === 'file' ? entry.data.length : 0;
    blocks.push(header(name, { type: typeflag, mode: entry.mode, size, mtime, ...(entry.linkname ? { linkname: entry.linkname } : {}) }));
    if (size > 0) blocks.push(padded(entry.data));
  }
  blocks.push(new Uint8Array(1024));
  const total = blocks.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

function field(block: Uint8Array, at: number, length: number): string {
  const slice = block.subarray(at, at + length);
  const nul = slice.indexOf(0);
  return decoder.decode(nul >= 0 ? slice.subarray(0, nul) : slice);
}

function number(block: Uint8Array, at: number, length: number): number {
  const text = field(block, at, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** Reads a tar archive; throws on a truncated or corrupt archive. Paths are cleaned of "./" and leading "/". */
export function readTar(bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let at = 0;
  let longName: string | null = null;
  let longLink: string | null = null;
  while (at < bytes.length) {
    if (at + 512 > bytes.length) throw new Error('unexpected EOF in tar archive');
    const block = bytes.subarray(at, at + 512);
    if (block.every((b) => b === 0)) break;
    const size = number(block, 124, 12);
    const type = String.fromCharCode(block[156]!);
    const dataStart = at + 512;
    if (dataStart + size > bytes.length) throw new Error('unexpected EOF in tar archive');
    const data = bytes.slice(dataStart, dataStart + size);
    at = dataStart + Math.ceil(size / 512) * 512;
    if (at > bytes.length) throw new Error('unexpected EOF in tar archive');
    if (type === 'x') {
      const text = decoder.decode(data);
      for (const match of text.matchAll(/\d+ ([^=]+)=([^\n]*)\n/g)) {
        if (match[1] === 'path') longName = match[2]!;
        if (match[1] === 'linkpath') longLink = match[2]!;
      }
      continue;
    }
    if (type === 'g') continue;
    if (type === 'L' || type === 'K') {
      const text = decoder.decode(data).replace(/\0+$/, '');
      if (type === 'L') longName = text;
      else longLink = text;
      continue;
    }
    let name = field(block, 0, 100);
    const magic = field(block, 257, 6);
    if (magic.startsWith('ustar')) {
      const prefix = field(block, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    if (longName !== null) name = longName;
    const linkname = longLink ?? field(block, 157, 100);
    longName = null;
    longLink = null;
    const path = name.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
    const kind = type === '5' ? 'dir' : type === '2' ? 'symlink' : type === '0' || type === '\0' || type === '7' ? 'file' : 'other';
    entries.push({ path, type: kind, mode: number(block, 100, 8), data: kind === 'file' ? data : new Uint8Array(0), ...(linkname ? { linkname } : {}), mtime: number(block, 136, 12) });
  }
  return entries;
}
