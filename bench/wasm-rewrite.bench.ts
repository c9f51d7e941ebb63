/**
 * How long the memory-limit rewrite (src/kernel/exec/memory-limit.ts) takes,
 * against compiling the same bytes with `new WebAssembly.Module` in the same
 * run: the rewrite happens once per distinct binary, right before that
 * compile, so the ratio says how much it adds to a cold start.
 *
 *   node --import tsx bench/wasm-rewrite.bench.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { instrumentMemory } from '../src/kernel/exec/memory-limit.ts';

const root = new URL('..', import.meta.url);
const inputs: [string, string][] = [
  ['hello.wasm', 'wasm/bin/hello.wasm'],
  ['malloc-loop.wasm', 'src/kernel/exec/fixtures/malloc-loop.wasm'],
  ['simd.wasm', 'src/kernel/exec/fixtures/simd.wasm'],
  ['sjlj.wasm', 'src/kernel/exec/fixtures/sjlj.wasm'],
  // A larger real-world module (emscripten), when the dev dependency is installed.
  ['webp_codec.wasm (playwright-core)', 'node_modules/playwright-core/lib/webp_codec.wasm'],
];

/**
 * `bytes` with a custom section holding `n` appended: the same module to
 * both the rewriter and the engine, but new bytes to V8, whose native module
 * cache would otherwise answer every compile after the first from memory.
 */
function variant(bytes: Uint8Array, n: number): Uint8Array<ArrayBuffer> {
  const payload = new TextEncoder().encode(`\u0005bench${n}`); // name "bench" (5 bytes), then the counter
  const out = new Uint8Array(bytes.length + 2 + payload.length);
  out.set(bytes);
  out[bytes.length] = 0; // custom section
  out[bytes.length + 1] = payload.length; // < 128: one LEB128 byte
  out.set(payload, bytes.length + 2);
  return out;
}

/** Median milliseconds of `fn(i)` over enough runs to take at least `budgetMs`. */
function median(fn: (i: number) => void, budgetMs = 400): { ms: number; runs: number } {
  let i = 0;
  for (; i < 5; i++) fn(i); // warm up
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 15 || (performance.now() - start < budgetMs && times.length < 2000)) {
    const t = performance.now();
    fn(i++);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] as number, runs: times.length };
}

console.log('memory-limit rewrite vs new WebAssembly.Module (median of each, same run)');
for (const [label, path] of inputs) {
  const url = new URL(path, root);
  if (!existsSync(url)) {
    console.log(`${label}: not present, skipped`);
    continue;
  }
  const bytes = new Uint8Array(readFileSync(url));
  const variants = Array.from({ length: 2100 }, (_, n) => variant(bytes, n));
  const rewrite = median((i) => instrumentMemory(variants[i] as Uint8Array));
  const compile = median((i) => new WebAssembly.Module(variants[i] as Uint8Array<ArrayBuffer>));
  const mbPerS = bytes.length / 1e6 / (rewrite.ms / 1000);
  console.log(
    `${label}: ${(bytes.length / 1024).toFixed(1)} KiB  rewrite ${rewrite.ms.toFixed(3)} ms (${mbPerS.toFixed(0)} MB/s, ${rewrite.runs} runs)  ` +
      `compile ${compile.ms.toFixed(3)} ms (${compile.runs} runs)  ratio rewrite/compile ${(rewrite.ms / compile.ms).toFixed(2)}`,
  );
}
