/**
 * Image references as Docker reads them (github.com/distribution/reference,
 * the version dockerd 20.10 vendors): parsing, docker.io normalisation,
 * familiar forms, tags and digests, with the same error messages.
 *
 *   busybox                 -> docker.io/library/busybox          familiar: busybox
 *   user/app:1              -> docker.io/user/app:1               familiar: user/app:1
 *   localhost:5000/x@sha256:… -> localhost:5000/x@sha256:…
 *
 * A `Reference` is immutable and always normalised (domain present,
 * docker.io's official repositories under `library/`).
 */
import { InvalidParameterError } from '../errors.ts';

/** Docker Hub's canonical domain and its legacy spelling. */
export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
/** The tag a reference without tag or digest gets. */
export const DEFAULT_TAG = 'latest';
/** Longest allowed name (domain + path), as in distribution/reference. */
export const NAME_TOTAL_LENGTH_MAX = 255;

const ALPHA_NUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|-+)'; // distribution's [-]* with the empty case folded into [a-z0-9]+ (no backtracking blow-up)
const NAME_COMPONENT = `${ALPHA_NUMERIC}(?:${SEPARATOR}${ALPHA_NUMERIC})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const NAME = `(?:${DOMAIN}/)?${NAME_COMPONENT}(?:/${NAME_COMPONENT})*`;
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const TAG_ONLY = new RegExp(`^${TAG}$`);
const IDENTIFIER = /^[a-f0-9]{64}$/;
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** A reference that fails to parse; an InvalidParameterError with distribution/reference's message. */
export class InvalidReferenceError extends InvalidParameterError {}

/** A normalised named reference: `domain/path[:tag][@digest]`. */
export interface Reference {
  /** Registry host (with port), e.g. "docker.io", "localhost:5000". */
  readonly domain: string;
  /** Repository path in the registry, e.g. "library/busybox". */
  readonly path: string;
  readonly tag?: string;
  /** "sha256:<hex>". */
  readonly digest?: string;
}

/** The reference a string is when it is not a name: a bare image ID or `sha256:<id>`. */
export interface DigestReference {
  readonly digest: string;
}

/** "domain/path": the full repository name. */
export function fullName(ref: Reference): string {
  return `${ref.domain}/${ref.path}`;
}

/** The repository name as the CLI prints it ("busybox", "user/app", "localhost:5000/x"). */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return fullName(ref);
  if (ref.path.startsWith(OFFICIAL_REPO_PREFIX) && !ref.path.slice(OFFICIAL_REPO_PREFIX.length).includes('/')) {
    return ref.path.slice(OFFICIAL_REPO_PREFIX.length);
  }
  return ref.path;
}

function suffix(ref: Reference): string {
  return `${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** The full string: "docker.io/library/busybox:latest". */
export function referenceString(ref: Reference): string {
  return fullName(ref) + suffix(ref);
}

/** The familiar string the CLI prints: "busybox:latest". */
export function familiarString(ref: Reference): string {
  return familiarName(ref) + suffix(ref);
}

/** Adds the default tag to a reference with neither tag nor digest (reference.TagNameOnly). */
export function tagNameOnly(ref: Reference): Reference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: DEFAULT_TAG } : ref;
}

/** The repository alone (reference.TrimNamed). */
export function trimNamed(ref: Reference): Reference {
  return { domain: ref.domain, path: ref.path };
}

/** `ref`'s repository with `tag` (reference.WithTag); InvalidReferenceError "invalid tag format". */
export function withTag(ref: Reference, tag: string): Reference {
  if (!TAG_ONLY.test(tag)) throw new InvalidReferenceError('invalid tag format');
  return { domain: ref.domain, path: ref.path, tag };
}

/** `ref`'s repository with `digest` (reference.WithDigest). */
export function withDigest(ref: Reference, digest: string): Reference {
  if (!SHA256_DIGEST.test(digest)) throw new InvalidReferenceError('invalid digest format');
  return { domain: ref.domain, path: ref.path, digest };
}

