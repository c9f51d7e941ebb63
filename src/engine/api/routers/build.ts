/**
 * The build router (moby daemon/server/router/build): the classic
 * builder's POST /build with dockerd's query parameters, /build/prune and
 * /build/cancel.
 */
import { fromUtf8 } from '../../../common/bytes.ts';
import { InvalidParameterError, NotImplementedError } from '../../errors.ts';
import type { BuildOptions } from '../../types/build.ts';
import type { JsonMessage } from '../../types/json-message.ts';
import type { AuthConfig } from '../../types/system.ts';
import { decodeBase64 } from '../base64.ts';
import type { RequestContext } from '../context.ts';
import { int64, list, map, str, struct, type Decoder } from '../decode.ts';
import { progressStream } from '../json-stream.ts';
import { authConfigBody } from '../request-bodies.ts';
import { emptyResult, jsonResult, MediaType, streamResult } from '../result.ts';
import { route, type Route } from '../route.ts';
import { BUILD_PRUNE_FILTERS, type BuildBackend } from './build-backend.ts';

const nullableString: Decoder<string | null> = (value, at) => (value === null ? null : str(value, at));
const ulimits = list(struct<{ Name?: string; Soft?: number; Hard?: number }>('Ulimit', { Name: str, Soft: int64, Hard: int64 }));

function int64Query(ctx: RequestContext, name: string): number {
  // moby's Int64ValueOrZero: malformed values count as 0.
  const raw = ctx.str(name);
  return /^[+-]?\d+$/.test(raw) ? Number(raw) : 0;
}

/** X-Registry-Config: base64 JSON of credentials by registry; undecodable values are ignored, as in dockerd. */
function authConfigs(ctx: RequestContext): Record<string, AuthConfig> {
  const header = ctx.header('x-registry-config');
  if (!header) return {};
  try {
    return map(authConfigBody)(JSON.parse(fromUtf8(decodeBase64(header))), '');
  } catch {
    return {};
  }
}

/** Parses POST /build's query (moby's newImageBuildOptions). */
export function parseBuildOptions(ctx: RequestContext, experimental: boolean): BuildOptions {
  const version = ctx.str('version');
  if (version !== '' && version !== '1' && version !== '2') throw new InvalidParameterError(`invalid version ${JSON.stringify(version)}`);
  if (version === '2') {
    throw new NotImplementedError('BuildKit is not supported by Drydock: use the classic builder (DOCKER_BUILDKIT=0)');
  }
  if (ctx.strs('securityopt').length > 0) throw new InvalidParameterError('security options are not supported on linux');
  const isolation = ctx.str('isolation');
  if (isolation !== '' && isolation !== 'default') throw new InvalidParameterError(`unsupported isolation: ${JSON.stringify(isolation)}`);
  if (ctx.bool('squash') && !experimental) throw new InvalidParameterError('squash is only supported with experimental mode');
  const forceRemove = ctx.bool('forcerm');
  const shmSize = ctx.int('shmsize') ?? 0;
  return {
    dockerfile: ctx.str('dockerfile'),
    tags: ctx.strs('t'),
    extraHosts: ctx.strs('extrahosts'),
    remote: ctx.str('remote'),
    quiet: ctx.bool('q'),
    noCache: ctx.bool('nocache'),
    cacheFrom: ctx.jsonQuery('cachefrom', list(str), 'error reading cache-from') ?? [],
    pull: ctx.bool('pull'),
    remove: forceRemove || ctx.str('rm') === '' || ctx.bool('rm'),
    forceRemove,
    memory: int64Query(ctx, 'memory'),
    memorySwap: int64Query(ctx, 'memswap'),
    cpuShares: int64Query(ctx, 'cpushares'),
    cpuSetCpus: ctx.str('cpusetcpus'),
    cpuSetMems: ctx.str('cpusetmems'),
    cpuPeriod: int64Query(ctx, 'cpuperiod'),
    cpuQuota: int64Query(ctx, 'cpuquota'),
    buildArgs: ctx.jsonQuery('buildargs', map(nullableString), 'error reading build args') ?? {},
    shmSize,
    labels: ctx.jsonQuery('labels', map(str), 'error reading labels') ?? {},
    networkMode: ctx.str('networkmode'),
    platform: ctx.atLeast('1.32') ? ctx.str('platform') : '',
    target: ctx.str('target'),
    ulimits: ctx.jsonQuery('ulimits', ulimits, 'error reading ulimit settings') ?? [],
    authConfigs: authConfigs(ctx),
  };
}

/** Byte-count parameters of /build/prune: integers, with dockerd's message otherwise. */
function bytesQuery(ctx: RequestContext, name: string): number {
  const raw = ctx.str(name);
  if (raw === '') return 0;
  if (!/^[+-]?\d+$/.test(raw)) {
    throw new InvalidParameterError(`${name} is in bytes and expects an integer, got ${raw}: strconv.Atoi: parsing ${JSON.stringify(raw)}: invalid syntax`);
  }
  return Number(raw);
}

export function buildRoutes(backend: () => BuildBackend, options: { experimental: boolean }): Route[] {
  return [
    route('POST', '/build', async (ctx) => {
      const build = parseBuildOptions(ctx, options.experimental);
      const context = ctx.bodyStream();
      const body = progressStream(
        async (progress) => {
          if (!build.quiet) {
            await backend().build(build, context, progress, ctx.signal);
            return;
          }
          // With q=1 only the image ID is printed; held-back output is shown if the build fails.
          const held: JsonMessage[] = [];
          let id: string;
          try {
            id = await backend().build(build, context, (message) => held.push(message), ctx.signal);
          } catch (error) {
            for (const message of held) progress(message);
            throw error;
          }
          progress({ stream: `${id}\n` });
        },
        { errors: 'http-before-output' },
      );
      return streamResult({ body, contentType: MediaType.json, flush: 'first-chunk' });
    }),
    route('POST', '/build/prune', async (ctx) => {
      const filters = ctx.filters(BUILD_PRUNE_FILTERS);
      const reservedSpace = ctx.atLeast('1.48') ? bytesQuery(ctx, 'reserved-space') || bytesQuery(ctx, 'keep-storage') : bytesQuery(ctx, 'keep-storage');
      const report = await backend().prune({
        all: ctx.bool('all'),
        filters,
        reservedSpace,
        maxUsedSpace: ctx.atLeast('1.48') ? bytesQuery(ctx, 'max-used-space') : 0,
        minFreeSpace: ctx.atLeast('1.48') ? bytesQuery(ctx, 'min-free-space') : 0,
      });
      return jsonResult(200, report);
    }),
    route('POST', '/build/cancel', async (ctx) => {
      const id = ctx.str('id');
      if (id === '') throw new InvalidParameterError('build ID not provided');
      await backend().cancel(id);
      return emptyResult(200, { 'Content-Type': MediaType.json });
    }),
  ];
}
