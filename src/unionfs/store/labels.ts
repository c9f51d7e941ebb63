/**
 * Labels: string key/value pairs attached to content and snapshots (for GC
 * roots and bookkeeping later), with containerd's size limit.
 */
import { InvalidStoreValueError } from './errors.ts';

export type Labels = Readonly<Record<string, string>>;

/** containerd's limit on one label (key plus value). */
const MAX_LABEL_BYTES = 4096;

/** Validates labels and returns a sorted private copy. */
export function checkLabels(labels: unknown): Labels {
  if (labels === undefined) return {};
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    throw new InvalidStoreValueError('labels must be an object of strings');
  }
  const out: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) {
    const value: unknown = (labels as Record<string, unknown>)[key];
    if (key.length === 0) throw new InvalidStoreValueError('label keys must not be empty');
    if (typeof value !== 'string') throw new InvalidStoreValueError(`label ${JSON.stringify(key)} must have a string value`);
    if (key.length + value.length > MAX_LABEL_BYTES) {
      throw new InvalidStoreValueError(`label ${JSON.stringify(key.slice(0, 64))} is longer than ${MAX_LABEL_BYTES} characters`);
    }
    out[key] = value;
  }
  return out;
}

/** Reads labels back from a stored record field (tolerating absence). */
export function labelsFrom(value: unknown): Labels {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}
