/**
 * Decoders for every JSON request body the API accepts, one per Docker type
 * in src/engine/types. The FieldDecoders type makes the compiler check that
 * each decoder covers every field of its type.
 */
import type {
  ContainerConfig,
  ContainerCreateRequest,
  ContainerUpdateRequest,
  DeviceMapping,
  DeviceRequest,
  HealthConfig,
  HostConfig,
  LogConfig,
  MountRequest,
  NetworkingConfig,
  PortBinding,
  Resources,
  RestartPolicy,
  ThrottleDevice,
  Ulimit,
  WeightDevice,
} from '../types/container.ts';
import type { ExecCreateRequest, ExecStartRequest } from '../types/exec.ts';
import type {
  EndpointIpamConfig,
  EndpointSettings,
  Ipam,
  IpamConfig,
  NetworkConnectRequest,
  NetworkCreateRequest,
  NetworkDisconnectRequest,
} from '../types/network.ts';
import type { AuthConfig } from '../types/system.ts';
import type { VolumeCreateRequest } from '../types/volume.ts';
import {
  anyValue,
  bool,
  emptyObject,
  int,
  int64,
  list,
  map,
  str,
  strSlice,
  struct,
  uint16,
  uint32,
  uint64,
  type Decoder,
  type FieldDecoders,
} from './decode.ts';

const strings = list(str, '[]string');
const stringMap = map(str, 'map[string]string');

const healthConfig = struct<HealthConfig>('HealthConfig', {
  Test: strings,
  Interval: int64,
  Timeout: int64,
  Retries: int,
  StartPeriod: int64,
  StartInterval: int64,
});

const configFields: FieldDecoders<ContainerConfig> = {
  Hostname: str,
  Domainname: str,
  User: str,
  AttachStdin: bool,
  AttachStdout: bool,
  AttachStderr: bool,
  ExposedPorts: map(emptyObject, 'nat.PortSet'),
  Tty: bool,
  OpenStdin: bool,
  StdinOnce: bool,
  Env: strings,
  Cmd: strSlice,
  Healthcheck: healthConfig,
  ArgsEscaped: bool,
  Image: str,
  Volumes: map(emptyObject, 'map[string]struct {}'),
  WorkingDir: str,
  Entrypoint: strSlice,
  NetworkDisabled: bool,
  MacAddress: str,
  OnBuild: strings,
  Labels: stringMap,
  StopSignal: str,
  StopTimeout: int,
  Shell: strSlice,
};

/** A container Config (also the body of POST /commit). */
export const containerConfigBody: Decoder<ContainerConfig> = struct<ContainerConfig>('Config', configFields);

const weightDevice = struct<WeightDevice>('WeightDevice', { Path: str, Weight: uint16 });
const throttleDevice = struct<ThrottleDevice>('ThrottleDevice', { Path: str, Rate: uint64 });
const deviceMapping = struct<DeviceMapping>('DeviceMapping', { PathOnHost: str, PathInContainer: str, CgroupPermissions: str });
const deviceRequest = struct<DeviceRequest>('DeviceRequest', {
  Driver: str,
  Count: int,
  DeviceIDs: strings,
  Capabilities: list(strings, '[][]string'),
  Options: stringMap,
});
const ulimit = struct<Ulimit>('Ulimit', { Name: str, Soft: int64, Hard: int64 });

const resourceFields: FieldDecoders<Resources> = {
  CpuShares: int64,
  Memory: int64,
  CgroupParent: str,
  BlkioWeight: uint16,
  BlkioWeightDevice: list(weightDevice),
  BlkioDeviceReadBps: list(throttleDevice),
  BlkioDeviceWriteBps: list(throttleDevice),
  BlkioDeviceReadIOps: list(throttleDevice),
  BlkioDeviceWriteIOps: list(throttleDevice),
  CpuPeriod: int64,
  CpuQuota: int64,
  CpuRealtimePeriod: int64,
  CpuRealtimeRuntime: int64,
  CpusetCpus: str,
  CpusetMems: str,
  Devices: list(deviceMapping),
  DeviceCgroupRules: strings,
  DeviceRequests: list(deviceRequest),
  KernelMemoryTCP: int64,
  MemoryReservation: int64,
  MemorySwap: int64,
  MemorySwappiness: int64,
  NanoCpus: int64,
  OomKillDisable: bool,
  Init: bool,
  PidsLimit: int64,
  Ulimits: list(ulimit),
  CpuCount: int64,
  CpuPercent: int64,
  IOMaximumIOps: uint64,
  IOMaximumBandwidth: uint64,
};

