/**
 * The published-ports Service Worker (bundled to dist/browser/sw.js; the
 * site registers it through public/sw.js, a one-line classic script that
 * imports the bundle, with the scope `/ports/`). It makes
 * `/ports/PORT/path` on the page's origin show what a browser on a Docker
 * host sees at `http://localhost:PORT/path`: the request goes, over a
 * MessageChannel, to a window that runs a Drydock engine, whose
 * `engine.fetch` reaches the container publishing PORT (protocol:
 * src/platform/browser/port-bridge.ts). The engine never runs here: a
 * Service Worker is stopped whenever the browser likes.
 *
 * URL mapping, so that pages served from a container keep working under
 * their prefix:
 * - `/ports/PORT` redirects to `/ports/PORT/`, so relative links resolve
 *   under the prefix;
 * - a same-origin request from a document under `/ports/PORT/` to a path
 *   outside `/ports/` (a root-relative `/style.css`) goes to that port too;
 * - a redirect's `Location` of `/x` or `http://localhost:PORT/x` is
 *   rewritten to `/ports/PORT/x`.
 * Root-relative links a user clicks (navigations to `/x`) leave the scope
 * and are not mapped.
 *
 * Responses get `Cross-Origin-Embedder-Policy: require-corp` and
 * `Cross-Origin-Resource-Policy: same-origin` unless the server set them:
 * the tutorial page is cross-origin isolated, and an iframe in it may only
 * show a document that is too.
 *
 * When no window answers for the port: 503 with `X-Drydock-Error:
 * no-engine`. The engine's own 502 answers (`X-Drydock-Error:
 * not-published`, `refused`, …) are passed on, with one exception: a
 * not-published answer from one window makes the worker ask the next one,
 * since each tab has its own engine.
 *
 * This file has no imports at run time other than what esbuild bundles and
 * no exports, so the ESM bundle is also a valid classic script.
 */
import { PORTS_PREFIX, PortInbox, portPath } from './platform/browser/port-bridge.ts';
import type { PortCommand, PortFetchMessage, PortFetchRequest, PortReply } from './platform/browser/port-bridge.ts';

/** The parts of the Service Worker global scope and its events this worker uses (lib.dom does not declare them). */
interface WindowClient {
  readonly id: string;
  readonly url: string;
  readonly type: string;
  postMessage(message: unknown, transfer: Transferable[]): void;
}
interface Clients {
  get(id: string): Promise<WindowClient | undefined>;
  matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClient[]>;
  claim(): Promise<void>;
}
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  readonly clientId: string;
  respondWith(response: Promise<Response>): void;
}
interface ServiceWorkerScope {
  readonly clients: Clients;
  readonly location: { readonly origin: string };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}

const scope = self as unknown as ServiceWorkerScope;
/** How long a window may take to say whether it has an engine (a tab without Drydock never answers). */
const ANSWER_TIMEOUT_MS = 3000;

scope.addEventListener('install', (event) => event.waitUntil(scope.skipWaiting()));
scope.addEventListener('activate', (event) => event.waitUntil(scope.clients.claim()));

scope.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== scope.location.origin) return;
  if (url.pathname.startsWith(PORTS_PREFIX)) {
    event.respondWith(servePortsPath(event.request, url));
    return;
  }
  // A root-relative subresource of a page under /ports/PORT/ belongs to that port.
  if (event.clientId) event.respondWith(serveFromClientPort(event, url));
});

/** A plain-text answer of the worker itself. */
function textResponse(status: number, statusText: string, text: string, headers: [string, string][] = []): Response {
  return new Response(`${text}\n`, { status, statusText, headers: [['Content-Type', 'text/plain; charset=utf-8'], ...headers] });
}

async function servePortsPath(request: Request, url: URL): Promise<Response> {
  const match = /^\/ports\/([0-9]{1,5})(\/.*)?$/.exec(url.pathname);
  const hostPort = match ? Number(match[1]) : 0;
  if (!match || hostPort < 1 || hostPort > 65535) {
    return textResponse(404, 'Not Found', `Drydock: ${url.pathname} does not name a port: published ports are served at /ports/PORT/ (1 to 65535)`);
  }
  if (match[2] === undefined) return new Response(null, { status: 301, statusText: 'Moved Permanently', headers: [['Location', `${portPath(hostPort)}${url.search}`]] });
  return forward(request, hostPort, `${match[2]}${url.search}`);
}

async function serveFromClientPort(event: FetchEvent, url: URL): Promise<Response> {
  const client = await scope.clients.get(event.clientId);
  const from = client ? /^\/ports\/([0-9]{1,5})\//.exec(new URL(client.url).pathname) : null;
  if (!from) return fetch(event.request);
  return forward(event.request, Number(from[1]), `${url.pathname}${url.search}`);
}

