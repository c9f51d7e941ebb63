import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { createApi } from '../../engine/api/create-api.ts';
import { DockerApiError, type OpenStream } from '../../engine/client/client.ts';
import type { ClientRequest, EngineTransport } from '../../engine/client/transport.ts';
import { ConflictError, NotFoundError, errorKind } from '../../engine/errors.ts';
import type { JsonMessage } from '../../engine/types/json-message.ts';
import { forwardProgress, hostError, kindForStatus, Pipe, unixTimestamp, verbatim, versionedTransport, withoutPrefix } from './upstream.ts';

test('the real engine\'s statuses map back to the engine\'s error classes, messages unchanged', () => {
  const cases: [number, string][] = [
    [304, 'not-modified'],
    [400, 'invalid-parameter'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [409, 'conflict'],
    [500, 'system'],
    [501, 'not-implemented'],
    [503, 'unavailable'],
    [422, 'invalid-parameter'],
    [502, 'system'],
  ];
  for (const [status, kind] of cases) {
    assert.equal(kindForStatus(status), kind, `status ${status}`);
    const error = hostError(new DockerApiError(status, `message for ${status}`));
    assert.equal(errorKind(error), kind);
    assert.equal(error.message, `message for ${status}`);
  }
  const refused = hostError(new Error('cannot connect to the Docker engine at unix:///x: connect ENOENT /x'));
  assert.equal(errorKind(refused), 'system');
  assert.match(refused.message, /cannot connect/);
  const engineError = new ConflictError('kept');
  assert.equal(hostError(engineError), engineError);
});

test('verbatim errors keep their message when a router rewrites it; withoutPrefix removes a prefix the router adds back', async () => {
  const api = createApi({
    backends: {
      images: {
        inspect: async (name: string) => {
          throw name === 'a' ? verbatim(new NotFoundError('No such image: a:latest')) : new NotFoundError('No such image: b:latest');
        },
      } as never,
    },
  });
  const a = await api.fetch(new Request('http://drydock/images/a/json'));
  assert.equal(a.status, 404);
  assert.deepEqual(await a.json(), { message: 'No such image: a:latest' });
  const b = await api.fetch(new Request('http://drydock/images/b/json'));
  assert.deepEqual(await b.json(), { message: 'no such image: b: No such image: b:latest' });
  const stripped = withoutPrefix(new ConflictError('Cannot kill container: x: Container x is not running'), 'Cannot kill container: x: ');
  assert.equal(stripped.message, 'Container x is not running');
  assert.equal(errorKind(stripped), 'conflict');
  assert.equal(withoutPrefix(new ConflictError('other'), 'Cannot kill container: x: ').message, 'other');
});

test('since/until in the API\'s query form', () => {
  assert.equal(unixTimestamp(undefined), undefined);
  assert.equal(unixTimestamp(1_700_000_000_000_000_001n), '1700000000.000000001');
  assert.equal(unixTimestamp(0n), '0.000000000');
  assert.equal(unixTimestamp(-1_500_000_000n), '-1.500000000');
});

test('every path goes to the real engine under the pinned API version', async () => {
  const seen: string[] = [];
  const inner: EngineTransport = {
    request: async (request: ClientRequest) => {
      seen.push(request.path);
      return { status: 200, headers: {}, body: new Uint8Array(0) };
    },
    stream: async () => {
      throw new Error('unused');
    },
    hijack: async () => {
      throw new Error('unused');
    },
  };
  const transport = versionedTransport(inner, '1.41');
  await transport.request({ method: 'GET', path: '/containers/json?all=1' });
  assert.deepEqual(seen, ['/v1.41/containers/json?all=1']);
  assert.equal('upload' in transport, false, 'no upload when the inner transport has none');
});

test('Pipe: the producer waits while the consumer is behind, and learns when the consumer stops', async () => {
  let cancelled = 0;
  const pipe = new Pipe<number>(2, () => cancelled++);
  assert.equal(pipe.push(1), undefined);
  assert.equal(pipe.push(2), undefined);
  const blocked = pipe.push(3);
  assert.ok(blocked instanceof Promise, 'above the high-water mark push returns a promise');
  let released = false;
  void blocked.then(() => (released = true));
  const iterator = pipe[Symbol.asyncIterator]();
  assert.deepEqual(await iterator.next(), { value: 1, done: false });
  await Promise.resolve();
  assert.equal(released, true, 'taking an item releases the producer');
  await iterator.return!();
  assert.equal(cancelled, 1);
  pipe.fail(new Error('late'));
  assert.deepEqual(await iterator.next(), { value: undefined, done: true });
});

test('forwardProgress relays messages and turns an in-band error into the rejection, with its code', async () => {
  const seen: JsonMessage[] = [];
  const open = async (onMessage: (message: JsonMessage) => void): Promise<OpenStream> => {
    onMessage({ stream: 'Step 1/2 : FROM busybox\n' });
    onMessage({ errorDetail: { code: 3, message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" }, error: 'x' });
    onMessage({ stream: 'never relayed\n' });
    return { status: 200, headers: {}, done: Promise.resolve(), cancel: () => {} };
  };
  await assert.rejects(forwardProgress(open, (message) => seen.push(message), new AbortController().signal), (error: Error & { jsonCode?: number }) => {
    assert.equal(error.message, "The command '/bin/sh -c exit 3' returned a non-zero code: 3");
    assert.equal(error.jsonCode, 3);
    return true;
  });
  assert.deepEqual(seen, [{ stream: 'Step 1/2 : FROM busybox\n' }]);
});
