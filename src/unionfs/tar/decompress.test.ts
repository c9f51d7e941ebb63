/**
 * decompress.ts and the bzip2 decoder: detection by magic bytes, bzip2 output
 * checked against the host's `bzip2` (every block size, concatenated
 * streams, long runs, random data), corrupt and truncated input, and the
 * output cap against gzip and bzip2 bombs. The xz decoder has its own tests
 * (xz.test.ts); here only its way in and zstd's refusal.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fromUtf8, utf8 } from '../../common/bytes.ts';
import { bunzip2, isBzip2 } from './bzip2.ts';
import { decompress, DecompressLimitError, detectCompression, MAX_DECOMPRESSED_BYTES } from './decompress.ts';
import { TarError } from './errors.ts';
import { gzip } from './gzip.ts';
import { readTar } from './reader.ts';
import { writeTar } from './writer.ts';
import { patternBytes } from '../store/testsuite/harness.ts';

const bzip2Skip = !existsSync('/usr/bin/bzip2') && !process.env.CI ? '/usr/bin/bzip2 is not installed' : false;
const xzSkip = !existsSync('/usr/bin/xz') && !process.env.CI ? '/usr/bin/xz is not installed' : false;

/** `bzip2 -<level>` of `input` by the host's bzip2. */
function hostBzip2(input: Uint8Array, level = 9): Uint8Array {
  return new Uint8Array(execFileSync('bzip2', [`-${level}`, '-c'], { input, maxBuffer: 1 << 28 }));
}

/** "hello bzip2\n" as `bzip2 -9` writes it, for a check that needs no host tool. */
const HELLO_BZ2 = '425a6839314159265359ab6ba1f1000002d9800010400010001264c01020003100d34d04001ea3ef4e51a2078bb9229c284855b5d0f880';

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g)!.map((b) => parseInt(b, 16)));
}


test('detectCompression goes by magic bytes', () => {
  assert.equal(detectCompression(gzip(utf8('x'))), 'gzip');
  assert.equal(detectCompression(hex(HELLO_BZ2)), 'bzip2');
  assert.equal(detectCompression(Uint8Array.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 4)), 'xz');
  assert.equal(detectCompression(Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0)), 'zstd');
  assert.equal(detectCompression(writeTar([{ path: 'a', type: 'file', mode: 0o644, data: utf8('a') }])), 'none');
  // "BZh" text without a block-size digit is not bzip2 (a file that merely starts with those letters).
  assert.equal(detectCompression(utf8('BZhello')), 'none');
  assert.equal(isBzip2(utf8('BZh0')), false);
  assert.equal(detectCompression(new Uint8Array()), 'none');
});

test('plain bytes come back as they are; gzip is undone', () => {
  const plain = utf8('not compressed');
  assert.equal(decompress(plain), plain);
  const tar = writeTar([{ path: 'f', type: 'file', mode: 0o644, data: patternBytes(300_000, 1) }]);
  assert.deepEqual(decompress(gzip(tar)), tar);
});

test('bzip2 decodes without a host tool (a stored fixture)', () => {
  assert.equal(fromUtf8(decompress(hex(HELLO_BZ2))), 'hello bzip2\n');
});

test('bzip2 output equals the input the host bzip2 compressed', { skip: bzip2Skip }, () => {
  const text = utf8(Array.from({ length: 40_000 }, (_, i) => `line ${i} ${'ab'.repeat(i % 7)}\n`).join(''));
  const runs = new Uint8Array(1_500_000); // long runs of one byte: RLE1 counts and RUNA/RUNB runs
  runs.fill(0x61, 0, 700_000);
  runs.fill(0x62, 700_000, 700_003);
  runs.set(patternBytes(1000, 7), 800_000);
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array()],
    ['one byte', utf8('x')],
    ['text over several blocks', text],
    ['runs', runs],
    ['random', patternBytes(250_000, 3)],
    ['every byte value', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff)],
  ];
  for (const [name, input] of cases) {
    for (const level of [1, 9]) {
      assert.deepEqual(decompress(hostBzip2(input, level)), input, `${name}, bzip2 -${level}`);
    }
  }
});

