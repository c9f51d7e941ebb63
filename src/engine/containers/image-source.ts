import type { LayerTree } from '../../unionfs/layer/tree.ts';
import type { ImageRuntimeConfig } from './config.ts';

/** An image as the container code needs it. */
export interface ContainerImage {
  /** "sha256:<hex>". */
  readonly id: string;
  /** The runtime part of the image config (Env, Cmd, Entrypoint, WorkingDir, ...). */
  readonly config: ImageRuntimeConfig;
  /** Layer diff ids, bottom first. */
  readonly diffIds: readonly string[];
  readonly repoTags: readonly string[];
}

/**
 * Where containers get images from (src/engine/daemon/images.ts adapts the
 * image store). A container leases its layers, so they stay mountable even
 * after `docker rmi -f` deleted its image (as in dockerd).
 */
export interface ImageSource {
  /** By name, ID or ID prefix; NotFoundError "No such image: x:latest". */
  resolve(name: string): ContainerImage;
  /** By exact ID; null when the image is gone. */
  byId(id: string): ContainerImage | null;
  /** Layers as read-only trees for an overlay, bottom first. */
  layerTrees(diffIds: readonly string[]): Promise<LayerTree[]>;
  /** Keeps `diffIds` stored while container `owner` exists. */
  lease(owner: string, diffIds: readonly string[]): Promise<void>;
  release(owner: string): Promise<void>;
}
