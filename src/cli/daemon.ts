/**
 * `drydock daemon [--host unix:///PATH] [--host tcp://127.0.0.1:PORT] [--data-root DIR]
 *                 [--storage disk|memory] [--storage-quota SIZE] [--allow-remote] [--no-outbound]
 *                 [--backend wasm|host] [--host-engine URL]`
 *
 * Serves the Docker Engine API so the real docker CLI, docker-compose,
 * dockerode and docker-py can drive Drydock. State lives under the data root
 * (images, containers, volumes) and comes back on restart. With `--backend
 * host` the same API is served in front of a real Docker engine
 * (daemon-host.ts): containers run natively there and Drydock keeps no state.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../engine/daemon/engine.ts';
import { ramInBytes } from '../engine/containers/storage-opt.ts';
import { fromWhatwgFetch } from '../engine/images/registry/http.ts';
import { MemoryBlobStore } from '../platform/memory/blob-store.ts';
import { defaultDataRoot, DirBlobStore } from '../platform/node/dir-blob-store.ts';
import { HostFs } from '../platform/node/host-fs.ts';
import { HttpTransport } from '../platform/node/http-transport.ts';
import { nodeKernelPlatform, NodeHostNetwork, NodePortPublisher } from '../platform/node/index.ts';
import { NetworkManager } from '../net/manager.ts';
import { Kernel } from '../kernel/kernel.ts';
import type { BlobStore } from '../platform/types.ts';
import type { VolumeDriver } from '../engine/volumes/volumes.ts';
import { MemoryVolumeDriver } from '../engine/volumes/memory-driver.ts';
import { packageRoot } from './serve.ts';
import { untilSignal } from './until-signal.ts';

interface DaemonOptions {
  hosts: string[];
  dataRoot: string;
  storage: 'disk' | 'memory';
  /** The global storage quota in bytes (images, layers, containers' writable layers), or null. */
  storageQuota: number | null;
  allowRemote: boolean;
  /** Containers may open connections to the host's network (Docker's default). */
  outbound: boolean;
  /** `wasm`: Drydock's own engine; `host`: forward to the real Docker engine at `hostEngine`. */
  backend: 'wasm' | 'host';
  /** The real engine's address with `--backend host` (default unix:///var/run/docker.sock). */
  hostEngine: string | null;
  /** The options given explicitly (those of the wasm engine are refused with --backend host). */
  given: Set<string>;
}

class UsageError extends Error {}

/** Options of Drydock's own engine that mean nothing in front of a real engine. */
const WASM_ONLY_FLAGS = ['--data-root', '--storage', '--storage-quota', '--no-outbound'];


/** Where `--backend host` finds the real engine unless `--host-engine` says otherwise (not $DOCKER_HOST: it may point at Drydock). */
const DEFAULT_HOST_ENGINE = 'unix:///var/run/docker.sock';

/** Set by esbuild.config.mjs in dist/cli.js; absent when run from source (tsx). */
declare const __DRYDOCK_BUILD__: { gitCommit: string; buildTime: string } | undefined;

/** The Git commit and build time `docker version` shows (empty from source, as a dev build of dockerd). */
function buildInfo(): { gitCommit?: string; buildTime?: string } {
  if (typeof __DRYDOCK_BUILD__ === 'undefined') return {};
  return { ...(__DRYDOCK_BUILD__.gitCommit ? { gitCommit: __DRYDOCK_BUILD__.gitCommit } : {}), buildTime: __DRYDOCK_BUILD__.buildTime };
}
/** The per-user default socket: $XDG_RUNTIME_DIR/drydock.sock, else a private directory in the temp dir. */
export function defaultSocket(): string {
  const runtime = process.env.XDG_RUNTIME_DIR;
  if (runtime && existsSync(runtime)) return join(runtime, 'drydock.sock');
  return join(tmpdir(), `drydock-${process.getuid?.() ?? 'user'}`, 'drydock.sock');
}

