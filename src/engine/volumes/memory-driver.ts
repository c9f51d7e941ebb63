/**
 * Volumes whose data lives in memory (the browser, `drydock daemon
 * --storage memory`), made durable in the engine's BlobStore: each volume's
 * tree is one blob, `volumedata/<name>` (`memFsToTar` with its root), written
 * by `flush` and loaded when the engine opens. In the browser that is
 * IndexedDB, so a volume's files survive a page reload, as a named volume
 * survives a daemon restart on Docker.
 *
 * Invariants
 *  - A flush is one BlobStore commit: after a crash or reload the volume is
 *    as of its last completed flush, never a half-written tree.
 *  - The container manager flushes a container's volumes whenever it saves
 *    the container (exit, stop, update, shutdown), the same moments its
 *    writable layer is saved; writes after the last flush of a page that is
 *    closed while the container runs are lost, as its layer's are.
 *  - A saved tree that no longer reads (a corrupt blob) opens as an empty
 *    volume and is reported through `onCorrupt`, never stopping the engine.
 */
import type { BlobStore } from '../../platform/types.ts';
import { MemFs } from '../../unionfs/memfs/memfs.ts';
import { memFsFromTar, memFsToTar } from '../../unionfs/memfs/memfs-tar.ts';
import { TarError } from '../../unionfs/tar/errors.ts';
import type { VolumeDriver } from './volumes.ts';

const PREFIX = 'volumedata/';

export interface MemoryVolumeOptions {
  /** The filesystem type volumes show in /proc/mounts. */
  readonly type: string;
  /** Mountpoint of volume `name`, as `docker volume inspect` shows it. */
  readonly mountpoint: (name: string) => string;
  /** Told about a saved volume whose tree could not be read (it opens empty). */
  readonly onCorrupt?: (name: string, error: TarError) => void;
}

export class MemoryVolumeDriver implements VolumeDriver {
  /** Each volume's `generation` when it was loaded or last flushed: an unchanged volume is not written again. */
  private readonly savedGeneration = new Map<string, number>();

  private constructor(
    private readonly store: BlobStore,
    private readonly options: MemoryVolumeOptions,
    private readonly volumes: Map<string, MemFs>,
  ) {
    for (const [name, fs] of volumes) this.savedGeneration.set(name, fs.generation);
  }

  /** The driver with every saved volume loaded. */
  static async open(store: BlobStore, options: MemoryVolumeOptions): Promise<MemoryVolumeDriver> {
    const volumes = new Map<string, MemFs>();
    for (const { key } of await store.listBlobs(PREFIX)) {
      const name = key.slice(PREFIX.length);
      const bytes = await store.getBlob(key);
      if (bytes === null) continue;
      try {
        volumes.set(name, memFsFromTar(bytes, { type: options.type }));
      } catch (error) {
        if (!(error instanceof TarError)) throw error;
        options.onCorrupt?.(name, error);
      }
    }
    return new MemoryVolumeDriver(store, options, volumes);
  }

  open(name: string): MemFs {
    let fs = this.volumes.get(name);
    if (!fs) this.volumes.set(name, (fs = new MemFs({ type: this.options.type })));
    return fs;
  }

  /** Saves the volume's tree if it changed since (StorageQuotaError when the store is full; the previous save stays whole). */
  async flush(name: string): Promise<void> {
    const fs = this.volumes.get(name);
    if (!fs || fs.generation === (this.savedGeneration.get(name) ?? 0)) return;
    const generation = fs.generation;
    await this.store.commit([{ op: 'putBlob', key: PREFIX + name, bytes: memFsToTar(fs, { withRoot: true }) }]);
    this.savedGeneration.set(name, generation);
  }

  async destroy(name: string): Promise<void> {
    this.volumes.delete(name);
    this.savedGeneration.delete(name);
    // Deleting a blob that was never saved is a no-op (BlobStore contract): no need to read it first.
    await this.store.commit([{ op: 'deleteBlob', key: PREFIX + name }]);
  }

  mountpoint(name: string): string {
    return this.options.mountpoint(name);
  }
}
