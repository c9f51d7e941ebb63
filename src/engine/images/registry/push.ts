/**
 * `docker push` to an OCI distribution registry, as dockerd 20.10 does it:
 * layers (gzip; uncompressed stored layers are compressed deterministically,
 * so pushing twice gives the same digests), the config blob byte for byte
 * (the image ID survives the round trip), then a Docker schema 2 manifest.
 *
 *   {"status":"The push refers to repository [127.0.0.1:5000/busybox]"}
 *   {"status":"Preparing","progressDetail":{},"id":"<diff id 12>"}        (top layer first)
 *   {"status":"Pushing"…} {"status":"Pushed"…}  or  {"status":"Layer already exists"…}
 *   {"status":"latest: digest: sha256:… size: 527"}
 *   {"progressDetail":{},"aux":{"Tag":"latest","Digest":"sha256:…","Size":527}}
 *
 * After a push the image gets the digest reference (RepoDigests).
 */
import { sha256Hex } from '../../../common/bytes.ts';
import { gzip } from '../../../unionfs/tar/gzip.ts';
import { NotFoundError, SystemError } from '../../errors.ts';
import type { ImagePushOptions } from '../../types/image.ts';
import type { ProgressSink } from '../../types/json-message.ts';
import type { Image, ImageStore } from '../image-store.ts';
import { MediaTypes } from '../layer-blob.ts';
import { layerProgress, layerStatus, shortId } from '../progress.ts';
import { type Reference, familiarName, familiarString, fullName, parseNormalizedNamed, withDigest, withTag } from '../reference.ts';
import { RegistryClient, registryError, withQuery } from './client.ts';
import type { DistributionOptions } from './pull.ts';
import { schema2Manifest } from './manifest.ts';

/** The blob pushed for a layer: gzip bytes and their digest. */
async function pushableLayer(store: ImageStore, diffId: string): Promise<{ bytes: Uint8Array; digest: string; mediaType: string }> {
  const { record, bytes } = await store.layerBlob(diffId);
  if (record.mediaType.endsWith('gzip') || record.mediaType.endsWith('+gzip')) {
    return { bytes, digest: record.blob, mediaType: MediaTypes.dockerLayerGzip };
  }
  const compressed = gzip(bytes);
  return { bytes: compressed, digest: `sha256:${await sha256Hex(compressed)}`, mediaType: MediaTypes.dockerLayerGzip };
}

async function blobExists(client: RegistryClient, repository: string, digest: string, signal: AbortSignal): Promise<boolean> {
  const response = await client.send({ method: 'HEAD', url: client.url(`${repository}/blobs/${digest}`), headers: {}, signal }, `repository:${repository}:push,pull`);
  await response.discard();
  if (response.status === 200) return true;
  if (response.status === 404) return false;
  if (response.status === 401 || response.status === 403) throw await registryError(response, 'unauthorized: authentication required');
  throw new SystemError(`unexpected status ${response.status} checking blob ${digest}`);
}

async function uploadBlob(client: RegistryClient, repository: string, digest: string, bytes: Uint8Array, signal: AbortSignal): Promise<void> {
  const scope = `repository:${repository}:push,pull`;
  const start = await client.send({ method: 'POST', url: client.url(`${repository}/blobs/uploads/`), headers: { 'Content-Length': '0' }, signal }, scope);
  if (start.status !== 202) throw await registryError(start, start.status === 401 ? 'unauthorized: authentication required' : undefined);
  const location = start.header('location');
  await start.discard();
  if (!location) throw new SystemError('the registry started an upload without a Location');
  const put = await client.send(
    {
      method: 'PUT',
      url: withQuery(client.resolve(location), { digest }),
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) },
      body: bytes,
      signal,
    },
    scope,
  );
  if (put.status !== 201) throw await registryError(put);
  await put.discard();
}

