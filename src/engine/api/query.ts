/**
 * Query strings parsed the way Go's net/url.ParseQuery does (which is what
 * dockerd sees): `&`-separated `key=value` pairs, `+` means space, `%XX`
 * escapes, a key without `=` has the value "". An invalid escape is a 400,
 * as in dockerd (`invalid URL escape "%zz"`).
 */
import { InvalidParameterError } from '../errors.ts';

/** Read access to a parsed query string; keys are case-sensitive, values keep their order. */
export class Query {
  private readonly values = new Map<string, string[]>();

  /** Parses a raw query string (without the leading `?`). */
  static parse(raw: string): Query {
    const query = new Query();
    if (raw === '') return query;
    for (const part of raw.split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const key = unescapeQueryComponent(eq < 0 ? part : part.slice(0, eq));
      const value = eq < 0 ? '' : unescapeQueryComponent(part.slice(eq + 1));
      query.append(key, value);
    }
    return query;
  }

  /** Builds a query from values (tests, the in-process client). */
  static from(entries: Record<string, string | readonly string[]>): Query {
    const query = new Query();
    for (const [key, value] of Object.entries(entries)) {
      if (typeof value === 'string') query.append(key, value);
      else for (const v of value) query.append(key, v);
    }
    return query;
  }

  private append(key: string, value: string): void {
    const list = this.values.get(key);
    if (list) list.push(value);
    else this.values.set(key, [value]);
  }

  /** The first value of `key`, or undefined when absent (Go's Form.Get returns "" for both). */
  get(key: string): string | undefined {
    return this.values.get(key)?.[0];
  }

  /** Every value of a repeated key (`t=a&t=b`), in order. */
  getAll(key: string): string[] {
    return [...(this.values.get(key) ?? [])];
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  keys(): string[] {
    return [...this.values.keys()];
  }

  /** Re-encodes the query (for logs and tests). */
  toString(): string {
    const parts: string[] = [];
    for (const [key, list] of this.values) {
      for (const value of list) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
    }
    return parts.join('&');
  }
}

function unescapeQueryComponent(text: string): string {
  const plus = text.replace(/\+/g, ' ');
  if (!plus.includes('%')) return plus;
  const bad = /%(?![0-9a-fA-F]{2})(.{0,2})/.exec(plus);
  if (bad) throw new InvalidParameterError(`invalid URL escape "%${bad[1]}"`);
  return decodeBytes(plus);
}

/** Percent-decodes to UTF-8 text; byte sequences that are not UTF-8 become U+FFFD (as Go strings print). */
function decodeBytes(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    const bytes: number[] = [];
    const encoder = new TextEncoder();
    for (let i = 0; i < text.length; ) {
      if (text[i] === '%') {
        bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
        i += 3;
      } else {
        const ch = String.fromCodePoint(text.codePointAt(i)!);
        for (const b of encoder.encode(ch)) bytes.push(b);
        i += ch.length;
      }
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  }
}

/**
 * Moby's httputils.BoolValue: "", "0", "no", "false" and "none" (any case,
 * surrounding spaces ignored) are false, anything else is true. An absent
 * key is false.
 */
export function parseBool(value: string | undefined): boolean {
  switch ((value ?? '').trim().toLowerCase()) {
    case '':
    case '0':
    case 'no':
    case 'false':
    case 'none':
      return false;
    default:
      return true;
  }
}
