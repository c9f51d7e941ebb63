/**
 * Images for engine tests, built in memory from the committed guest binaries
 * (wasm/bin) and test programs, until a test uses the real image store:
 * "busybox" (sh, the busybox applets, a Linux layout, two layers) and
 * "hello-world". They implement the ImageSource the container code needs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError } from '../../src/engine/errors.ts';
import type { ContainerImage, ImageSource } from '../../src/engine/containers/image-source.ts';
import { loadLayer } from '../../src/unionfs/layer/load.ts';
import type { LayerTree } from '../../src/unionfs/layer/tree.ts';
import { writeTar } from '../../src/unionfs/tar/writer.ts';
import type { TarWriteEntry } from '../../src/unionfs/tar/entry.ts';
import { sha256Hex } from '../../src/common/bytes.ts';
import { PROGRAMS, SHIPPED } from './kernel-harness.ts';
import { newKernel, run } from './kernel-harness.ts';

const dir = (path: string, mode = 0o755): TarWriteEntry => ({ path, type: 'dir', mode });
const file = (path: string, data: Uint8Array | string, mode = 0o644): TarWriteEntry => ({
  path,
  type: 'file',
  mode,
  data: typeof data === 'string' ? new TextEncoder().encode(data) : data,
});

interface TestImage extends ContainerImage {
  readonly layers: LayerTree[];
}

async function image(names: string[], config: ContainerImage['config'], layerEntries: TarWriteEntry[][]): Promise<TestImage> {
  const layers: LayerTree[] = [];
  for (const entries of layerEntries) layers.push((await loadLayer(writeTar(entries))).tree);
  const id = `sha256:${await sha256Hex(new TextEncoder().encode(JSON.stringify({ names, config })))}`;
  return { id, config, repoTags: names, layers };
}

/** The applet names the committed busybox.wasm provides. */
async function applets(): Promise<string[]> {
  const kernel = newKernel({ warmWorkers: 0 });
  try {
    const r = await run(kernel, '/shipped/busybox.wasm', ['--list']);
    return r.stdout.split(/\s+/).filter((name) => name !== '' && name !== 'sh');
  } finally {
    await kernel.shutdown();
  }
}

export async function testImages(): Promise<ImageSource & { images: TestImage[] }> {
  const base = [
    dir('bin'), dir('dev'), dir('etc'), dir('home'), dir('proc'), dir('root', 0o700), dir('sys'), dir('tmp', 0o1777),
    dir('usr'), dir('usr/bin'), dir('var'), dir('var/log'),
    file('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n'),
    file('etc/group', 'root:x:0:\nnobody:x:65534:\n'),
  ];
  const tools = [
    file('bin/busybox', readFileSync(join(SHIPPED, 'busybox.wasm')), 0o755),
    file('bin/sh', readFileSync(join(SHIPPED, 'sh.wasm')), 0o755),
    ...(await applets()).map((name): TarWriteEntry => ({ path: `bin/${name}`, type: 'symlink', mode: 0o777, linkTarget: 'busybox' })),
    file('bin/fsutil', readFileSync(join(PROGRAMS, 'fsutil.wasm')), 0o755),
    file('bin/spin', readFileSync(join(PROGRAMS, 'wasi-spin.wasm')), 0o755),
    file('bin/memhog', readFileSync(join(PROGRAMS, 'wasi-memhog.wasm')), 0o755),
    file('bin/sig', readFileSync(join(PROGRAMS, 'sig.wasm')), 0o755),
  ];
  const busybox = await image(['busybox:latest'], { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] }, [base, tools]);
  const hello = await image(['hello-world:latest'], { Cmd: ['/hello'] }, [[file('hello', readFileSync(join(SHIPPED, 'hello.wasm')), 0o755)]]);
  const images = [busybox, hello];
  const byName = (name: string) => (name.includes(':') ? name : `${name}:latest`).replace(/^docker\.io\/(library\/)?/, '');
  return {
    images,
    resolve(name: string) {
      const found = images.find((i) => i.repoTags.includes(byName(name)) || i.id === name || i.id.slice(7).startsWith(name));
      if (!found) throw new NotFoundError(`No such image: ${byName(name)}`);
      return found;
    },
    byId(id: string) {
      return images.find((i) => i.id === id) ?? null;
    },
    async layerTrees(img: ContainerImage) {
      return (img as TestImage).layers;
    },
  };
}
