import type { LayerTree } from '../../unionfs/layer/tree.ts';
import type { ImageRuntimeConfig } from './config.ts';

/** An image as the container code needs it. */
export interface ContainerImage {
  /** "sha256:<hex>". */
  readonly id: string;
  /** The runtime part of the image config (Env, Cmd, Entrypoint, WorkingDir, ...). */
  readonly config: ImageRuntimeConfig;
  readonly repoTags: readonly string[];
}

/**
 * Where containers get images from: the image store (src/engine/images)
 * implements it. `resolve` throws NotFoundError "No such image: x:latest".
 */
export interface ImageSource {
  resolve(name: string): ContainerImage;
  /** By exact ID; null when the image is gone. */
  byId(id: string): ContainerImage | null;
  /** The image's layers as read-only trees for an overlay, bottom first. */
  layerTrees(image: ContainerImage): Promise<LayerTree[]>;
}