/** Pushes one tag of `image` as `ref`; returns the manifest digest and size. */
async function pushTag(store: ImageStore, client: RegistryClient, image: Image, ref: Reference, progress: ProgressSink, signal: AbortSignal) {
  const repository = ref.path;
  const layers: { digest: string; size: number; mediaType: string }[] = [];
  const diffIds = image.diffIds;
  for (let i = diffIds.length - 1; i >= 0; i--) layerStatus(progress, shortId(diffIds[i]!), 'Preparing');
  const pushed = new Map<string, { digest: string; size: number; mediaType: string }>();
  for (let i = diffIds.length - 1; i >= 0; i--) {
    signal.throwIfAborted();
    const diffId = diffIds[i]!;
    const id = shortId(diffId);
    let entry = pushed.get(diffId);
    if (!entry) {
      const blob = await pushableLayer(store, diffId);
      entry = { digest: blob.digest, size: blob.bytes.length, mediaType: blob.mediaType };
      if (await blobExists(client, repository, blob.digest, signal)) {
        layerStatus(progress, id, 'Layer already exists');
      } else {
        layerProgress(progress, id, 'Pushing', 0, blob.bytes.length);
        await uploadBlob(client, repository, blob.digest, blob.bytes, signal);
        layerProgress(progress, id, 'Pushing', blob.bytes.length, blob.bytes.length);
        layerStatus(progress, id, 'Pushed');
      }
      pushed.set(diffId, entry);
    }
    layers[i] = entry;
  }
  const configBytes = await store.configBytes(image);
  if (!(await blobExists(client, repository, image.id, signal))) await uploadBlob(client, repository, image.id, configBytes, signal);
  const manifest = schema2Manifest({ digest: image.id, size: configBytes.length }, layers);
  const digest = `sha256:${await sha256Hex(manifest)}`;
  const response = await client.send(
    {
      method: 'PUT',
      url: client.url(`${repository}/manifests/${ref.tag}`),
      headers: { 'Content-Type': MediaTypes.dockerManifest, 'Content-Length': String(manifest.length) },
      body: manifest,
      signal,
    },
    `repository:${repository}:push,pull`,
  );
  if (response.status !== 201) throw await registryError(response);
  await response.discard();
  progress({ status: `${ref.tag}: digest: ${digest} size: ${manifest.length}` });
  progress({ progressDetail: {}, aux: { Tag: ref.tag, Digest: digest, Size: manifest.length } });
  await store.tag(image, withDigest(ref, digest), { quiet: true });
  return { digest, size: manifest.length };
}

/**
 * Pushes `name` (with `options.tag`, or every tag of the repository when
 * the tag is empty). NotFoundError "An image does not exist locally with
 * the tag: x" when there is nothing to push. Emits "push".
 */
export async function pushImage(
  store: ImageStore,
  distribution: DistributionOptions,
  name: string,
  options: ImagePushOptions,
  progress: ProgressSink,
  signal: AbortSignal,
): Promise<void> {
  const named = parseNormalizedNamed(name);
  const targets: { image: Image; ref: Reference }[] = [];
  if (options.tag !== '' || named.tag !== undefined) {
    const ref = options.tag !== '' ? withTag(named, options.tag) : named;
    const image = store.tryResolve(familiarString(ref));
    if (image && store.refTarget(ref) === image.id) targets.push({ image, ref });
  } else {
    for (const image of store.list()) {
      for (const r of store.referencesOf(image.id)) {
        if (r.domain === named.domain && r.path === named.path && r.tag !== undefined) targets.push({ image, ref: r });
      }
    }
    targets.sort((a, b) => (a.ref.tag! < b.ref.tag! ? -1 : 1));
  }
  if (targets.length === 0) throw new NotFoundError(`An image does not exist locally with the tag: ${familiarName(named)}`);
  const client = new RegistryClient({
    fetch: distribution.fetch,
    domain: named.domain,
    ...(options.auth ? { auth: options.auth } : {}),
    ...(distribution.insecureRegistries ? { insecureRegistries: distribution.insecureRegistries } : {}),
    ...(distribution.browser ? { browser: true } : {}),
  });
  progress({ status: `The push refers to repository [${fullName(named)}]` });
  for (const { image, ref } of targets) await pushTag(store, client, image, ref, progress, signal);
  store.emit('push', familiarString(targets[0]!.ref), { name: familiarString(targets[0]!.ref) });
}
