/**
 * The real docker CLI against the engine, for behaviours where Drydock once
 * differed from dockerd 20.10: `docker system df [-v]`, `docker ps -n/-l`,
 * `docker top`'s TIME, `docker version`, `docker inspect` of nothing, the
 * init layer, volumes populated from the image, anonymous volumes of a
 * failed create and of `rm -v`, a busy shell loop paused and stopped,
 * health across restarts.
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, execFile } from 'node:child_process';
import { startDaemon as startDaemonProcess } from './helpers/daemon.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { readTar } from '../src/unionfs/tar/reader.ts';
import type { TarWriteEntry } from '../src/unionfs/tar/entry.ts';
import { writeTar } from '../src/unionfs/tar/writer.ts';
import { DOCKER, dockerSkip, startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';

let t: TestEngine;
before(async () => {
  if (!dockerSkip) t = await startTestEngine();
});
after(() => t?.close());

/** Docker's units.HumanSizeWithPrecision (decimal; HumanSize is 4 significant digits). */
function humanSize(bytes: number, precision = 4): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < units.length - 1) {
    size /= 1000;
    i++;
  }
  return `${Number(size.toPrecision(precision))}${units[i]}`;
}

async function ok(args: string[]): Promise<string> {
  const r = await t.docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The rows of a docker table output, split on runs of 2+ spaces. */
function rows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s{2,}/));
}

