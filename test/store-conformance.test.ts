/**
 * The storage conformance suite (src/unionfs/store/testsuite) on every store
 * Node can run: memory, directory and IndexedDB on fake-indexeddb. The same
 * suite runs in real Chromium in test/store-browser.test.ts.
 */
import { test } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// idb recognises requests by the global IDB classes: install fake-indexeddb's.
import 'fake-indexeddb/auto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { BlobStoreOptions } from '../src/platform/types.ts';
import { MemoryBlobMedium, MemoryBlobStore } from '../src/platform/memory/blob-store.ts';
import { DirBlobStore } from '../src/platform/node/dir-blob-store.ts';
import { IdbBlobStore } from '../src/platform/browser/idb-blob-store.ts';
import { conformanceCases, runCase, type StoreFactory, type StoreLocation } from '../src/unionfs/store/testsuite/index.ts';

interface MemoryLocation extends StoreLocation {
  readonly medium: MemoryBlobMedium;
}

const memory: StoreFactory = {
  name: 'memory',
  async create(): Promise<MemoryLocation> {
    const medium = new MemoryBlobMedium();
    return { medium, open: (options?: BlobStoreOptions) => MemoryBlobStore.open(medium, options) };
  },
  async destroy() {},
};

interface DirLocation extends StoreLocation {
  readonly root: string;
}

const directory: StoreFactory = {
  name: 'directory',
  async create(): Promise<DirLocation> {
    const root = await mkdtemp(join(tmpdir(), 'drydock-store-'));
    return { root, open: (options?: BlobStoreOptions) => DirBlobStore.open({ ...options, root }) };
  },
  async destroy(location) {
    await rm((location as DirLocation).root, { recursive: true, force: true });
  },
};

const fakeIndexedDb: StoreFactory = {
  name: 'indexeddb (fake-indexeddb)',
  async create(): Promise<StoreLocation> {
    // A fresh factory per location: an isolated "browser profile".
    const factory = new IDBFactory();
    return { open: (options?: BlobStoreOptions) => IdbBlobStore.open({ ...options, name: 'drydock-test', indexedDB: factory, keyRange: IDBKeyRange }) };
  },
  async destroy() {},
};

for (const factory of [memory, directory, fakeIndexedDb]) {
  for (const c of conformanceCases()) {
    test(`${factory.name}: ${c.group}: ${c.name}`, () => runCase(factory, c));
  }
}
