/**
 * Preloading the shipped images (public/images/*.tar, `docker save`
 * archives built by wasm/images/build.mjs) into an engine's store at
 * startup. Idempotent and cheap on later starts: an image already stored
 * is not read again; a tag that exists (even pointing elsewhere, because
 * the user re-tagged it) is never moved; a tag that is missing is set.
 */
import type { ImageStore } from './image-store.ts';
import { readImageArchive, storeLoadedImages } from './load.ts';
import { familiarString } from './reference.ts';

export interface PreloadResult {
  /** Familiar tags set by this call ("busybox:latest"). */
  readonly tagged: string[];
  /** IDs of images stored by this call. */
  readonly added: string[];
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** Loads each archive's images and missing tags into `store`; a bad archive rejects (nothing of it is stored). */
export async function preloadImages(store: ImageStore, archives: Iterable<Uint8Array>): Promise<PreloadResult> {
  const tagged: string[] = [];
  const added: string[] = [];
  for (const bytes of archives) {
    const images = await readImageArchive(once(bytes), { skipLayersOf: (id) => store.get(id) !== null });
    for (const image of images) {
      const missingRefs = image.refs.filter((ref) => store.refTarget(ref) === null);
      if (store.get(image.id)) {
        for (const ref of missingRefs) {
          await store.tag(store.get(image.id)!, ref, { quiet: true });
          tagged.push(familiarString(ref));
        }
        continue;
      }
      await storeLoadedImages(store, [{ ...image, refs: missingRefs }]);
      added.push(image.id);
      tagged.push(...missingRefs.map(familiarString));
    }
  }
  return { tagged, added };
}
