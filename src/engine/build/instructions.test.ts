import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { InstructionError, parseStages } from './instructions.ts';
import { parseDockerfile } from './parser.ts';

function stages(text: string) {
  return parseStages(parseDockerfile(text).nodes);
}

function error(text: string): string {
  try {
    stages(text);
  } catch (e) {
    assert.ok(e instanceof InstructionError);
    return e.message;
  }
  return '(no error)';
}

test('stages, meta args and instruction fields', () => {
  const { stages: list, metaArgs } = stages(
    'ARG BASE=busybox\nFROM $BASE AS Build\nCOPY --chown=1:2 a b /dst/\nFROM build\nEXPOSE 80/tcp 53/udp 8080\nHEALTHCHECK --interval=1m30s --timeout=500ms --retries=3 CMD echo ok\nENTRYPOINT []\n',
  );
  assert.equal(metaArgs.length, 1);
  assert.deepEqual(metaArgs[0]!.args, [{ key: 'BASE', value: 'busybox' }]);
  assert.equal(list[0]!.name, 'build');
  assert.equal(list[0]!.baseName, '$BASE');
  assert.equal(list[0]!.code, 'FROM $BASE AS Build');
  assert.deepEqual(list[0]!.commands[0], { kind: 'copy', code: 'COPY --chown=1:2 a b /dst/', line: 3, sources: ['a', 'b'], dest: '/dst/', from: '', chown: '1:2', chmod: '' });
  const [expose, health, entrypoint] = list[1]!.commands;
  assert.deepEqual(expose && 'ports' in expose ? expose.ports : null, ['53/udp', '80/tcp', '8080']);
  assert.deepEqual(health && 'health' in health ? health.health : null, { Test: ['CMD-SHELL', 'echo ok'], Interval: 90e9, Timeout: 500e6, Retries: 3 });
  assert.deepEqual(entrypoint && 'cmdLine' in entrypoint ? entrypoint.cmdLine : undefined, null);
});

test('errors are dockerd 20.10\'s, with the line number', () => {
  const cases: [string, string][] = [
    ['FROM busybox\nFOO bar', 'dockerfile parse error line 2: unknown instruction: FOO'],
    ['FROM busybox\nARG', 'dockerfile parse error line 2: ARG requires at least one argument'],
    ['FROM busybox\nENV', 'dockerfile parse error line 2: ENV requires at least one argument'],
    ['FROM busybox\nCOPY a.txt', 'dockerfile parse error line 2: COPY requires at least two arguments, but only one was provided. Destination could not be determined'],
    ['FROM busybox\nCOPY --foo=1 a /b', 'dockerfile parse error line 2: Unknown flag: foo'],
    ['FROM busybox\nCOPY --chown a /b', 'dockerfile parse error line 2: Missing a value on flag: chown'],
    ['FROM busybox AS 1bad', 'dockerfile parse error line 1: invalid name for build stage: "1bad", name can\'t start with a number or contain symbols'],
    ['FROM busybox AS', 'dockerfile parse error line 1: FROM requires either one or three arguments'],
    ['FROM busybox\nHEALTHCHECK --retries=0 CMD true', 'dockerfile parse error line 2: --retries must be at least 1 (not 0)'],
    ['FROM busybox\nHEALTHCHECK FOO true', 'dockerfile parse error line 2: Unknown type "FOO" in HEALTHCHECK (try CMD)'],
    ['FROM busybox\nHEALTHCHECK CMD', 'dockerfile parse error line 2: Missing command after HEALTHCHECK CMD'],
    ['FROM busybox\nHEALTHCHECK NONE x', 'dockerfile parse error line 2: HEALTHCHECK NONE takes no arguments'],
    ['FROM busybox\nHEALTHCHECK --interval=1 CMD true', 'dockerfile parse error line 2: time: missing unit in duration "1"'],
    ['FROM busybox\nHEALTHCHECK --interval=0s CMD true', 'dockerfile parse error line 2: Interval "interval" cannot be less than 1ms'],
    ['FROM busybox\nHEALTHCHECK --retries=x CMD true', 'dockerfile parse error line 2: strconv.ParseInt: parsing "x": invalid syntax'],
    ['FROM busybox\nSHELL sh -c', 'dockerfile parse error line 2: SHELL requires the arguments to be in JSON form'],
    ['FROM busybox\nSHELL []', 'dockerfile parse error line 2: SHELL requires at least one argument'],
    ['FROM busybox\nWORKDIR', 'dockerfile parse error line 2: WORKDIR requires exactly one argument'],
    ['FROM busybox\nUSER', 'dockerfile parse error line 2: USER requires exactly one argument'],
    ['FROM busybox\nONBUILD ONBUILD RUN x', 'dockerfile parse error line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed'],
    ['FROM busybox\nONBUILD FROM x', 'dockerfile parse error line 2: FROM isn\'t allowed as an ONBUILD trigger'],
    ['FROM busybox\nONBUILD', 'dockerfile parse error line 2: ONBUILD requires at least one argument'],
    ['FROM busybox\nLABEL =x', 'dockerfile parse error line 2: LABEL names can not be blank'],
    ['FROM busybox\nENV =x', 'dockerfile parse error line 2: ENV names can not be blank'],
    ['RUN echo', 'no build stage in current context'],
  ];
  for (const [text, message] of cases) assert.equal(error(text), message, text);
});

test('what dockerd 20.10 accepts: several ARGs, WORKDIR with spaces, MAINTAINER with spaces, HEALTHCHECK NONE with flags', () => {
  const { stages: list } = stages('FROM x\nARG a b=2\nWORKDIR a b\nMAINTAINER Jane Doe <j@x>\nHEALTHCHECK --interval=5s NONE\n');
  assert.deepEqual(list[0]!.commands.map((c) => c.kind), ['arg', 'workdir', 'maintainer', 'healthcheck']);
});
