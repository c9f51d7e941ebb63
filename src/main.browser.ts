/**
 * The page's entry point (bundled to dist/browser/drydock.js): starts the
 * kernel worker, which runs the engine, and returns a Docker client for it.
 *
 *   const drydock = await createDrydock();
 *   const id = await drydock.docker.createContainer({ Image: 'busybox', Cmd: ['echo', 'hi'] });
 */
import * as Comlink from 'comlink';
import { DockerClient } from './engine/client/client.ts';
import type { ClientRequest, EngineTransport } from './engine/client/transport.ts';
import type { DeliveryEnd, EngineInitOptions, KernelApi, WasmRunOptions, WasmRunResult } from './kernel-worker.browser.ts';
import { listenForPortRequests, portPath, registerPortsWorker } from './platform/browser/port-bridge.ts';
import type { PortFetchRequest } from './platform/browser/port-bridge.ts';

export type { WasmRunOptions, WasmRunResult };
export { DockerApiError, DockerClient, StdcopyDemuxer } from './engine/client/client.ts';
// The UI: <drydock-playground> and <drydock-terminal> are defined when this bundle loads; they start the engine through createDrydock.
export { DockerCli, DrydockPlayground, DrydockTerminal, HostShell, MemoryWorkspace } from './ui/index.ts';
import { provideEngineFactory } from './ui/index.ts';

export class DrydockUnavailableError extends Error {}

export interface Drydock {
  /** A Docker API client for the engine in this page. */
  readonly docker: DockerClient;
  /** Runs a bare WASI module (no image, no container); returns its status and what it wrote. */
  runWasm(module: Uint8Array, options?: WasmRunOptions): Promise<WasmRunResult & { stdout: string; stderr: string }>;
  /** Published ports in this page: `/ports/PORT/` shows what `http://localhost:PORT/` serves (src/sw.browser.ts). */
  readonly ports: PublishedPorts;
  terminate(): void;
}

/** Where the page reaches the containers' published ports. */
export interface PublishedPorts {
  /** Resolves true once the ports Service Worker is active, false when this page cannot have one. */
  readonly ready: Promise<boolean>;
  /** The page URL of a published port (`/ports/8080/`), which an iframe or a link may open once `ready` is true. */
  url(hostPort: number): string;
}

export interface CreateDrydockOptions {
  /** Where dist/browser/*.js are (default: next to this bundle). */
  readonly scriptBase?: string | URL;
  /** Where the shipped images are (default: /images/ of this origin). */
  readonly imagesUrl?: string;
  /** "indexeddb" (default; state survives reloads) or "memory". */
  readonly storage?: EngineInitOptions['storage'];
  readonly database?: string;
  /** Whether containers may reach servers outside through the browser's fetch (plain HTTP; default true). */
  readonly outbound?: boolean;
  /**
   * The ports Service Worker's script, registered with the scope `/ports/`
   * (default: `/sw.js` of this origin, the site's public/sw.js, which imports
   * dist/browser/sw.js). null: do not register one (links to published
   * ports then do not work in this page).
   */
  readonly serviceWorker?: string | null;
}

/** The engines of this page that serve published ports, oldest first (the first one answers the Service Worker). */
const portServers: ((port: MessagePort, request: PortFetchRequest) => void)[] = [];
let listening = false;
let portsWorker: Promise<boolean> | null = null;

/** Registers the ports Service Worker once per page and answers its requests from this page's first engine. */
function servePublishedPorts(api: Comlink.Remote<KernelApi>, scriptUrl: string | null): { ready: Promise<boolean>; stop(): void } {
  const server = (port: MessagePort, request: PortFetchRequest): void => void api.servePort(Comlink.transfer(port, [port]), request);
  portServers.push(server);
  if (!listening) {
    listening = true;
    listenForPortRequests(() => portServers[0] ?? null);
  }
  const stop = (): void => {
    const i = portServers.indexOf(server);
    if (i >= 0) portServers.splice(i, 1);
  };
  if (scriptUrl === null) return { ready: Promise.resolve(false), stop };
  portsWorker ??= registerPortsWorker(scriptUrl);
  return { ready: portsWorker, stop };
}

/**
 * Counts the chunks a callback proxy delivered. Chunks come through the
 * proxy's MessagePort and the end of the stream through the worker's port,
 * which the browser does not order with each other; the worker reports how
 * many chunks it sent (DeliveryEnd), and `done` waits until that many
 * arrived here.
 */
