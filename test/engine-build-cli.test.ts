/**
 * `docker build` with the real docker CLI (legacy builder) against the
 * engine: dockerd 20.10's transcripts as the oracle for the output (r40
 * default build, r41 cached rebuild, r43 -q), the JSON stream itself,
 * malformed Dockerfiles (dockerd's errors, nothing tagged), failed RUN
 * steps (exit status, container left as dockerd leaves it, --force-rm),
 * several -t, --no-cache, build-arg warnings, history, images -a, commit of
 * a built image, builder prune, and ADD from a URL through the engine's
 * injected fetch.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ClassicBuilder } from '../src/engine/build/builder.ts';
import { fromWhatwgFetch } from '../src/engine/images/registry/http.ts';
import type { BuildOptions } from '../src/engine/types/build.ts';
import type { JsonMessage } from '../src/engine/types/json-message.ts';
import { writeTar } from '../src/unionfs/tar/writer.ts';
import { spawn } from 'node:child_process';
import { DOCKER, dockerSkip, startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';
import { failureOf, MALFORMED, MALFORMED_CONTEXT } from './engine-build-helpers.ts';

/** dockerd 20.10's recorded builds (test/reference/README.md). */
const TRANSCRIPTS = join(import.meta.dirname, 'reference/dockerd-20.10');

let t: TestEngine;
const dirs: string[] = [];

