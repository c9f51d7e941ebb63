/**
 * What the exec routes need (moby's execBackend in
 * daemon/server/router/container/backend.go). Exec instances are named by
 * their full ID; a missing one is NotFoundError "No such exec instance: <id>".
 */
import type { ExecCreateRequest, ExecInspect, ExecStartOptions } from '../../types/exec.ts';
import type { StreamSession } from '../hijack.ts';

export interface ExecBackend {
  /**
   * POST /containers/{name}/exec: registers an exec instance and returns its
   * ID. ConflictError "Container <id> is not running" for a stopped container.
   * `Cmd` is non-empty (the router checks).
   */
  create(container: string, config: ExecCreateRequest): Promise<string>;
  /** GET /exec/{id}/json. */
  inspect(id: string): Promise<ExecInspect>;
  /**
   * POST /exec/{id}/start without Detach: validates the instance (404, 409
   * when already started) and returns the session run on the hijacked
   * connection. The router frames output per `options.tty`.
   */
  start(id: string, options: ExecStartOptions): Promise<StreamSession>;
  /** POST /exec/{id}/start with Detach: starts the process and returns without waiting for it. */
  startDetached(id: string, options: ExecStartOptions): Promise<void>;
  /** POST /exec/{id}/resize. */
  resize(id: string, height: number, width: number): Promise<void>;
}
