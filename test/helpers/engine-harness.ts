/**
 * An engine for tests: a real kernel, memory storage, test images (until the
 * image store is wired), served on a temporary unix socket for the real
 * docker CLI.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createEngine } from '../../src/engine/daemon/engine.ts';
import type { Engine } from '../../src/engine/daemon/engine.ts';
import { MemoryBlobStore } from '../../src/platform/memory/blob-store.ts';
import { MemoryVolumeDriver } from '../../src/engine/volumes/memory-driver.ts';
import { HostFs } from '../../src/platform/node/host-fs.ts';
import { HttpTransport } from '../../src/platform/node/http-transport.ts';
import { NodeHostNetwork, NodePortPublisher } from '../../src/platform/node/index.ts';
import { NetworkManager } from '../../src/net/manager.ts';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeTar } from '../../src/unionfs/tar/writer.ts';
import { newKernel, PROGRAMS } from './kernel-harness.ts';

const SHIPPED_IMAGES = fileURLToPath(new URL('../../public/images', import.meta.url));

/** The test programs, added to busybox as the image "drydock-test". */
const TEST_TOOLS = ['fsutil', 'sig', 'wasi-spin', 'wasi-memhog', 'proc-spawn'];

export const DOCKER = '/usr/local/bin/docker';
export const dockerSkip: string | false = !existsSync(DOCKER) && !process.env.CI ? `${DOCKER} is not installed` : false;

export interface TestEngine {
  readonly engine: Engine;
  readonly socket: string;
  /** Runs the real docker CLI against the engine; never throws, returns what it printed and its exit code. */
  docker(args: string[], options?: { input?: string; timeoutMs?: number }): Promise<{ stdout: string; stderr: string; code: number }>;
  close(): Promise<void>;
}

const execFileAsync = promisify(execFile);

export async function startTestEngine(): Promise<TestEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-engine-'));
  const socket = join(dir, 'docker.sock');
  const blobs = await MemoryBlobStore.open();
  const engine = await createEngine({
    kernel: newKernel({ warmWorkers: 2 }),
    blobs,
    preloadImages: async () =>
      readdirSync(SHIPPED_IMAGES)
        .filter((f) => f.endsWith('.tar'))
        .map((f) => readFileSync(join(SHIPPED_IMAGES, f))),
    volumes: await MemoryVolumeDriver.open(blobs, { type: 'ext4', mountpoint: (name) => `/var/lib/drydock/volumes/${name}/_data` }),
    binds: { open: (path, readOnly) => (existsSync(path) ? new HostFs(path, readOnly) : null) },
    network: new NetworkManager({ host: new NodeHostNetwork(), publisher: new NodePortPublisher() }),
    ncpu: 2,
    memTotal: 4 * 1024 ** 3,
    dataRoot: dir,
  });
  const busybox = engine.images.store.resolve('busybox');
  await engine.images.store.create({
    parent: busybox,
    layers: [
      writeTar([
        { path: 'usr/local/bin', type: 'dir', mode: 0o755 },
        ...TEST_TOOLS.map((name) => ({ path: `usr/local/bin/${name}`, type: 'file' as const, mode: 0o755, data: readFileSync(join(PROGRAMS, `${name}.wasm`)) })),
      ]),
    ],
    config: { ...busybox.config, history: [{ created_by: 'drydock test tools' }] },
    tags: ['drydock-test:latest'],
  });
  const transport = new HttpTransport(engine.api.respond);
  await transport.listen(`unix://${socket}`);
  return {
    engine,
    socket,
    async docker(args, options = {}) {
      const child = execFileAsync(DOCKER, args, {
        env: { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: dir, DOCKER_BUILDKIT: '0' },
        timeout: options.timeoutMs ?? 60_000,
        encoding: 'utf8',
      });
      if (options.input !== undefined) {
        child.child.stdin?.end(options.input);
      } else {
        child.child.stdin?.end();
      }
      try {
        const { stdout, stderr } = await child;
        return { stdout, stderr, code: 0 };
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string; code?: number | string };
        return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : -1 };
      }
    },
    async close() {
      await transport.close();
      await engine.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
