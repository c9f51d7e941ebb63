/** The JSON shapes of containers in GET /containers/json and /containers/{id}/json. */
import type { ContainerInspect, ContainerSummary, PortSummary } from '../types/container.ts';
import type { Container } from './container.ts';
import { healthSuffix } from './health.ts';

/** Docker's units.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  const days = Math.floor(hours / 24);
  if (days < 14) return `${days} days`;
  if (days < 60) return `${Math.floor(days / 7)} weeks`;
  if (days < 730) return `${Math.floor(days / 30)} months`;
  return `${Math.floor(days / 365)} years`;
}

function since(time: string): number {
  return Date.now() - Date.parse(time);
}

/** The human status column of `docker ps`. */
export function statusText(container: Container): string {
  const state = container.record.state;
  switch (state.status) {
    case 'running':
      return `Up ${humanDuration(since(state.startedAt))}${healthSuffix(container)}`;
    case 'paused':
      return `Up ${humanDuration(since(state.startedAt))} (Paused)`;
    case 'restarting':
      return `Restarting (${state.exitCode}) ${humanDuration(since(state.finishedAt))} ago`;
    case 'exited':
      return `Exited (${state.exitCode}) ${humanDuration(since(state.finishedAt))} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    default:
      return 'Created';
  }
}

/** dockerd's list Command: arguments containing a space are wrapped in single quotes. */
function quoteArg(arg: string): string {
  return arg.includes(' ') ? `'${arg}'` : arg;
}

/** The published ports of a container, for the list's Ports column. */
export function portSummaries(container: Container): PortSummary[] {
  const out: PortSummary[] = [];
  const ports = container.record.networkSettings.Ports;
  const exposed = Object.keys(container.record.config.ExposedPorts ?? {});
  for (const key of new Set([...exposed, ...Object.keys(ports)])) {
    const [port, proto = 'tcp'] = key.split('/') as [string, string?];
    const bindings = ports[key];
    if (!bindings || bindings.length === 0) {
      out.push({ PrivatePort: Number(port), Type: proto as PortSummary['Type'] });
      continue;
    }
    for (const b of bindings) {
      out.push({ IP: b.HostIp || '0.0.0.0', PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: proto as PortSummary['Type'] });
    }
  }
  return out;
}

export function summary(container: Container): ContainerSummary {
  const r = container.record;
  return {
    Id: r.id,
    Names: [r.name],
    Image: r.config.Image ?? '',
    ImageID: r.image,
    Command: r.args.length > 0 ? `${r.path} ${r.args.map(quoteArg).join(' ')}` : r.path,
    Created: Math.floor(Date.parse(r.created) / 1000),
    Ports: portSummaries(container),
    Labels: r.config.Labels ?? {},
    State: r.state.status,
    Status: statusText(container),
    HostConfig: { NetworkMode: r.hostConfig.NetworkMode ?? 'default' },
    NetworkSettings: { Networks: r.networkSettings.Networks },
    Mounts: r.mounts,
  };
}

export function inspect(container: Container, dataRoot: string): ContainerInspect {
  const r = container.record;
  const state = r.state;
  const dir = `${dataRoot}/containers/${r.id}`;
  return {
    Id: r.id,
    Created: r.created,
    Path: r.path,
    Args: r.args,
    State: {
      Status: state.status,
      Running: state.status === 'running' || state.status === 'paused',
      Paused: state.status === 'paused',
      Restarting: state.status === 'restarting',
      OOMKilled: state.oomKilled,
      Dead: state.status === 'dead',
      Pid: container.runtime?.process.pid ?? 0,
      ExitCode: state.exitCode,
      Error: state.error,
      StartedAt: state.startedAt,
      FinishedAt: state.finishedAt,
      ...(container.health ? { Health: container.health } : {}),
    },
    Image: r.image,
    ResolvConfPath: `${dir}/resolv.conf`,
    HostnamePath: `${dir}/hostname`,
    HostsPath: `${dir}/hosts`,
    LogPath: `${dir}/${r.id}-json.log`,
    Name: r.name,
    RestartCount: r.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: container.execIds.size > 0 ? [...container.execIds] : null,
    HostConfig: {
      Binds: r.hostConfig.Binds ?? null,
      ContainerIDFile: '',
      LogConfig: { Type: 'json-file', Config: {} },
      NetworkMode: r.hostConfig.NetworkMode ?? 'default',
      PortBindings: r.hostConfig.PortBindings ?? {},
      RestartPolicy: { Name: r.hostConfig.RestartPolicy?.Name || 'no', MaximumRetryCount: r.hostConfig.RestartPolicy?.MaximumRetryCount ?? 0 },
      AutoRemove: r.hostConfig.AutoRemove ?? false,
      VolumeDriver: '',
      VolumesFrom: null,
      ...r.hostConfig,
    } as ContainerInspect['HostConfig'],
    GraphDriver: { Name: 'overlay2', Data: null },
    Mounts: r.mounts,
    Config: r.config,
    NetworkSettings: r.networkSettings,
  };
}
