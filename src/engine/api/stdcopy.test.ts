import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { demuxStdcopy, StdcopyDecoder, stdcopyFrame, StdStream } from './stdcopy.ts';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

test('a frame is [stream][0,0,0][length u32 big-endian][payload]', () => {
  const frame = stdcopyFrame(StdStream.Stderr, new TextEncoder().encode('hi\n'));
  assert.deepEqual([...frame], [2, 0, 0, 0, 0, 0, 0, 3, 0x68, 0x69, 0x0a]);
  assert.equal(stdcopyFrame(StdStream.Stdout, new Uint8Array(0)).length, 0);
  const big = stdcopyFrame(StdStream.Stdout, new Uint8Array(70000));
  assert.deepEqual([...big.subarray(0, 8)], [1, 0, 0, 0, 0, 1, 0x11, 0x70]);
});

test('the decoder reassembles frames split at every possible point', () => {
  const stream = new Uint8Array([
    ...stdcopyFrame(StdStream.Stdout, new TextEncoder().encode('hello ')),
    ...stdcopyFrame(StdStream.Stderr, new TextEncoder().encode('oops')),
    ...stdcopyFrame(StdStream.Stdout, new TextEncoder().encode('world')),
  ]);
  for (let cut = 0; cut <= stream.length; cut++) {
    const decoder = new StdcopyDecoder();
    const frames = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
    assert.deepEqual(
      frames.map((f) => [f.stream, text(f.payload)]),
      [
        [1, 'hello '],
        [2, 'oops'],
        [1, 'world'],
      ],
    );
    assert.equal(decoder.buffered, 0);
  }
});

test('an unknown stream byte and a truncated frame are errors', () => {
  assert.throws(() => new StdcopyDecoder().push(new Uint8Array([9, 0, 0, 0, 0, 0, 0, 1, 65])), /Unrecognized input header/);
  assert.throws(() => demuxStdcopy(new Uint8Array([1, 0, 0, 0, 0, 0, 0, 5, 65])), /truncated/);
});
