/**
 * Registry manifests: Docker schema 2 image manifests and manifest lists,
 * OCI image manifests and indexes. Parsing checks the shapes Drydock relies
 * on; schema 1 (long deprecated, removed from Docker) is refused by name.
 */
import { fromUtf8, utf8 } from '../../../common/bytes.ts';
import { InvalidImageError } from '../image-config.ts';
import { MediaTypes } from '../layer-blob.ts';

/** A content descriptor (OCI and Docker share the shape). */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly urls?: readonly string[];
  readonly platform?: { readonly os?: string; readonly architecture?: string; readonly variant?: string; readonly 'os.version'?: string };
  readonly annotations?: Readonly<Record<string, string>>;
}

export type ParsedManifest =
  | { readonly kind: 'list'; readonly mediaType: string; readonly manifests: readonly Descriptor[] }
  | { readonly kind: 'image'; readonly mediaType: string; readonly config: Descriptor; readonly layers: readonly Descriptor[] };

/** Accept header for manifest requests: every kind we can read. */
export const MANIFEST_ACCEPT = [MediaTypes.dockerManifestList, MediaTypes.dockerManifest, MediaTypes.ociIndex, MediaTypes.ociManifest].join(', ');

const DIGEST = /^sha256:[0-9a-f]{64}$/;

function descriptor(value: unknown, what: string): Descriptor {
  if (value === null || typeof value !== 'object') throw new InvalidImageError(`invalid manifest: ${what} is not a descriptor`);
  const d = value as Record<string, unknown>;
  if (typeof d.digest !== 'string' || !DIGEST.test(d.digest)) throw new InvalidImageError(`invalid manifest: ${what} has no sha256 digest`);
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) throw new InvalidImageError(`invalid manifest: ${what} has no valid size`);
  return { ...(d as object), mediaType: typeof d.mediaType === 'string' ? d.mediaType : '', digest: d.digest, size: d.size } as Descriptor;
}

/** Parses manifest bytes; `contentType` is the response's Content-Type (may be empty). */
export function parseManifest(bytes: Uint8Array, contentType: string): ParsedManifest {
  let json: Record<string, unknown>;
  try {
    const value: unknown = JSON.parse(fromUtf8(bytes));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    json = value as Record<string, unknown>;
  } catch (error) {
    throw new InvalidImageError(`invalid manifest: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const type = (typeof json.mediaType === 'string' && json.mediaType) || contentType.split(';')[0]!.trim();
  if (json.schemaVersion === 1 || type === MediaTypes.dockerManifestV1Signed || type === MediaTypes.dockerManifestV1) {
    throw new InvalidImageError('the image uses a Docker schema 1 manifest, which Drydock does not support (push it again with a current Docker)');
  }
  if (Array.isArray(json.manifests)) {
    return { kind: 'list', mediaType: type || MediaTypes.ociIndex, manifests: json.manifests.map((m, i) => descriptor(m, `manifest list entry ${i + 1}`)) };
  }
  if (Array.isArray(json.layers)) {
    return {
      kind: 'image',
      mediaType: type || MediaTypes.ociManifest,
      config: descriptor(json.config, 'config'),
      layers: json.layers.map((l, i) => descriptor(l, `layer ${i + 1}`)),
    };
  }
  throw new InvalidImageError(`invalid manifest: unsupported media type ${JSON.stringify(type)}`);
}

/**
 * A Docker schema 2 manifest as distribution's schema2.FromStruct writes it
 * (json.MarshalIndent with three spaces; descriptor fields mediaType, size,
 * digest), which is what dockerd pushes.
 */
export function schema2Manifest(config: { digest: string; size: number }, layers: readonly { digest: string; size: number; mediaType: string }[]): Uint8Array {
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.dockerManifest,
    config: { mediaType: MediaTypes.dockerConfig, size: config.size, digest: config.digest },
    layers: layers.map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest })),
  };
  return utf8(JSON.stringify(manifest, null, 3));
}
