/**
 * Real dockerd as the oracle for the overlay's layer semantics. One container
 * runs a script on real Docker (overlay2); the same changes are replayed on an
 * OverlayFs over the same base layer. Then:
 *  1. `docker diff` equals `OverlayFs.changes()`;
 *  2. Docker's committed layer, applied here, gives the tree `docker export` gives;
 *  3. our `commitUpper()` layer, `docker load`ed, gives Docker that same tree.
 *
 * Needs root, dockerd (apt docker.io) and a static busybox (apt busybox-static).
 * Without them the test skips, except under CI where it must run.
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { utf8 } from '../src/common/bytes.ts';
import { applyLayerTar } from '../src/unionfs/layer/apply.ts';
import { MemFs } from '../src/unionfs/memfs/memfs.ts';
import { OverlayFs } from '../src/unionfs/overlay/overlay-fs.ts';
import type { TarWriteEntry } from '../src/unionfs/tar/entry.ts';
import { readTar } from '../src/unionfs/tar/reader.ts';
import { writeTar } from '../src/unionfs/tar/writer.ts';
import type { Inode } from '../src/unionfs/vfs/types.ts';

const BUSYBOX = '/bin/busybox';
function which(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}
const missing = [
  ...(which('dockerd') ? [] : ['dockerd']),
  ...(which('docker') ? [] : ['docker']),
  ...(existsSync(BUSYBOX) ? [] : [BUSYBOX]),
  ...(process.getuid?.() === 0 ? [] : ['root']),
];
const skip = missing.length > 0 && !process.env.CI ? `needs ${missing.join(', ')}` : false;

let home = '';
let daemon: ChildProcess | null = null;

function docker(args: string[], input?: Uint8Array): Buffer {
  const result = spawnSync('docker', args, {
    env: { ...process.env, DOCKER_HOST: `unix://${home}/docker.sock` },
    input,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`docker ${args.join(' ')}: ${result.stderr.toString()}`);
  return result.stdout;
}

before(async () => {
  if (skip) return;
  home = mkdtempSync('/tmp/dd-oracle-');
  daemon = spawn(
    'dockerd',
    [
      '--host', `unix://${home}/docker.sock`, '--data-root', `${home}/data`, '--exec-root', `${home}/exec`,
      '--pidfile', `${home}/dockerd.pid`, '--iptables=false', '--ip6tables=false', '--bridge=none', '--storage-driver=overlay2',
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    if (existsSync(`${home}/docker.sock`) && spawnSync('docker', ['version'], { env: { ...process.env, DOCKER_HOST: `unix://${home}/docker.sock` } }).status === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('dockerd did not start');
});

after(async () => {
  if (daemon?.pid && daemon.exitCode === null && daemon.signalCode === null) {
    const exited = new Promise((resolve) => daemon!.once('exit', resolve));
    process.kill(daemon.pid, 'SIGTERM');
    await exited;
  }
  if (home) rmSync(home, { recursive: true, force: true });
});

const T = 1_577_836_800_000_000_000n; // 2020-01-01
function baseRootfs(): Uint8Array {
  const entries: TarWriteEntry[] = [
    { path: 'bin', type: 'dir', mode: 0o755, mtimeNs: T },
    { path: 'bin/busybox', type: 'file', mode: 0o755, mtimeNs: T, data: new Uint8Array(readFileSync(BUSYBOX)) },
  ];
  for (const applet of ['sh', 'cat', 'chmod', 'dd', 'ln', 'mkdir', 'printf', 'rm', 'rmdir', 'touch']) {
    entries.push({ path: `bin/${applet}`, type: 'symlink', mode: 0o777, mtimeNs: T, linkTarget: 'busybox' });
  }
  entries.push(
    { path: 'etc', type: 'dir', mode: 0o755, mtimeNs: T },
    { path: 'etc/passwd', type: 'file', mode: 0o644, mtimeNs: T, data: utf8('root:x:0:0\n') },
    { path: 'etc/hostsx', type: 'file', mode: 0o644, mtimeNs: T, data: utf8('h\n') },
    { path: 'etc/gone', type: 'file', mode: 0o644, mtimeNs: T, data: utf8('g\n') },
    { path: 'usr', type: 'dir', mode: 0o755, mtimeNs: T },
    { path: 'usr/lib', type: 'dir', mode: 0o755, mtimeNs: T },
    { path: 'usr/lib/a.so', type: 'file', mode: 0o644, mtimeNs: T, data: utf8('a\n') },
    { path: 'usr/lib/b.so', type: 'file', mode: 0o644, mtimeNs: T, data: utf8('b\n') },
    { path: 'var', type: 'dir', mode: 0o755, mtimeNs: T },
    { path: 'var/cache', type: 'dir', mode: 0o700, uid: 5, gid: 6, mtimeNs: T },
    { path: 'var/cache/old', type: 'file', mode: 0o644, mtimeNs: T, data: utf8('c\n') },
    { path: 'x', type: 'dir', mode: 0o755, mtimeNs: T },
    { path: 'x/y', type: 'file', mode: 0o644, mtimeNs: T, data: utf8('y\n') },
  );
  return writeTar(entries);
}

/** The script Docker runs, and the same changes as OverlayFs calls. */
const SCRIPT = [
  'printf R | dd of=/etc/passwd conv=notrunc 2>/dev/null',
  'rm /usr/lib/a.so',
  'mkdir /var/new && touch /var/new/file',
  'chmod 600 /etc/hostsx',
  'mkdir -p /x/a/b && mkdir /x/a-b',
  'rm -r /var/cache && mkdir /var/cache && touch /var/cache/n',
  'ln /etc/passwd /etc/passwd-',
  'rm /etc/gone',
  'ln -s ../etc/passwd /usr/lib/pw',
].join(' && ');

