/**
 * The dependency rule of ../shared/DESIGN.md, checked mechanically: a module
 * may import only from its own layer and the layers below it, and core layers
 * may not import Node built-ins or platform-only packages. (That core code
 * does not use browser or Node globals is checked by the compiler:
 * src/tsconfig.core.json gives it only the globals every platform has.)
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const SRC = resolve(import.meta.dirname, '../src');

type Layer =
  | 'common'
  | 'platform-types'
  | 'platform-node'
  | 'platform-browser'
  | 'platform-memory'
  | 'unionfs'
  | 'net'
  | 'kernel'
  | 'engine'
  | 'backends'
  | 'cli'
  | 'ui'
  | 'entry';

const CORE: Layer[] = ['common', 'platform-types', 'unionfs', 'net', 'kernel', 'engine', 'backends'];

const ALLOWED: Record<Layer, Layer[]> = {
  common: ['common'],
  'platform-types': ['common', 'platform-types'],
  unionfs: ['common', 'platform-types', 'unionfs'],
  net: ['common', 'platform-types', 'net'],
  kernel: ['common', 'platform-types', 'unionfs', 'net', 'kernel'],
  engine: ['common', 'platform-types', 'unionfs', 'net', 'kernel', 'engine'],
  backends: ['common', 'platform-types', 'engine', 'backends'],
  'platform-node': ['common', 'platform-types', 'unionfs', 'platform-node'],
  'platform-browser': ['common', 'platform-types', 'unionfs', 'platform-browser'],
  'platform-memory': ['common', 'platform-types', 'unionfs', 'platform-memory'],
  ui: ['common', 'platform-types', 'engine', 'ui'],
  cli: ['common', 'platform-types', 'platform-node', 'platform-memory', 'unionfs', 'net', 'kernel', 'engine', 'backends', 'cli'],
  entry: [
    'common',
    'platform-types',
    'platform-node',
    'platform-browser',
    'platform-memory',
    'unionfs',
    'net',
    'kernel',
    'engine',
    'backends',
    'cli',
    'ui',
    'entry',
  ],
};

/** npm packages core layers may use: pure JavaScript that runs the same everywhere. */
const CORE_PACKAGES = new Set(['fflate']);

function layerOf(file: string): Layer {
  const rel = relative(SRC, file).split('/');
  const [top, second] = rel;
  if (rel.length === 1) return 'entry';
  if (top === 'platform') {
    if (second === 'types.ts') return 'platform-types';
    return `platform-${second}` as Layer;
  }
  return top as Layer;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(IMPORT)) found.push((match[1] ?? match[2] ?? match[3])!);
  return found;
}

test('every import respects the layer rules', () => {
  const violations: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const isTest = file.endsWith('.test.ts');
    const from = layerOf(file);
    for (const spec of importsOf(file)) {
      const where = `${relative(SRC, file)} imports ${spec}`;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(SRC)) continue;
        const to = layerOf(target);
        if (!ALLOWED[from].includes(to)) violations.push(`${where}: layer ${from} may not import ${to}`);
      } else if (!isTest && CORE.includes(from)) {
        if (spec.startsWith('node:')) violations.push(`${where}: core layer ${from} may not use Node built-ins`);
        else if (!CORE_PACKAGES.has(spec.split('/')[0]!)) violations.push(`${where}: core layer ${from} may not use package ${spec}`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

test('the layer rules catch a violation', () => {
  // The checker itself must be able to fail: a kernel file importing the engine is refused.
  assert.equal(ALLOWED.kernel.includes('engine'), false);
  assert.equal(layerOf(join(SRC, 'kernel/x.ts')), 'kernel');
  assert.equal(layerOf(join(SRC, 'platform/types.ts')), 'platform-types');
  assert.equal(layerOf(join(SRC, 'platform/node/worker-host.ts')), 'platform-node');
  const sample = 'import { x } from "../engine/y.ts";\nexport * from "./z.ts";\nconst m = await import("node:fs");';
  assert.deepEqual([...sample.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]), ['../engine/y.ts', './z.ts', 'node:fs']);
});
