/**
 * The two ways xz input is refused, both TarErrors so callers need only one
 * catch: data that is damaged, cut short or inconsistent ("corrupt or
 * truncated xz data: ..."), and valid .xz that uses a feature this decoder
 * does not implement ("unsupported xz data: ...", naming the feature).
 */
import { TarError } from './errors.ts';

/** Damaged, truncated or self-contradicting xz input. */
export function corruptXz(detail: string): TarError {
  return new TarError(null, `corrupt or truncated xz data: ${detail}`);
}

/** Well-formed xz input using something not implemented here (a filter, a check type, reserved flags). */
export function unsupportedXz(detail: string): TarError {
  return new TarError(null, `unsupported xz data: ${detail}`);
}
