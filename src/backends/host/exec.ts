/**
 * ExecBackend over a real Docker engine. `docker exec` output is relayed
 * through a hijacked upstream session (session.ts), framed by the start
 * request's Tty as dockerd frames it.
 */
import type { StreamSession } from '../../engine/api/hijack.ts';
import type { ExecBackend } from '../../engine/api/routers/exec-backend.ts';
import { hijacked, type DockerClient } from '../../engine/client/client.ts';
import type { ExecCreateRequest, ExecInspect, ExecStartOptions } from '../../engine/types/exec.ts';
import { relaySession } from './session.ts';
import { forward } from './upstream.ts';

export class HostExecBackend implements ExecBackend {
  constructor(private readonly client: DockerClient) {}

  create(container: string, config: ExecCreateRequest): Promise<string> {
    return forward(() => this.client.createExec(container, config));
  }

  inspect(id: string): Promise<ExecInspect> {
    return forward(() => this.client.inspectExec(id));
  }

  start(id: string, options: ExecStartOptions): Promise<StreamSession> {
    return relaySession(options.tty, (onOutput) =>
      forward(async () => hijacked(await this.client.startExec(id, { tty: options.tty, ...(options.consoleSize ? { consoleSize: options.consoleSize } : {}) }, onOutput))),
    );
  }

  startDetached(id: string, options: ExecStartOptions): Promise<void> {
    return forward(() => this.client.startExecDetached(id, { tty: options.tty, ...(options.consoleSize ? { consoleSize: options.consoleSize } : {}) }));
  }

  resize(id: string, height: number, width: number): Promise<void> {
    return forward(() => this.client.resizeExec(id, height, width));
  }
}
