/**
 * The xz decoder against the host's xz (xz-utils, what dockerd itself runs
 * to decompress xz): every preset from -0 to -9e, every check type, multi-
 * block and multi-stream files, stream padding, LZMA2 option corners, the
 * Delta and BCJ filters, and hand-built containers for what xz does not
 * write by itself (a dictionary reset inside a block, hostile headers).
 * Then damage: every flipped byte and every truncation of a file is a
 * TarError, never another exception or a hang; the output cap holds.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { fromUtf8, utf8 } from '../../common/bytes.ts';
import { decompress, DecompressLimitError, detectCompression } from './decompress.ts';
import { TarError } from './errors.ts';
import { readTar } from './reader.ts';
import { writeTar } from './writer.ts';
import { crc32, crc64, sha256 } from './xz-check.ts';
import { isXz, unxz } from './xz.ts';
import { patternBytes } from '../store/testsuite/harness.ts';

const xzSkip = !existsSync('/usr/bin/xz') && !process.env.CI ? '/usr/bin/xz is not installed' : false;
const CAP = 2 ** 30;

/** `input` compressed by the host's xz with `args` (single-threaded unless args say otherwise). */
function hostXz(input: Uint8Array, args: readonly string[] = []): Uint8Array {
  return new Uint8Array(execFileSync('xz', ['-c', '-T1', ...args], { input, maxBuffer: 1 << 28 }));
}

/** What the host's xz makes of `bytes` (the oracle for files built here). */
function hostUnxz(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(execFileSync('xz', ['-d', '-c', '-q'], { input: bytes, maxBuffer: 1 << 28 }));
}


