import { nowNs } from '../../common/time.ts';
import type { FileSystem } from '../../unionfs/vfs/types.ts';
import type { BlobStore, StoredRecord } from '../../platform/types.ts';
import { ConflictError, InvalidParameterError, NotFoundError } from '../errors.ts';
import type { Filters } from '../types/filters.ts';
import type { Volume, VolumeCreateRequest, VolumeListResponse, VolumePruneReport } from '../types/volume.ts';
import type { VolumesBackend } from '../api/routers/volume-backend.ts';
import { formatRfc3339Nano } from '../api/timestamp.ts';
import { randomId } from '../daemon/ids.ts';
import type { EventBus } from '../daemon/events.ts';
import { directorySize } from '../daemon/directory-size.ts';

/**
 * Where volume contents live: a directory under the data root in Node, memory
 * (persisted by the engine) elsewhere. Provided by the entry point.
 */
export interface VolumeDriver {
  /** The filesystem holding the volume's data (created if missing). */
  open(name: string): FileSystem;
  /** Deletes the volume's data. */
  destroy(name: string): Promise<void>;
  /** Where the data is, shown as Mountpoint. */
  mountpoint(name: string): string;
  /** Makes the volume's current data durable, for drivers that keep it in memory (see memory-driver.ts). */
  flush?(name: string): Promise<void>;
}

interface VolumeRecord extends StoredRecord {
  name: string;
  created: string;
  labels: Record<string, string>;
  options: Record<string, string>;
  anonymous: boolean;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * Named volumes (driver "local"): created on first use or with `docker
 * volume create`, they outlive containers. The container manager reports
 * which volumes are in use (`inUse`), so removing one in use is a 409 and
 * prune keeps it.
 */
export class VolumeManager implements VolumesBackend {
  private readonly volumes = new Map<string, VolumeRecord>();
  private readonly mounted = new Map<string, FileSystem>();
  /** Set by the daemon: the IDs of containers using a volume (running or not). */
  usedBy: (name: string) => string[] = () => [];

  private constructor(
    private readonly driver: VolumeDriver,
    private readonly store: BlobStore,
    private readonly events: EventBus,
  ) {}

  static async open(driver: VolumeDriver, store: BlobStore, events: EventBus): Promise<VolumeManager> {
    const manager = new VolumeManager(driver, store, events);
    for (const { value } of await store.listRecords('volume/')) {
      const record = value as VolumeRecord;
      manager.volumes.set(record.name, record);
    }
    return manager;
  }

  /** The volume's filesystem, creating the volume if it does not exist (`-v name:/path`). */
  async use(name: string, options: { anonymous?: boolean } = {}): Promise<{ fs: FileSystem; created: boolean }> {
    let created = false;
    if (!this.volumes.has(name)) {
      await this.create({ Name: name }, options.anonymous ?? false);
      created = true;
    }
    let fs = this.mounted.get(name);
    if (!fs) {
      fs = this.driver.open(name);
      this.mounted.set(name, fs);
    }
    return { fs, created };
  }

  /** A fresh anonymous volume (an image VOLUME or `-v /path`). */
  async anonymous(): Promise<string> {
    const name = randomId();
    await this.create({ Name: name }, true);
    return name;
  }

  mountpoint(name: string): string {
    return this.driver.mountpoint(name);
  }

  /** Makes a volume's data durable if its driver keeps it in memory (a no-op for host directories). */
  async flush(name: string): Promise<void> {
    if (this.mounted.has(name)) await this.driver.flush?.(name);
  }

  has(name: string): boolean {
    return this.volumes.has(name);
  }

  /** True for a volume created for one container (an image VOLUME, `-v /path`): `docker rm -v` removes those only. */
  isAnonymous(name: string): boolean {
    return this.volumes.get(name)?.anonymous ?? false;
  }

  private toVolume(record: VolumeRecord): Volume {
    return {
      CreatedAt: record.created,
      Driver: 'local',
      // dockerd answers null, not {}, for a volume without labels or options.
      Labels: Object.keys(record.labels).length > 0 ? record.labels : null,
      Mountpoint: this.driver.mountpoint(record.name),
      Name: record.name,
      Options: Object.keys(record.options).length > 0 ? record.options : null,
      Scope: 'local',
    };
  }

