/**
 * The commands that connect the terminal to a container: run, create,
 * start, attach and exec. They follow the CLI's sequence of API calls
 * (create → attach → wait → start → resize → wait for the exit status) and
 * its error reporting ("docker: ...", exit 125/126/127).
 */
import { DockerApiError } from '../../../engine/client/client.ts';
import type { ContainerCreateRequest, ContainerInspect, ContainerWaitResponse } from '../../../engine/types/container.ts';
import type { ExecInspect } from '../../../engine/types/exec.ts';
import { queryString, ref } from '../api.ts';
import type { FlagSpec, ParsedFlags } from '../flags.ts';
import { goQuote } from '../format/text.ts';
import { StatusError } from '../io.ts';
import { withDefaultTag } from '../reference.ts';
import { DEFAULT_DETACH_KEYS, openSession, parseDetachKeys } from '../session.ts';
import type { Session } from '../session.ts';
import type { CommandContext, CommandDefinition } from './command.ts';
import { errorLine } from './command.ts';
import { buildCreateRequest, ContainerOptionError, CREATE_FLAGS } from './container-options.ts';
import { JsonMessageError, pullImage } from './pull.ts';

const NOT_A_TTY = 'the input device is not a TTY\n';

/** "docker: <message>\n\nRun 'docker run --help' for more information" (the CLI's reportError). */
function reportError(ctx: CommandContext, command: string, message: string): void {
  ctx.streams.err(`docker: ${message}\n\nRun 'docker ${command} --help' for more information\n`);
}

/** The CLI's runStartContainerErr: 127 for a missing executable, 126 for one that cannot run, else 125. */
export function startErrorStatus(message: string): number {
  if (message.includes('executable file not found') || message.includes('no such file or directory') || message.includes('system cannot find the file specified')) return 127;
  if (message.includes('permission denied') || message.includes('is a directory')) return 126;
  return 125;
}

function detachKeysOf(flags: ParsedFlags): { bytes: Uint8Array; spec: string } {
  const spec = flags.string('detach-keys');
  return { bytes: (spec && parseDetachKeys(spec)) || DEFAULT_DETACH_KEYS, spec };
}

/** Creates the container, pulling its image when it is missing (the CLI's createContainer). */
async function createContainer(ctx: CommandContext, request: ContainerCreateRequest, name: string, pull: string, quiet: boolean): Promise<string> {
  const image = request.Image ?? '';
  const create = async () =>
    (await ctx.api.json<{ Id: string; Warnings?: string[] | null }>('POST', `/containers/create${queryString({ name: name || undefined })}`, request));
  const doPull = async () => {
    await pullImage(ctx, withDefaultTag(image), (text) => {
      if (!quiet) ctx.streams.err(text);
    });
  };
  if (pull === 'always') await doPull();
  let response: { Id: string; Warnings?: string[] | null };
  try {
    response = await create();
  } catch (error) {
    if (!(error instanceof DockerApiError) || error.status !== 404 || pull !== 'missing' || !error.message.includes('image')) throw error;
    ctx.streams.err(`Unable to find image '${withDefaultTag(image)}' locally\n`);
    await doPull();
    response = await create();
  }
  for (const warning of response.Warnings ?? []) ctx.streams.err(`WARNING: ${warning}\n`);
  return response.Id;
}

/** Starts watching the terminal size for a TTY session; returns the stop function. */
function monitorTtySize(ctx: CommandContext, resize: (rows: number, cols: number) => Promise<unknown>): () => void {
  const terminal = ctx.streams.terminal;
  if (!terminal) return () => {};
  const { rows, cols } = terminal.size();
  void resize(rows, cols).catch(() => {});
  return terminal.onResize((size) => void resize(size.rows, size.cols).catch(() => {}));
}

/**
 * Without a TTY, Ctrl-C is sent to the container as SIGINT (--sig-proxy).
 * Three interrupts in a row leave the container running and give the
 * prompt back (a Drydock addition: in a browser tab there is no second
 * terminal to stop a container that ignores SIGINT).
 */
