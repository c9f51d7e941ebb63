/**
 * The system router: /_ping, /version, /info, /events, /system/df, /auth
 * (moby daemon/server/router/system).
 */
import { utf8 } from '../../../common/bytes.ts';
import { InvalidParameterError } from '../../errors.ts';
import type { DiskUsageOptions } from '../../types/system.ts';
import type { RequestContext } from '../context.ts';
import { jsonLines } from '../json-stream.ts';
import { authConfigBody } from '../request-bodies.ts';
import { bytesResult, emptyResult, jsonResult, MediaType, streamResult, type ApiResult } from '../result.ts';
import { route, type Route } from '../route.ts';
import { parseUnixTimestamp } from '../timestamp.ts';
import type { SystemBackend } from './system-backend.ts';

/** Filter names GET /events accepts. */
export const EVENT_FILTERS = [
  'config',
  'container',
  'daemon',
  'event',
  'image',
  'label',
  'network',
  'node',
  'plugin',
  'scope',
  'secret',
  'service',
  'type',
  'volume',
] as const;

/** What the ping advertises. */
export interface PingInfo {
  /** "1": the classic builder (BuildKit would need /session, which Drydock refuses). */
  readonly builderVersion: string;
  /** "inactive": Drydock is never part of a swarm. */
  readonly swarm: string;
}

export function systemRoutes(backend: () => SystemBackend, ping: PingInfo): Route[] {
  const pingHandler = async (ctx: RequestContext): Promise<ApiResult> => {
    const headers = {
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
      'Builder-Version': ping.builderVersion,
      Swarm: ping.swarm,
    };
    const head = ctx.request.method === 'HEAD';
    return bytesResult(200, MediaType.text, head ? new Uint8Array(0) : utf8('OK'), headers);
  };

  return [
    // CORS preflight for browser clients, as dockerd answers any OPTIONS request.
    route('OPTIONS', '/{anyroute:.*}', async () => emptyResult(200)),
    route('GET', '/_ping', pingHandler),
    route('HEAD', '/_ping', pingHandler),
    route('GET', '/events', async (ctx) => {
      const since = parseUnixTimestamp(ctx.query.get('since'));
      const until = parseUnixTimestamp(ctx.query.get('until'));
      if (until !== undefined && until < (since ?? 0n)) {
        throw new InvalidParameterError(`\`since\` time (${ctx.str('since')}) cannot be after \`until\` time (${ctx.str('until')})`);
      }
      const filters = ctx.filters(EVENT_FILTERS);
      const accept = ctx.header('accept') ?? '';
      const contentType = accept.includes(MediaType.ndjson)
        ? MediaType.ndjson
        : accept.includes(MediaType.jsonSeq)
          ? MediaType.jsonSeq
          : MediaType.json;
      const events = backend().events({ since, until, filters }, ctx.signal);
      const body = jsonLines(events, contentType === MediaType.jsonSeq ? { prefix: '\u001e' } : {});
      return streamResult({ body, contentType, flush: 'immediately' });
    }),
    route('GET', '/info', async () => jsonResult(200, await backend().info())),
    route('GET', '/version', async () => jsonResult(200, await backend().version())),
    route('GET', '/system/df', async (ctx) => {
      const types = ctx.strs('type');
      const options: DiskUsageOptions = { containers: true, images: true, volumes: true, buildCache: true };
      if (ctx.atLeast('1.42') && types.length > 0) {
        options.containers = options.images = options.volumes = options.buildCache = false;
        for (const type of types) {
          if (type === 'container') options.containers = true;
          else if (type === 'image') options.images = true;
          else if (type === 'volume') options.volumes = true;
          else if (type === 'build-cache') options.buildCache = true;
          else throw new InvalidParameterError(`unknown object type: ${type}`);
        }
      }
      return jsonResult(200, await backend().diskUsage(options));
    }),
    route('POST', '/auth', async (ctx) => {
      const config = (await ctx.readJson(authConfigBody)) ?? {};
      return jsonResult(200, await backend().authenticate(config));
    }),
  ];
}