  private get(name: string): VolumeRecord {
    const record = this.volumes.get(name);
    if (!record) throw new NotFoundError(`get ${name}: no such volume`);
    return record;
  }

  async list(filters: Filters): Promise<VolumeListResponse> {
    const dangling = filters.has('dangling') ? filters.getBool('dangling', false) : null;
    const volumes = [...this.volumes.values()]
      .filter((v) => filters.get('name').length === 0 || filters.get('name').some((n) => v.name.includes(n)))
      .filter((v) => filters.get('driver').length === 0 || filters.get('driver').includes('local'))
      .filter((v) => filters.matchKeyValue('label', v.labels))
      .filter((v) => dangling === null || (this.usedBy(v.name).length === 0) === dangling)
      .map((v) => this.toVolume(v));
    return { Volumes: volumes, Warnings: null };
  }

  /**
   * The volumes `docker system df` reports, with UsageData (as dockerd's
   * LocalVolumesSize: only volumes without driver options; RefCount is the
   * number of containers using it, Size the bytes of its files).
   */
  usage(): Volume[] {
    const out: Volume[] = [];
    for (const record of this.volumes.values()) {
      if (Object.keys(record.options).length > 0) continue;
      let fs = this.mounted.get(record.name);
      if (!fs) {
        fs = this.driver.open(record.name);
        this.mounted.set(record.name, fs);
      }
      out.push({ ...this.toVolume(record), UsageData: { RefCount: this.usedBy(record.name).length, Size: directorySize(fs.root()) } });
    }
    return out;
  }

  async inspect(name: string): Promise<Volume> {
    return this.toVolume(this.get(name));
  }

  async create(request: VolumeCreateRequest, anonymous = false): Promise<Volume> {
    const name = request.Name || randomId();
    if (!NAME.test(name)) {
      throw new InvalidParameterError(
        `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
      );
    }
    if (request.Driver && request.Driver !== 'local') {
      throw new NotFoundError(`error looking up volume plugin ${request.Driver}: plugin "${request.Driver}" not found`);
    }
    const existing = this.volumes.get(name);
    if (existing) return this.toVolume(existing);
    const record: VolumeRecord = {
      name,
      created: formatRfc3339Nano(nowNs()).replace(/\.\d+Z$/, 'Z'),
      labels: { ...(request.Labels ?? {}) },
      options: { ...(request.DriverOpts ?? {}) },
      anonymous,
    };
    await this.store.commit([{ op: 'putRecord', key: `volume/${name}`, value: record }]);
    this.volumes.set(name, record);
    this.events.publish('volume', 'create', name, { driver: 'local' });
    return this.toVolume(record);
  }

  async remove(name: string, options: { force: boolean }): Promise<void> {
    const record = this.volumes.get(name);
    if (!record) {
      if (options.force) return;
      throw new NotFoundError(`get ${name}: no such volume`);
    }
    const users = this.usedBy(name);
    if (users.length > 0) throw new ConflictError(`remove ${name}: volume is in use - [${users.join(', ')}]`);
    await this.store.commit([{ op: 'deleteRecord', key: `volume/${name}` }]);
    this.volumes.delete(name);
    this.mounted.delete(name);
    await this.driver.destroy(name);
    this.events.publish('volume', 'destroy', name, { driver: 'local' });
  }

  async prune(filters: Filters): Promise<VolumePruneReport> {
    const all = filters.getBool('all', false);
    const deleted: string[] = [];
    for (const record of [...this.volumes.values()]) {
      if (!all && !record.anonymous) continue;
      if (!filters.matchKeyValue('label', record.labels)) continue;
      if (this.usedBy(record.name).length > 0) continue;
      await this.remove(record.name, { force: true });
      deleted.push(record.name);
    }
    this.events.publish('volume', 'prune', '', { reclaimed: '0' });
    return { VolumesDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: 0 };
  }
}
