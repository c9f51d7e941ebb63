/**
 * The published-ports bridge between the Service Worker (src/sw.browser.ts),
 * the page that has an engine (src/main.browser.ts) and the kernel worker
 * where the engine runs (src/kernel-worker.browser.ts).
 *
 * The Service Worker turns a request for `/ports/PORT/path` into a
 * `PortFetchRequest` and posts it, with one end of a MessageChannel, to a
 * window that has an engine. The page answers `accepted` (or `no-engine`)
 * on that port and hands the port itself to the kernel worker, which runs
 * `engine.fetch('http://localhost:PORT/path')` and answers on the same port:
 *
 *   SW -> page     { type: 'drydock-port-fetch', request }   (+ the port)
 *   page -> SW     { type: 'accepted' } | { type: 'no-engine' }
 *   worker -> SW   { type: 'head', status, statusText, headers } | { type: 'failed', message }
 *   SW -> worker   { type: 'pull' }        (one per body chunk wanted)
 *   worker -> SW   { type: 'chunk', bytes } | { type: 'end' } | { type: 'failed', message }
 *   SW -> worker   { type: 'cancel' }      (the consumer went away)
 *
 * The body moves one chunk per `pull`, so a slow consumer (an iframe
 * reading a large file) holds the container's server back instead of
 * queueing the file in memory. The port is closed by whoever sees the
 * end: the worker after `end`, `failed` or `cancel`; the SW after `end`,
 * `failed` or a cancel it sent.
 */

/** The request the Service Worker forwards (a structured-clonable copy of a fetch event's request). */
export interface PortFetchRequest {
  /** The published host port. */
  readonly hostPort: number;
  readonly method: string;
  /** Path and query on the container's server ("/docs/?x=1"). */
  readonly target: string;
  readonly headers: [string, string][];
  readonly body: ArrayBuffer | null;
}

/** Messages that arrive at the Service Worker's end of the port. */
export type PortReply =
  | { readonly type: 'accepted' }
  | { readonly type: 'no-engine' }
  | { readonly type: 'head'; readonly status: number; readonly statusText: string; readonly headers: [string, string][] }
  | { readonly type: 'chunk'; readonly bytes: Uint8Array }
  | { readonly type: 'end' }
  | { readonly type: 'failed'; readonly message: string };

/** Messages the Service Worker sends on the port after the request. */
export type PortCommand = { readonly type: 'pull' } | { readonly type: 'cancel' };

/** What the Service Worker posts to a window client (with the port in the transfer list). */
export interface PortFetchMessage {
  readonly type: 'drydock-port-fetch';
  readonly request: PortFetchRequest;
}

/** The URL path prefix the Service Worker serves published ports under (`/ports/8080/`). */
export const PORTS_PREFIX = '/ports/';

/** The page URL of a published port's root on this origin. */
export function portPath(hostPort: number): string {
  return `${PORTS_PREFIX}${hostPort}/`;
}

/** Receives messages of a port one at a time, in order (buffers those nobody waits for yet). */
export class PortInbox<T> {
  private readonly queue: T[] = [];
  private readonly waiters: ((message: T | null) => void)[] = [];
  private closed = false;

  constructor(private readonly port: MessagePort) {
    port.onmessage = (event: MessageEvent) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(event.data as T);
      else this.queue.push(event.data as T);
    };
  }

  /** The next message; null once `close` was called. Resolves with null after `timeoutMs` when given. */
  next(timeoutMs?: number): Promise<T | null> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waiter = (message: T | null): void => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(message);
      };
      this.waiters.push(waiter);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          resolve(null);
        }, timeoutMs);
      }
    });
  }

  /** Closes the port; pending and later `next` calls resolve with null. */
  close(): void {
    this.closed = true;
    this.port.onmessage = null;
    this.port.close();
    for (const waiter of this.waiters.splice(0)) waiter(null);
  }
}

/**
 * Serves one forwarded request in the engine's realm (the kernel worker):
 * runs `fetch` (the engine's, which routes `http://localhost:PORT/` to the
 * published port) and answers on `port` as the module comment describes.
 * Never throws; a failed fetch is answered with `failed`.
 */
