/**
 * Exec types of the Docker Engine API (moby api/types/container exec
 * types, swagger 1.47).
 */

/** The body of POST /containers/{id}/exec. `Cmd` must not be empty. */
export interface ExecCreateRequest {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  /** [height, width]; honoured only for API ≥ 1.42 with Tty. */
  ConsoleSize?: number[];
  DetachKeys?: string;
  Tty?: boolean;
  Env?: string[];
  Cmd?: string[];
  Privileged?: boolean;
  User?: string;
  WorkingDir?: string;
}

/** The body of POST /exec/{id}/start. dockerode also sends unknown keys (hijack, stdin); they are ignored. */
export interface ExecStartRequest {
  Detach?: boolean;
  Tty?: boolean;
  ConsoleSize?: number[];
}

/** Options the router passes to ExecBackend.start. */
export interface ExecStartOptions {
  tty: boolean;
  /** [height, width], only with tty and API ≥ 1.42. */
  consoleSize?: [number, number];
}

/** GET /exec/{id}/json. ExitCode is null until the process exits. */
export interface ExecInspect {
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  ProcessConfig: {
    tty: boolean;
    entrypoint: string;
    arguments: string[];
    privileged: boolean;
    user?: string;
  };
  OpenStdin: boolean;
  OpenStderr: boolean;
  OpenStdout: boolean;
  CanRemove: boolean;
  ContainerID: string;
  DetachKeys: string;
  Pid: number;
}

/** `{"Id": "..."}`: the 201 answer of exec create and commit. */
export interface IdResponse {
  Id: string;
}
