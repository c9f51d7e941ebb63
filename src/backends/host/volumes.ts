/** VolumesBackend over a real Docker engine: the volumes are the real engine's. */
import type { VolumesBackend } from '../../engine/api/routers/volume-backend.ts';
import type { DockerClient } from '../../engine/client/client.ts';
import type { Filters } from '../../engine/types/filters.ts';
import type { Volume, VolumeCreateRequest, VolumeListResponse, VolumePruneReport } from '../../engine/types/volume.ts';
import { forward } from './upstream.ts';

export class HostVolumesBackend implements VolumesBackend {
  constructor(private readonly client: DockerClient) {}

  list(filters: Filters): Promise<VolumeListResponse> {
    return forward(() => this.client.listVolumes(filters.toJSON()));
  }

  inspect(name: string): Promise<Volume> {
    return forward(() => this.client.inspectVolume(name));
  }

  create(request: VolumeCreateRequest): Promise<Volume> {
    return forward(() => this.client.createVolume(request));
  }

  remove(name: string, options: { force: boolean }): Promise<void> {
    return forward(() => this.client.removeVolume(name, { force: options.force }));
  }

  prune(filters: Filters): Promise<VolumePruneReport> {
    return forward(() => this.client.pruneVolumes(filters.toJSON()));
  }
}
