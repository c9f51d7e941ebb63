/**
 * The image configuration JSON (OCI image-spec config, Docker's image JSON)
 * and the identities derived from it: the image ID is the sha256 of the
 * config's bytes exactly as stored, so a config read from a registry or a
 * `docker save` tar is kept byte for byte, and a config Drydock creates is
 * serialised the way dockerd 20.10 serialises it (Go's encoding/json: the
 * top-level keys sorted, container config fields in moby's struct order,
 * HTML characters escaped), so equal inputs give equal IDs.
 */
import { sha256Hex, utf8 } from '../../common/bytes.ts';
import { InvalidParameterError } from '../errors.ts';
import type { ContainerConfig, HealthConfig } from '../types/container.ts';
import { jsonText } from '../api/json.ts';

/** One entry of `history` (the image-spec's history object). */
export interface HistoryEntry {
  created?: string;
  author?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** `rootfs`: the layers' diff ids, bottom first. */
export interface RootFs {
  type: 'layers';
  diff_ids: string[];
}

/**
 * An image config. `config` is the runtime config (Env, Cmd, Entrypoint,
 * WorkingDir, User, ExposedPorts, Volumes, Labels, StopSignal, Healthcheck,
 * OnBuild, Shell…), with Docker's key spelling (which OCI shares).
 */
export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
  config?: ContainerConfig;
  container?: string;
  container_config?: ContainerConfig;
  created?: string;
  author?: string;
  comment?: string;
  docker_version?: string;
  history?: HistoryEntry[];
  rootfs: RootFs;
  /** Legacy v1 parent ID some old configs carry. */
  parent?: string;
}

/** A config or manifest that is not what it claims to be: 400 with a message naming the problem. */
export class InvalidImageError extends InvalidParameterError {}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** The diff id of an empty layer tar (1024 zero bytes), which dockerd never stores as a layer. */
export const EMPTY_LAYER_DIFF_ID = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/**
 * Parses and checks a config's bytes: a JSON object with `rootfs.type`
 * "layers", `rootfs.diff_ids` a list of sha256 digests, `os` and
 * `architecture` strings, and well-typed `config` fields that Drydock reads.
 * InvalidImageError otherwise.
 */