function proxySignals(ctx: CommandContext, id: string, onGiveUp: () => void): () => void {
  let count = 0;
  return ctx.streams.onInterrupt(() => {
    count++;
    void ctx.api.raw('POST', `/containers/${ref(id)}/kill?signal=SIGINT`).catch(() => {});
    if (count >= 3) {
      ctx.streams.err(`\nGot 3 interrupts: the container keeps running (stop it with "docker stop ${id.slice(0, 12)}").\n`);
      onGiveUp();
    }
  });
}

/** Registers a wait (before the container starts); `result` settles with the exit status. */
async function waitFor(ctx: CommandContext, id: string, condition: string): Promise<{ result: Promise<number> }> {
  let body = '';
  const handle = await ctx.api.stream('POST', `/containers/${ref(id)}/wait?condition=${condition}`, (chunk) => (body += new TextDecoder().decode(chunk)));
  const result = handle.done.then(() => {
    const response = JSON.parse(body) as ContainerWaitResponse;
    if (response.Error?.Message) {
      // The CLI reports this through logrus, whose text format this is.
      const time = new Date(ctx.streams.now()).toISOString().replace(/\.\d+Z$/, 'Z');
      ctx.streams.err(`time="${time}" level=error msg=${goQuote(`Error waiting for container: ${response.Error.Message}`)}\n`);
      return 125;
    }
    return response.StatusCode;
  });
  result.catch(() => {});
  return { result };
}

const RUN_ONLY_FLAGS: FlagSpec[] = [
  { name: 'detach', short: 'd', type: 'bool', help: 'Run container in background and print container ID' },
  { name: 'detach-keys', type: 'string', help: 'Override the key sequence for detaching a container' },
  { name: 'sig-proxy', type: 'bool', help: 'Proxy received signals to the process', defaultValue: 'true' },
];

