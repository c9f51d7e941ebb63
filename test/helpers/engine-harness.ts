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
import type { ImagesBackend } from '../../src/engine/api/routers/image-backend.ts';
import { NotImplementedError } from '../../src/engine/errors.ts';
import type { ImageSummary } from '../../src/engine/types/image.ts';
import { MemFs } from '../../src/unionfs/memfs/memfs.ts';
import { MemoryBlobStore } from '../../src/platform/memory/blob-store.ts';
import { HostFs } from '../../src/platform/node/host-fs.ts';
import { HttpTransport } from '../../src/platform/node/http-transport.ts';
import { newKernel } from './kernel-harness.ts';
import { testImages } from './test-images.ts';

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
  const images = await testImages();
  const volumes = new Map<string, MemFs>();
  const engine = await createEngine({
    kernel: newKernel({ warmWorkers: 2 }),
    blobs: await MemoryBlobStore.open(),
    images: async () => ({
      source: images,
      backend: new Proxy({} as ImagesBackend, {
        get: (_target, method) =>
          method === 'list'
            ? async (): Promise<ImageSummary[]> =>
                images.images.map((i) => ({ Id: i.id, RepoTags: [...i.repoTags], RepoDigests: [], ParentId: '', Created: 0, Size: 0, SharedSize: -1, VirtualSize: 0, Labels: {}, Containers: -1 }) as ImageSummary)
            : async () => {
                throw new NotImplementedError('the test engine has no image store');
              },
      }),
    }),
    volumes: {
      open: (name) => {
        let fs = volumes.get(name);
        if (!fs) volumes.set(name, (fs = new MemFs({ type: 'ext4' })));
        return fs;
      },
      destroy: async (name) => {
        volumes.delete(name);
      },
      mountpoint: (name) => `/var/lib/drydock/volumes/${name}/_data`,
    },
    binds: { open: (path, readOnly) => (existsSync(path) ? new HostFs(path, readOnly) : null) },
    ncpu: 2,
    memTotal: 4 * 1024 ** 3,
    dataRoot: dir,
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
