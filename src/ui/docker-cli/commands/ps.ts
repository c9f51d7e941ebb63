/**
 * `docker ps` (docker container ls): the container list with the CLI's
 * columns and truncation rules — 12-character IDs, commands cut to 20
 * cells with "…" and quoted, "5 seconds ago", ports as "0.0.0.0:8080->80/tcp".
 */
import type { ContainerSummary, PortSummary } from '../../../engine/types/container.ts';
import { queryString } from '../api.ts';
import { contextJson, FormatError, renderList } from '../format/list.ts';
import { GoTemplate, STRUCT_TYPE, TemplateError } from '../format/template.ts';
import { ellipsis, goQuote, truncateId } from '../format/text.ts';
import { ago, humanSizeWithPrecision } from '../format/units.ts';
import { parseReference } from '../reference.ts';
import type { CommandDefinition } from './command.ts';

export const CONTAINER_TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';

export const CONTAINER_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID',
  Names: 'NAMES',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  LocalVolumes: 'LOCAL VOLUMES',
  Networks: 'NETWORKS',
};

function comparePorts(a: PortSummary, b: PortSummary): number {
  if (a.PrivatePort !== b.PrivatePort) return a.PrivatePort - b.PrivatePort;
  if ((a.IP ?? '') !== (b.IP ?? '')) return (a.IP ?? '') < (b.IP ?? '') ? -1 : 1;
  if ((a.PublicPort ?? 0) !== (b.PublicPort ?? 0)) return (a.PublicPort ?? 0) - (b.PublicPort ?? 0);
  return a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0;
}

function joinHostPort(ip: string, port: string): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The CLI's DisplayablePorts: consecutive ports grouped into ranges, published ones with their host address. */
export function displayablePorts(ports: readonly PortSummary[]): string {
  const sorted = [...ports].sort(comparePorts);
  const groups = new Map<string, { first: number; last: number }>();
  const order: string[] = [];
  const result: string[] = [];
  const hostMappings: string[] = [];
  const formGroup = (key: string, first: number, last: number) => {
    const parts = key.split('/');
    let type = parts[0]!;
    let ip = '';
    if (parts.length > 1) {
      ip = parts[0]!;
      type = parts[1]!;
    }
    let group = String(first);
    if (first !== last) group = `${group}-${last}`;
    if (ip !== '') group = `${joinHostPort(ip, group)}->${group}`;
    return `${group}/${type}`;
  };
  for (const port of sorted) {
    const current = port.PrivatePort;
    let key: string = port.Type;
    if (port.IP) {
      if (port.PublicPort !== current) {
        hostMappings.push(`${joinHostPort(port.IP, String(port.PublicPort ?? 0))}->${port.PrivatePort}/${port.Type}`);
        continue;
      }
      key = `${port.IP}/${port.Type}`;
    }
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { first: current, last: current });
      order.push(key);
      continue;
    }
    if (current === group.last + 1) {
      group.last = current;
      continue;
    }
    result.push(formGroup(key, group.first, group.last));
    groups.set(key, { first: current, last: current });
  }
  for (const key of order) {
    const g = groups.get(key)!;
    result.push(formGroup(key, g.first, g.last));
  }
  return [...result, ...hostMappings].join(', ');
}

/** The image column: a digest-pinned reference loses its digest, an ID is shortened. */
function displayImage(summary: ContainerSummary, trunc: boolean): string {
  if (summary.Image === '') return '<no image>';
  if (!trunc) return summary.Image;
  if (truncateId(summary.ImageID) === truncateId(summary.Image)) return truncateId(summary.Image);
  const parsed = parseReference(summary.Image);
  if (!parsed) return summary.Image;
  return parsed.digest ? `${parsed.familiar}${parsed.tag ? `:${parsed.tag}` : ''}` : `${parsed.familiar}${parsed.tag ? `:${parsed.tag}` : ''}`;
}

