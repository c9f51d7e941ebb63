/**
 * Helpers for the in-browser docker CLI tests: streams that collect output
 * (optionally a fake terminal with keystrokes and resizes), and a runner that
 * executes the same command with the real docker CLI and with ours.
 */
import { DockerClient } from '../src/engine/client/client.ts';
import { inProcessTransport } from '../src/engine/client/transport.ts';
import { DockerCli } from '../src/ui/docker-cli/cli.ts';
import type { CliStreams, CliTerminal } from '../src/ui/docker-cli/io.ts';
import { stdinFrom } from '../src/ui/docker-cli/io.ts';
import { MemoryWorkspace } from '../src/ui/docker-cli/workspace.ts';
import type { TestEngine } from './helpers/engine-harness.ts';

export interface Captured {
  stdout: string;
  stderr: string;
  code: number;
}

/** Output streams that collect text; no terminal unless given. */
export function captureStreams(options: { input?: string; terminal?: CliTerminal; now?: () => number } = {}): { streams: CliStreams; result: () => { stdout: string; stderr: string }; interrupt(): void } {
  const decoder = { out: new TextDecoder(), err: new TextDecoder() };
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const streams: CliStreams = {
    out: (data) => (stdout += typeof data === 'string' ? data : decoder.out.decode(data, { stream: true })),
    err: (data) => (stderr += typeof data === 'string' ? data : decoder.err.decode(data, { stream: true })),
    stdin: stdinFrom(options.input ?? null),
    terminal: options.terminal ?? null,
    onInterrupt(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    now: options.now ?? (() => Date.now()),
  };
  return {
    streams,
    result: () => ({ stdout, stderr }),
    interrupt: () => listeners.forEach((l) => l()),
  };
}

/** A fake terminal: raw-mode keystrokes are pushed with `type`, resizes with `resize`. */
export class FakeTerminal implements CliTerminal {
  rows = 24;
  cols = 80;
  rawActive = false;
  private onData: ((bytes: Uint8Array) => void) | null = null;
  private readonly resizeListeners = new Set<(size: { rows: number; cols: number }) => void>();
  size() {
    return { rows: this.rows, cols: this.cols };
  }
  onResize(listener: (size: { rows: number; cols: number }) => void) {
    this.resizeListeners.add(listener);
    return () => this.resizeListeners.delete(listener);
  }
  raw(onData: (bytes: Uint8Array) => void) {
    this.rawActive = true;
    this.onData = onData;
    return () => {
      this.rawActive = false;
      this.onData = null;
    };
  }
  type(text: string): void {
    this.onData?.(new TextEncoder().encode(text));
  }
  resize(rows: number, cols: number): void {
    this.rows = rows;
    this.cols = cols;
    for (const l of this.resizeListeners) l({ rows, cols });
  }
}

/** Our docker command over the test engine, in process. */
export function ourCli(t: TestEngine, workspace = new MemoryWorkspace()): DockerCli {
  return new DockerCli({ client: new DockerClient(inProcessTransport(t.engine.api)), workspace, clientInfo: { osArch: 'node/wasm32' } });
}

/** Runs our CLI with `args` (non-terminal, like the real CLI run from a test). */
export async function ours(cli: DockerCli, args: string[], options: { input?: string; now?: () => number } = {}): Promise<Captured> {
  const capture = captureStreams(options);
  const code = await cli.run(args, capture.streams);
  return { ...capture.result(), code };
}

/**
 * Builds the browser bundles from the current sources into `outdir` (the
 * entries and options of esbuild.config.mjs), so browser tests check this
 * tree without rewriting the shared dist/ other tests use.
 */
export async function buildBrowserBundles(outdir: string): Promise<void> {
  const esbuild = await import('esbuild');
  await esbuild.build({
    bundle: true,
    format: 'esm',
    target: 'es2022',
    sourcemap: 'linked',
    logLevel: 'warning',
    legalComments: 'none',
    platform: 'browser',
    entryPoints: { drydock: 'src/main.browser.ts', 'process-worker': 'src/worker.browser.ts', 'kernel-worker': 'src/kernel-worker.browser.ts', sw: 'src/sw.browser.ts' },
    outdir,
    absWorkingDir: new URL('..', import.meta.url).pathname,
  });
}
