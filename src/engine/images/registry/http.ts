/**
 * The HTTP the registry client needs, behind a small interface: the entry
 * point injects it (Node: the global fetch; browsers: window.fetch, which
 * only reaches registries that allow CORS). Core code never touches a
 * platform's fetch or its Response class directly.
 */

import { concatBytes } from '../../../common/bytes.ts';

/** One HTTP request to a registry or its token service. */
export interface RegistryRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly signal?: AbortSignal;
}

/** A response; `body()` may be called once. */
export interface RegistryResponse {
  readonly status: number;
  /** The final URL after redirects. */
  readonly url: string;
  header(name: string): string | null;
  body(): AsyncIterable<Uint8Array>;
  /** Releases the body without reading it. */
  discard(): Promise<void>;
}

/** Sends one request; rejects only when no HTTP response arrived (network failure, CORS, abort). */
export type RegistryFetch = (request: RegistryRequest) => Promise<RegistryResponse>;

/** The parts of WHATWG fetch used here (structural, so core code needs no DOM types). */
export interface WhatwgResponseLike {
  readonly status: number;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  readonly body: { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void>; releaseLock(): void } } | null;
}

export type WhatwgFetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: Uint8Array<ArrayBuffer>; signal?: AbortSignal; redirect: 'follow' },
) => Promise<WhatwgResponseLike>;

/** Adapts a WHATWG `fetch` (Node 18+, browsers, Service Workers) to RegistryFetch. */
export function fromWhatwgFetch(fetchFn: WhatwgFetchLike): RegistryFetch {
  return async (request) => {
    const init: Parameters<WhatwgFetchLike>[1] = { method: request.method, headers: { ...request.headers }, redirect: 'follow' };
    // A copy backed by a plain ArrayBuffer: what BodyInit accepts everywhere.
    if (request.body !== undefined) init.body = new Uint8Array(request.body);
    if (request.signal !== undefined) init.signal = request.signal;
    const response = await fetchFn(request.url, init);
    let used = false;
    return {
      status: response.status,
      url: response.url || request.url,
      header: (name) => response.headers.get(name),
      body: () => {
        if (used) throw new Error('registry response body read twice');
        used = true;
        return readerChunks(response);
      },
      discard: async () => {
        if (used || !response.body) return;
        used = true;
        await response.body.getReader().cancel().catch(() => undefined);
      },
    };
  };
}

async function* readerChunks(response: WhatwgResponseLike): AsyncGenerator<Uint8Array> {
  if (!response.body) return;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value && value.length > 0) yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Reads a body completely, refusing more than `limit` bytes. */
export async function readBody(chunks: AsyncIterable<Uint8Array>, limit: number, what: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > limit) throw new Error(`${what} is larger than ${limit} bytes`);
    parts.push(chunk);
  }
  return concatBytes(parts);
}