async function runOrCreate(ctx: CommandContext, flags: ParsedFlags, mode: 'run' | 'create'): Promise<number> {
  const [image, ...command] = flags.args as [string, ...string[]];
  const detach = mode === 'create' || flags.bool('detach');
  const pull = flags.string('pull', 'missing');
  if (!['always', 'missing', 'never'].includes(pull)) {
    reportError(ctx, mode, `invalid pull option: '${pull}': must be one of "always", "missing" or "never"`);
    return 125;
  }
  if (mode === 'run' && flags.bool('detach') && flags.list('attach').length > 0) {
    ctx.streams.err('conflicting options: cannot specify both --attach and --detach\n');
    return 1;
  }
  let request: ContainerCreateRequest;
  try {
    request = buildCreateRequest(flags, image, command, {
      detach: mode === 'run' ? detach : false,
      ...(ctx.streams.terminal ? { consoleSize: ctx.streams.terminal.size() } : {}),
    });
  } catch (error) {
    if (error instanceof ContainerOptionError) {
      reportError(ctx, mode, error.message);
      return 125;
    }
    throw error;
  }
  if (mode === 'create') {
    // docker create keeps the attach flags as given (it does not run the container).
    // docker create returns the error itself: "Error response from daemon: ...", status 1.
    try {
      const id = await createContainer(ctx, request, flags.string('name'), pull, flags.bool('quiet'));
      ctx.streams.out(`${id}\n`);
      return 0;
    } catch (error) {
      ctx.streams.err(`${error instanceof JsonMessageError ? error.message : errorLine(error)}\n`);
      return 1;
    }
  }

  const tty = request.Tty === true;
  if (!detach && request.AttachStdin && tty && !ctx.streams.terminal) {
    ctx.streams.err(NOT_A_TTY);
    return 1;
  }
  let id: string;
  try {
    id = await createContainer(ctx, request, flags.string('name'), pull, flags.bool('quiet'));
  } catch (error) {
    const message = error instanceof JsonMessageError ? error.message : errorLine(error);
    reportError(ctx, mode, message);
    return startErrorStatus(message);
  }

  const attach = request.AttachStdin || request.AttachStdout || request.AttachStderr;
  let session: Session | null = null;
  const keys = detachKeysOf(flags);
  if (attach) {
    session = await openSession(ctx.streams, {
      tty,
      stdin: request.AttachStdin === true,
      stdout: request.AttachStdout === true,
      stderr: request.AttachStderr === true,
      detachKeys: keys.bytes,
      open: (onOutput) =>
        ctx.api.hijack(
          'POST',
          `/containers/${ref(id)}/attach${queryString({ detachKeys: keys.spec || undefined, stderr: request.AttachStderr, stdin: request.AttachStdin, stdout: request.AttachStdout, stream: true })}`,
          onOutput,
        ),
    });
  }
  const autoRemove = request.HostConfig?.AutoRemove === true;
  const status = (await waitFor(ctx, id, autoRemove ? 'removed' : 'next-exit')).result;

  try {
    await ctx.api.raw('POST', `/containers/${ref(id)}/start`);
  } catch (error) {
    if (session) {
      session.handle.closeWrite();
      await Promise.race([session.finished, new Promise((resolve) => setTimeout(resolve, 200))]);
    }
    const message = errorLine(error);
    reportError(ctx, mode, message);
    if (autoRemove) await status.catch(() => 0);
    return startErrorStatus(message);
  }

  if (!attach) {
    ctx.streams.out(`${id}\n`);
    return 0;
  }
  const stopResize = tty ? monitorTtySize(ctx, (rows, cols) => ctx.api.raw('POST', `/containers/${ref(id)}/resize?h=${rows}&w=${cols}`)) : () => {};
  let giveUp!: () => void;
  const gaveUp = new Promise<'gave-up'>((resolve) => (giveUp = () => resolve('gave-up')));
  const sigProxy = flags.has('sig-proxy') ? flags.bool('sig-proxy') : true;
  const stopSignals = !tty && sigProxy ? proxySignals(ctx, id, giveUp) : () => {};
  try {
    const outcome = await Promise.race([session!.finished, gaveUp]);
    if (outcome === 'gave-up') return 130;
    if (outcome.detached) return 0;
    return await Promise.race([status, gaveUp.then(() => 130)]);
  } finally {
    stopResize();
    stopSignals();
  }
}

export const runCommand: CommandDefinition = {
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  short: 'Create and run a new container from an image',
  aliases: 'docker container run, docker run',
  flags: [...CREATE_FLAGS, ...RUN_ONLY_FLAGS],
  stopAtFirstArg: true,
  args: { min: 1 },
  run: (ctx, flags) => runOrCreate(ctx, flags, 'run'),
};

export const createCommand: CommandDefinition = {
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  short: 'Create a new container',
  aliases: 'docker container create, docker create',
  flags: CREATE_FLAGS,
  stopAtFirstArg: true,
  args: { min: 1 },
  run: (ctx, flags) => runOrCreate(ctx, flags, 'create'),
};

// ------------------------------------------------------------------ start, attach