before(async () => {
  if (!dockerSkip) t = await startTestEngine();
});
after(async () => {
  await t?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'build-cli-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** The stdout section of a recorded transcript. */
function transcriptStdout(file: string): string {
  const text = readFileSync(join(TRANSCRIPTS, file), 'utf8');
  return text.slice(text.indexOf('--- stdout\n') + '--- stdout\n'.length, text.indexOf('--- stderr\n'));
}

/** IDs and the context size replaced. */
function normalize(text: string): string {
  return text
    .replace(/\r/g, '')
    .replace(/^Sending build context to Docker daemon .*\n/m, '')
    .replace(/[0-9a-f]{64}/g, '<ID>')
    .replace(/\b[0-9a-f]{12}\b/g, '<id>');
}

const R40_DOCKERFILE = 'FROM alpine\nRUN echo built > /built.txt\nCMD ["cat","/built.txt"]\n';

describe('docker build', { skip: dockerSkip }, () => {
  test('the output is dockerd 20.10\'s (r40 build, r41 cached rebuild, r43 -q)', async () => {
    const dir = context({ Dockerfile: R40_DOCKERFILE });
    const first = await t.docker(['build', '-t', 'x', dir]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(normalize(first.stdout), normalize(transcriptStdout('r40-build-default.txt')));
    const again = await t.docker(['build', '-t', 'x', dir]);
    assert.equal(normalize(again.stdout), normalize(transcriptStdout('r41-build-buildkit0.txt')));
    const quiet = await t.docker(['build', '-q', '-t', 'y', dir]);
    assert.equal(normalize(quiet.stdout), normalize(transcriptStdout('r43-build-quiet.txt')));
    const id = (await t.docker(['image', 'inspect', '-f', '{{.Id}}', 'y'])).stdout.trim();
    assert.equal(quiet.stdout, `${id}\n`);
    const run = await t.docker(['run', '--rm', 'x']);
    assert.deepEqual([run.stdout, run.code], ['built\n', 0]);
  });

  test('the JSON stream: one message per write, stderr in red, aux before "Successfully built"', async () => {
    const tar = writeTar([{ path: 'Dockerfile', type: 'file', mode: 0o644, data: new TextEncoder().encode('FROM busybox\nRUN echo out; echo err >&2\n') }]);
    const response = await t.engine.fetch(
      new Request('http://drydock/v1.47/build?t=stream-test&version=1', { method: 'POST', body: new Uint8Array(tar), headers: { 'Content-Type': 'application/x-tar' } }),
    );
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.ok(text.endsWith('\r\n'));
    const messages = text.trim().split('\r\n').map((line) => JSON.parse(line) as JsonMessage);
    const streams = messages.map((m) => m.stream ?? (m.aux ? `aux ${(m.aux as { ID: string }).ID.length}` : ''));
    assert.deepEqual(
      streams.map((s) => s.replace(/[0-9a-f]{12}/g, '<id>')),
      [
        'Step 1/2 : FROM busybox',
        '\n',
        ' ---> <id>\n',
        'Step 2/2 : RUN echo out; echo err >&2',
        '\n',
        ' ---> Running in <id>\n',
        'out\n',
        '\x1b[91merr\n\x1b[0m',
        'Removing intermediate container <id>\n',
        ' ---> <id>\n',
        'aux 71',
        'Successfully built <id>\n',
        'Successfully tagged stream-test:latest\n',
      ],
    );
    assert.match(text, /\\u003e\\u00262/, 'HTML characters escaped as Go does');
  });

  test('malformed Dockerfiles: dockerd\'s errors, and nothing tagged', async () => {
    // Tags only: a failed build leaves its committed steps as untagged images (<none>), as dockerd does.
    const tags = async () => (await t.docker(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.split('\n').filter((l) => l !== '<none>:<none>').sort();
    const before = await tags();
    for (const c of MALFORMED) {
      const dir = context({ ...MALFORMED_CONTEXT, Dockerfile: c.dockerfile });
      const r = await t.docker(['build', '-t', `malformed-${c.name}`, ...(c.args ?? []), dir]);
      assert.deepEqual({ ...failureOf(r), code: r.code }, { steps: c.steps, error: c.error, code: c.code }, `${c.name}:\n${r.stdout}${r.stderr}`);
      const tagged = await t.docker(['image', 'inspect', `malformed-${c.name}`]);
      assert.equal(tagged.code, 1, `${c.name} left a tag`);
    }
    assert.deepEqual(await tags(), before);
  });

  test('an empty Dockerfile', async () => {
    const dir = context({ Dockerfile: '' });
    const r = await t.docker(['build', dir]);
    assert.equal(r.code, 1);
    // The CLI refuses an empty Dockerfile itself when it reads it; the daemon would say "the Dockerfile (Dockerfile) cannot be empty".
    assert.match(r.stderr, /cannot be empty/);
  });

  test('the Dockerfile from stdin: `docker build -` and `docker build -f- DIR`', async () => {
    const alone = await t.docker(['build', '-t', 'stdin-only', '-'], { input: 'FROM busybox\nRUN echo from-stdin > /x\nCMD ["cat", "/x"]\n' });
    assert.equal(alone.code, 0, alone.stderr);
    assert.equal((await t.docker(['run', '--rm', 'stdin-only'])).stdout, 'from-stdin\n');
    const dir = context({ 'a.txt': 'A\n' });
    const withContext = await t.docker(['build', '-t', 'stdin-dockerfile', '-f-', dir], { input: 'FROM busybox\nCOPY . /ctx/\nCMD ["ls", "-a", "/ctx"]\n' });
    assert.equal(withContext.code, 0, withContext.stderr);
    // The CLI adds the Dockerfile under a generated name and lists it in .dockerignore: the daemon drops both.
    assert.equal((await t.docker(['run', '--rm', 'stdin-dockerfile'])).stdout, '.\n..\na.txt\n');
  });

  test('a failed RUN leaves its container, as dockerd does; --force-rm removes it', async () => {
    const dir = context({ Dockerfile: 'FROM busybox\nRUN echo step > /f && exit 2\n' });
    const kept = await t.docker(['build', '-t', 'fails', dir]);
    assert.equal(kept.code, 2);
    const id = /Running in ([0-9a-f]{12})/.exec(kept.stdout)![1]!;
    const ps = await t.docker(['ps', '-a', '--no-trunc', '--filter', `id=${id}`, '--format', '{{.Status}}|{{.Command}}']);
    assert.match(ps.stdout, /^Exited \(2\) .*\|"\/bin\/sh -c 'echo step/);
    await t.docker(['rm', id]);
    const forced = await t.docker(['build', '--force-rm', '-t', 'fails', dir]);
    assert.equal(forced.code, 2);
    const forcedId = /Running in ([0-9a-f]{12})/.exec(forced.stdout)![1]!;
    assert.match(forced.stdout, new RegExp(`Removing intermediate container ${forcedId}`));
    assert.equal((await t.docker(['ps', '-a', '--filter', `id=${forcedId}`, '--format', '{{.ID}}'])).stdout, '');
  });

  test('several -t, --no-cache, unused build args, images -a and history', async () => {
    const dir = context({ Dockerfile: 'FROM busybox\nARG USED=1\nRUN echo $USED > /used\nCMD ["cat", "/used"]\n' });
    const r = await t.docker(['build', '-t', 'multi:a', '-t', 'multi:b', '-t', 'multi:a', '--build-arg', 'USED=2', '--build-arg', 'EXTRA=1', '--build-arg', 'HTTP_PROXY=http://proxy', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\[Warning\] One or more build-args \[EXTRA\] were not consumed$/m);
    assert.match(r.stdout, /^Successfully tagged multi:a\nSuccessfully tagged multi:b\n$/m);
    const history = await t.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'multi:a']);
    assert.deepEqual(history.stdout.split('\n').slice(0, 3), ['/bin/sh -c #(nop)  CMD ["cat" "/used"]', '|1 USED=2 /bin/sh -c echo $USED > /used', '/bin/sh -c #(nop)  ARG USED=1']);
    const nocache = await t.docker(['build', '--no-cache', '-t', 'multi:a', '--build-arg', 'USED=2', dir]);
    assert.doesNotMatch(nocache.stdout, /Using cache/);
    assert.equal((nocache.stdout.match(/Running in/g) ?? []).length, 3);
    const all = await t.docker(['images', '-a', '--format', '{{.ID}}']);
    const top = await t.docker(['images', '--format', '{{.ID}}']);
    const intermediate = /^ ---> ([0-9a-f]{12})$/m.exec(r.stdout.split('Step 3/4')[0]!.split('Step 2/4')[1]!)![1]!;
    assert.ok(all.stdout.includes(intermediate), 'docker images -a lists the intermediate images');
    assert.ok(!top.stdout.includes(intermediate), 'docker images hides them');
  });

  test('docker commit of a container from a built image', async () => {
    const dir = context({ Dockerfile: 'FROM busybox\nWORKDIR /app\nCMD ["cat", "note"]\n' });
    assert.equal((await t.docker(['build', '-t', 'committable', dir])).code, 0);
    const run = await t.docker(['run', '--name', 'to-commit', 'committable', 'sh', '-c', 'echo committed > note']);
    assert.equal(run.code, 0, run.stderr);
    const commit = await t.docker(['commit', '-c', 'CMD ["cat", "note"]', 'to-commit', 'committed:1']);
    assert.equal(commit.code, 0, commit.stderr);
    const out = await t.docker(['run', '--rm', 'committed:1']);
    assert.equal(out.stdout, 'committed\n');
    const history = await t.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'committed:1']);
    assert.deepEqual(history.stdout.split('\n').slice(0, 3), ['sh -c echo committed > note', '/bin/sh -c #(nop)  CMD ["cat" "note"]', '/bin/sh -c #(nop) WORKDIR /app']);
    await t.docker(['rm', 'to-commit']);
  });

  test('a client that goes away cancels the build: the RUN container is killed and removed', async () => {
    const dir = context({ Dockerfile: 'FROM drydock-test\nRUN echo "in the step"; sig sleep\n' });
    const child = spawn(DOCKER, ['build', dir], { env: { ...process.env, DOCKER_HOST: `unix://${t.socket}`, DOCKER_BUILDKIT: '0', DOCKER_CONFIG: dir } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    for (let i = 0; i < 300 && !/^in the step$/m.test(out); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    const id = /Running in ([0-9a-f]{12})/.exec(out)?.[1];
    assert.ok(id && /^in the step$/m.test(out), out);
    assert.match((await t.docker(['ps', '--filter', `id=${id}`, '--format', '{{.Status}}'])).stdout, /^Up /);
    child.kill('SIGKILL');
    let listed = 'x';
    for (let i = 0; i < 300 && listed !== ''; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      listed = (await t.docker(['ps', '-a', '--filter', `id=${id}`, '--format', '{{.ID}}'])).stdout;
    }
    assert.equal(listed, '', 'the step container is gone');
  });

  test('builder prune deletes what failed builds left, not tagged images or their layers', async () => {
    const dir = context({ Dockerfile: 'FROM busybox\nRUN echo left-behind > /x\nRUN false\n' });
    const failed = await t.docker(['build', '--force-rm', dir]);
    assert.equal(failed.code, 1);
    const leftover = /Step 2\/3[\s\S]*? ---> ([0-9a-f]{12})\n/.exec(failed.stdout)![1]!;
    assert.equal((await t.docker(['image', 'inspect', leftover])).code, 0);
    const prune = await t.docker(['builder', 'prune', '-f']);
    assert.equal(prune.code, 0, prune.stderr);
    assert.match(prune.stdout, /Total reclaimed space: /);
    assert.equal((await t.docker(['image', 'inspect', leftover])).code, 1);
    assert.equal((await t.docker(['run', '--rm', 'x'])).stdout, 'built\n');
  });
});

describe('ADD from a URL (the engine\'s injected fetch)', { skip: dockerSkip }, () => {
  async function build(builder: ClassicBuilder, dockerfile: string): Promise<{ messages: JsonMessage[]; id?: string; error?: string }> {
    const messages: JsonMessage[] = [];
    const options: BuildOptions = {
      dockerfile: '', tags: [], extraHosts: [], remote: '', quiet: false, noCache: false, cacheFrom: [], pull: false, remove: true, forceRemove: false,
      memory: 0, memorySwap: 0, cpuShares: 0, cpuSetCpus: '', cpuSetMems: '', cpuPeriod: 0, cpuQuota: 0, buildArgs: {}, shmSize: 0, labels: {},
      networkMode: '', platform: '', target: '', ulimits: [], authConfigs: {},
    };
    const tar = writeTar([{ path: 'Dockerfile', type: 'file', mode: 0o644, data: new TextEncoder().encode(dockerfile) }]);
    try {
      const id = await builder.build(options, (async function* () { yield tar; })(), (m) => messages.push(m), new AbortController().signal);
      return { messages, id };
    } catch (error) {
      return { messages, error: error instanceof Error ? error.message : String(error) };
    }
  }

  test('downloads into the image (mode 0600, Last-Modified), names by URL path, reports errors as dockerd', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/files/app.conf') {
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Last-Modified': 'Wed, 01 Jan 2020 00:00:00 GMT' });
        res.end('remote=true\n');
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('no such file\n');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const builder = new ClassicBuilder({ store: t.engine.images.store, containers: t.engine.containers, fetch: fromWhatwgFetch(globalThis.fetch) });
      const ok = await build(builder, `FROM busybox\nADD ${base}/files/app.conf /etc/\nADD ${base}/files/app.conf /renamed.conf\n`);
      assert.equal(ok.error, undefined);
      const history = ok.messages.filter((m) => m.stream?.startsWith('Step')).length;
      assert.equal(history, 3);
      await t.docker(['tag', ok.id!, 'from-url']);
      const r = await t.docker(['run', '--rm', 'from-url', 'sh', '-c', 'cat /etc/app.conf /renamed.conf; ls -l /etc/app.conf']);
      assert.match(r.stdout, /^remote=true\nremote=true\n-rw------- +1 root +root +12 Jan +1 +2020 \/etc\/app.conf\n$/);
      const rows = await t.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'from-url']);
      assert.match(rows.stdout, /^\/bin\/sh -c #\(nop\) ADD [0-9a-f]{64} in \/renamed.conf \n\/bin\/sh -c #\(nop\) ADD [0-9a-f]{64} in \/etc\/ \n/);
      const missing = await build(builder, `FROM busybox\nADD ${base}/nope /x\n`);
      assert.equal(missing.error, `ADD failed: failed to GET ${base}/nope with status 404 Not Found: no such file`);
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedPort = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const refused = await build(builder, `FROM busybox\nADD http://127.0.0.1:${closedPort}/x /x\n`);
      assert.match(refused.error ?? '', new RegExp(`^ADD failed: Get "http://127\\.0\\.0\\.1:${closedPort}/x": fetch failed: .*ECONNREFUSED`));
      const noNetwork = await build(new ClassicBuilder({ store: t.engine.images.store, containers: t.engine.containers }), `FROM busybox\nADD ${base}/files/app.conf /x\n`);
      assert.equal(noNetwork.error, `ADD failed: Get "${base}/files/app.conf": this engine has no network access (no fetch was given to the builder)`);
    } finally {
      server.close();
    }
  });
});