test('concatenated bzip2 streams decode as one', { skip: bzip2Skip }, () => {
  const a = utf8('first stream\n');
  const b = patternBytes(10_000, 11);
  const joined = new Uint8Array([...hostBzip2(a, 1), ...hostBzip2(b, 9)]);
  assert.deepEqual(decompress(joined), new Uint8Array([...a, ...b]));
});

test('corrupt, truncated or trailing-garbage bzip2 is a TarError', { skip: bzip2Skip }, () => {
  const input = utf8('some text that compresses '.repeat(2000));
  const good = hostBzip2(input);
  const flipped = good.slice();
  flipped[Math.floor(flipped.length / 2)]! ^= 0x10;
  const failures: [string, Uint8Array][] = [
    ['a flipped bit', flipped],
    ['truncated', good.subarray(0, good.length - 5)],
    ['header and block magic only', good.subarray(0, 10)],
    ['trailing garbage', new Uint8Array([...good, 1, 2, 3, 4])],
  ];
  for (const [name, bytes] of failures) {
    assert.throws(() => decompress(bytes), (error: unknown) => error instanceof TarError && /bzip2/.test(error.message), name);
  }
  // "BZh9" without a block's magic after it is not bzip2 (a tar whose first member is named so).
  assert.equal(detectCompression(good.subarray(0, 4)), 'none');
});

test('a bzip2 bomb stops at the cap with a clear error', { skip: bzip2Skip }, () => {
  const bomb = hostBzip2(new Uint8Array(20_000_000));
  assert.ok(bomb.length < 100, `bomb is ${bomb.length} bytes`);
  assert.throws(() => bunzip2(bomb, 1_000_000), (error: unknown) => error instanceof DecompressLimitError && /more than 1000000 bytes/.test(error.message));
  assert.equal(decompress(bomb, 20_000_000).length, 20_000_000);
});

test('a gzip bomb stops at the cap with a clear error', () => {
  const bomb = gzip(new Uint8Array(20_000_000));
  assert.throws(() => decompress(bomb, 1_000_000), (error: unknown) => error instanceof DecompressLimitError && error.format === 'gzip');
  assert.equal(decompress(bomb, 20_000_000).length, 20_000_000);
  assert.equal(MAX_DECOMPRESSED_BYTES, 2 ** 30);
});

test('a tar.bz2 made by the host reads as the tar', { skip: bzip2Skip }, () => {
  const tar = writeTar([
    { path: 'dir', type: 'dir', mode: 0o755 },
    { path: 'dir/file', type: 'file', mode: 0o644, data: utf8('content\n') },
  ]);
  const entries = readTar(decompress(hostBzip2(tar)));
  assert.deepEqual(entries.map((e) => [e.path.replace(/\/$/, ''), e.type]), [['dir', 'dir'], ['dir/file', 'file']]);
  assert.equal(fromUtf8(entries.find((e) => e.path === 'dir/file')!.data), 'content\n');
});

test('xz is decoded (the decoder is tested in xz.test.ts); zstd is recognised and refused with a clear error', { skip: xzSkip }, () => {
  const xz = new Uint8Array(execFileSync('xz', ['-c'], { input: utf8('x') }));
  assert.equal(detectCompression(xz), 'xz');
  assert.equal(fromUtf8(decompress(xz)), 'x');
  const zstd = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x01, 0x09, 0x00, 0x00, 0x78);
  assert.equal(detectCompression(zstd), 'zstd');
  assert.throws(() => decompress(zstd), (error: unknown) => error instanceof TarError && /zstd-compressed archives are not supported \(only plain tar, gzip, bzip2 and xz\)/.test(error.message));
});
