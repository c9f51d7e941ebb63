/**
 * Container configuration: validating a create request and merging it with
 * the image's config the way dockerd does (daemon/create.go, merge()).
 */
import { InvalidParameterError } from '../errors.ts';
import type { ContainerConfig, ContainerCreateRequest, HostConfig } from '../types/container.ts';

/** The part of an image's config a container inherits. */
export interface ImageRuntimeConfig {
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>> | null;
  Volumes?: Record<string, Record<string, never>> | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  Healthcheck?: ContainerConfig['Healthcheck'] | null;
  Shell?: string[] | null;
  OnBuild?: string[] | null;
}

const NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Checks a container name (dockerd: at least two characters, [a-zA-Z0-9][a-zA-Z0-9_.-]). */
export function validateName(name: string): string {
  if (!NAME.test(name)) {
    throw new InvalidParameterError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return name.startsWith('/') ? name : `/${name}`;
}

function envKey(entry: string): string {
  const at = entry.indexOf('=');
  return at < 0 ? entry : entry.slice(0, at);
}

/**
 * Base env first, then the overrides, which win per variable in place
 * (for exec: the container's env with the exec's; dockerd's
 * ReplaceOrAppendEnvValues).
 */
export function mergeEnv(image: readonly string[] | null | undefined, container: readonly string[] | null | undefined): string[] {
  const out = new Map<string, string>();
  for (const entry of image ?? []) out.set(envKey(entry), entry);
  for (const entry of container ?? []) out.set(envKey(entry), entry);
  return [...out.values()];
}

/**
 * A new container's env as dockerd's create merges it (daemon/commit.go
 * merge): the request's entries as given, then the image's entries whose
 * variable the request does not set.
 */
export function createEnv(image: readonly string[] | null | undefined, request: readonly string[] | null | undefined): string[] {
  if (!request || request.length === 0) return [...(image ?? [])];
  const given = new Set(request.map(envKey));
  return [...request, ...(image ?? []).filter((entry) => !given.has(envKey(entry)))];
}

/**
 * The container's effective config: the request merged over the image's.
 * An explicit Entrypoint in the request drops the image's Cmd (as dockerd).
 */
export function mergeConfig(request: ContainerCreateRequest, image: ImageRuntimeConfig, imageName: string): ContainerConfig {
  const entrypointGiven = request.Entrypoint !== undefined && request.Entrypoint !== null;
  // `--entrypoint ""` arrives as [""]: an explicitly empty entrypoint.
  const requested = request.Entrypoint?.length === 1 && request.Entrypoint[0] === '' ? [] : request.Entrypoint;
  const entrypoint = entrypointGiven ? requested! : (image.Entrypoint ?? null);
  const cmdGiven = request.Cmd !== undefined && request.Cmd !== null && request.Cmd.length > 0;
  const cmd = cmdGiven ? request.Cmd! : entrypointGiven ? [] : (image.Cmd ?? []);
  const merged: ContainerConfig = {
    Hostname: request.Hostname ?? '',
    Domainname: request.Domainname ?? '',
    User: request.User || image.User || '',
    AttachStdin: request.AttachStdin ?? false,
    AttachStdout: request.AttachStdout ?? false,
    AttachStderr: request.AttachStderr ?? false,
    Tty: request.Tty ?? false,
    OpenStdin: request.OpenStdin ?? false,
    StdinOnce: request.StdinOnce ?? false,
    Env: createEnv(image.Env, request.Env),
    Cmd: cmd,
    Image: imageName,
    Volumes: { ...(image.Volumes ?? {}), ...(request.Volumes ?? {}) },
    WorkingDir: request.WorkingDir || image.WorkingDir || '',
    Labels: { ...(image.Labels ?? {}), ...(request.Labels ?? {}) },
  };
  if (entrypoint && entrypoint.length > 0) merged.Entrypoint = entrypoint;
  if (image.OnBuild && image.OnBuild.length > 0) merged.OnBuild = image.OnBuild;
  const exposed = { ...(image.ExposedPorts ?? {}), ...(request.ExposedPorts ?? {}) };
  if (Object.keys(exposed).length > 0) merged.ExposedPorts = exposed;
  const stopSignal = request.StopSignal || image.StopSignal;
  if (stopSignal) merged.StopSignal = stopSignal;
  if (request.StopTimeout !== undefined && request.StopTimeout !== null) merged.StopTimeout = request.StopTimeout;
  const health = request.Healthcheck ?? image.Healthcheck;
  if (health) merged.Healthcheck = health;
  if ((merged.Entrypoint?.length ?? 0) === 0 && (merged.Cmd?.length ?? 0) === 0) {
    throw new InvalidParameterError('No command specified');
  }
  return merged;
}

/** The command line a container runs: Entrypoint followed by Cmd. */
export function commandOf(config: ContainerConfig): string[] {
  return [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
}

const RESTART_POLICIES = new Set(['', 'no', 'always', 'unless-stopped', 'on-failure']);

/** Validates the HostConfig fields Drydock acts on, with dockerd's messages. */
export function validateHostConfig(host: HostConfig): void {
  const policy = host.RestartPolicy?.Name ?? '';
  if (!RESTART_POLICIES.has(policy)) throw new InvalidParameterError(`invalid restart policy '${policy}'`);
  const retries = host.RestartPolicy?.MaximumRetryCount ?? 0;
  if (retries < 0) throw new InvalidParameterError('invalid restart policy: maximum retry count cannot be negative');
  if (retries > 0 && policy !== 'on-failure') {
    throw new InvalidParameterError(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  }
  if (host.AutoRemove && policy !== '' && policy !== 'no') {
    throw new InvalidParameterError("conflicting options: cannot specify both --restart and --rm");
  }
  if (host.Memory !== undefined && host.Memory !== 0 && host.Memory < 6 * 1024 * 1024) {
    throw new InvalidParameterError('Minimum memory limit allowed is 6MB');
  }
}
