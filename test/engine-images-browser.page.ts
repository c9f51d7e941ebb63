/**
 * The page test/engine-images-browser.test.ts bundles and loads in real
 * Chromium: the image store and images backend over the real IndexedDB
 * (IdbBlobStore), the shipped busybox preloaded from a served tar, and a
 * pull from a registry without CORS.
 */
import { IdbBlobStore } from '../src/platform/browser/idb-blob-store.ts';
import { MemoryBlobStore } from '../src/platform/memory/blob-store.ts';
import { ImageStore } from '../src/engine/images/image-store.ts';
import { DrydockImagesBackend } from '../src/engine/images/images-backend.ts';
import { preloadImages } from '../src/engine/images/preload.ts';
import { fromWhatwgFetch } from '../src/engine/images/registry/http.ts';

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const c of stream) chunks.push(c);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

const api = {
  /** Preloads /images/busybox.tar into IndexedDB; returns the image as the store sees it. */
  async preload(): Promise<{ id: string; tags: string[] }> {
    const bytes = new Uint8Array(await (await fetch('/images/busybox.tar')).arrayBuffer());
    const blobs = await IdbBlobStore.open({ name: 'drydock-images-test' });
    const store = await ImageStore.open(blobs);
    await preloadImages(store, [bytes]);
    const image = store.resolve('busybox');
    await blobs.close();
    return { id: image.id, tags: [...image.repoTags] };
  },
  /** After a reload: the image is still there, its layers mount, docker save / load round-trips. */
  async reopen(): Promise<{ id: string; busyboxSize: number; reloadedId: string }> {
    const blobs = await IdbBlobStore.open({ name: 'drydock-images-test' });
    const store = await ImageStore.open(blobs);
    const backend = new DrydockImagesBackend({ store });
    const image = store.resolve('busybox');
    const trees = await store.layerTrees(image);
    const busybox = trees[1]!.lookup(['bin', 'busybox'])!;
    const tar = await collect(await backend.export(['busybox'], new AbortController().signal));
    const other = new DrydockImagesBackend({ store: await ImageStore.open(await MemoryBlobStore.open()) });
    await other.load(once(tar), { quiet: true }, () => {}, new AbortController().signal);
    const reloadedId = (await other.inspect('busybox')).Id;
    await blobs.close();
    return { id: image.id, busyboxSize: busybox.data!.size, reloadedId };
  },
  /** Pulls from a registry that sends no CORS headers: the error must say why. */
  async pull(host: string): Promise<string> {
    const backend = new DrydockImagesBackend({
      store: await ImageStore.open(await MemoryBlobStore.open()),
      distribution: { fetch: fromWhatwgFetch(fetch), browser: true },
    });
    try {
      await backend.pull({ fromImage: `${host}/busybox`, tag: 'latest', platform: '' }, () => {}, new AbortController().signal);
      return 'pulled';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  },
};

(globalThis as unknown as { drydockImages: typeof api }).drydockImages = api;
