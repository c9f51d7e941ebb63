/** `drydock daemon` as a child process, for tests of the real command. */
import { type ChildProcess, spawn } from 'node:child_process';

/**
 * Starts `drydock daemon --host unix://SOCKET --data-root DATA_ROOT` and
 * resolves once it printed its `export DOCKER_HOST=` line. `fromSource`
 * runs src/cli/main.ts with tsx (no bundle needed); otherwise
 * bin/drydock.mjs runs the built dist/cli.js, as a user's `npx drydock`.
 */
export async function startDaemon(options: { socket: string; dataRoot: string; fromSource?: boolean }): Promise<ChildProcess> {
  const entry = options.fromSource ? ['--import', 'tsx', 'src/cli/main.ts'] : ['bin/drydock.mjs'];
  const child = spawn(process.execPath, [...entry, 'daemon', '--host', `unix://${options.socket}`, '--data-root', options.dataRoot], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('export DOCKER_HOST=')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`daemon exited with ${code}: ${out}`)));
  });
  return child;
}
