/**
 * The image router (moby daemon/server/router/image, plus /commit and
 * /distribution): each handler parses the request, makes one backend call,
 * and describes the response.
 */
import { EngineError, InvalidParameterError } from '../../errors.ts';
import type { RequestContext } from '../context.ts';
import { progressStream } from '../json-stream.ts';
import { containerConfigBody } from '../request-bodies.ts';
import { emptyResult, jsonResult, MediaType, streamResult } from '../result.ts';
import { route, type Route } from '../route.ts';
import {
  IMAGE_LIST_FILTERS,
  IMAGE_PRUNE_FILTERS,
  IMAGE_SEARCH_FILTERS,
  type ImagesBackend,
} from './image-backend.ts';

export function imageRoutes(backend: () => ImagesBackend): Route[] {
  const save = (ctx: RequestContext, names: string[]) =>
    backend()
      .export(names, ctx.signal)
      .then((tar) => streamResult({ body: tar, contentType: MediaType.tar, flush: 'first-chunk' }));

  return [
    route('GET', '/images/json', async (ctx) => {
      let filters = ctx.filters(IMAGE_LIST_FILTERS);
      const legacy = ctx.str('filter');
      if (ctx.below('1.25') && legacy !== '' && !filters.has('reference')) {
        filters = filters.with('reference', [legacy]);
      }
      const list = await backend().list({
        all: ctx.bool('all'),
        digests: ctx.bool('digests'),
        sharedSize: ctx.atLeast('1.42') && ctx.bool('shared-size'),
        manifests: ctx.atLeast('1.47') && ctx.bool('manifests'),
        filters,
      });
      return jsonResult(200, list);
    }),
    route('GET', '/images/search', async (ctx) => {
      const filters = ctx.filters(IMAGE_SEARCH_FILTERS);
      const results = await backend().search({ term: ctx.str('term'), limit: ctx.int('limit'), filters, auth: ctx.registryAuth() });
      return jsonResult(200, results);
    }),
    route('GET', '/images/get', (ctx) => save(ctx, ctx.strs('names'))),
    route('GET', '/images/{name:.*}/get', (ctx) => save(ctx, [ctx.param('name')])),
    route('GET', '/images/{name:.*}/history', async (ctx) => jsonResult(200, await backend().history(ctx.param('name')))),
    route('GET', '/images/{name:.*}/json', async (ctx) => {
      const name = ctx.param('name');
      try {
        return jsonResult(200, await backend().inspect(name));
      } catch (error) {
        // dockerd 20.10's LookupImage wraps the store's error, keeping its kind (404, 400):
        // "no such image: x: No such image: x:latest".
        if (error instanceof EngineError) error.message = `no such image: ${name}: ${error.message}`;
        throw error;
      }
    }),
    route('POST', '/images/load', async (ctx) => {
      const quiet = ctx.boolOr('quiet', true);
      const tar = ctx.bodyStream();
      const body = progressStream((progress) => backend().load(tar, { quiet }, progress, ctx.signal), { errors: 'in-band' });
      return streamResult({ body, contentType: MediaType.json, flush: 'first-chunk' });
    }),
    route('POST', '/images/create', async (ctx) => {
      const fromImage = ctx.str('fromImage');
      const fromSrc = ctx.str('fromSrc');
      const platform = ctx.atLeast('1.32') ? ctx.str('platform') : '';
      let body: AsyncIterable<Uint8Array>;
      if (fromImage !== '') {
        const options = {
          fromImage: fromImage.replace(/:$/, ''),
          tag: ctx.str('tag'),
          platform,
          auth: ctx.registryAuth(),
        };
        body = progressStream((progress) => backend().pull(options, progress, ctx.signal), { errors: 'http-before-output' });
      } else if (fromSrc !== '') {
        const options = {
          fromSrc,
          repo: ctx.str('repo'),
          tag: ctx.str('tag'),
          message: ctx.str('message') || `Imported from ${fromSrc}`,
          changes: ctx.strs('changes'),
          platform,
        };
        const content = ctx.bodyStream();
        body = progressStream(
          async (progress) => {
            const id = await backend().import(options, content, progress, ctx.signal);
            progress({ status: id });
          },
          { errors: 'http-before-output' },
        );
      } else {
        throw new InvalidParameterError('either fromImage or fromSrc is required');
      }
      return streamResult({ body, contentType: MediaType.json, flush: 'first-chunk' });
    }),
    route('POST', '/images/{name:.*}/push', async (ctx) => {
      const options = { tag: ctx.str('tag'), platform: ctx.atLeast('1.46') ? ctx.str('platform') : '', auth: ctx.registryAuth() };
      const name = ctx.param('name');
      const body = progressStream((progress) => backend().push(name, options, progress, ctx.signal), { errors: 'http-before-output' });
      return streamResult({ body, contentType: MediaType.json, flush: 'first-chunk' });
    }),
    route('POST', '/images/{name:.*}/tag', async (ctx) => {
      await backend().tag(ctx.param('name'), ctx.str('repo'), ctx.str('tag'));
      return emptyResult(201);
    }),
    route('POST', '/images/prune', async (ctx) => jsonResult(200, await backend().prune(ctx.filters(IMAGE_PRUNE_FILTERS)))),
    route('DELETE', '/images/{name:.*}', async (ctx) => {
      const name = ctx.param('name');
      if (name.trim() === '') throw new InvalidParameterError('image name cannot be blank');
      return jsonResult(200, await backend().remove(name, { force: ctx.bool('force'), noPrune: ctx.bool('noprune') }));
    }),
    route('POST', '/commit', async (ctx) => {
      const config = await ctx.readJson(containerConfigBody);
      const id = await backend().commit({
        container: ctx.str('container'),
        repo: ctx.str('repo'),
        tag: ctx.str('tag'),
        comment: ctx.str('comment'),
        author: ctx.str('author'),
        pause: ctx.boolOr('pause', true),
        changes: ctx.strs('changes'),
        config,
      });
      return jsonResult(201, { Id: id });
    }),
    route('GET', '/distribution/{name:.*}/json', async (ctx) =>
      jsonResult(200, await backend().distributionInspect(ctx.param('name'), ctx.registryAuth())),
    ),
  ];
}
