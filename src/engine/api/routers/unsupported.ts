/**
 * Endpoints Drydock answers without a backend, the way a dockerd that does
 * not use the feature answers: swarm (503 "not a swarm manager"), plugins
 * (none installed: 404), BuildKit's session and gRPC hijacks (refused, so
 * clients stay on the classic builder).
 */
import { NotFoundError, NotImplementedError, UnavailableError } from '../../errors.ts';
import { jsonResult, type ApiResult } from '../result.ts';
import { route, type Route } from '../route.ts';
import type { RequestContext } from '../context.ts';

/** dockerd's answer to every swarm-manager endpoint on a node outside a swarm. */
export const NOT_SWARM_MANAGER =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

/** dockerd's answer to `docker swarm leave` outside a swarm. */
export const NOT_IN_SWARM = 'This node is not part of a swarm';

/** Filter names GET /plugins accepts. */
export const PLUGIN_LIST_FILTERS = ['capability', 'enable'] as const;

const notManager = async (): Promise<ApiResult> => {
  throw new UnavailableError(NOT_SWARM_MANAGER);
};

export function swarmRoutes(): Route[] {
  const routes: Route[] = [
    route('POST', '/swarm/leave', async () => {
      throw new UnavailableError(NOT_IN_SWARM);
    }),
  ];
  const table: [string, string][] = [
    ['POST', '/swarm/init'],
    ['POST', '/swarm/join'],
    ['GET', '/swarm'],
    ['GET', '/swarm/unlockkey'],
    ['POST', '/swarm/update'],
    ['POST', '/swarm/unlock'],
    ['GET', '/services'],
    ['GET', '/services/{id}'],
    ['POST', '/services/create'],
    ['POST', '/services/{id}/update'],
    ['DELETE', '/services/{id}'],
    ['GET', '/services/{id}/logs'],
    ['GET', '/nodes'],
    ['GET', '/nodes/{id}'],
    ['DELETE', '/nodes/{id}'],
    ['POST', '/nodes/{id}/update'],
    ['GET', '/tasks'],
    ['GET', '/tasks/{id}'],
    ['GET', '/tasks/{id}/logs'],
    ['GET', '/secrets'],
    ['POST', '/secrets/create'],
    ['DELETE', '/secrets/{id}'],
    ['GET', '/secrets/{id}'],
    ['POST', '/secrets/{id}/update'],
    ['GET', '/configs'],
    ['POST', '/configs/create'],
    ['DELETE', '/configs/{id}'],
    ['GET', '/configs/{id}'],
    ['POST', '/configs/{id}/update'],
  ];
  for (const [method, path] of table) routes.push(route(method, path, notManager));
  return routes;
}

export function pluginRoutes(): Route[] {
  const missing = async (ctx: RequestContext): Promise<ApiResult> => {
    throw new NotFoundError(`plugin ${JSON.stringify(ctx.param('name'))} not found`);
  };
  const unsupported = async (): Promise<ApiResult> => {
    throw new NotImplementedError('plugins are not supported by Drydock');
  };
  return [
    route('GET', '/plugins', async (ctx) => {
      ctx.filters(PLUGIN_LIST_FILTERS);
      return jsonResult(200, []);
    }),
    route('GET', '/plugins/privileges', unsupported),
    route('GET', '/plugins/{name:.*}/json', missing),
    route('POST', '/plugins/pull', unsupported),
    route('POST', '/plugins/create', unsupported),
    route('POST', '/plugins/{name:.*}/enable', missing),
    route('POST', '/plugins/{name:.*}/disable', missing),
    route('POST', '/plugins/{name:.*}/push', missing),
    route('POST', '/plugins/{name:.*}/upgrade', missing),
    route('POST', '/plugins/{name:.*}/set', missing),
    route('DELETE', '/plugins/{name:.*}', missing),
  ];
}

/** BuildKit's hijacked endpoints: refused, so clients use the classic builder. */
export function sessionRoutes(): Route[] {
  const refuse = async (): Promise<ApiResult> => {
    throw new NotImplementedError('BuildKit sessions are not supported by Drydock: use the classic builder (DOCKER_BUILDKIT=0)');
  };
  return [route('POST', '/session', refuse), route('POST', '/grpc', refuse)];
}
