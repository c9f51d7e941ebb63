/**
 * Small deterministic layers and configs for the image tests (used by
 * src/engine/images/*.test.ts and test/engine-images*.test.ts only).
 */
import { utf8 } from '../../../common/bytes.ts';
import type { TarWriteEntry } from '../../../unionfs/tar/entry.ts';
import { writeTar } from '../../../unionfs/tar/writer.ts';
import type { ImageConfig } from '../image-config.ts';

export const T0 = 1_700_000_000_000_000_000n;

export type FixtureEntry = string | { dir: true; mode?: number } | { link: string } | { hardlink: string } | { data: Uint8Array; mode?: number };

/** A layer tar from path -> content (string = file, {dir}, {link} = symlink, {hardlink}). Paths without leading '/'. */
export function layerTar(files: Record<string, FixtureEntry>): Uint8Array {
  const entries: TarWriteEntry[] = [];
  for (const [path, spec] of Object.entries(files)) {
    if (typeof spec === 'string') entries.push({ path, type: 'file', mode: 0o644, data: utf8(spec), mtimeNs: T0 });
    else if ('dir' in spec) entries.push({ path, type: 'dir', mode: spec.mode ?? 0o755, mtimeNs: T0 });
    else if ('link' in spec) entries.push({ path, type: 'symlink', mode: 0o777, linkTarget: spec.link, mtimeNs: T0 });
    else if ('hardlink' in spec) entries.push({ path, type: 'hardlink', mode: 0o644, linkTarget: spec.hardlink, mtimeNs: T0 });
    else entries.push({ path, type: 'file', mode: spec.mode ?? 0o644, data: spec.data, mtimeNs: T0 });
  }
  return writeTar(entries);
}

/** A minimal config (rootfs filled in by the store). */
export function baseConfig(extra: Partial<ImageConfig> = {}): Omit<ImageConfig, 'rootfs'> {
  return {
    architecture: 'wasm32',
    os: 'linux',
    created: '2024-01-02T03:04:05.123456789Z',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] },
    ...extra,
  };
}

/** Collects an async byte stream. */
export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const c of stream) {
    chunks.push(c);
    total += c.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A byte array as a stream of chunks of `size` bytes. */
export async function* chunked(bytes: Uint8Array, size = 7919): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, Math.min(bytes.length, at + size));
}
