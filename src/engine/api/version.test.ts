import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { compareVersions, negotiateVersion, splitVersionPrefix } from './version.ts';

test('versions compare numerically part by part', () => {
  assert.equal(compareVersions('1.9', '1.10'), -1);
  assert.equal(compareVersions('1.47', '1.47.0'), 0);
  assert.equal(compareVersions('1.50', '1.47'), 1);
  assert.equal(compareVersions('2', '1.99'), 1);
});

test('negotiation: unversioned is the maximum, out-of-range versions get dockerd\'s messages', () => {
  const range = { min: '1.24', max: '1.47' };
  assert.equal(negotiateVersion(undefined, range), '1.47');
  assert.equal(negotiateVersion('1.24', range), '1.24');
  assert.equal(negotiateVersion('1.41', range), '1.41');
  assert.throws(() => negotiateVersion('1.48', range), { message: 'client version 1.48 is too new. Maximum supported API version is 1.47' });
  assert.throws(() => negotiateVersion('1.12', range), {
    message: 'client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version',
  });
});

test('version prefixes are /v followed by digits and dots', () => {
  assert.deepEqual(splitVersionPrefix('/v1.47/containers/json'), { version: '1.47', path: '/containers/json' });
  assert.deepEqual(splitVersionPrefix('/_ping'), { version: undefined, path: '/_ping' });
  assert.deepEqual(splitVersionPrefix('/volumes/v1'), { version: undefined, path: '/volumes/v1' });
  assert.deepEqual(splitVersionPrefix('/vx/info'), { version: undefined, path: '/vx/info' });
});
