/**
 * Clocks shared by the kernel and process workers. Both use the platform's
 * absolute high-resolution time (performance.timeOrigin + performance.now()),
 * so timestamps taken in different threads compare correctly.
 */
function absoluteMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Milliseconds (possibly fractional) to integer nanoseconds. */
export function msToNs(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.floor((ms - whole) * 1_000_000));
}

/** Wall-clock time in nanoseconds since the Unix epoch. */
export function nowNs(): bigint {
  return msToNs(absoluteMs());
}

/**
 * Monotonic time in nanoseconds (CLOCK_MONOTONIC). Derived from the same
 * absolute clock, so every thread of the engine agrees on it.
 */
export function monotonicNs(): bigint {
  return msToNs(absoluteMs());
}

/** Milliseconds (float) on the monotonic clock, for timers. */
export function monotonicMs(): number {
  return absoluteMs();
}
