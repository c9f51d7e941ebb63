/**
 * The in-browser `docker` command: finds the command for `argv` (`docker
 * ps`, `docker container ls`, `docker volume create` ...), parses its
 * flags, runs it over the Docker API, and reports errors with the real
 * CLI's wording and exit statuses (125 for flag errors, 1 for argument
 * and daemon errors, the container's status for run/start/exec).
 */
import type { DockerClient } from '../../engine/client/client.ts';
import { DockerApi } from './api.ts';
import type { ClientInfo, CommandDefinition } from './commands/command.ts';
import { errorLine } from './commands/command.ts';
import { buildCommand } from './commands/build.ts';
import {
  commitCommand,
  containerPruneCommand,
  diffCommand,
  killCommand,
  logsCommand,
  pauseCommand,
  portCommand,
  renameCommand,
  restartCommand,
  rmCommand,
  stopCommand,
  topCommand,
  unpauseCommand,
  waitCommand,
} from './commands/containers.ts';
import { cpCommand } from './commands/cp.ts';
import { historyCommand, imagePruneCommand, imagesCommand, rmiCommand, tagCommand } from './commands/images.ts';
import { containerInspectCommand, imageInspectCommand, inspectCommand, networkInspectCommand, volumeInspectCommand } from './commands/inspect.ts';
import { psCommand } from './commands/ps.ts';
import { pullCommand } from './commands/pull.ts';
import { attachCommand, createCommand, execCommand, runCommand, startCommand } from './commands/run.ts';
import { statsCommand } from './commands/stats.ts';
import { eventsCommand, infoCommand, systemDfCommand, systemPruneCommand, versionCommand } from './commands/system.ts';
import {
  networkConnectCommand,
  networkCreateCommand,
  networkDisconnectCommand,
  networkLsCommand,
  networkRmCommand,
  volumeCreateCommand,
  volumeLsCommand,
  volumePruneCommand,
  volumeRmCommand,
} from './commands/volumes-networks.ts';
import { checkArgs, commandHelp, parseFlags, usageLine, UsageError } from './flags.ts';
import type { CommandSpec } from './flags.ts';
import { InterruptedError, StatusError } from './io.ts';
import type { CliStreams } from './io.ts';
import { MemoryWorkspace } from './workspace.ts';
import type { Workspace } from './workspace.ts';

/** The top-level commands, in the order `docker --help` lists them. */
const COMMON: Record<string, CommandDefinition> = {
  run: runCommand,
  exec: execCommand,
  ps: psCommand,
  build: buildCommand,
  pull: pullCommand,
  images: imagesCommand,
  version: versionCommand,
  info: infoCommand,
};

const OTHER: Record<string, CommandDefinition> = {
  attach: attachCommand,
  commit: commitCommand,
  cp: cpCommand,
  create: createCommand,
  diff: diffCommand,
  events: eventsCommand,
  history: historyCommand,
  inspect: inspectCommand,
  kill: killCommand,
  logs: logsCommand,
  pause: pauseCommand,
  port: portCommand,
  rename: renameCommand,
  restart: restartCommand,
  rm: rmCommand,
  rmi: rmiCommand,
  start: startCommand,
  stats: statsCommand,
  stop: stopCommand,
  tag: tagCommand,
  top: topCommand,
  unpause: unpauseCommand,
  wait: waitCommand,
};

interface Group {
  readonly short: string;
  readonly commands: Record<string, CommandDefinition>;
  /** Alternative names of subcommands (`ls` is also `list`). */
  readonly aliases: Record<string, string>;
}

