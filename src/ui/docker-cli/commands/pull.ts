/**
 * `docker pull`, and the pull `docker run`/`docker create` do when the image
 * is missing: POST /images/create with the progress stream shown as the
 * CLI's jsonmessage does for a non-terminal (one line per status, progress
 * bars left out).
 */
import { ref } from '../api.ts';
import { parseReference } from '../reference.ts';
import type { CommandContext, CommandDefinition } from './command.ts';

/** One message of a progress stream (pull, push, build, load). */
export interface JsonMessage {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  error?: string;
  errorDetail?: { code?: number; message?: string };
  aux?: { ID?: string };
}

/** An error reported inside a progress stream. */
export class JsonMessageError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** The text jsonmessage prints for one message (non-terminal), or null when it prints nothing. */
export function displayMessage(message: JsonMessage): string | null {
  if (message.errorDetail || message.error) throw new JsonMessageError(message.errorDetail?.message ?? message.error ?? '', message.errorDetail?.code ?? 0);
  if (message.aux && !message.status && !message.stream) return null;
  if (message.progress && message.progress !== '') return null;
  if (message.stream !== undefined) return message.stream;
  if (message.status === undefined) return null;
  return `${message.id ? `${message.id}: ` : ''}${message.status}\n`;
}

/** The `fromImage` and `tag` query values the CLI sends for `image`. */
export function pullQuery(image: string): { fromImage: string; tag: string } | null {
  const parsed = parseReference(image);
  if (!parsed) return null;
  return { fromImage: parsed.repository, tag: parsed.digest ?? parsed.tag ?? 'latest' };
}

/** Pulls `image`, writing progress with `write`. Throws DockerApiError or JsonMessageError. */
export async function pullImage(ctx: CommandContext, image: string, write: (text: string) => void): Promise<void> {
  const query = pullQuery(image);
  if (!query) throw new Error(`invalid reference format`);
  let failure: JsonMessageError | null = null;
  const handle = await ctx.api.jsonStream<JsonMessage>(
    'POST',
    `/images/create?fromImage=${ref(query.fromImage)}&tag=${ref(query.tag)}`,
    (message) => {
      if (failure) return;
      try {
        const text = displayMessage(message);
        if (text !== null) write(text);
      } catch (error) {
        if (error instanceof JsonMessageError) failure = error;
        else throw error;
      }
    },
    { headers: { 'X-Registry-Auth': 'e30=' } },
  );
  await handle.done;
  if (failure) throw failure;
}

export const pullCommand: CommandDefinition = {
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  short: 'Download an image from a registry',
  aliases: 'docker image pull, docker pull',
  flags: [
    { name: 'all-tags', short: 'a', type: 'bool', help: 'Download all tagged images in the repository' },
    { name: 'platform', type: 'string', help: 'Set platform if server is multi-platform capable' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Suppress verbose output' },
  ],
  args: { exact: 1 },
  async run(ctx, flags) {
    const image = flags.args[0]!;
    const parsed = parseReference(image);
    if (!parsed) {
      ctx.streams.err(`invalid reference format\n`);
      return 1;
    }
    let target = image;
    if (!parsed.tag && !parsed.digest && !flags.bool('all-tags')) {
      ctx.streams.out('Using default tag: latest\n');
      target = `${image}:latest`;
    }
    const quiet = flags.bool('quiet');
    await pullImage(ctx, target, (text) => {
      if (!quiet) ctx.streams.out(text);
    });
    if (quiet) ctx.streams.out(`${parsed.repository}:${parsed.tag ?? 'latest'}\n`);
    return 0;
  },
};
