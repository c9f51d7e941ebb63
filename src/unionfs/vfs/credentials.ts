import type { Stat } from './types.ts';

/** Who is asking: the effective user and groups of a process. */
export interface Credentials {
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
}

export const ROOT: Credentials = Object.freeze({ uid: 0, gid: 0, groups: [] });

export const MAY_READ = 4;
export const MAY_WRITE = 2;
export const MAY_EXEC = 1;

/**
 * POSIX permission check of `want` (MAY_* bits) against `stat`.
 * uid 0 may read and write anything, and execute anything with an x bit (or any directory).
 */
export function permits(stat: Stat, creds: Credentials, want: number): boolean {
  if (creds.uid === 0) {
    if ((want & MAY_EXEC) === 0 || stat.kind === 'dir') return true;
    return (stat.mode & 0o111) !== 0;
  }
  let bits: number;
  if (stat.uid === creds.uid) bits = (stat.mode >> 6) & 7;
  else if (stat.gid === creds.gid || creds.groups.includes(stat.gid)) bits = (stat.mode >> 3) & 7;
  else bits = stat.mode & 7;
  return (bits & want) === want;
}