export function parseImageConfig(bytes: Uint8Array, what = 'image config'): ImageConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new InvalidImageError(`invalid ${what}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isObject(raw)) throw new InvalidImageError(`invalid ${what}: not a JSON object`);
  const rootfs = raw.rootfs;
  if (!isObject(rootfs) || rootfs.type !== 'layers') throw new InvalidImageError(`invalid ${what}: rootfs.type must be "layers"`);
  if (!stringArray(rootfs.diff_ids) || !rootfs.diff_ids.every((d) => DIGEST.test(d))) {
    throw new InvalidImageError(`invalid ${what}: rootfs.diff_ids must be a list of sha256 digests`);
  }
  if (raw.os !== undefined && typeof raw.os !== 'string') throw new InvalidImageError(`invalid ${what}: os must be a string`);
  if (raw.architecture !== undefined && typeof raw.architecture !== 'string') {
    throw new InvalidImageError(`invalid ${what}: architecture must be a string`);
  }
  if (raw.created !== undefined && (typeof raw.created !== 'string' || parseGoTime(raw.created) === null)) {
    throw new InvalidImageError(`invalid ${what}: created must be an RFC 3339 time`);
  }
  if (raw.history !== undefined && raw.history !== null) {
    if (!Array.isArray(raw.history) || !raw.history.every(isObject)) throw new InvalidImageError(`invalid ${what}: history must be a list`);
    const nonEmpty = raw.history.filter((h) => h.empty_layer !== true).length;
    if (raw.history.length > 0 && nonEmpty > rootfs.diff_ids.length) {
      throw new InvalidImageError(`invalid ${what}: too many non-empty layers in History section`);
    }
  }
  if (raw.config !== undefined && raw.config !== null) checkRuntimeConfig(raw.config, what);
  const config = raw as unknown as ImageConfig;
  if (config.os === undefined) config.os = '';
  if (config.architecture === undefined) config.architecture = '';
  if (raw.config === null) delete config.config;
  if (raw.history === null) delete config.history;
  return config;
}

function checkRuntimeConfig(value: unknown, what: string): void {
  if (!isObject(value)) throw new InvalidImageError(`invalid ${what}: config must be an object`);
  for (const key of ['Env', 'Cmd', 'Entrypoint', 'OnBuild', 'Shell'] as const) {
    const v = value[key];
    if (v !== undefined && v !== null && !stringArray(v)) {
      if (typeof v === 'string' && (key === 'Cmd' || key === 'Entrypoint' || key === 'Shell')) continue;
      throw new InvalidImageError(`invalid ${what}: config.${key} must be a list of strings`);
    }
  }
  for (const key of ['User', 'WorkingDir', 'StopSignal', 'Hostname', 'Domainname', 'Image'] as const) {
    const v = value[key];
    if (v !== undefined && v !== null && typeof v !== 'string') throw new InvalidImageError(`invalid ${what}: config.${key} must be a string`);
  }
  for (const key of ['ExposedPorts', 'Volumes', 'Labels'] as const) {
    const v = value[key];
    if (v !== undefined && v !== null && !isObject(v)) throw new InvalidImageError(`invalid ${what}: config.${key} must be an object`);
  }
  if (isObject(value.Labels) && !Object.values(value.Labels).every((v) => typeof v === 'string')) {
    throw new InvalidImageError(`invalid ${what}: config.Labels values must be strings`);
  }
}

/** The image ID of config bytes: "sha256:" + sha256 of exactly those bytes. */
export async function imageIdOf(configBytes: Uint8Array): Promise<string> {
  return `sha256:${await sha256Hex(configBytes)}`;
}

/**
 * Chain IDs of a layer stack (image-spec): ChainID(L0) = DiffID(L0),
 * ChainID(L0..n) = sha256(ChainID(L0..n-1) + " " + DiffID(Ln)).
 */
export async function chainIds(diffIds: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const previous = out[out.length - 1];
    out.push(previous === undefined ? diffId : `sha256:${await sha256Hex(utf8(`${previous} ${diffId}`))}`);
  }
  return out;
}

// ---- Go time values ------------------------------------------------------

const GO_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

/** Nanoseconds since the epoch of an RFC 3339 time, or null if it is not one. */
export function parseGoTime(text: string): bigint | null {
  const m = GO_TIME.exec(text);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (Number.isNaN(ms)) return null;
  let ns = BigInt(ms) * 1_000_000n + BigInt((m[7] ?? '').slice(0, 9).padEnd(9, '0'));
  const zone = m[8]!;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1n : 1n;
    const minutes = BigInt(Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    ns -= sign * minutes * 60_000_000_000n;
  }
  return ns;
}

/**
 * An RFC 3339 time re-written as Go's time.Time MarshalJSON writes it after
 * parsing (RFC3339Nano: trailing fraction zeros dropped, "Z" for a zero
 * offset, other offsets kept). Absent gives Go's zero time.
 */
export function goTimeString(text: string | undefined): string {
  if (text === undefined) return '0001-01-01T00:00:00Z';
  const m = GO_TIME.exec(text);
  if (!m) return text;
  const fraction = (m[7] ?? '').slice(0, 9).replace(/0+$/, '');
  const zone = m[8] === 'z' || m[8] === '+00:00' || m[8] === '-00:00' ? 'Z' : m[8];
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${fraction ? `.${fraction}` : ''}${zone}`;
}

/** Unix seconds of a config's `created` (0 when absent or unparsable, as Go's zero time is before 1970: dockerd shows its Unix value). */
export function createdSeconds(text: string | undefined): number {
  const ns = text === undefined ? null : parseGoTime(text);
  if (ns === null) return -62135596800;
  return Number(ns / 1_000_000_000n) - (ns < 0n && ns % 1_000_000_000n !== 0n ? 1 : 0);
}

// ---- Go-shaped serialisation ----------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function sortedMap<T>(value: Record<string, T> | null | undefined, map: (v: T) => Json): Json {
  if (value === null || value === undefined) return null;
  const out: Record<string, Json> = {};
  for (const key of Object.keys(value).sort(goStringCompare)) out[key] = map(value[key]!);
  return out;
}

/** Go sorts map keys by byte order of their UTF-8; for the BMP-only keys seen here UTF-16 order agrees except for surrogates. */
function goStringCompare(a: string, b: string): number {
  const ua = utf8(a);
  const ub = utf8(b);
  const n = Math.min(ua.length, ub.length);
  for (let i = 0; i < n; i++) if (ua[i] !== ub[i]) return ua[i]! - ub[i]!;
  return ua.length - ub.length;
}

function strSlice(value: string[] | string | null | undefined): Json {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? [value] : [...value];
}

