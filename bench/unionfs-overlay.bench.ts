/**
 * Overlay benchmarks, each a ratio against a reference measured in the same run:
 *  1. stat and open (resolve + read of the first 4 KiB) of a file at layer
 *     depth 50 vs depth 1, through a MountNamespace as the kernel does it
 *     (target <= 1.2); the cold first lookup (which builds the merged
 *     directory indexes) is reported too.
 *  2. copy-up of a 10 MB file vs a plain 10 MB write into a MemFs (reported).
 *
 * Run: node --import tsx bench/unionfs-overlay.bench.ts
 */
import { utf8 } from '../src/common/bytes.ts';
import { applyLayerTar } from '../src/unionfs/layer/apply.ts';
import type { LayerTree } from '../src/unionfs/layer/tree.ts';
import { MemFs } from '../src/unionfs/memfs/memfs.ts';
import { OverlayFs } from '../src/unionfs/overlay/overlay-fs.ts';
import type { TarWriteEntry } from '../src/unionfs/tar/entry.ts';
import { writeTar } from '../src/unionfs/tar/writer.ts';
import { ROOT } from '../src/unionfs/vfs/credentials.ts';
import { MountNamespace } from '../src/unionfs/vfs/mount-namespace.ts';

const TARGET = '/usr/share/doc/pkg/target';
const DIRS = ['bin', 'etc', 'lib', 'usr/bin', 'usr/lib', 'usr/share/doc/pkg', 'var/lib'];

/** A layer like a package install: 20 files in each of a few common directories. */
function layerTree(index: number, withTarget: boolean): LayerTree {
  const entries: TarWriteEntry[] = [];
  for (const dir of DIRS) {
    for (let i = 0; i < 20; i++) entries.push({ path: `${dir}/l${index}-f${i}`, type: 'file', mode: 0o644, data: utf8(`layer ${index} file ${i}`) });
  }
  if (withTarget) entries.push({ path: TARGET.slice(1), type: 'file', mode: 0o644, data: new Uint8Array(8192).fill(7) });
  return applyLayerTar(writeTar(entries)).tree;
}

function namespace(depth: number): MountNamespace {
  // The target sits in the bottom layer: the worst case for a layer-by-layer search.
  const lowers = Array.from({ length: depth }, (_, i) => layerTree(i, i === depth - 1));
  return new MountNamespace(new OverlayFs({ lowers, upper: new MemFs() }));
}

function statOnce(ns: MountNamespace): number {
  return ns.resolve(ns.root(), TARGET, { follow: true, creds: ROOT }).inode.stat().size;
}

function openOnce(ns: MountNamespace): number {
  return ns.resolve(ns.root(), TARGET, { follow: true, creds: ROOT }).inode.read(0, 4096).length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** ns per call of `fn`, median of `rounds` rounds of `iterations` calls. */
function timePerCall(fn: () => number, iterations: number): () => number {
  return () => {
    let sink = 0;
    const start = performance.now();
    for (let i = 0; i < iterations; i++) sink += fn();
    const elapsed = performance.now() - start;
    if (sink < 0) console.log(sink);
    return (elapsed * 1e6) / iterations;
  };
}

/** Runs the two measurements interleaved, so drift affects both alike. */
function compare(a: () => number, b: () => number, rounds: number): [number, number] {
  const as: number[] = [];
  const bs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    as.push(a());
    bs.push(b());
  }
  return [median(as), median(bs)];
}

function fmt(ns: number): string {
  return ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`;
}

let missed = false;
function report(what: string, value: number, reference: number, target?: number): void {
  const ratio = value / reference;
  let verdict = '';
  if (target !== undefined) {
    const met = ratio <= target;
    if (!met) missed = true;
    verdict = met ? `  (target <= ${target}: met)` : `  (target <= ${target}: MISSED)`;
  }
  console.log(`${what.padEnd(58)} ${fmt(value).padStart(10)} vs ${fmt(reference).padStart(10)}  ratio ${ratio.toFixed(2)}${verdict}`);
}

// ---- 1. lookups vs layer depth
const shallow = namespace(1);
const deep = namespace(50);
for (let i = 0; i < 20_000; i++) {
  statOnce(shallow);
  statOnce(deep);
  openOnce(shallow);
  openOnce(deep);
}
const iterations = 20_000;
const [statDeep, statShallow] = compare(timePerCall(() => statOnce(deep), iterations), timePerCall(() => statOnce(shallow), iterations), 15);
report('stat of a file, depth 50 vs depth 1', statDeep, statShallow, 1.2);
const [openDeep, openShallow] = compare(timePerCall(() => openOnce(deep), iterations), timePerCall(() => openOnce(shallow), iterations), 15);
report('open (resolve + read 4 KiB), depth 50 vs depth 1', openDeep, openShallow, 1.2);

const deepLayers = Array.from({ length: 50 }, (_, i) => layerTree(i, i === 49));
const shallowLayers = [layerTree(0, true)];
const cold = (layers: LayerTree[]) => () => {
  const start = performance.now();
  statOnce(new MountNamespace(new OverlayFs({ lowers: layers, upper: new MemFs() })));
  return (performance.now() - start) * 1e6;
};
const [coldDeep, coldShallow] = compare(cold(deepLayers), cold(shallowLayers), 41);
report('first stat on a fresh overlay (builds indexes), 50 vs 1', coldDeep, coldShallow);

// ---- 2. copy-up of 10 MB vs a plain 10 MB write
const SIZE = 10 * 1024 * 1024;
const big = new Uint8Array(SIZE);
for (let i = 0; i < SIZE; i += 4096) big[i] = i & 0xff;
const bigLayer = applyLayerTar(writeTar([{ path: 'data/big', type: 'file', mode: 0o644, data: big }])).tree;
const copyUp = (): number => {
  const fs = new OverlayFs({ lowers: [bigLayer], upper: new MemFs() });
  const inode = fs.root().lookup('data')!.lookup('big')!;
  const start = performance.now();
  inode.setAttr({ mode: 0o600 }); // chmod: a copy-up with no other data written
  return (performance.now() - start) * 1e6;
};
const plainWrite = (): number => {
  const fs = new MemFs();
  const start = performance.now();
  fs.root().create('big', 'file', { mode: 0o644, uid: 0, gid: 0 }).write(0, big);
  return (performance.now() - start) * 1e6;
};
for (let i = 0; i < 3; i++) {
  copyUp();
  plainWrite();
}
const [copyUpTime, plainTime] = compare(copyUp, plainWrite, 15);
report('copy-up of a 10 MB file vs a plain 10 MB memfs write', copyUpTime, plainTime);

if (missed) {
  console.log('a target was missed');
  process.exitCode = 1;
}
