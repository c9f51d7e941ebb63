import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { InvalidParameterError } from '../errors.ts';
import { Filters } from './filters.ts';

test('the Go map form and the docker-py list form parse to the same filters', () => {
  const map = Filters.parse('{"label":{"a=b":true,"c":true},"status":{"running":true}}');
  const list = Filters.parse('{"label":["a=b","c"],"status":["running"]}');
  for (const filters of [map, list]) {
    assert.deepEqual(filters.get('label').sort(), ['a=b', 'c']);
    assert.deepEqual(filters.get('status'), ['running']);
    assert.deepEqual(filters.keys().sort(), ['label', 'status']);
  }
  assert.deepEqual(map.toJSON(), list.toJSON());
});

test('empty, absent and null filters are no filters', () => {
  for (const json of [undefined, '', 'null', '{}']) assert.equal(Filters.parse(json).size, 0);
});

test('malformed filters are 400 "invalid filter", unknown keys 400 "invalid filter \'x\'"', () => {
  for (const json of ['{', '[]', '"x"', '{"label":"a"}', '{"label":{"a":"yes"}}', '{"label":[1]}']) {
    assert.throws(() => Filters.parse(json), (e) => e instanceof InvalidParameterError && e.message === 'invalid filter', json);
  }
  assert.throws(
    () => Filters.parse('{"bogus":["x"]}').validate(['label']),
    (e) => e instanceof InvalidParameterError && e.message === "invalid filter 'bogus'",
  );
  assert.equal(Filters.parse('{"label":["x"]}').validate(['label']).get('label')[0], 'x');
});

test('matching helpers follow moby (label k / k=v, exact, prefix, booleans)', () => {
  const filters = Filters.of({ label: ['app', 'tier=web'], id: ['abc'], dangling: ['true'] });
  assert.equal(filters.matchKeyValue('label', { app: 'x', tier: 'web' }), true);
  assert.equal(filters.matchKeyValue('label', { app: 'x', tier: 'db' }), false);
  assert.equal(filters.matchKeyValue('label', null), false);
  assert.equal(filters.matchKeyValue('nothing', null), true);
  assert.equal(filters.fuzzyMatch('id', 'abcdef'), true);
  assert.equal(filters.fuzzyMatch('id', 'xabc'), false);
  assert.equal(filters.exactMatch('id', 'abc'), true);
  assert.equal(filters.getBool('dangling', false), true);
  assert.equal(filters.getBool('absent', true), true);
  assert.throws(() => Filters.of({ dangling: ['maybe'] }).getBool('dangling', false), /invalid filter 'dangling=\[maybe\]'/);
});
