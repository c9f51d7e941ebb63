/**
 * Loading a layer blob: decompress if gzipped, build the read-only tree, and
 * compute the diff id (sha256 of the uncompressed tar, via WebCrypto), the
 * identity image configs list in rootfs.diff_ids.
 */
import { sha256Hex } from '../../common/bytes.ts';
import { isGzip, maybeGunzip } from '../tar/gzip.ts';
import type { ApplyOptions, SkippedEntry } from './apply.ts';
import { applyLayerTar } from './apply.ts';
import type { LayerTree } from './tree.ts';

/** A layer ready to be a lower layer of an overlay. */
export interface Layer {
  readonly tree: LayerTree;
  /** "sha256:<hex>" of the uncompressed tar. */
  readonly diffId: string;
  /** Size of the uncompressed tar in bytes. */
  readonly size: number;
  /** Whether the blob given was gzipped. */
  readonly compressed: boolean;
  readonly skipped: readonly SkippedEntry[];
}

/** "sha256:<hex>" of an uncompressed layer tar (decompressing it first if it is gzip). */
export async function diffIdOf(bytes: Uint8Array): Promise<string> {
  return `sha256:${await sha256Hex(maybeGunzip(bytes))}`;
}

/** Builds a layer from its blob (plain or gzipped tar). Throws TarError on a hostile or corrupt entry. */
export async function loadLayer(blob: Uint8Array, options: ApplyOptions = {}): Promise<Layer> {
  const applied = applyLayerTar(blob, options);
  const diffId = `sha256:${await sha256Hex(applied.tar)}`;
  return { tree: applied.tree, diffId, size: applied.tar.length, compressed: isGzip(blob), skipped: applied.skipped };
}
