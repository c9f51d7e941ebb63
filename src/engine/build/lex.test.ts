import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Lex } from './lex.ts';

const lex = new Lex('\\');
const env = ['A=1', 'EMPTY=', 'B=two words', 'A=shadowed'];

test('substitution forms', () => {
  const cases: [string, string][] = [
    ['$A', '1'],
    ['${A}', '1'],
    ['x${A}y', 'x1y'],
    ['$NOPE', ''],
    ['${NOPE:-def}', 'def'],
    ['${EMPTY:-def}', 'def'],
    ['${A:-def}', '1'],
    ['${A:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${NOPE:+alt}', ''],
    ['${NOPE:-${A}}', '1'],
    ['$', '$'],
    ['a$', 'a$'],
    ['$1x', 'x'],
    ['\\$A', '$A'],
    ["'$A'", '$A'],
    ['"$A"', '1'],
    ['"\\$A"', '$A'],
    ['"a\\b"', 'a\\b'],
    ['a\\ b', 'a b'],
    ['"two  spaces"', 'two  spaces'],
  ];
  for (const [word, expected] of cases) assert.equal(lex.processWord(word, env), expected, word);
});

test('errors have dockerd\'s wording', () => {
  assert.throws(() => lex.processWord('${B', env), { message: 'failed to process "${B": missing \':\' in substitution' });
  assert.throws(() => lex.processWord('"unterminated', env), { message: 'failed to process "\\"unterminated": unexpected end of statement while looking for matching double-quote' });
  assert.throws(() => lex.processWord("'x", env), { message: 'failed to process "\'x": unexpected end of statement while looking for matching single-quote' });
  assert.throws(() => lex.processWord('${NOPE:?x}', env), { message: 'failed to process "${NOPE:?x}": NOPE: x' });
  assert.throws(() => lex.processWord('${NOPE:=x}', env), { message: 'failed to process "${NOPE:=x}": unsupported modifier (=) in substitution' });
  assert.throws(() => lex.processWord('${}', env), { message: 'failed to process "${}": syntax error: bad substitution' });
  assert.throws(() => lex.processWord('${', env), { message: 'failed to process "${": syntax error: missing \'}\'' });
  assert.throws(() => lex.processWord('${EMPTY:?}', env), { message: 'failed to process "${EMPTY:?}": EMPTY: is not allowed to be empty' });
});

test('words: split after substitution, quotes keep spaces', () => {
  assert.deepEqual(lex.processWords('$B "c d" e\\ f', env), ['two', 'words', 'c d', 'e f']);
  assert.deepEqual(lex.processWords('  80   443/udp ', env), ['80', '443/udp']);
});

test('a backtick escape token', () => {
  const tick = new Lex('`');
  assert.equal(tick.processWord('a`$A\\n', env), 'a$A\\n');
});