const restartPolicy = struct<RestartPolicy>('RestartPolicy', {
  Name: str as Decoder<NonNullable<RestartPolicy['Name']>>,
  MaximumRetryCount: int,
});
const logConfig = struct<LogConfig>('LogConfig', { Type: str, Config: stringMap });
const portBinding = struct<PortBinding>('PortBinding', { HostIp: str, HostPort: str });

const mountRequest = struct<MountRequest>('Mount', {
  Target: str,
  Source: str,
  Type: str as Decoder<NonNullable<MountRequest['Type']>>,
  ReadOnly: bool,
  Consistency: str,
  BindOptions: struct<NonNullable<MountRequest['BindOptions']>>('BindOptions', {
    Propagation: str,
    NonRecursive: bool,
    CreateMountpoint: bool,
    ReadOnlyNonRecursive: bool,
    ReadOnlyForceRecursive: bool,
  }),
  VolumeOptions: struct<NonNullable<MountRequest['VolumeOptions']>>('VolumeOptions', {
    NoCopy: bool,
    Labels: stringMap,
    DriverConfig: struct<NonNullable<NonNullable<MountRequest['VolumeOptions']>['DriverConfig']>>('Driver', {
      Name: str,
      Options: stringMap,
    }),
    Subpath: str,
  }),
  TmpfsOptions: struct<NonNullable<MountRequest['TmpfsOptions']>>('TmpfsOptions', {
    SizeBytes: int64,
    Mode: uint32,
    Options: list(strings, '[][]string'),
  }),
});

const hostConfig = struct<HostConfig>('HostConfig', {
  ...resourceFields,
  Binds: strings,
  ContainerIDFile: str,
  LogConfig: logConfig,
  NetworkMode: str,
  PortBindings: map(list(portBinding), 'nat.PortMap'),
  RestartPolicy: restartPolicy,
  AutoRemove: bool,
  VolumeDriver: str,
  VolumesFrom: strings,
  Mounts: list(mountRequest),
  ConsoleSize: list(uint32, '[2]uint'),
  Annotations: stringMap,
  CapAdd: strSlice,
  CapDrop: strSlice,
  CgroupnsMode: str,
  Dns: strings,
  DnsOptions: strings,
  DnsSearch: strings,
  ExtraHosts: strings,
  GroupAdd: strings,
  IpcMode: str,
  Cgroup: str,
  Links: strings,
  OomScoreAdj: int,
  PidMode: str,
  Privileged: bool,
  PublishAllPorts: bool,
  ReadonlyRootfs: bool,
  SecurityOpt: strings,
  StorageOpt: stringMap,
  Tmpfs: stringMap,
  UTSMode: str,
  UsernsMode: str,
  ShmSize: int64,
  Sysctls: stringMap,
  Runtime: str,
  Isolation: str,
  MaskedPaths: strings,
  ReadonlyPaths: strings,
});

const endpointIpamConfig = struct<EndpointIpamConfig>('EndpointIPAMConfig', {
  IPv4Address: str,
  IPv6Address: str,
  LinkLocalIPs: strings,
});

