/**
 * `--storage-opt` (HostConfig.StorageOpt): Drydock supports `size=`, the
 * limit of a container's writable layer, as dockerd's overlay2 does on xfs
 * with pquota (Drydock needs no such filesystem: the writable layer is a
 * MemFs with a size limit). Sizes follow go-units' RAMInBytes ("512k",
 * "10m", "1.5g", "1GiB"); size=0 means no limit. Anything else is refused
 * when the container is created (400), not when it starts.
 */
import { InvalidParameterError } from '../errors.ts';

/** go-units RAMInBytes: binary multiples, optional "i" and "b", decimals. Null when malformed. */
export function ramInBytes(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(text);
  if (!match) return null;
  const unit = (match[2] ?? '').toLowerCase();
  const bytes = Math.trunc(Number(match[1]) * 1024 ** (unit === '' ? 0 : 'kmgtp'.indexOf(unit) + 1));
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/**
 * The writable layer's size limit from HostConfig.StorageOpt, or null for
 * none. Throws InvalidParameterError naming the option for an unknown key or
 * a malformed size.
 */
export function storageSizeLimit(storageOpt: Readonly<Record<string, string>> | null | undefined): number | null {
  let limit: number | null = null;
  for (const [key, value] of Object.entries(storageOpt ?? {})) {
    if (key.toLowerCase() !== 'size') {
      throw new InvalidParameterError(`invalid storage option "${key}": unknown option ${key} (only size= is supported, e.g. --storage-opt size=10m)`);
    }
    const bytes = ramInBytes(value.trim());
    if (bytes === null) {
      throw new InvalidParameterError(`invalid storage option size=${value}: invalid size: '${value}' (bytes, or a number with k, m, g, t: 512k, 10m, 1.5g)`);
    }
    limit = bytes === 0 ? null : bytes;
  }
  return limit;
}