const GROUPS: Record<string, Group> = {
  container: {
    short: 'Manage containers',
    commands: {
      attach: attachCommand,
      commit: commitCommand,
      cp: cpCommand,
      create: createCommand,
      diff: diffCommand,
      exec: execCommand,
      inspect: containerInspectCommand,
      kill: killCommand,
      logs: logsCommand,
      ls: psCommand,
      pause: pauseCommand,
      port: portCommand,
      prune: containerPruneCommand,
      rename: renameCommand,
      restart: restartCommand,
      rm: rmCommand,
      run: runCommand,
      start: startCommand,
      stats: statsCommand,
      stop: stopCommand,
      top: topCommand,
      unpause: unpauseCommand,
      wait: waitCommand,
    },
    aliases: { list: 'ls', ps: 'ls', remove: 'rm' },
  },
  image: {
    short: 'Manage images',
    commands: { build: buildCommand, history: historyCommand, inspect: imageInspectCommand, ls: imagesCommand, prune: imagePruneCommand, pull: pullCommand, rm: rmiCommand, tag: tagCommand },
    aliases: { list: 'ls', remove: 'rm' },
  },
  network: {
    short: 'Manage networks',
    commands: { connect: networkConnectCommand, create: networkCreateCommand, disconnect: networkDisconnectCommand, inspect: networkInspectCommand, ls: networkLsCommand, rm: networkRmCommand },
    aliases: { list: 'ls', remove: 'rm' },
  },
  system: {
    short: 'Manage Docker',
    commands: { df: systemDfCommand, events: eventsCommand, info: infoCommand, prune: systemPruneCommand },
    aliases: {},
  },
  volume: {
    short: 'Manage volumes',
    commands: { create: volumeCreateCommand, inspect: volumeInspectCommand, ls: volumeLsCommand, prune: volumePruneCommand, rm: volumeRmCommand },
    aliases: { list: 'ls', remove: 'rm' },
  },
};

