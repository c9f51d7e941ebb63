import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { InvalidParameterError } from '../errors.ts';
import {
  formatRfc3339,
  formatRfc3339Nano,
  formatRfc3339NanoFixed,
  GO_ZERO_TIME,
  GO_ZERO_TIME_NS,
  parseUnixTimestamp,
  unixSeconds,
} from './timestamp.ts';

// Values and strings from the real dockerd transcripts (../shared/reference).
const CREATED = 1795734952219112519n; // "2026-11-26T23:15:52.219112519Z"

test('RFC3339Nano drops trailing zeros like Go, and the fixed form keeps nine digits', () => {
  assert.equal(formatRfc3339Nano(CREATED), '2026-11-26T23:15:52.219112519Z');
  assert.equal(formatRfc3339Nano(1795735071000000000n), '2026-11-26T23:17:51Z');
  assert.equal(formatRfc3339Nano(1795735071120000000n), '2026-11-26T23:17:51.12Z');
  assert.equal(formatRfc3339NanoFixed(1795735071120000000n), '2026-11-26T23:17:51.120000000Z');
  assert.equal(formatRfc3339(CREATED), '2026-11-26T23:15:52Z');
  assert.equal(formatRfc3339Nano(GO_ZERO_TIME_NS), GO_ZERO_TIME);
  assert.equal(formatRfc3339Nano(-1n), '1969-12-31T23:59:59.999999999Z');
});

test('Unix seconds floor toward the past', () => {
  assert.equal(unixSeconds(CREATED), 1795734952);
  assert.equal(unixSeconds(-1n), -1);
});

test('since/until parse as Unix seconds with an optional fraction', () => {
  assert.equal(parseUnixTimestamp(undefined), undefined);
  assert.equal(parseUnixTimestamp(''), undefined);
  assert.equal(parseUnixTimestamp('1700000000'), 1700000000000000000n);
  assert.equal(parseUnixTimestamp('1700000000.5'), 1700000000500000000n);
  assert.equal(parseUnixTimestamp('1700000000.000000123'), 1700000000000000123n);
  assert.equal(parseUnixTimestamp('-1.5'), -1500000000n);
  for (const bad of ['10m', '2026-01-01', 'abc', '1.2.3']) assert.throws(() => parseUnixTimestamp(bad), InvalidParameterError, bad);
});
