/**
 * Keeps src/kernel/README.md's system-call tables in step with the code: every
 * import a guest may use (abi/imports.ts) and every entry of the syscall
 * registry (abi/syscalls.ts, syscalls/table.ts) has exactly one row, no row
 * names anything else, and each row's number and support level are the
 * registry's.
 */
import { test } from 'node:test';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { DRYDOCK_IMPORTS, WASI_IMPORTS } from './imports.ts';
import { SYS } from './syscalls.ts';
import { SYSCALLS, unimplementedSyscalls } from '../syscalls/table.ts';

interface Row {
  readonly name: string;
  readonly number: string;
  readonly support: string;
}

function readmeRows(): Row[] {
  const text = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = text.slice(text.indexOf('## System calls'));
  assert.ok(section.startsWith('## System calls'), 'README.md has a "## System calls" section');
  const rows: Row[] = [];
  for (const line of section.split('\n')) {
    const match = /^\| `([a-z0-9_]+)` \| ([^|]+) \| ([^|]+) \|/.exec(line);
    if (match) rows.push({ name: match[1]!, number: match[2]!.trim(), support: match[3]!.trim() });
  }
  return rows;
}

const registry = SYS as Record<string, number>;

test('every syscall number has a handler', () => {
  assert.deepEqual(unimplementedSyscalls(), []);
});

test('the README lists every import and registry entry once, and nothing else', () => {
  const rows = readmeRows();
  const listed = rows.map((r) => r.name);
  const duplicates = listed.filter((name, i) => listed.indexOf(name) !== i);
  assert.deepEqual(duplicates, [], 'rows listed twice');
  const expected = new Set([...WASI_IMPORTS, ...DRYDOCK_IMPORTS, ...Object.keys(SYS)]);
  assert.deepEqual(
    [...expected].filter((name) => !listed.includes(name)),
    [],
    'calls missing from src/kernel/README.md',
  );
  assert.deepEqual(
    listed.filter((name) => !expected.has(name)),
    [],
    'README rows that are not calls',
  );
});

test("each row's number and support level are the registry's", () => {
  for (const row of readmeRows()) {
    const number = registry[row.name];
    if (number === undefined) {
      assert.equal(row.number, '-', `${row.name}: no syscall number`);
      assert.equal(row.support, 'worker', `${row.name} is answered in the worker`);
      continue;
    }
    const entry = SYSCALLS[number];
    assert.ok(entry, `${row.name} has a handler`);
    assert.equal(entry.name, row.name, `handler of ${number} is named ${row.name}`);
    assert.equal(row.number, String(number), `${row.name}: number`);
    assert.equal(row.support, entry.support, `${row.name}: support level`);
  }
});

test('a partial call says what is missing, in the registry and in the README', () => {
  const text = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  for (const entry of Object.values(SYSCALLS)) {
    if (entry.support !== 'partial') continue;
    assert.ok(entry.note, `${entry.name}: a partial entry has a note`);
    const line = text.split('\n').find((l) => l.startsWith(`| \`${entry.name}\` |`));
    assert.ok(line?.includes(entry.note), `${entry.name}: the README row carries the registry's note`);
  }
});
