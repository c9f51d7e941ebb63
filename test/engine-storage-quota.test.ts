/**
 * Storage quotas through the real docker CLI: the per-container limit
 * (`--storage-opt size=`) and the global one (the store's quotaBytes,
 * `drydock daemon --storage-quota`). When space runs out the guest gets
 * ENOSPC, the engine keeps working, what was written before is intact, and
 * freeing space makes writes work again.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../src/engine/daemon/engine.ts';
import type { Engine } from '../src/engine/daemon/engine.ts';
import { MemFs } from '../src/unionfs/memfs/memfs.ts';
import { MemoryBlobStore } from '../src/platform/memory/blob-store.ts';
import { HttpTransport } from '../src/platform/node/http-transport.ts';
import type { BlobStore } from '../src/platform/types.ts';
import { DOCKER, dockerSkip, startTestEngine, type TestEngine } from './helpers/engine-harness.ts';
import { newKernel } from './helpers/kernel-harness.ts';

const MiB = 1024 * 1024;
const IMAGES = fileURLToPath(new URL('../public/images', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `wc -c` of a file, as the guest printed it on a line "NAME=BYTES". */
function sizeFrom(stdout: string, name: string): number {
  const match = new RegExp(`^${name}=\\s*(\\d+)`, 'm').exec(stdout);
  assert.ok(match, `no ${name}= in ${JSON.stringify(stdout)}`);
  return Number(match[1]);
}

describe('per-container --storage-opt size=', { skip: dockerSkip, timeout: 240_000 }, () => {
  let engine: TestEngine;
  const host = mkdtempSync(join(tmpdir(), 'drydock-quota-cp-'));
  before(async () => {
    engine = await startTestEngine();
  });
  after(async () => {
    await engine?.close();
    rmSync(host, { recursive: true, force: true });
  });

  test('a write past the limit gets ENOSPC, the container exits normally, earlier files stay intact', async () => {
    const run = await engine.docker([
      'run', '--name', 'capped', '--storage-opt', 'size=1m', 'busybox', 'sh', '-c',
      'echo kept > /keep; dd if=/dev/zero of=/big bs=1k count=4096; echo rc=$?; echo big=$(wc -c < /big)',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^dd: error writing '\/big': No space left on device\n\d+\+0 records in\n\d+\+0 records out\n/m); // busybox 1.35's wording
    assert.match(run.stdout, /^rc=1$/m);
    const big = sizeFrom(run.stdout, 'big');
    assert.ok(big > 0.9 * MiB && big <= MiB, `/big has ${big} bytes, expected just under 1 MiB`);

    const inspect = await engine.docker(['inspect', '-f', '{{json .HostConfig.StorageOpt}} {{.State.Status}} {{.State.ExitCode}}', 'capped']);
    assert.equal(inspect.stdout.trim(), '{"size":"1m"} exited 0');
    const diff = await engine.docker(['diff', 'capped']);
    assert.deepEqual(diff.stdout.trim().split('\n').sort(), ['A /big', 'A /keep']);
    const cp = await engine.docker(['cp', 'capped:/keep', join(host, 'keep')]);
    assert.equal(cp.code, 0, cp.stderr);
    assert.equal(readFileSync(join(host, 'keep'), 'utf8'), 'kept\n');

    const next = await engine.docker(['run', '--rm', 'busybox', 'echo', 'engine still works']);
    assert.equal(next.stdout, 'engine still works\n');
  });

  test('the limit still holds when the container runs again (the refused write left nothing unaccounted)', async () => {
    const again = await engine.docker(['start', '-a', 'capped']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /No space left on device/);
    const sizes = await engine.docker(['start', '-a', 'capped']);
    const big = sizeFrom(sizes.stdout, 'big');
    assert.ok(big <= MiB, `/big has ${big} bytes after two more runs, the limit is 1 MiB`);
    const keep = await engine.docker(['cp', 'capped:/keep', join(host, 'keep2')]);
    assert.equal(keep.code, 0, keep.stderr);
    assert.equal(readFileSync(join(host, 'keep2'), 'utf8'), 'kept\n');
  });

  test('deleting files frees their space: a write that did not fit fits afterwards', async () => {
    const run = await engine.docker([
      'run', '--rm', '--storage-opt', 'size=1m', 'busybox', 'sh', '-c',
      'dd if=/dev/zero of=/a bs=1k count=4096 2>/dev/null; echo first=$?; ' +
        'dd if=/dev/zero of=/b bs=1k count=512 2>/dev/null; echo second=$?; ' +
        'rm /a; dd if=/dev/zero of=/b bs=1k count=512 2>/dev/null; echo third=$?; echo b=$(wc -c < /b)',
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^first=1$/m);
    assert.match(run.stdout, /^second=1$/m, 'the layer is full');
    assert.match(run.stdout, /^third=0$/m, 'rm freed the space');
    assert.equal(sizeFrom(run.stdout, 'b'), 512 * 1024);
  });

  test('sizes as go-units reads them; size=0 means no limit', async () => {
    const run = await engine.docker([
      'run', '--rm', '--storage-opt', 'size=1.5MiB', 'busybox', 'sh', '-c',
      'dd if=/dev/zero of=/a bs=1k count=1400 2>/dev/null; echo a=$?; dd if=/dev/zero of=/b bs=1k count=200 2>/dev/null; echo b=$?',
    ]);
    assert.match(run.stdout, /^a=0\nb=1$/m);
    const unlimited = await engine.docker(['run', '--rm', '--storage-opt', 'size=0', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/a bs=1k count=3072 2>/dev/null; echo rc=$?']);
    assert.equal(unlimited.stdout, 'rc=0\n');
  });

  test('bad values are refused at create with a clear 400, and no container is left behind', async () => {
    const before = (await engine.docker(['ps', '-aq'])).stdout;
    const bad = await engine.docker(['create', '--storage-opt', 'size=abc', 'busybox']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Error response from daemon: invalid storage option size=abc: invalid size: 'abc'/);
    const unknown = await engine.docker(['run', '--rm', '--storage-opt', 'foo=1', 'busybox', 'true']);
    assert.equal(unknown.code, 125);
    assert.match(unknown.stderr, /invalid storage option "foo": unknown option foo \(only size= is supported/);
    assert.equal((await engine.docker(['ps', '-aq'])).stdout, before);
    // 400 (invalid parameter), as the engine answers it.
    const response = await engine.engine.fetch('http://drydock/v1.47/containers/create', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ Image: 'busybox', HostConfig: { StorageOpt: { size: '12 parsecs' } } }),
    });
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { message: string }).message, /invalid size: '12 parsecs'/);
  });
});

