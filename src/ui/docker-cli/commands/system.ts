/**
 * System commands: version, info, system df, system prune, events.
 * The server sections are printed line for line as the CLI prints them;
 * the client sections describe this in-browser client instead of the Go CLI.
 */
import type { ContainerPruneReport } from '../../../engine/types/container.ts';
import type { ImagePruneReport } from '../../../engine/types/image.ts';
import type { DiskUsage, SystemInfo, SystemVersion } from '../../../engine/types/system.ts';
import { queryString } from '../api.ts';
import { FormatError, renderList } from '../format/list.ts';
import { GoTemplate, TemplateError } from '../format/template.ts';
import { bytesSize, humanSize } from '../format/units.ts';
import { InterruptedError } from '../io.ts';
import type { CommandContext, CommandDefinition } from './command.ts';
import { errorLine } from './command.ts';
import { confirm, relativeTime } from './containers.ts';
import { FORMAT_FLAG } from './images.ts';
import { filtersJson } from './ps.ts';

/** Go's time.ANSIC ("Mon Jan  2 15:04:05 2006") of an RFC 3339 time, in UTC; the input when it does not parse. */
function ansic(rfc3339: string): string {
  const ms = Date.parse(rfc3339);
  if (Number.isNaN(ms)) return rfc3339;
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** The "Server:" part of `docker version`. */
export function formatServerVersion(v: SystemVersion): string {
  let out = `Server:${v.Platform?.Name ? ` ${v.Platform.Name}` : ''}\n`;
  for (const component of v.Components ?? []) {
    const d = component.Details ?? {};
    out += ` ${component.Name}:\n`;
    if (component.Name === 'Engine') {
      out += `  Version:          ${component.Version}\n`;
      out += `  API version:      ${d.ApiVersion ?? ''} (minimum version ${d.MinAPIVersion ?? ''})\n`;
      out += `  Go version:       ${d.GoVersion ?? ''}\n`;
      out += `  Git commit:       ${d.GitCommit ?? ''}\n`;
      out += `  Built:            ${d.BuildTime ? ansic(d.BuildTime) : ''}\n`;
      out += `  OS/Arch:          ${d.Os ?? ''}/${d.Arch ?? ''}\n`;
      out += `  Experimental:     ${d.Experimental ?? ''}\n`;
    } else {
      out += `  Version:          ${component.Version}\n`;
      for (const key of Object.keys(d).sort()) out += `  ${key}:${' '.repeat(Math.max(1, 16 - key.length))}${d[key]}\n`;
    }
  }
  return out;
}

export const versionCommand: CommandDefinition = {
  usage: '[OPTIONS]',
  short: 'Show the Docker version information',
  flags: [{ name: 'format', short: 'f', type: 'string', help: 'Format output using a custom template:\n\'json\':             Print in JSON format\n\'TEMPLATE\':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates' }],
  args: { none: true },
  async run(ctx, flags) {
    const client = {
      Platform: { Name: 'Drydock in-browser docker' },
      Version: ctx.client.version,
      ApiVersion: ctx.client.apiVersion,
      Os: ctx.client.osArch.split('/')[0],
      Arch: ctx.client.osArch.split('/')[1],
      Context: 'default',
    };
    let server: SystemVersion | null = null;
    let failure: unknown = null;
    try {
      server = await ctx.api.json<SystemVersion>('GET', '/version');
    } catch (error) {
      failure = error;
    }
    const format = flags.string('format');
    if (format) {
      try {
        const template = format === 'json' ? GoTemplate.parse('{{json .}}') : GoTemplate.parse(format);
        ctx.streams.out(`${template.execute({ Client: client, Server: server })}\n`);
      } catch (error) {
        if (error instanceof TemplateError) {
          ctx.streams.err(`template parsing error: ${error.message}\n`);
          return 64;
        }
        throw error;
      }
    } else {
      let out = `Client: ${client.Platform.Name}\n`;
      out += ` Version:           ${client.Version}\n`;
      out += ` API version:       ${client.ApiVersion}\n`;
      out += ` OS/Arch:           ${ctx.client.osArch}\n`;
      out += ` Context:           default\n`;
      if (server) out += `\n${formatServerVersion(server)}`;
      ctx.streams.out(out);
    }
    if (failure) {
      ctx.streams.err(`${errorLine(failure)}\n`);
      return 1;
    }
    return 0;
  },
};

/** The "Server:" part of `docker info` (prettyPrintServerInfo), and the warnings it prints on stderr. */
export function formatServerInfo(info: SystemInfo): { out: string; warnings: string } {
  const lines: string[] = [];
  const line = (...parts: unknown[]) => lines.push(parts.map(String).join(' '));
  const nonEmpty = (label: string, value: string | undefined | null) => {
    if (value) line(label, value);
  };
  line(' Containers:', info.Containers);
  line('  Running:', info.ContainersRunning);
  line('  Paused:', info.ContainersPaused);
  line('  Stopped:', info.ContainersStopped);
  line(' Images:', info.Images);
  nonEmpty(' Server Version:', info.ServerVersion);
  nonEmpty(' Storage Driver:', info.Driver);
  for (const [key, value] of info.DriverStatus ?? []) lines.push(`  ${key}: ${value}`);
  nonEmpty(' Logging Driver:', info.LoggingDriver);
  nonEmpty(' Cgroup Driver:', info.CgroupDriver);
  nonEmpty(' Cgroup Version:', info.CgroupVersion);
  line(' Plugins:');
  line('  Volume:', (info.Plugins?.Volume ?? []).join(' '));
  line('  Network:', (info.Plugins?.Network ?? []).join(' '));
  if (info.Plugins?.Authorization?.length) line('  Authorization:', info.Plugins.Authorization.join(' '));
  line('  Log:', (info.Plugins?.Log ?? []).join(' '));
  if (info.CDISpecDirs?.length) {
    line(' CDI spec directories:');
    for (const dir of info.CDISpecDirs) lines.push(`  ${dir}`);
  }
  line(' Swarm:', info.Swarm?.LocalNodeState ?? '');
  const runtimes = Object.keys(info.Runtimes ?? {});
  if (runtimes.length > 0) {
    line(' Runtimes:', runtimes.sort().join(' '));
    line(' Default Runtime:', info.DefaultRuntime);
  }
  if (info.OSType === 'linux') {
    line(' Init Binary:', info.InitBinary ?? '');
    for (const [name, commit] of [
      ['containerd', info.ContainerdCommit],
      ['runc', info.RuncCommit],
      ['init', info.InitCommit],
    ] as const) {
      let text = ` ${name} version: ${commit?.ID ?? ''}`;
      if ((commit?.ID ?? '') !== (commit?.Expected ?? commit?.ID ?? '')) text += ` (expected: ${commit!.Expected})`;
      lines.push(text);
    }
    if (info.SecurityOptions?.length) {
      line(' Security Options:');
      for (const option of info.SecurityOptions) {
        const fields = Object.fromEntries(option.split(',').map((kv) => kv.split('=') as [string, string]));
        lines.push(`  ${fields.name ?? option}`);
        if (fields.profile) line('   Profile:', fields.profile);
      }
    }
  }
  nonEmpty(' Kernel Version:', info.KernelVersion);
  nonEmpty(' Operating System:', info.OperatingSystem);
  nonEmpty(' OSType:', info.OSType);
  nonEmpty(' Architecture:', info.Architecture);
  line(' CPUs:', info.NCPU);
  line(' Total Memory:', bytesSize(info.MemTotal));
  nonEmpty(' Name:', info.Name);
  nonEmpty(' ID:', info.ID);
  line(' Docker Root Dir:', info.DockerRootDir);
  line(' Debug Mode:', info.Debug);
  nonEmpty(' HTTP Proxy:', info.HttpProxy);
  nonEmpty(' HTTPS Proxy:', info.HttpsProxy);
  nonEmpty(' No Proxy:', info.NoProxy);
  if (info.Labels?.length) {
    line(' Labels:');
    for (const label of info.Labels) lines.push(`  ${label}`);
  }
  line(' Experimental:', info.ExperimentalBuild);
  const registry = info.RegistryConfig;
  if (registry && (registry.InsecureRegistryCIDRs.length > 0 || Object.keys(registry.IndexConfigs ?? {}).length > 0)) {
    line(' Insecure Registries:');
    for (const config of Object.values(registry.IndexConfigs ?? {})) if (!config.Secure) lines.push(`  ${config.Name}`);
    for (const cidr of registry.InsecureRegistryCIDRs) lines.push(`  ${cidr}`);
  }
  if (registry?.Mirrors?.length) {
    line(' Registry Mirrors:');
    for (const mirror of registry.Mirrors) lines.push(`  ${mirror}`);
  }
  line(' Live Restore Enabled:', info.LiveRestoreEnabled);
  const warnings = (info.Warnings ?? []).map((w) => `${w}\n`).join('');
  return { out: `Server:\n${lines.join('\n')}\n\n`, warnings };
}

export const infoCommand: CommandDefinition = {
  usage: '[OPTIONS]',
  short: 'Display system-wide information',
  flags: [{ name: 'format', short: 'f', type: 'string', help: 'Format output using a custom template' }],
  args: { none: true },
  async run(ctx, flags) {
    let info: SystemInfo;
    try {
      info = await ctx.api.json<SystemInfo>('GET', '/info');
    } catch (error) {
      ctx.streams.out(`Client: Drydock in-browser docker\n Version:    ${ctx.client.version}\n Context:    default\n Debug Mode: false\n\nServer:\n`);
      ctx.streams.err(`ERROR: ${errorLine(error)}\nerrors pretty printing info\n`);
      return 1;
    }
    const format = flags.string('format');
    if (format) {
      try {
        ctx.streams.out(`${GoTemplate.parse(format === 'json' ? '{{json .}}' : format).execute(info)}\n`);
        return 0;
      } catch (error) {
        ctx.streams.err(`template parsing error: ${(error as Error).message}\n`);
        return 64;
      }
    }
    const server = formatServerInfo(info);
    ctx.streams.out(`Client: Drydock in-browser docker\n Version:    ${ctx.client.version}\n Context:    default\n Debug Mode: false\n\n${server.out}`);
    if (server.warnings) ctx.streams.err(server.warnings);
    return 0;
  },
};

/** `docker system df`'s summary rows (CLI 28's disk usage context). */
export function diskUsageRows(df: DiskUsage): { Type: string; TotalCount: string; Active: string; Size: string; Reclaimable: string }[] {
  const percent = (reclaimable: number, total: number) => (total > 0 ? `${humanSize(reclaimable)} (${Math.trunc((reclaimable * 100) / total)}%)` : humanSize(reclaimable));
  const images = df.Images ?? [];
  let used = 0;
  for (const image of images) if (image.Containers > 0 && image.Size !== -1 && image.SharedSize !== -1) used += image.Size - image.SharedSize;
  const containers = df.Containers ?? [];
  const active = (state: string) => state === 'running' || state === 'paused' || state === 'restarting';
  const containerSize = containers.reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  const containerReclaimable = containers.filter((c) => !active(c.State)).reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  const volumes = df.Volumes ?? [];
  const volumeSize = volumes.reduce((n, v) => n + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const volumeReclaimable = volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).reduce((n, v) => n + Math.max(0, v.UsageData?.Size ?? 0), 0);
  const cache = df.BuildCache ?? [];
  const cacheSize = cache.filter((c) => !c.Shared).reduce((n, c) => n + c.Size, 0);
  const cacheReclaimable = cache.filter((c) => !c.Shared && !c.InUse).reduce((n, c) => n + c.Size, 0);
  return [
    { Type: 'Images', TotalCount: String(images.length), Active: String(images.filter((i) => i.Containers > 0).length), Size: humanSize(df.LayersSize), Reclaimable: percent(df.LayersSize - used, df.LayersSize) },
    { Type: 'Containers', TotalCount: String(containers.length), Active: String(containers.filter((c) => active(c.State)).length), Size: humanSize(containerSize), Reclaimable: percent(containerReclaimable, containerSize) },
    { Type: 'Local Volumes', TotalCount: String(volumes.length), Active: String(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length), Size: humanSize(volumeSize), Reclaimable: percent(volumeReclaimable, volumeSize) },
    { Type: 'Build Cache', TotalCount: String(cache.length), Active: String(cache.filter((c) => c.InUse).length), Size: humanSize(cacheSize), Reclaimable: humanSize(cacheReclaimable) },
  ];
}

export const systemDfCommand: CommandDefinition = {
  usage: '[OPTIONS]',
  short: 'Show docker disk usage',
  flags: [FORMAT_FLAG, { name: 'verbose', short: 'v', type: 'bool', help: 'Show detailed information on space usage' }],
  args: { none: true },
  async run(ctx, flags) {
    const df: DiskUsage = await ctx.api.json<DiskUsage>('GET', '/system/df');
    try {
      ctx.streams.out(
        renderList(
          { format: flags.string('format'), defaultTable: 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}', headers: { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' } },
          diskUsageRows(df),
        ),
      );
      return 0;
    } catch (error) {
      if (error instanceof FormatError) {
        ctx.streams.err(`${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};

export const systemPruneCommand: CommandDefinition = {
  usage: '[OPTIONS]',
  short: 'Remove unused data',
  flags: [
    { name: 'all', short: 'a', type: 'bool', help: 'Remove all unused images not just dangling ones' },
    { name: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' },
    { name: 'volumes', type: 'bool', help: 'Prune anonymous volumes' },
  ],
  args: { none: true },
  async run(ctx, flags) {
    const all = flags.bool('all');
    const items = ['all stopped containers', 'all networks not used by at least one container', ...(flags.bool('volumes') ? ['all anonymous volumes not used by at least one container'] : []), all ? 'all images without at least one container associated to them' : 'all dangling images', all ? 'all build cache' : 'unused build cache'];
    if (!flags.bool('force') && !(await confirm(ctx, `WARNING! This will remove:\n${items.map((i) => `  - ${i}`).join('\n')}\n`))) return 0;
    let reclaimed = 0;
    let out = '';
    try {
      const containers = await ctx.api.json<ContainerPruneReport>('POST', '/containers/prune');
      if (containers.ContainersDeleted?.length) out += `Deleted Containers:\n${containers.ContainersDeleted.join('\n')}\n\n`;
      reclaimed += containers.SpaceReclaimed;
      try {
        const networks = await ctx.api.json<{ NetworksDeleted: string[] | null }>('POST', '/networks/prune');
        if (networks.NetworksDeleted?.length) out += `Deleted Networks:\n${networks.NetworksDeleted.join('\n')}\n\n`;
      } catch {
        // An engine without networks has nothing to prune.
      }
      if (flags.bool('volumes')) {
        const volumes = await ctx.api.json<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/volumes/prune');
        if (volumes.VolumesDeleted?.length) out += `Deleted Volumes:\n${volumes.VolumesDeleted.join('\n')}\n\n`;
        reclaimed += volumes.SpaceReclaimed;
      }
      const images = await ctx.api.json<ImagePruneReport>('POST', `/images/prune${queryString({ filters: filtersJson([`dangling=${all ? 'false' : 'true'}`]) })}`);
      if (images.ImagesDeleted?.length) {
        out += 'Deleted Images:\n';
        for (const item of images.ImagesDeleted) out += item.Untagged ? `untagged: ${item.Untagged}\n` : `deleted: ${item.Deleted}\n`;
        out += '\n';
      }
      reclaimed += images.SpaceReclaimed;
    } catch (error) {
      ctx.streams.out(out);
      ctx.streams.err(`${errorLine(error)}\n`);
      return 1;
    }
    ctx.streams.out(`${out}Total reclaimed space: ${humanSize(reclaimed)}\n`);
    return 0;
  },
};

/** An event line as `docker events` prints it: time, type, action, actor and sorted attributes. */
export function formatEvent(raw: string): string {
  const event = JSON.parse(raw) as { Type: string; Action: string; Actor: { ID: string; Attributes?: Record<string, string> }; time: number };
  const nanoText = /"timeNano"\s*:\s*(\d+)/.exec(raw)?.[1];
  const seconds = nanoText ? Number(BigInt(nanoText) / 1_000_000_000n) : event.time;
  const nanos = nanoText ? String(BigInt(nanoText) % 1_000_000_000n).padStart(9, '0') : '000000000';
  const stamp = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, `.${nanos}Z`);
  const attrs = Object.entries(event.Actor.Attributes ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`);
  return `${stamp} ${event.Type} ${event.Action} ${event.Actor.ID}${attrs.length ? ` (${attrs.join(', ')})` : ''}\n`;
}

export const eventsCommand: CommandDefinition = {
  usage: '[OPTIONS]',
  short: 'Get real time events from the server',
  flags: [
    { name: 'filter', short: 'f', type: 'filter', help: 'Filter output based on conditions provided' },
    { name: 'format', type: 'string', help: 'Format output using a custom template' },
    { name: 'since', type: 'string', help: 'Show all events created since timestamp' },
    { name: 'until', type: 'string', help: 'Stream events until this timestamp' },
  ],
  args: { none: true },
  async run(ctx: CommandContext, flags) {
    const now = ctx.streams.now();
    const q = queryString({
      filters: filtersJson(flags.list('filter')),
      since: flags.string('since') ? relativeTime(flags.string('since'), now) : undefined,
      until: flags.string('until') ? relativeTime(flags.string('until'), now) : undefined,
    });
    const format = flags.string('format');
    const template = format ? GoTemplate.parse(format === 'json' ? '{{json .}}' : format) : null;
    let buffer = '';
    const decoder = new TextDecoder();
    let interrupted = false;
    const handle = await ctx.api.stream('GET', `/events${q}`, (chunk) => {
      buffer += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        ctx.streams.out(template ? `${template.execute(JSON.parse(line))}\n` : formatEvent(line));
      }
    });
    const stop = ctx.streams.onInterrupt(() => {
      interrupted = true;
      handle.cancel();
    });
    try {
      await handle.done;
    } finally {
      stop();
    }
    if (interrupted) throw new InterruptedError();
    return 0;
  },
};
