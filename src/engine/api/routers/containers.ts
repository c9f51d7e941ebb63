/**
 * The container router (moby daemon/server/router/container): each handler
 * parses the request, makes one backend call, and describes the response.
 */
import { utf8 } from '../../../common/bytes.ts';
import { InvalidParameterError, NotImplementedError, wrapError } from '../../errors.ts';
import type { ContainerWaitResponse, PathStat, WaitCondition } from '../../types/container.ts';
import { encodeBase64 } from '../base64.ts';
import type { RequestContext } from '../context.ts';
import { stdStreamsOver, writeStreamError } from '../hijack.ts';
import { jsonLine } from '../json.ts';
import { jsonLines } from '../json-stream.ts';
import { formatLogStream } from '../log-stream.ts';
import { containerCreateBody, containerUpdateBody } from '../request-bodies.ts';
import {
  emptyResult,
  hijackResult,
  jsonResult,
  MediaType,
  streamResult,
  type ApiResult,
} from '../result.ts';
import { route, type Route } from '../route.ts';
import { StdStream } from '../stdcopy.ts';
import { parseUnixTimestamp } from '../timestamp.ts';
import { CONTAINER_LIST_FILTERS, CONTAINER_PRUNE_FILTERS, type ContainersBackend } from './container-backend.ts';

/** The header carrying a path's stat in the archive endpoints. */
export const PATH_STAT_HEADER = 'X-Docker-Container-Path-Stat';

const WAIT_CONDITIONS: readonly WaitCondition[] = ['not-running', 'next-exit', 'removed'];

/** The path-stat header value: base64 of the stat's JSON. */
export function encodePathStat(stat: PathStat): string {
  return encodeBase64(utf8(JSON.stringify(stat)));
}

function archivePath(ctx: RequestContext): string {
  const path = ctx.str('path');
  if (path === '') throw new InvalidParameterError('bad parameter: path cannot be empty');
  return path;
}

function stopOptions(ctx: RequestContext): { signal?: string; timeout?: number } {
  return {
    signal: ctx.atLeast('1.42') && ctx.str('signal') !== '' ? ctx.str('signal') : undefined,
    timeout: ctx.int('t'),
  };
}