/** An engine on a memory store with a quota, served for the docker CLI (only busybox and alpine preloaded). */
async function quotaEngine(quotaOverUsage: number): Promise<{ engine: Engine; blobs: BlobStore; docker: TestEngine['docker']; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-quota-'));
  const socket = join(dir, 'docker.sock');
  // Measure what the preloaded images take, then reopen the same medium with the quota.
  const probe = await MemoryBlobStore.open();
  const images = () => ['busybox.tar', 'alpine.tar'].map((f) => readFileSync(join(IMAGES, f)));
  const probeEngine = await createEngine({ ...engineBase(dir), blobs: probe, preloadImages: async () => images() });
  const { usedBytes } = await probe.usage();
  await probeEngine.shutdown();
  const blobs = await MemoryBlobStore.open(undefined, { quotaBytes: usedBytes + quotaOverUsage });
  const engine = await createEngine({ ...engineBase(dir), blobs, preloadImages: async () => images() });
  const transport = new HttpTransport(engine.api.respond);
  await transport.listen(`unix://${socket}`);
  return {
    engine,
    blobs,
    docker: (args, options = {}) => dockerAt(DOCKER, socket, dir, args, options),
    async close() {
      await transport.close();
      await engine.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function engineBase(dir: string) {
  const volumes = new Map<string, MemFs>();
  return {
    kernel: newKernel({ warmWorkers: 1 }),
    volumes: {
      open: (name: string) => {
        let fs = volumes.get(name);
        if (!fs) volumes.set(name, (fs = new MemFs({ type: 'ext4' })));
        return fs;
      },
      destroy: async (name: string) => void volumes.delete(name),
      mountpoint: (name: string) => `/var/lib/drydock/volumes/${name}/_data`,
    },
    ncpu: 1,
    memTotal: 1024 ** 3,
    dataRoot: dir,
  };
}

function dockerAt(
  docker: string,
  socket: string,
  config: string,
  args: string[],
  options: { input?: string; timeoutMs?: number },
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = spawn(docker, args, { env: { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: config, DOCKER_BUILDKIT: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: code ?? -1 });
    });
    child.stdin.end(options.input ?? '');
  });
}

