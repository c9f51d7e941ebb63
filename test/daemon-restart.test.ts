/**
 * `drydock daemon` as a user runs it: state under --data-root comes back
 * after a clean stop (SIGTERM) and after a crash (SIGKILL): images and tags,
 * volumes and their data, user networks (same id and subnet), containers
 * (exited ones with their logs; a
 * restart=always one running again).
 */
import { strict as assert } from 'node:assert';
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { startDaemon as startDaemonProcess } from './helpers/daemon.ts';
import { dockerSkip, DOCKER } from './helpers/engine-harness.ts';

const execFileAsync = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'drydock-daemon-'));
const socket = join(dir, 'docker.sock');
const dataRoot = join(dir, 'data');
after(() => rmSync(dir, { recursive: true, force: true }));

function startDaemon(): Promise<ChildProcess> {
  return startDaemonProcess({ socket, dataRoot });
}

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(DOCKER, args, { env: { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: dir } });
  return stdout;
}

function stopped(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

test('state survives a clean stop and a crash', { skip: dockerSkip }, async () => {
  let daemon = await startDaemon();
  assert.equal((statSync(socket).mode & 0o777).toString(8), '660');
  await docker('tag', 'busybox', 'mine:v1');
  await docker('volume', 'create', 'keep');
  await docker('network', 'create', '--subnet', '10.77.0.0/24', 'kept-net');
  const network = await docker('network', 'inspect', '--format', '{{.Id}} {{json .IPAM.Config}}', 'kept-net');
  await docker('run', '--name', 'writer', '-v', 'keep:/data', 'busybox', 'sh', '-c', 'echo persisted > /data/f; echo logged; echo changed > /etc/motd');
  await docker('run', '-d', '--name', 'always', '--restart', 'always', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done');
  daemon.kill('SIGTERM');
  assert.equal(await stopped(daemon), 0);

  daemon = await startDaemon();
  assert.match(await docker('images', '--format', '{{.Repository}}:{{.Tag}}'), /^mine:v1$/m);
  assert.equal(await docker('network', 'inspect', '--format', '{{.Id}} {{json .IPAM.Config}}', 'kept-net'), network);
  assert.match(await docker('run', '--rm', '--network', 'kept-net', 'busybox', 'ip', '-4', 'addr', 'show', 'eth0'), /inet 10\.77\.0\.2\/24 /);
  assert.equal(await docker('logs', 'writer'), 'logged\n');
  assert.equal(await docker('run', '--rm', '-v', 'keep:/data', 'busybox', 'cat', '/data/f'), 'persisted\n');
  assert.equal(await docker('start', '-a', 'writer'), 'logged\n');
  // As dockerd: the volume's mount point is created in the container layer.
  assert.equal(await docker('diff', 'writer'), 'A /data\nC /etc\nA /etc/motd\n');
  assert.match(await docker('ps', '--format', '{{.Names}} {{.Status}}'), /^always Up /m);

  daemon.kill('SIGKILL');
  await stopped(daemon);
  daemon = await startDaemon();
  assert.match(await docker('ps', '-a', '--format', '{{.Names}}'), /writer/);
  assert.match(await docker('ps', '--format', '{{.Names}} {{.Status}}'), /^always Up /m);
  await docker('rm', '-f', 'always', 'writer');
  assert.equal(await docker('network', 'rm', 'kept-net'), 'kept-net\n');
  daemon.kill('SIGTERM');
  await stopped(daemon);
});