const SUBCOMMAND_SHORT: Record<string, Record<string, string>> = {
  container: { inspect: 'Display detailed information on one or more containers', ls: 'List containers', prune: 'Remove all stopped containers' },
  image: { inspect: 'Display detailed information on one or more images', ls: 'List images', prune: 'Remove unused images', rm: 'Remove one or more images', tag: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE' },
};

function list(entries: [string, string][]): string {
  return entries.map(([name, short]) => `  ${name.padEnd(11)} ${short}\n`).join('');
}

/** `docker --help`. */
export function mainHelp(): string {
  return (
    'Usage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n\n' +
    `Common Commands:\n${list(Object.entries(COMMON).map(([n, c]) => [n, c.short]))}\n` +
    `Management Commands:\n${list(Object.entries(GROUPS).map(([n, g]) => [n, g.short]))}\n` +
    `Commands:\n${list(Object.entries(OTHER).map(([n, c]) => [n, c.short]))}\n` +
    'Global Options:\n  -v, --version            Print version information and quit\n\n' +
    "Run 'docker COMMAND --help' for more information on a command.\n"
  );
}

function groupHelp(name: string, group: Group): string {
  const shorts = SUBCOMMAND_SHORT[name] ?? {};
  const entries = Object.entries(group.commands).map(([sub, c]): [string, string] => [sub, shorts[sub] ?? c.short]);
  return `Usage:  docker ${name} COMMAND\n\n${group.short}\n\nCommands:\n${list(entries)}\nRun 'docker ${name} COMMAND --help' for more information on a command.\n`;
}

export interface DockerCliOptions {
  readonly client: DockerClient;
  /** The "local filesystem" for build contexts and docker cp (default: an empty one). */
  readonly workspace?: Workspace;
  readonly clientInfo?: Partial<ClientInfo>;
  /** Terminal width for help text (80 when not a terminal). */
  readonly columns?: () => number;
}

/** The docker command. One instance serves a whole terminal session. */
export class DockerCli {
  readonly api: DockerApi;
  readonly workspace: Workspace;
  private readonly clientInfo: ClientInfo;

  constructor(private readonly options: DockerCliOptions) {
    this.api = new DockerApi(options.client);
    this.workspace = options.workspace ?? new MemoryWorkspace();
    this.clientInfo = { version: '0.1.0', apiVersion: '1.47', osArch: 'browser/wasm32', ...options.clientInfo };
  }

  /** Names `docker <TAB>` could complete: commands and management groups. */
  commandNames(): string[] {
    return [...Object.keys(COMMON), ...Object.keys(GROUPS), ...Object.keys(OTHER)].sort();
  }

  /** Runs `docker argv...`; resolves with the exit status. Never throws. */
  async run(argv: readonly string[], streams: CliStreams): Promise<number> {
    try {
      return await this.dispatch(argv, streams);
    } catch (error) {
      if (error instanceof InterruptedError) return 130;
      if (error instanceof StatusError) {
        if (error.message) streams.err(`${error.message}\n`);
        return error.status;
      }
      // An error a command did not handle: printed as the Go CLI prints it ("Error response from daemon: ...").
      streams.err(`${errorLine(error)}\n`);
      return 1;
    }
  }

  private async dispatch(argv: readonly string[], streams: CliStreams): Promise<number> {
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h') {
      streams.out(mainHelp());
      return 0;
    }
    if (first === '-v' || first === '--version') {
      streams.out(`Docker version ${this.clientInfo.version}, build drydock\n`);
      return 0;
    }
    if (first === 'help') {
      if (rest.length === 0) {
        streams.out(mainHelp());
        return 0;
      }
      return this.dispatch([...rest, '--help'], streams);
    }
    if (first.startsWith('-')) {
      streams.err(`unknown flag: ${first}\nSee 'docker --help'.\n`);
      return 125;
    }
    const group = GROUPS[first];
    if (group) {
      const [sub, ...subArgs] = rest;
      if (sub === undefined || sub === '--help' || sub === '-h') {
        streams.out(groupHelp(first, group));
        return 0;
      }
      const name = group.aliases[sub] ?? sub;
      const command = group.commands[name];
      if (!command) {
        streams.err(`docker: unknown command: docker ${first} ${sub}\n\nUsage:  docker ${first} COMMAND\n\nRun 'docker ${first} --help' for more information\n`);
        return 1;
      }
      const short = SUBCOMMAND_SHORT[first]?.[name] ?? command.short;
      return this.runCommand({ ...command, short }, `${first} ${sub}`, subArgs, streams);
    }
    const command = COMMON[first] ?? OTHER[first];
    if (!command) {
      streams.err(`docker: unknown command: docker ${first}\n\nRun 'docker --help' for more information\n`);
      return 1;
    }
    return this.runCommand(command, first, rest, streams);
  }

  private async runCommand(command: CommandDefinition, path: string, argv: readonly string[], streams: CliStreams): Promise<number> {
    const spec: CommandSpec = { ...command, path };
    const flagError = (error: UsageError) => {
      streams.err(`${error.message}\n\n${usageLine(spec)}\n\nRun 'docker ${path} --help' for more information\n`);
      return 125;
    };
    let flags;
    try {
      flags = parseFlags(spec, argv);
    } catch (error) {
      if (error instanceof UsageError) return flagError(error);
      throw error;
    }
    if (flags.help) {
      if (flags.helpShorthand) streams.out('Flag shorthand -h has been deprecated, use --help\n');
      streams.out(commandHelp(spec, this.options.columns?.() ?? 80));
      return 0;
    }
    const argsError = checkArgs(spec, flags.args.length);
    if (argsError) {
      const run = argsError.see ? 'See' : argsError.brokenPrefix ? 'SRun' : 'Run';
      streams.err(`docker: ${argsError.message}\n\n${usageLine(spec)}\n\n${run} 'docker ${path} --help' for more information\n`);
      return 1;
    }
    try {
      return await command.run({ api: this.api, streams, workspace: this.workspace, spec, client: this.clientInfo }, flags);
    } catch (error) {
      if (error instanceof UsageError) return flagError(error);
      throw error;
    }
  }
}