const endpointSettings = struct<EndpointSettings>('EndpointSettings', {
  IPAMConfig: endpointIpamConfig,
  Links: strings,
  MacAddress: str,
  Aliases: strings,
  DriverOpts: stringMap,
  GwPriority: int,
  NetworkID: str,
  EndpointID: str,
  Gateway: str,
  IPAddress: str,
  IPPrefixLen: int,
  IPv6Gateway: str,
  GlobalIPv6Address: str,
  GlobalIPv6PrefixLen: int,
  DNSNames: strings,
});

const networkingConfig = struct<NetworkingConfig>('NetworkingConfig', {
  EndpointsConfig: map(endpointSettings, 'map[string]*network.EndpointSettings'),
});

/** The body of POST /containers/create. */
export const containerCreateBody: Decoder<ContainerCreateRequest> = struct<ContainerCreateRequest>('CreateRequest', {
  ...configFields,
  HostConfig: hostConfig,
  NetworkingConfig: networkingConfig,
});

/** The body of POST /containers/{id}/update. */
export const containerUpdateBody: Decoder<ContainerUpdateRequest> = struct<ContainerUpdateRequest>('UpdateConfig', {
  ...resourceFields,
  RestartPolicy: restartPolicy,
});

/** The body of POST /containers/{id}/exec. */
export const execCreateBody: Decoder<ExecCreateRequest> = struct<ExecCreateRequest>('ExecCreateRequest', {
  AttachStdin: bool,
  AttachStdout: bool,
  AttachStderr: bool,
  ConsoleSize: list(uint32, '[2]uint'),
  DetachKeys: str,
  Tty: bool,
  Env: strings,
  Cmd: strSlice,
  Privileged: bool,
  User: str,
  WorkingDir: str,
});

/** The body of POST /exec/{id}/start. */
export const execStartBody: Decoder<ExecStartRequest> = struct<ExecStartRequest>('ExecStartRequest', {
  Detach: bool,
  Tty: bool,
  ConsoleSize: list(uint32, '[2]uint'),
});

const ipamConfig = struct<IpamConfig>('IPAMConfig', {
  Subnet: str,
  IPRange: str,
  Gateway: str,
  AuxiliaryAddresses: stringMap,
});

const ipam = struct<Ipam>('IPAM', { Driver: str, Config: list(ipamConfig), Options: stringMap });

/** The body of POST /networks/create. */
export const networkCreateBody: Decoder<NetworkCreateRequest> = struct<NetworkCreateRequest>('CreateRequest', {
  Name: str,
  CheckDuplicate: bool,
  Driver: str,
  Scope: str,
  Internal: bool,
  Attachable: bool,
  Ingress: bool,
  ConfigOnly: bool,
  ConfigFrom: struct<NonNullable<NetworkCreateRequest['ConfigFrom']>>('ConfigReference', { Network: str }),
  IPAM: ipam,
  EnableIPv4: bool,
  EnableIPv6: bool,
  Options: stringMap,
  Labels: stringMap,
});

/** The body of POST /networks/{id}/connect. */
export const networkConnectBody: Decoder<NetworkConnectRequest> = struct<NetworkConnectRequest>('ConnectOptions', {
  Container: str,
  EndpointConfig: endpointSettings,
});

/** The body of POST /networks/{id}/disconnect. */
export const networkDisconnectBody: Decoder<NetworkDisconnectRequest> = struct<NetworkDisconnectRequest>('DisconnectOptions', {
  Container: str,
  Force: bool,
});

/** The body of POST /volumes/create. */
export const volumeCreateBody: Decoder<VolumeCreateRequest> = struct<VolumeCreateRequest>('CreateOptions', {
  Name: str,
  Driver: str,
  DriverOpts: stringMap,
  Labels: stringMap,
});

/** The body of POST /auth and decoded X-Registry-Auth headers. */
export const authConfigBody: Decoder<AuthConfig> = struct<AuthConfig>('AuthConfig', {
  username: str,
  password: str,
  email: str,
  serveraddress: str,
  identitytoken: str,
  registrytoken: str,
  auth: str,
});

/** A free-form JSON value (for endpoints whose body Drydock does not interpret). */
export const anyBody: Decoder<unknown> = anyValue;