export async function servePortRequest(
  port: MessagePort,
  request: PortFetchRequest,
  fetch: (request: Request) => Promise<Response>,
): Promise<void> {
  const inbox = new PortInbox<PortCommand>(port);
  const reply = (message: PortReply, transfer: Transferable[] = []): void => port.postMessage(message, transfer);
  const aborter = new AbortController();
  let response: Response;
  try {
    const hasBody = request.body !== null && request.method !== 'GET' && request.method !== 'HEAD';
    response = await fetch(
      new Request(`http://localhost:${request.hostPort}${request.target}`, {
        method: request.method,
        headers: request.headers,
        ...(hasBody ? { body: request.body } : {}),
        signal: aborter.signal,
      }),
    );
  } catch (error) {
    reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    inbox.close();
    return;
  }
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => headers.push([name, value]));
  reply({ type: 'head', status: response.status, statusText: response.statusText, headers });
  const reader = response.body?.getReader() ?? null;
  try {
    for (;;) {
      const command = await inbox.next();
      if (command === null || command.type === 'cancel') {
        aborter.abort();
        await reader?.cancel().catch(() => {});
        return;
      }
      const piece = reader ? await reader.read() : { done: true as const, value: undefined };
      if (piece.done) {
        reply({ type: 'end' });
        return;
      }
      // A copy of exactly this chunk, whose buffer can be transferred.
      const bytes = piece.value.slice();
      reply({ type: 'chunk', bytes }, [bytes.buffer]);
    }
  } catch (error) {
    reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  } finally {
    inbox.close();
  }
}

/**
 * Registers the ports Service Worker (`scriptUrl`, a classic script) for
 * `/ports/` and resolves when it is active, so a link or iframe to
 * `/ports/PORT/` is served by it. Resolves with false where Service
 * Workers are unavailable (an insecure context, a private window that
 * forbids them) or the registration fails; the reason is logged.
 */
export async function registerPortsWorker(scriptUrl: string): Promise<boolean> {
  const container = globalThis.navigator?.serviceWorker;
  if (!container) return false;
  try {
    const registration = await container.register(scriptUrl, { scope: PORTS_PREFIX });
    const worker = registration.installing ?? registration.waiting ?? registration.active;
    if (!worker) return false;
    if (worker.state === 'activated') return true;
    return await new Promise<boolean>((resolve) => {
      const onChange = (): void => {
        if (worker.state === 'activated') resolve(true);
        else if (worker.state === 'redundant') resolve(registration.active !== null);
        else return;
        worker.removeEventListener('statechange', onChange);
      };
      worker.addEventListener('statechange', onChange);
    });
  } catch (error) {
    console.warn(`Drydock: published ports cannot be opened in this page: the Service Worker ${scriptUrl} did not register:`, error);
    return false;
  }
}

/**
 * Answers the ports Service Worker's requests in this page: for each
 * `drydock-port-fetch` message, `server()` names who serves it (the
 * engine's forwarder, which takes over the port) or null when this page has
 * no engine, in which case the port is answered `no-engine`. Returns a
 * function that stops listening.
 */
export function listenForPortRequests(server: () => ((port: MessagePort, request: PortFetchRequest) => void) | null): () => void {
  const container = globalThis.navigator?.serviceWorker;
  if (!container) return () => {};
  const onMessage = (event: MessageEvent): void => {
    const data = event.data as Partial<PortFetchMessage> | null;
    const port = event.ports[0];
    if (data?.type !== 'drydock-port-fetch' || !data.request || !port) return;
    const forward = server();
    if (!forward) {
      port.postMessage({ type: 'no-engine' } satisfies PortReply);
      port.close();
      return;
    }
    // Posted before the port moves on: it reaches the Service Worker before anything the engine sends.
    port.postMessage({ type: 'accepted' } satisfies PortReply);
    forward(port, data.request);
  };
  container.addEventListener('message', onMessage);
  container.startMessages();
  return () => container.removeEventListener('message', onMessage);
}
