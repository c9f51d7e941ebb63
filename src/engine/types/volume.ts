/**
 * Volume types of the Docker Engine API (moby api/types/volume, swagger 1.47).
 */

/** Usage data, computed only for GET /system/df. Size -1 means "not computed". */
export interface VolumeUsageData {
  Size: number;
  RefCount: number;
}

/** GET /volumes/{name}, entries of GET /volumes, POST /volumes/create's answer. */
export interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  /** RFC3339 (seconds precision, as dockerd's local driver reports it). */
  CreatedAt?: string;
  Status?: Record<string, unknown>;
  Labels: Record<string, string> | null;
  Scope: 'local' | 'global';
  Options: Record<string, string> | null;
  UsageData?: VolumeUsageData | null;
}

/** The body of POST /volumes/create. */
export interface VolumeCreateRequest {
  /** Empty: a random 64-hex name (an anonymous volume). */
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string>;
  Labels?: Record<string, string>;
}

/** GET /volumes. */
export interface VolumeListResponse {
  Volumes: Volume[] | null;
  Warnings: string[] | null;
}

/** POST /volumes/prune. */
export interface VolumePruneReport {
  VolumesDeleted: string[] | null;
  SpaceReclaimed: number;
}
