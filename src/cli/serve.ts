/** `drydock serve [--port N] [--host H]`: serves the playground (engine in the page) with cross-origin isolation. */
import { fileURLToPath } from 'node:url';
import { startStaticServer } from '../platform/node/static-server.ts';

/** The package root, from the bundled CLI (dist/cli.js) or from sources (src/cli/serve.ts). */
export function packageRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return here.endsWith('/dist/') ? fileURLToPath(new URL('..', import.meta.url)) : fileURLToPath(new URL('../..', import.meta.url));
}

export function playgroundRoutes(root = packageRoot()): Record<string, string> {
  return {
    '/': `${root}/public`,
    '/dist/browser/': `${root}/dist/browser`,
    '/wasm/bin/': `${root}/wasm/bin`,
  };
}

export async function serveCommand(argv: string[]): Promise<number> {
  let port = 8080;
  let host = '127.0.0.1';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') port = Number(argv[++i]);
    else if (argv[i] === '--host') host = argv[++i] ?? host;
    else {
      process.stderr.write(`drydock serve: unknown option ${argv[i]}\n`);
      return 125;
    }
  }
  const { url } = await startStaticServer({ routes: playgroundRoutes(), port, host });
  process.stdout.write(`Drydock playground: ${url}\n(the engine runs in the page; Ctrl-C to stop)\n`);
  await new Promise(() => {});
  return 0;
}
