/**
 * `docker volume ...` and `docker network ...`: create, ls, rm, inspect
 * (in inspect.ts), prune, connect, disconnect. The engine's answers are
 * passed through; lists use the CLI's tables.
 */
import type { NetworkInspect } from '../../../engine/types/network.ts';
import type { Volume, VolumeListResponse, VolumePruneReport } from '../../../engine/types/volume.ts';
import { queryString, ref } from '../api.ts';
import { contextJson, FormatError, renderList } from '../format/list.ts';
import { STRUCT_TYPE } from '../format/template.ts';
import { truncateId } from '../format/text.ts';
import { humanSize } from '../format/units.ts';
import type { CommandContext, CommandDefinition } from './command.ts';
import { forEachName } from './command.ts';
import { confirm } from './containers.ts';
import { FORMAT_FLAG } from './images.ts';
import { filtersJson } from './ps.ts';

function labelsOf(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const label of list) {
    const eq = label.indexOf('=');
    if (eq < 0) out[label] = '';
    else out[label.slice(0, eq)] = label.slice(eq + 1);
  }
  return out;
}

function print(ctx: CommandContext, render: () => string): number {
  try {
    ctx.streams.out(render());
    return 0;
  } catch (error) {
    if (error instanceof FormatError) {
      ctx.streams.err(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

// ------------------------------------------------------------------ volumes

class VolumeRow {
  readonly [STRUCT_TYPE] = '*formatter.volumeContext';
  constructor(private readonly v: Volume) {}
  get Name(): string {
    return this.v.Name;
  }
  get Driver(): string {
    return this.v.Driver;
  }
  get Scope(): string {
    return this.v.Scope;
  }
  get Mountpoint(): string {
    return this.v.Mountpoint;
  }
  get Labels(): string {
    return Object.entries(this.v.Labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  }
  get Links(): string {
    return this.v.UsageData ? String(this.v.UsageData.RefCount) : 'N/A';
  }
  get Size(): string {
    return this.v.UsageData && this.v.UsageData.Size !== -1 ? humanSize(this.v.UsageData.Size) : 'N/A';
  }
  get ID(): string {
    return this.v.Name;
  }
  toJSON(): Record<string, unknown> {
    return contextJson(['Driver', 'Labels', 'Links', 'Mountpoint', 'Name', 'Scope', 'Size'], this as unknown as Record<string, unknown>);
  }
}

export const volumeCreateCommand: CommandDefinition = {
  usage: '[OPTIONS] [VOLUME]',
  short: 'Create a volume',
  flags: [
    { name: 'driver', short: 'd', type: 'string', help: 'Specify volume driver name', defaultValue: 'local' },
    { name: 'label', type: 'list', help: 'Set metadata for a volume' },
    { name: 'name', type: 'string', help: 'Specify volume name', hidden: true },
    { name: 'opt', short: 'o', type: 'map', help: 'Set driver specific options', defaultValue: 'map[]' },
  ],
  args: { max: 1 },
  async run(ctx, flags) {
    const name = flags.args[0] ?? flags.string('name');
    const volume = await ctx.api.json<Volume>('POST', '/volumes/create', {
      Driver: flags.string('driver', 'local'),
      DriverOpts: labelsOf(flags.list('opt')),
      Labels: labelsOf(flags.list('label')),
      Name: name,
    });
    ctx.streams.out(`${volume.Name}\n`);
    return 0;
  },
};

export const volumeLsCommand: CommandDefinition = {
  usage: '[OPTIONS]',
  short: 'List volumes',
  flags: [
    { name: 'filter', short: 'f', type: 'filter', help: "Provide filter values (e.g. 'dangling=true')" },
    FORMAT_FLAG,
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only display volume names' },
  ],
  args: { none: true },
  async run(ctx, flags) {
    const list: VolumeListResponse = await ctx.api.json<VolumeListResponse>('GET', `/volumes${queryString({ filters: filtersJson(flags.list('filter')) })}`);
    const volumes = [...(list.Volumes ?? [])].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
    for (const warning of list.Warnings ?? []) ctx.streams.err(`${warning}\n`);
    const quiet = flags.bool('quiet');
    return print(ctx, () =>
      renderList(
        { format: quiet ? '{{.Name}}' : flags.string('format'), defaultTable: 'table {{.Driver}}\t{{.Name}}', headers: { Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE' } },
        volumes.map((v) => new VolumeRow(v)),
      ),
    );
  },
};

export const volumeRmCommand: CommandDefinition = {
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  short: 'Remove one or more volumes',
  flags: [{ name: 'force', short: 'f', type: 'bool', help: 'Force the removal of one or more volumes' }],
  args: { min: 1 },
  run: (ctx, flags) => forEachName(ctx, flags.args, async (name) => void (await ctx.api.raw('DELETE', `/volumes/${ref(name)}${queryString({ force: flags.bool('force') })}`))),
};

export const volumePruneCommand: CommandDefinition = {
  usage: '[OPTIONS]',
  short: 'Remove unused local volumes',
  flags: [
    { name: 'all', short: 'a', type: 'bool', help: 'Remove all unused volumes, not just anonymous ones' },
    { name: 'filter', type: 'filter', help: 'Provide filter values (e.g. "label=<label>")' },
    { name: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' },
  ],
  args: { none: true },
  async run(ctx, flags) {
    const all = flags.bool('all');
    const warning = all ? 'WARNING! This will remove all local volumes not used by at least one container.' : 'WARNING! This will remove anonymous local volumes not used by at least one container.';
    if (!flags.bool('force') && !(await confirm(ctx, warning))) return 0;
    const filters = flags.list('filter');
    if (all) filters.push('all=true');
    const report = await ctx.api.json<VolumePruneReport>('POST', `/volumes/prune${queryString({ filters: filtersJson(filters) })}`);
    let out = '';
    if (report.VolumesDeleted?.length) out += `Deleted Volumes:\n${report.VolumesDeleted.join('\n')}\n\n`;
    out += `Total reclaimed space: ${humanSize(report.SpaceReclaimed)}\n`;
    ctx.streams.out(out);
    return 0;
  },
};

// ------------------------------------------------------------------ networks

class NetworkRow {
  readonly [STRUCT_TYPE] = '*formatter.networkContext';
  constructor(
    private readonly n: NetworkInspect,
    private readonly trunc: boolean,
  ) {}
  get ID(): string {
    return this.trunc ? truncateId(this.n.Id) : this.n.Id;
  }
  get Name(): string {
    return this.n.Name;
  }
  get Driver(): string {
    return this.n.Driver;
  }
  get Scope(): string {
    return this.n.Scope;
  }
  get IPv6(): string {
    return String(this.n.EnableIPv6);
  }
  get Internal(): string {
    return String(this.n.Internal);
  }
  get Labels(): string {
    return Object.entries(this.n.Labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  }
  get CreatedAt(): string {
    return this.n.Created;
  }
  toJSON(): Record<string, unknown> {
    return contextJson(['CreatedAt', 'Driver', 'ID', 'IPv6', 'Internal', 'Labels', 'Name', 'Scope'], this as unknown as Record<string, unknown>);
  }
}

/** Go's sortorder.NaturalLess: digit runs compare as numbers. */
function naturalLess(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'variant' });
}

export const networkLsCommand: CommandDefinition = {
  usage: '[OPTIONS]',
  short: 'List networks',
  flags: [
    { name: 'filter', short: 'f', type: 'filter', help: 'Provide filter values (e.g. "driver=bridge")' },
    FORMAT_FLAG,
    { name: 'no-trunc', type: 'bool', help: 'Do not truncate the output' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only display network IDs' },
  ],
  args: { none: true },
  async run(ctx, flags) {
    const networks: NetworkInspect[] = await ctx.api.json<NetworkInspect[]>('GET', `/networks${queryString({ filters: filtersJson(flags.list('filter')) })}`);
    networks.sort((a, b) => naturalLess(a.Name, b.Name));
    return print(ctx, () =>
      renderList(
        { format: flags.string('format'), defaultTable: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}', quiet: flags.bool('quiet'), headers: { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv6: 'IPV6', Internal: 'INTERNAL', Labels: 'LABELS', CreatedAt: 'CREATED AT' } },
        networks.map((n) => new NetworkRow(n, !flags.bool('no-trunc'))),
      ),
    );
  },
};

export const networkCreateCommand: CommandDefinition = {
  usage: '[OPTIONS] NETWORK',
  short: 'Create a network',
  flags: [
    { name: 'attachable', type: 'bool', help: 'Enable manual container attachment' },
    { name: 'driver', short: 'd', type: 'string', help: 'Driver to manage the Network', defaultValue: 'bridge' },
    { name: 'gateway', type: 'strings', help: 'IPv4 or IPv6 Gateway for the master subnet' },
    { name: 'internal', type: 'bool', help: 'Restrict external access to the network' },
    { name: 'ip-range', type: 'strings', help: 'Allocate container ip from a sub-range' },
    { name: 'label', type: 'list', help: 'Set metadata on a network' },
    { name: 'opt', short: 'o', type: 'map', help: 'Set driver specific options', defaultValue: 'map[]' },
    { name: 'subnet', type: 'strings', help: 'Subnet in CIDR format that represents a network segment' },
  ],
  args: { exact: 1 },
  async run(ctx, flags) {
    const subnets = flags.list('subnet');
    const gateways = flags.list('gateway');
    const ranges = flags.list('ip-range');
    const config = subnets.map((subnet, i) => ({ Subnet: subnet, ...(gateways[i] ? { Gateway: gateways[i] } : {}), ...(ranges[i] ? { IPRange: ranges[i] } : {}) }));
    const created = await ctx.api.json<{ Id: string }>('POST', '/networks/create', {
      Name: flags.args[0],
      Driver: flags.string('driver', 'bridge'),
      Internal: flags.bool('internal'),
      Attachable: flags.bool('attachable'),
      IPAM: { Driver: 'default', Config: config, Options: {} },
      Options: labelsOf(flags.list('opt')),
      Labels: labelsOf(flags.list('label')),
    });
    ctx.streams.out(`${created.Id}\n`);
    return 0;
  },
};

export const networkRmCommand: CommandDefinition = {
  usage: 'NETWORK [NETWORK...]',
  short: 'Remove one or more networks',
  flags: [{ name: 'force', short: 'f', type: 'bool', help: 'Do not error if the network does not exist' }],
  args: { min: 1 },
  run: (ctx, flags) => forEachName(ctx, flags.args, async (name) => void (await ctx.api.raw('DELETE', `/networks/${ref(name)}`))),
};

export const networkConnectCommand: CommandDefinition = {
  usage: '[OPTIONS] NETWORK CONTAINER',
  short: 'Connect a container to a network',
  flags: [
    { name: 'alias', type: 'strings', help: 'Add network-scoped alias for the container' },
    { name: 'ip', type: 'string', help: 'IPv4 address (e.g., "172.30.100.104")' },
  ],
  args: { exact: 2 },
  async run(ctx, flags) {
    const [network, container] = flags.args as [string, string];
    await ctx.api.raw('POST', `/networks/${ref(network)}/connect`, {
      json: { Container: container, EndpointConfig: { Aliases: flags.list('alias'), ...(flags.string('ip') ? { IPAMConfig: { IPv4Address: flags.string('ip') } } : {}) } },
    });
    return 0;
  },
};

export const networkDisconnectCommand: CommandDefinition = {
  usage: '[OPTIONS] NETWORK CONTAINER',
  short: 'Disconnect a container from a network',
  flags: [{ name: 'force', short: 'f', type: 'bool', help: 'Force the container to disconnect from a network' }],
  args: { exact: 2 },
  async run(ctx, flags) {
    const [network, container] = flags.args as [string, string];
    await ctx.api.raw('POST', `/networks/${ref(network)}/disconnect`, { json: { Container: container, Force: flags.bool('force') } });
    return 0;
  },
};
