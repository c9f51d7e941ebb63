/**
 * A BlobStore in a directory (Node), the default storage of `drydock` under
 * its data root. containerd's layout for blobs, a journal for atomicity:
 *
 *   <root>/storage.lock        pid of the process that has the store open
 *   <root>/blobs/<ns>/<name>   committed blobs, e.g. blobs/sha256/<hex>
 *   <root>/ingest/             temp files of transactions in flight
 *   <root>/metadata.json       manifest: records and blob sizes up to `seq`
 *   <root>/metadata.journal    one checksummed line per transaction after `seq`
 *
 * Commit protocol (one transaction at a time):
 *  1. each new blob is written to ingest/<tmp> and fsynced; ingest/ is fsynced;
 *  2. one journal line (records, blob keys, sizes, temp names) is appended and
 *     fsynced: this is the commit point;
 *  3. temps are renamed into blobs/<ns>/<name> and the directories fsynced,
 *     the in-memory index is switched, deleted blobs are unlinked;
 *  4. every `compactAfter` transactions the state is written to
 *     metadata.json (temp + fsync + rename + fsync) and the journal emptied.
 * Recovery on open replays the manifest and the journal's valid lines (a torn
 * last line was never acknowledged and is cut off), renames the temps of
 * committed transactions that were not renamed yet, unlinks blob files the
 * state does not list (deleted before the crash) and empties ingest/. So a
 * crash at any point leaves either the whole transaction or none of it, and
 * no temp file is ever visible as a blob.
 *
 * Invariants: only one store is open per directory (storage.lock, stale locks
 * of dead processes are taken over); the in-memory index (records, blob sizes)
 * is the truth while open and equals manifest + journal on disk; a file in
 * blobs/ is complete whenever the index lists it. ENOSPC/EDQUOT from the disk
 * become StorageQuotaError after the temps are removed. Node built-ins are
 * allowed here (platform code); nothing outside `root` is ever touched.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { BlobEntry, BlobStore, BlobStoreOp, BlobStoreOptions, BlobStoreUsage, RecordEntry, StoredRecord } from '../types.ts';
import {
  checkBlobKey,
  checkRecordKey,
  enforceQuota,
  isStoredRecord,
  normalizeQuota,
  planTransaction,
  recordCost,
  type TransactionPlan,
  usageDelta,
} from '../../unionfs/store/blob-keys.ts';
import {
  BlobStoreConflictError,
  BlobStoreCorruptError,
  BlobStoreUnavailableError,
  StorageQuotaError,
} from '../../unionfs/store/errors.ts';
import { SerialQueue } from '../../unionfs/store/serial.ts';

/**
 * The default data root: `$XDG_DATA_HOME/drydock` when XDG_DATA_HOME is an
 * absolute path (the XDG spec ignores relative ones), else
 * `~/.local/share/drydock`.
 */
export function defaultDataRoot(env: Readonly<Record<string, string | undefined>> = process.env, home: string = homedir()): string {
  const xdg = env.XDG_DATA_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'drydock');
  return join(home, '.local', 'share', 'drydock');
}

export interface DirBlobStoreOptions extends BlobStoreOptions {
  /** The directory (created if missing). */
  readonly root: string;
  /** Journal entries after which the state is compacted into metadata.json (default 512). */
  readonly compactAfter?: number;
}

const LOCK = 'storage.lock';
const MANIFEST = 'metadata.json';
const JOURNAL = 'metadata.journal';
const MANIFEST_FORMAT = 1;

/** Roots opened by this process (its own lock file does not make them free). */
const openRoots = new Set<string>();

interface RecordSlot {
  readonly json: string;
  readonly cost: number;
}

/** One journal line: a committed transaction's net effect. */
interface JournalEntry {
  seq: number;
  /** [key, size, temp name] for a put, [key, null, null] for a delete. */
  blobs: Array<[string, number | null, string | null]>;
  /** [key, value] for a put, [key, null] for a delete. */
  records: Array<[string, StoredRecord | null]>;
}

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function errnoCode(error: unknown): string | undefined {
  return error !== null && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/** Disk-full errors become StorageQuotaError; everything else passes through. */
function mapFsError(error: unknown, what: string): unknown {
  const code = errnoCode(error);
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') {
    return new StorageQuotaError(null, null, null, `${what}: the disk is full (${code})`);
  }
  return error;
}

