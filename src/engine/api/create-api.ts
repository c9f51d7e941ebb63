/**
 * The Docker Engine API router: resource routers over backend interfaces,
 * version negotiation, common headers and the error mapping. Transports
 * call `respond` (HTTP-shaped) or `fetch` (WHATWG-shaped); tests and
 * in-process clients may call `handle` directly.
 */
import { errorKind, errorMessage, InvalidParameterError, NotImplementedError } from '../errors.ts';
import { RequestContext } from './context.ts';
import { fetchThroughApi, type FetchRequestLike, type FetchResponseLike } from './fetch.ts';
import { statusForError } from './http-status.ts';
import { Query } from './query.ts';
import type { ApiRequest } from './request.ts';
import { bytesResult, emptyResult, jsonResult, MediaType, streamResult, type ApiResult, type StreamResult } from './result.ts';
import { matchRoute, type Route } from './route.ts';
import type { BuildBackend } from './routers/build-backend.ts';
import { buildRoutes } from './routers/build.ts';
import type { ContainersBackend } from './routers/container-backend.ts';
import { containerRoutes } from './routers/containers.ts';
import type { ExecBackend } from './routers/exec-backend.ts';
import { execRoutes } from './routers/exec.ts';
import type { ImagesBackend } from './routers/image-backend.ts';
import { imageRoutes } from './routers/images.ts';
import type { NetworksBackend } from './routers/network-backend.ts';
import { networkRoutes } from './routers/networks.ts';
import type { SystemBackend } from './routers/system-backend.ts';
import { systemRoutes } from './routers/system.ts';
import { pluginRoutes, sessionRoutes, swarmRoutes } from './routers/unsupported.ts';
import type { VolumesBackend } from './routers/volume-backend.ts';
import { volumeRoutes } from './routers/volumes.ts';
import {
  DRYDOCK_VERSION,
  MAX_API_VERSION,
  MIN_API_VERSION,
  negotiateVersion,
  PLAIN_TEXT_ERRORS_BELOW,
  splitVersionPrefix,
  versionLessThan,
  type ApiVersionRange,
} from './version.ts';
import { splitTarget, toWireResponse, type WireRequest, type WireResponse } from './wire.ts';

/** The backends the routers call. A missing one makes its routes answer 501. */
export interface ApiBackends {
  system?: SystemBackend;
  containers?: ContainersBackend;
  exec?: ExecBackend;
  images?: ImagesBackend;
  build?: BuildBackend;
  volumes?: VolumesBackend;
  networks?: NetworksBackend;
}

export interface EngineApiOptions {
  backends: ApiBackends;
  /** Engine version in the Server header ("Drydock/0.1.0 (linux)"). */
  serverVersion?: string;
  minApiVersion?: string;
  maxApiVersion?: string;
  experimental?: boolean;
  /** Called for every 5xx answer (the daemon logs these); never throws into the router. */
  onServerError?: (error: unknown, request: ApiRequest) => void;
}

export interface EngineApi {
  readonly versions: ApiVersionRange;
  /** Routes a request to its handler and returns the result, errors included as results. Never rejects. */
  handle(request: ApiRequest): Promise<ApiResult>;
  /** handle() for HTTP transports: takes and returns the wire shapes. Never rejects. */
  respond(request: WireRequest): Promise<WireResponse>;
  /** handle() for WHATWG Request/Response (browser, Service Worker, tests). */
  fetch(request: FetchRequestLike): Promise<FetchResponseLike>;
}

const neverAborted = new AbortController().signal;

function required<T>(backend: T | undefined, what: string): () => T {
  return () => {
    if (backend === undefined) throw new NotImplementedError(`${what} are not available in this engine`);
    return backend;
  };
}

/**
 * Pulls the first chunk of a 'first-chunk' stream so that a failure before
 * any output becomes an HTTP error; returns an equivalent stream.
 */
