/**
 * `docker pull` from an OCI distribution registry, with dockerd 20.10's
 * progress stream and messages:
 *
 *   {"status":"Pulling from library/busybox","id":"latest"}
 *   {"status":"Pulling fs layer","progressDetail":{},"id":"<12 hex>"}   (or "Already exists")
 *   {"status":"Downloading","progressDetail":{"current","total"},"progress":"[=> ] …","id":…}
 *   {"status":"Verifying Checksum"…} {"status":"Download complete"…}
 *   {"status":"Extracting"…} {"status":"Pull complete"…}
 *   {"status":"Digest: sha256:…"}
 *   {"status":"Status: Downloaded newer image for busybox:latest"}   (or "Image is up to date for …")
 *
 * Everything fetched is verified (manifest digest when pulling by digest,
 * config digest, layer digest and size, diff id, extraction policy) before
 * the image is stored in one transaction; a failure stores nothing.
 * Errors before the first message (unknown manifest, no network) reach the
 * client as HTTP errors; later ones in band.
 */
import { sha256Hex } from '../../../common/bytes.ts';
import { InvalidParameterError, NotFoundError, SystemError } from '../../errors.ts';
import type { ImagePullOptions } from '../../types/image.ts';
import type { ProgressSink } from '../../types/json-message.ts';
import { InvalidImageError, parseImageConfig } from '../image-config.ts';
import type { ImageStore, LayerInput } from '../image-store.ts';
import { checkLayerBlob, MediaTypes } from '../layer-blob.ts';
import { choosePlatform, parsePlatform, platformString } from '../platform.ts';
import { layerProgress, layerStatus, shortId } from '../progress.ts';
import {
  type Reference,
  familiarName,
  familiarString,
  parseNormalizedNamed,
  withDigest,
  withTag,
} from '../reference.ts';
import { RegistryClient, registryError, translatePullError } from './client.ts';
import type { RegistryFetch } from './http.ts';
import { type Descriptor, MANIFEST_ACCEPT, parseManifest } from './manifest.ts';

/** How the engine reaches registries (set by the entry point). */
export interface DistributionOptions {
  readonly fetch: RegistryFetch;
  readonly insecureRegistries?: readonly string[];
  /** The engine runs in a browser (failed fetches are explained as CORS problems). */
  readonly browser?: boolean;
}

const MAX_LAYER = 4 * 1024 * 1024 * 1024;

/** Fetches a manifest by tag or digest; returns its bytes, media type and digest. */
export async function fetchManifest(
  client: RegistryClient,
  repository: string,
  reference: string,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; contentType: string; digest: string }> {
  const response = await client.send(
    { method: 'GET', url: client.url(`${repository}/manifests/${reference}`), headers: { Accept: MANIFEST_ACCEPT }, ...(signal ? { signal } : {}) },
    `repository:${repository}:pull`,
  );
  if (response.status !== 200) throw await registryError(response);
  const bytes = await RegistryClient.read(response, 'manifest');
  const digest = `sha256:${await sha256Hex(bytes)}`;
  if (reference.startsWith('sha256:') && digest !== reference) {
    throw new InvalidImageError(`manifest verification failed for digest ${reference}`);
  }
  return { bytes, contentType: response.header('content-type') ?? '', digest };
}

/** Downloads a blob, verifying size and digest; `onProgress(current, total)` as bytes arrive. */
export async function fetchBlob(
  client: RegistryClient,
  repository: string,
  descriptor: Descriptor,
  signal: AbortSignal | undefined,
  onProgress?: (current: number, total: number) => void,
): Promise<Uint8Array> {
  if (descriptor.size > MAX_LAYER) throw new InvalidImageError(`blob ${descriptor.digest} is too large (${descriptor.size} bytes)`);
  const response = await client.send(
    { method: 'GET', url: client.url(`${repository}/blobs/${descriptor.digest}`), headers: {}, ...(signal ? { signal } : {}) },
    `repository:${repository}:pull`,
  );
  if (response.status !== 200) throw await registryError(response);
  const out = new Uint8Array(descriptor.size);
  let at = 0;
  let lastReport = 0;
  for await (const chunk of response.body()) {
    if (at + chunk.length > out.length) throw new InvalidImageError(`blob ${descriptor.digest} is larger than its descriptor's ${descriptor.size} bytes`);
    out.set(chunk, at);
    at += chunk.length;
    if (onProgress && (at - lastReport >= 512 * 1024 || at === out.length)) {
      lastReport = at;
      onProgress(at, out.length);
    }
  }
  if (at !== out.length) throw new InvalidImageError(`blob ${descriptor.digest}: expected ${descriptor.size} bytes, got ${at}`);
  const actual = `sha256:${await sha256Hex(out)}`;
  if (actual !== descriptor.digest) throw new InvalidImageError(`filesystem layer verification failed for digest ${descriptor.digest}`);
  return out;
}

