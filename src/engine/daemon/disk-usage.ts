/**
 * GET /system/df (`docker system df [-v]`), computed as dockerd 20.10's
 * SystemDiskUsage: the listed images with their container counts and shared
 * sizes, every container with SizeRw/SizeRootFs, the local volumes without
 * driver options with UsageData, and LayersSize (each layer of the listed
 * images once). The classic builder keeps no build cache: BuildCache is
 * empty.
 */
import type { EngineContainersBackend } from '../containers/containers-backend.ts';
import type { ContainerManager } from '../containers/manager.ts';
import type { DrydockImagesBackend } from '../images/images-backend.ts';
import { Filters } from '../types/filters.ts';
import type { DiskUsage, DiskUsageOptions } from '../types/system.ts';
import type { VolumeManager } from '../volumes/volumes.ts';

export interface DiskUsageSources {
  readonly images: DrydockImagesBackend;
  readonly containers: ContainerManager;
  readonly containersBackend: EngineContainersBackend;
  readonly volumes: VolumeManager;
}

export async function diskUsage(sources: DiskUsageSources, options: DiskUsageOptions): Promise<DiskUsage> {
  const usage: DiskUsage = { LayersSize: 0, Images: [], Containers: [], Volumes: [], BuildCache: [], BuilderSize: 0 };
  if (options.images) {
    const images = await sources.images.list({ all: false, digests: false, sharedSize: true, manifests: false, filters: Filters.empty() });
    const containerImages = sources.containers.all().map((c) => c.record.image);
    for (const image of images) image.Containers = containerImages.filter((id) => id === image.Id).length;
    usage.Images = images;
    usage.LayersSize = sources.images.layersSize();
  }
  if (options.containers) usage.Containers = await sources.containersBackend.list({ all: true, size: true, filters: Filters.empty() });
  if (options.volumes) usage.Volumes = sources.volumes.usage();
  return usage;
}
