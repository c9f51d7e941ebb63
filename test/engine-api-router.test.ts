/**
 * The engine API router in process: version negotiation, routing, error
 * mapping, query and body parsing, streams, and the fetch adapter, against
 * small fake backends. Expected messages are dockerd's (moby sources and
 * ../shared/reference transcripts).
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ErrnoError, Errno } from '../src/common/errno.ts';
import { createApi, type ApiBackends } from '../src/engine/api/create-api.ts';
import { EngineSystemBackend } from '../src/engine/api/engine-system.ts';
import type { ContainersBackend } from '../src/engine/api/routers/container-backend.ts';
import type { ExecBackend } from '../src/engine/api/routers/exec-backend.ts';
import type { ImagesBackend } from '../src/engine/api/routers/image-backend.ts';
import { demuxStdcopy, StdStream } from '../src/engine/api/stdcopy.ts';
import {
  ConflictError,
  ForbiddenError,
  InvalidParameterError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  SystemError,
  UnauthorizedError,
  UnavailableError,
} from '../src/engine/errors.ts';
import type { Filters } from '../src/engine/types/filters.ts';
import type { ContainerListOptions } from '../src/engine/types/container.ts';
import { deferred, fake, jsonRequest, messageOf, request, streamText } from './engine-api-fakes.ts';

function apiWith(backends: ApiBackends, onServerError?: (error: unknown) => void) {
  return createApi({ backends, onServerError });
}

const system = new EngineSystemBackend({ ncpu: 2, memTotal: 1 << 30 });

test('ping: HEAD and GET answer with dockerd\'s headers, without a version prefix', async () => {
  const api = apiWith({});
  for (const method of ['HEAD', 'GET']) {
    const result = await api.handle(request(method, '/_ping'));
    assert.equal(result.kind, 'bytes');
    assert.equal(result.status, 200);
    if (result.kind !== 'bytes') return;
    assert.equal(new TextDecoder().decode(result.body), method === 'HEAD' ? '' : 'OK');
    assert.equal(result.contentType, 'text/plain; charset=utf-8');
    assert.deepEqual(
      { ...result.headers },
      {
        'Api-Version': '1.47',
        'Docker-Experimental': 'false',
        Ostype: 'linux',
        Server: 'Drydock/0.1.0 (linux)',
        'Cache-Control': 'no-cache, no-store, must-revalidate',
        Pragma: 'no-cache',
        'Builder-Version': '1',
        Swarm: 'inactive',
      },
    );
  }
  assert.equal((await api.handle(request('GET', '/v1.47/_ping'))).status, 200);
});

test('version prefixes: in range served, too new/too old rejected with dockerd\'s wording', async () => {
  const api = apiWith({ system });
  assert.equal((await api.handle(request('GET', '/version'))).status, 200);
  assert.equal((await api.handle(request('GET', '/v1.24/version'))).status, 200);
  assert.equal((await api.handle(request('GET', '/v1.47/version'))).status, 200);

  const tooNew = await api.handle(request('GET', '/v1.50/version'));
  assert.equal(tooNew.status, 400);
  assert.equal(messageOf(tooNew), 'client version 1.50 is too new. Maximum supported API version is 1.47');

  // Below 1.24 dockerd answers in plain text (such clients print JSON bodies verbatim).
  const tooOld = await api.handle(request('GET', '/v1.12/version'));
  assert.equal(tooOld.status, 400);
  assert.equal(tooOld.kind, 'bytes');
  if (tooOld.kind === 'bytes') {
    assert.equal(tooOld.contentType, 'text/plain; charset=utf-8');
    assert.equal(
      new TextDecoder().decode(tooOld.body),
      'client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version\n',
    );
  }
  // Every reply carries the identity headers, errors included.
  assert.equal(tooNew.headers['Api-Version'], '1.47');
  assert.equal(tooNew.headers.Server, 'Drydock/0.1.0 (linux)');
  assert.equal(tooNew.headers.Ostype, 'linux');
});

test('the negotiated version reaches handlers: logs are multiplexed-stream from 1.42, raw-stream before', async () => {
  const containers = fake<ContainersBackend>({
    logs: async () => ({ tty: false, messages: (async function* () {})() }),
  });
  const api = apiWith({ containers });
  const contentType = async (path: string) => {
    const result = await api.handle(request('GET', `${path}/containers/c1/logs?stdout=1`));
    return result.kind === 'stream' ? result.contentType : result.kind;
  };
  assert.equal(await contentType(''), 'application/vnd.docker.multiplexed-stream');
  assert.equal(await contentType('/v1.42'), 'application/vnd.docker.multiplexed-stream');
  assert.equal(await contentType('/v1.41'), 'application/vnd.docker.raw-stream');
});

test('unknown paths and wrong methods are 404 "page not found", as in dockerd', async () => {
  const api = apiWith({ system });
  for (const [method, path] of [
    ['GET', '/nope'],
    ['GET', '/v1.47/nope'],
    ['PUT', '/info'],
    ['GET', '/v1.99/nope'],
  ]) {
    const result = await api.handle(request(method!, path!));
    assert.equal(result.status, 404, `${method} ${path}`);
    assert.equal(messageOf(result), 'page not found');
  }
});

test('every error class maps to its HTTP status in one place; unclassified errors are 500', async () => {
  const cases: [Error, number][] = [
    [new NotFoundError('No such container: x'), 404],
    [new InvalidParameterError('bad'), 400],
    [new ConflictError('in use'), 409],
    [new UnauthorizedError('who are you'), 401],
    [new ForbiddenError('no'), 403],
    [new UnavailableError('later'), 503],
    [new NotImplementedError('not here'), 501],
    [new SystemError('broken'), 500],
    [new TypeError('a bug'), 500],
    [new ErrnoError(Errno.ENOENT, 'lstat /x'), 404],
    [new ErrnoError(Errno.EEXIST), 409],
  ];
  for (const [error, status] of cases) {
    const serverErrors: unknown[] = [];
    const api = apiWith({ containers: fake<ContainersBackend>({ inspect: async () => Promise.reject(error) }) }, (e) => serverErrors.push(e));
    const result = await api.handle(request('GET', '/containers/x/json'));
    assert.equal(result.status, status, error.message);
    assert.equal(messageOf(result), error.message);
    assert.equal(serverErrors.length, status >= 500 ? 1 : 0);
  }
});

test('NotModified is a 304 without body (start of a running container)', async () => {
  const api = apiWith({ containers: fake<ContainersBackend>({ start: async () => Promise.reject(new NotModifiedError('already started')) }) });
  const result = await api.handle(request('POST', '/v1.47/containers/x/start'));
  assert.equal(result.kind, 'empty');
  assert.equal(result.status, 304);
});

test('a missing backend answers 501 instead of crashing', async () => {
  const result = await apiWith({}).handle(request('GET', '/images/json'));
  assert.equal(result.status, 501);
  assert.equal(messageOf(result), 'images are not available in this engine');
});

test('filters: the Go map form and docker-py list form reach the backend alike; unknown keys and bad JSON are 400', async () => {
  let seen: Filters | undefined;
  const api = apiWith({
    containers: fake<ContainersBackend>({
      list: async (options: ContainerListOptions) => {
        seen = options.filters;
        return [];
      },
    }),
  });
  for (const json of ['{"label":{"a=b":true},"status":{"exited":true}}', '{"label":["a=b"],"status":["exited"]}']) {
    const result = await api.handle(request('GET', `/containers/json?filters=${encodeURIComponent(json)}`));
    assert.equal(result.status, 200);
    assert.deepEqual(seen?.get('label'), ['a=b']);
    assert.deepEqual(seen?.get('status'), ['exited']);
  }
  const unknown = await api.handle(request('GET', `/containers/json?filters=${encodeURIComponent('{"bogus":["x"]}')}`));
  assert.equal(unknown.status, 400);
  assert.equal(messageOf(unknown), "invalid filter 'bogus'");
  const malformed = await api.handle(request('GET', '/containers/json?filters=%7Bnot-json'));
  assert.equal(malformed.status, 400);
  assert.equal(messageOf(malformed), 'invalid filter');
});

test('boolean query values follow moby through a real route', async () => {
  let all: boolean | undefined;
  const api = apiWith({
    containers: fake<ContainersBackend>({
      list: async (options: ContainerListOptions) => {
        all = options.all;
        return [];
      },
    }),
  });
  const expectations: [string, boolean][] = [
    ['', false],
    ['?all', false],
    ['?all=', false],
    ['?all=0', false],
    ['?all=no', false],
    ['?all=false', false],
    ['?all=None', false],
    ['?all=1', true],
    ['?all=true', true],
    ['?all=True', true],
    ['?all=yes', true],
  ];
  for (const [query, expected] of expectations) {
    await api.handle(request('GET', `/containers/json${query}`));
    assert.equal(all, expected, query);
  }
  const badLimit = await api.handle(request('GET', '/containers/json?limit=ten'));
  assert.equal(badLimit.status, 400);
});

test('malformed and mistyped JSON bodies are 400s with a message, never a 500', async () => {
  let created = 0;
  const api = apiWith({
    containers: fake<ContainersBackend>({
      create: async () => {
        created++;
        return { Id: 'c'.repeat(64), Warnings: [] };
      },
    }),
  });
  const cases: [string, string, RegExp][] = [
    ['{', 'application/json', /^invalid JSON: /],
    ['{"Image":"alpine"} {"x":1}', 'application/json', /^unexpected content after JSON$/],
    ['{"Cmd": 5}', 'application/json', /cannot unmarshal number into Go struct field CreateRequest\.Cmd/],
    ['{"HostConfig":{"Memory":"64m"}}', 'application/json', /CreateRequest\.HostConfig\.Memory of type int64/],
    ['[1,2]', 'application/json', /cannot unmarshal array into Go value of type CreateRequest/],
    ['{"Image":"alpine"}', 'text/plain', /^unsupported Content-Type header \(text\/plain\): must be 'application\/json'$/],
    ['', 'application/json', /^invalid JSON: got EOF while reading request body$/],
  ];
  for (const [body, contentType, message] of cases) {
    const result = await api.handle(jsonRequest('POST', '/containers/create?name=tt', body, contentType));
    assert.equal(result.status, 400, body);
    assert.match(messageOf(result), message, body);
  }
  assert.equal(created, 0);
  const ok = await api.handle(jsonRequest('POST', '/containers/create?name=tt', '{"Image":"alpine","Cmd":["true"]}'));
  assert.equal(ok.status, 201);
  assert.equal(created, 1);
});

test('swarm endpoints are 503 with dockerd\'s message; plugins are 404; BuildKit sessions are refused', async () => {
  const api = apiWith({});
  for (const [method, path] of [
    ['GET', '/nodes'],
    ['GET', '/services'],
    ['GET', '/swarm'],
    ['POST', '/secrets/create'],
    ['GET', '/v1.47/configs/abc'],
    ['GET', '/tasks/t1/logs'],
  ]) {
    const result = await api.handle(request(method!, path!));
    assert.equal(result.status, 503, path);
    assert.equal(
      messageOf(result),
      'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.',
    );
  }
  const plugin = await api.handle(request('GET', '/v1.47/plugins/tt/json'));
  assert.equal(plugin.status, 404);
  assert.equal(messageOf(plugin), 'plugin "tt" not found');
  const plugins = await api.handle(request('GET', '/plugins'));
  assert.equal(plugins.kind === 'json' && JSON.stringify(plugins.value), '[]');
  assert.equal((await api.handle(request('POST', '/session'))).status, 501);
  assert.equal((await api.handle(request('POST', '/grpc'))).status, 501);
});

test('wait flushes its headers before the result exists, and writes it when the container exits', async () => {
  const exit = deferred<{ Error: null; StatusCode: number }>();
  let condition = '';
  const api = apiWith({
    containers: fake<ContainersBackend>({
      wait: async (_name, c) => {
        condition = c;
        return { result: exit.promise };
      },
    }),
  });
  const result = await api.handle(request('POST', '/v1.47/containers/c1/wait?condition=next-exit'));
  assert.equal(result.kind, 'stream');
  assert.equal(result.kind === 'stream' && result.flush, 'immediately');
  assert.equal(condition, 'next-exit');
  exit.resolve({ Error: null, StatusCode: 3 });
  assert.equal(await streamText(result), '{"Error":null,"StatusCode":3}\n');
  const bad = await api.handle(request('POST', '/containers/c1/wait?condition=later'));
  assert.equal(bad.status, 400);
  assert.equal(messageOf(bad), 'invalid condition: "later"');
});

test('progress streams: an error before any output is an HTTP error, after output it is in band', async () => {
  const images = fake<ImagesBackend>({
    pull: async (options, progress) => {
      if (options.fromImage === 'missing') throw new NotFoundError('pull access denied for missing');
      progress({ status: 'Pulling from library/alpine', id: 'latest' });
      throw new SystemError('connection reset <by peer>');
    },
    load: async () => {
      throw new InvalidParameterError('not a tar');
    },
  });
  const api = apiWith({ images });
  const early = await api.handle(request('POST', '/images/create?fromImage=missing&tag=latest'));
  assert.equal(early.status, 404);
  assert.equal(messageOf(early), 'pull access denied for missing');

  const late = await api.handle(request('POST', '/images/create?fromImage=alpine&tag=latest'));
  assert.equal(late.status, 200);
  assert.equal(
    await streamText(late),
    '{"status":"Pulling from library/alpine","id":"latest"}\r\n' +
      '{"errorDetail":{"message":"connection reset \\u003cby peer\\u003e"},"error":"connection reset \\u003cby peer\\u003e"}\r\n',
  );

  // docker load reports every failure in band, as dockerd does.
  const load = await api.handle(request('POST', '/images/load?quiet=1', { body: new Uint8Array([1, 2, 3]) }));
  assert.equal(load.status, 200);
  assert.equal(await streamText(load), '{"errorDetail":{"message":"not a tar"},"error":"not a tar"}\r\n');
});

test('logs: stdcopy frames with fixed nine-digit timestamps; at least one stream is required', async () => {
  const containers = fake<ContainersBackend>({
    logs: async () => ({
      tty: false,
      messages: (async function* () {
        yield { stream: 'stdout' as const, line: new TextEncoder().encode('hi\n'), timestamp: 1795734952219112000n };
        yield { stream: 'stderr' as const, line: new TextEncoder().encode('err\n'), timestamp: 1795734952300000000n };
      })(),
    }),
  });
  const api = apiWith({ containers });
  const result = await api.handle(request('GET', '/containers/c1/logs?stdout=1&stderr=1&timestamps=1'));
  assert.equal(result.kind, 'stream');
  if (result.kind !== 'stream') return;
  const chunks: Uint8Array[] = [];
  for await (const chunk of result.body) chunks.push(chunk);
  const frames = demuxStdcopy(Buffer.concat(chunks));
  assert.deepEqual(
    frames.map((f) => [f.stream, new TextDecoder().decode(f.payload)]),
    [
      [StdStream.Stdout, '2026-11-26T23:15:52.219112000Z hi\n'],
      [StdStream.Stderr, '2026-11-26T23:15:52.300000000Z err\n'],
    ],
  );
  const none = await api.handle(request('GET', '/containers/c1/logs'));
  assert.equal(none.status, 400);
  assert.equal(messageOf(none), 'Bad parameters: you must choose at least one stream');
});

test('kill errors are prefixed like dockerd\'s and keep their class', async () => {
  const api = apiWith({
    containers: fake<ContainersBackend>({ kill: async (name) => Promise.reject(new ConflictError(`Container ${name} is not running`)) }),
  });
  const result = await api.handle(request('POST', '/containers/tt/kill'));
  assert.equal(result.status, 409);
  assert.equal(messageOf(result), 'Cannot kill container: tt: Container tt is not running');
});

test('image names with slashes and escapes reach the backend whole', async () => {
  const names: string[] = [];
  const api = apiWith({ images: fake<ImagesBackend>({ inspect: async (name) => (names.push(name), Promise.reject(new NotFoundError(`No such image: ${name}`))) }) });
  await api.handle(request('GET', '/v1.47/images/docker.io/library/alpine:3.19/json'));
  await api.handle(request('GET', '/images/my%2Fimage%3Alatest/json'));
  assert.deepEqual(names, ['docker.io/library/alpine:3.19', 'my/image:latest']);
});

test('exec create requires a command and returns 201 {"Id"}', async () => {
  const api = apiWith({ exec: fake<ExecBackend>({ create: async () => 'e'.repeat(64) }) });
  const missing = await api.handle(jsonRequest('POST', '/containers/c1/exec', '{"AttachStdout":true}'));
  assert.equal(missing.status, 400);
  assert.equal(messageOf(missing), 'No exec command specified');
  const created = await api.handle(jsonRequest('POST', '/containers/c1/exec', '{"Cmd":["ls","/"]}'));
  assert.equal(created.status, 201);
  assert.deepEqual(created.kind === 'json' && created.value, { Id: 'e'.repeat(64) });
});

test('engine.fetch: WHATWG Request in, Response out (bodies, errors, streams, hijacks)', async () => {
  const attached: string[] = [];
  const api = apiWith({
    system,
    containers: fake<ContainersBackend>({
      attach: async () => ({
        tty: false,
        run: async (streams) => {
          for (let chunk = await streams.stdin.read(); chunk !== null; chunk = await streams.stdin.read()) {
            attached.push(new TextDecoder().decode(chunk));
            await streams.stdout.write(chunk);
          }
          await streams.stderr.write(new TextEncoder().encode('done'));
        },
      }),
    }),
  });
  const ping = await api.fetch(new Request('http://drydock/_ping'));
  assert.equal(ping.status, 200);
  assert.equal(await ping.text(), 'OK');
  assert.equal(ping.headers.get('api-version'), '1.47');

  const version = await api.fetch(new Request('http://drydock/v1.47/version'));
  assert.equal(((await version.json()) as { Arch: string }).Arch, 'wasm32');

  const missing = await api.fetch(new Request('http://drydock/v1.47/nodes'));
  assert.equal(missing.status, 503);

  // A streamed body the caller cancels: the engine's event stream ends.
  const controller = new AbortController();
  const events = await api.fetch(new Request('http://drydock/events', { signal: controller.signal }));
  assert.equal(events.status, 200);
  assert.equal(events.headers.get('content-type'), 'application/json');
  const reader = events.body!.getReader();
  controller.abort();
  await reader.cancel();

  // A hijack without Upgrade: the request body is stdin, the response body the output.
  const stdin = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode('ping'));
      c.close();
    },
  });
  const attach = await api.fetch(
    new Request('http://drydock/containers/c1/attach?stdin=1&stdout=1&stream=1', { method: 'POST', body: stdin, duplex: 'half' } as RequestInit),
  );
  assert.equal(attach.status, 200);
  assert.equal(attach.headers.get('content-type'), 'application/vnd.docker.raw-stream');
  const frames = demuxStdcopy(new Uint8Array(await attach.arrayBuffer()));
  assert.deepEqual(
    frames.map((f) => [f.stream, new TextDecoder().decode(f.payload)]),
    [
      [StdStream.Stdout, 'ping'],
      [StdStream.Stderr, 'done'],
    ],
  );
  assert.deepEqual(attached, ['ping']);
});
