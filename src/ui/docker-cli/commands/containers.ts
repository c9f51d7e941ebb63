/**
 * Container commands that do not attach a terminal: stop, restart, kill,
 * rm, pause, unpause, rename, wait, logs, top, port, diff, commit, and
 * `docker container prune`.
 */
import type { ContainerInspect, ContainerPruneReport, ContainerTopResponse, ContainerWaitResponse, FilesystemChange } from '../../../engine/types/container.ts';
import { queryString, ref } from '../api.ts';
import { tabwrite } from '../format/tabwriter.ts';
import { humanSize } from '../format/units.ts';
import { InterruptedError } from '../io.ts';
import { parseReference } from '../reference.ts';
import type { CommandContext, CommandDefinition } from './command.ts';
import { errorLine, forEachName } from './command.ts';
import { DockerApiError, StdcopyDemuxer } from '../../../engine/client/client.ts';
import { filtersJson } from './ps.ts';

const SIGNAL_FLAG = { name: 'signal', short: 's', type: 'string', help: 'Signal to send to the container' } as const;
const TIMEOUT_FLAG = { name: 'timeout', short: 't', type: 'int', help: 'Seconds to wait before killing the container' } as const;

export const stopCommand: CommandDefinition = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Stop one or more running containers',
  aliases: 'docker container stop, docker stop',
  flags: [SIGNAL_FLAG, TIMEOUT_FLAG, { name: 'time', type: 'int', help: 'Seconds to wait before killing the container (deprecated: use --timeout)', hidden: true }],
  args: { min: 1 },
  run(ctx, flags) {
    const t = flags.has('timeout') ? flags.int('timeout', 10) : flags.has('time') ? flags.int('time', 10) : undefined;
    const q = queryString({ signal: flags.string('signal') || undefined, t });
    return forEachName(ctx, flags.args, async (name) => void (await ctx.api.raw('POST', `/containers/${ref(name)}/stop${q}`)));
  },
};

export const restartCommand: CommandDefinition = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Restart one or more containers',
  aliases: 'docker container restart, docker restart',
  flags: [SIGNAL_FLAG, TIMEOUT_FLAG],
  args: { min: 1 },
  run(ctx, flags) {
    const q = queryString({ signal: flags.string('signal') || undefined, t: flags.has('timeout') ? flags.int('timeout', 10) : undefined });
    return forEachName(ctx, flags.args, async (name) => void (await ctx.api.raw('POST', `/containers/${ref(name)}/restart${q}`)));
  },
};

export const killCommand: CommandDefinition = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Kill one or more running containers',
  aliases: 'docker container kill, docker kill',
  flags: [SIGNAL_FLAG],
  args: { min: 1 },
  run(ctx, flags) {
    const q = queryString({ signal: flags.string('signal') || undefined });
    return forEachName(ctx, flags.args, async (name) => void (await ctx.api.raw('POST', `/containers/${ref(name)}/kill${q}`)));
  },
};

export const rmCommand: CommandDefinition = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Remove one or more containers',
  aliases: 'docker container rm, docker container remove, docker rm',
  flags: [
    { name: 'force', short: 'f', type: 'bool', help: 'Force the removal of a running container (uses SIGKILL)' },
    { name: 'link', short: 'l', type: 'bool', help: 'Remove the specified link' },
    { name: 'volumes', short: 'v', type: 'bool', help: 'Remove anonymous volumes associated with the container' },
  ],
  args: { min: 1 },
  async run(ctx, flags) {
    const force = flags.bool('force');
    const q = queryString({ force, link: flags.bool('link'), v: flags.bool('volumes') });
    const errors: string[] = [];
    let failed = false;
    for (const name of flags.args) {
      const trimmed = name.replace(/^\/+/, '');
      try {
        if (trimmed === '') throw new Error('Container name cannot be empty');
        await ctx.api.raw('DELETE', `/containers/${ref(trimmed)}${q}`);
        ctx.streams.out(`${name}\n`);
      } catch (error) {
        // With --force a missing container is reported but is not a failure.
        if (!(force && error instanceof DockerApiError && error.status === 404)) failed = true;
        errors.push(errorLine(error));
      }
    }
    if (errors.length) ctx.streams.err(`${errors.join('\n')}\n`);
    return failed ? 1 : 0;
  },
};

export const pauseCommand: CommandDefinition = {
  usage: 'CONTAINER [CONTAINER...]',
  short: 'Pause all processes within one or more containers',
  aliases: 'docker container pause, docker pause',
  flags: [],
  args: { min: 1 },
  run: (ctx, flags) => forEachName(ctx, flags.args, async (name) => void (await ctx.api.raw('POST', `/containers/${ref(name)}/pause`))),
};

export const unpauseCommand: CommandDefinition = {
  usage: 'CONTAINER [CONTAINER...]',
  short: 'Unpause all processes within one or more containers',
  aliases: 'docker container unpause, docker unpause',
  flags: [],
  args: { min: 1 },
  run: (ctx, flags) => forEachName(ctx, flags.args, async (name) => void (await ctx.api.raw('POST', `/containers/${ref(name)}/unpause`))),
};

