/**
 * How the conformance suite reaches a store: a factory makes fresh, empty
 * locations (a directory, an IndexedDB database, a memory medium); a location
 * can be opened, closed and opened again, which is how the suite checks that
 * committed data survives a restart or a page reload.
 */
import type { BlobStore, BlobStoreOptions } from '../../../platform/types.ts';

/** One storage location. */
export interface StoreLocation {
  /** Opens a store on this location; it sees everything committed by stores opened on it before. */
  open(options?: BlobStoreOptions): Promise<BlobStore>;
}

export interface StoreFactory {
  /** Shown in test names: "memory", "directory", "indexeddb (fake)", "indexeddb (chromium)". */
  readonly name: string;
  /** A fresh, empty location. */
  create(): Promise<StoreLocation>;
  /** Frees the location's resources (stores opened on it are closed by the suite). */
  destroy(location: StoreLocation): Promise<void>;
}

/** One conformance check. */
export interface ConformanceCase {
  readonly group: 'blob-store' | 'content-store' | 'snapshotter';
  readonly name: string;
  run(location: StoreLocation): Promise<void>;
}

/** Result of one case, as `runConformance` reports it (and the browser page sends back). */
export interface CaseResult {
  readonly name: string;
  readonly ok: boolean;
  readonly error: string | null;
  readonly ms: number;
}

/** Opens a store on `location`, runs `fn`, and closes the store whatever happens. */
export async function withStore<T>(location: StoreLocation, options: BlobStoreOptions, fn: (store: BlobStore) => Promise<T>): Promise<T> {
  const store = await location.open(options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function patternBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed | 0) || 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