export function containerRoutes(backend: () => ContainersBackend): Route[] {
  const wait = async (ctx: RequestContext): Promise<ApiResult> => {
    let condition: WaitCondition = 'not-running';
    const requested = ctx.str('condition');
    if (requested !== '') {
      if (!WAIT_CONDITIONS.includes(requested as WaitCondition)) {
        throw new InvalidParameterError(`invalid condition: ${JSON.stringify(requested)}`);
      }
      condition = requested as WaitCondition;
    }
    const waiter = await backend().wait(ctx.param('name'), condition, ctx.signal);
    async function* body(): AsyncIterable<Uint8Array> {
      let response: ContainerWaitResponse;
      try {
        response = await waiter.result;
      } catch (error) {
        response = { Error: { Message: (error as Error).message ?? String(error) }, StatusCode: -1 };
      }
      yield jsonLine(response);
    }
    // Headers go out at once: the Go client waits for them before /start.
    return streamResult({ body: body(), contentType: MediaType.json, flush: 'immediately' });
  };

  const logs = async (ctx: RequestContext): Promise<ApiResult> => {
    const stdout = ctx.bool('stdout');
    const stderr = ctx.bool('stderr');
    if (!stdout && !stderr) throw new InvalidParameterError('Bad parameters: you must choose at least one stream');
    const tailText = ctx.str('tail');
    const tail = /^\d+$/.test(tailText) ? Number(tailText) : undefined;
    const options = {
      stdout,
      stderr,
      follow: ctx.bool('follow'),
      timestamps: ctx.bool('timestamps'),
      details: ctx.bool('details'),
      since: parseUnixTimestamp(ctx.query.get('since')),
      until: parseUnixTimestamp(ctx.query.get('until')),
      tail,
    };
    const { tty, messages } = await backend().logs(ctx.param('name'), options, ctx.signal);
    const multiplexed = !tty;
    return streamResult({
      body: formatLogStream(messages, { multiplexed, ...options }),
      contentType: multiplexed && ctx.atLeast('1.42') ? MediaType.multiplexedStream : MediaType.rawStream,
      flush: 'immediately',
    });
  };

  const stats = async (ctx: RequestContext): Promise<ApiResult> => {
    const stream = ctx.boolOr('stream', true);
    const oneShot = ctx.atLeast('1.41') ? ctx.boolOr('one-shot', false) : false;
    const samples = await backend().stats(ctx.param('name'), { stream, oneShot }, ctx.signal);
    if (!stream) {
      for await (const sample of samples) return jsonResult(200, sample);
      throw new Error('stats backend returned no sample');
    }
    return streamResult({ body: jsonLines(samples), contentType: MediaType.json, flush: 'immediately' });
  };

  const attach = async (ctx: RequestContext): Promise<ApiResult> => {
    const session = await backend().attach(ctx.param('name'), {
      stdin: ctx.bool('stdin'),
      stdout: ctx.bool('stdout'),
      stderr: ctx.bool('stderr'),
      logs: ctx.bool('logs'),
      stream: ctx.bool('stream'),
      detachKeys: ctx.str('detachKeys'),
    });
    const multiplexed = !session.tty;
    return hijackResult({
      multiplexed,
      run: async (connection) => {
        try {
          await session.run(stdStreamsOver(connection, session.tty));
        } catch (error) {
          await writeStreamError(connection, wrapError(error, 'Error attaching'), multiplexed, StdStream.Systemerr);
        }
      },
    });
  };

  return [
    route('HEAD', '/containers/{name:.*}/archive', async (ctx) => {
      const stat = await backend().archiveStat(ctx.param('name'), archivePath(ctx));
      return emptyResult(200, { [PATH_STAT_HEADER]: encodePathStat(stat), 'Content-Type': MediaType.tar });
    }),
    route('GET', '/containers/json', async (ctx) => {
      const filters = ctx.filters(CONTAINER_LIST_FILTERS);
      const list = await backend().list({ all: ctx.bool('all'), size: ctx.bool('size'), limit: ctx.int('limit'), filters });
      return jsonResult(200, list);
    }),
    route('GET', '/containers/{name:.*}/export', async (ctx) => {
      const tar = await backend().export(ctx.param('name'), ctx.signal);
      return streamResult({ body: tar, contentType: 'application/octet-stream', flush: 'first-chunk' });
    }),
    route('GET', '/containers/{name:.*}/changes', async (ctx) => jsonResult(200, await backend().changes(ctx.param('name')))),
    route('GET', '/containers/{name:.*}/json', async (ctx) =>
      jsonResult(200, await backend().inspect(ctx.param('name'), { size: ctx.bool('size') })),
    ),
    route('GET', '/containers/{name:.*}/top', async (ctx) => jsonResult(200, await backend().top(ctx.param('name'), ctx.str('ps_args')))),
    route('GET', '/containers/{name:.*}/logs', logs),
    route('GET', '/containers/{name:.*}/stats', stats),
    route('GET', '/containers/{name:.*}/attach/ws', async () => {
      throw new NotImplementedError('attaching over a websocket is not supported by Drydock; use POST /containers/{id}/attach');
    }),
    route('GET', '/containers/{name:.*}/archive', async (ctx) => {
      const { stat, tar } = await backend().archiveGet(ctx.param('name'), archivePath(ctx), ctx.signal);
      return streamResult({
        body: tar,
        contentType: MediaType.tar,
        flush: 'first-chunk',
        headers: { [PATH_STAT_HEADER]: encodePathStat(stat) },
      });
    }),
    route('POST', '/containers/create', async (ctx) => {
      const config = await ctx.readJson(containerCreateBody);
      if (config === undefined) throw new InvalidParameterError('invalid JSON: got EOF while reading request body');
      const platform = ctx.atLeast('1.41') ? ctx.str('platform') : '';
      return jsonResult(201, await backend().create({ name: ctx.str('name'), platform, config }));
    }),
    route('POST', '/containers/{name:.*}/kill', async (ctx) => {
      const name = ctx.param('name');
      try {
        await backend().kill(name, ctx.str('signal'));
      } catch (error) {
        throw wrapError(error, `Cannot kill container: ${name}`);
      }
      return emptyResult(204);
    }),
    route('POST', '/containers/{name:.*}/pause', async (ctx) => {
      await backend().pause(ctx.param('name'));
      return emptyResult(204);
    }),
    route('POST', '/containers/{name:.*}/unpause', async (ctx) => {
      await backend().unpause(ctx.param('name'));
      return emptyResult(204);
    }),
    route('POST', '/containers/{name:.*}/restart', async (ctx) => {
      await backend().restart(ctx.param('name'), stopOptions(ctx));
      return emptyResult(204);
    }),
    route('POST', '/containers/{name:.*}/start', async (ctx) => {
      // A non-nil JSON object is at least 7 bytes; start configs in the body were removed in 1.24.
      const length = Number(ctx.header('content-length') ?? '0');
      if (length > 7 || ctx.header('transfer-encoding') !== undefined) {
        throw new InvalidParameterError(
          'starting container with non-empty request body was deprecated since API v1.22 and removed in v1.24',
        );
      }
      await backend().start(ctx.param('name'));
      return emptyResult(204);
    }),
    route('POST', '/containers/{name:.*}/stop', async (ctx) => {
      await backend().stop(ctx.param('name'), stopOptions(ctx));
      return emptyResult(204);
    }),
    route('POST', '/containers/{name:.*}/wait', wait),
    route('POST', '/containers/{name:.*}/resize', async (ctx) => {
      const height = ctx.uint32('h', 'invalid resize height');
      const width = ctx.uint32('w', 'invalid resize width');
      await backend().resize(ctx.param('name'), height, width);
      return emptyResult(200);
    }),
    route('POST', '/containers/{name:.*}/attach', attach),
    route('POST', '/containers/{name:.*}/rename', async (ctx) => {
      await backend().rename(ctx.param('name'), ctx.str('name'));
      return emptyResult(204);
    }),
    route('POST', '/containers/{name:.*}/update', async (ctx) => {
      const update = (await ctx.readJson(containerUpdateBody)) ?? {};
      if (ctx.below('1.40')) delete update.PidsLimit;
      if (update.PidsLimit !== undefined && update.PidsLimit <= 0) update.PidsLimit = 0;
      return jsonResult(200, await backend().update(ctx.param('name'), update));
    }),
    route('POST', '/containers/prune', async (ctx) => jsonResult(200, await backend().prune(ctx.filters(CONTAINER_PRUNE_FILTERS)))),
    route('PUT', '/containers/{name:.*}/archive', async (ctx) => {
      const path = archivePath(ctx);
      await backend().archivePut(
        ctx.param('name'),
        path,
        { noOverwriteDirNonDir: ctx.bool('noOverwriteDirNonDir'), copyUIDGID: ctx.bool('copyUIDGID') },
        ctx.bodyStream(),
      );
      return emptyResult(200);
    }),
    route('DELETE', '/containers/{name:.*}', async (ctx) => {
      await backend().remove(ctx.param('name'), {
        force: ctx.bool('force'),
        removeVolumes: ctx.bool('v'),
        removeLink: ctx.bool('link'),
      });
      return emptyResult(204);
    }),
  ];
}
