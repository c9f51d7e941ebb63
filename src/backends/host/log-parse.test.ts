import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { formatLogStream, type LogStreamFormat } from '../../engine/api/log-stream.ts';
import type { LogMessage } from '../../engine/types/container.ts';
import { parseLogStream, parseRfc3339Nano } from './log-parse.ts';

const enc = new TextEncoder();

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

async function* from<T>(items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

/** Splits bytes into chunks of `size` (cutting frames and lines anywhere). */
function chop(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

const MESSAGES: LogMessage[] = [
  { stream: 'stdout', line: enc.encode('first line\n'), timestamp: 1_700_000_000_123_456_789n, attrs: { team: 'blue', 'a b': 'c,d=e' } },
  { stream: 'stderr', line: enc.encode('to stderr with spaces  \n'), timestamp: 1_700_000_001_000_000_000n, attrs: {} },
  { stream: 'stdout', line: enc.encode('no newline at the end'), timestamp: 1_700_000_002_000_000_001n, attrs: { k: 'ü' } },
  { stream: 'stdout', line: enc.encode('2023-01-01T00:00:00.000000000Z looks like a timestamp\n'), timestamp: 1_700_000_003_000_000_000n, attrs: { x: '1' } },
];

for (const multiplexed of [true, false]) {
  for (const timestamps of [false, true]) {
    for (const details of [false, true]) {
      test(`parsing dockerd's logs body gives back the same bytes (multiplexed=${multiplexed}, timestamps=${timestamps}, details=${details})`, async () => {
        const format: LogStreamFormat = { multiplexed, stdout: true, stderr: true, timestamps, details };
        // A TTY has one stream: stderr would be merged into stdout by dockerd.
        const messages = multiplexed ? MESSAGES : MESSAGES.map((m) => ({ ...m, stream: 'stdout' as const }));
        const original = await collect(formatLogStream(from(messages), format));
        for (const size of [1, 3, 7, 64, original.length]) {
          const parsed = parseLogStream(from(chop(original, size)), { multiplexed, timestamps, details });
          const again = await collect(formatLogStream(parsed, format));
          assert.deepEqual(Buffer.from(again).toString('latin1'), Buffer.from(original).toString('latin1'), `chunks of ${size}`);
        }
      });
    }
  }
}

test('multiplexed: each frame is one message with its stream, timestamp and attributes; systemerr frames are errors', async () => {
  const format: LogStreamFormat = { multiplexed: true, stdout: true, stderr: true, timestamps: true, details: true };
  const body = await collect(formatLogStream(from([...MESSAGES.slice(0, 2), { stream: 'stderr', line: new Uint8Array(0), timestamp: 0n, error: 'file is gone' }]), format));
  const parsed: LogMessage[] = [];
  for await (const message of parseLogStream(from([body]), { multiplexed: true, timestamps: true, details: true })) parsed.push(message);
  assert.equal(parsed.length, 3);
  assert.equal(parsed[0]!.timestamp, MESSAGES[0]!.timestamp);
  assert.deepEqual(parsed[0]!.attrs, { team: 'blue', 'a b': 'c,d=e' });
  assert.equal(parsed[1]!.stream, 'stderr');
  assert.equal(parsed[2]!.error, 'file is gone');
});

test('RFC 3339 timestamps with offsets and short fractions', () => {
  assert.equal(parseRfc3339Nano('1970-01-01T00:00:01.5Z'), 1_500_000_000n);
  assert.equal(parseRfc3339Nano('1970-01-01T01:00:00+01:00'), 0n);
  assert.equal(parseRfc3339Nano('2023-11-14T22:13:20.000000001Z'), 1_700_000_000_000_000_001n);
  assert.equal(parseRfc3339Nano('not a time'), null);
});
