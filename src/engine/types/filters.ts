/**
 * The `filters` query parameter (moby api/types/filters): a map from filter
 * name to a set of values. Clients send it as JSON in two shapes, both
 * accepted: the Go CLI's `{"label":{"k=v":true}}` and the legacy list form
 * docker-py sends, `{"label":["k=v"]}`.
 */
import { InvalidParameterError } from '../errors.ts';

/** A parsed, immutable filter set. Values of a key form a set; their order is not meaningful. */
export class Filters {
  private constructor(private readonly fields: ReadonlyMap<string, ReadonlySet<string>>) {}

  /** No filters. */
  static empty(): Filters {
    return new Filters(new Map());
  }

  /** Builds filters from values (tests, internal callers). */
  static of(entries: Record<string, readonly string[]>): Filters {
    const fields = new Map<string, Set<string>>();
    for (const [key, values] of Object.entries(entries)) fields.set(key, new Set(values));
    return new Filters(fields);
  }

  /**
   * Parses the JSON of a `filters` query parameter; "" and absent mean no
   * filters. Malformed JSON, or a shape that is neither form, is a 400
   * "invalid filter" as in dockerd.
   */
  static parse(json: string | undefined): Filters {
    if (json === undefined || json === '') return Filters.empty();
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch {
      throw new InvalidFilterError();
    }
    if (raw === null) return Filters.empty();
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidFilterError();
    const fields = new Map<string, Set<string>>();
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      const values = new Set<string>();
      if (value === null) {
        // {"label": null}: the key is present with no values, as in Go.
      } else if (Array.isArray(value)) {
        for (const v of value) {
          if (typeof v !== 'string') throw new InvalidFilterError();
          values.add(v);
        }
      } else if (typeof value === 'object') {
        for (const [v, flag] of Object.entries(value as Record<string, unknown>)) {
          if (typeof flag !== 'boolean') throw new InvalidFilterError();
          values.add(v);
        }
      } else {
        throw new InvalidFilterError();
      }
      fields.set(key, values);
    }
    return new Filters(fields);
  }

  /**
   * Fails with dockerd's "invalid filter 'x'" if a key is not in `accepted`.
   * Returns `this` so a parse can be chained.
   */
  validate(accepted: readonly string[]): Filters {
    for (const key of this.fields.keys()) {
      if (!accepted.includes(key)) throw new InvalidFilterError(key);
    }
    return this;
  }

  /** A copy with `key` set to `values` (replacing any values it had). */
  with(key: string, values: readonly string[]): Filters {
    const fields = new Map(this.fields);
    fields.set(key, new Set(values));
    return new Filters(fields);
  }

  /** Filter names present. */
  keys(): string[] {
    return [...this.fields.keys()];
  }

  get size(): number {
    return this.fields.size;
  }

  has(key: string): boolean {
    return this.fields.has(key);
  }

  /** The values of `key` ([] when absent). */
  get(key: string): string[] {
    return [...(this.fields.get(key) ?? [])];
  }

  /** True if `key` is unset or has no values, or `value` is one of its values. */
  exactMatch(key: string, value: string): boolean {
    const values = this.fields.get(key);
    if (!values || values.size === 0) return true;
    return values.has(value);
  }

  /** True if `key` is unset, or one of its values equals `value` or is a prefix of it (id filters). */
  fuzzyMatch(key: string, value: string): boolean {
    const values = this.fields.get(key);
    if (!values || values.size === 0) return true;
    for (const v of values) if (value.startsWith(v)) return true;
    return false;
  }

  /**
   * True if `key` is unset, or every value matches `labels`: "k" requires
   * the label to exist, "k=v" requires that value (moby's MatchKVList).
   */
  matchKeyValue(key: string, labels: Readonly<Record<string, string>> | null | undefined): boolean {
    const values = this.fields.get(key);
    if (!values || values.size === 0) return true;
    if (!labels) return false;
    for (const v of values) {
      const eq = v.indexOf('=');
      const k = eq < 0 ? v : v.slice(0, eq);
      if (!Object.hasOwn(labels, k)) return false;
      if (eq >= 0 && labels[k] !== v.slice(eq + 1)) return false;
    }
    return true;
  }

  /**
   * A boolean filter ("dangling=true"): the default when absent; "1"/"true"
   * or "0"/"false"; anything else, or both, is an invalid filter.
   */
  getBool(key: string, defaultValue: boolean): boolean {
    const values = this.fields.get(key);
    if (!values) return defaultValue;
    const isTrue = values.has('1') || values.has('true');
    const isFalse = values.has('0') || values.has('false');
    if (isTrue === isFalse) throw new InvalidFilterError(key, [...values]);
    return isTrue;
  }

  /** The Go CLI's JSON form (for clients and logs). */
  toJSON(): Record<string, Record<string, boolean>> {
    const out: Record<string, Record<string, boolean>> = {};
    for (const [key, values] of this.fields) {
      out[key] = {};
      for (const v of values) out[key][v] = true;
    }
    return out;
  }
}

/** dockerd's invalidFilter error: "invalid filter", "invalid filter 'x'" or "invalid filter 'x=[a b]'". */
export class InvalidFilterError extends InvalidParameterError {
  constructor(filter?: string, values?: readonly string[]) {
    let message = 'invalid filter';
    if (filter !== undefined && filter !== '') {
      message += ` '${filter}`;
      if (values !== undefined) message += `=[${values.join(' ')}]`;
      message += "'";
    }
    super(message);
  }
}