describe('global storage quota (the store\'s quotaBytes)', { skip: dockerSkip, timeout: 240_000 }, () => {
  test('guest writes get ENOSPC, loads, commits and builds fail with "no space left on device", nothing is corrupted, freeing space helps', async () => {
    const q = await quotaEngine(2 * MiB);
    try {
      const before = await q.blobs.usage();
      const free = before.quotaBytes! - before.usedBytes;

      const fill = await q.docker(['run', '--name', 'filler', 'busybox', 'sh', '-c', 'echo kept > /keep; dd if=/dev/zero of=/big bs=1k count=8192; echo rc=$?; echo big=$(wc -c < /big)']);
      assert.equal(fill.code, 0, fill.stderr);
      assert.match(fill.stderr, /No space left on device/);
      assert.match(fill.stdout, /^rc=1$/m);
      const big = sizeFrom(fill.stdout, 'big');
      assert.ok(big <= free && big > free - 256 * 1024, `/big has ${big} bytes; the quota left ${free}`);
      const usage = await q.blobs.usage();
      assert.ok(usage.quotaBytes !== null && usage.usedBytes <= usage.quotaBytes, `store within its quota: ${JSON.stringify(usage)}`);
      assert.ok(usage.quotaBytes - usage.usedBytes < 250_000, `the filler left ${usage.quotaBytes - usage.usedBytes} bytes, less than redis's own layer`);
      assert.match((await q.docker(['diff', 'filler'])).stdout, /^A \/big$/m, 'the writable layer was saved');

      const ok = await q.docker(['run', '--rm', 'busybox', 'echo', 'engine still works']);
      assert.equal(ok.stdout, 'engine still works\n', ok.stderr);

      const load = await q.docker(['load', '-i', join(IMAGES, 'redis.tar')]);
      assert.notEqual(load.code, 0);
      assert.match(load.stderr, /no space left on device/);
      const commit = await q.docker(['commit', 'filler', 'filled']);
      assert.notEqual(commit.code, 0);
      assert.match(commit.stderr, /Error response from daemon: no space left on device: the storage quota is full/);
      const build = await q.docker(['build', '-t', 'built', '-'], { input: 'FROM busybox\nRUN dd if=/dev/zero of=/x bs=1k count=4096\n' });
      assert.notEqual(build.code, 0);
      assert.match(build.stdout + build.stderr, /no space left on device|No space left on device/);
      assert.doesNotMatch((await q.docker(['images', '--format', '{{.Repository}}'])).stdout, /filled|built|redis/);

      // Nothing corrupted: the images left work, the container's files are intact.
      // The store is full: even a new container's record does not fit, and the refusal leaves nothing behind.
      const full = await q.docker(['run', '--name', 'refused', 'busybox', 'true']);
      assert.equal(full.code, 125);
      assert.match(full.stderr, /Error response from daemon: no space left on device: the storage quota is full/);
      // (The failed build's RUN container stays, as dockerd keeps it without --force-rm.)
      assert.doesNotMatch((await q.docker(['ps', '-a', '--format', '{{.Names}}'])).stdout, /refused/);
      const started = await q.docker(['start', '-a', 'filler']);
      assert.match(started.stdout, /^rc=1$/m);
      assert.ok(sizeFrom(started.stdout, 'big') <= big + 64 * 1024, 'the layer did not grow past the quota on a second run');

      // Freeing space (removing the container) makes room again.
      assert.equal((await q.docker(['rm', 'filler'])).code, 0);
      const reload = await q.docker(['load', '-i', join(IMAGES, 'redis.tar')]);
      assert.equal(reload.code, 0, reload.stderr);
      assert.equal((await q.docker(['image', 'inspect', '-f', '{{len .RootFS.Layers}}', 'redis'])).stdout, '3\n');
      const alpine = await q.docker(['run', '--rm', 'alpine', 'sh', '-c', 'dd if=/dev/zero of=/x bs=1k count=512 2>/dev/null; echo rc=$?']);
      assert.equal(alpine.stdout, 'rc=0\n', alpine.stderr);
    } finally {
      await q.close();
    }
  });
});

