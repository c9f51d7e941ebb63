/**
 * The BlobStore contract as code, shared by every implementation
 * (src/platform/{memory,node,browser}): key and value validation, the space
 * accounting formula, and the net effect of a transaction. Keeping it in one
 * place is what makes the three stores agree on what they accept, what they
 * count and what they refuse.
 */
import { utf8 } from '../../common/bytes.ts';
import type { BlobStoreOp, StoredRecord } from '../../platform/types.ts';
import { InvalidStoreKeyError, InvalidStoreValueError, StorageQuotaError } from './errors.ts';

const BLOB_KEY = /^[a-z0-9]{1,32}\/[A-Za-z0-9_:=+-][A-Za-z0-9._:=+-]{0,199}$/;
const MAX_RECORD_KEY = 1024;

/** Throws InvalidStoreKeyError unless `key` is a valid blob key (`<namespace>/<name>`, see BlobStore). */
export function checkBlobKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw new InvalidStoreKeyError(String(key), 'not a string');
  if (!BLOB_KEY.test(key)) {
    throw new InvalidStoreKeyError(key, 'a blob key is <namespace>/<name>: [a-z0-9]{1,32} / [A-Za-z0-9._:=+-]{1,200}, name not starting with "."');
  }
}

/** Throws InvalidStoreKeyError unless `key` is a valid record key. */
export function checkRecordKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw new InvalidStoreKeyError(String(key), 'not a string');
  if (key.length === 0) throw new InvalidStoreKeyError(key, 'empty');
  if (key.length > MAX_RECORD_KEY) throw new InvalidStoreKeyError(key, `longer than ${MAX_RECORD_KEY} characters`);
  if (key.includes('\0')) throw new InvalidStoreKeyError(key, 'contains NUL');
}

function checkJson(value: unknown, path: string, seen: Set<object>): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidStoreValueError(`record value at ${path} is not a finite number`);
    return;
  }
  if (typeof value !== 'object') throw new InvalidStoreValueError(`record value at ${path} is a ${typeof value}, not JSON`);
  if (seen.has(value)) throw new InvalidStoreValueError(`record value at ${path} is cyclic`);
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJson(item, `${path}[${i}]`, seen));
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new InvalidStoreValueError(`record value at ${path} is not a plain object`);
    }
    for (const [k, v] of Object.entries(value)) checkJson(v, `${path}.${k}`, seen);
  }
  seen.delete(value);
}

/** Throws InvalidStoreValueError unless `value` is a plain JSON object; returns its JSON text. */
export function checkRecordValue(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidStoreValueError('a record value must be a plain JSON object');
  }
  checkJson(value, '$', new Set());
  return JSON.stringify(value);
}

/** What a record costs in `BlobStoreUsage.usedBytes`: UTF-8 bytes of its key and of its JSON text. */
export function recordCost(key: string, json: string): number {
  return utf8(key).length + utf8(json).length;
}

/** The net effect of a validated transaction: per key, the final value (null = deleted). */
export interface TransactionPlan {
  /** Final bytes per touched blob key (private copies), or null if the transaction deletes it. */
  readonly blobs: ReadonlyMap<string, Uint8Array | null>;
  /** Final value per touched record key (private copies) with its JSON text, or null if deleted. */
  readonly records: ReadonlyMap<string, { readonly value: StoredRecord; readonly json: string } | null>;
  /** Preconditions, checked against the state before the transaction. */
  readonly requirements: ReadonlyArray<{ readonly key: string; readonly present: boolean }>;
}

/**
 * Validates every step and computes the transaction's net effect. Throws
 * InvalidStoreKeyError / InvalidStoreValueError before anything is touched.
 * The plan holds copies, so a caller mutating its arrays after `commit` was
 * called cannot change what gets stored.
 */
export function planTransaction(ops: readonly BlobStoreOp[]): TransactionPlan {
  if (!Array.isArray(ops)) throw new InvalidStoreValueError('a transaction is an array of steps');
  const blobs = new Map<string, Uint8Array | null>();
  const records = new Map<string, { value: StoredRecord; json: string } | null>();
  const requirements: Array<{ key: string; present: boolean }> = [];
  for (const step of ops) {
    switch (step?.op) {
      case 'putBlob':
        checkBlobKey(step.key);
        if (!(step.bytes instanceof Uint8Array)) throw new InvalidStoreValueError(`blob ${step.key}: bytes must be a Uint8Array`);
        blobs.set(step.key, step.bytes.slice());
        break;
      case 'deleteBlob':
        checkBlobKey(step.key);
        blobs.set(step.key, null);
        break;
      case 'putRecord': {
        checkRecordKey(step.key);
        const json = checkRecordValue(step.value);
        records.set(step.key, { value: JSON.parse(json) as StoredRecord, json });
        break;
      }
      case 'deleteRecord':
        checkRecordKey(step.key);
        records.set(step.key, null);
        break;
      case 'requireRecord':
        checkRecordKey(step.key);
        if (typeof step.present !== 'boolean') throw new InvalidStoreValueError('requireRecord.present must be a boolean');
        requirements.push({ key: step.key, present: step.present });
        break;
      default:
        throw new InvalidStoreValueError(`unknown transaction step ${JSON.stringify((step as { op?: unknown } | null)?.op)}`);
    }
  }
  return { blobs, records, requirements };
}

/**
 * The change of `usedBytes` the plan causes, given the sizes before it
 * (`blobSize`: current byte length or null; `recordSize`: current cost or null).
 */
export function usageDelta(
  plan: TransactionPlan,
  blobSize: (key: string) => number | null,
  recordSize: (key: string) => number | null,
): number {
  let delta = 0;
  for (const [key, bytes] of plan.blobs) delta += (bytes?.length ?? 0) - (blobSize(key) ?? 0);
  for (const [key, entry] of plan.records) delta += (entry ? recordCost(key, entry.json) : 0) - (recordSize(key) ?? 0);
  return delta;
}

/**
 * Throws StorageQuotaError if a transaction growing usage by `delta` would
 * exceed `quotaBytes`. Transactions that do not grow usage always pass, so a
 * store over its quota can still be cleaned up.
 */
export function enforceQuota(delta: number, usedBytes: number, quotaBytes: number | null): void {
  if (quotaBytes === null || delta <= 0) return;
  if (usedBytes + delta > quotaBytes) {
    throw new StorageQuotaError(
      delta,
      usedBytes,
      quotaBytes,
      `the storage quota is full (${usedBytes} bytes used + ${delta} requested > quota of ${quotaBytes} bytes)`,
    );
  }
}

/** Validates a `quotaBytes` option: null/undefined for none, else a non-negative safe integer. */
export function normalizeQuota(quotaBytes: number | null | undefined): number | null {
  if (quotaBytes === undefined || quotaBytes === null) return null;
  if (!Number.isSafeInteger(quotaBytes) || quotaBytes < 0) {
    throw new InvalidStoreValueError(`quotaBytes must be a non-negative integer, got ${quotaBytes}`);
  }
  return quotaBytes;
}

/** Deep copy of a stored record (records handed out belong to the caller). */
export function copyRecord(value: StoredRecord): StoredRecord {
  return JSON.parse(JSON.stringify(value)) as StoredRecord;
}

/** Narrowing helper for records read back from a medium. */
export function isStoredRecord(value: unknown): value is StoredRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
