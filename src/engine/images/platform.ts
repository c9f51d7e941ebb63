/**
 * Platforms ("os/arch[/variant]") and choosing one from a manifest list.
 *
 * Drydock runs WebAssembly, so its own platform is linux/wasm32 (what
 * `docker version` reports as OS/Arch). From a manifest list or OCI index it
 * takes, in order: linux/wasm32, then the WASI spellings other tools use
 * (wasip1/wasm, wasi/wasm, wasi/wasm32, linux/wasm). An image without a
 * list is taken whatever its platform (its config says what it is; running
 * non-wasm binaries fails at exec). An explicit `--platform` selects that
 * platform exactly.
 */
import { InvalidParameterError, NotFoundError } from '../errors.ts';

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** The engine's platform. */
export const ENGINE_PLATFORM: Platform = { os: 'linux', architecture: 'wasm32' };

/** Platforms the engine can run, best first. */
const RUNNABLE: readonly Platform[] = [
  ENGINE_PLATFORM,
  { os: 'wasip1', architecture: 'wasm' },
  { os: 'wasi', architecture: 'wasm' },
  { os: 'wasi', architecture: 'wasm32' },
  { os: 'linux', architecture: 'wasm' },
];

/** "os/arch[/variant]". */
export function platformString(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** Parses a `--platform` value ("linux", "linux/amd64", "linux/arm64/v8"); empty gives null. */
export function parsePlatform(text: string): Platform | null {
  if (text === '') return null;
  const parts = text.toLowerCase().split('/');
  if (parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p))) {
    throw new InvalidParameterError(`"${text}": unknown operating system or architecture: invalid argument`);
  }
  const [os, architecture, variant] = parts;
  return { os: os!, architecture: architecture ?? ENGINE_PLATFORM.architecture, ...(variant ? { variant } : {}) };
}

function matches(want: Platform, have: Platform): boolean {
  if (want.os !== have.os || want.architecture !== have.architecture) return false;
  return want.variant === undefined || want.variant === have.variant;
}

/**
 * The entry of a manifest list for `requested` (or the engine's runnable
 * platforms), else NotFoundError "no matching manifest for linux/wasm32 in
 * the manifest list entries" (dockerd's wording).
 */
export function choosePlatform<T extends { platform?: Partial<Platform> }>(entries: readonly T[], requested: Platform | null): T {
  const wanted = requested ? [requested] : RUNNABLE;
  for (const want of wanted) {
    const found = entries.find((e) => e.platform && matches(want, { os: e.platform.os ?? '', architecture: e.platform.architecture ?? '', variant: e.platform.variant }));
    if (found) return found;
  }
  throw new NotFoundError(`no matching manifest for ${platformString(requested ?? ENGINE_PLATFORM)} in the manifest list entries`);
}
