/**
 * Entry point of the browser kernel worker (bundled to dist/browser/kernel-worker.js).
 * It runs the whole engine — kernel, image store, containers — so neither
 * the page nor the kernel ever blocks; process workers are started from
 * here. The page talks to it through comlink (src/main.browser.ts): Docker
 * API requests, streams and hijacked sessions cross as small messages.
 */
import * as Comlink from 'comlink';
import { Kernel } from './kernel/kernel.ts';
import { HostInputDescription, HostOutputDescription } from './kernel/fd/host-stream.ts';
import { createEngine } from './engine/daemon/engine.ts';
import type { Engine } from './engine/daemon/engine.ts';
import { fromWhatwgFetch } from './engine/images/registry/http.ts';
import { inProcessTransport } from './engine/client/transport.ts';
import type { ClientRequest, ClientResponse, EngineTransport, HijackHandle, StreamHandle } from './engine/client/transport.ts';
import { BrowserWorkerHost, yieldToEventLoop } from './platform/browser/worker-host.ts';
import { IdbBlobStore } from './platform/browser/idb-blob-store.ts';
import { FetchHostNetwork } from './platform/browser/net-fetch.ts';
import { NetworkManager } from './net/manager.ts';
import { servePortRequest } from './platform/browser/port-bridge.ts';
import type { PortFetchRequest } from './platform/browser/port-bridge.ts';
import { MemoryBlobStore } from './platform/memory/blob-store.ts';
import { MemFs } from './unionfs/memfs/memfs.ts';
import { MemoryVolumeDriver } from './engine/volumes/memory-driver.ts';
import { MountNamespace } from './unionfs/vfs/mount-namespace.ts';
import type { HostInput } from './platform/types.ts';

export interface EngineInitOptions {
  /** Where the shipped images are: a URL whose images.json lists the tars. */
  readonly imagesUrl: string;
  /** "indexeddb" (default): state survives reloads; "memory": a fresh engine per page. */
  readonly storage?: 'indexeddb' | 'memory';
  /** IndexedDB database name (several independent playgrounds on one origin). */
  readonly database?: string;
  /**
   * Whether containers may reach servers outside (plain HTTP through the
   * browser's fetch, src/platform/browser/net-fetch.ts); default true. false
   * is `drydock daemon --no-outbound`: outbound connects answer ENETUNREACH.
   */
  readonly outbound?: boolean;
}

export interface WasmRunResult {
  readonly exitCode: number;
  readonly signal: number | null;
  readonly error: string | null;
}

export interface WasmRunOptions {
  readonly args?: string[];
  readonly env?: string[];
  readonly stdin?: string;
}

class StringInput implements HostInput {
  readonly isTTY = false;
  private done = false;
  constructor(private readonly text: string) {}
  async read(): Promise<Uint8Array | null> {
    if (this.done || this.text === '') return null;
    this.done = true;
    return new TextEncoder().encode(this.text);
  }
  close(): void {}
}

const kernel = new Kernel({
  workerHost: new BrowserWorkerHost(new URL('./process-worker.js', import.meta.url)),
  yieldToEventLoop,
  warmWorkers: 1,
  memoryTotal: 2 * 1024 ** 3,
});

let engine: Engine | null = null;
let transport: EngineTransport | null = null;
let starting: Promise<void> | null = null;
let nextHandle = 1;
/**
 * A stream or hijacked session the page holds by id, with the number of
 * chunks handed to the page's callback: the page's `done` waits until that
 * many have arrived, because messages on the callback's port and on this
 * worker's port are not ordered with each other.
 */
interface Delivery<H> {
  readonly handle: H;
  readonly counted: { chunks: number };
}
/** How a stream or session ended, as `streamDone`/`hijackDone` report it. */
export interface DeliveryEnd {
  /** Chunks sent to the page's callback in all. */
  readonly chunks: number;
  /** The error `done` rejected with, or null. */
  readonly error: string | null;
}
const streams = new Map<number, Delivery<StreamHandle>>();
const sessions = new Map<number, Delivery<HijackHandle>>();

/** Waits for the end of a delivery and forgets it (the page asks once per id). */
async function deliveryEnd<H extends { readonly done: Promise<void> }>(table: Map<number, Delivery<H>>, id: number): Promise<DeliveryEnd> {
  const delivery = table.get(id);
  if (!delivery) return { chunks: 0, error: `no stream ${id}` };
  let error: string | null = null;
  try {
    await delivery.handle.done;
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure);
  }
  table.delete(id);
  return { chunks: delivery.counted.chunks, error };
}

async function loadShippedImages(base: string): Promise<Uint8Array[]> {
  const list = (await (await fetch(new URL('images.json', base))).json()) as { file: string }[];
  return Promise.all(list.map(async (entry) => new Uint8Array(await (await fetch(new URL(entry.file, base))).arrayBuffer())));
}

function needTransport(): EngineTransport {
  if (!transport) throw new Error('the engine is not started: call init() first');
  return transport;
}