async function attachAndWait(ctx: CommandContext, container: ContainerInspect, options: { stdin: boolean; keys: { bytes: Uint8Array; spec: string }; start: boolean }): Promise<number> {
  const tty = container.Config.Tty === true;
  const id = container.Id;
  const session = await openSession(ctx.streams, {
    tty,
    stdin: options.stdin,
    stdout: true,
    stderr: true,
    detachKeys: options.keys.bytes,
    open: (onOutput) =>
      ctx.api.hijack('POST', `/containers/${ref(id)}/attach${queryString({ detachKeys: options.keys.spec || undefined, stderr: true, stdin: options.stdin, stdout: true, stream: true })}`, onOutput),
  });
  const status = (await waitFor(ctx, id, options.start ? 'next-exit' : 'not-running')).result;
  if (options.start) {
    try {
      await ctx.api.raw('POST', `/containers/${ref(id)}/start`);
    } catch (error) {
      session.handle.closeWrite();
      throw error;
    }
  }
  const stopResize = tty ? monitorTtySize(ctx, (rows, cols) => ctx.api.raw('POST', `/containers/${ref(id)}/resize?h=${rows}&w=${cols}`)) : () => {};
  let stopSignals = () => {};
  let giveUp!: () => void;
  const gaveUp = new Promise<'gave-up'>((resolve) => (giveUp = () => resolve('gave-up')));
  if (!tty) stopSignals = proxySignals(ctx, id, giveUp);
  try {
    const outcome = await Promise.race([session.finished, gaveUp]);
    if (outcome === 'gave-up') return 130;
    if (outcome.detached) {
      if (options.start) return 0;
      throw new StatusError(1, 'read escape sequence');
    }
    return await Promise.race([status, gaveUp.then(() => 130)]);
  } finally {
    stopResize();
    stopSignals();
  }
}

export const startCommand: CommandDefinition = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Start one or more stopped containers',
  aliases: 'docker container start, docker start',
  flags: [
    { name: 'attach', short: 'a', type: 'bool', help: 'Attach STDOUT/STDERR and forward signals' },
    { name: 'detach-keys', type: 'string', help: 'Override the key sequence for detaching a container' },
    { name: 'interactive', short: 'i', type: 'bool', help: "Attach container's STDIN" },
  ],
  args: { min: 1 },
  async run(ctx, flags) {
    const names = flags.args;
    if (flags.bool('attach') || flags.bool('interactive')) {
      if (names.length > 1) {
        ctx.streams.err('you cannot start and attach multiple containers at once\n');
        return 1;
      }
      const container: ContainerInspect = await ctx.api.json<ContainerInspect>('GET', `/containers/${ref(names[0]!)}/json`);
      const stdin = flags.bool('interactive') && container.Config.OpenStdin === true;
      if (stdin && container.Config.Tty && !ctx.streams.terminal) {
        ctx.streams.err(NOT_A_TTY);
        return 1;
      }
      try {
        return await attachAndWait(ctx, container, { stdin, keys: detachKeysOf(flags), start: true });
      } catch (error) {
        if (error instanceof StatusError) throw error;
        ctx.streams.err(`${errorLine(error)}\n`);
        return 1;
      }
    }
    const failed: string[] = [];
    const errors: string[] = [];
    for (const name of names) {
      try {
        await ctx.api.raw('POST', `/containers/${ref(name)}/start`);
        ctx.streams.out(`${name}\n`);
      } catch (error) {
        errors.push(errorLine(error));
        failed.push(name);
      }
    }
    if (failed.length > 0) {
      ctx.streams.err(`${errors.join('\n')}\nError: failed to start containers: ${failed.join(', ')}\n`);
      return 1;
    }
    return 0;
  },
};

export const attachCommand: CommandDefinition = {
  usage: '[OPTIONS] CONTAINER',
  short: 'Attach local standard input, output, and error streams to a running container',
  aliases: 'docker container attach, docker attach',
  flags: [
    { name: 'detach-keys', type: 'string', help: 'Override the key sequence for detaching a container' },
    { name: 'no-stdin', type: 'bool', help: 'Do not attach STDIN' },
    { name: 'sig-proxy', type: 'bool', help: 'Proxy all received signals to the process', defaultValue: 'true' },
  ],
  args: { exact: 1 },
  async run(ctx, flags) {
    const container: ContainerInspect = await ctx.api.json<ContainerInspect>('GET', `/containers/${ref(flags.args[0]!)}/json`);
    const state = container.State;
    const refusal = !state.Running
      ? 'cannot attach to a stopped container, start it first'
      : state.Paused
        ? 'cannot attach to a paused container, unpause it first'
        : state.Restarting
          ? 'cannot attach to a restarting container, wait until it is running'
          : null;
    if (refusal) {
      ctx.streams.err(`${refusal}\n`);
      return 1;
    }
    const stdin = !flags.bool('no-stdin') && container.Config.OpenStdin === true;
    if (stdin && container.Config.Tty && !ctx.streams.terminal) {
      ctx.streams.err(NOT_A_TTY);
      return 1;
    }
    return attachAndWait(ctx, container, { stdin, keys: detachKeysOf(flags), start: false });
  },
};

