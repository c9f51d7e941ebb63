/**
 * The xz decoder (src/unionfs/tar/xz.ts) on an 8 MB payload shaped like a
 * build context or an image archive (text, part of a real executable, a
 * little incompressible noise, a run of zeros), as ratios against
 * references measured in the same run on the same bytes:
 *  - the host's `xz -d` (xz-utils, C; what dockerd runs to decompress xz),
 *    timed as a whole process run on the compressed file with its output to
 *    /dev/null (start-up included, as dockerd pays it; no pipe copying);
 *  - our bzip2 decoder (src/unionfs/tar/bzip2.ts) on the payload compressed
 *    by the host's `bzip2 -9`;
 *  - fflate's gunzip (the gzip path of decompress()) on our gzip of it.
 * xz is compressed with `xz -6` (the default) and with `-6 --check=sha256`
 * (the check is computed over all output, in TypeScript too).
 * Target: within 4x of the native tool, and faster than our bzip2 decoder.
 * Needs /usr/bin/xz and /usr/bin/bzip2 (the references are skipped without).
 * Run: node --import tsx bench/xz.bench.ts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatBytes, utf8 } from '../src/common/bytes.ts';
import { bunzip2 } from '../src/unionfs/tar/bzip2.ts';
import { gunzipChunks, gzip } from '../src/unionfs/tar/gzip.ts';
import { unxz } from '../src/unionfs/tar/xz.ts';
import { patternBytes } from '../src/unionfs/store/testsuite/harness.ts';

const ROUNDS = 7;
const CAP = 2 ** 30;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}


function payload(): Uint8Array {
  const text = utf8(Array.from({ length: 80_000 }, (_, i) => `${i.toString(16)} /usr/lib/pkg-${i % 97}/file-${i % 1013}.so mode=0644 size=${(i * 7919) % 100_000}\n`).join(''));
  const executable = new Uint8Array(readFileSync(process.execPath)).subarray(0, 3_000_000);
  return concatBytes([text, executable, patternBytes(1_000_000, 7), new Uint8Array(500_000)]).subarray(0, 8_000_000);
}

function host(tool: string, args: string[], input: Uint8Array): Uint8Array {
  return new Uint8Array(execFileSync(tool, args, { input, maxBuffer: 1 << 28 }));
}

function main(): void {
  if (!existsSync('/usr/bin/xz')) {
    console.log('xz bench skipped: needs /usr/bin/xz to make the input');
    return;
  }
  const plain = payload();
  const mb = plain.length / 1e6;
  const xz = host('xz', ['-c', '-6', '-T1'], plain);
  const xzSha = host('xz', ['-c', '-6', '-T1', '--check=sha256'], plain);
  const bz2 = existsSync('/usr/bin/bzip2') ? host('bzip2', ['-c', '-9'], plain) : null;
  const gz = gzip(plain);
  const dir = mkdtempSync(join(tmpdir(), 'drydock-bench-xz-'));
  const file = join(dir, 'payload.xz');
  writeFileSync(file, xz);
  const devNull = openSync('/dev/null', 'w');
  try {
    for (const [name, bytes] of [['xz', xz], ['xz sha256', xzSha]] as const) {
      if (unxz(bytes, CAP).length !== plain.length) throw new Error(`${name}: wrong output size`);
    }
    const times: Record<string, number[]> = { ours: [], oursSha: [], native: [], bzip2: [], gunzip: [] };
    for (let r = 0; r < ROUNDS; r++) {
      times.ours!.push(time(() => unxz(xz, CAP)));
      times.oursSha!.push(time(() => unxz(xzSha, CAP)));
      times.native!.push(time(() => spawnSync('xz', ['-d', '-c', file], { stdio: ['ignore', devNull, 'inherit'] })));
      if (bz2) times.bzip2!.push(time(() => bunzip2(bz2, CAP)));
      times.gunzip!.push(time(() => gunzipChunks([gz])));
    }
    const ours = median(times.ours!);
    const line = (label: string, ms: number, extra = '') =>
      console.log(`${label.padEnd(44)} median ${ms.toFixed(1).padStart(8)} ms  ${(mb / (ms / 1000)).toFixed(1).padStart(6)} MB/s${extra}`);
    console.log(`payload ${plain.length} bytes; xz -6 ${xz.length}, bzip2 -9 ${bz2?.length ?? '-'}, gzip -6 ${gz.length}; ${ROUNDS} rounds`);
    line('unxz (ours, CRC64)', ours);
    line('unxz (ours, SHA-256)', median(times.oursSha!), `   ratio vs CRC64: ${(median(times.oursSha!) / ours).toFixed(2)}`);
    line('xz -d (host xz-utils, whole process)', median(times.native!), `   ours / host: ${(ours / median(times.native!)).toFixed(2)}`);
    if (bz2) line('bunzip2 (ours, same payload)', median(times.bzip2!), `   ours xz / ours bzip2: ${(ours / median(times.bzip2!)).toFixed(2)}`);
    line('gunzip (fflate, same payload)', median(times.gunzip!), `   ours xz / fflate gunzip: ${(ours / median(times.gunzip!)).toFixed(2)}`);
  } finally {
    closeSync(devNull);
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