class ChunkCounter {
  private received = 0;
  private waiter: { count: number; resolve: () => void } | null = null;

  /** Wraps a chunk callback so that its calls are counted. */
  counting(callback: (chunk: Uint8Array) => void): (chunk: Uint8Array) => void {
    return (chunk) => {
      this.received++;
      if (this.waiter && this.received >= this.waiter.count) {
        this.waiter.resolve();
        this.waiter = null;
      }
      callback(chunk);
    };
  }

  /** Settles after the worker's end and all the chunks it counted; rejects as the worker's `done` did. */
  async after(end: Promise<DeliveryEnd>): Promise<void> {
    const { chunks, error } = await end;
    if (this.received < chunks) await new Promise<void>((resolve) => (this.waiter = { count: chunks, resolve }));
    if (error !== null) throw new Error(error);
  }
}

/** The engine's transport in the kernel worker, seen from the page. */
function remoteTransport(api: Comlink.Remote<KernelApi>): EngineTransport {
  const plain = (request: ClientRequest): ClientRequest => ({ ...request, ...(request.body ? { body: request.body.slice() } : {}) });
  return {
    request: (request) => api.request(plain(request)),
    async stream(request, onChunk) {
      const counter = new ChunkCounter();
      const { id, status, headers } = await api.stream(plain(request), Comlink.proxy(counter.counting(onChunk)));
      return { status, headers, done: counter.after(api.streamDone(id)), cancel: () => void api.streamCancel(id) };
    },
    async hijack(request, onOutput) {
      const counter = new ChunkCounter();
      const { id, status, error } = await api.hijack(plain(request), Comlink.proxy(counter.counting(onOutput)));
      return {
        status,
        error,
        write: (bytes) => void api.hijackWrite(id, bytes.slice()),
        closeWrite: () => void api.hijackCloseWrite(id),
        done: counter.after(api.hijackDone(id)),
      };
    },
  };
}

/**
 * Starts Drydock in this page. Needs cross-origin isolation (the page served
 * with COOP: same-origin and COEP: require-corp), because guests make
 * synchronous system calls over SharedArrayBuffer.
 */
export async function createDrydock(options: CreateDrydockOptions = {}): Promise<Drydock> {
  if (!globalThis.crossOriginIsolated) {
    throw new DrydockUnavailableError(
      'Drydock needs a cross-origin isolated page (serve it with Cross-Origin-Opener-Policy: same-origin and ' +
        'Cross-Origin-Embedder-Policy: require-corp); without SharedArrayBuffer guests cannot make system calls. ' +
        'A JSPI-based fallback for non-isolated pages is not implemented yet.',
    );
  }
  const base = options.scriptBase ?? new URL('.', import.meta.url);
  const worker = new Worker(new URL('kernel-worker.js', base), { type: 'module', name: 'drydock-kernel' });
  const api = Comlink.wrap<KernelApi>(worker);
  const ports = servePublishedPorts(api, options.serviceWorker === undefined ? new URL('/sw.js', location.href).href : options.serviceWorker);
  await api.init({
    imagesUrl: options.imagesUrl ?? new URL('/images/', location.href).href,
    ...(options.storage ? { storage: options.storage } : {}),
    ...(options.database ? { database: options.database } : {}),
    ...(options.outbound !== undefined ? { outbound: options.outbound } : {}),
  });
  return {
    docker: new DockerClient(remoteTransport(api)),
    async runWasm(module, runOptions = {}) {
      const decoders: Record<number, TextDecoder> = { 1: new TextDecoder(), 2: new TextDecoder() };
      const text: Record<number, string> = { 1: '', 2: '' };
      const result = await api.runWasm(
        Comlink.transfer(module, [module.buffer]),
        runOptions,
        Comlink.proxy((fd: number, bytes: Uint8Array) => {
          text[fd] += decoders[fd]!.decode(bytes, { stream: true });
        }),
      );
      return { ...result, stdout: text[1]!, stderr: text[2]! };
    },
    ports: { ready: ports.ready, url: (hostPort) => new URL(portPath(hostPort), location.href).href },
    terminate() {
      ports.stop();
      worker.terminate();
    },
  };
}

provideEngineFactory((options) => createDrydock(options));
