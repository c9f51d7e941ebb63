/**
 * The network router (moby daemon/server/router/network).
 */
import { networkConnectBody, networkCreateBody, networkDisconnectBody } from '../request-bodies.ts';
import { emptyResult, jsonResult } from '../result.ts';
import { route, type Route } from '../route.ts';
import type { RequestContext } from '../context.ts';
import { NETWORK_LIST_FILTERS, NETWORK_PRUNE_FILTERS, type NetworksBackend } from './network-backend.ts';

export function networkRoutes(backend: () => NetworksBackend): Route[] {
  const list = async (ctx: RequestContext) => jsonResult(200, await backend().list(ctx.filters(NETWORK_LIST_FILTERS)));
  return [
    route('GET', '/networks', list),
    route('GET', '/networks/', list),
    route('GET', '/networks/{id:.+}', async (ctx) =>
      jsonResult(200, await backend().inspect(ctx.param('id'), { verbose: ctx.bool('verbose'), scope: ctx.str('scope') })),
    ),
    route('POST', '/networks/create', async (ctx) => {
      const request = (await ctx.readJson(networkCreateBody)) ?? {};
      return jsonResult(201, await backend().create(request));
    }),
    route('POST', '/networks/{id:.*}/connect', async (ctx) => {
      const request = (await ctx.readJson(networkConnectBody)) ?? {};
      await backend().connect(ctx.param('id'), request);
      return emptyResult(200);
    }),
    route('POST', '/networks/{id:.*}/disconnect', async (ctx) => {
      const request = (await ctx.readJson(networkDisconnectBody)) ?? {};
      await backend().disconnect(ctx.param('id'), request);
      return emptyResult(200);
    }),
    route('POST', '/networks/prune', async (ctx) => jsonResult(200, await backend().prune(ctx.filters(NETWORK_PRUNE_FILTERS)))),
    route('DELETE', '/networks/{id:.*}', async (ctx) => {
      await backend().remove(ctx.param('id'));
      return emptyResult(204);
    }),
  ];
}
