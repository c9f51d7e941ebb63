/**
 * Go's formatting of the values that dockerd writes into build history and
 * error messages: `%q` of strings and string slices, `%q` of an int (a
 * quoted rune), `%v` of a string slice, time.Duration's String and
 * time.ParseDuration with its error wording. The classic builder's commit
 * comments ("CMD [\"sh\" \"-c\"]", "HEALTHCHECK &{[…] \"5s\" …}") are made
 * with these, so they must match byte for byte.
 */

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrint(ch: string): boolean {
  return ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

const HEX = '0123456789abcdef';

function escapeRune(ch: string, quote: string): string {
  if (ch === quote || ch === '\\') return `\\${ch}`;
  if (isPrint(ch)) return ch;
  switch (ch) {
    case '\x07':
      return '\\a';
    case '\b':
      return '\\b';
    case '\f':
      return '\\f';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\v':
      return '\\v';
  }
  const code = ch.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return `\\x${HEX[code >> 4]}${HEX[code & 15]}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}

/** strconv.Quote / `%q` of a string. */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) out += escapeRune(ch, '"');
  return `${out}"`;
}

/** strconv.QuoteRune / `%q` of an integer. */
export function goQuoteRune(code: number): string {
  const valid = Number.isInteger(code) && code >= 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
  return `'${escapeRune(String.fromCodePoint(valid ? code : 0xfffd), "'")}'`;
}

/** `%q` of a []string: `["a" "b"]`. */
export function goQuoteList(list: readonly string[] | null | undefined): string {
  return `[${(list ?? []).map(goQuote).join(' ')}]`;
}

/** `%v` of a []string: `[a b]`. */
export function goList(list: readonly string[] | null | undefined): string {
  return `[${(list ?? []).join(' ')}]`;
}

// ---- time.Duration --------------------------------------------------------

/** Digits of `v / 10^prec` with the fraction's trailing zeros dropped (Go's fmtFrac + fmtInt). */
function fraction(v: bigint, prec: number): string {
  const scale = 10n ** BigInt(prec);
  const whole = v / scale;
  const frac = (v % scale).toString().padStart(prec, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}

/** time.Duration.String() of a duration in nanoseconds: "1m30s", "500ms", "0s". */
export function goDuration(nanoseconds: number | bigint): string {
  let u = BigInt(nanoseconds);
  const sign = u < 0n ? '-' : '';
  if (u < 0n) u = -u;
  if (u === 0n) return '0s';
  if (u < 1_000_000_000n) {
    if (u < 1000n) return `${sign}${u}ns`;
    if (u < 1_000_000n) return `${sign}${fraction(u, 3)}µs`;
    return `${sign}${fraction(u, 6)}ms`;
  }
  const seconds = fraction(u % 60_000_000_000n, 9);
  const totalMinutes = u / 60_000_000_000n;
  if (totalMinutes === 0n) return `${sign}${seconds}s`;
  const minutes = totalMinutes % 60n;
  const hours = totalMinutes / 60n;
  if (hours === 0n) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${hours}h${minutes}m${seconds}s`;
}

/** A time.ParseDuration failure, worded as Go's ("time: invalid duration \"x\""). */
export class GoDurationError extends Error {}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n,
  'μs': 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** time.ParseDuration: "1m30s", "1.5h", "-2s" in nanoseconds; GoDurationError with Go's message otherwise. */
export function parseGoDuration(text: string): number {
  const quoted = goQuote(text);
  let s = text;
  let negative = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new GoDurationError(`time: invalid duration ${quoted}`);
  let total = 0;
  while (s !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const [all, whole = '', frac] = number;
    if (whole === '' && (frac === undefined || frac === '')) throw new GoDurationError(`time: invalid duration ${quoted}`);
    s = s.slice(all.length);
    const unitMatch = /^[^\d.]*/.exec(s)![0];
    if (unitMatch === '') throw new GoDurationError(`time: missing unit in duration ${quoted}`);
    const unit = UNITS[unitMatch];
    if (unit === undefined) throw new GoDurationError(`time: unknown unit ${goQuote(unitMatch)} in duration ${quoted}`);
    s = s.slice(unitMatch.length);
    total += Number(whole === '' ? 0n : BigInt(whole)) * Number(unit);
    if (frac) total += Math.floor((Number(`0.${frac}`) * Number(unit)) + 1e-9);
  }
  return negative ? -total : total;
}
