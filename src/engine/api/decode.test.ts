import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { InvalidParameterError } from '../errors.ts';
import { decodeRoot } from './decode.ts';
import { containerCreateBody, execStartBody } from './request-bodies.ts';

test('a create body decodes with Go\'s rules: StrSlice, case-insensitive keys, null as unset, unknown keys ignored', () => {
  const body = decodeRoot(containerCreateBody, {
    cmd: 'echo hi',
    Entrypoint: ['/bin/sh', '-c'],
    Env: null,
    Bogus: 1,
    HostConfig: { Memory: 67108864, PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] }, CapAdd: 'NET_ADMIN' },
    ExposedPorts: { '80/tcp': {} },
  });
  assert.deepEqual(body.Cmd, ['echo hi']);
  assert.deepEqual(body.Entrypoint, ['/bin/sh', '-c']);
  assert.equal('Env' in body, false);
  assert.equal('Bogus' in body, false);
  assert.equal(body.HostConfig?.Memory, 67108864);
  assert.deepEqual(body.HostConfig?.PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
  assert.deepEqual(body.HostConfig?.CapAdd, ['NET_ADMIN']);
  assert.deepEqual(body.ExposedPorts, { '80/tcp': {} });
});

test('wrong types are 400s naming the Go field and type', () => {
  const cases: [unknown, string][] = [
    [{ HostConfig: { Memory: '64m' } }, 'cannot unmarshal string into Go struct field CreateRequest.HostConfig.Memory of type int64'],
    [{ Cmd: 5 }, 'cannot unmarshal number into Go struct field CreateRequest.Cmd of type strslice.StrSlice'],
    [{ Tty: 'yes' }, 'cannot unmarshal string into Go struct field CreateRequest.Tty of type bool'],
    [{ HostConfig: { NanoCpus: 0.5 } }, 'cannot unmarshal number 0.5 into Go struct field CreateRequest.HostConfig.NanoCpus of type int64'],
    [{ Labels: { a: 1 } }, 'cannot unmarshal number into Go struct field CreateRequest.Labels of type string'],
    [[], 'cannot unmarshal array into Go value of type CreateRequest'],
  ];
  for (const [value, message] of cases) {
    assert.throws(
      () => decodeRoot(containerCreateBody, value),
      (e) => e instanceof InvalidParameterError && e.message === `invalid JSON: json: ${message}`,
      message,
    );
  }
});

test('an exact key wins over a case-insensitive one, and map keys never reach a prototype', () => {
  assert.deepEqual(decodeRoot(execStartBody, { tty: true, Tty: false }), { Tty: false });
  const body = decodeRoot(containerCreateBody, JSON.parse('{"Labels":{"__proto__":"x","constructor":"y"}}'));
  assert.equal(Object.getPrototypeOf(body.Labels), Object.prototype);
  assert.equal(Object.hasOwn(body.Labels!, '__proto__'), true);
  assert.equal(body.Labels!['constructor'], 'y');
  assert.equal(({} as Record<string, unknown>)['x'], undefined);
});
