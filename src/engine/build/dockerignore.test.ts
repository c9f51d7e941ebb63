import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ignored, readDockerignore } from './dockerignore.ts';

test('.dockerignore patterns as moby\'s fileutils matches them', () => {
  const patterns = readDockerignore('# comment\n*.log\n/build\n**/tmp\nDockerfile*\n!Dockerfile.keep\ndocs/\n');
  const cases: [string, boolean][] = [
    ['app.log', true],
    ['sub/app.log', false],
    ['build', true],
    ['build/out.o', true],
    ['a/b/tmp', true],
    ['tmp', true],
    ['Dockerfile', true],
    ['Dockerfile.dev', true],
    ['Dockerfile.keep', false],
    ['docs/readme', true],
    ['.dockerignore', false],
    ['src/main.c', false],
  ];
  for (const [file, expected] of cases) assert.equal(ignored(file, patterns), expected, file);
});
