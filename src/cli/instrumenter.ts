/** The module rewriter the CLI's kernels use (memory limits). */
import type { Instrumenter } from '../kernel/exec/module-cache.ts';
import { noInstrumentation } from '../kernel/exec/module-cache.ts';

export function createKernelInstrumenter(): Instrumenter {
  return noInstrumentation;
}
