/** Wall-clock time in nanoseconds since the Unix epoch (microsecond resolution where the platform gives it). */
export function nowNs(): bigint {
  const ms = performance.timeOrigin + performance.now();
  return BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.floor((ms % 1) * 1_000_000));
}

/** Monotonic time in nanoseconds since an arbitrary origin. */
export function monotonicNs(): bigint {
  const ms = performance.now();
  return BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.floor((ms % 1) * 1_000_000));
}