describe('drydock daemon --storage-quota', { skip: dockerSkip, timeout: 120_000 }, () => {
  const daemon = (args: string[]) =>
    new Promise<{ code: number | null; out: string; child: ReturnType<typeof spawn> }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'daemon', ...args], { cwd: ROOT });
      let out = '';
      const onData = (c: Buffer) => {
        out += c.toString();
        if (out.includes('export DOCKER_HOST=')) resolve({ code: null, out, child });
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => resolve({ code, out, child }));
    });

  test('a bad size is a usage error', async () => {
    const result = await daemon(['--storage', 'memory', '--storage-quota', 'lots']);
    assert.equal(result.code, 125);
    assert.match(result.out, /--storage-quota must be a size such as 500m or 10g, not "lots"/);
  });

  test('the daemon enforces it on its store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-quota-daemon-'));
    const socket = join(dir, 'd.sock');
    const started = await daemon(['--storage', 'memory', '--host', `unix://${socket}`, '--storage-quota', '8m']);
    try {
      assert.equal(started.code, null, started.out);
      assert.match(started.out, /storage quota: 8388608 bytes/);
      const run = await dockerAt(DOCKER, socket, dir, ['run', '--rm', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/big bs=1k count=16384; echo rc=$?'], {});
      assert.match(run.stderr, /No space left on device/);
      assert.equal(run.stdout, 'rc=1\n');
      const ok = await dockerAt(DOCKER, socket, dir, ['run', '--rm', 'busybox', 'echo', 'ok'], {});
      assert.equal(ok.stdout, 'ok\n');
    } finally {
      const exited = new Promise((resolve) => started.child.on('exit', resolve));
      started.child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('df inside a container shows the real sizes (statfs)', { skip: dockerSkip, timeout: 240_000 }, () => {
  let engine: TestEngine;
  before(async () => {
    engine = await startTestEngine();
  });
  after(async () => {
    await engine?.close();
  });

  test('the root overlay reports the --storage-opt size= limit and what is used of it', async () => {
    const empty = await engine.docker(['run', '--rm', '--storage-opt', 'size=1m', 'busybox', 'df', '/']);
    assert.equal(empty.code, 0, empty.stderr);
    const lines = empty.stdout.split('\n');
    assert.equal(lines[0], 'Filesystem           1K-blocks      Used Available Use% Mounted on');
    const row = /^overlay +(\d+) +(\d+) +(\d+) +(\d+)% \/$/.exec(lines[1]!);
    assert.ok(row, `df / printed ${JSON.stringify(empty.stdout)}`);
    assert.equal(row[1], '1024');
    assert.equal(Number(row[2]) + Number(row[3]), 1024, 'used + available = the limit');

    // 512 KiB written: at least that much is used, and available shrinks by as much.
    const written = await engine.docker([
      'run', '--rm', '--storage-opt', 'size=1m', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/f bs=1k count=512 2>/dev/null; df -h /; df /',
    ]);
    assert.equal(written.code, 0, written.stderr);
    assert.match(written.stdout, /^overlay +1\.0M +\d+(\.\d)?K +\d+(\.\d)?K +\d+% \/$/m);
    const used = /^overlay +1024 +(\d+) +(\d+) +(\d+)% \/$/m.exec(written.stdout);
    assert.ok(used, written.stdout);
    assert.ok(Number(used[1]) >= 512, `used ${used[1]} KiB after writing 512 KiB`);
    assert.ok(Number(used[2]) <= 1024 - 512, `available ${used[2]} KiB after writing 512 KiB`);
  });
});
