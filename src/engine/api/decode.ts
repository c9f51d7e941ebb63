/**
 * Typed decoding of JSON request bodies with Go's encoding/json rules, so
 * that a wrong type is a 400 with dockerd's message instead of a value of
 * the wrong type deep inside a backend:
 *
 * - unknown keys are ignored, keys match struct fields case-insensitively
 *   (an exact match wins), `null` leaves a field unset;
 * - a number with a fraction into an integer, a string into a number, etc.
 *   fail with `json: cannot unmarshal string into Go struct field
 *   CreateRequest.HostConfig.Memory of type int64`.
 *
 * Every decoder returns a fresh object: input objects are never aliased, and
 * map keys such as "__proto__" become plain own properties.
 */
import { InvalidParameterError } from '../errors.ts';

/** Decodes `value` found at `at` (a Go-style field path, '' for the root). */
export type Decoder<T> = (value: unknown, at: string) => T;

/** The decoders of every field of T; the compiler checks that none is missing. */
export type FieldDecoders<T> = { [K in keyof T]-?: Decoder<Exclude<T[K], undefined | null>> };

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(value) ? 'number' : `number ${value}`;
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}

function mismatch(value: unknown, at: string, goType: string, root = 'value'): never {
  const where = at === '' ? `Go ${root} of type ${goType}` : `Go struct field ${at} of type ${goType}`;
  throw new InvalidParameterError(`invalid JSON: json: cannot unmarshal ${kindOf(value)} into ${where}`);
}

/** A JSON string ("" for null). */
export const str: Decoder<string> = (value, at) => {
  if (value === null) return '';
  if (typeof value !== 'string') mismatch(value, at, 'string');
  return value;
};

/** A JSON boolean (false for null). */
export const bool: Decoder<boolean> = (value, at) => {
  if (value === null) return false;
  if (typeof value !== 'boolean') mismatch(value, at, 'bool');
  return value;
};

/** A JSON number (0 for null). */
export const float64: Decoder<number> = (value, at) => {
  if (value === null) return 0;
  if (typeof value !== 'number') mismatch(value, at, 'float64');
  return value;
};

function integer(goType: string, min: number, max: number): Decoder<number> {
  return (value, at) => {
    if (value === null) return 0;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) mismatch(value, at, goType);
    return value;
  };
}

/** A signed integer (int64; precision beyond 2^53 is lost, as for any JS number). */
export const int64 = integer('int64', -(2 ** 63), 2 ** 63);
export const int = integer('int', -(2 ** 63), 2 ** 63);
/** An unsigned integer. */
export const uint64 = integer('uint64', 0, 2 ** 64);
export const uint32 = integer('uint32', 0, 2 ** 32 - 1);
export const uint16 = integer('uint16', 0, 2 ** 16 - 1);

/** Any JSON value, kept as is (for free-form fields). */
export const anyValue: Decoder<unknown> = (value) => value;

/** A JSON array of `element` ([] for null). */
export function list<T>(element: Decoder<T>, goType = '[]'): Decoder<T[]> {
  return (value, at) => {
    if (value === null) return [];
    if (!Array.isArray(value)) mismatch(value, at, goType);
    return value.map((item) => element(item, at));
  };
}

/** A JSON object used as a map from string keys to `element` ({} for null). */
export function map<T>(element: Decoder<T>, goType = 'map[string]'): Decoder<Record<string, T>> {
  return (value, at) => {
    if (value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) mismatch(value, at, goType);
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, element(v, at)]));
  };
}

/** Go's strslice.StrSlice (Cmd, Entrypoint, Shell): a string or a list of strings. */
export const strSlice: Decoder<string[]> = (value, at) => {
  if (value === null) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) mismatch(value, at, 'strslice.StrSlice');
  return value.map((item) => str(item, at));
};

/** `{}` placeholders of sets such as ExposedPorts (`{"80/tcp": {}}`). */
export const emptyObject: Decoder<Record<string, never>> = (value, at) => {
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) mismatch(value, at, 'struct {}');
  return {};
};

/**
 * A Go struct named `goName`: known fields are decoded (keys matched
 * case-insensitively, exact match preferred), unknown keys ignored, null
 * fields left unset.
 */
export function struct<T extends object>(goName: string, fields: FieldDecoders<T>): Decoder<T> {
  const names = Object.keys(fields) as (keyof T & string)[];
  const byLower = new Map<string, keyof T & string>();
  for (const name of names) if (!byLower.has(name.toLowerCase())) byLower.set(name.toLowerCase(), name);
  return (value, at) => {
    const out: Partial<Record<keyof T, unknown>> = {};
    if (value === null) return out as T;
    if (typeof value !== 'object' || Array.isArray(value)) mismatch(value, at, goName, 'value');
    const input = value as Record<string, unknown>;
    const base = at === '' ? goName : at;
    const seenExact = new Set<string>();
    for (const key of Object.keys(input)) if (Object.hasOwn(fields, key)) seenExact.add(key);
    for (const key of Object.keys(input)) {
      const name = Object.hasOwn(fields, key) ? (key as keyof T & string) : byLower.get(key.toLowerCase());
      if (name === undefined) continue;
      if (name !== key && seenExact.has(name)) continue;
      const raw = input[key];
      if (raw === null || raw === undefined) {
        delete out[name];
        continue;
      }
      out[name] = fields[name](raw, `${base}.${name}`);
    }
    return out as T;
  };
}

/** Decodes a root value, reporting errors against the Go type name. */
export function decodeRoot<T>(decoder: Decoder<T>, value: unknown): T {
  return decoder(value, '');
}