async function syncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

async function acquireLock(root: string): Promise<void> {
  const path = join(root, LOCK);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
    const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    const ours = pid === process.pid && !openRoots.has(root);
    if (Number.isSafeInteger(pid) && pid > 0 && pidAlive(pid) && !ours) {
      throw new BlobStoreUnavailableError(`data root ${root} is in use by process ${pid} (${path})`);
    }
    // A stale lock of a process that died (or of a store of ours that was never closed).
    await unlink(path).catch((error: unknown) => {
      if (errnoCode(error) !== 'ENOENT') throw error;
    });
  }
  throw new BlobStoreUnavailableError(`could not take the lock ${path}`);
}

/** Parses the journal; returns the valid entries and the byte length they occupy. */
function parseJournal(bytes: Buffer): { entries: JournalEntry[]; validLength: number } {
  const entries: JournalEntry[] = [];
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) break; // a torn last line: never acknowledged
    const line = bytes.toString('utf8', at, end);
    const space = line.indexOf(' ');
    if (space < 0) break;
    const json = line.slice(space + 1);
    if (checksum(json) !== line.slice(0, space)) break;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(json) as JournalEntry;
    } catch {
      break;
    }
    entries.push(entry);
    at = end + 1;
  }
  return { entries, validLength: at };
}

/** BlobStore over a directory; see the module comment for the layout and the commit protocol. */
export class DirBlobStore implements BlobStore {
  private readonly records = new Map<string, RecordSlot>();
  private readonly blobs = new Map<string, number>();
  private readonly namespaces = new Set<string>();
  private readonly queue = new SerialQueue();
  private usedBytes = 0;
  private seq = 0;
  private journal: FileHandle | null = null;
  private journalLength = 0;
  private journalEntries = 0;
  private closed = false;
  /** Set when an I/O failure left the on-disk state ahead of memory: only a reopen (recovery) helps. */
  private broken: string | null = null;
  private readonly quotaBytes: number | null;
  private readonly compactAfter: number;

  private constructor(
    /** Absolute path of the store's directory. */
    readonly root: string,
    options: DirBlobStoreOptions,
  ) {
    this.quotaBytes = normalizeQuota(options.quotaBytes);
    this.compactAfter = Math.max(1, options.compactAfter ?? 512);
  }

  /** Opens (creating or recovering) the store in `options.root`. */
  static async open(options: DirBlobStoreOptions): Promise<DirBlobStore> {
    const root = resolve(options.root);
    const store = new DirBlobStore(root, options);
    await mkdir(root, { recursive: true });
    await acquireLock(root);
    openRoots.add(root);
    try {
      await store.recover();
    } catch (error) {
      openRoots.delete(root);
      await store.journal?.close().catch(() => undefined);
      await unlink(join(root, LOCK)).catch(() => undefined);
      throw error;
    }
    return store;
  }

  private blobPath(key: string): string {
    return join(this.root, 'blobs', key);
  }

  private ingestPath(name: string): string {
    return join(this.root, 'ingest', name);
  }

  private setRecord(key: string, json: string | null): void {
    const old = this.records.get(key);
    if (old) this.usedBytes -= old.cost;
    if (json === null) {
      this.records.delete(key);
    } else {
      const slot = { json, cost: recordCost(key, json) };
      this.records.set(key, slot);
      this.usedBytes += slot.cost;
    }
  }

  private setBlob(key: string, size: number | null): void {
    this.usedBytes -= this.blobs.get(key) ?? 0;
    if (size === null) {
      this.blobs.delete(key);
    } else {
      this.blobs.set(key, size);
      this.usedBytes += size;
    }
  }

