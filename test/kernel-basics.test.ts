import { strict as assert } from 'node:assert';
import { after, test } from 'node:test';
import { newKernel, run } from './helpers/kernel-harness.ts';

const kernel = newKernel();
after(() => kernel.shutdown());

test('a program prints its args and environment and exits with its status', async () => {
  const r = await run(kernel, '/bin/wasi-args-env.wasm', ['3', 'two words'], { env: ['B=2', 'A=1'] });
  assert.equal(r.exit.exitCode, 3);
  assert.equal(
    r.stdout,
    'argv[0]=/bin/wasi-args-env.wasm\nargv[1]=3\nargv[2]=two words\nenv A=1\nenv B=2\n',
  );
  assert.equal(r.stderr, 'to stderr: 3 args\n');
});
