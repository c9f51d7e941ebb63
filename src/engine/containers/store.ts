import type { BlobStore, StoredRecord } from '../../platform/types.ts';
import type { Snapshotter } from '../../unionfs/store/snapshotter.ts';
import type { LogMessage } from '../types/container.ts';
import type { ContainerRecord } from './container.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Persistence of containers: records (`container/<id>`), logs
 * (`logs/<id>` blobs, one JSON line per message) and writable layers
 * (Snapshotter checkpoints under the container's snapshot key).
 */
export class ContainerStore {
  constructor(
    private readonly blobs: BlobStore,
    readonly snapshots: Snapshotter,
  ) {}

  async load(): Promise<ContainerRecord[]> {
    const records = await this.blobs.listRecords('container/');
    return records.map((r) => r.value as unknown as ContainerRecord);
  }

  async save(record: ContainerRecord): Promise<void> {
    await this.blobs.commit([{ op: 'putRecord', key: `container/${record.id}`, value: JSON.parse(JSON.stringify(record)) as StoredRecord }]);
  }

  async remove(record: ContainerRecord): Promise<void> {
    await this.blobs.commit([
      { op: 'deleteRecord', key: `container/${record.id}` },
      { op: 'deleteBlob', key: `logs/${record.id}` },
    ]);
    try {
      await this.snapshots.remove(record.snapshotKey);
    } catch {
      // No writable layer was ever saved.
    }
  }

  async saveLogs(id: string, messages: readonly LogMessage[]): Promise<void> {
    const lines = messages.map((m) =>
      JSON.stringify({ s: m.stream === 'stdout' ? 1 : 2, t: m.timestamp.toString(), l: decoder.decode(m.line) }),
    );
    await this.blobs.commit([{ op: 'putBlob', key: `logs/${id}`, bytes: encoder.encode(lines.join('\n')) }]);
  }

  async loadLogs(id: string): Promise<LogMessage[]> {
    const bytes = await this.blobs.getBlob(`logs/${id}`);
    if (!bytes || bytes.length === 0) return [];
    return decoder
      .decode(bytes)
      .split('\n')
      .map((line) => JSON.parse(line) as { s: number; t: string; l: string })
      .map((m) => ({ stream: m.s === 1 ? 'stdout' : 'stderr', timestamp: BigInt(m.t), line: encoder.encode(m.l) }));
  }

  /** Saves the writable layer (creating the active snapshot the first time). */
  async saveUpper(key: string, bytes: Uint8Array): Promise<void> {
    try {
      await this.snapshots.stat(key);
    } catch {
      await this.snapshots.prepare(key, null);
    }
    await this.snapshots.checkpoint(key, bytes);
  }

  async loadUpper(key: string): Promise<Uint8Array | null> {
    try {
      return await this.snapshots.readUpper(key);
    } catch {
      return null;
    }
  }
}