async function primeStream(result: StreamResult): Promise<StreamResult> {
  const iterator = result.body[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* body(): AsyncIterable<Uint8Array> {
    try {
      if (first.done) return;
      yield first.value;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }
  return streamResult({ ...result, body: body() });
}

/** Creates the API over the given backends. */
export function createApi(options: EngineApiOptions): EngineApi {
  const versions: ApiVersionRange = {
    min: options.minApiVersion ?? MIN_API_VERSION,
    max: options.maxApiVersion ?? MAX_API_VERSION,
  };
  const experimental = options.experimental ?? false;
  const commonHeaders: Record<string, string> = {
    'Api-Version': versions.max,
    'Docker-Experimental': String(experimental),
    Ostype: 'linux',
    Server: `Drydock/${options.serverVersion ?? DRYDOCK_VERSION} (linux)`,
  };
  const { backends } = options;
  const routes: Route[] = [
    ...systemRoutes(required(backends.system, 'system services'), { builderVersion: '1', swarm: 'inactive' }),
    ...containerRoutes(required(backends.containers, 'containers')),
    ...execRoutes(required(backends.exec, 'exec instances')),
    ...imageRoutes(required(backends.images, 'images')),
    ...buildRoutes(required(backends.build, 'builds'), { experimental }),
    ...volumeRoutes(required(backends.volumes, 'volumes')),
    ...networkRoutes(required(backends.networks, 'networks')),
    ...swarmRoutes(),
    ...pluginRoutes(),
    ...sessionRoutes(),
  ];

  const withCommonHeaders = (result: ApiResult): ApiResult => ({ ...result, headers: { ...commonHeaders, ...result.headers } });

  const errorResult = (error: unknown, request: ApiRequest, plainText: boolean): ApiResult => {
    const status = statusForError(error);
    if (status >= 500) {
      try {
        options.onServerError?.(error, request);
      } catch {
        // Logging must not break the response.
      }
    }
    if (errorKind(error) === 'not-modified') return emptyResult(304);
    const message = errorMessage(error);
    if (plainText) {
      return bytesResult(status, MediaType.text, new TextEncoder().encode(`${message}\n`), { 'X-Content-Type-Options': 'nosniff' });
    }
    return jsonResult(status, { message });
  };

  const pageNotFound = (): ApiResult => jsonResult(404, { message: 'page not found' });

  async function dispatch(request: ApiRequest): Promise<ApiResult> {
    let path: string;
    try {
      path = decodeURIComponent(request.path);
    } catch {
      return errorResult(new InvalidParameterError(`invalid URL escape in path ${JSON.stringify(request.path)}`), request, false);
    }
    const split = splitVersionPrefix(path);
    const matched = matchRoute(routes, request.method, split.path);
    if (!matched) return pageNotFound();
    // moby answers errors of clients older than 1.24 in plain text: they print JSON verbatim.
    const plainText = split.version !== undefined && versionLessThan(split.version, PLAIN_TEXT_ERRORS_BELOW);
    try {
      const version = negotiateVersion(split.version, versions);
      const query = typeof request.query === 'string' ? Query.parse(request.query) : request.query;
      const ctx = new RequestContext(request, query, matched.params, version, request.signal ?? neverAborted);
      const result = await matched.route.handler(ctx);
      return result.kind === 'stream' && result.flush === 'first-chunk' ? await primeStream(result) : result;
    } catch (error) {
      return errorResult(error, request, plainText);
    }
  }

  async function handle(request: ApiRequest): Promise<ApiResult> {
    return withCommonHeaders(await dispatch(request));
  }

  /** The API version a request is served with, for serializing hijacks; the maximum when not negotiable. */
  function servedVersion(path: string): string {
    try {
      const version = splitVersionPrefix(decodeURIComponent(path)).version;
      return version ?? versions.max;
    } catch {
      return versions.max;
    }
  }

  async function respond(wire: WireRequest): Promise<WireResponse> {
    const { path, query } = splitTarget(wire.target);
    const request: ApiRequest = {
      method: wire.method.toUpperCase(),
      path,
      query,
      headers: wire.headers,
      body: wire.body,
      upgrade: wire.headers.upgrade !== undefined,
      signal: wire.signal,
    };
    const result = await handle(request);
    return toWireResponse(result, request.upgrade, servedVersion(path));
  }

  const api: EngineApi = {
    versions,
    handle,
    respond,
    fetch: (request) => fetchThroughApi(api, request),
  };
  return api;
}
