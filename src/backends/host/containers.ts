/**
 * ContainersBackend over a real Docker engine: every call is the same API
 * call on the real engine (containers run natively there). The real
 * engine resolves names and writes every error message; this module only
 * turns the router's parsed options back into the API's query and body.
 */
import { decodeBase64 } from '../../engine/api/base64.ts';
import type { StreamSession } from '../../engine/api/hijack.ts';
import type { ContainersBackend, ContainerWaiter } from '../../engine/api/routers/container-backend.ts';
import type { DockerClient } from '../../engine/client/client.ts';
import { headerValue, hijacked } from '../../engine/client/client.ts';
import { NotModifiedError, SystemError } from '../../engine/errors.ts';
import type {
  ArchiveContent,
  ArchivePutOptions,
  ContainerAttachOptions,
  ContainerCreateOptions,
  ContainerCreateResponse,
  ContainerInspect,
  ContainerListOptions,
  ContainerLogs,
  ContainerLogsOptions,
  ContainerPruneReport,
  ContainerRemoveOptions,
  ContainerStatsOptions,
  ContainerStatsResponse,
  ContainerStopOptions,
  ContainerSummary,
  ContainerTopResponse,
  ContainerUpdateRequest,
  ContainerUpdateResponse,
  FilesystemChange,
  PathStat,
  WaitCondition,
} from '../../engine/types/container.ts';
import type { Filters } from '../../engine/types/filters.ts';
import { parseLogStream } from './log-parse.ts';
import { relaySession } from './session.ts';
import { forward, hostError, openIterable, unixTimestamp, withoutPrefix } from './upstream.ts';

const PATH_STAT_HEADER = 'X-Docker-Container-Path-Stat';

function decodePathStat(value: string | undefined): PathStat {
  if (value === undefined) throw new SystemError(`the host engine sent no ${PATH_STAT_HEADER} header`);
  return JSON.parse(new TextDecoder().decode(decodeBase64(value))) as PathStat;
}

export class HostContainersBackend implements ContainersBackend {
  /** @param client the real engine, at the API version the router serves. */
  constructor(private readonly client: DockerClient) {}

  /** Whether the container has a TTY: it decides the framing of logs and attach, as the real engine does. */
  private async hasTty(name: string): Promise<boolean> {
    const inspect = await forward(() => this.client.inspectContainer(name));
    return inspect.Config?.Tty ?? false;
  }

  list(options: ContainerListOptions): Promise<ContainerSummary[]> {
    return forward(() =>
      this.client.listContainers({ all: options.all, size: options.size, limit: options.limit || undefined, filters: options.filters.toJSON() }),
    );
  }

  create(options: ContainerCreateOptions): Promise<ContainerCreateResponse> {
    return forward(() => this.client.createContainerDetailed(options.config, { name: options.name, platform: options.platform }));
  }

  inspect(name: string, options: { size: boolean }): Promise<ContainerInspect> {
    return forward(() => this.client.inspectContainer(name, { size: options.size }));
  }

  async start(name: string): Promise<void> {
    if (!(await forward(() => this.client.startContainerChecked(name)))) throw new NotModifiedError('container already started');
  }

  async stop(name: string, options: ContainerStopOptions): Promise<void> {
    if (!(await forward(() => this.client.stopContainerChecked(name, options.timeout, options.signal)))) {
      throw new NotModifiedError('container already stopped');
    }
  }

  restart(name: string, options: ContainerStopOptions): Promise<void> {
    return forward(() => this.client.restartContainer(name, options.timeout, options.signal));
  }

  async kill(name: string, signal: string): Promise<void> {
    try {
      await this.client.killContainer(name, signal);
    } catch (error) {
      // The router adds "Cannot kill container: NAME: " as dockerd's router did for this message.
      throw withoutPrefix(hostError(error), `Cannot kill container: ${name}: `);
    }
  }

  pause(name: string): Promise<void> {
    return forward(() => this.client.pauseContainer(name));
  }

  unpause(name: string): Promise<void> {
    return forward(() => this.client.unpauseContainer(name));
  }

