/**
 * Minimal assertions for the conformance suite. The suite runs under node:test
 * and inside a Chromium page, so it cannot use node:assert; these helpers are
 * the small part of it the suite needs, throwing SuiteAssertionError.
 */

export class SuiteAssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SuiteAssertionError';
  }
}

/** Canonical JSON (sorted keys; byte arrays as arrays) used to compare values. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return { bytes: Array.from(v) };
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

function show(value: unknown): string {
  const text = value instanceof Uint8Array ? `Uint8Array(${value.length})` : (canonical(value) ?? String(value));
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

export function ok(condition: unknown, message: string): asserts condition {
  if (!condition) throw new SuiteAssertionError(message);
}

export function equal<T>(actual: T, expected: T, message: string): void {
  if (!Object.is(actual, expected)) throw new SuiteAssertionError(`${message}: expected ${show(expected)}, got ${show(actual)}`);
}

export function deepEqual(actual: unknown, expected: unknown, message: string): void {
  if (canonical(actual) !== canonical(expected)) {
    throw new SuiteAssertionError(`${message}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

export function bytesEqual(actual: Uint8Array | null, expected: Uint8Array, message: string): void {
  if (!(actual instanceof Uint8Array)) throw new SuiteAssertionError(`${message}: expected ${expected.length} bytes, got ${show(actual)}`);
  if (actual.length !== expected.length) throw new SuiteAssertionError(`${message}: expected ${expected.length} bytes, got ${actual.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) throw new SuiteAssertionError(`${message}: bytes differ at offset ${i}`);
  }
}

type ErrorClass<E> = abstract new (...args: never[]) => E;

/** Awaits `action`, which must fail with an instance of `errorClass`; returns that error. */
export async function rejects<E extends Error>(action: () => Promise<unknown>, errorClass: ErrorClass<E>, message: string): Promise<E> {
  let result: unknown;
  try {
    result = await action();
  } catch (error) {
    if (error instanceof errorClass) return error;
    const got = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new SuiteAssertionError(`${message}: expected ${errorClass.name}, got ${got}`);
  }
  throw new SuiteAssertionError(`${message}: expected ${errorClass.name}, but it succeeded with ${show(result)}`);
}
