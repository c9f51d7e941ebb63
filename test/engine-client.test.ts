/** The engine embedded in-process (createEngine) and driven by the typed client, as a Node test author would. */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { DockerApiError, DockerClient, StdcopyDemuxer } from '../src/engine/client/client.ts';
import { inProcessTransport } from '../src/engine/client/transport.ts';
import { startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';

let t: TestEngine;
let docker: DockerClient;
before(async () => {
  t = await startTestEngine();
  docker = new DockerClient(inProcessTransport(t.engine.api));
});
after(() => t?.close());

test('ping, version, info', async () => {
  assert.equal(await docker.ping(), 'OK');
  assert.equal((await docker.version()).ApiVersion, '1.47');
  assert.equal((await docker.info()).OperatingSystem, 'Drydock');
});

test('create, attach, start, wait, remove: the docker run sequence', async () => {
  const id = await docker.createContainer({ Image: 'busybox', Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 4'] });
  const frames: string[] = [];
  const demux = new StdcopyDemuxer((stream, bytes) => frames.push(`${stream}:${new TextDecoder().decode(bytes)}`));
  const session = await docker.attach(id, {}, (chunk) => demux.push(chunk));
  const wait = await docker.waitContainer(id, 'next-exit');
  await docker.startContainer(id);
  assert.deepEqual(await wait.result, { Error: null, StatusCode: 4 });
  await session.done;
  assert.deepEqual(frames.sort(), ['1:out\n', '2:err\n']);
  await docker.removeContainer(id);
  await assert.rejects(docker.inspectContainer(id), (e: unknown) => e instanceof DockerApiError && e.status === 404 && e.message === `No such container: ${id}`);
});

test('exec with stdin, and its exit code', async () => {
  const id = await docker.createContainer({ Image: 'drydock-test', Cmd: ['sig', 'sleep'] });
  await docker.startContainer(id);
  const exec = await docker.createExec(id, { Cmd: ['sh', '-c', 'read x; echo "[$x]"; exit 9'], AttachStdin: true, AttachStdout: true, AttachStderr: true });
  let out = '';
  const demux = new StdcopyDemuxer((_stream, bytes) => (out += new TextDecoder().decode(bytes)));
  const session = await docker.startExec(exec, { tty: false }, (chunk) => demux.push(chunk));
  session.write(new TextEncoder().encode('typed\n'));
  session.closeWrite();
  await session.done;
  assert.equal(out, '[typed]\n');
  assert.equal((await docker.inspectExec(exec)).ExitCode, 9);
  await docker.removeContainer(id, { force: true });
});

test('events stream sees the container lifecycle', async () => {
  const seen: string[] = [];
  const events = await docker.events((e) => {
    if (e.Type === 'container') seen.push(e.Action);
  });
  const id = await docker.createContainer({ Image: 'busybox', Cmd: ['true'] });
  const wait = await docker.waitContainer(id, 'next-exit');
  await docker.startContainer(id);
  await wait.result;
  await docker.removeContainer(id);
  await new Promise((resolve) => setTimeout(resolve, 50));
  events.cancel();
  assert.deepEqual(
    seen.filter((a) => ['create', 'start', 'die', 'destroy'].includes(a)),
    ['create', 'start', 'die', 'destroy'],
  );
});
