/** tar, gzip, gunzip, zcat: archives made here (ustar as BusyBox writes it, gzip by zlib) and by the applets. */
import { gzipSync } from 'node:zlib';
import { FIXED_MTIME } from './harness.ts';
import type { AppletCase, FileSpec } from './harness.ts';

interface TarEntry {
  name: string;
  type?: '0' | '1' | '2' | '5' | 'L';
  mode?: number;
  data?: string;
  link?: string;
  mtime?: number;
}

function octal(value: number, width: number): Buffer {
  return Buffer.from(`${value.toString(8).padStart(width - 1, '0')}\0`);
}

/** A GNU-style ustar archive ("ustar  " magic, root/root), two zero blocks at the end. */
export function ustar(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '');
    const h = Buffer.alloc(512);
    h.write(e.name, 0, 100);
    octal(e.mode ?? (e.type === '5' ? 0o755 : e.type === '2' ? 0o777 : 0o644), 8).copy(h, 100);
    octal(0, 8).copy(h, 108);
    octal(0, 8).copy(h, 116);
    octal(data.length, 12).copy(h, 124);
    octal(e.mtime ?? FIXED_MTIME, 12).copy(h, 136);
    h.write(e.type ?? '0', 156);
    h.write(e.link ?? '', 157, 100);
    h.write('ustar  \0', 257, 'binary');
    h.write('root', 265);
    h.write('root', 297);
    h.fill(' ', 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    Buffer.from(`${sum.toString(8).padStart(6, '0')}\0 `).copy(h, 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

const sample = ustar([
  { name: 'd/', type: '5' },
  { name: 'd/a', data: 'hello\n' },
  { name: 'd/l', type: '2', link: 'a' },
  { name: 'd/sub/', type: '5', mode: 0o700 },
  { name: 'd/sub/b', data: 'x\n', mode: 0o600 },
  { name: 'd/h', type: '1', link: 'd/a' },
]);
const hostile = ustar([
  { name: '/abs', data: 'abs\n' },
  { name: '../up', data: 'up\n' },
  { name: 'ok/../../x', data: 'x\n' },
  { name: 'fine', data: 'fine\n' },
]);
const tarFiles: Record<string, FileSpec> = { 't.tar': { content: sample }, 't.tgz': { content: gzipSync(sample) } };
const plain: Record<string, FileSpec> = { a: 'hello\n', b: { content: 'x'.repeat(700), mode: 0o600 }, 'e/f': 'f\n' };
const text = 'the quick brown fox jumps over the lazy dog\n'.repeat(200);

export const cases: AppletCase[] = [
  { cmd: ['tar', 'tf', 't.tar'], files: tarFiles },
  { cmd: ['tar', 'tvf', 't.tar'], files: tarFiles },
  { cmd: ['tar', '-tzf', 't.tgz'], files: tarFiles },
  { cmd: ['tar', 'tf', 't.tgz'], files: tarFiles },
  { cmd: ['tar', 'xf', 't.tar'], files: tarFiles },
  { cmd: ['tar', 'xvf', 't.tar'], files: tarFiles },
  { cmd: ['tar', 'xzf', 't.tgz', '-C', 'out'], files: { ...tarFiles, out: { dir: true } } },
  { cmd: ['tar', 'xf', 't.tar', 'd/sub'], files: tarFiles },
  { cmd: ['tar', 'xf', 't.tar', 'nonexistent'], files: tarFiles },
  { cmd: ['tar', 'xf', 't.tar', '-O', 'd/a'], files: tarFiles },
  { cmd: ['tar', 'tf', 't.tar', 'd/sub'], files: tarFiles },
  { cmd: ['tar', 'xf', 't.tar', '--strip-components=1'], files: tarFiles },
  { cmd: ['tar', 'xf', 'h.tar'], files: { 'h.tar': { content: hostile } } },
  { cmd: ['tar', 'tf', 'nope.tar'] },
  { cmd: ['tar'] },
  { cmd: ['tar', 'tf', '-'], stdin: 'x' },
  { cmd: ['tar', 'cf', 'out.tar', 'a', 'b'], files: plain },
  { cmd: ['tar', 'cf', 'out.tar', 'e'], files: plain },
  { cmd: ['tar', 'cvf', 'out.tar', 'a', 'e/f'], files: plain },
  { cmd: ['tar', 'cf', '-', 'a'], files: plain, binary: true },
  { cmd: ['tar', 'cf', 'out.tar', 'nope'], files: plain },
  { cmd: ['tar', 'cf', 'out.tar'], files: plain },
  { cmd: ['tar', 'cf', 'out.tar', '-C', 'e', 'f'], files: plain },
  { cmd: ['gunzip', 'f.gz'], files: { 'f.gz': { content: gzipSync(text), mode: 0o640 } } },
  { cmd: ['gunzip', '-c', 'f.gz'], files: { 'f.gz': { content: gzipSync(text) } } },
  { cmd: ['zcat', 'f.gz', 'g.gz'], files: { 'f.gz': { content: gzipSync('one\n') }, 'g.gz': { content: gzipSync('two\n') } } },
  { cmd: ['zcat'], stdin: gzipSync(text) },
  { cmd: ['gunzip', 'f'], files: { f: 'x' } },
  { cmd: ['gunzip', '-c', 'f.gz'], files: { 'f.gz': { content: 'not gzip' } } },
  { cmd: ['gunzip', '-t', 'f.gz'], files: { 'f.gz': { content: gzipSync(text) } } },
  { cmd: ['gzip', '-d', 'f.gz'], files: { 'f.gz': { content: Buffer.concat([gzipSync('a\n'), gzipSync('b\n')]) } } },
  { cmd: ['gzip', 'nope'] },
  { cmd: ['gzip', 'f.gz'], files: { 'f.gz': '' } },
];

/** Compressed bytes of non-trivial input differ from BusyBox's (another LZ77 matcher): those cases compare output after a round trip elsewhere (userland-applets-kernel.test.ts). */
cases.push(
  { cmd: ['gzip', 'f'], files: { f: { content: 'hello', mode: 0o640 } } },
  { cmd: ['gzip', '-c', 'f'], files: { f: 'hello' }, binary: true },
  { cmd: ['gzip', '-k', 'f'], files: { f: '' } },
  { cmd: ['gzip'], stdin: 'abc', binary: true },
  { cmd: ['gzip', '-d', '-c'], stdin: gzipSync('roundtrip\n') },
);
