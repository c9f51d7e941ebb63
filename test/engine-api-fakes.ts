/**
 * Small in-test backends for the engine API tests: a fake implements only
 * the methods a test needs; any other method answers 501.
 */
import { NotImplementedError } from '../src/engine/errors.ts';
import type { ApiRequest } from '../src/engine/api/request.ts';
import type { ApiResult } from '../src/engine/api/result.ts';

/** A backend of type T made of `methods`; the others throw NotImplementedError. */
export function fake<T extends object>(methods: Partial<T>): T {
  return new Proxy(methods, {
    get(target, property) {
      if (property in target) return (target as Record<PropertyKey, unknown>)[property];
      if (property === 'then') return undefined;
      return () => {
        throw new NotImplementedError(`fake backend has no ${String(property)}`);
      };
    },
  }) as T;
}

/** A request with defaults (GET, no body, no headers). */
export function request(method: string, target: string, extra: Partial<ApiRequest> = {}): ApiRequest {
  const q = target.indexOf('?');
  return {
    method,
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? '' : target.slice(q + 1),
    headers: {},
    body: null,
    upgrade: false,
    ...extra,
  };
}

/** A JSON POST request. */
export function jsonRequest(method: string, target: string, body: string, contentType = 'application/json'): ApiRequest {
  return request(method, target, {
    headers: { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)) },
    body: new TextEncoder().encode(body),
  });
}

/** The `message` of a JSON error result. */
export function messageOf(result: ApiResult): string {
  if (result.kind !== 'json') throw new Error(`expected a JSON result, got ${result.kind}`);
  return (result.value as { message: string }).message;
}

/** Collects a stream result's body as text. */
export async function streamText(result: ApiResult): Promise<string> {
  if (result.kind !== 'stream') throw new Error(`expected a stream, got ${result.kind}`);
  const chunks: Uint8Array[] = [];
  for await (const chunk of result.body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** A promise with its resolve function, for handlers whose result the test releases. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
