/**
 * Normalisers for comparing docker CLI output of two engines (or of one
 * engine reached two ways): each rewrites one thing that must differ between
 * two runs — IDs, times, durations, sizes, addresses, host ports, data roots
 * and a scratch directory. Used by test/engine-dockerd-diff.test.ts and the
 * host-backend comparisons.
 */

/** Full 64-hex IDs (containers, images, networks, exec IDs, digests). */
export const normaliseFullIds = (s: string) => s.replace(/\b[0-9a-f]{64}\b/g, '<id>');
/** 12-hex short IDs (hostnames, `ps` IDs, conflict messages). */
export const normaliseShortIds = (s: string) => s.replace(/\b[0-9a-f]{12}\b/g, '<id12>');
/** RFC 3339 timestamps (inspect, `logs -t`). */
export const normaliseTimestamps = (s: string) => s.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g, '<time>');
/** `ls -l` dates ("Nov 27 09:02", "Nov 27  2025"): two runs a minute apart differ. */
export const normaliseListingDates = (s: string) =>
  s.replace(/\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d (\d\d:\d\d| \d{4})\b/g, '<date>');
/** Human durations ("Up 2 seconds", "Exited (0) Less than a second ago", "3 seconds ago"). */
export const normaliseDurations = (s: string) =>
  s.replace(/\b(Less than a second|About a minute|About an hour|\d+ (seconds?|minutes?|hours?))\b/g, '<duration>');
/** Human sizes ("0B", "1.23MB", "4.1kB"). */
export const normaliseSizes = (s: string) => s.replace(/\b\d+(\.\d+)?\s?(B|kB|MB|GB)\b/g, '<size>');
/** Container and gateway addresses on networks (each engine allocates its own subnets). */
export const normaliseAddresses = (s: string) =>
  s.replace(/\b(?!0\.0\.0\.0\b)(?!127\.0\.0\.1\b)\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(\/\d+)?\b/g, '<ip>');
/** Host ports chosen by the engine for `-p CONTAINERPORT`. */
export const normaliseHostPorts = (s: string) => s.replace(/(0\.0\.0\.0|127\.0\.0\.1|::|\[::\]):\d+/g, '$1:<port>');
/** Each engine's data root in volume mountpoints. */
export const normaliseDataRoots = (s: string) => s.replace(/\S*\/volumes\/([^/\s]+)\/_data/g, '<data-root>/volumes/$1/_data');

export const NORMALISERS = [
  normaliseFullIds,
  normaliseShortIds,
  normaliseTimestamps,
  normaliseListingDates,
  normaliseDurations,
  normaliseSizes,
  normaliseHostPorts,
  normaliseAddresses,
  normaliseDataRoots,
];

/** Applies every normaliser, after replacing `scratch` (a run's own directory) with "{tmp}". */
export function normalise(text: string, scratch: string): string {
  let s = scratch ? text.replaceAll(scratch, '{tmp}') : text;
  for (const n of NORMALISERS) s = n(s);
  return s;
}