function replay(fs: OverlayFs): void {
  const get = (path: string): Inode => path.split('/').reduce<Inode>((node, name) => node.lookup(name)!, fs.root());
  const dir = { mode: 0o755, uid: 0, gid: 0 };
  const file = { mode: 0o644, uid: 0, gid: 0 };
  get('etc/passwd').write(0, utf8('R'));
  get('usr/lib').unlink('a.so');
  get('var').create('new', 'dir', dir).create('file', 'file', file);
  get('etc/hostsx').setAttr({ mode: 0o600 });
  get('x').create('a', 'dir', dir).create('b', 'dir', dir);
  get('x').create('a-b', 'dir', dir);
  get('var/cache').unlink('old');
  get('var').rmdir('cache');
  get('var').create('cache', 'dir', dir).create('n', 'file', file);
  get('etc').link('passwd-', get('etc/passwd'));
  get('etc').unlink('gone');
  get('usr/lib').create('pw', 'symlink', { mode: 0o777, uid: 0, gid: 0, target: '../etc/passwd' });
}

/** A comparable listing of a rootfs tar (`docker export`), without what Docker adds at run time. */
function exportListing(tar: Uint8Array): string[] {
  const runtime = /^(dev|proc|sys|\.dockerenv|etc\/hosts|etc\/hostname|etc\/resolv\.conf|etc\/mtab)(\/|$)/;
  const out: string[] = [];
  for (const e of readTar(tar)) {
    const path = e.path.replace(/^\.?\//, '').replace(/\/$/, '');
    if (path === '' || runtime.test(path)) continue;
    const what = e.type === 'hardlink' ? `link to ${e.linkTarget}` : e.type === 'symlink' ? `-> ${e.linkTarget}` : e.type === 'file' ? `${e.size} bytes ${createHash('sha256').update(e.data).digest('hex').slice(0, 12)}` : '';
    const mtime = e.type === 'dir' ? '' : String(e.mtimeNs / 1_000_000_000n);
    out.push(`${path} ${e.type === 'hardlink' ? 'file' : e.type} ${e.mode.toString(8)} ${e.uid}:${e.gid} ${mtime} ${what}`);
  }
  return out.sort();
}

/** The same listing of a merged tree, hard links named like tar names them (the first path in archive order). */
function overlayListing(fs: OverlayFs, exported: Uint8Array): string[] {
  const linkNames = new Map<string, string>();
  for (const e of readTar(exported)) if (e.type === 'hardlink') linkNames.set(e.path.replace(/^\.?\//, ''), e.linkTarget.replace(/^\.?\//, ''));
  const out: string[] = [];
  const walk = (dir: Inode, prefix: string) => {
    for (const entry of dir.entries(0n)) {
      const node = dir.lookup(entry.name)!;
      const s = node.stat();
      const path = prefix + entry.name;
      const data = s.kind === 'file' ? node.read(0, s.size) : new Uint8Array(0);
      const link = linkNames.get(path);
      const what = link ? `link to ${link}` : s.kind === 'symlink' ? `-> ${node.readlink()}` : s.kind === 'file' ? `${s.size} bytes ${createHash('sha256').update(data).digest('hex').slice(0, 12)}` : '';
      const mtime = s.kind === 'dir' ? '' : String(s.mtimeNs / 1_000_000_000n);
      out.push(`${path} ${s.kind} ${s.mode.toString(8)} ${s.uid}:${s.gid} ${mtime} ${what}`);
      if (s.kind === 'dir') walk(node, `${path}/`);
    }
  };
  walk(fs.root(), '');
  return out.sort();
}

function savedLayers(image: string): Uint8Array[] {
  const saved = readTar(new Uint8Array(docker(['save', image])));
  const byPath = new Map(saved.map((e) => [e.path, e.data]));
  const manifest = JSON.parse(new TextDecoder().decode(byPath.get('manifest.json')!)) as { Layers: string[] }[];
  return manifest[0]!.Layers.map((layer) => byPath.get(layer)!);
}

test('docker diff, docker commit and docker load agree with the overlay', { skip, timeout: 120_000 }, () => {
  docker(['import', '-c', 'ENV PATH=/bin', '-', 'oracle-base'], baseRootfs());
  docker(['run', '--name', 'oracle-c1', 'oracle-base', 'sh', '-c', SCRIPT]);
  const [baseTar] = savedLayers('oracle-base');
  const base = applyLayerTar(baseTar!).tree;
  const exported = new Uint8Array(docker(['export', 'oracle-c1']));
  const want = exportListing(exported);

  // 1. docker diff
  const fs = new OverlayFs({ lowers: [base], upper: new MemFs() });
  replay(fs);
  const dockerDiff = docker(['diff', 'oracle-c1']).toString().trim().split('\n');
  const ours = fs.changes().map((c) => `${c.kind} ${c.path}`);
  const byPath = (a: string, b: string) => (a.slice(2) < b.slice(2) ? -1 : a.slice(2) > b.slice(2) ? 1 : 0);
  assert.deepEqual(ours, [...dockerDiff].sort(byPath));

  // 2. Docker's committed layer, applied here.
  docker(['commit', 'oracle-c1', 'oracle-committed']);
  const layers = savedLayers('oracle-committed').map((tar) => applyLayerTar(tar).tree).reverse();
  const theirs = new OverlayFs({ lowers: layers, upper: null });
  assert.deepEqual(overlayListing(theirs, exported).filter((line) => !/^(dev|proc|sys|\.dockerenv|etc\/(hosts|hostname|resolv\.conf|mtab))( |\/)/.test(line)), want);

  // 3. Our committed layer, loaded into Docker.
  const top = fs.commitUpper();
  const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  const config = utf8(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/bin'] },
      rootfs: { type: 'layers', diff_ids: [`sha256:${sha(baseTar!)}`, `sha256:${sha(top)}`] },
    }),
  );
  const manifest = [{ Config: `${sha(config)}.json`, RepoTags: ['oracle-ours:latest'], Layers: [`${sha(baseTar!)}/layer.tar`, `${sha(top)}/layer.tar`] }];
  const image = writeTar([
    { path: `${sha(config)}.json`, type: 'file', mode: 0o644, data: config },
    { path: `${sha(baseTar!)}/layer.tar`, type: 'file', mode: 0o644, data: baseTar! },
    { path: `${sha(top)}/layer.tar`, type: 'file', mode: 0o644, data: top },
    { path: 'manifest.json', type: 'file', mode: 0o644, data: utf8(JSON.stringify(manifest)) },
  ]);
  docker(['load'], image);
  docker(['create', '--name', 'oracle-o1', 'oracle-ours', 'true']);
  const loaded = new Uint8Array(docker(['export', 'oracle-o1']));
  // mtimes of what the script touched differ between the two runs; compare everything else.
  const withoutTimes = (lines: string[]) => lines.map((line) => line.replace(/^(\S+ \S+ \S+ \S+) \d+ /, '$1 '));
  assert.deepEqual(withoutTimes(exportListing(loaded)), withoutTimes(want));
  assert.deepEqual(exportListing(loaded), overlayListing(fs, loaded).filter((line) => !/^(dev|proc|sys|\.dockerenv|etc\/(hosts|hostname|resolv\.conf|mtab))( |\/)/.test(line)));
});

