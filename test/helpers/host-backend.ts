/**
 * A real dockerd 20.10 and Drydock's host backend in front of it, for the
 * tests that compare the two (test/engine-host-backend*.test.ts): the real
 * docker CLI runs each step once directly ('direct') and once through
 * Drydock ('drydock'); the results must be equal after the normalisers of
 * cli-normalise.ts. `describeCliCases` registers one test per case of a
 * cases file (the format of test/dockerd-diff/cases.json).
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createHostEngine, type HostEngine } from '../../src/backends/host/host-engine.ts';
import { EngineSocketTransport } from '../../src/platform/node/engine-socket-transport.ts';
import { HttpTransport } from '../../src/platform/node/http-transport.ts';
import { normalise } from './cli-normalise.ts';
import { dockerCli, oracleSkip, startOracleDockerd, type CliResult, type Oracle } from './dockerd.ts';

export const hostBackendSkip = oracleSkip();

export interface StepSpec {
  readonly docker?: string[];
  readonly host?: string;
  readonly stdin?: string;
  readonly head?: number;
  readonly sort?: boolean;
}
export type Step = string[] | StepSpec;
export interface Case {
  readonly name: string;
  readonly steps: Step[];
}
export interface KnownDifference {
  readonly case: string;
  readonly step: string;
  readonly field: 'code' | 'stdout' | 'stderr';
  readonly reason: string;
}

export type Route = 'direct' | 'drydock';

/** A JSON file under test/. */
export const loadJson = <T>(path: string): T => JSON.parse(readFileSync(join(import.meta.dirname, '..', path), 'utf8')) as T;

export function spec(step: Step): StepSpec {
  return Array.isArray(step) ? { docker: step } : step;
}

export function label(step: StepSpec): string {
  return step.docker ? `docker ${step.docker.join(' ')}` : `host: ${step.host}`;
}

/** A real dockerd, and Drydock's API with the host backend in front of it, served on a unix socket. */
export class HostBackendPair {
  private constructor(
    readonly oracle: Oracle,
    readonly engine: HostEngine,
    private readonly http: HttpTransport,
    readonly drydockSocket: string,
    readonly scratch: Record<Route, string>,
  ) {}

  static async start(): Promise<HostBackendPair> {
    const oracle = await startOracleDockerd();
    const engine = await createHostEngine({ transport: new EngineSocketTransport(`unix://${oracle.socket}`), hostEngine: `unix://${oracle.socket}` });
    const http = new HttpTransport(engine.api.respond, { logError: () => {} });
    const drydockSocket = join(oracle.home, 'drydock.sock');
    await http.listen(`unix://${drydockSocket}`);
    const scratch = { direct: mkdtempSync(join(tmpdir(), 'dd-host-direct-')), drydock: mkdtempSync(join(tmpdir(), 'dd-host-drydock-')) };
    return new HostBackendPair(oracle, engine, http, drydockSocket, scratch);
  }

  async stop(): Promise<void> {
    await this.http.close();
    await this.engine.shutdown();
    await this.oracle.stop();
    for (const dir of Object.values(this.scratch)) rmSync(dir, { recursive: true, force: true });
  }

  docker(route: Route, args: string[], input?: string): Promise<CliResult> {
    return dockerCli(route === 'direct' ? this.oracle.socket : this.drydockSocket, args, { ...(input !== undefined ? { input } : {}), timeoutMs: 60_000 });
  }

  async runStep(route: Route, step: StepSpec): Promise<CliResult> {
    const dir = this.scratch[route];
    const fill = (s: string) => s.replaceAll('{tmp}', dir);
    let r: CliResult;
    if (step.host !== undefined) {
      const out = spawnSync('sh', ['-c', fill(step.host)], { encoding: 'utf8' });
      r = { stdout: out.stdout, stderr: out.stderr, code: out.status ?? -1 };
    } else {
      r = await this.docker(route, step.docker!.map(fill), step.stdin);
    }
    let stdout = normalise(r.stdout, dir);
    if (step.head !== undefined) stdout = stdout.split('\n').slice(0, step.head).join('\n');
    if (step.sort) stdout = stdout.split('\n').filter(Boolean).sort().join('\n');
    return { code: r.code, stdout, stderr: normalise(r.stderr, dir) };
  }

  /** Removes what a case left: containers, custom networks, volumes, dd-* images (always directly). */
  async cleanUp(route: Route): Promise<void> {
    const ids = (await this.docker('direct', ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await this.docker('direct', ['rm', '-f', ...ids]);
    const networks = (await this.docker('direct', ['network', 'ls', '--filter', 'type=custom', '-q'])).stdout.split('\n').filter(Boolean);
    if (networks.length > 0) await this.docker('direct', ['network', 'rm', ...networks]);
    const volumes = (await this.docker('direct', ['volume', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
    if (volumes.length > 0) await this.docker('direct', ['volume', 'rm', '-f', ...volumes]);
    const images = (await this.docker('direct', ['image', 'ls', '-a', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}'])).stdout.split('\n').filter(Boolean);
    const doomed = images.filter((line) => !line.startsWith('busybox:latest ')).map((line) => (line.startsWith('<none>') ? line.split(' ')[1]! : line.split(' ')[0]!));
    if (doomed.length > 0) await this.docker('direct', ['rmi', '-f', ...doomed]);
    spawnSync('sh', ['-c', `rm -rf ${this.scratch[route]}/*`]);
  }

  /** Runs the docker CLI on a pseudo-terminal (util-linux `script`) against `socket`, typing `keys` with pauses. */
  async onTerminal(socket: string, args: string[], keys: string[]): Promise<{ output: string; code: number }> {
    const command = ['docker', ...args].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: this.oracle.home, TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    for (const key of keys) {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      child.stdin.write(key);
    }
    return { output, code: await exited };
  }
}

/**
 * One test per case: every step runs directly, then through Drydock; each
 * field (exit code, stdout, stderr) must agree unless `known` lists it, and
 * a listed difference that agrees fails (so the list stays true). The
 * describe starts its own dockerd unless `shared` gives the file's pair.
 */
export function describeCliCases(title: string, cases: readonly Case[], known: readonly KnownDifference[], shared?: () => HostBackendPair): void {
  describe(title, { skip: hostBackendSkip }, () => {
    let pair: HostBackendPair | null = null;
    before(async () => {
      pair = shared ? shared() : await HostBackendPair.start();
    });
    after(async () => {
      if (!shared) await pair?.stop();
    });

    for (const c of cases) {
      test(c.name, async () => {
        const results: Record<Route, CliResult[]> = { direct: [], drydock: [] };
        for (const route of ['direct', 'drydock'] as const) {
          try {
            for (const step of c.steps) results[route].push(await pair!.runStep(route, spec(step)));
          } finally {
            await pair!.cleanUp(route);
          }
        }
        const failures: string[] = [];
        c.steps.forEach((raw, i) => {
          const step = spec(raw);
          const direct = results.direct[i]!;
          const drydock = results.drydock[i]!;
          for (const field of ['code', 'stdout', 'stderr'] as const) {
            const listed = known.find((k) => k.case === c.name && k.step === label(step) && k.field === field);
            const same = direct[field] === drydock[field];
            if (listed && same) failures.push(`${label(step)}: ${field} now agrees; remove it from known-differences.json (${listed.reason})`);
            if (!listed && !same) failures.push(`${label(step)}: ${field}\n  drydock: ${JSON.stringify(drydock[field])}\n  dockerd: ${JSON.stringify(direct[field])}`);
          }
        });
        assert.deepEqual(failures, []);
      });
    }
  });
}
