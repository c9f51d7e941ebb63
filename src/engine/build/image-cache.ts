/**
 * The classic builder's layer cache (dockerd's image/cache compare.go and
 * the builder's imageProber): a step hits when an image exists whose
 * parent is the current image and whose container config (the step's
 * command or "#(nop)" comment, env, labels, ports, volumes, user,
 * entrypoint) equals the one the step would commit; the newest such image
 * wins. After the first miss in a stage nothing more is looked up until
 * the next stage (dockerd's cacheBusted), and --no-cache looks up nothing.
 */
import type { Image, ImageStore } from '../images/image-store.ts';
import { parseGoTime } from '../images/image-config.ts';
import type { ContainerConfig } from '../types/container.ts';

function createdNs(image: Image): bigint {
  return parseGoTime(image.created) ?? 0n;
}

function list(value: string[] | string | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

function keys(value: Record<string, unknown> | null | undefined): string[] {
  return value ? Object.keys(value) : [];
}

/** dockerd's compare(): equal enough to reuse (Image and Hostname are ignored; OpenStdin never matches). */
export function compareConfigs(a: ContainerConfig, b: ContainerConfig): boolean {
  if (a.OpenStdin || b.OpenStdin) return false;
  if ((a.AttachStdout ?? false) !== (b.AttachStdout ?? false) || (a.AttachStderr ?? false) !== (b.AttachStderr ?? false)) return false;
  if ((a.User ?? '') !== (b.User ?? '') || (a.Tty ?? false) !== (b.Tty ?? false)) return false;
  const aCmd = list(a.Cmd);
  const bCmd = list(b.Cmd);
  const aEnv = a.Env ?? [];
  const bEnv = b.Env ?? [];
  const aEntry = list(a.Entrypoint);
  const bEntry = list(b.Entrypoint);
  if (
    aCmd.length !== bCmd.length ||
    aEnv.length !== bEnv.length ||
    keys(a.Labels).length !== keys(b.Labels).length ||
    keys(a.ExposedPorts).length !== keys(b.ExposedPorts).length ||
    aEntry.length !== bEntry.length ||
    keys(a.Volumes).length !== keys(b.Volumes).length
  ) {
    return false;
  }
  if (aCmd.some((v, i) => v !== bCmd[i]) || aEnv.some((v, i) => v !== bEnv[i]) || aEntry.some((v, i) => v !== bEntry[i])) return false;
  for (const [k, v] of Object.entries(a.Labels ?? {})) if (b.Labels?.[k] !== v) return false;
  for (const k of keys(a.ExposedPorts)) if (!(k in (b.ExposedPorts ?? {}))) return false;
  for (const k of keys(a.Volumes)) if (!(k in (b.Volumes ?? {}))) return false;
  return true;
}

/** Looks up cached steps for one build. */
export class ImageProber {
  private busted = false;

  constructor(
    private readonly store: ImageStore,
    private readonly disabled: boolean,
  ) {}

  /** A new stage: lookups resume. */
  reset(): void {
    this.busted = false;
  }

  /** The cached image for a step on `parentId` ("" for scratch) with `config`, or null (and no more lookups this stage). */
  probe(parentId: string, config: ContainerConfig): Image | null {
    if (this.disabled || this.busted) return null;
    const siblings = parentId ? this.store.children(parentId) : this.store.list().filter((image) => !image.parent);
    let match: Image | null = null;
    for (const image of siblings) {
      const cached = image.config.container_config;
      if (!cached || !compareConfigs(cached, config)) continue;
      if (!match || createdNs(match) < createdNs(image)) match = image;
    }
    if (!match) this.busted = true;
    return match;
  }
}
