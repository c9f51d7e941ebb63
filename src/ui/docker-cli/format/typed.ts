/**
 * Inspect JSON seen as the CLI's typed Go structs: fields the engine left
 * out or set to null become typed zero values (a nil slice prints "[]", a
 * nil map "map[]", a nil pointer "<nil>"), so `docker inspect --format`
 * prints what the real CLI prints for them.
 */
import { GoZero, PRINT_AS_STRUCT } from './template.ts';

type Kind = 'slice' | 'map' | 'pointer';
interface Schema {
  readonly [field: string]: Kind | Schema;
}

const CONTAINER_CONFIG: Schema = {
  Cmd: 'slice',
  Entrypoint: 'slice',
  Env: 'slice',
  OnBuild: 'slice',
  Shell: 'slice',
  Volumes: 'map',
  Labels: 'map',
  ExposedPorts: 'map',
  Healthcheck: 'pointer',
};

const HOST_CONFIG: Schema = {
  Binds: 'slice',
  Links: 'slice',
  Dns: 'slice',
  DnsOptions: 'slice',
  DnsSearch: 'slice',
  ExtraHosts: 'slice',
  CapAdd: 'slice',
  CapDrop: 'slice',
  GroupAdd: 'slice',
  SecurityOpt: 'slice',
  VolumesFrom: 'slice',
  Mounts: 'slice',
  Devices: 'slice',
  DeviceRequests: 'slice',
  Ulimits: 'slice',
  MaskedPaths: 'slice',
  ReadonlyPaths: 'slice',
  PortBindings: 'map',
  Tmpfs: 'map',
  Sysctls: 'map',
  StorageOpt: 'map',
  Annotations: 'map',
  LogConfig: { Config: 'map' },
};

export const CONTAINER_SCHEMA: Schema = {
  Args: 'slice',
  ExecIDs: 'slice',
  Mounts: 'slice',
  State: { Health: 'pointer' },
  Config: CONTAINER_CONFIG,
  HostConfig: HOST_CONFIG,
  NetworkSettings: { Ports: 'map', Networks: 'map', SecondaryIPAddresses: 'slice', SecondaryIPv6Addresses: 'slice' },
  GraphDriver: { Data: 'map' },
};

export const IMAGE_SCHEMA: Schema = {
  RepoTags: 'slice',
  RepoDigests: 'slice',
  Config: CONTAINER_CONFIG,
  GraphDriver: { Data: 'map' },
  RootFS: { Layers: 'slice' },
};

export const VOLUME_SCHEMA: Schema = { Labels: 'map', Options: 'map', Status: 'map', UsageData: 'pointer' };

export const NETWORK_SCHEMA: Schema = { IPAM: { Config: 'slice', Options: 'map' }, Containers: 'map', Options: 'map', Labels: 'map' };

/** Marks `value` (and the objects inside it) as Go structs for printing; `isMap` objects stay maps, their values are structs. */
function markStructs(value: unknown, schema: Schema | null, isMap: boolean): void {
  if (value === null || typeof value !== 'object' || value instanceof GoZero) return;
  if (Array.isArray(value)) {
    for (const item of value) markStructs(item, null, false);
    return;
  }
  const record = value as Record<string, unknown>;
  if (isMap) {
    for (const item of Object.values(record)) markStructs(item, null, false);
    return;
  }
  Object.defineProperty(record, PRINT_AS_STRUCT, { value: true, enumerable: false });
  for (const [field, item] of Object.entries(record)) {
    const kind = schema?.[field];
    markStructs(item, typeof kind === 'object' ? kind : null, kind === 'map');
  }
}

/** Fills typed zero values into `value` (decoded JSON) following `schema`, and marks its structs; returns the same object. */
export function typedView(value: unknown, schema: Schema): unknown {
  fillZeros(value, schema);
  markStructs(value, schema, false);
  return value;
}

function fillZeros(value: unknown, schema: Schema): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const record = value as Record<string, unknown>;
  for (const [field, kind] of Object.entries(schema)) {
    const current = record[field];
    if (typeof kind === 'string') {
      if (current === null || current === undefined) record[field] = new GoZero(kind);
    } else if (current !== null && current !== undefined) fillZeros(current, kind);
  }
}

/**
 * An image's Config marshals as the OCI image config does (CLI 28 decodes
 * it into DockerOCIImageConfig): only the fields that are set, in the OCI
 * order. Lookup of the other fields still works.
 */
export function ociImageConfigJson(image: Record<string, unknown>): void {
  const config = image.Config;
  if (!config || typeof config !== 'object') return;
  const order = ['User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal', 'ArgsEscaped', 'Healthcheck', 'OnBuild', 'Shell'];
  const record = config as Record<string, unknown>;
  const empty = (v: unknown) => v === undefined || v === null || v === '' || v === false || v instanceof GoZero || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
  Object.defineProperty(record, 'toJSON', {
    enumerable: false,
    value: () => Object.fromEntries(order.filter((k) => !empty(record[k])).map((k) => [k, record[k]])),
  });
}