function healthcheck(h: HealthConfig): Json {
  const out: Record<string, Json> = {};
  if (h.Test && h.Test.length > 0) out.Test = [...h.Test];
  if (h.Interval) out.Interval = h.Interval;
  if (h.Timeout) out.Timeout = h.Timeout;
  if (h.StartPeriod) out.StartPeriod = h.StartPeriod;
  if (h.StartInterval) out.StartInterval = h.StartInterval;
  if (h.Retries) out.Retries = h.Retries;
  return out;
}

/**
 * A runtime config as moby's container.Config marshals (API 1.41 shape):
 * every field in struct order, zero values written, `omitempty` fields left
 * out when empty. Used for image configs Drydock writes and for inspect.
 */
export function goContainerConfig(c: ContainerConfig | null | undefined): Record<string, Json> {
  const config = c ?? {};
  const out: Record<string, Json> = {
    Hostname: config.Hostname ?? '',
    Domainname: config.Domainname ?? '',
    User: config.User ?? '',
    AttachStdin: config.AttachStdin ?? false,
    AttachStdout: config.AttachStdout ?? false,
    AttachStderr: config.AttachStderr ?? false,
  };
  if (config.ExposedPorts && Object.keys(config.ExposedPorts).length > 0) out.ExposedPorts = sortedMap(config.ExposedPorts, () => ({}));
  out.Tty = config.Tty ?? false;
  out.OpenStdin = config.OpenStdin ?? false;
  out.StdinOnce = config.StdinOnce ?? false;
  out.Env = config.Env ? [...config.Env] : null;
  out.Cmd = strSlice(config.Cmd);
  if (config.Healthcheck) out.Healthcheck = healthcheck(config.Healthcheck);
  if (config.ArgsEscaped) out.ArgsEscaped = true;
  out.Image = config.Image ?? '';
  out.Volumes = sortedMap(config.Volumes, () => ({}));
  out.WorkingDir = config.WorkingDir ?? '';
  out.Entrypoint = strSlice(config.Entrypoint);
  if (config.NetworkDisabled) out.NetworkDisabled = true;
  if (config.MacAddress) out.MacAddress = config.MacAddress;
  out.OnBuild = config.OnBuild ? [...config.OnBuild] : null;
  out.Labels = sortedMap(config.Labels, (v) => v);
  if (config.StopSignal) out.StopSignal = config.StopSignal;
  if (config.StopTimeout !== undefined && config.StopTimeout !== null) out.StopTimeout = config.StopTimeout;
  if (config.Shell && config.Shell.length > 0) out.Shell = strSlice(config.Shell);
  return out;
}

function goHistory(h: HistoryEntry): Json {
  const out: Record<string, Json> = { created: goTimeString(h.created) };
  if (h.author) out.author = h.author;
  if (h.created_by) out.created_by = h.created_by;
  if (h.comment) out.comment = h.comment;
  if (h.empty_layer) out.empty_layer = true;
  return out;
}

/**
 * Config bytes for an image Drydock creates (commit, import, build, the
 * shipped images): moby's image.Image MarshalJSON, i.e. top-level keys
 * sorted, `created` in Go's format, runtime configs in struct order, HTML
 * escaped. Deterministic: the same config gives the same bytes and ID.
 */
export function serializeImageConfig(config: ImageConfig): Uint8Array {
  const top: Record<string, Json> = {};
  top.architecture = config.architecture;
  if (config.author) top.author = config.author;
  if (config.comment) top.comment = config.comment;
  if (config.config) top.config = goContainerConfig(config.config);
  if (config.container) top.container = config.container;
  if (config.container_config) top.container_config = goContainerConfig(config.container_config);
  top.created = goTimeString(config.created);
  if (config.docker_version) top.docker_version = config.docker_version;
  if (config.history && config.history.length > 0) top.history = config.history.map(goHistory);
  top.os = config.os;
  if (config['os.features'] && config['os.features'].length > 0) top['os.features'] = [...config['os.features']];
  if (config['os.version']) top['os.version'] = config['os.version'];
  top.rootfs = { type: 'layers', diff_ids: [...config.rootfs.diff_ids] };
  if (config.variant) top.variant = config.variant;
  const sorted: Record<string, Json> = {};
  for (const key of Object.keys(top).sort(goStringCompare)) sorted[key] = top[key]!;
  return utf8(jsonText(sorted, { escapeHtml: true }));
}

/** `value` as Go's json.Marshal writes it (compact, HTML escaped), keys in the object's order. */
export function goJson(value: unknown): string {
  return jsonText(value, { escapeHtml: true });
}

/** Sorts an object's keys as Go sorts map keys (for map-marshalled JSON). */
export function goSortedObject(value: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const key of Object.keys(value).sort(goStringCompare)) out[key] = value[key]!;
  return out;
}

export type { Json };
