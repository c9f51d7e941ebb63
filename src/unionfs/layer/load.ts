/**
 * Loading a layer blob: decompress if gzipped, build the read-only tree, and
 * compute the diff id (sha256 of the uncompressed tar, via WebCrypto), the
 * identity image configs list in rootfs.diff_ids.
 */
import { sha256Hex } from '../../common/bytes.ts';
import { detectCompression } from '../tar/decompress.ts';
import type { Compression } from '../tar/decompress.ts';
import type { ApplyOptions, SkippedEntry } from './apply.ts';
import { applyLayerTar, plainLayerTar } from './apply.ts';
import type { LayerTree } from './tree.ts';

/** A layer ready to be a lower layer of an overlay. */
export interface Layer {
  readonly tree: LayerTree;
  /** "sha256:<hex>" of the uncompressed tar. */
  readonly diffId: string;
  /** Size of the uncompressed tar in bytes. */
  readonly size: number;
  /** How the blob given was compressed. */
  readonly compression: Compression;
  /** The uncompressed tar (the blob itself when it was plain). */
  readonly tar: Uint8Array;
  readonly skipped: readonly SkippedEntry[];
}

/** "sha256:<hex>" of an uncompressed layer tar (decompressing it first if it is compressed). */
export async function diffIdOf(bytes: Uint8Array): Promise<string> {
  return `sha256:${await sha256Hex(plainLayerTar(bytes))}`;
}

/** Builds a layer from its blob (a plain, gzip, bzip2 or xz tar). Throws TarError on a hostile or corrupt entry. */
export async function loadLayer(blob: Uint8Array, options: ApplyOptions = {}): Promise<Layer> {
  const applied = applyLayerTar(blob, options);
  const diffId = `sha256:${await sha256Hex(applied.tar)}`;
  return { tree: applied.tree, diffId, size: applied.tar.length, compression: detectCompression(blob), tar: applied.tar, skipped: applied.skipped };
}
