/** Dispatches `drydock <command>`. */
const USAGE = `Usage: drydock COMMAND

Commands:
  daemon   [--host unix:///PATH] [--host tcp://127.0.0.1:PORT] [--allow-remote] [--data-root DIR]
           [--storage disk|memory] [--storage-quota SIZE] [--no-outbound]
           [--backend host [--host-engine unix:///var/run/docker.sock]]
           Serve the Docker Engine API (export DOCKER_HOST as it says, then use docker);
           --backend host: in front of a real Docker engine, containers run natively there
  serve    [--port 8080] [--host 127.0.0.1]
           Serve the playground: the engine runs in the page
  wasm run [--dir HOST[::GUEST]]... [--env K=V]... [--memory BYTES] FILE.wasm [ARGS...]
           Run a WASI program in a fresh sandbox
  version  Show the version
`;

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'version':
    case '--version':
      console.log('drydock 0.1.0');
      return 0;
    case 'daemon': {
      const { daemonCommand } = await import('./daemon.ts');
      return daemonCommand(rest);
    }
    case 'serve': {
      const { serveCommand } = await import('./serve.ts');
      return serveCommand(rest);
    }
    case 'wasm': {
      const { wasmCommand } = await import('./wasm-run.ts');
      return wasmCommand(rest);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`drydock: unknown command "${command}"\n${USAGE}`);
      return 125;
  }
}
