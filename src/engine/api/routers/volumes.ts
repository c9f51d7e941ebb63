/**
 * The volume router (moby daemon/server/router/volume).
 */
import { UnavailableError } from '../../errors.ts';
import { volumeCreateBody } from '../request-bodies.ts';
import { emptyResult, jsonResult } from '../result.ts';
import { route, type Route } from '../route.ts';
import { VOLUME_LIST_FILTERS, VOLUME_PRUNE_FILTERS, type VolumesBackend } from './volume-backend.ts';

export function volumeRoutes(backend: () => VolumesBackend): Route[] {
  return [
    route('GET', '/volumes', async (ctx) => jsonResult(200, await backend().list(ctx.filters(VOLUME_LIST_FILTERS)))),
    route('GET', '/volumes/{name:.*}', async (ctx) => jsonResult(200, await backend().inspect(ctx.param('name')))),
    route('POST', '/volumes/create', async (ctx) => {
      const request = (await ctx.readJson(volumeCreateBody)) ?? {};
      return jsonResult(201, await backend().create(request));
    }),
    route('PUT', '/volumes/{name:.*}', async () => {
      // Updates exist only for swarm cluster volumes.
      throw new UnavailableError('volume update only valid for cluster volumes, but swarm is unavailable');
    }),
    route('DELETE', '/volumes/{name:.*}', async (ctx) => {
      await backend().remove(ctx.param('name'), { force: ctx.bool('force') });
      return emptyResult(204);
    }),
    route('POST', '/volumes/prune', async (ctx) => {
      const accepted = ctx.atLeast('1.42') ? VOLUME_PRUNE_FILTERS : VOLUME_PRUNE_FILTERS.filter((f) => f !== 'all');
      return jsonResult(200, await backend().prune(ctx.filters(accepted)));
    }),
  ];
}
