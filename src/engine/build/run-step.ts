/**
 * RUN: a container from the current image runs the step's command; its
 * output is streamed into the build output as it arrives; its writable
 * layer becomes the step's layer (dockerd's containerManager.Run). The
 * container is a real one (`docker ps -a` shows it while it runs, and
 * after a failed step, as dockerd leaves it); the caller removes it.
 */
import type { Container } from '../containers/container.ts';
import type { ContainerManager } from '../containers/manager.ts';
import { CancelledError } from '../errors.ts';
import type { ContainerCreateRequest } from '../types/container.ts';
import type { BuildOutput } from './output.ts';

export interface RunResult {
  readonly container: Container;
  readonly exitCode: number;
}

/**
 * Creates the container, prints " ---> Running in <id>", runs it with its
 * output attached, and resolves with its exit code. A cancelled build kills
 * it (CancelledError). A container that cannot start rejects with the
 * start error, the container left for the caller to remove.
 */
export async function runStep(
  containers: ContainerManager,
  request: ContainerCreateRequest,
  out: BuildOutput,
  signal: AbortSignal,
  onCreated: (container: Container) => void,
): Promise<RunResult> {
  const { Id } = await containers.create({ name: '', platform: '', config: request });
  const container = containers.get(Id);
  onCreated(container);
  out.stdout(` ---> Running in ${Id.slice(0, 12)}\n`);
  const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  const write = (stream: 'stdout' | 'stderr', text: string) => (stream === 'stdout' ? out.stdout(text) : out.stderr(text));
  container.pendingAttach.add((stdio) => {
    stdio.listen((stream, bytes) => write(stream, decoders[stream].decode(bytes, { stream: true })));
  });
  const stopWaiting = new AbortController();
  const exited = containers.wait(container, 'next-exit', stopWaiting.signal);
  exited.catch(() => {});
  const cancel = () => {
    if (container.running) {
      try {
        containers.kill(container, 'KILL');
      } catch {
        // Already gone.
      }
    }
  };
  signal.addEventListener('abort', cancel);
  try {
    if (signal.aborted) throw new CancelledError('Build cancelled');
    try {
      await containers.start(container);
    } catch (error) {
      stopWaiting.abort();
      throw error;
    }
    const result = await exited;
    for (const stream of ['stdout', 'stderr'] as const) write(stream, decoders[stream].decode());
    if (signal.aborted) throw new CancelledError('Build cancelled');
    return { container, exitCode: result.StatusCode };
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}
