import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.tar': 'application/x-tar',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.md': 'text/markdown; charset=utf-8',
};

/** Headers that make the page cross-origin isolated (SharedArrayBuffer, Atomics.wait in workers). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

export interface StaticServerOptions {
  /** URL prefix -> directory. The longest matching prefix wins. */
  readonly routes: Record<string, string>;
  readonly port?: number;
  readonly host?: string;
  /** Send the cross-origin isolation headers (default true). */
  readonly isolated?: boolean;
}

/**
 * A small static file server for the playground and browser tests. Paths
 * are confined to their route's directory ("..", encoded or not, cannot
 * leave it).
 */
export async function startStaticServer(options: StaticServerOptions): Promise<{ server: Server; url: string }> {
  const routes = Object.entries(options.routes)
    .map(([prefix, dir]) => [prefix, resolve(dir)] as const)
    .sort((a, b) => b[0].length - a[0].length);
  const isolated = options.isolated ?? true;
  const server = createServer((req, res) => {
    const headers: Record<string, string> = isolated ? { ...ISOLATION_HEADERS } : {};
    headers['Cache-Control'] = 'no-cache';
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, headers).end('bad request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    for (const [prefix, dir] of routes) {
      if (!pathname.startsWith(prefix)) continue;
      let file = resolve(dir, `.${sep}${normalize(pathname.slice(prefix.length))}`);
      if (file !== dir && !file.startsWith(dir + sep)) break;
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
      if (!existsSync(file) || !statSync(file).isFile()) break;
      headers['Content-Type'] = TYPES[extname(file)] ?? 'application/octet-stream';
      headers['Content-Length'] = String(statSync(file).size);
      res.writeHead(200, headers);
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => ready());
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${options.host ?? '127.0.0.1'}:${port}/` };
}