  async wait(name: string, condition: WaitCondition, signal: AbortSignal): Promise<ContainerWaiter> {
    const { result } = await forward(() => this.client.waitContainer(name, condition, signal));
    return { result: result.catch((error: unknown) => Promise.reject(hostError(error))) };
  }

  async attach(name: string, options: ContainerAttachOptions): Promise<StreamSession> {
    const tty = await this.hasTty(name);
    return relaySession(tty, (onOutput) =>
      forward(async () => {
        const attach = {
          stdin: options.stdin,
          stdout: options.stdout,
          stderr: options.stderr,
          logs: options.logs,
          stream: options.stream,
          detachKeys: options.detachKeys,
        };
        return hijacked(await this.client.attach(name, attach, onOutput));
      }),
    );
  }

  async logs(name: string, options: ContainerLogsOptions, signal: AbortSignal): Promise<ContainerLogs> {
    const tty = await this.hasTty(name);
    const { values } = await openIterable<Uint8Array>(
      (push) =>
        this.client.logsRaw(
          name,
          {
            stdout: options.stdout,
            stderr: options.stderr,
            follow: options.follow,
            timestamps: options.timestamps,
            details: options.details,
            since: unixTimestamp(options.since),
            until: unixTimestamp(options.until),
            tail: options.tail === undefined ? 'all' : String(options.tail),
          },
          (chunk) => push(chunk.slice()),
        ),
      signal,
    );
    return { tty, messages: parseLogStream(values, { multiplexed: !tty, timestamps: options.timestamps, details: options.details }) };
  }

  remove(name: string, options: ContainerRemoveOptions): Promise<void> {
    return forward(() => this.client.removeContainer(name, { force: options.force, volumes: options.removeVolumes, link: options.removeLink }));
  }

  resize(name: string, height: number, width: number): Promise<void> {
    return forward(() => this.client.resizeContainer(name, height, width));
  }

  async stats(name: string, options: ContainerStatsOptions, signal: AbortSignal): Promise<AsyncIterable<ContainerStatsResponse>> {
    const { values } = await openIterable<ContainerStatsResponse>(
      (push) => this.client.stats(name, { stream: options.stream, oneShot: options.oneShot }, (sample) => void push(sample)),
      signal,
    );
    return values;
  }

  top(name: string, psArgs: string): Promise<ContainerTopResponse> {
    return forward(() => this.client.topContainer(name, psArgs));
  }

  changes(name: string): Promise<FilesystemChange[]> {
    // dockerd answers null when nothing changed; the router writes the value as it is.
    return forward(() => this.client.containerChanges(name)) as Promise<FilesystemChange[]>;
  }

  async export(name: string, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
    const { values } = await openIterable<Uint8Array>((push) => this.client.exportContainer(name, (chunk) => push(chunk.slice())), signal);
    return values;
  }

  rename(name: string, newName: string): Promise<void> {
    return forward(() => this.client.renameContainer(name, newName));
  }

  update(name: string, update: ContainerUpdateRequest): Promise<ContainerUpdateResponse> {
    return forward(() => this.client.updateContainer(name, update));
  }

  prune(filters: Filters): Promise<ContainerPruneReport> {
    return forward(() => this.client.pruneContainers(filters.toJSON()));
  }

  async archiveStat(name: string, path: string): Promise<PathStat> {
    return decodePathStat(await forward(() => this.client.statContainerPath(name, path)));
  }

  async archiveGet(name: string, path: string, signal: AbortSignal): Promise<ArchiveContent> {
    const { handle, values } = await openIterable<Uint8Array>((push) => this.client.getArchive(name, path, (chunk) => push(chunk.slice())), signal);
    let stat: PathStat;
    try {
      stat = decodePathStat(headerValue(handle.headers, PATH_STAT_HEADER));
    } catch (error) {
      handle.cancel();
      throw error;
    }
    return { stat, tar: values };
  }

  archivePut(name: string, path: string, options: ArchivePutOptions, tar: AsyncIterable<Uint8Array>): Promise<void> {
    return forward(() =>
      this.client.putArchive(name, path, { noOverwriteDirNonDir: options.noOverwriteDirNonDir, copyUIDGID: options.copyUIDGID }, tar),
    );
  }
}