// ------------------------------------------------------------------ exec

export const execCommand: CommandDefinition = {
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  short: 'Execute a command in a running container',
  aliases: 'docker container exec, docker exec',
  flags: [
    { name: 'detach', short: 'd', type: 'bool', help: 'Detached mode: run command in the background' },
    { name: 'detach-keys', type: 'string', help: 'Override the key sequence for detaching a container' },
    { name: 'env', short: 'e', type: 'list', help: 'Set environment variables' },
    { name: 'interactive', short: 'i', type: 'bool', help: 'Keep STDIN open even if not attached' },
    { name: 'privileged', type: 'bool', help: 'Give extended privileges to the command' },
    { name: 'tty', short: 't', type: 'bool', help: 'Allocate a pseudo-TTY' },
    { name: 'user', short: 'u', type: 'string', help: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
    { name: 'workdir', short: 'w', type: 'string', help: 'Working directory inside the container' },
  ],
  stopAtFirstArg: true,
  args: { min: 2 },
  async run(ctx, flags) {
    const [container, ...cmd] = flags.args as [string, ...string[]];
    const detach = flags.bool('detach');
    const tty = flags.bool('tty');
    const interactive = flags.bool('interactive');
    await ctx.api.raw('GET', `/containers/${ref(container)}/json`);
    if (!detach && interactive && tty && !ctx.streams.terminal) {
      ctx.streams.err(NOT_A_TTY);
      return 1;
    }
    const size = tty && ctx.streams.terminal ? ctx.streams.terminal.size() : null;
    const keys = detachKeysOf(flags);
    const config = {
      User: flags.string('user'),
      Privileged: flags.bool('privileged'),
      Tty: tty,
      AttachStdin: !detach && interactive,
      AttachStderr: !detach,
      AttachStdout: !detach,
      DetachKeys: keys.spec,
      Env: flags.list('env'),
      WorkingDir: flags.string('workdir'),
      Cmd: cmd,
      ...(size ? { ConsoleSize: [size.rows, size.cols] } : {}),
    };
    const execId = (await ctx.api.json<{ Id: string }>('POST', `/containers/${ref(container)}/exec`, config)).Id;
    if (detach) {
      await ctx.api.raw('POST', `/exec/${execId}/start`, { json: { Detach: true, Tty: tty, ...(size ? { ConsoleSize: [size.rows, size.cols] } : {}) } });
      return 0;
    }
    const session: Session = await openSession(ctx.streams, {
      tty,
      stdin: interactive,
      stdout: true,
      stderr: true,
      detachKeys: keys.bytes,
      open: (onOutput) => ctx.api.hijack('POST', `/exec/${execId}/start`, onOutput, { Detach: false, Tty: tty, ...(size ? { ConsoleSize: [size.rows, size.cols] } : {}) }),
    });
    const stopResize = tty ? monitorTtySize(ctx, (rows, cols) => ctx.api.raw('POST', `/exec/${execId}/resize?h=${rows}&w=${cols}`)) : () => {};
    try {
      const { detached } = await session.finished;
      if (detached) throw new StatusError(1, 'read escape sequence');
    } finally {
      stopResize();
    }
    const inspect = await ctx.api.json<ExecInspect>('GET', `/exec/${execId}/json`);
    return inspect.ExitCode ?? 0;
  },
};
