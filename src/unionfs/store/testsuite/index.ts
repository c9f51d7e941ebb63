/**
 * The storage conformance suite: every case, for BlobStore implementations
 * and for the content store and snapshotter running on them. Node tests wrap
 * each case in node:test (test/store-conformance.test.ts); the Chromium test
 * runs them in a page with `runConformance` (test/store-browser.test.ts).
 */
import { blobStoreCases } from './blob-store-suite.ts';
import { contentStoreCases } from './content-store-suite.ts';
import type { CaseResult, ConformanceCase, StoreFactory } from './harness.ts';
import { snapshotterCases } from './snapshotter-suite.ts';

export type { CaseResult, ConformanceCase, StoreFactory, StoreLocation } from './harness.ts';
export { patternBytes, withStore } from './harness.ts';
export { HOSTILE_BLOB_KEYS } from './blob-store-suite.ts';
export { HOSTILE_DIGESTS } from './content-store-suite.ts';

/** Every conformance case, in a stable order. */
export function conformanceCases(): ConformanceCase[] {
  return [...blobStoreCases(), ...contentStoreCases(), ...snapshotterCases()];
}

/** Runs one case on a fresh location of `factory`. */
export async function runCase(factory: StoreFactory, conformanceCase: ConformanceCase): Promise<void> {
  const location = await factory.create();
  try {
    await conformanceCase.run(location);
  } finally {
    await factory.destroy(location);
  }
}

/** Runs every case (or those whose name contains `filter`) and reports each result; never throws. */
export async function runConformance(factory: StoreFactory, filter = ''): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of conformanceCases()) {
    const name = `${c.group}: ${c.name}`;
    if (!name.includes(filter)) continue;
    const started = performance.now();
    try {
      await runCase(factory, c);
      results.push({ name, ok: true, error: null, ms: performance.now() - started });
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
      results.push({ name, ok: false, error: text, ms: performance.now() - started });
    }
  }
  return results;
}