  /** Loads manifest + journal, then makes the directory match them (see the module comment). */
  private async recover(): Promise<void> {
    await mkdir(join(this.root, 'blobs'), { recursive: true });
    await mkdir(join(this.root, 'ingest'), { recursive: true });
    let manifestText: string | null = null;
    try {
      manifestText = await readFile(join(this.root, MANIFEST), 'utf8');
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
    }
    if (manifestText !== null) {
      let manifest: { format?: unknown; seq?: unknown; blobs?: unknown; records?: unknown };
      try {
        manifest = JSON.parse(manifestText) as typeof manifest;
      } catch (error) {
        throw new BlobStoreCorruptError(`${join(this.root, MANIFEST)} is not valid JSON: ${(error as Error).message}`);
      }
      if (manifest.format !== MANIFEST_FORMAT || typeof manifest.seq !== 'number' || !isStoredRecord(manifest.blobs) || !isStoredRecord(manifest.records)) {
        throw new BlobStoreCorruptError(`${join(this.root, MANIFEST)} has an unknown format`);
      }
      this.seq = manifest.seq;
      for (const [key, size] of Object.entries(manifest.blobs)) {
        if (typeof size !== 'number') throw new BlobStoreCorruptError(`manifest: bad size for blob ${key}`);
        this.setBlob(key, size);
      }
      for (const [key, value] of Object.entries(manifest.records)) {
        if (!isStoredRecord(value)) throw new BlobStoreCorruptError(`manifest: bad record ${key}`);
        this.setRecord(key, JSON.stringify(value));
      }
    }

    // Replay the journal; remember which temp holds the latest bytes of each key it put.
    const journalPath = join(this.root, JOURNAL);
    const journalBytes = await readFile(journalPath).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') return Buffer.alloc(0);
      throw error;
    });
    const { entries, validLength } = parseJournal(journalBytes);
    const pendingTemps = new Map<string, string>();
    let replayed = 0;
    for (const entry of entries) {
      if (entry.seq <= this.seq) continue; // already in the manifest (crash between compaction steps)
      if (entry.seq !== this.seq + 1) {
        throw new BlobStoreCorruptError(`${journalPath}: transaction ${entry.seq} follows ${this.seq}`);
      }
      for (const [key, size, temp] of entry.blobs) {
        this.setBlob(key, size);
        if (size !== null && temp !== null) pendingTemps.set(key, temp);
        else pendingTemps.delete(key);
      }
      for (const [key, value] of entry.records) this.setRecord(key, value === null ? null : JSON.stringify(value));
      this.seq = entry.seq;
      replayed++;
    }

    // Finish the renames of committed transactions.
    const touchedDirs = new Set<string>();
    for (const [key, temp] of pendingTemps) {
      const tempPath = this.ingestPath(temp);
      if (await exists(tempPath)) {
        const ns = key.slice(0, key.indexOf('/'));
        await mkdir(join(this.root, 'blobs', ns), { recursive: true });
        await rename(tempPath, this.blobPath(key));
        touchedDirs.add(join(this.root, 'blobs', ns));
      }
    }
    // Remove blob files the state does not list (deleted before the crash) and every temp.
    for (const ns of await readdir(join(this.root, 'blobs'), { withFileTypes: true })) {
      const nsPath = join(this.root, 'blobs', ns.name);
      if (!ns.isDirectory()) {
        await unlink(nsPath);
        continue;
      }
      this.namespaces.add(ns.name);
      for (const file of await readdir(nsPath, { withFileTypes: true })) {
        const key = `${ns.name}/${file.name}`;
        if (file.isFile() && !this.blobs.has(key)) {
          await unlink(join(nsPath, file.name));
          touchedDirs.add(nsPath);
        }
      }
    }
    await rm(join(this.root, 'ingest'), { recursive: true, force: true });
    await mkdir(join(this.root, 'ingest'));
    for (const dir of touchedDirs) await syncDir(dir);
    await syncDir(join(this.root, 'blobs'));
    await syncDir(this.root);

    await writeFile(journalPath, '', { flag: 'a' });
    const journal = await open(journalPath, 'r+');
    this.journal = journal;
    this.journalLength = validLength;
    if (validLength !== journalBytes.length) {
      await journal.truncate(validLength);
      await journal.datasync();
    }
    this.journalEntries = replayed;
    if (replayed > 0 || journalBytes.length > 0) await this.tryCompact();
  }

  /** Writes the state to metadata.json and empties the journal. */
  private async compact(): Promise<void> {
    const blobs: Record<string, number> = {};
    for (const key of [...this.blobs.keys()].sort()) blobs[key] = this.blobs.get(key)!;
    const records: string[] = [];
    for (const key of [...this.records.keys()].sort()) records.push(`${JSON.stringify(key)}:${this.records.get(key)!.json}`);
    const text = `{"format":${MANIFEST_FORMAT},"seq":${this.seq},"blobs":${JSON.stringify(blobs)},"records":{${records.join(',')}}}\n`;
    const temp = join(this.root, `${MANIFEST}.tmp`);
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(text);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(this.root, MANIFEST));
    await syncDir(this.root);
    await this.journal!.truncate(0);
    // From here on the file is empty: appends must start at 0 even if the sync below fails.
    this.journalLength = 0;
    this.journalEntries = 0;
    await this.journal!.datasync();
  }

  private checkOpen(): void {
    if (this.closed) throw new BlobStoreUnavailableError(`blob store ${this.root} is closed`);
    if (this.broken) throw new BlobStoreUnavailableError(`blob store ${this.root} failed (${this.broken}); reopen it to recover`);
  }

  async getBlob(key: string): Promise<Uint8Array | null> {
    this.checkOpen();
    checkBlobKey(key);
    if (!this.blobs.has(key)) return null;
    try {
      const buffer = await readFile(this.blobPath(key));
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
      // Deleted by a commit since we looked (the index switches before files are unlinked)?
      if (!this.blobs.has(key)) return null;
      throw new BlobStoreCorruptError(`blob ${key} is listed but ${this.blobPath(key)} is missing`);
    }
  }

  async listBlobs(prefix: string): Promise<BlobEntry[]> {
    this.checkOpen();
    const out: BlobEntry[] = [];
    for (const [key, size] of this.blobs) if (key.startsWith(prefix)) out.push({ key, size });
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async getRecord(key: string): Promise<StoredRecord | null> {
    this.checkOpen();
    checkRecordKey(key);
    const slot = this.records.get(key);
    return slot ? (JSON.parse(slot.json) as StoredRecord) : null;
  }

  async listRecords(prefix: string): Promise<RecordEntry[]> {
    this.checkOpen();
    const out: RecordEntry[] = [];
    for (const [key, slot] of this.records) if (key.startsWith(prefix)) out.push({ key, value: JSON.parse(slot.json) as StoredRecord });
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async usage(): Promise<BlobStoreUsage> {
    this.checkOpen();
    return { usedBytes: this.usedBytes, quotaBytes: this.quotaBytes };
  }

  async commit(ops: readonly BlobStoreOp[]): Promise<void> {
    this.checkOpen();
    const plan = planTransaction(ops);
    await this.queue.run(() => this.commitLocked(plan));
  }

  private async commitLocked(plan: TransactionPlan): Promise<void> {
    // Not checkOpen(): close() lets queued commits finish.
    if (this.broken) throw new BlobStoreUnavailableError(`blob store ${this.root} failed (${this.broken}); reopen it to recover`);
    for (const { key, present } of plan.requirements) {
      if (this.records.has(key) !== present) throw new BlobStoreConflictError(key, present);
    }
    const delta = usageDelta(plan, (key) => this.blobs.get(key) ?? null, (key) => this.records.get(key)?.cost ?? null);
    enforceQuota(delta, this.usedBytes, this.quotaBytes);
    if (plan.blobs.size === 0 && plan.records.size === 0) return;
    const seq = this.seq + 1;

    // 1. Temps, fsynced, in fsynced directories.
    const entry: JournalEntry = { seq, blobs: [], records: [] };
    const temps: string[] = [];
    const nonce = randomBytes(6).toString('hex');
    try {
      for (const [key, bytes] of plan.blobs) {
        if (bytes === null) {
          entry.blobs.push([key, null, null]);
          continue;
        }
        await this.ensureNamespace(key.slice(0, key.indexOf('/')));
        const temp = `${seq}.${temps.length}.${nonce}.tmp`;
        temps.push(temp);
        const handle = await open(this.ingestPath(temp), 'wx');
        try {
          await handle.writeFile(bytes);
          await handle.datasync();
        } finally {
          await handle.close();
        }
        entry.blobs.push([key, bytes.length, temp]);
      }
      if (temps.length > 0) await syncDir(join(this.root, 'ingest'));
    } catch (error) {
      await this.removeTemps(temps);
      throw mapFsError(error, 'writing a blob');
    }
    for (const [key, slot] of plan.records) entry.records.push([key, slot ? slot.value : null]);

    // 2. The commit point: one fsynced journal line.
    const json = JSON.stringify(entry);
    const line = Buffer.from(`${checksum(json)} ${json}\n`);
    try {
      await this.appendJournal(line);
    } catch (error) {
      await this.removeTemps(temps);
      throw mapFsError(error, 'writing the journal');
    }

    // 3. Make it visible: renames, index switch, unlinks.
    try {
      const dirs = new Set<string>();
      for (const [key, size, temp] of entry.blobs) {
        if (size === null || temp === null) continue;
        await rename(this.ingestPath(temp), this.blobPath(key));
        dirs.add(join(this.root, 'blobs', key.slice(0, key.indexOf('/'))));
      }
      for (const dir of dirs) await syncDir(dir);
      this.seq = seq;
      for (const [key, size] of entry.blobs) this.setBlob(key, size);
      for (const [key, slot] of plan.records) this.setRecord(key, slot ? slot.json : null);
      for (const [key, size] of entry.blobs) {
        if (size === null) await unlink(this.blobPath(key)).catch((error: unknown) => {
          if (errnoCode(error) !== 'ENOENT') throw error;
        });
      }
      this.journalEntries++;
    } catch (error) {
      // The transaction is durable (the journal has it) but not fully applied: recovery on reopen finishes it.
      this.broken = `applying transaction ${seq}: ${(error as Error).message}`;
      throw new BlobStoreUnavailableError(`blob store ${this.root}: ${this.broken}; the transaction is committed and will be completed on reopen`);
    }
    if (this.journalEntries >= this.compactAfter) await this.tryCompact();
  }

  /**
   * Compacts unless the disk refuses (full): compaction only shortens
   * recovery, the journal stays valid without it, so a failure is not an error.
   */
  private async tryCompact(): Promise<void> {
    try {
      await this.compact();
    } catch {
      await unlink(join(this.root, `${MANIFEST}.tmp`)).catch(() => undefined);
    }
  }

  private async appendJournal(line: Buffer): Promise<void> {
    const journal = this.journal!;
    try {
      let written = 0;
      while (written < line.length) {
        const { bytesWritten } = await journal.write(line, written, line.length - written, this.journalLength + written);
        written += bytesWritten;
      }
      await journal.datasync();
      this.journalLength += line.length;
    } catch (error) {
      // Cut off whatever part of the line reached the file, so the next line starts cleanly.
      try {
        await journal.truncate(this.journalLength);
        await journal.datasync();
      } catch (truncateError) {
        this.broken = `could not repair the journal: ${(truncateError as Error).message}`;
      }
      throw error;
    }
  }

  private async ensureNamespace(ns: string): Promise<void> {
    if (this.namespaces.has(ns)) return;
    await mkdir(join(this.root, 'blobs', ns), { recursive: true });
    await syncDir(join(this.root, 'blobs'));
    this.namespaces.add(ns);
  }

  private async removeTemps(temps: readonly string[]): Promise<void> {
    for (const temp of temps) await unlink(this.ingestPath(temp)).catch(() => undefined);
  }

  /**
   * Compares the directory with the index: every listed blob exists with its
   * size, nothing else is in blobs/, ingest/ is empty. Returns the problems
   * found (none for a healthy store). Runs between commits.
   */
  check(): Promise<string[]> {
    this.checkOpen();
    return this.queue.run(async () => {
      const problems: string[] = [];
      for (const [key, size] of this.blobs) {
        try {
          const info = await stat(this.blobPath(key));
          if (info.size !== size) problems.push(`blob ${key}: ${info.size} bytes on disk, ${size} committed`);
        } catch (error) {
          problems.push(`blob ${key}: ${errnoCode(error) ?? String(error)}`);
        }
      }
      for (const ns of await readdir(join(this.root, 'blobs'), { withFileTypes: true })) {
        if (!ns.isDirectory()) {
          problems.push(`unexpected file blobs/${ns.name}`);
          continue;
        }
        for (const file of await readdir(join(this.root, 'blobs', ns.name))) {
          if (!this.blobs.has(`${ns.name}/${file}`)) problems.push(`unlisted file blobs/${ns.name}/${file}`);
        }
      }
      for (const temp of await readdir(join(this.root, 'ingest'))) problems.push(`leftover temp ingest/${temp}`);
      return problems;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.drain();
    await this.journal?.close();
    this.journal = null;
    await unlink(join(this.root, LOCK)).catch(() => undefined);
    openRoots.delete(this.root);
  }
}
