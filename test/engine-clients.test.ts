/**
 * Other real Docker clients against the engine: dockerode (npm) and docker-py
 * (Debian's python3-docker). docker-compose is tested with networks.
 */
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';

const run = promisify(execFile);
const havePython = (() => {
  try {
    return existsSync('/usr/bin/python3') && existsSync('/usr/lib/python3/dist-packages/docker');
  } catch {
    return false;
  }
})();
const pySkip = !havePython && !process.env.CI ? 'python3-docker is not installed' : false;

let t: TestEngine;
before(async () => {
  t = await startTestEngine();
});
after(() => t?.close());

test('dockerode: run with a TTY (non-upgraded attach), exec, inspect, remove', async () => {
  const docker = new Docker({ socketPath: t.socket });
  const info = await docker.info();
  assert.equal(info.OperatingSystem, 'Drydock');
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const [result, container] = (await docker.run('busybox', ['sh', '-c', 'echo from dockerode; exit 2'], out)) as [{ StatusCode: number }, Docker.Container];
  assert.equal(result.StatusCode, 2);
  assert.equal(text.replace(/\r/g, ''), 'from dockerode\n');
  assert.equal((await container.inspect()).State.ExitCode, 2);
  await container.remove();

  const sleeper = await docker.createContainer({ Image: 'drydock-test', Cmd: ['sig', 'sleep'] });
  await sleeper.start();
  const exec = await sleeper.exec({ Cmd: ['sh', '-c', 'echo exec; exit 6'], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  let execOut = '';
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => (execOut += chunk.toString()));
  docker.modem.demuxStream(stream, sink, sink);
  await new Promise((resolve) => stream.on('end', resolve));
  assert.equal(execOut, 'exec\n');
  assert.equal((await exec.inspect()).ExitCode, 6);
  await sleeper.remove({ force: true });
});

const PY = `
import sys, docker
c = docker.DockerClient(base_url='unix://' + sys.argv[1])
print(c.version()['ApiVersion'])
print(c.containers.run('busybox', ['echo', 'hello from docker-py'], remove=True).decode(), end='')
ct = c.containers.run('drydock-test', ['sig', 'sleep'], detach=True)
r = ct.exec_run(['sh', '-c', 'echo exec output; exit 3'])
print(r.exit_code, r.output.decode(), end='')
print(ct.logs().decode(), end='')
c.volumes.create('pyvol')
c.containers.run('busybox', ['sh', '-c', 'echo in the volume > /data/f'], volumes={'pyvol': {'bind': '/data', 'mode': 'rw'}}, remove=True)
print(c.containers.run('busybox', ['cat', '/data/f'], volumes=['pyvol:/data'], remove=True).decode(), end='')
print(sorted(v.name for v in c.volumes.list()))
ct.kill()
ct.remove()
print(len(c.containers.list(all=True)))
`;

test('docker-py: containers.run, exec_run, logs, volumes', { skip: pySkip }, async () => {
  const { stdout } = await run('python3', ['-c', PY, t.socket], { timeout: 60_000 });
  assert.equal(stdout, "1.47\nhello from docker-py\n3 exec output\nsleeping\nin the volume\n['pyvol']\n0\n");
});
