/**
 * Image references as the CLI normalises them (distribution/reference):
 * "busybox" is "docker.io/library/busybox:latest", shown as "busybox:latest".
 */

export interface ImageReference {
  /** Familiar repository name ("busybox", "user/app", "localhost:5000/app"). */
  readonly familiar: string;
  /** Fully qualified repository ("docker.io/library/busybox"). */
  readonly repository: string;
  readonly tag: string | null;
  readonly digest: string | null;
}

const DEFAULT_DOMAIN = 'docker.io';

/** Parses a reference; null when it is not a valid reference (e.g. upper case, bad characters). */
export function parseReference(text: string): ImageReference | null {
  let rest = text;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)) return null;
  }
  let tag: string | null = null;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return null;
  }
  if (rest === '' || /[A-Z]/.test(rest)) return null;
  const parts = rest.split('/');
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost')) {
    domain = parts[0]!;
    path = parts.slice(1).join('/');
  } else if (parts.length === 1) path = `library/${rest}`;
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path)) return null;
  const familiar = domain === DEFAULT_DOMAIN ? (path.startsWith('library/') && path.split('/').length === 2 ? path.slice('library/'.length) : path) : `${domain}/${path}`;
  return { familiar, repository: `${domain}/${path}`, tag, digest };
}

/** The reference with ":latest" added when it has neither tag nor digest (reference.TagNameOnly), familiar form. */
export function withDefaultTag(text: string): string {
  const ref = parseReference(text);
  if (!ref) return text;
  if (ref.digest) return `${ref.familiar}${ref.tag ? `:${ref.tag}` : ''}@${ref.digest}`;
  return `${ref.familiar}:${ref.tag ?? 'latest'}`;
}