/** One row of `docker ps`, with the fields templates can use. */
export class ContainerRow {
  readonly [STRUCT_TYPE] = '*formatter.ContainerContext';
  constructor(
    private readonly c: ContainerSummary,
    private readonly trunc: boolean,
    private readonly now: number,
  ) {}
  get ID(): string {
    return this.trunc ? truncateId(this.c.Id) : this.c.Id;
  }
  get Names(): string {
    const names = this.c.Names.map((n) => n.replace(/^\//, ''));
    if (this.trunc) return names.find((n) => !n.includes('/')) ?? '';
    return names.join(',');
  }
  get Image(): string {
    return displayImage(this.c, this.trunc);
  }
  get Command(): string {
    return goQuote(this.trunc ? ellipsis(this.c.Command, 20) : this.c.Command);
  }
  get CreatedAt(): string {
    return goTimeString(this.c.Created);
  }
  get RunningFor(): string {
    return ago(this.c.Created, this.now);
  }
  get Ports(): string {
    return displayablePorts(this.c.Ports ?? []);
  }
  get State(): string {
    return this.c.State;
  }
  get Status(): string {
    return this.c.Status;
  }
  get Size(): string {
    const rw = humanSizeWithPrecision(this.c.SizeRw ?? 0, 3);
    return (this.c.SizeRootFs ?? 0) > 0 ? `${rw} (virtual ${humanSizeWithPrecision(this.c.SizeRootFs!, 3)})` : rw;
  }
  get Labels(): string {
    return Object.entries(this.c.Labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join(',');
  }
  get Mounts(): string {
    return (this.c.Mounts ?? []).map((m) => (this.trunc ? ellipsis(m.Name || m.Source, 15) : m.Name || m.Source)).join(',');
  }
  get LocalVolumes(): string {
    return String((this.c.Mounts ?? []).filter((m) => m.Driver === 'local').length);
  }
  get Networks(): string {
    return Object.keys(this.c.NetworkSettings?.Networks ?? {}).join(',');
  }
  /** {{.Label "name"}}: one label's value. */
  Label(name: unknown): string {
    return this.c.Labels?.[String(name)] ?? '';
  }
  get Platform(): null {
    return null;
  }
  toJSON(): Record<string, unknown> {
    return contextJson(['Command', 'CreatedAt', 'ID', 'Image', 'Labels', 'LocalVolumes', 'Mounts', 'Names', 'Networks', 'Platform', 'Ports', 'RunningFor', 'Size', 'State', 'Status'], this as unknown as Record<string, unknown>);
  }
}

/** Go's time.Time.String() of a Unix time, in UTC: "2024-05-01 10:00:00 +0000 UTC". */
export function goTimeString(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 UTC`;
}

/** `--filter a=b` values as the Engine API's filters JSON ({"a":{"b":true}}). */
export function filtersJson(filters: readonly string[]): string | undefined {
  if (filters.length === 0) return undefined;
  const out: Record<string, Record<string, boolean>> = {};
  for (const filter of filters) {
    const eq = filter.indexOf('=');
    if (eq < 0) throw new Error(`bad format of filter (expected name=value)`);
    const key = filter.slice(0, eq).trim().toLowerCase();
    (out[key] ??= {})[filter.slice(eq + 1)] = true;
  }
  return JSON.stringify(out);
}

const EMPTY_SUMMARY: ContainerSummary = {
  Id: '',
  Names: [],
  Image: '',
  ImageID: '',
  Command: '',
  Created: 0,
  Ports: [],
  Labels: {},
  State: 'created',
  Status: '',
  HostConfig: { NetworkMode: '' },
  NetworkSettings: { Networks: {} },
  Mounts: [],
};

export const psCommand: CommandDefinition = {
  usage: '[OPTIONS]',
  short: 'List containers',
  aliases: 'docker container ls, docker container list, docker container ps, docker ps',
  flags: [
    { name: 'all', short: 'a', type: 'bool', help: 'Show all containers (default shows just running)' },
    { name: 'filter', short: 'f', type: 'filter', help: 'Filter output based on conditions provided' },
    {
      name: 'format',
      type: 'string',
      help: "Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates",
    },
    { name: 'last', short: 'n', type: 'int', help: 'Show n last created containers (includes all states)', defaultValue: '-1' },
    { name: 'latest', short: 'l', type: 'bool', help: 'Show the latest created container (includes all states)' },
    { name: 'no-trunc', type: 'bool', help: "Don't truncate output" },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only display container IDs' },
    { name: 'size', short: 's', type: 'bool', help: 'Display total file sizes' },
  ],
  args: { none: true },
  async run(ctx, flags) {
    // The CLI validates --format first, on an empty row (to see whether it uses .Size).
    if (flags.string('format') !== '') {
      let template: GoTemplate;
      try {
        template = GoTemplate.parse(flags.string('format'));
      } catch (error) {
        ctx.streams.err(`failed to parse template: ${(error as Error).message}\n`);
        return 1;
      }
      try {
        template.execute(new ContainerRow(EMPTY_SUMMARY, true, ctx.streams.now()));
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        ctx.streams.err(`failed to execute template: ${error.message}\n`);
        return 1;
      }
    }
    let last = flags.int('last', -1);
    if (flags.bool('latest') && last === -1) last = 1;
    const format = flags.string('format');
    const quiet = flags.bool('quiet');
    const size = flags.bool('size') || (format !== '' && !quiet && format.includes('.Size'));
    let filters: string | undefined;
    try {
      filters = filtersJson(flags.list('filter'));
    } catch (error) {
      ctx.streams.err(`${(error as Error).message}\n`);
      return 1;
    }
    let containers: ContainerSummary[];
    containers = await ctx.api.json<ContainerSummary[]>(
      'GET',
      `/containers/json${queryString({ all: flags.bool('all'), limit: last > 0 ? last : undefined, size, filters })}`,
    );
    const trunc = !flags.bool('no-trunc');
    const now = ctx.streams.now();
    const table = CONTAINER_TABLE + (flags.bool('size') ? '\t{{.Size}}' : '');
    try {
      ctx.streams.out(renderList({ format, defaultTable: table, quiet, headers: CONTAINER_HEADERS }, containers.map((c) => new ContainerRow(c, trunc, now))));
    } catch (error) {
      if (error instanceof FormatError) {
        ctx.streams.err(`${error.message}\n`);
        return 1;
      }
      throw error;
    }
    return 0;
  },
};