/** What the page can call. */
export const kernelApi = {
  /** Starts the engine (once): storage, shipped images, restored containers. */
  init(options: EngineInitOptions): Promise<void> {
    starting ??= (async () => {
      const blobs = options.storage === 'memory' ? await MemoryBlobStore.open() : await IdbBlobStore.open({ name: options.database ?? 'drydock-engine' });
      engine = await createEngine({
        kernel,
        blobs,
        network: new NetworkManager({ host: new FetchHostNetwork(), outbound: options.outbound ?? true }),
        distribution: { fetch: fromWhatwgFetch(globalThis.fetch.bind(globalThis)), browser: true },
        preloadImages: () => loadShippedImages(new URL(options.imagesUrl, self.location.href).href),
        volumes: await MemoryVolumeDriver.open(blobs, {
          type: 'tmpfs',
          mountpoint: (name) => `/var/lib/drydock/volumes/${name}/_data`,
          onCorrupt: (name, error) => console.warn(`drydock: volume ${name} could not be restored (${error.message}); it starts empty`),
        }),
        ncpu: navigator.hardwareConcurrency || 1,
        memTotal: 2 * 1024 ** 3,
        dataRoot: options.storage === 'memory' ? 'memory' : `indexeddb:${options.database ?? 'drydock-engine'}`,
        runtime: navigator.userAgent,
      });
      transport = inProcessTransport(engine.api);
    })();
    return starting;
  },

  request(request: ClientRequest): Promise<ClientResponse> {
    return needTransport().request(request);
  },

  async stream(request: ClientRequest, onChunk: (chunk: Uint8Array) => void): Promise<{ id: number; status: number; headers: Record<string, string> }> {
    const counted = { chunks: 0 };
    const handle = await needTransport().stream(request, (chunk) => {
      counted.chunks++;
      onChunk(chunk);
    });
    const id = nextHandle++;
    streams.set(id, { handle, counted });
    return { id, status: handle.status, headers: { ...handle.headers } };
  },
  /** Resolves when the stream `id` ended, with the number of chunks sent (the page calls it once per stream). */
  streamDone(id: number): Promise<DeliveryEnd> {
    return deliveryEnd(streams, id);
  },
  streamCancel(id: number): void {
    streams.get(id)?.handle.cancel();
  },

  async hijack(request: ClientRequest, onOutput: (chunk: Uint8Array) => void): Promise<{ id: number; status: number; error: string | null }> {
    const counted = { chunks: 0 };
    const handle = await needTransport().hijack(request, (chunk) => {
      counted.chunks++;
      onOutput(chunk);
    });
    const id = nextHandle++;
    sessions.set(id, { handle, counted });
    return { id, status: handle.status, error: handle.error };
  },
  hijackWrite(id: number, bytes: Uint8Array): void {
    sessions.get(id)?.handle.write(bytes);
  },
  hijackCloseWrite(id: number): void {
    sessions.get(id)?.handle.closeWrite();
  },
  /** Resolves when the session `id` ended, with the number of output chunks sent (the page calls it once per session). */
  hijackDone(id: number): Promise<DeliveryEnd> {
    return deliveryEnd(sessions, id);
  },

  /**
   * Answers one request of the ports Service Worker on `port`: fetches
   * `http://localhost:PORT/...` through engine.fetch (the published port)
   * and streams the response (src/platform/browser/port-bridge.ts).
   */
  async servePort(port: MessagePort, request: PortFetchRequest): Promise<void> {
    await starting?.catch(() => {});
    const running = engine;
    if (!running) {
      port.postMessage({ type: 'failed', message: 'the engine did not start' });
      port.close();
      return;
    }
    await servePortRequest(port, request, (r) => running.fetch(r) as Promise<Response>);
  },

  /** Runs a bare WASI module in a fresh sandbox (no image, no container); output through `onOutput(fd, bytes)`. */
  async runWasm(module: Uint8Array, options: WasmRunOptions, onOutput: (fd: number, bytes: Uint8Array) => void | Promise<void>): Promise<WasmRunResult> {
    const mounts = new MountNamespace(new MemFs(), { source: 'sandbox' });
    // onOutput is a Comlink proxy: its calls travel on their own port, so the result could overtake
    // them. The result is sent only once every output call has been delivered.
    const delivered: (void | Promise<void>)[] = [];
    const out = (fd: number) => new HostOutputDescription({ isTTY: false, write: (bytes) => void delivered.push(onOutput(fd, bytes)) });
    const proc = await kernel.spawn({
      path: 'program.wasm',
      module,
      args: ['program.wasm', ...(options.args ?? [])],
      env: options.env ?? [],
      mounts,
      stdio: [new HostInputDescription(new StringInput(options.stdin ?? '')), out(1), out(2)],
    });
    const exit = await proc.exited;
    await Promise.all(delivered);
    return { exitCode: exit.exitCode, signal: exit.signal, error: exit.error };
  },
};

export type KernelApi = typeof kernelApi;

Comlink.expose(kernelApi);
