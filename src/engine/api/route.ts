/**
 * Route tables: each resource router declares `route(method, pattern,
 * handler)` entries; patterns use moby's gorilla/mux syntax: `{name}`
 * matches one path segment, `{name:.*}` (or `.+`, non-empty) any text including slashes (image
 * names such as "library/alpine"). The first matching route wins, so
 * literal routes ("/containers/json") are listed before patterns.
 */
import type { RequestContext } from './context.ts';
import type { ApiResult } from './result.ts';

export type Handler = (ctx: RequestContext) => Promise<ApiResult>;

export interface Route {
  readonly method: string;
  /** The pattern as written ("/containers/{name:.*}/json"). */
  readonly path: string;
  readonly handler: Handler;
  readonly pattern: RegExp;
  readonly params: readonly string[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Declares a route. `method` is upper-case; `path` has no version prefix. */
export function route(method: string, path: string, handler: Handler): Route {
  const params: string[] = [];
  let source = '';
  let at = 0;
  for (const match of path.matchAll(/\{([a-zA-Z_]+)(?::([^}]+))?\}/g)) {
    source += escapeRegExp(path.slice(at, match.index));
    params.push(match[1]!);
    const expr = match[2];
    if (expr === undefined) source += '([^/]+)';
    else if (expr === '.*') source += '(.*)';
    else if (expr === '.+') source += '(.+)';
    else throw new Error(`unsupported route variable pattern ${expr} in ${path}`);
    at = match.index + match[0].length;
  }
  source += escapeRegExp(path.slice(at));
  return { method, path, handler, pattern: new RegExp(`^${source}$`), params };
}

/** The route for a method and a decoded path (without version prefix), with its variables. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    candidate.params.forEach((name, i) => {
      params[name] = match[i + 1]!;
    });
    return { route: candidate, params };
  }
  return undefined;
}
