/**
 * Docker's User and GroupAdd resolved against a container's /etc/passwd and
 * /etc/group, as dockerd 20.10 with runc does (libcontainer/user's
 * GetExecUser and GetAdditionalGroups), with their error wording.
 *
 * Invariants: the result's `groups` is what the process gets as its
 * supplementary groups: sorted by gid, without duplicates, and always holding
 * the primary gid (dockerd shows `groups=1000` for `-u 1000:1000`). The files
 * are read through the namespace as root; a missing file is an empty one.
 */
import { NGROUPS_MAX } from '../../kernel/abi/linux.ts';
import type { MountNamespace } from '../../unionfs/vfs/mount-namespace.ts';
import { InvalidParameterError } from '../errors.ts';
import { readFileIn } from './rootfs.ts';

export interface ResolvedUser {
  uid: number;
  gid: number;
  home: string;
  /** Supplementary groups: sorted, unique, including `gid`. */
  groups: number[];
}

/** libcontainer/user's minID..maxID. */
const MAX_ID = 2147483647;
const RANGE_ERROR = 'uids and gids must be in range 0-2147483647';
const INT64_MAX = 9223372036854775807n;

/**
 * Resolves Docker's User ("", "name", "uid", "name:group", "uid:gid") and
 * HostConfig.GroupAdd (group names or numbers):
 * - a numeric user is a uid (its passwd entry, if any, gives the name, gid
 *   and home); a name must have an entry ("unable to find user NAME");
 * - without an explicit group, the supplementary groups are the /etc/group
 *   entries listing the user's name as a member (the empty User is root's
 *   entry); with one ("name:group"), the gid is that group and there are none;
 * - GroupAdd entries name a group or give a number (0..2147483647); an
 *   unknown name fails ("Unable to find group NAME"), and so does a name that
 *   resolves to a group an earlier entry already added (dockerd 20.10 does:
 *   `--group-add 10 --group-add wheel` fails when wheel is 10).
 */
export function resolveUser(ns: MountNamespace, user: string, groupAdd: readonly string[] = []): ResolvedUser {
  const colon = user.indexOf(':');
  const userArg = colon < 0 ? user : user.slice(0, colon);
  const groupArg = colon < 0 ? '' : user.slice(colon + 1).split(':')[0]!;
  const passwd = databaseLines(ns, '/etc/passwd');
  let uid = 0;
  let gid = 0;
  let home = '/root';
  let userName: string | undefined;
  if (userArg === '') {
    // The image's default user: root, whose passwd entry (if any) names it for its groups.
    userName = passwd.find((f) => idField(f[2]) === 0)?.[0];
  } else {
    const uidArg = goAtoi(userArg);
    const entry = uidArg !== null ? passwd.find((f) => idField(f[2]) === uidArg) : passwd.find((f) => f[0] === userArg);
    if (entry) {
      userName = entry[0];
      uid = idField(entry[2]);
      gid = idField(entry[3]);
      home = entry[5] || '/';
    } else if (uidArg === null) {
      throw new InvalidParameterError(`unable to find user ${userArg}: no matching entries in passwd file`);
    } else {
      if (uidArg < 0 || uidArg > MAX_ID) throw new InvalidParameterError(RANGE_ERROR);
      uid = uidArg;
      home = '/';
    }
  }
  const groupFile = databaseLines(ns, '/etc/group');
  const supplementary: number[] = [];
  if (groupArg !== '') {
    const gidArg = goAtoi(groupArg);
    const entry = gidArg !== null ? groupFile.find((g) => idField(g[2]) === gidArg) : groupFile.find((g) => g[0] === groupArg);
    if (entry) gid = idField(entry[2]);
    else if (gidArg === null) throw new InvalidParameterError(`unable to find group ${groupArg}: no matching entries in group file`);
    else if (gidArg < 0 || gidArg > MAX_ID) throw new InvalidParameterError(RANGE_ERROR);
    else gid = gidArg;
  } else if (userName !== undefined) {
    for (const g of groupFile) if (members(g).includes(userName)) supplementary.push(idField(g[2]));
  }
  const groups = [...new Set([gid, ...supplementary, ...additionalGroups(groupFile, groupAdd)])].sort((a, b) => a - b);
  if (groups.length > NGROUPS_MAX) throw new InvalidParameterError(`too many supplementary groups: ${groups.length} (at most ${NGROUPS_MAX})`);
  return { uid, gid, home, groups };
}

/** HostConfig.GroupAdd as libcontainer/user's GetAdditionalGroups resolves it (in order, quirks included). */
function additionalGroups(groupFile: readonly string[][], groupAdd: readonly string[]): number[] {
  const matches = groupFile.filter((g) => groupAdd.some((add) => g[0] === add || String(idField(g[2])) === add));
  const added = new Set<number>();
  for (const add of groupAdd) {
    const entry = matches.find((g) => (g[0] === add || String(idField(g[2])) === add) && !added.has(idField(g[2])));
    if (entry) {
      added.add(idField(entry[2]));
      continue;
    }
    const gid = goAtoi(add);
    if (gid === null) throw new InvalidParameterError(`Unable to find group ${add}: no matching entries in group file`);
    if (gid < 0 || gid > MAX_ID) throw new InvalidParameterError(RANGE_ERROR);
    added.add(gid);
  }
  return [...added];
}

/** The non-blank lines of a passwd-style file, trimmed and split at ':' (none when it is missing). */
function databaseLines(ns: MountNamespace, path: string): string[][] {
  return (readFileIn(ns, path) ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => line.split(':'));
}

/** A group entry's member list. */
function members(group: readonly string[]): string[] {
  return (group[3] ?? '').split(',');
}

/** An id field as libcontainer parses it: a number, or 0 when it is not one. */
function idField(text: string | undefined): number {
  return goAtoi(text ?? '') ?? 0;
}

/** Go's strconv.Atoi (optional sign, decimal digits, within int64), or null. */
function goAtoi(text: string): number | null {
  if (!/^[+-]?\d+$/.test(text)) return null;
  const value = BigInt(text);
  if (value > INT64_MAX || value < -INT64_MAX - 1n) return null;
  return Number(value);
}
