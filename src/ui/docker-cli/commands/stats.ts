/**
 * `docker stats`: CPU %, memory, network and block I/O, PIDs per container,
 * computed from the engine's samples as the CLI computes them. With
 * --no-stream one table is printed; otherwise it is redrawn every second
 * until Ctrl-C.
 */
import type { ContainerStatsResponse, ContainerSummary } from '../../../engine/types/container.ts';
import { queryString, ref } from '../api.ts';
import { contextJson, FormatError, renderList } from '../format/list.ts';
import { STRUCT_TYPE } from '../format/template.ts';
import { truncateId } from '../format/text.ts';
import { bytesSize, humanSizeWithPrecision } from '../format/units.ts';
import { InterruptedError } from '../io.ts';
import type { CommandContext, CommandDefinition } from './command.ts';
import { errorLine } from './command.ts';
import { FORMAT_FLAG } from './images.ts';

/** The numbers of one stats row (the CLI's StatsEntry). */
export interface StatsEntry {
  id: string;
  name: string;
  cpuPercentage: number;
  memory: number;
  memoryLimit: number;
  memoryPercentage: number;
  networkRx: number;
  networkTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}

/** Computes a StatsEntry from one sample (calculateCPUPercentUnix, calculateMemUsageUnixNoCache, ...). */
export function statsEntry(id: string, s: ContainerStatsResponse): StatsEntry {
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  let online = s.cpu_stats?.online_cpus ?? 0;
  if (online === 0) online = s.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 0;
  const cpuPercentage = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * online * 100 : 0;
  const stats = s.memory_stats?.stats ?? {};
  const usage = s.memory_stats?.usage ?? 0;
  let memory = usage;
  const inactive = stats.total_inactive_file ?? stats.inactive_file;
  if (inactive !== undefined && inactive < usage) memory = usage - inactive;
  const memoryLimit = s.memory_stats?.limit ?? 0;
  let networkRx = 0;
  let networkTx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    networkRx += n.rx_bytes;
    networkTx += n.tx_bytes;
  }
  let blockRead = 0;
  let blockWrite = 0;
  for (const entry of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = entry.op.toLowerCase();
    if (op === 'read') blockRead += entry.value;
    if (op === 'write') blockWrite += entry.value;
  }
  return {
    id,
    name: (s.name ?? '').replace(/^\//, ''),
    cpuPercentage,
    memory,
    memoryLimit,
    memoryPercentage: memoryLimit !== 0 ? (memory / memoryLimit) * 100 : 0,
    networkRx,
    networkTx,
    blockRead,
    blockWrite,
    pids: s.pids_stats?.current ?? 0,
  };
}

class StatsRow {
  readonly [STRUCT_TYPE] = '*formatter.statsContext';
  constructor(
    private readonly s: StatsEntry,
    private readonly trunc: boolean,
  ) {}
  get ID(): string {
    return this.trunc ? truncateId(this.s.id) : this.s.id;
  }
  get Container(): string {
    return this.ID;
  }
  get Name(): string {
    return this.s.name || '--';
  }
  get CPUPerc(): string {
    return `${this.s.cpuPercentage.toFixed(2)}%`;
  }
  get MemUsage(): string {
    return `${bytesSize(this.s.memory)} / ${bytesSize(this.s.memoryLimit)}`;
  }
  get MemPerc(): string {
    return `${this.s.memoryPercentage.toFixed(2)}%`;
  }
  get NetIO(): string {
    return `${humanSizeWithPrecision(this.s.networkRx, 3)} / ${humanSizeWithPrecision(this.s.networkTx, 3)}`;
  }
  get BlockIO(): string {
    return `${humanSizeWithPrecision(this.s.blockRead, 3)} / ${humanSizeWithPrecision(this.s.blockWrite, 3)}`;
  }
  get PIDs(): string {
    return String(this.s.pids);
  }
  toJSON(): Record<string, unknown> {
    return contextJson(['BlockIO', 'CPUPerc', 'Container', 'ID', 'MemPerc', 'MemUsage', 'Name', 'NetIO', 'PIDs'], this as unknown as Record<string, unknown>);
  }
}

const STATS_TABLE = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
const STATS_HEADERS = { ID: 'CONTAINER ID', Container: 'CONTAINER', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS' };

async function sample(ctx: CommandContext, id: string): Promise<StatsEntry> {
  const s = await ctx.api.json<ContainerStatsResponse>('GET', `/containers/${ref(id)}/stats?stream=0`);
  return statsEntry(id, s);
}

export const statsCommand: CommandDefinition = {
  usage: '[OPTIONS] [CONTAINER...]',
  short: 'Display a live stream of container(s) resource usage statistics',
  aliases: 'docker container stats, docker stats',
  flags: [
    { name: 'all', short: 'a', type: 'bool', help: 'Show all containers (default shows just running)' },
    FORMAT_FLAG,
    { name: 'no-stream', type: 'bool', help: 'Disable streaming stats and only pull the first result' },
    { name: 'no-trunc', type: 'bool', help: 'Do not truncate output' },
  ],
  async run(ctx, flags) {
    const named = flags.args;
    const render = (entries: StatsEntry[]) =>
      renderList({ format: flags.string('format'), defaultTable: STATS_TABLE, headers: STATS_HEADERS }, entries.map((e) => new StatsRow(e, !flags.bool('no-trunc'))));
    const collect = async (): Promise<{ entries: StatsEntry[]; errors: string[] }> => {
      const errors: string[] = [];
      let ids: string[];
      if (named.length > 0) ids = named;
      else {
        const list = await ctx.api.json<ContainerSummary[]>('GET', `/containers/json${queryString({ all: flags.bool('all') })}`);
        ids = list.map((c) => c.Id);
      }
      const entries: StatsEntry[] = [];
      for (const id of ids) {
        try {
          const entry = await sample(ctx, id);
          // A named container is shown under the name the user typed when it is not an ID prefix.
          entries.push(named.length > 0 ? { ...entry, id: (await ctx.api.json<{ Id: string }>('GET', `/containers/${ref(id)}/json`)).Id } : entry);
        } catch (error) {
          errors.push(errorLine(error));
        }
      }
      return { entries, errors };
    };
    try {
      if (flags.bool('no-stream')) {
        const { entries, errors } = await collect();
        if (errors.length && named.length > 0) {
          ctx.streams.err(`${errors.join('\n')}\n`);
          return 1;
        }
        ctx.streams.out(render(entries));
        return 0;
      }
      let stopped = false;
      const stop = ctx.streams.onInterrupt(() => (stopped = true));
      try {
        while (!stopped) {
          const { entries, errors } = await collect();
          if (stopped) break;
          ctx.streams.out(`\x1b[2J\x1b[H${render(entries)}`);
          if (errors.length && named.length > 0 && entries.length === 0) {
            ctx.streams.err(`${errors.join('\n')}\n`);
            return 1;
          }
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      } finally {
        stop();
      }
      throw new InterruptedError();
    } catch (error) {
      if (error instanceof FormatError) {
        ctx.streams.err(`${error.message}\n`);
        return 1;
      }
      if (error instanceof InterruptedError) throw error;
      ctx.streams.err(`${errorLine(error)}\n`);
      return 1;
    }
  },
};
