/**
 * How the UI gets an engine. The UI layer may not import the browser entry
 * (src/main.browser.ts), so the entry hands it a factory at load time
 * (`provideEngineFactory(createDrydock)`); components then call
 * `connectEngine`, which starts one engine per (storage, database, images)
 * and shares it between the playgrounds of a page.
 */
import type { DockerClient } from '../engine/client/client.ts';

/** A running engine as the UI sees it. */
export interface PlaygroundEngine {
  readonly docker: DockerClient;
  /** Published ports in this page (the ports Service Worker); absent where the engine offers none. */
  readonly ports?: PlaygroundPorts;
  terminate(): void;
}

/** How the page opens what a container publishes (src/sw.browser.ts serves `/ports/PORT/`). */
export interface PlaygroundPorts {
  /** True once links to published ports work in this page. */
  readonly ready: Promise<boolean>;
  /** The page URL that shows `http://localhost:PORT/`. */
  url(hostPort: number): string;
}

export interface EngineOptions {
  /** Where the shipped images are (images.json and the tars). */
  readonly imagesUrl?: string;
  /** "indexeddb" (state survives reloads) or "memory". */
  readonly storage?: 'indexeddb' | 'memory';
  /** IndexedDB database name. */
  readonly database?: string;
}

export type EngineFactory = (options: EngineOptions) => Promise<PlaygroundEngine>;

/** Thrown when no entry point provided a factory (the UI was loaded without the engine bundle). */
export class NoEngineError extends Error {}

let factory: EngineFactory | null = null;
const engines = new Map<string, Promise<PlaygroundEngine>>();

/** Called once by the bundle's entry point. */
export function provideEngineFactory(create: EngineFactory): void {
  factory = create;
}

/** The shared engine for `options`, started on first use. A failed start is not cached. */
export function connectEngine(options: EngineOptions): Promise<PlaygroundEngine> {
  if (!factory) return Promise.reject(new NoEngineError('no Drydock engine is available in this page (load dist/browser/drydock.js)'));
  const key = JSON.stringify([options.storage ?? 'indexeddb', options.database ?? '', options.imagesUrl ?? '']);
  let engine = engines.get(key);
  if (!engine) {
    engine = factory(options);
    engines.set(key, engine);
    engine.catch(() => engines.delete(key));
  }
  return engine;
}