function parseArgs(argv: string[]): DaemonOptions {
  const options: DaemonOptions = {
    hosts: [],
    dataRoot: defaultDataRoot(),
    storage: 'disk',
    storageQuota: null,
    allowRemote: false,
    outbound: true,
    backend: 'wasm',
    hostEngine: null,
    given: new Set(),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    options.given.add(flag);
    switch (flag) {
      case '--backend': {
        const backend = value();
        if (backend !== 'wasm' && backend !== 'host') throw new UsageError(`--backend must be wasm or host, not "${backend}"`);
        options.backend = backend;
        break;
      }
      case '--host-engine':
        options.hostEngine = value();
        break;
      case '-H':
      case '--host':
        options.hosts.push(value());
        break;
      case '--data-root':
        options.dataRoot = value();
        break;
      case '--storage': {
        const storage = value();
        if (storage !== 'disk' && storage !== 'memory') throw new UsageError(`--storage must be disk or memory, not "${storage}"`);
        options.storage = storage;
        break;
      }
      case '--storage-quota': {
        const text = value();
        const bytes = ramInBytes(text);
        if (bytes === null || bytes === 0) throw new UsageError(`--storage-quota must be a size such as 500m or 10g, not "${text}"`);
        options.storageQuota = bytes;
        break;
      }
      case '--allow-remote':
        options.allowRemote = true;
        break;
      case '--no-outbound':
        options.outbound = false;
        break;
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  if (options.hosts.length === 0) options.hosts.push(`unix://${defaultSocket()}`);
  if (options.backend === 'host') {
    for (const flag of WASM_ONLY_FLAGS) if (options.given.has(flag)) throw new UsageError(`${flag} is not used with --backend host (the real engine keeps the state)`);
  } else if (options.hostEngine !== null) {
    throw new UsageError('--host-engine needs --backend host');
  }
  return options;
}

/** Named volumes as directories under the data root (Docker's layout), or in memory (kept in the memory store). */
async function volumeDriver(options: DaemonOptions, blobs: BlobStore): Promise<VolumeDriver> {
  if (options.storage === 'memory') {
    return MemoryVolumeDriver.open(blobs, { type: 'ext4', mountpoint: (name) => `memory:/volumes/${name}/_data` });
  }
  const dir = (name: string) => join(options.dataRoot, 'volumes', name, '_data');
  return {
    open(name) {
      mkdirSync(dir(name), { recursive: true });
      return new HostFs(dir(name));
    },
    async destroy(name) {
      rmSync(join(options.dataRoot, 'volumes', name), { recursive: true, force: true });
    },
    mountpoint: dir,
  };
}

/** The shipped images (public/images/*.tar). */
function shippedImages(): Uint8Array[] {
  const dir = join(packageRoot(), 'public', 'images');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tar'))
    .sort()
    .map((f) => readFileSync(join(dir, f)));
}

export async function daemonCommand(argv: string[]): Promise<number> {
  let options: DaemonOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    process.stderr.write(`drydock daemon: ${(error as Error).message}\n`);
    return 125;
  }
  if (options.backend === 'host') {
    const { hostDaemon } = await import('./daemon-host.ts');
    return hostDaemon({ hosts: options.hosts, allowRemote: options.allowRemote, hostEngine: options.hostEngine ?? DEFAULT_HOST_ENGINE });
  }
  let blobs: BlobStore;
  try {
    const quotaBytes = options.storageQuota;
    blobs =
      options.storage === 'memory'
        ? await MemoryBlobStore.open(undefined, { quotaBytes })
        : await DirBlobStore.open({ root: join(options.dataRoot, 'store'), quotaBytes });
  } catch (error) {
    process.stderr.write(`drydock daemon: cannot open the data root ${options.dataRoot}: ${(error as Error).message}\n`);
    return 1;
  }
  const engine = await createEngine({
    kernel: new Kernel({ ...nodeKernelPlatform(), memoryTotal: totalmem() }),
    blobs,
    distribution: { fetch: fromWhatwgFetch(globalThis.fetch), browser: false },
    preloadImages: async () => shippedImages(),
    volumes: await volumeDriver(options, blobs),
    binds: { open: (path, readOnly) => (existsSync(path) ? new HostFs(path, readOnly) : null) },
    network: new NetworkManager({ host: new NodeHostNetwork(), outbound: options.outbound, publisher: new NodePortPublisher() }),
    ncpu: availableParallelism(),
    memTotal: totalmem(),
    dataRoot: options.storage === 'memory' ? 'memory' : options.dataRoot,
    runtime: `node ${process.version}`,
    ...buildInfo(),
    name: hostname(),
  });
  const transport = new HttpTransport(engine.api.respond);
  const listening: string[] = [];
  try {
    for (const host of options.hosts) {
      if (host.startsWith('unix://')) mkdirSync(join(host.slice('unix://'.length), '..'), { recursive: true });
      listening.push(await transport.listen(host, { allowRemote: options.allowRemote }));
    }
  } catch (error) {
    process.stderr.write(`drydock daemon: ${(error as Error).message}\n`);
    await transport.close();
    await engine.shutdown();
    return 1;
  }
  const quota = options.storageQuota === null ? '' : `, storage quota: ${options.storageQuota} bytes`;
  process.stdout.write(`Drydock engine ready (data root: ${options.storage === 'memory' ? 'in memory' : options.dataRoot}${quota})\n`);
  for (const url of listening) process.stdout.write(`  listening on ${url}\n`);
  process.stdout.write(`To use it:\n  export DOCKER_HOST=${listening[0]}\n`);
  await untilSignal('stopping containers and saving state', async () => {
    await transport.close();
    await engine.shutdown();
  });
  return 0;
}
