/**
 * Docker Engine API versions: what Drydock advertises, how versions compare,
 * and the check every versioned request passes (moby's
 * daemon/server/middleware/version.go).
 */
import { InvalidParameterError } from '../errors.ts';

/** Drydock's own release, reported as the engine version. */
export const DRYDOCK_VERSION = '0.1.0';

/**
 * The highest API version served. CLI 28 speaks min(1.50, this). 1.47 is
 * the API of Docker 27; the endpoints Drydock implements did not change
 * shape up to it.
 */
export const MAX_API_VERSION = '1.47';

/** The lowest API version served (moby accepts 1.24 with DOCKER_MIN_API_VERSION). */
export const MIN_API_VERSION = '1.24';

/**
 * Below this version moby answers errors as plain text instead of JSON,
 * because such old clients print JSON error bodies verbatim.
 */
export const PLAIN_TEXT_ERRORS_BELOW = '1.24';

/**
 * Compares two dotted versions numerically, part by part, missing parts
 * counting as 0 (moby's api/types/versions.compare). Non-numeric parts
 * compare as 0.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  const n = Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = Number.parseInt(pa[i] ?? '0', 10) || 0;
    const y = Number.parseInt(pb[i] ?? '0', 10) || 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export function versionLessThan(a: string, b: string): boolean {
  return compareVersions(a, b) < 0;
}

export function versionAtLeast(a: string, b: string): boolean {
  return compareVersions(a, b) >= 0;
}

/** The version range a server accepts; `max` is also the default for unversioned paths. */
export interface ApiVersionRange {
  readonly min: string;
  readonly max: string;
}

/**
 * The API version a request is served with: the path's `/vX.Y` prefix, or
 * the maximum when the path has none. Throws InvalidParameterError with
 * dockerd's wording when the version is out of range.
 */
export function negotiateVersion(requested: string | undefined, range: ApiVersionRange): string {
  const version = requested === undefined || requested === '' ? range.max : requested;
  if (versionLessThan(version, range.min)) {
    throw new InvalidParameterError(
      `client version ${version} is too old. Minimum supported API version is ${range.min}, please upgrade your client to a newer version`,
    );
  }
  if (compareVersions(version, range.max) > 0) {
    throw new InvalidParameterError(`client version ${version} is too new. Maximum supported API version is ${range.max}`);
  }
  return version;
}

/** A `/v1.47/...` prefix: digits and dots, like moby's `/v{version:[0-9.]+}` matcher. */
const VERSION_PREFIX = /^\/v([0-9.]+)(\/.*)$/;

/** Splits a decoded path into its version prefix (if any) and the route path. */
export function splitVersionPrefix(path: string): { version: string | undefined; path: string } {
  const match = VERSION_PREFIX.exec(path);
  if (!match) return { version: undefined, path };
  return { version: match[1]!, path: match[2]! };
}
