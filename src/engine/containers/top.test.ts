import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { psCpuPercent, psStartTime, psTime } from './top.ts';

test('psTime: procps TIME, [DD-]HH:MM:SS of whole CPU seconds', () => {
  assert.equal(psTime(0), '00:00:00');
  assert.equal(psTime(999_999), '00:00:00');
  assert.equal(psTime(61_500_000), '00:01:01');
  assert.equal(psTime((3 * 3600 + 2 * 60 + 1) * 1e6), '03:02:01');
  assert.equal(psTime((2 * 86400 + 3600) * 1e6), '2-01:00:00');
});

test('psCpuPercent: CPU seconds x 100 / whole elapsed seconds, capped at 99', () => {
  assert.equal(psCpuPercent(500_000, 999), '0');
  assert.equal(psCpuPercent(500_000, 2000), '25');
  assert.equal(psCpuPercent(5e6, 2000), '99');
});

test('psStartTime: HH:MM today, MonDD this year, else the year', () => {
  const now = Date.UTC(2026, 10, 27, 12, 0);
  assert.equal(psStartTime(Date.UTC(2026, 10, 27, 4, 5), now), '04:05');
  assert.equal(psStartTime(Date.UTC(2026, 1, 3, 4, 5), now), 'Feb03');
  assert.equal(psStartTime(Date.UTC(2025, 1, 3, 4, 5), now), '2025');
});