/** Follows a manifest list to the platform's image manifest. */
async function resolveImageManifest(
  client: RegistryClient,
  repository: string,
  reference: string,
  platformText: string,
  signal?: AbortSignal,
): Promise<{ config: Descriptor; layers: readonly Descriptor[]; digest: string; mediaType: string }> {
  const top = await fetchManifest(client, repository, reference, signal);
  let parsed = parseManifest(top.bytes, top.contentType);
  const platform = parsePlatform(platformText);
  if (parsed.kind === 'list') {
    const chosen = choosePlatform(parsed.manifests, platform);
    const inner = await fetchManifest(client, repository, chosen.digest, signal);
    parsed = parseManifest(inner.bytes, inner.contentType);
    if (parsed.kind === 'list') throw new InvalidImageError('invalid manifest: a manifest list points at another manifest list');
  }
  return { config: parsed.config, layers: parsed.layers, digest: top.digest, mediaType: parsed.mediaType };
}

/**
 * Pulls `options.fromImage` (+ tag or digest; every tag when the tag is
 * empty) into `store`, reporting progress like dockerd. Emits "pull".
 */
export async function pullImage(
  store: ImageStore,
  distribution: DistributionOptions,
  options: ImagePullOptions,
  progress: ProgressSink,
  signal: AbortSignal,
): Promise<void> {
  const named = parseNormalizedNamed(options.fromImage);
  const client = new RegistryClient({
    fetch: distribution.fetch,
    domain: named.domain,
    ...(options.auth ? { auth: options.auth } : {}),
    ...(distribution.insecureRegistries ? { insecureRegistries: distribution.insecureRegistries } : {}),
    ...(distribution.browser ? { browser: true } : {}),
  });
  if (options.tag !== '' || named.tag !== undefined || named.digest !== undefined) {
    let ref: Reference = named;
    if (options.tag !== '') {
      if (options.tag.startsWith('sha256:')) ref = withDigest(named, options.tag);
      else ref = withTag(named, options.tag);
    } else if (named.tag === undefined && named.digest === undefined) {
      ref = withTag(named, 'latest');
    }
    await pullOne(store, client, ref, options.platform, progress, signal, familiarString(ref));
    store.emit('pull', familiarString(ref), { name: familiarString(ref) });
    return;
  }
  // docker pull -a: every tag of the repository.
  const response = await client.send({ method: 'GET', url: client.url(`${named.path}/tags/list`), headers: {}, signal }, `repository:${named.path}:pull`);
  if (response.status !== 200) throw translatePullError(await registryError(response), familiarName(named), familiarName(named));
  const list = JSON.parse(new TextDecoder().decode(await RegistryClient.read(response, 'tag list'))) as { tags?: unknown };
  const tags = Array.isArray(list.tags) ? list.tags.filter((t): t is string => typeof t === 'string').sort() : [];
  if (tags.length === 0) throw new NotFoundError(`no tags found for ${familiarName(named)}`);
  let updated = false;
  for (const tag of tags) {
    if (await pullOne(store, client, withTag(named, tag), options.platform, progress, signal, null)) updated = true;
  }
  progress({ status: `Status: ${updated ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarName(named)}` });
  store.emit('pull', familiarName(named), { name: familiarName(named) });
}

