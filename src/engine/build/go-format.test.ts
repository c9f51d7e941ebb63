import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { goDuration, goList, goQuote, goQuoteList, goQuoteRune, parseGoDuration } from './go-format.ts';

test('%q of strings, lists and runes as Go prints them (values recorded from dockerd history)', () => {
  assert.equal(goQuoteList(['/bin/sh', '-ec', 'echo $A']), '["/bin/sh" "-ec" "echo $A"]');
  assert.equal(goQuoteList(['/bin/sh', '-c', '["b", "c"']), '["/bin/sh" "-c" "[\\"b\\", \\"c\\""]');
  assert.equal(goQuoteList([]), '[]');
  assert.equal(goQuote('tab\there\n\x01é'), '"tab\\there\\n\\x01é"');
  assert.equal(goQuoteRune(0), "'\\x00'");
  assert.equal(goQuoteRune(3), "'\\x03'");
  assert.equal(goQuoteRune(65), "'A'");
  assert.equal(goList(['/v1', '/v2']), '[/v1 /v2]');
});

test('time.Duration String', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [5e9, '5s'],
    [90e9, '1m30s'],
    [500e6, '500ms'],
    [1.5e9, '1.5s'],
    [3600e9, '1h0m0s'],
    [1500, '1.5µs'],
    [12, '12ns'],
  ];
  for (const [ns, text] of cases) assert.equal(goDuration(ns), text);
});

test('time.ParseDuration and its errors', () => {
  assert.equal(parseGoDuration('1m30s'), 90e9);
  assert.equal(parseGoDuration('1.5h'), 5400e9);
  assert.equal(parseGoDuration('500ms'), 500e6);
  assert.equal(parseGoDuration('0'), 0);
  assert.throws(() => parseGoDuration('1'), { message: 'time: missing unit in duration "1"' });
  assert.throws(() => parseGoDuration('x'), { message: 'time: invalid duration "x"' });
  assert.throws(() => parseGoDuration('1x'), { message: 'time: unknown unit "x" in duration "1x"' });
});
