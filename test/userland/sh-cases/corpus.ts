/**
 * The differential corpus: test/userland/sh-cases/*.cases. Each file holds
 * cases separated by header lines "#### name"; the text up to the next
 * header is the script, run as `sh -c SCRIPT` by busybox sh on the host and
 * by our sh in the kernel, with empty stdin, in an empty working directory.
 * A line "#@needs APPLET..." lists the external commands a case uses (the
 * case is skipped where our /bin lacks them). Known, intentional
 * differences are in known-differences.json (case name -> reason).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CASES_DIR = fileURLToPath(new URL('.', import.meta.url));

export interface ShCase {
  readonly name: string;
  readonly file: string;
  readonly script: string;
  readonly needs: readonly string[];
}

export interface Outcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

export function loadCases(dir = CASES_DIR): ShCase[] {
  const cases: ShCase[] = [];
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cases')).sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    const parts = text.split(/^#### /m).slice(1);
    for (const part of parts) {
      const nl = part.indexOf('\n');
      const name = part.slice(0, nl).trim();
      let script = part.slice(nl + 1);
      // a case ends with one newline; blank lines before the next header are not part of it
      script = script.replace(/\n+$/, '\n');
      if (names.has(name)) throw new Error(`${file}: duplicate case name ${name}`);
      names.add(name);
      const needs = [...script.matchAll(/^#@needs (.*)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/));
      cases.push({ name, file, script, needs });
    }
  }
  return cases;
}

export function loadKnownDifferences(dir = CASES_DIR): Record<string, string> {
  return JSON.parse(readFileSync(join(dir, 'known-differences.json'), 'utf8')) as Record<string, string>;
}

/** Is Debian's busybox (the reference) installed on the host? */
export function hostBusybox(): string | null {
  const r = spawnSync('busybox', ['sh', '-c', 'true']);
  return r.status === 0 ? 'busybox' : null;
}

/** Runs a case under `busybox sh -c` on the host, in a fresh empty directory (asynchronously: the kernel keeps running meanwhile). */
export async function runHost(busybox: string, c: ShCase): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-sh-case-'));
  try {
    return await new Promise<Outcome>((resolve, reject) => {
      const child = spawn(busybox, ['sh', '-c', c.script], { cwd: dir, env: { PATH: '/bin', HOME: '/root' }, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const status = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15);
        resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), status });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
