/**
 * The exec routes (moby daemon/server/router/container/exec.go).
 */
import { InvalidParameterError } from '../../errors.ts';
import type { ExecStartOptions } from '../../types/exec.ts';
import { stdStreamsOver, writeStreamError } from '../hijack.ts';
import { execCreateBody, execStartBody } from '../request-bodies.ts';
import { emptyResult, hijackResult, jsonResult } from '../result.ts';
import { route, type Route } from '../route.ts';
import { StdStream } from '../stdcopy.ts';
import type { ExecBackend } from './exec-backend.ts';

function consoleSize(size: number[] | undefined): [number, number] | undefined {
  if (!size || size.length === 0) return undefined;
  return [size[0] ?? 0, size[1] ?? 0];
}

export function execRoutes(backend: () => ExecBackend): Route[] {
  return [
    route('GET', '/exec/{id:.*}/json', async (ctx) => jsonResult(200, await backend().inspect(ctx.param('id')))),
    route('POST', '/containers/{name:.*}/exec', async (ctx) => {
      const config = (await ctx.readJson(execCreateBody)) ?? {};
      if (!config.Cmd || config.Cmd.length === 0) throw new InvalidParameterError('No exec command specified');
      if (ctx.below('1.42')) delete config.ConsoleSize;
      const id = await backend().create(ctx.param('name'), config);
      return jsonResult(201, { Id: id });
    }),
    route('POST', '/exec/{name:.*}/start', async (ctx) => {
      const request = (await ctx.readJson(execStartBody)) ?? {};
      const tty = request.Tty ?? false;
      const options: ExecStartOptions = { tty };
      const size = tty && ctx.atLeast('1.42') ? consoleSize(request.ConsoleSize) : undefined;
      if (size) options.consoleSize = size;
      const id = ctx.param('name');
      if (request.Detach) {
        await backend().startDetached(id, options);
        return emptyResult(200);
      }
      const session = await backend().start(id, options);
      return hijackResult({
        multiplexed: !tty,
        run: async (connection) => {
          try {
            await session.run(stdStreamsOver(connection, tty));
          } catch (error) {
            // dockerd writes exec failures after the hijack to stdout.
            await writeStreamError(connection, error, !tty, StdStream.Stdout);
          }
        },
      });
    }),
    route('POST', '/exec/{name:.*}/resize', async (ctx) => {
      const height = ctx.uint32('h', 'invalid resize height');
      const width = ctx.uint32('w', 'invalid resize width');
      await backend().resize(ctx.param('name'), height, width);
      return emptyResult(200);
    }),
  ];
}