test('docker system df and df -v: images with container counts, container sizes, volume usage, LayersSize', { skip: dockerSkip }, async () => {
  await ok(['volume', 'create', 'fx-empty']);
  await ok(['run', '--name', 'fx-writer', '-v', 'fx-data:/data', 'busybox', 'sh', '-c', 'echo hello > /data/x; echo abcdefgh > /y; ln -s 12345 /z']);
  await ok(['create', '--name', 'fx-idle', 'busybox', 'true']);
  try {
    // Expected values from the image store itself: each layer of the listed images once.
    const store = t.engine.images.store;
    const layers = new Set(store.list().flatMap((i) => i.diffIds));
    const layersSize = [...layers].reduce((n, d) => n + (store.layer(d)?.size ?? 0), 0);
    assert.ok(layersSize > 0);
    const busybox = store.resolve('busybox');
    const imageCount = (await ok(['images', '-q'])).split('\n').filter(Boolean).length;

    const df = await t.docker(['system', 'df']);
    assert.equal(df.code, 0, df.stderr);
    assert.equal(df.stderr, '');
    const table = rows(df.stdout);
    assert.deepEqual(table[0], ['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'RECLAIMABLE']);
    const images = table.find((r) => r[0] === 'Images')!;
    assert.deepEqual(images.slice(0, 4), ['Images', String(imageCount), '1', humanSize(layersSize)]);
    // Reclaimable: LayersSize minus what the images in use (busybox) hold alone, Size - SharedSize;
    // drydock-test is busybox plus a layer, so all of busybox's layers are shared.
    const busyboxLayers = busybox.diffIds.reduce((n, d) => n + (store.layer(d)?.size ?? 0), 0);
    const reclaimable = layersSize - (busybox.size - busyboxLayers);
    assert.equal(images[4], `${humanSize(reclaimable)} (${Math.floor((reclaimable * 100) / layersSize)}%)`);
    // 9 bytes of /y, 5 of the symlink /z (its target's length), as overlay2's directory.Size.
    assert.deepEqual(table.find((r) => r[0] === 'Containers'), ['Containers', '2', '0', '14B', '14B (100%)']);
    assert.deepEqual(table.find((r) => r[0] === 'Local Volumes'), ['Local Volumes', '2', '1', '6B', '0B (0%)']);
    assert.deepEqual(table.find((r) => r[0] === 'Build Cache'), ['Build Cache', '0', '0', '0B', '0B']);

    const verbose = await t.docker(['system', 'df', '-v']);
    assert.equal(verbose.code, 0, verbose.stderr);
    assert.equal(verbose.stderr, '');
    const v = rows(verbose.stdout);
    const busyboxRow = v.find((r) => r[0] === 'busybox' && r[1] === 'latest')!;
    assert.equal(busyboxRow[2], busybox.id.slice(7, 19));
    assert.equal(busyboxRow[4], humanSize(busybox.size, 3));
    assert.equal(busyboxRow[5], humanSize(busyboxLayers));
    assert.equal(busyboxRow[7], '2');
    const writer = v.find((r) => r.at(-1) === 'fx-writer')!;
    assert.deepEqual([writer[3], writer[4]], ['1', '14B']);
    const idle = v.find((r) => r.at(-1) === 'fx-idle')!;
    assert.deepEqual([idle[3], idle[4], idle[6]], ['0', '0B', 'Created']);
    assert.deepEqual(v.find((r) => r[0] === 'fx-empty'), ['fx-empty', '0', '0B']);
    assert.deepEqual(v.find((r) => r[0] === 'fx-data'), ['fx-data', '1', '6B']);
    assert.match(verbose.stdout, /\nBuild cache usage: 0B\n/);

    // The API body: UsageData on volumes, SizeRw/SizeRootFs on containers (omitted when 0, as dockerd's omitempty).
    const body = (await (await t.engine.fetch(new Request('http://drydock/v1.41/system/df'))).json()) as {
      LayersSize: number;
      Images: { Id: string; Containers: number; SharedSize: number }[];
      Containers: { Names: string[]; SizeRw?: number; SizeRootFs?: number }[];
      Volumes: { Name: string; Labels: unknown; Options: unknown; UsageData: { RefCount: number; Size: number } }[];
    };
    assert.equal(body.LayersSize, layersSize);
    assert.equal(body.Images.find((i) => i.Id === busybox.id)?.Containers, 2);
    const writerBody = body.Containers.find((c) => c.Names[0] === '/fx-writer')!;
    assert.deepEqual([writerBody.SizeRw, writerBody.SizeRootFs], [14, 14 + busyboxLayers]);
    const idleBody = body.Containers.find((c) => c.Names[0] === '/fx-idle')!;
    assert.equal('SizeRw' in idleBody, false);
    assert.equal(idleBody.SizeRootFs, busyboxLayers);
    assert.deepEqual(body.Volumes.find((x) => x.Name === 'fx-empty'), {
      ...body.Volumes.find((x) => x.Name === 'fx-empty'),
      Labels: null,
      Options: null,
      UsageData: { RefCount: 0, Size: 0 },
    });

    // docker ps -s and docker inspect -s use the same sizes.
    assert.equal(await ok(['ps', '-a', '-s', '--filter', 'name=fx-writer', '--format', '{{.Size}}']), `14B (virtual ${humanSize(14 + busyboxLayers, 3)})\n`);
    assert.equal(await ok(['inspect', '-s', '-f', '{{.SizeRw}} {{.SizeRootFs}}', 'fx-idle']), `0 ${busyboxLayers}\n`);
  } finally {
    await t.docker(['rm', '-f', 'fx-writer', 'fx-idle']);
    await t.docker(['volume', 'rm', 'fx-empty', 'fx-data']);
  }
});

test('docker ps -n 1 and ps -l include stopped containers (a limit implies --all, as dockerd)', { skip: dockerSkip }, async () => {
  await ok(['run', '--name', 'fx-first', 'busybox', 'true']);
  await ok(['run', '--name', 'fx-last', 'busybox', 'true']);
  try {
    assert.equal(await ok(['ps', '-n', '1', '--format', '{{.Names}}']), 'fx-last\n');
    assert.equal(await ok(['ps', '-l', '--format', '{{.Names}} {{.State}}']), 'fx-last exited\n');
    assert.equal(await ok(['ps', '-n', '2', '--format', '{{.Names}}']), 'fx-last\nfx-first\n');
    // Without a limit, stopped containers stay hidden.
    assert.equal(await ok(['ps', '--filter', 'name=fx-', '--format', '{{.Names}}']), '');
  } finally {
    await t.docker(['rm', '-f', 'fx-first', 'fx-last']);
  }
});

test('docker top: TIME is the CPU time as ps -ef prints it ([DD-]HH:MM:SS), C the lifetime CPU percent', { skip: dockerSkip }, async () => {
  await ok(['run', '-d', '--name', 'fx-sleeper', 'busybox', 'sleep', '100']);
  await ok(['run', '-d', '--name', 'fx-spinner', 'drydock-test', 'wasi-spin']);
  try {
    const idle = rows(await ok(['top', 'fx-sleeper']));
    assert.deepEqual(idle[0], ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
    assert.equal(idle.length, 2);
    assert.deepEqual([idle[1]![5], idle[1]![6], idle[1]![7]], ['?', '00:00:00', 'sleep 100']);
    // C is whole percent of CPU over the lifetime: small for a sleeper, never above 99.
    assert.match(idle[1]![3]!, /^\d{1,2}$/);
    assert.match(idle[1]![4]!, /^\d\d:\d\d$/);
    // A spinning process accrues CPU time: TIME passes a whole second and C becomes positive.
    let spin = rows(await ok(['top', 'fx-spinner']))[1]!;
    for (let i = 0; i < 200 && spin[6] === '00:00:00'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      spin = rows(await ok(['top', 'fx-spinner']))[1]!;
    }
    assert.match(spin[6]!, /^00:00:0[1-9]$/);
    assert.ok(Number(spin[3]) > 0 && Number(spin[3]) <= 99, spin.join(' '));
  } finally {
    await t.docker(['rm', '-f', 'fx-sleeper', 'fx-spinner']);
  }
});

test('docker version and docker info report the kernel and machine that uname shows inside containers', { skip: dockerSkip }, async () => {
  const uname = (await ok(['run', '--rm', 'busybox', 'uname', '-rm'])).trim().split(' ');
  assert.equal(uname.length, 2);
  const [release, machine] = uname as [string, string];
  assert.equal(await ok(['version', '--format', '{{.Server.KernelVersion}} {{.Server.Os}}/{{.Server.Arch}}']), `${release} linux/${machine}\n`);
  assert.equal(await ok(['info', '--format', '{{.KernelVersion}} {{.Architecture}}']), `${release} ${machine}\n`);
  const engine = await ok(['version', '--format', '{{range .Server.Components}}{{.Details.KernelVersion}} {{.Details.Arch}}{{end}}']);
  assert.equal(engine, `${release} ${machine}\n`);
  // As dockerd's types.Version, a false Experimental is left out of the body.
  const body = (await (await t.engine.fetch(new Request('http://drydock/v1.41/version'))).json()) as Record<string, unknown>;
  assert.equal('Experimental' in body, false);
  assert.deepEqual(Object.keys(body), ['Platform', 'Components', 'Version', 'ApiVersion', 'MinAPIVersion', 'GitCommit', 'GoVersion', 'Os', 'Arch', 'KernelVersion', 'BuildTime']);
});

test('docker inspect of nothing: "No such object"; each --type answers with dockerd 20.10\'s message', { skip: dockerSkip }, async () => {
  const r = await t.docker(['inspect', 'fx-nope']);
  assert.deepEqual(r, { stdout: '[]\n', stderr: 'Error: No such object: fx-nope\n', code: 1 });
  const typed = async (type: string): Promise<string> => (await t.docker(['inspect', '--type', type, 'fx-nope'])).stderr;
  assert.equal(await typed('container'), 'Error response from daemon: No such container: fx-nope\n');
  assert.equal(await typed('image'), 'Error response from daemon: no such image: fx-nope: No such image: fx-nope:latest\n');
  assert.equal(await typed('volume'), 'Error response from daemon: get fx-nope: no such volume\n');
  assert.equal(await typed('network'), 'Error response from daemon: network fx-nope not found\n');
  const upper = await t.docker(['image', 'inspect', 'FX-NOPE']);
  assert.deepEqual([upper.code, upper.stderr], [1, 'Error response from daemon: no such image: FX-NOPE: invalid reference format: repository name must be lowercase\n']);
  // Other image endpoints keep the store's message.
  assert.equal((await t.docker(['history', 'fx-nope'])).stderr, 'Error response from daemon: No such image: fx-nope:latest\n');
});

/** `archive` cut where Go's reader still ends cleanly: right after the last entry's data, without padding or end blocks. */
function withoutEnd(entries: TarWriteEntry[]): Uint8Array {
  const tar = writeTar(entries);
  const last = entries.at(-1)!;
  const size = last.type === 'file' ? (last.data?.length ?? 0) : 0;
  return tar.subarray(0, tar.length - 1024 - ((512 - (size % 512)) % 512));
}

test('archives without the end-of-archive blocks are taken as Go\'s reader takes them: docker cp -, docker load; cut elsewhere, refused', { skip: dockerSkip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fx-tar-'));
  const env = { ...process.env, DOCKER_HOST: `unix://${t.socket}`, DOCKER_CONFIG: dir };
  const sh = async (script: string): Promise<{ stdout: string; stderr: string; code: number }> => {
    try {
      const { stdout, stderr } = await promisify(execFile)('sh', ['-c', script], { env, encoding: 'utf8' });
      return { stdout, stderr, code: 0 };
    } catch (error) {
      const e = error as { stdout: string; stderr: string; code: number };
      return { stdout: e.stdout, stderr: e.stderr, code: e.code };
    }
  };
  try {
    await ok(['create', '--name', 'fx-cp', 'busybox', 'cat', '/fx-a', '/fx-b']);
    const cut = withoutEnd([
      { path: 'fx-a', type: 'file', mode: 0o644, data: new TextEncoder().encode('first\n') },
      { path: 'fx-b', type: 'file', mode: 0o644, data: new TextEncoder().encode('second\n') },
    ]);
    assert.equal(cut.length % 512, 7);
    writeFileSync(join(dir, 'cut.tar'), cut);
    const cp = await sh(`${DOCKER} cp - fx-cp:/ < ${dir}/cut.tar`);
    assert.equal(cp.code, 0, cp.stderr);
    assert.equal(await ok(['start', '-a', 'fx-cp']), 'first\nsecond\n');
    // One byte less: the last file's data is cut short; the copy is refused and that file is not written.
    writeFileSync(join(dir, 'short.tar'), cut.subarray(0, cut.length - 1));
    await ok(['rm', 'fx-cp']);
    await ok(['create', '--name', 'fx-cp', 'busybox', 'cat', '/fx-b']);
    const short = await sh(`${DOCKER} cp - fx-cp:/ < ${dir}/short.tar`);
    assert.notEqual(short.code, 0);
    assert.equal(short.stderr, 'Error response from daemon: tar entry "fx-b" at offset 1024: truncated archive: its data is cut short (6 of 7 bytes present)\n');
    const started = await t.docker(['start', '-a', 'fx-cp']);
    assert.match(started.stderr, /can't open '\/fx-b'/);

    // docker load of a saved image rewritten to stop after manifest.json's data.
    await ok(['tag', 'busybox', 'fx-load:1']);
    await ok(['save', '-o', join(dir, 'saved.tar'), 'fx-load:1']);
    await ok(['rmi', 'fx-load:1']);
    const entries = readTar(new Uint8Array(readFileSync(join(dir, 'saved.tar'))));
    const manifest = entries.find((e) => e.path === 'manifest.json')!;
    const rest = entries.filter((e) => e !== manifest);
    writeFileSync(join(dir, 'load.tar'), withoutEnd([...rest, manifest].map((e) => ({ path: e.path, type: e.type, mode: e.mode, linkTarget: e.linkTarget, ...(e.type === 'file' ? { data: e.data } : {}) }))));
    const load = await t.docker(['load', '-i', join(dir, 'load.tar')]);
    assert.equal(load.code, 0, load.stderr);
    assert.equal(load.stdout, 'Loaded image: fx-load:1\n');
    assert.equal(await ok(['image', 'inspect', '-f', '{{.Id}}', 'fx-load:1']), `${t.engine.images.store.resolve('busybox').id}\n`);
  } finally {
    await t.docker(['rm', '-f', 'fx-cp']);
    await t.docker(['rmi', 'fx-load:1']);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the init layer as dockerd\'s: /dev/console, /proc, /sys and the /etc files under the mounts, dated at create; /proc and /sys read-only dirs inside', { skip: dockerSkip }, async () => {
  const id = (await ok(['create', '--name', 'fx-init', 'busybox', 'true'])).trim();
  const dir = mkdtempSync(join(tmpdir(), 'fx-init-'));
  try {
    const created = Date.parse((await ok(['inspect', '-f', '{{.Created}}', id])).trim());
    await ok(['export', '-o', join(dir, 'export.tar'), 'fx-init']);
    const entries = new Map(readTar(new Uint8Array(readFileSync(join(dir, 'export.tar')))).map((e) => [e.path.replace(/\/$/, ''), e]));
    const expected: [string, string, number][] = [
      ['.dockerenv', 'file', 0o755],
      ['dev', 'dir', 0o755],
      ['dev/console', 'file', 0o755],
      ['dev/pts', 'dir', 0o755],
      ['dev/shm', 'dir', 0o755],
      ['etc/hostname', 'file', 0o755],
      ['etc/hosts', 'file', 0o755],
      ['etc/resolv.conf', 'file', 0o755],
      ['etc/mtab', 'symlink', 0o777],
      ['proc', 'dir', 0o755],
      ['sys', 'dir', 0o755],
    ];
    for (const [path, type, mode] of expected) {
      const entry = entries.get(path);
      assert.ok(entry, `${path} is missing from the export`);
      assert.deepEqual([entry.type, entry.mode, entry.size], [type, mode, 0], path);
      // Made when the container was created (tar keeps whole seconds).
      assert.equal(Number(entry.mtimeNs / 1_000_000_000n), Math.floor(created / 1000), path);
    }
    assert.equal(entries.get('etc/mtab')!.linkTarget, '/proc/mounts');
    // Inside, /dev is a tmpfs (no console without -t) and /proc, /sys are dr-xr-xr-x.
    const ls = await t.docker(['run', '--rm', 'busybox', 'sh', '-c', 'ls -ld /proc /sys | cut -c1-10; ls /dev/console']);
    assert.equal(ls.stdout, 'dr-xr-xr-x\ndr-xr-xr-x\n');
    assert.equal(ls.stderr, 'ls: /dev/console: No such file or directory\n');
  } finally {
    await t.docker(['rm', '-f', 'fx-init']);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a new, empty volume is filled with the image\'s files at its mount point (not with nocopy, not when it has files)', { skip: dockerSkip }, async () => {
  try {
    const image = new Set((await ok(['run', '--rm', 'busybox', 'ls', '-a', '/etc'])).split('\n').filter(Boolean));
    const etc = await ok(['run', '--rm', '-v', 'fx-etc:/etc', 'busybox', 'sh', '-c', 'ls -a /etc; grep -c ^root: /etc/passwd']);
    const listed = etc.split('\n').filter(Boolean);
    assert.equal(listed.pop(), '1');
    assert.deepEqual(new Set(listed), image);
    // The copy lives in the volume: another container sees it anywhere, and a non-empty volume is not filled again.
    const again = (await ok(['run', '--rm', '-v', 'fx-etc:/usr', 'busybox', 'ls', '/usr'])).split('\n').filter(Boolean);
    assert.ok(again.includes('passwd') && !again.includes('bin'), again.join(' '));
    // Owners, modes, symlinks and hard links come along; the volume's root takes the directory's mode.
    const detail = await ok(['run', '--rm', '-v', 'fx-bin:/bin', 'busybox', 'sh', '-c', 'stat -c "%a %U %h" /bin /bin/sh; readlink /bin/mtab 2>/dev/null; true']);
    const fromImage = await ok(['run', '--rm', 'busybox', 'sh', '-c', 'stat -c "%a %U %h" /bin /bin/sh']);
    assert.equal(detail.split('\n')[1], fromImage.split('\n')[1]);
    assert.equal(detail.split('\n')[0]!.split(' ')[0], fromImage.split('\n')[0]!.split(' ')[0]);
    // nocopy, and --mount's volume-nocopy, leave the volume empty.
    assert.equal(await ok(['run', '--rm', '-v', 'fx-empty1:/etc:nocopy', 'busybox', 'ls', '/etc']), 'hostname\nhosts\nresolv.conf\n');
    assert.equal(await ok(['run', '--rm', '--mount', 'type=volume,src=fx-empty2,dst=/etc,volume-nocopy', 'busybox', 'ls', '/etc']), 'hostname\nhosts\nresolv.conf\n');
    // A mount point missing from the image: an empty volume.
    assert.equal(await ok(['run', '--rm', '-v', 'fx-new:/fx-new', 'busybox', 'ls', '-A', '/fx-new']), '');
  } finally {
    await t.docker(['volume', 'rm', 'fx-etc', 'fx-bin', 'fx-empty1', 'fx-empty2', 'fx-new']);
  }
});

test('a create that fails leaves no anonymous volume behind; docker rm -v removes the anonymous volumes only', { skip: dockerSkip }, async () => {
  const named = 'feed'.repeat(16); // a named volume whose name looks like an anonymous one's
  try {
    const before = await ok(['volume', 'ls', '-q']);
    const dup = await t.docker(['create', '--mount', 'type=volume,dst=/m', '--mount', 'type=tmpfs,dst=/m', 'busybox']);
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /Duplicate mount point: \/m/);
    assert.equal(await ok(['volume', 'ls', '-q']), before, 'the anonymous volume made for /m is gone');

    await ok(['create', '--name', 'fx-rmv', '-v', `${named}:/named`, '-v', '/anon', 'busybox']);
    const anon = (await ok(['inspect', '-f', '{{range .Mounts}}{{if eq .Destination "/anon"}}{{.Name}}{{end}}{{end}}', 'fx-rmv'])).trim();
    assert.match(anon, /^[0-9a-f]{64}$/);
    await ok(['rm', '-v', 'fx-rmv']);
    const left = (await ok(['volume', 'ls', '-q'])).split('\n');
    assert.ok(left.includes(named), 'the named volume stays');
    assert.ok(!left.includes(anon), 'the anonymous volume went with the container');
  } finally {
    await t.docker(['rm', '-f', 'fx-rmv']);
    await t.docker(['volume', 'rm', named]);
  }
});

test('a busy shell loop (no system calls) is held by docker pause and gets its TERM trap on docker stop', { skip: dockerSkip }, async () => {
  try {
    await ok(['run', '-d', '--name', 'fx-spin', 'busybox', 'sh', '-c', 'trap "echo stopping; exit 7" TERM; echo started; while :; do :; done']);
    for (let i = 0; i < 200 && !(await ok(['logs', 'fx-spin'])).includes('started'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await ok(['pause', 'fx-spin']);
    const paused = await ok(['stats', '--no-stream', '--format', '{{.CPUPerc}}', 'fx-spin']);
    assert.equal(paused, '0.00%\n', 'a paused loop uses no CPU');
    await ok(['unpause', 'fx-spin']);
    const stopped = await t.docker(['stop', '-t', '30', 'fx-spin'], { timeoutMs: 20_000 });
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(await ok(['inspect', '-f', '{{.State.ExitCode}}', 'fx-spin']), '7\n', 'the trap ran (not SIGKILL after the timeout)');
    assert.equal(await ok(['logs', 'fx-spin']), 'started\nstopping\n');
  } finally {
    await t.docker(['rm', '-f', 'fx-spin']);
  }
});

/** `drydock daemon` from the sources on `dataRoot`, ready to serve `socket`. */
function startDaemon(socket: string, dataRoot: string): Promise<ChildProcess> {
  return startDaemonProcess({ socket, dataRoot, fromSource: true });
}

test('State.Health survives a restart of drydock daemon (kept with the container, as dockerd\'s config.v2.json)', { skip: dockerSkip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fx-health-'));
  const socket = join(dir, 'docker.sock');
  const docker = async (...args: string[]): Promise<string> =>
    (await promisify(execFile)(DOCKER, args, { env: { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: dir }, encoding: 'utf8' })).stdout;
  let daemon = await startDaemon(socket, join(dir, 'data'));
  try {
    await docker('run', '-d', '--name', 'fx-checked', '--health-cmd', 'exit 3', '--health-interval', '100ms', '--health-retries', '2', 'busybox', 'sleep', '1000');
    let before = '';
    for (let i = 0; i < 200 && !before.startsWith('{"Status":"unhealthy"'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      before = (await docker('inspect', '-f', '{{json .State.Health}}', 'fx-checked')).trim();
    }
    const health = JSON.parse(before) as { Status: string; FailingStreak: number; Log: { ExitCode: number }[] };
    assert.equal(health.Status, 'unhealthy');
    await docker('stop', '-t', '0', 'fx-checked');
    const stopped = (await docker('inspect', '-f', '{{json .State.Health}}', 'fx-checked')).trim();
    daemon.kill('SIGTERM');
    await new Promise((resolve) => daemon.on('exit', resolve));
    daemon = await startDaemon(socket, join(dir, 'data'));
    assert.equal((await docker('inspect', '-f', '{{json .State.Health}}', 'fx-checked')).trim(), stopped);
    // The failing probes are in the log (a probe that `docker stop` cut short may end it with another code).
    const log = (JSON.parse(stopped) as { Log: { ExitCode: number }[] }).Log;
    assert.ok(log.filter((entry) => entry.ExitCode === 3).length >= 2, stopped);
  } finally {
    daemon.kill('SIGTERM');
    await new Promise((resolve) => daemon.on('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});