/** The windows that may run an engine: not the documents under /ports/ themselves; the requesting window first. */
async function candidates(): Promise<WindowClient[]> {
  const all = await scope.clients.matchAll({ type: 'window', includeUncontrolled: true });
  return all.filter((c) => !new URL(c.url).pathname.startsWith(PORTS_PREFIX));
}

async function forward(request: Request, hostPort: number, target: string): Promise<Response> {
  const headers: [string, string][] = [];
  request.headers.forEach((value, name) => headers.push([name, value]));
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const portRequest: PortFetchRequest = { hostPort, method: request.method, target, headers, body: hasBody ? await request.arrayBuffer() : null };
  let notPublished: Response | null = null;
  for (const client of await candidates()) {
    const response = await askClient(client, portRequest, request.signal);
    if (!response) continue;
    if (response.headers.get('x-drydock-error') === 'not-published') {
      await response.body?.cancel();
      notPublished ??= response;
      continue;
    }
    return response;
  }
  if (notPublished) {
    return textResponse(502, 'Bad Gateway', `Drydock: nothing is published on port ${hostPort} (docker run -p ${hostPort}:PORT publishes a container's port there)`, [
      ['X-Drydock-Error', 'not-published'],
    ]);
  }
  return textResponse(503, 'Service Unavailable', `Drydock: no open page runs a Drydock engine, so port ${hostPort} cannot be reached (open the playground in another tab and keep it open)`, [
    ['X-Drydock-Error', 'no-engine'],
  ]);
}

/** Sends the request to one window; its engine's response, or null when it has no engine (or never answers). */
async function askClient(client: WindowClient, request: PortFetchRequest, signal: AbortSignal): Promise<Response | null> {
  const channel = new MessageChannel();
  const inbox = new PortInbox<PortReply>(channel.port1);
  const send = (command: PortCommand): void => channel.port1.postMessage(command);
  const message: PortFetchMessage = { type: 'drydock-port-fetch', request };
  client.postMessage(message, [channel.port2]);
  const answer = await inbox.next(ANSWER_TIMEOUT_MS);
  if (answer?.type !== 'accepted') {
    inbox.close();
    return null;
  }
  const head = await inbox.next();
  if (head === null || head.type !== 'head') {
    inbox.close();
    const why = head?.type === 'failed' ? head.message : 'the page went away';
    return textResponse(502, 'Bad Gateway', `Drydock: the engine could not fetch port ${request.hostPort}: ${why}`, [['X-Drydock-Error', 'engine-failed']]);
  }
  let finished = false;
  const finish = (cancel: boolean): void => {
    if (finished) return;
    finished = true;
    signal.removeEventListener('abort', onAbort);
    if (cancel) send({ type: 'cancel' });
    inbox.close();
  };
  const onAbort = (): void => finish(true);
  signal.addEventListener('abort', onAbort, { once: true });
  const noBody = request.method === 'HEAD' || [101, 103, 204, 205, 304].includes(head.status);
  const body = noBody
    ? null
    : new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            if (finished) return controller.error(new Error('Drydock: the request was aborted'));
            send({ type: 'pull' });
            const reply = await inbox.next();
            if (reply?.type === 'chunk') controller.enqueue(reply.bytes);
            else if (reply?.type === 'end') {
              finish(false);
              controller.close();
            } else {
              finish(false);
              controller.error(new Error(reply?.type === 'failed' ? reply.message : 'Drydock: the page serving this port went away'));
            }
          },
          cancel() {
            finish(true);
          },
        },
        { highWaterMark: 0 },
      );
  if (noBody) finish(true);
  return new Response(body, { status: head.status, statusText: head.statusText, headers: responseHeaders(head.headers, request.hostPort) });
}

/** The server's headers for the page: Location mapped under /ports/PORT/, isolation headers added when missing. */
function responseHeaders(headers: [string, string][], hostPort: number): Headers {
  const out = new Headers();
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'location') {
      out.append(name, value);
      continue;
    }
    const absolute = /^https?:\/\/(?:localhost|127(?:\.[0-9]{1,3}){3}|\[::1\])(?::([0-9]{1,5}))?(\/[^]*)?$/i.exec(value);
    if (absolute && Number(absolute[1] ?? 80) === hostPort) out.append(name, `/ports/${hostPort}${absolute[2] ?? '/'}`);
    else if (value.startsWith('/') && !value.startsWith('//')) out.append(name, `/ports/${hostPort}${value}`);
    else out.append(name, value);
  }
  if (!out.has('cross-origin-embedder-policy')) out.set('Cross-Origin-Embedder-Policy', 'require-corp');
  if (!out.has('cross-origin-resource-policy')) out.set('Cross-Origin-Resource-Policy', 'same-origin');
  return out;
}
