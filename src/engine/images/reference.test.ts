import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  familiarMatch,
  familiarName,
  familiarString,
  parseAnyReference,
  parseNormalizedNamed,
  pathMatch,
  referenceString,
  tagNameOnly,
  withTag,
} from './reference.ts';

test('normalisation as the docker CLI sends names', () => {
  const cases: [string, string, string][] = [
    ['busybox', 'docker.io/library/busybox', 'busybox'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox', 'busybox'],
    ['docker.io/busybox', 'docker.io/library/busybox', 'busybox'],
    ['index.docker.io/library/busybox', 'docker.io/library/busybox', 'busybox'],
    ['user/app:v2', 'docker.io/user/app:v2', 'user/app:v2'],
    ['docker.io/library/a/b', 'docker.io/library/a/b', 'library/a/b'],
    ['localhost/x', 'localhost/x', 'localhost/x'],
    ['localhost:5000/x/y:t', 'localhost:5000/x/y:t', 'localhost:5000/x/y:t'],
    ['127.0.0.1:5000/busybox', '127.0.0.1:5000/busybox', '127.0.0.1:5000/busybox'],
    ['example.com/a_b.c-d__e', 'example.com/a_b.c-d__e', 'example.com/a_b.c-d__e'],
    [`busybox@sha256:${'a'.repeat(64)}`, `docker.io/library/busybox@sha256:${'a'.repeat(64)}`, `busybox@sha256:${'a'.repeat(64)}`],
    ['foo/bar:tag', 'docker.io/foo/bar:tag', 'foo/bar:tag'],
  ];
  for (const [input, full, familiar] of cases) {
    const ref = parseNormalizedNamed(input);
    assert.equal(referenceString(ref), full, input);
    assert.equal(familiarString(ref), familiar, input);
  }
  assert.equal(familiarName(parseNormalizedNamed('busybox:1')), 'busybox');
  assert.equal(referenceString(tagNameOnly(parseNormalizedNamed('busybox'))), 'docker.io/library/busybox:latest');
  assert.equal(referenceString(tagNameOnly(parseNormalizedNamed('busybox:1'))), 'docker.io/library/busybox:1');
});

test('invalid references get distribution/reference\'s messages', () => {
  const cases: [string, string][] = [
    ['Busybox', 'invalid reference format: repository name must be lowercase'],
    ['user/App', 'invalid reference format: repository name must be lowercase'],
    ['busybox:', 'invalid reference format'],
    ['-busybox', 'invalid reference format'],
    ['busybox:a b', 'invalid reference format'],
    ['busybox::x', 'invalid reference format'],
    ['a/../b', 'invalid reference format'],
    [`busybox:${'x'.repeat(129)}`, 'invalid reference format'],
    ['a'.repeat(64), `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`],
    [`x/${'a'.repeat(260)}`, 'repository name must not be more than 255 characters'],
    ['busybox@sha256:abc', 'invalid reference format'],
    [`busybox@sha256:${'A'.repeat(64)}`, 'invalid checksum digest format'],
    [`busybox@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    // Hostile lengths must not make the matcher backtrack for ever (Go's RE2 is linear).
    [`${'a-'.repeat(50_000)}!`, 'invalid reference format'],
    [`${'a'.repeat(100_000)}A`, 'invalid reference format: repository name must be lowercase'],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseNormalizedNamed(input), { message }, input);
  }
  assert.throws(() => withTag(parseNormalizedNamed('busybox'), '-x'), { message: 'invalid tag format' });
  // Uppercase is fine in a registry host.
  assert.equal(referenceString(parseNormalizedNamed('Example.COM/x')), 'Example.COM/x');
});

test('image IDs parse as digest references', () => {
  const hex = 'b'.repeat(64);
  assert.deepEqual(parseAnyReference(hex), { digest: `sha256:${hex}` });
  assert.deepEqual(parseAnyReference(`sha256:${hex}`), { digest: `sha256:${hex}` });
  assert.equal(referenceString(parseAnyReference('bbbb') as never), 'docker.io/library/bbbb');
});

test('Go path.Match and FamiliarMatch for the reference filter', () => {
  assert.ok(pathMatch('busy*', 'busybox'));
  assert.ok(pathMatch('*', 'busybox:latest'));
  assert.ok(!pathMatch('*', 'user/app'));
  assert.ok(pathMatch('*/*', 'user/app'));
  assert.ok(pathMatch('b?sybox', 'busybox'));
  assert.ok(pathMatch('[a-c]usybox', 'busybox'));
  assert.ok(!pathMatch('[^a-c]usybox', 'busybox'));
  assert.ok(pathMatch('busybox:1.*', 'busybox:1.36'));
  assert.ok(!pathMatch('busybox', 'busybox:latest'));
  assert.throws(() => pathMatch('[', 'x'), { message: 'syntax error in pattern' });
  assert.ok(familiarMatch('busybox', parseNormalizedNamed('busybox:latest')));
  assert.ok(familiarMatch('busybox:latest', parseNormalizedNamed('busybox:latest')));
  assert.ok(!familiarMatch('busybox:1', parseNormalizedNamed('busybox:latest')));
  assert.ok(familiarMatch('user/*', parseNormalizedNamed('user/app:1')));
});