export const renameCommand: CommandDefinition = {
  usage: 'CONTAINER NEW_NAME',
  short: 'Rename a container',
  aliases: 'docker container rename, docker rename',
  flags: [],
  args: { exact: 2 },
  async run(ctx, flags) {
    const [oldName, newName] = flags.args.map((a) => a.trim()) as [string, string];
    if (oldName === '' || newName === '') {
      ctx.streams.err('Error: Neither old nor new names may be empty\n');
      return 1;
    }
    try {
      await ctx.api.raw('POST', `/containers/${ref(oldName)}/rename?name=${ref(newName)}`);
      return 0;
    } catch (error) {
      ctx.streams.err(`${errorLine(error)}\nError: failed to rename container named ${oldName}\n`);
      return 1;
    }
  },
};

export const waitCommand: CommandDefinition = {
  usage: 'CONTAINER [CONTAINER...]',
  short: 'Block until one or more containers stop, then print their exit codes',
  aliases: 'docker container wait, docker wait',
  flags: [],
  args: { min: 1 },
  run(ctx, flags) {
    return forEachName(ctx, flags.args, async (name) => {
      let body = '';
      const handle = await ctx.api.stream('POST', `/containers/${ref(name)}/wait`, (chunk) => (body += new TextDecoder().decode(chunk)));
      const stop = ctx.streams.onInterrupt(() => handle.cancel());
      try {
        await handle.done;
      } finally {
        stop();
      }
      if (body === '') throw new InterruptedError();
      const response = JSON.parse(body) as ContainerWaitResponse;
      if (response.Error?.Message) throw new Error(response.Error.Message);
      return String(response.StatusCode);
    });
  },
};

