/**
 * Content digests: `sha256:<64 lowercase hex>`, the only algorithm Drydock
 * stores (as OCI and Docker do for layers). A digest is validated before it is
 * turned into a storage key, so a hostile string like `sha256:../../x` can
 * never name anything.
 */
import { sha256Hex } from '../../common/bytes.ts';
import { InvalidDigestError } from './errors.ts';

/** A validated `sha256:<hex>` string. */
export type Digest = string & { readonly __digest: unique symbol };

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function isDigest(value: unknown): value is Digest {
  return typeof value === 'string' && DIGEST.test(value);
}

/** Returns `value` as a Digest or throws InvalidDigestError. */
export function parseDigest(value: unknown): Digest {
  if (!isDigest(value)) throw new InvalidDigestError(String(value));
  return value;
}

/** The digest of `bytes`. */
export async function digestOf(bytes: Uint8Array): Promise<Digest> {
  return `sha256:${await sha256Hex(bytes)}` as Digest;
}

/** The hex part of a digest. */
export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}
