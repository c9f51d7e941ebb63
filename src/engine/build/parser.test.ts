import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { DockerfileSyntaxError, parseDockerfile } from './parser.ts';

function nodes(text: string) {
  return parseDockerfile(text).nodes.map((n) => ({ keyword: n.keyword, args: n.args, json: n.json, flags: n.flags, line: n.startLine }));
}

test('instructions, comments, blank lines and line numbers', () => {
  const parsed = nodes('# comment\n\nFROM busybox AS base\n  # indented comment\nrun echo hi\n');
  assert.deepEqual(parsed, [
    { keyword: 'from', args: ['busybox', 'AS', 'base'], json: false, flags: [], line: 3 },
    { keyword: 'run', args: ['echo hi'], json: false, flags: [], line: 5 },
  ]);
});

test('continuations keep the continuation lines\' leading spaces and skip comments between them', () => {
  const parsed = parseDockerfile('FROM x\nRUN echo a \\\n    b \\\n# note\n    c\n');
  assert.equal(parsed.nodes[1]!.args[0], 'echo a     b     c');
  assert.equal(parsed.nodes[1]!.original, 'RUN echo a     b     c');
  assert.equal(parsed.nodes[1]!.endLine, 5);
  assert.deepEqual(parsed.warnings, []);
});

test('an empty continuation line is a warning, as dockerd 20.10', () => {
  const parsed = parseDockerfile('FROM x\nRUN echo a \\\n\n    b\n');
  assert.deepEqual(parsed.warnings, [
    '[WARNING]: Empty continuation line found in:\n    RUN echo a     b',
    '[WARNING]: Empty continuation lines will become errors in a future release.',
  ]);
});

test('escape directive: backtick continues lines; backslash is then literal', () => {
  const parsed = parseDockerfile('# escape=`\nFROM x\nRUN echo a `\n  b\nRUN echo c \\\n');
  assert.equal(parsed.escapeToken, '`');
  assert.equal(parsed.nodes[1]!.args[0], 'echo a   b');
  assert.equal(parsed.nodes[2]!.args[0], 'echo c \\');
});

test('directives: syntax is accepted, a repeated escape and a bad token are errors, late directives are comments', () => {
  assert.equal(parseDockerfile('# syntax=docker/dockerfile:1\n# escape=`\nFROM x\n').escapeToken, '`');
  assert.throws(() => parseDockerfile('# escape=`\n# escape=\\\nFROM x\n'), { message: 'only one escape parser directive can be used' });
  assert.throws(() => parseDockerfile('# escape=x\nFROM x\n'), { message: "invalid escape token 'x' does not match ` or \\" });
  assert.equal(parseDockerfile('FROM x\n# escape=`\n').escapeToken, '\\');
  assert.equal(parseDockerfile('# hello\n# escape=`\nFROM x\n').escapeToken, '\\');
});

test('JSON form: first value decoded like Go (trailing text ignored), invalid JSON is shell form, non-strings fail', () => {
  const parsed = nodes('FROM x\nCMD ["a"] x\nENTRYPOINT ["b", "c"\nRUN ["echo", "x"]junk\nVOLUME ["/v1", "/v2"] /v3\nCMD []\n');
  assert.deepEqual(parsed.slice(1).map((n) => [n.args, n.json]), [
    [['a'], true],
    [['["b", "c"'], false],
    [['echo', 'x'], true],
    [['/v1', '/v2'], true],
    [[], true],
  ]);
  assert.throws(() => parseDockerfile('FROM x\nCMD ["a", 1]\n'), { message: 'when using JSON array syntax, arrays must be comprised of strings only' });
});

test('ENV and LABEL: key=value words keep quotes for substitution; the legacy form; errors', () => {
  const parsed = nodes('FROM x\nLABEL "a b"=c d="e f" g=h\\ i\nENV KEY value with  spaces\nENV A=1 B="two words"\n');
  assert.deepEqual(parsed[1]!.args, ['"a b"', 'c', 'd', '"e f"', 'g', 'h\\ i']);
  assert.deepEqual(parsed[2]!.args, ['KEY', 'value with  spaces']);
  assert.deepEqual(parsed[3]!.args, ['A', '1', 'B', '"two words"']);
  assert.throws(() => parseDockerfile('FROM x\nENV A\n'), { message: 'ENV must have two arguments' });
  assert.throws(() => parseDockerfile('FROM x\nENV A=1 B\n'), { message: 'Syntax error - can\'t find = in "B". Must be of the form: name=value' });
});

test('flags before the arguments', () => {
  const parsed = nodes('FROM --platform=linux/amd64 x\nCOPY --from=build --chown=1:1 /a /b\nHEALTHCHECK --interval=5s CMD ["true"]\nCOPY --chown a b\n');
  assert.deepEqual(parsed[0]!.flags, ['--platform=linux/amd64']);
  assert.deepEqual(parsed[1]!.flags, ['--from=build', '--chown=1:1']);
  assert.deepEqual(parsed[1]!.args, ['/a', '/b']);
  assert.deepEqual(parsed[2]!, { keyword: 'healthcheck', args: ['CMD', 'true'], json: true, flags: ['--interval=5s'], line: 3 });
  assert.deepEqual(parsed[3]!.flags, ['--chown']);
  assert.deepEqual(parsed[3]!.args, ['a', 'b']);
});

test('ONBUILD keeps the sub-instruction; unknown instructions parse (they fail later)', () => {
  const parsed = parseDockerfile('FROM x\nONBUILD RUN echo hi\nFOO bar\n');
  assert.equal(parsed.nodes[1]!.sub?.keyword, 'run');
  assert.deepEqual(parsed.nodes[1]!.args, ['run', 'echo hi']);
  assert.equal(parsed.nodes[2]!.keyword, 'foo');
});

test('an empty file or one with only comments has no instructions; CRLF and a BOM are accepted', () => {
  assert.throws(() => parseDockerfile('# just a comment\n'), (e: unknown) => e instanceof DockerfileSyntaxError && e.message === 'file with no instructions');
  assert.deepEqual(nodes('\uFEFFFROM x\r\nRUN a\r\n').map((n) => n.args), [['x'], ['a']]);
});