function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  let domain: string;
  let remainder: string;
  if (slash === -1 || (!/[.:]/.test(name.slice(0, slash)) && name.slice(0, slash) !== 'localhost')) {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  } else {
    domain = name.slice(0, slash);
    remainder = name.slice(slash + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

function validateDigest(digest: string): void {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (algorithm !== 'sha256') throw new InvalidReferenceError('unsupported digest algorithm');
  if (hex.length !== 64) throw new InvalidReferenceError('invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(hex)) throw new InvalidReferenceError('invalid checksum digest format');
}

/** reference.Parse of an already normalised string (domain present). */
function parseFull(text: string): Reference {
  const match = REFERENCE.exec(text);
  if (!match) {
    if (text === '') throw new InvalidReferenceError('repository name must have at least one component');
    if (REFERENCE.test(text.toLowerCase())) throw new InvalidReferenceError('invalid reference format: repository name must be lowercase');
    throw new InvalidReferenceError('invalid reference format');
  }
  const name = match[1]!;
  if (name.length > NAME_TOTAL_LENGTH_MAX) throw new InvalidReferenceError(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  const slash = name.indexOf('/');
  const tag = match[2];
  const digest = match[3];
  if (digest !== undefined) validateDigest(digest);
  return {
    domain: name.slice(0, slash),
    path: name.slice(slash + 1),
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/**
 * Parses what a user typed into a normalised reference
 * (reference.ParseNormalizedNamed): "busybox" -> docker.io/library/busybox.
 * Throws InvalidReferenceError with Docker's messages.
 */
export function parseNormalizedNamed(text: string): Reference {
  if (IDENTIFIER.test(text)) {
    throw new InvalidReferenceError(`invalid repository name (${text}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDockerDomain(text);
  const tagSep = remainder.indexOf(':');
  const remoteName = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remoteName.toLowerCase() !== remoteName) {
    throw new InvalidReferenceError('invalid reference format: repository name must be lowercase');
  }
  return parseFull(`${domain}/${remainder}`);
}

/**
 * reference.ParseAnyReference: a 64-hex ID or a `sha256:` digest is a
 * digest reference (an image ID); anything else a normalised name.
 */
export function parseAnyReference(text: string): Reference | DigestReference {
  if (IDENTIFIER.test(text)) return { digest: `sha256:${text}` };
  if (SHA256_DIGEST.test(text)) return { digest: text };
  return parseNormalizedNamed(text);
}

/** True for a named reference (as opposed to a bare digest). */
export function isNamed(ref: Reference | DigestReference): ref is Reference {
  return 'path' in ref;
}

/** True if `text` is a valid tag. */
export function isValidTag(text: string): boolean {
  return TAG_ONLY.test(text);
}

/**
 * Go's path.Match: `*` matches any run of non-`/` characters, `?` one
 * non-`/` character, `[...]` a class (with `^` negation and ranges), `\`
 * escapes. Throws InvalidParameterError "syntax error in pattern" for a
 * malformed pattern, as Go returns ErrBadPattern.
 */
export function pathMatch(pattern: string, name: string): boolean {
  const bad = () => new InvalidParameterError('syntax error in pattern');
  const chars = [...pattern];
  const text = [...name];
  // Backtracking over stars, classic glob matcher; classes parsed in place.
  const matchClass = (pi: number, ch: string): { matched: boolean; next: number } => {
    let i = pi + 1;
    let negated = false;
    if (chars[i] === '^') {
      negated = true;
      i++;
    }
    let matched = false;
    let first = true;
    for (;;) {
      if (i >= chars.length) throw bad();
      if (chars[i] === ']' && !first) break;
      first = false;
      let lo = chars[i]!;
      if (lo === '\\') {
        i++;
        if (i >= chars.length) throw bad();
        lo = chars[i]!;
      }
      i++;
      let hi = lo;
      if (chars[i] === '-') {
        i++;
        if (i >= chars.length) throw bad();
        hi = chars[i]!;
        if (hi === '\\') {
          i++;
          if (i >= chars.length) throw bad();
          hi = chars[i]!;
        }
        if (hi === ']') throw bad();
        i++;
      }
      if (lo <= ch && ch <= hi) matched = true;
    }
    return { matched: matched !== negated, next: i + 1 };
  };
  // Validate the whole pattern first (Go reports bad patterns even when a prefix fails).
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === '\\') {
      if (i + 1 >= chars.length) throw bad();
      i++;
    } else if (chars[i] === '[') {
      i = matchClass(i, '\0').next - 1;
    }
  }
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = -1;
  while (t < text.length) {
    const pc = chars[p];
    if (pc === '*') {
      starP = p++;
      starT = t;
      continue;
    }
    if (pc !== undefined && text[t] !== '/') {
      if (pc === '?') {
        p++;
        t++;
        continue;
      }
      if (pc === '[') {
        const { matched, next } = matchClass(p, text[t]!);
        if (matched) {
          p = next;
          t++;
          continue;
        }
      } else if (pc === '\\' ? chars[p + 1] === text[t] : pc === text[t]) {
        p += pc === '\\' ? 2 : 1;
        t++;
        continue;
      }
    } else if (pc !== undefined && pc === '/' && text[t] === '/') {
      p++;
      t++;
      continue;
    }
    // Mismatch: let the last star absorb one more character (never a '/').
    if (starP >= 0 && text[starT] !== '/') {
      p = starP + 1;
      t = ++starT;
      continue;
    }
    return false;
  }
  while (chars[p] === '*') p++;
  return p === chars.length;
}

/**
 * reference.FamiliarMatch: `pattern` against the familiar string
 * ("busybox:latest"), then against the familiar name ("busybox").
 */
export function familiarMatch(pattern: string, ref: Reference): boolean {
  return pathMatch(pattern, familiarString(ref)) || pathMatch(pattern, familiarName(ref));
}
