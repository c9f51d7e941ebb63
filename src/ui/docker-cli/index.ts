/** The in-browser `docker` command (pure TypeScript over the Docker API; no DOM). */
export { DockerCli, mainHelp } from './cli.ts';
export type { DockerCliOptions } from './cli.ts';
export type { CliStreams, CliTerminal, StdinSource } from './io.ts';
export { InterruptedError, StatusError, stdinFrom } from './io.ts';
export { MemoryWorkspace, normalizePath } from './workspace.ts';
export type { Workspace, WorkspaceFile } from './workspace.ts';
