/**
 * Time values as the Docker API writes and reads them. Internally times are
 * bigint nanoseconds since the Unix epoch (src/common/time.ts nowNs()).
 */
import { InvalidParameterError } from '../errors.ts';

const NS_PER_SECOND = 1_000_000_000n;
const NS_PER_MS = 1_000_000n;

/** Go's zero time.Time as RFC3339: what inspect shows for "never" (StartedAt of a created container). */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** Go's zero time in nanoseconds since the epoch. */
export const GO_ZERO_TIME_NS = -62135596800n * NS_PER_SECOND;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function split(ns: bigint): { seconds: string; nanos: bigint } {
  let secs = ns / NS_PER_SECOND;
  let nanos = ns % NS_PER_SECOND;
  if (nanos < 0n) {
    nanos += NS_PER_SECOND;
    secs -= 1n;
  }
  const date = new Date(Number(secs * 1000n));
  const seconds =
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}` +
    `T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
  return { seconds, nanos };
}

/**
 * Go's time.RFC3339Nano in UTC: trailing zeros of the fraction are dropped,
 * and the fraction disappears when it is zero ("2026-11-26T23:15:52.219112519Z",
 * "2026-11-26T23:17:51Z"). Used for Created/StartedAt in inspect, stats `read`.
 */
export function formatRfc3339Nano(ns: bigint): string {
  const { seconds, nanos } = split(ns);
  const fraction = nanos.toString().padStart(9, '0').replace(/0+$/, '');
  return `${seconds}${fraction ? `.${fraction}` : ''}Z`;
}

/**
 * RFC3339 with exactly nine fraction digits, the format of `docker logs
 * --timestamps` (moby's rfc3339NanoFixed), so log lines align.
 */
export function formatRfc3339NanoFixed(ns: bigint): string {
  const { seconds, nanos } = split(ns);
  return `${seconds}.${nanos.toString().padStart(9, '0')}Z`;
}

/** RFC3339 without fraction ("2026-11-26T23:17:51Z"), as volumes' CreatedAt. */
export function formatRfc3339(ns: bigint): string {
  return `${split(ns).seconds}Z`;
}

/** Whole Unix seconds (the `Created` integer of list endpoints, events' `time`). */
export function unixSeconds(ns: bigint): number {
  const secs = ns / NS_PER_SECOND;
  return Number(ns < 0n && ns % NS_PER_SECOND !== 0n ? secs - 1n : secs);
}

/** Milliseconds since the epoch as nanoseconds (for values from Date.now()). */
export function nsFromMs(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * NS_PER_MS;
}

/**
 * Parses the server-side timestamp form of `since`/`until` query parameters
 * (moby's timestamp.ParseTimestamps): Unix seconds with an optional
 * fraction, "1700000000" or "1700000000.000000123". The CLI converts
 * durations and dates to this form before sending. Empty or absent gives
 * undefined; anything else is a 400.
 */
export function parseUnixTimestamp(value: string | undefined): bigint | undefined {
  if (value === undefined || value === '') return undefined;
  const match = /^([+-]?\d+)(?:\.(\d*))?$/.exec(value);
  if (!match) throw new InvalidParameterError(`invalid timestamp ${JSON.stringify(value)}: expected Unix seconds such as 1700000000.000000000`);
  const seconds = BigInt(match[1]!);
  const fraction = (match[2] ?? '').slice(0, 9).padEnd(9, '0');
  const nanos = BigInt(fraction === '' ? '0' : fraction);
  return seconds * NS_PER_SECOND + (seconds < 0n || match[1]!.startsWith('-') ? -nanos : nanos);
}
