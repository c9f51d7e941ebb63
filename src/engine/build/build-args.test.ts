import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { BuildArgs } from './build-args.ts';

test('declared args, meta args, options and builtins', () => {
  const base = new BuildArgs({ A: 'from-cli', HTTP_PROXY: 'http://p', UNUSED: 'x', NOVALUE: null });
  base.addArg('V', '3');
  base.addMetaArg('V', '3');
  const stage = base.forStage();
  assert.deepEqual([...stage.allAllowed()], [['HTTP_PROXY', 'http://p']], 'a stage sees only builtins until it declares ARGs');
  stage.addArg('V', null);
  stage.addArg('A', 'default');
  assert.deepEqual(stage.filterAllowed(['PATH=/bin', 'A=env']), ['HTTP_PROXY=http://p', 'V=3']);
  assert.equal(stage.isReferencedOrNotBuiltin('HTTP_PROXY'), false);
  assert.equal(stage.isReferencedOrNotBuiltin('A'), true);
  base.mergeReferenced(stage);
  assert.deepEqual(base.unused(), ['NOVALUE', 'UNUSED']);
});
