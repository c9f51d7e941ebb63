/**
 * Test helpers for the image tests: a real OCI registry on loopback
 * (Debian's docker-registry, the CNCF distribution server 2.8) started on a
 * temporary directory and a free port, optionally behind token
 * authentication served by a small JWT token server in this process (ES256,
 * x5c certificate chain, as Docker Hub's auth.docker.io works).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

/** Whether the registry can be started here. */
export function registryAvailable(): boolean {
  return existsSync(REGISTRY_BINARY) && spawnSync('sh', ['-c', 'command -v openssl']).status === 0;
}

/** A loopback port nothing listens on (just released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface TokenRequest {
  readonly scope: string;
  readonly account: string | null;
  readonly authorized: boolean;
}

export interface RunningRegistry {
  /** Host and port as used in image references ("127.0.0.1:40123"). */
  readonly host: string;
  /** Token requests seen (token mode). */
  readonly tokenRequests: TokenRequest[];
  readonly logPath: string;
  stop(): Promise<void>;
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * Starts docker-registry on 127.0.0.1 and a free port. With `users`, the
 * registry requires bearer tokens from a token server here: a user with
 * the right password gets the actions asked for, anyone else none.
 */
export async function startRegistry(options: { users?: Record<string, string> } = {}): Promise<RunningRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const tokenRequests: TokenRequest[] = [];
  let tokenServer: Server | null = null;
  let auth = '';
  if (options.users) {
    const users = options.users;
    const keyPath = join(dir, 'token.key');
    const certPath = join(dir, 'token.crt');
    const made = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=drydock-test-token-issuer',
    ]);
    if (made.status !== 0) throw new Error(`openssl: ${made.stderr.toString()}`);
    const key = createPrivateKey(readFileSync(keyPath));
    const der = Buffer.from(
      readFileSync(certPath, 'utf8').replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''),
      'base64',
    );
    tokenServer = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://token');
      const scope = url.searchParams.get('scope') ?? '';
      const header = req.headers.authorization ?? '';
      let account: string | null = null;
      let authorized = false;
      if (header.startsWith('Basic ')) {
        const [user, ...rest] = Buffer.from(header.slice(6), 'base64').toString().split(':');
        account = user ?? null;
        if (user && users[user] === rest.join(':')) authorized = true;
        else {
          tokenRequests.push({ scope, account, authorized: false });
          res.writeHead(401, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'incorrect username or password' }] }));
          return;
        }
      }
      tokenRequests.push({ scope, account, authorized });
      const access = [];
      const m = /^repository:([^:]+):(.+)$/.exec(scope);
      if (m && authorized) access.push({ type: 'repository', name: m[1], actions: m[2]!.split(',') });
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: 'drydock-test', sub: account ?? '', aud: 'drydock-test-registry', exp: now + 300, nbf: now - 10, iat: now, jti: createHash('sha256').update(`${now}${Math.random()}`).digest('hex'), access };
      const head = { alg: 'ES256', typ: 'JWT', x5c: [der.toString('base64')] };
      const input = `${b64url(JSON.stringify(head))}.${b64url(JSON.stringify(claims))}`;
      const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ token: `${input}.${b64url(signature)}`, expires_in: 300 }));
    });
    await new Promise<void>((resolve) => tokenServer!.listen(0, '127.0.0.1', resolve));
    const address = tokenServer.address();
    const tokenPort = typeof address === 'object' && address ? address.port : 0;
    auth = `auth:
  token:
    realm: http://127.0.0.1:${tokenPort}/token
    service: drydock-test-registry
    issuer: drydock-test
    rootcertbundle: ${certPath}
`;
  }
  const configPath = join(dir, 'config.yml');
  writeFileSync(
    configPath,
    `version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
  delete:
    enabled: true
http:
  addr: ${host}
${auth}`,
  );
  const logPath = join(dir, 'registry.log');
  const { openSync } = await import('node:fs');
  const log = openSync(logPath, 'a');
  const child: ChildProcess = spawn(REGISTRY_BINARY, ['serve', configPath], { stdio: ['ignore', log, log] });
  let ready = false;
  for (let i = 0; i < 200 && !ready; i++) {
    try {
      const response = await fetch(`http://${host}/v2/`);
      ready = response.status === 200 || response.status === 401;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`docker-registry did not start: ${readFileSync(logPath, 'utf8').slice(-2000)}`);
  }
  return {
    host,
    tokenRequests,
    logPath,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await new Promise<void>((resolve) => (tokenServer ? tokenServer.close(() => resolve()) : resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
