/**
 * PAX extended header records ("%d %s=%s\n", the length counting itself),
 * parsed strictly and formatted deterministically (records sorted by key).
 */
import { fromUtf8, utf8 } from '../../common/bytes.ts';

/** A malformed record; the reader turns it into a TarError naming the entry. */
export class PaxError extends Error {}

/** Parses the body of an 'x' or 'g' header. Later duplicates win, as in POSIX. */
export function parsePaxRecords(body: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    // A writer may pad the body with NULs after the last record.
    if (body[at] === 0) {
      for (let i = at; i < body.length; i++) if (body[i] !== 0) throw new PaxError('garbage after the last record');
      break;
    }
    const space = body.indexOf(0x20, at);
    if (space < 0 || space === at || space - at > 20) throw new PaxError(`record at byte ${at} has no length`);
    let length = 0;
    for (let i = at; i < space; i++) {
      const c = body[i]!;
      if (c < 0x30 || c > 0x39) throw new PaxError(`record at byte ${at} has a non-decimal length`);
      length = length * 10 + (c - 0x30);
    }
    const end = at + length;
    if (length <= space - at + 1 || end > body.length) throw new PaxError(`record at byte ${at} has an impossible length ${length}`);
    if (body[end - 1] !== 0x0a) throw new PaxError(`record at byte ${at} does not end with a newline`);
    const record = body.subarray(space + 1, end - 1);
    const equals = record.indexOf(0x3d);
    if (equals <= 0) throw new PaxError(`record at byte ${at} has no key`);
    records.set(fromUtf8(record.subarray(0, equals)), fromUtf8(record.subarray(equals + 1)));
    at = end;
  }
  return records;
}

/** Formats records as a PAX header body, sorted by key so equal input gives equal bytes. */
export function formatPaxRecords(records: ReadonlyMap<string, string>): Uint8Array {
  const keys = [...records.keys()].sort();
  let text = '';
  for (const key of keys) {
    const payload = ` ${key}=${records.get(key)!}\n`;
    const payloadLength = utf8(payload).length;
    // The length prefix counts its own digits: find the fixed point.
    let length = payloadLength + 1;
    while (String(length).length + payloadLength !== length) length = String(length).length + payloadLength;
    text += `${length}${payload}`;
  }
  return utf8(text);
}

/** Parses a non-negative decimal integer record value. */
export function parsePaxInteger(value: string): number | null {
  if (!/^[0-9]{1,16}$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

/** Parses a PAX time ("seconds[.fraction]", possibly negative) into nanoseconds. */
export function parsePaxTime(value: string): bigint | null {
  const match = /^(-?)([0-9]{1,19})(?:\.([0-9]+))?$/.exec(value);
  if (!match) return null;
  const fraction = (match[3] ?? '').slice(0, 9).padEnd(9, '0');
  const ns = BigInt(match[2]!) * 1_000_000_000n + BigInt(fraction);
  return match[1] === '-' ? -ns : ns;
}

/** Formats nanoseconds as a PAX time with no trailing zeros in the fraction. */
export function formatPaxTime(ns: bigint): string {
  const negative = ns < 0n;
  const abs = negative ? -ns : ns;
  const seconds = abs / 1_000_000_000n;
  const fraction = (abs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${seconds}${fraction ? `.${fraction}` : ''}`;
}