/** Pulls one tag or digest; returns whether a reference changed. Prints the final status unless `statusName` is null. */
async function pullOne(
  store: ImageStore,
  client: RegistryClient,
  ref: Reference,
  platformText: string,
  progress: ProgressSink,
  signal: AbortSignal,
  statusName: string | null,
): Promise<boolean> {
  const repository = ref.path;
  const tagOrDigest = ref.digest ?? ref.tag!;
  let resolved;
  try {
    resolved = await resolveImageManifest(client, repository, tagOrDigest, platformText, signal);
  } catch (error) {
    throw translatePullError(error, familiarName(ref), familiarString(ref));
  }
  // dockerd names the repository by its path in the registry: "library/busybox", "busybox" on a local registry.
  progress({ status: `Pulling from ${repository}`, id: tagOrDigest });
  if (resolved.layers.some((l) => l.mediaType === MediaTypes.ociLayerZstd)) {
    throw new InvalidImageError('the image has zstd-compressed layers, which Drydock does not support');
  }
  if (resolved.layers.some((l) => (l.urls?.length ?? 0) > 0 || l.mediaType === MediaTypes.dockerForeignLayerGzip)) {
    throw new InvalidImageError('the image has foreign layers (Windows base layers), which Drydock does not support');
  }
  const configBytes = await fetchBlob(client, repository, resolved.config, signal);
  const config = parseImageConfig(configBytes);
  const wanted = parsePlatform(platformText);
  if (wanted && (config.os !== wanted.os || config.architecture !== wanted.architecture)) {
    throw new NotFoundError(
      `image with reference ${familiarString(ref)} was found but does not match the specified platform: wanted ${platformString(wanted)}, actual: ${config.os}/${config.architecture}`,
    );
  }
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== resolved.layers.length) {
    throw new InvalidImageError(`invalid manifest: ${resolved.layers.length} layers but the config lists ${diffIds.length} diff ids`);
  }
  const needed: number[] = [];
  resolved.layers.forEach((layer, i) => {
    if (store.layer(diffIds[i]!)) layerStatus(progress, shortId(layer.digest), 'Already exists');
    else {
      needed.push(i);
      layerStatus(progress, shortId(layer.digest), 'Pulling fs layer');
    }
  });
  const inputs: LayerInput[] = [];
  for (const i of needed) {
    signal.throwIfAborted();
    const layer = resolved.layers[i]!;
    const id = shortId(layer.digest);
    const blob = await fetchBlob(client, repository, layer, signal, (current, total) => layerProgress(progress, id, 'Downloading', current, total));
    layerStatus(progress, id, 'Verifying Checksum');
    layerStatus(progress, id, 'Download complete');
    const checked = await checkLayerBlob(blob, `layer ${layer.digest}`, diffIds[i]);
    layerProgress(progress, id, 'Extracting', blob.length, blob.length);
    inputs.push({ diffId: checked.diffId, blob, mediaType: layer.mediaType || MediaTypes.dockerLayerGzip, size: checked.size });
    layerStatus(progress, id, 'Pull complete');
  }
  const id = `sha256:${await sha256Hex(configBytes)}`;
  if (id !== resolved.config.digest) throw new InvalidImageError(`config verification failed for digest ${resolved.config.digest}`);
  progress({ status: `Digest: ${resolved.digest}` });
  const digestRef = withDigest(ref, resolved.digest);
  const before = store.refTarget(ref);
  const refs = ref.digest !== undefined ? [ref] : [digestRef, ref];
  await store.addImage({ configBytes, layers: inputs, refs });
  const updated = before !== id;
  if (statusName !== null) {
    progress({ status: `Status: ${updated ? 'Downloaded newer image' : 'Image is up to date'} for ${statusName}` });
  }
  return updated;
}

/** Checks a pull's arguments before anything is fetched (400s instead of in-band errors). */
export function checkPullOptions(options: ImagePullOptions): void {
  if (options.fromImage === '') throw new InvalidParameterError('image name cannot be blank');
  parseNormalizedNamed(options.fromImage);
  parsePlatform(options.platform);
}

export { SystemError };
