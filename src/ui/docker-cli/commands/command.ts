/**
 * The shape of one docker command: its flags and usage (a CommandSpec
 * without the path, which depends on how it was invoked: `docker ps` or
 * `docker container ls`), and the function that runs it.
 */
import { DockerApiError } from '../../../engine/client/client.ts';
import type { DockerApi } from '../api.ts';
import type { CommandSpec, ParsedFlags } from '../flags.ts';
import type { CliStreams } from '../io.ts';
import type { Workspace } from '../workspace.ts';

/** What a running command can use. */
export interface CommandContext {
  readonly api: DockerApi;
  readonly streams: CliStreams;
  /** The "local filesystem" of the page (build contexts, docker cp). */
  readonly workspace: Workspace;
  /** The command's spec with the path it was invoked by. */
  readonly spec: CommandSpec;
  /** Client version facts for `docker version`. */
  readonly client: ClientInfo;
}

export interface ClientInfo {
  readonly version: string;
  readonly apiVersion: string;
  readonly osArch: string;
}

/** A command: its spec minus the path, and how to run it (returns the exit status). */
export interface CommandDefinition extends Omit<CommandSpec, 'path'> {
  run(ctx: CommandContext, flags: ParsedFlags): Promise<number>;
}

/** The line the Go client prints for an error answer ("Error response from daemon: ..."), or the error's own text. */
export function errorLine(error: unknown): string {
  if (error instanceof DockerApiError) return `Error response from daemon: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `action` for each name, printing the name on success (stop, rm,
 * kill, pause...); errors are collected and printed at the end, one per
 * line, as the CLI does. Returns 1 if any failed.
 */
export async function forEachName(ctx: CommandContext, names: readonly string[], action: (name: string) => Promise<string | void>): Promise<number> {
  const errors: string[] = [];
  for (const name of names) {
    try {
      const printed = await action(name);
      ctx.streams.out(`${printed ?? name}\n`);
    } catch (error) {
      errors.push(errorLine(error));
    }
  }
  if (errors.length > 0) {
    ctx.streams.err(`${errors.join('\n')}\n`);
    return 1;
  }
  return 0;
}
