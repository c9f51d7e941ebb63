/**
 * Checking a layer blob before it is stored: decompress (plain, gzip, bzip2
 * or xz),
 * build its read-only tree with the hostile-entry policy of
 * src/unionfs/layer/apply.ts (so a layer that could escape its root is
 * refused before anything is stored), and measure what dockerd reports.
 */
import { loadLayer } from '../../unionfs/layer/load.ts';
import type { LayerNode, LayerTree } from '../../unionfs/layer/tree.ts';
import { TarError } from '../../unionfs/tar/errors.ts';
import { InvalidImageError } from './image-config.ts';

/** Media types of layers (Docker schema 2 and OCI). */
export const MediaTypes = {
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifestV1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  dockerManifestV1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
} as const;

/** A verified layer blob. */
export interface CheckedLayer {
  /** sha256 of the uncompressed tar. */
  readonly diffId: string;
  /** Bytes of the layer's regular files, as dockerd's DiffSize. */
  readonly size: number;
  /** The bytes to store and their media type: a plain or gzip blob as given; bzip2 and xz decompressed (dockerd keeps layers uncompressed; registries take gzip). */
  readonly stored: { readonly blob: Uint8Array; readonly mediaType: string };
  readonly tree: LayerTree;
}

/**
 * dockerd's layer size (DiffSize): what its tar unpacker counts, the data of
 * regular-file entries; directories, symlinks, hard links and whiteouts add
 * nothing. Counted per inode of the tree (a file replaced later in the same
 * tar counts once).
 */
export function contentSize(tree: LayerTree): number {
  const seen = new Set<number>();
  let total = 0;
  const walk = (node: LayerNode) => {
    if (node.kind === 'dir') {
      for (const child of node.children?.values() ?? []) walk(child);
      return;
    }
    if (node.kind !== 'file' || seen.has(node.ino)) return;
    seen.add(node.ino);
    total += node.data?.size ?? 0;
  };
  walk(tree.root);
  return total;
}

/**
 * Verifies a layer blob: it must be a plain or compressed tar whose entries
 * pass the extraction policy, and (if given) its uncompressed sha256 must
 * be `expectedDiffId`. InvalidImageError naming `what` otherwise.
 * `mediaType` is what the blob is said to be (an OCI descriptor's); by
 * default the Docker layer type of its compression.
 */
export async function checkLayerBlob(blob: Uint8Array, what: string, expectedDiffId?: string, mediaType?: string): Promise<CheckedLayer> {
  let layer;
  try {
    layer = await loadLayer(blob);
  } catch (error) {
    if (error instanceof TarError) throw new InvalidImageError(`${what}: ${error.message}`);
    throw error;
  }
  if (expectedDiffId !== undefined && layer.diffId !== expectedDiffId) {
    throw new InvalidImageError(`${what}: invalid diffID: expected ${JSON.stringify(expectedDiffId)}, got ${JSON.stringify(layer.diffId)}`);
  }
  const stored =
    layer.compression === 'gzip'
      ? { blob, mediaType: mediaType ?? MediaTypes.dockerLayerGzip }
      : layer.compression === 'none'
        ? { blob, mediaType: mediaType ?? MediaTypes.dockerLayer }
        : { blob: layer.tar, mediaType: MediaTypes.dockerLayer };
  return { diffId: layer.diffId, size: contentSize(layer.tree), stored, tree: layer.tree };
}
