/**
 * A real dockerd (Debian docker.io 20.10) started by a test as its oracle:
 * its own socket, data root and exec root under a fresh /tmp directory, in
 * the minimal mode that leaves no docker0 bridge or firewall rules behind
 * (--iptables=false --ip6tables=false --bridge=none; user-defined networks
 * still work). Used by every differential test against dockerd and by the
 * build benchmark.
 *
 * Invariants: the daemon never touches another dockerd's state (all paths are
 * its own); stop() ends only the daemon this module started, unmounts what it
 * left under its home and removes the home.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTar } from '../../src/unionfs/tar/reader.ts';

export const BUSYBOX_STATIC = existsSync('/bin/busybox') ? '/bin/busybox' : '/usr/bin/busybox';
export const DOCKER_CLI = '/usr/local/bin/docker';
const SHIPPED_BUSYBOX = fileURLToPath(new URL('../../public/images/busybox.tar', import.meta.url));

/** What a real dockerd needs here; empty when it can run. */
export function oracleMissing(): string[] {
  const which = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
  return [
    ...(which('dockerd') ? [] : ['dockerd']),
    ...(existsSync(DOCKER_CLI) ? [] : ['docker']),
    ...(existsSync(BUSYBOX_STATIC) ? [] : ['busybox-static']),
    ...(process.getuid?.() === 0 ? [] : ['root']),
  ];
}

/**
 * The test's skip value for a dockerd oracle: false when dockerd can run,
 * the reason otherwise. Under CI a missing piece is an error, not a skip.
 */
export function oracleSkip(): string | false {
  const missing = oracleMissing();
  if (missing.length > 0 && process.env.CI) throw new Error(`CI: the dockerd oracle needs ${missing.join(', ')}`);
  return missing.length > 0 ? `needs ${missing.join(', ')}` : false;
}

export interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** A running dockerd of a test. */
export interface Oracle {
  readonly home: string;
  readonly socket: string;
  /** Runs the docker CLI against it, synchronously (blocks the event loop: not while an in-process engine must make progress). */
  docker(args: string[], input?: Uint8Array | string): CliResult;
  stop(): Promise<void>;
}

function cliEnv(home: string, socket: string): NodeJS.ProcessEnv {
  return { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_BUILDKIT: '0', DOCKER_CONFIG: home };
}

/**
 * Runs the docker CLI against any engine's unix socket without blocking the
 * event loop (an in-process engine keeps running). A CLI still running after
 * the timeout is killed with SIGKILL: `docker run` forwards SIGTERM to the
 * container and would not exit.
 */
export function dockerCli(socket: string, args: string[], options: { input?: string; timeoutMs?: number; config?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(DOCKER_CLI, args, { env: cliEnv(options.config ?? dirname(socket), socket) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      stderr += `[killed after ${options.timeoutMs ?? 60_000} ms]\n`;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: code ?? -1 });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Starts dockerd (vfs storage unless told otherwise) and waits until it answers. */
export async function startDockerd(options: { storageDriver?: string; home?: string } = {}): Promise<Oracle> {
  const home = mkdtempSync(options.home ?? '/tmp/dd-oracle-');
  const socket = `${home}/docker.sock`;
  const daemon: ChildProcess = spawn(
    'dockerd',
    [
      '--host', `unix://${socket}`, '--data-root', `${home}/data`, '--exec-root', `${home}/exec`, '--pidfile', `${home}/dockerd.pid`,
      '--iptables=false', '--ip6tables=false', '--bridge=none', `--storage-driver=${options.storageDriver ?? 'vfs'}`,
    ],
    { stdio: 'ignore' },
  );
  const docker = (args: string[], input?: Uint8Array | string): CliResult => {
    const r = spawnSync(DOCKER_CLI, args, { env: cliEnv(home, socket), input, maxBuffer: 512 * 1024 * 1024, timeout: 300_000 });
    return { stdout: r.stdout?.toString() ?? '', stderr: r.stderr?.toString() ?? '', code: r.status ?? -1 };
  };
  let up = false;
  for (let i = 0; i < 150 && !up; i++) {
    up = existsSync(socket) && docker(['version']).code === 0;
    if (!up) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const oracle: Oracle = {
    home,
    socket,
    docker,
    async stop() {
      if (daemon.pid && daemon.exitCode === null && daemon.signalCode === null) {
        const exited = new Promise((resolve) => daemon.once('exit', resolve));
        process.kill(daemon.pid, 'SIGTERM');
        await exited;
      }
      spawnSync('sh', ['-c', `grep ' ${home}/' /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r umount -l`]);
      rmSync(home, { recursive: true, force: true });
    },
  };
  if (!up) {
    await oracle.stop();
    throw new Error('dockerd did not start');
  }
  return oracle;
}

/**
 * Imports `busybox` into a dockerd: Drydock's base layer (same /etc/passwd,
 * group, directories) with busybox-static linked as every applet Drydock's
 * busybox has, ENV PATH and CMD ["sh"] as Drydock's.
 */
export function importBusybox(oracle: Oracle, tag = 'busybox'): void {
  const root = join(oracle.home, 'rootfs');
  mkdirSync(root, { recursive: true });
  const image = readTar(readFileSync(SHIPPED_BUSYBOX));
  const manifest = JSON.parse(Buffer.from(image.find((e) => e.path === 'manifest.json')!.data).toString()) as { Layers: string[] }[];
  const [baseLayer, binLayer] = manifest[0]!.Layers;
  writeFileSync(join(oracle.home, 'base.tar'), image.find((e) => e.path === baseLayer)!.data);
  spawnSync('tar', ['-xf', join(oracle.home, 'base.tar'), '-C', root]);
  copyFileSync(BUSYBOX_STATIC, join(root, 'bin/busybox'));
  for (const entry of readTar(image.find((e) => e.path === binLayer)!.data)) {
    const name = entry.path.replace(/\/$/, '');
    if (!name.startsWith('bin/') || name === 'bin/busybox' || entry.type === 'dir') continue;
    linkSync(join(root, 'bin/busybox'), join(root, name));
  }
  const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 }).stdout;
  rmSync(root, { recursive: true, force: true });
  const imported = oracle.docker(['import', '-c', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '-c', 'CMD ["sh"]', '-', tag], tar);
  if (imported.code !== 0) throw new Error(`importing busybox into dockerd: ${imported.stderr}`);
}

/** A dockerd with `busybox` imported (see importBusybox). */
export async function startOracleDockerd(): Promise<Oracle> {
  const oracle = await startDockerd({ home: '/tmp/dd-build-' });
  try {
    importBusybox(oracle);
  } catch (error) {
    await oracle.stop();
    throw error;
  }
  return oracle;
}