export const logsCommand: CommandDefinition = {
  usage: '[OPTIONS] CONTAINER',
  short: 'Fetch the logs of a container',
  aliases: 'docker container logs, docker logs',
  flags: [
    { name: 'details', type: 'bool', help: 'Show extra details provided to logs' },
    { name: 'follow', short: 'f', type: 'bool', help: 'Follow log output' },
    { name: 'since', type: 'string', help: 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
    { name: 'tail', short: 'n', type: 'string', help: 'Number of lines to show from the end of the logs', defaultValue: 'all' },
    { name: 'timestamps', short: 't', type: 'bool', help: 'Show timestamps' },
    { name: 'until', type: 'string', help: 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
  ],
  args: { exact: 1 },
  async run(ctx, flags) {
    const name = flags.args[0]!;
    const container: ContainerInspect = await ctx.api.json<ContainerInspect>('GET', `/containers/${ref(name)}/json`);
    const since = flags.string('since') ? relativeTime(flags.string('since'), ctx.streams.now()) : undefined;
    const until = flags.string('until') ? relativeTime(flags.string('until'), ctx.streams.now()) : undefined;
    const q = queryString({
      details: flags.bool('details'),
      follow: flags.bool('follow'),
      since,
      stderr: true,
      stdout: true,
      tail: flags.string('tail', 'all'),
      timestamps: flags.bool('timestamps'),
      until,
    });
    const tty = container.Config.Tty === true;
    const demux = new StdcopyDemuxer((stream, bytes) => (stream === 1 ? ctx.streams.out(bytes) : ctx.streams.err(bytes)));
    let interrupted = false;
    const handle = await ctx.api.stream('GET', `/containers/${ref(container.Id)}/logs${q}`, (chunk) => (tty ? ctx.streams.out(chunk) : demux.push(chunk)));
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

/** `--since 10m` or an RFC 3339 time as the API's Unix seconds (the CLI's GetTimestamp). */
export function relativeTime(value: string, now: number): string {
  const duration = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$/.exec(value);
  if (duration) {
    const scale: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
    return ((now / 1000 - Number(duration[1]) * scale[duration[2]!]!)).toFixed(9);
  }
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? value : (parsed / 1000).toFixed(9);
}

export const topCommand: CommandDefinition = {
  usage: 'CONTAINER [ps OPTIONS]',
  short: 'Display the running processes of a container',
  aliases: 'docker container top, docker top',
  flags: [],
  stopAtFirstArg: true,
  args: { min: 1 },
  async run(ctx, flags) {
    const [name, ...psArgs] = flags.args as [string, ...string[]];
    const top = await ctx.api.json<ContainerTopResponse>('GET', `/containers/${ref(name)}/top${queryString({ ps_args: psArgs.length ? psArgs.join(' ') : undefined })}`);
    const lines = [top.Titles.join('\t'), ...top.Processes.map((p) => p.join('\t'))].join('\n');
    ctx.streams.out(tabwrite(`${lines}\n`, { minWidth: 20, padding: 3 }));
    return 0;
  },
};

export const portCommand: CommandDefinition = {
  usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  short: 'List port mappings or a specific mapping for the container',
  aliases: 'docker container port, docker port',
  flags: [],
  args: { min: 1, max: 2 },
  async run(ctx, flags) {
    const [name, wanted] = flags.args as [string, string | undefined];
    const container: ContainerInspect = await ctx.api.json<ContainerInspect>('GET', `/containers/${ref(name)}/json`);
    const ports = container.NetworkSettings?.Ports ?? {};
    const show = (binding: { HostIp?: string; HostPort?: string }) => {
      const ip = binding.HostIp || '0.0.0.0';
      return `${ip.includes(':') ? `[${ip}]` : ip}:${binding.HostPort ?? ''}`;
    };
    if (wanted) {
      const key = wanted.includes('/') ? wanted : `${wanted}/tcp`;
      const bindings = ports[key];
      if (!bindings || bindings.length === 0) {
        ctx.streams.err(`Error: No public port '${key}' published for ${name}\n`);
        return 1;
      }
      for (const b of bindings) ctx.streams.out(`${show(b)}\n`);
      return 0;
    }
    const lines: string[] = [];
    for (const [port, bindings] of Object.entries(ports)) for (const b of bindings ?? []) lines.push(`${port} -> ${show(b)}`);
    lines.sort();
    if (lines.length) ctx.streams.out(`${lines.join('\n')}\n`);
    return 0;
  },
};

export const diffCommand: CommandDefinition = {
  usage: 'CONTAINER',
  short: "Inspect changes to files or directories on a container's filesystem",
  aliases: 'docker container diff, docker diff',
  flags: [],
  args: { exact: 1 },
  async run(ctx, flags) {
    const changes = (await ctx.api.json<FilesystemChange[] | null>('GET', `/containers/${ref(flags.args[0]!)}/changes`)) ?? [];
    const kinds = ['C', 'A', 'D'];
    if (changes.length) ctx.streams.out(changes.map((c) => `${kinds[c.Kind] ?? '?'} ${c.Path}\n`).join(''));
    return 0;
  },
};

export const commitCommand: CommandDefinition = {
  usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  short: "Create a new image from a container's changes",
  aliases: 'docker container commit, docker commit',
  flags: [
    { name: 'author', short: 'a', type: 'string', help: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
    { name: 'change', short: 'c', type: 'list', help: 'Apply Dockerfile instruction to the created image' },
    { name: 'message', short: 'm', type: 'string', help: 'Commit message' },
    { name: 'pause', short: 'p', type: 'bool', help: 'Pause container during commit', defaultValue: 'true' },
  ],
  args: { min: 1, max: 2 },
  async run(ctx, flags) {
    const [container, reference] = flags.args as [string, string | undefined];
    let repo: string | undefined;
    let tag: string | undefined;
    if (reference) {
      const parsed = parseReference(reference);
      if (!parsed || parsed.digest) {
        ctx.streams.err(parsed ? 'refusing to create a tag with a digest reference\n' : 'invalid reference format\n');
        return 1;
      }
      repo = parsed.familiar;
      tag = parsed.tag ?? undefined;
    }
    const pause = flags.has('pause') ? flags.bool('pause') : true;
    const changes = flags.list('change');
    const q = new URLSearchParams();
    if (flags.string('author')) q.set('author', flags.string('author'));
    for (const change of changes) q.append('changes', change);
    if (flags.string('message')) q.set('comment', flags.string('message'));
    q.set('container', container);
    if (pause) q.set('pause', '1');
    else q.set('pause', '0');
    if (repo) q.set('repo', repo);
    if (tag) q.set('tag', tag);
    const result = await ctx.api.json<{ Id: string }>('POST', `/commit?${q.toString().replaceAll('+', '%20')}`);
    ctx.streams.out(`${result.Id}\n`);
    return 0;
  },
};

/** Asks "Are you sure you want to continue? [y/N]" on the terminal; true for y/yes. */
export async function confirm(ctx: CommandContext, warning: string): Promise<boolean> {
  ctx.streams.out(`${warning}\nAre you sure you want to continue? [y/N] `);
  const answer = await ctx.streams.stdin.read();
  const text = answer ? new TextDecoder().decode(answer).trim().toLowerCase() : '';
  if (!answer) ctx.streams.out('\n');
  return text === 'y' || text === 'yes';
}

export const containerPruneCommand: CommandDefinition = {
  usage: '[OPTIONS]',
  short: 'Remove all stopped containers',
  flags: [
    { name: 'filter', type: 'filter', help: 'Provide filter values (e.g. "until=<timestamp>")' },
    { name: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' },
  ],
  args: { none: true },
  async run(ctx, flags) {
    if (!flags.bool('force') && !(await confirm(ctx, 'WARNING! This will remove all stopped containers.'))) return 0;
    const report = await ctx.api.json<ContainerPruneReport>('POST', `/containers/prune${queryString({ filters: filtersJson(flags.list('filter')) })}`);
    let out = '';
    if (report.ContainersDeleted?.length) out += `Deleted Containers:\n${report.ContainersDeleted.join('\n')}\n\n`;
    out += `Total reclaimed space: ${humanSize(report.SpaceReclaimed)}\n`;
    ctx.streams.out(out);
    return 0;
  },
};
