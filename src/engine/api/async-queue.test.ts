import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AsyncQueue } from './async-queue.ts';

test('values pushed before and after the consumer waits arrive in order, then the end', async () => {
  const queue = new AsyncQueue<number>();
  queue.push(1);
  const seen: number[] = [];
  const consumer = (async () => {
    for await (const value of queue) seen.push(value);
  })();
  queue.push(2);
  await Promise.resolve();
  queue.push(3);
  queue.close();
  queue.push(4);
  await consumer;
  assert.deepEqual(seen, [1, 2, 3]);
});

test('a failure reaches the consumer after the pushed values', async () => {
  const queue = new AsyncQueue<string>();
  queue.push('a');
  queue.fail(new Error('boom'));
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const value of queue) seen.push(value);
  }, /boom/);
  assert.deepEqual(seen, ['a']);
});

test('a consumer that stops early cancels the producer, even while waiting', async () => {
  let cancelled = 0;
  const queue = new AsyncQueue<number>(() => cancelled++);
  const iterator = queue[Symbol.asyncIterator]();
  const pending = iterator.next();
  await iterator.return!();
  assert.deepEqual(await pending, { value: undefined, done: true });
  assert.equal(cancelled, 1);
  assert.equal(queue.ended, true);
});
