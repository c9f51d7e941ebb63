import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { InvalidParameterError } from '../errors.ts';
import { parseBool, Query } from './query.ts';

test('booleans follow moby: "", 0, no, false, none (any case, trimmed) are false', () => {
  for (const value of [undefined, '', '0', 'no', 'false', 'none', 'FALSE', ' No ', 'None']) {
    assert.equal(parseBool(value), false, JSON.stringify(value));
  }
  for (const value of ['1', 'true', 'True', 'yes', 'on', 'anything', '2']) {
    assert.equal(parseBool(value), true, JSON.stringify(value));
  }
});

test('queries parse like Go url.ParseQuery: + is space, escapes, repeated keys, keys without =', () => {
  const query = Query.parse('t=a%3Ab&t=c+d&all&filters=%7B%22label%22%3A%5B%22x%3Dy%22%5D%7D&&empty=');
  assert.deepEqual(query.getAll('t'), ['a:b', 'c d']);
  assert.equal(query.get('all'), '');
  assert.equal(query.has('all'), true);
  assert.equal(query.get('empty'), '');
  assert.equal(query.get('missing'), undefined);
  assert.equal(query.get('filters'), '{"label":["x=y"]}');
});

test('an invalid escape is a 400 with Go\'s wording; bytes that are not UTF-8 are replaced', () => {
  assert.throws(() => Query.parse('a=%zz'), (error) => error instanceof InvalidParameterError && error.message === 'invalid URL escape "%zz"');
  assert.throws(() => Query.parse('a=%4'), InvalidParameterError);
  assert.equal(Query.parse('a=%ff%41').get('a'), '\ufffdA');
});