function concat(...parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

function text(lines: number): Uint8Array {
  return utf8(Array.from({ length: lines }, (_, i) => `line ${i} ${'abc'.repeat(i % 11)} ${(i * 7919) % 1000}\n`).join(''));
}

/** A few MB of everything: text, incompressible noise, long runs, repeated binary fragments. */
function mixed(): Uint8Array {
  const fragment = patternBytes(3000, 5);
  const repeats = concat(...Array.from({ length: 200 }, (_, i) => fragment.subarray(i % 1000, 2000 + (i % 900))));
  return concat(text(40_000), patternBytes(700_000, 9), new Uint8Array(500_000), repeats, text(5000));
}

function assertTarError(run: () => unknown, pattern: RegExp, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof TarError, `${message}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    assert.match(error.message, pattern, message);
    return true;
  });
}

// ---- building containers by hand ------------------------------------------------------------

function vli(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function le32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function crcBytes(bytes: readonly number[] | Uint8Array): number[] {
  return le32(zlibCrc32(Uint8Array.from(bytes)));
}

interface BlockSpec {
  /** Raw LZMA2 data, end marker included. */
  readonly lzma2: Uint8Array;
  /** The block's decompressed bytes (for the index and the CRC32 check). */
  readonly plain: Uint8Array;
  readonly dictByte?: number;
  /** Filters before LZMA2, as [id, props]. */
  readonly filters?: readonly (readonly [number, readonly number[]])[];
  readonly sizesInHeader?: boolean;
  /** What the index records as the uncompressed size (default: plain.length). */
  readonly indexSize?: number;
}

/** An .xz stream with `blocks`, check None (0) or CRC32 (1). */
function buildXz(blocks: readonly BlockSpec[], checkId: 0 | 1 = 1): Uint8Array {
  const flags = [0, checkId];
  const parts: number[] = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, ...flags, ...crcBytes(flags)];
  const records: number[][] = [];
  for (const block of blocks) {
    const filters = [...(block.filters ?? []), [0x21, [block.dictByte ?? 20]] as const];
    const body = [(filters.length - 1) | (block.sizesInHeader ? 0xc0 : 0)];
    if (block.sizesInHeader) body.push(...vli(block.lzma2.length), ...vli(block.plain.length));
    for (const [id, props] of filters) body.push(...vli(id), ...vli(props.length), ...props);
    const headerSize = Math.ceil((1 + body.length + 4) / 4) * 4;
    const header = [headerSize / 4 - 1, ...body, ...new Array<number>(headerSize - 5 - body.length).fill(0)];
    header.push(...crcBytes(header));
    const check = checkId === 1 ? crcBytes(block.plain) : [];
    parts.push(...header, ...block.lzma2);
    while (parts.length % 4 !== 0) parts.push(0);
    parts.push(...check);
    records.push([header.length + block.lzma2.length + check.length, block.indexSize ?? block.plain.length]);
  }
  const index = [0, ...vli(records.length), ...records.flatMap(([unpadded, size]) => [...vli(unpadded!), ...vli(size!)])];
  while (index.length % 4 !== 0) index.push(0);
  index.push(...crcBytes(index));
  const backward = [...le32(index.length / 4 - 1), ...flags];
  parts.push(...index, ...crcBytes(backward), ...backward, 0x59, 0x5a);
  return Uint8Array.from(parts);
}

/** Raw LZMA2 of `input` by the host's xz (`--format=raw`), end marker included. */
function rawLzma2(input: Uint8Array, options = 'preset=6'): Uint8Array {
  return new Uint8Array(execFileSync('xz', ['-c', '--format=raw', `--lzma2=${options}`], { input, maxBuffer: 1 << 28 }));
}

// ---- checks -----------------------------------------------------------------------------------

test('CRC32, CRC64 and SHA-256 match their reference values', () => {
  const digits = utf8('123456789');
  assert.equal(crc32(digits), 0xcbf43926);
  assert.deepEqual(crc64(digits), Uint8Array.from([0xfa, 0x39, 0x19, 0xdf, 0xbb, 0xc9, 0x5d, 0x99]));
  for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003]) {
    const bytes = patternBytes(length, length + 1);
    assert.equal(Buffer.from(sha256(bytes)).toString('hex'), createHash('sha256').update(bytes).digest('hex'), `sha256 of ${length} bytes`);
    assert.equal(crc32(bytes), zlibCrc32(bytes), `crc32 of ${length} bytes`);
  }
  const bytes = patternBytes(1000, 3);
  assert.deepEqual(sha256(bytes, 100, 900), sha256(bytes.slice(100, 900)));
});

// ---- output equals the input, against the host's xz -------------------------------------------

/** "hello xz\n" as `xz` (CRC64) and `xz --check=crc32` write it, for checks that need no host tool. */
const HELLO_XZ = 'fd377a585a000004e6d6b4460200210116000000742fe5a301000868656c6c6f20787a0a00000000c1493afa6352145a000121096c18c5d51fb6f37d010000000004595a';
const HELLO_XZ_CRC32 = 'fd377a585a0000016922de360200210116000000742fe5a301000868656c6c6f20787a0a00000000557e2e7e00011d09936136a69042990d010000000001595a';

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g)!.map((b) => parseInt(b, 16)));
}

test('xz decodes without a host tool (stored fixtures)', () => {
  assert.equal(fromUtf8(unxz(hex(HELLO_XZ), CAP)), 'hello xz\n');
  assert.equal(fromUtf8(decompress(hex(HELLO_XZ_CRC32))), 'hello xz\n');
  assert.equal(isXz(hex(HELLO_XZ)), true);
  assert.equal(isXz(utf8('hello')), false);
});

test('output equals the input the host xz compressed, for every kind of input and preset', { skip: xzSkip, timeout: 300_000 }, () => {
  const big = mixed();
  const cases: [string, Uint8Array, string[][]][] = [
    ['empty', new Uint8Array(), [['-0'], ['-6'], ['-9e']]],
    ['one byte', utf8('x'), [['-0'], ['-9e']]],
    ['text', text(20_000), [['-0'], ['-1'], ['-3'], ['-6'], ['-9e']]],
    // Incompressible: LZMA2 stores uncompressed chunks, then LZMA chunks after state resets.
    ['random', patternBytes(300_000, 3), [['-0'], ['-6']]],
    ['every byte value', Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff), [['-6']]],
    ['mixed, a few MB', big, [['-0'], ['-6'], ['-9e']]],
  ];
  for (const [name, input, presets] of cases) {
    for (const args of presets) {
      assert.deepEqual(unxz(hostXz(input, args), CAP), input, `${name}, xz ${args.join(' ')}`);
    }
  }
});

test('every check type is verified: None, CRC32, CRC64, SHA-256', { skip: xzSkip }, () => {
  const input = text(5000);
  for (const check of ['none', 'crc32', 'crc64', 'sha256']) {
    const xz = hostXz(input, [`--check=${check}`]);
    assert.deepEqual(unxz(xz, CAP), input, check);
    if (check === 'none') continue;
    // The check field sits right before the index (one block): damage its first byte.
    const damaged = xz.slice();
    const size = { crc32: 4, crc64: 8, sha256: 32 }[check]!;
    const indexStart = xz.length - 12 - (xz[xz.length - 8]! + 1) * 4;
    damaged[indexStart - size]! ^= 0x01;
    assertTarError(() => unxz(damaged, CAP), new RegExp(`${check === 'sha256' ? 'SHA-256' : check.toUpperCase()} check mismatch`), check);
  }
});

test('multi-block files: block sizes in headers (multi-threaded xz) or only in the index', { skip: xzSkip, timeout: 120_000 }, () => {
  const input = mixed().subarray(0, 1_500_000);
  for (const args of [['--block-size=100000'], ['-T2', '--block-size=300000'], ['--block-list=1000,50000,200000', '--check=sha256']]) {
    const xz = hostXz(input, args);
    assert.deepEqual(unxz(xz, CAP), input, args.join(' '));
  }
});

test('concatenated streams and stream padding decode as one, as xz -d does', { skip: xzSkip }, () => {
  const a = text(3000);
  const b = patternBytes(20_000, 11);
  const c = new Uint8Array(0);
  const joined = concat(hostXz(a, ['--check=crc32']), [0, 0, 0, 0], hostXz(b, ['--check=sha256']), hostXz(c), [0, 0, 0, 0, 0, 0, 0, 0]);
  const expected = concat(a, b, c);
  assert.deepEqual(hostUnxz(joined), expected);
  assert.deepEqual(unxz(joined, CAP), expected);
  // Padding that is not a multiple of four, or garbage after the last stream, is refused (as by xz -d).
  assertTarError(() => unxz(concat(hostXz(a), [0, 0, 0]), CAP), /stream padding is not a multiple of four/, 'three padding bytes');
  assertTarError(() => unxz(concat(hostXz(a), utf8('junk')), CAP), /no stream footer/, 'trailing garbage');
  assertTarError(() => unxz(concat(hostXz(a), [1, 0, 0, 0]), CAP), /corrupt or truncated xz data/, 'non-zero padding');
});

test('LZMA2 option corners: lc/lp/pb, small and large dictionaries, match finders, long matches', { skip: xzSkip, timeout: 120_000 }, () => {
  const input = concat(mixed().subarray(0, 600_000), new Uint8Array(100_000).fill(0x61), text(2000));
  for (const options of [
    'preset=6,lc=0,lp=0,pb=0',
    'preset=6,lc=4,lp=0,pb=4',
    'preset=6,lc=0,lp=4,pb=2',
    'preset=6,lc=1,lp=3,pb=1',
    'dict=4KiB',
    'dict=64KiB,mf=hc3,mode=fast',
    'dict=64MiB,mf=bt2,nice=273,depth=0',
    'preset=9e,mf=bt4,nice=273',
  ]) {
    assert.deepEqual(unxz(hostXz(input, [`--lzma2=${options}`]), CAP), input, options);
  }
});

test('Delta and BCJ filters are undone, alone, with start offsets and chained', { skip: xzSkip, timeout: 120_000 }, () => {
  // A real x86-64 executable and patterned noise, so that every converter finds things to convert.
  const executable = new Uint8Array(execFileSync('cat', ['/usr/bin/xz']));
  const input = concat(executable, patternBytes(200_000, 17), Uint8Array.from({ length: 65_536 }, (_, i) => [0xe8, 0xeb, 0x94, 0x48, 0xf0, 0xf8, 0x40, 0x90][i % 8]! ^ (i >> 3)));
  const chains = [
    ['--delta=dist=1'],
    ['--delta=dist=4'],
    ['--delta=dist=256'],
    ['--x86'],
    ['--x86=start=12345'],
    ['--arm'],
    ['--arm=start=4096'],
    ['--armthumb'],
    ['--armthumb=start=2'],
    ['--arm64'],
    ['--arm64=start=8192'],
    ['--powerpc'],
    ['--sparc'],
    ['--sparc=start=64'],
    ['--delta=dist=2', '--x86'],
    ['--x86', '--delta=dist=3'],
  ];
  for (const chain of chains) {
    assert.deepEqual(unxz(hostXz(input, [...chain, '--lzma2=preset=6']), CAP), input, chain.join(' '));
  }
  // Short inputs: converters leave the bytes they cannot look past alone.
  for (const length of [1, 3, 4, 5, 7, 8, 9]) {
    const tiny = Uint8Array.from({ length }, (_, i) => [0xe8, 0xeb, 0x00, 0xff][i % 4]!);
    for (const filter of ['--x86', '--arm', '--armthumb', '--arm64', '--powerpc', '--sparc']) {
      assert.deepEqual(unxz(hostXz(tiny, [filter, '--lzma2']), CAP), tiny, `${filter}, ${length} bytes`);
    }
  }
});

test('the IA-64 BCJ filter is refused with a message naming it', { skip: xzSkip }, () => {
  assertTarError(() => unxz(hostXz(text(100), ['--ia64', '--lzma2']), CAP), /unsupported xz data: filter 0x6 \(IA-64 BCJ\) is not supported/, 'ia64');
});

test('hand-built containers: sizes in the block header, a dictionary reset inside a block', { skip: xzSkip }, () => {
  const a = text(2000);
  const b = patternBytes(5000, 4);
  const c = text(300);
  // Two raw LZMA2 streams glued (the first one's end marker dropped): the second starts with a dictionary reset.
  const first = rawLzma2(a);
  const glued = concat(first.subarray(0, first.length - 1), rawLzma2(b), []);
  const files = [
    buildXz([{ lzma2: glued, plain: concat(a, b) }]),
    buildXz([{ lzma2: rawLzma2(a), plain: a, sizesInHeader: true }, { lzma2: rawLzma2(c, 'preset=0'), plain: c }], 0),
    buildXz([{ lzma2: rawLzma2(c, 'dict=4KiB,lc=0,lp=4'), plain: c, dictByte: 0 }]),
  ];
  for (const [i, file] of files.entries()) {
    assert.deepEqual(unxz(file, CAP), hostUnxz(file), `file ${i}`);
  }
  // An empty block: LZMA2 data that is only the end marker.
  assert.deepEqual(unxz(buildXz([{ lzma2: Uint8Array.of(0), plain: new Uint8Array() }]), CAP), new Uint8Array());
});

test('hostile headers: a 4 GiB dictionary or a huge declared size allocates nothing of the kind', { skip: xzSkip }, () => {
  const a = text(500);
  // Dictionary size byte 40 is 4 GiB - 1: nothing is allocated from it.
  assert.deepEqual(unxz(buildXz([{ lzma2: rawLzma2(a), plain: a, dictByte: 40 }]), CAP), a);
  assertTarError(() => unxz(buildXz([{ lzma2: rawLzma2(a), plain: a, dictByte: 41 }]), CAP), /bad LZMA2 dictionary size/, 'dict byte 41');
  // An index that claims almost the whole cap for 500 bytes of data: refused once decoding falls short, without a 1 GiB array.
  const before = process.memoryUsage().arrayBuffers;
  const liar = buildXz([{ lzma2: rawLzma2(a), plain: a, indexSize: CAP - 1 }]);
  assertTarError(() => unxz(liar, CAP), /fewer bytes than its index record says/, 'index claims more');
  assert.ok(process.memoryUsage().arrayBuffers - before < 256 * 2 ** 20, 'no array near the claimed size was allocated');
  // An index that claims less than the block holds.
  assertTarError(() => unxz(buildXz([{ lzma2: rawLzma2(a), plain: a, indexSize: 100 }]), CAP), /more bytes than its index record says/, 'index claims less');
  // A match that reaches before the dictionary: the block's first LZMA chunk made to continue a previous one.
  const second = rawLzma2(concat(a, a));
  const noReset = second.slice();
  noReset[0] = 0x80 | (noReset[0]! & 0x1f); // LZMA chunk without reset: the first chunk of a block must reset
  assertTarError(() => unxz(buildXz([{ lzma2: noReset, plain: concat(a, a) }]), CAP), /does not reset the dictionary/, 'no dictionary reset');
  // Unknown filters, reserved check types and reserved flags are named.
  assertTarError(() => unxz(buildXz([{ lzma2: rawLzma2(a), plain: a, filters: [[0x0b, []]] }]), CAP), /filter 0xb \(RISC-V BCJ\) is not supported/, 'riscv');
  assertTarError(() => unxz(buildXz([{ lzma2: rawLzma2(a), plain: a, filters: [[0x4242, []]] }]), CAP), /filter 0x4242 is not supported/, 'unknown filter');
  assertTarError(() => unxz(buildXz([{ lzma2: rawLzma2(a), plain: a, filters: [[0x21, [20]]] }]), CAP), /LZMA2 is not the last filter/, 'lzma2 twice');
  const reservedCheck = buildXz([]);
  reservedCheck[7] = 0x02;
  reservedCheck.set(crcBytes([0, 2]), 8);
  reservedCheck[reservedCheck.length - 3] = 0x02;
  reservedCheck.set(crcBytes(reservedCheck.subarray(reservedCheck.length - 8, reservedCheck.length - 2)), reservedCheck.length - 12);
  assertTarError(() => unxz(reservedCheck, CAP), /integrity check type 2 is not supported/, 'check type 2');
});

// ---- damage ----------------------------------------------------------------------------------

test('every flipped byte of a multi-block file is a TarError', { skip: xzSkip, timeout: 300_000 }, () => {
  const input = concat(text(250), patternBytes(1500, 21), text(150));
  const good = concat(hostXz(input, ['--check=crc64', '--block-size=4000']), [0, 0, 0, 0]);
  assert.deepEqual(unxz(good, CAP), input);
  for (let at = 0; at < good.length; at++) {
    for (const mask of [0x01, 0x80]) {
      const bad = good.slice();
      bad[at]! ^= mask;
      if (at === 0 && mask === 0x01) {
        // No longer starts like xz at all.
        assert.equal(detectCompression(bad), 'none');
        continue;
      }
      assertTarError(() => unxz(bad, CAP), /xz data/, `byte ${at} ^ 0x${mask.toString(16)}`);
    }
  }
});

test('every truncation of a file is a TarError', { skip: xzSkip, timeout: 300_000 }, () => {
  const input = concat(text(500), patternBytes(2000, 22));
  const good = hostXz(input, ['--check=sha256', '--block-size=5000']);
  for (let length = 0; length < good.length; length++) {
    assertTarError(() => unxz(good.subarray(0, length), CAP), /xz data/, `cut at ${length}`);
  }
});

test('damaged LZMA data in a file without checks is still caught by the decoder, or decodes as xz -d does', { skip: xzSkip, timeout: 300_000 }, () => {
  // With --check=none only the LZMA2 structure guards the data: whatever we do, xz -d must do the same.
  const input = text(300);
  const good = hostXz(input, ['--check=none']);
  const dataStart = 12 + (good[12]! + 1) * 4;
  for (let at = dataStart; at < dataStart + 60; at++) {
    const bad = good.slice();
    bad[at]! ^= 0x04;
    let reference: Uint8Array | null;
    try {
      reference = hostUnxz(bad);
    } catch {
      reference = null;
    }
    if (reference === null) assertTarError(() => unxz(bad, CAP), /xz data/, `byte ${at}`);
    else assert.deepEqual(unxz(bad, CAP), reference, `byte ${at}: xz -d accepts it`);
  }
});

// ---- the output cap and the way in through decompress() ----------------------------------------

test('an xz bomb stops at the cap before decoding anything', { skip: xzSkip }, () => {
  const bomb = hostXz(new Uint8Array(20_000_000), ['-9']);
  assert.ok(bomb.length < 10_000, `bomb is ${bomb.length} bytes`);
  assert.throws(() => unxz(bomb, 1_000_000), (error: unknown) => error instanceof DecompressLimitError && error.format === 'xz' && /more than 1000000 bytes/.test(error.message));
  assert.throws(() => decompress(bomb, 19_999_999), DecompressLimitError);
  assert.equal(decompress(bomb, 20_000_000).length, 20_000_000);
});

test('a tar.xz made by the host reads as the tar through decompress()', { skip: xzSkip }, () => {
  const tar = writeTar([
    { path: 'dir', type: 'dir', mode: 0o755 },
    { path: 'dir/file', type: 'file', mode: 0o644, data: utf8('content\n') },
    { path: 'dir/noise', type: 'file', mode: 0o600, data: patternBytes(100_000, 8) },
  ]);
  const xz = hostXz(tar);
  assert.equal(detectCompression(xz), 'xz');
  const entries = readTar(decompress(xz));
  assert.deepEqual(entries.map((e) => [e.path.replace(/\/$/, ''), e.type]), [['dir', 'dir'], ['dir/file', 'file'], ['dir/noise', 'file']]);
  assert.equal(fromUtf8(entries.find((e) => e.path === 'dir/file')!.data), 'content\n');
  assert.deepEqual(entries.find((e) => e.path === 'dir/noise')!.data, patternBytes(100_000, 8));
});
