/**
 * Number and duration formatting as the docker CLI does it (go-units and
 * Go's fmt): "4.27kB", "1.875MiB", "About a minute", "23 months". Pure
 * functions; times are milliseconds.
 */

/** Go's strconv.FormatFloat(x, 'g', precision, 64): shortest of %e/%f, trailing zeros removed, ties to even. */
export function formatG(x: number, precision: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return '0';
  const p = Math.max(1, precision);
  const sign = x < 0 ? '-' : '';
  const abs = Math.abs(x);
  const { digits, exponent } = roundToDigits(abs, p);
  if (exponent < -4 || exponent >= p) {
    const mantissa = stripZeros(digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits);
    const e = Math.abs(exponent);
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  let text: string;
  if (exponent >= 0) {
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    const frac = digits.slice(exponent + 1);
    text = frac ? `${whole}.${frac}` : whole;
  } else {
    text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  return sign + stripZeros(text);
}

function stripZeros(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * The first `precision` significant digits of `x` (> 0) rounded half to even
 * on its exact binary value, and the decimal exponent of the first digit.
 */
function roundToDigits(x: number, precision: number): { digits: string; exponent: number } {
  // toExponential(n) is exact for the digits it prints; 60 more digits show whether the rest is exactly a half.
  const exact = x.toExponential(Math.min(100, precision + 60));
  const match = /^(\d)\.(\d+)e([+-]\d+)$/.exec(exact);
  if (!match) throw new Error(`unexpected number format ${exact}`);
  const all = match[1]! + match[2]!;
  let exponent = Number(match[3]);
  let kept = all.slice(0, precision);
  const rest = all.slice(precision);
  const first = rest.charCodeAt(0) - 48;
  const roundUp = first > 5 || (first === 5 && (/[1-9]/.test(rest.slice(1)) || (kept.charCodeAt(kept.length - 1) - 48) % 2 === 1));
  if (roundUp) {
    const carried = (BigInt(kept) + 1n).toString();
    if (carried.length > kept.length) {
      exponent += 1;
      kept = carried.slice(0, precision);
    } else kept = carried;
  }
  return { digits: kept, exponent };
}

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function scaled(size: number, base: number, units: string[]): { value: number; unit: string } {
  let i = 0;
  let value = size;
  while (value >= base && i < units.length - 1) {
    value /= base;
    i++;
  }
  return { value, unit: units[i]! };
}

/** go-units HumanSizeWithPrecision: decimal units ("395kB" at precision 3). */
export function humanSizeWithPrecision(size: number, precision: number): string {
  const { value, unit } = scaled(size, 1000, DECIMAL_UNITS);
  return `${formatG(value, precision)}${unit}`;
}

/** go-units HumanSize: decimal units, 4 significant digits ("1.982MB"). */
export function humanSize(size: number): string {
  return humanSizeWithPrecision(size, 4);
}

/** go-units BytesSize: binary units, 4 significant digits ("1.875MiB"). */
export function bytesSize(size: number): string {
  const { value, unit } = scaled(size, 1024, BINARY_UNITS);
  return `${formatG(value, 4)}${unit}`;
}

/** go-units HumanDuration of a duration in milliseconds ("Less than a second", "About an hour", "3 weeks"). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

/** `units.HumanDuration(now - then) + " ago"`, with `then` in Unix seconds. */
export function ago(unixSeconds: number, nowMs: number): string {
  return `${humanDuration(nowMs - unixSeconds * 1000)} ago`;
}

/** Go's strconv.FormatFloat(x, 'f', decimals, 64). */
export function formatFixed(x: number, decimals: number): string {
  return x.toFixed(decimals);
}
