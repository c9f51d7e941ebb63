/**
 * What the volume router needs (moby daemon/server/router/volume/backend.go).
 * A missing volume is NotFoundError "get <name>: no such volume"; removing
 * one in use is ConflictError.
 */
import type { Filters } from '../../types/filters.ts';
import type { Volume, VolumeCreateRequest, VolumeListResponse, VolumePruneReport } from '../../types/volume.ts';

/** Filter names GET /volumes accepts. */
export const VOLUME_LIST_FILTERS = ['dangling', 'driver', 'label', 'name'] as const;
/** Filter names POST /volumes/prune accepts (`all` from API 1.42). */
export const VOLUME_PRUNE_FILTERS = ['all', 'label', 'label!'] as const;

export interface VolumesBackend {
  /** GET /volumes. */
  list(filters: Filters): Promise<VolumeListResponse>;
  /** GET /volumes/{name}. */
  inspect(name: string): Promise<Volume>;
  /** POST /volumes/create (201); creating an existing name returns the existing volume. */
  create(request: VolumeCreateRequest): Promise<Volume>;
  /** DELETE /volumes/{name}; `force` ignores a missing volume. */
  remove(name: string, options: { force: boolean }): Promise<void>;
  /** POST /volumes/prune: anonymous unused volumes, or all unused with the `all=true` filter. */
  prune(filters: Filters): Promise<VolumePruneReport>;
}
