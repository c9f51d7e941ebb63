/**
 * The UI of the tutorial site and of embedded playgrounds. Importing this
 * module defines <drydock-terminal> and <drydock-playground>. The engine
 * comes from the entry point (`provideEngineFactory`).
 */
export { DrydockPlayground, isolationProblem } from './playground/drydock-playground.ts';
export { DrydockTerminal } from './terminal/drydock-terminal.ts';
export type { CommandFinishedDetail } from './terminal/drydock-terminal.ts';
export { connectEngine, provideEngineFactory } from './engine.ts';
export type { EngineFactory, EngineOptions, PlaygroundEngine } from './engine.ts';
export { DockerCli, MemoryWorkspace } from './docker-cli/index.ts';
export { HostShell } from './shell/host-shell.ts';
