/**
 * The tiny host shell behind the terminal's "$ " prompt. It runs docker
 * commands (the in-browser docker CLI) and a few builtins — clear, help,
 * echo, history, ls, cat — and remembers the exit status for `$?`.
 * Pure TypeScript: the terminal gives it streams; tests give it strings.
 */
import type { DockerCli } from '../docker-cli/cli.ts';
import type { CliStreams } from '../docker-cli/io.ts';
import { stdinFrom } from '../docker-cli/io.ts';
import { normalizePath } from '../docker-cli/workspace.ts';
import { expandWords, parseCommandLine, ShellSyntaxError } from './parse.ts';

export interface HostShellOptions {
  readonly docker: DockerCli;
  /** Clears the screen (the terminal's job). */
  readonly clear: () => void;
  /** Commands typed so far, oldest first (for `history`). */
  readonly history: () => readonly string[];
}

/** What `help` prints. */
export const HOST_HELP = `This is a Drydock terminal: a small shell whose "docker" command drives a
container engine running in this browser tab.

  docker ...       run a docker command (try: docker run hello-world)
  docker --help    list the docker commands; "docker run --help" for one command
  clear            clear the screen (or press Ctrl-L)
  echo ...         print words; "echo $?" shows the last exit status
  ls, cat FILE     look at the files of this lesson (build contexts, docker cp)
  history          commands you typed

Keys: Up/Down for history, Tab to complete, Ctrl-C to interrupt, Ctrl-P Ctrl-Q
to detach from a container's terminal.
`;

const BUILTINS = ['cat', 'clear', 'docker', 'echo', 'help', 'history', 'ls'];

export class HostShell {
  /** The exit status of the last command (`$?`). */
  status = 0;

  constructor(private readonly options: HostShellOptions) {}

  /** Runs one command line; resolves with its exit status (also kept in `status`). */
  async execute(line: string, streams: CliStreams): Promise<number> {
    let items;
    try {
      items = parseCommandLine(line);
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error;
      streams.err(`sh: ${error.message}\n`);
      this.status = 2;
      return 2;
    }
    for (const item of items) {
      if (item.connector === '&&' && this.status !== 0) continue;
      if (item.connector === '||' && this.status === 0) continue;
      const argv = await expandWords(item.words, this.status, (source) => this.capture(source, streams));
      if (argv.length === 0) continue;
      this.status = await this.runSimple(argv, streams);
    }
    return this.status;
  }

  /** Completions for the word before the cursor: builtins first, then docker subcommands. */
  complete(line: string): string[] {
    const words = line.split(/\s+/);
    const current = words[words.length - 1] ?? '';
    if (words.length <= 1) return BUILTINS.filter((b) => b.startsWith(current));
    if (words[0] === 'docker' && words.length === 2) return this.options.docker.commandNames().filter((c) => c.startsWith(current));
    return [];
  }

  /** `$(...)`: runs `source` with output captured, errors passed through. */
  private async capture(source: string, streams: CliStreams): Promise<string> {
    let out = '';
    const decoder = new TextDecoder();
    const inner: CliStreams = {
      ...streams,
      out: (data) => (out += typeof data === 'string' ? data : decoder.decode(data, { stream: true })),
      stdin: stdinFrom(null),
      terminal: null,
    };
    await this.execute(source, inner);
    return out;
  }

  private async runSimple(argv: string[], streams: CliStreams): Promise<number> {
    const [name, ...args] = argv as [string, ...string[]];
    switch (name) {
      case 'docker':
        return this.options.docker.run(args, streams);
      case 'clear':
        this.options.clear();
        return 0;
      case 'help':
        streams.out(HOST_HELP);
        return 0;
      case 'echo': {
        const noNewline = args[0] === '-n';
        streams.out(`${(noNewline ? args.slice(1) : args).join(' ')}${noNewline ? '' : '\n'}`);
        return 0;
      }
      case 'history':
        streams.out(
          this.options
            .history()
            .map((line, i) => `${String(i + 1).padStart(5)}  ${line}\n`)
            .join(''),
        );
        return 0;
      case 'ls':
        return this.ls(args, streams);
      case 'cat':
        return this.cat(args, streams);
      case 'sudo':
        return args.length ? this.runSimple(args, streams) : 0;
      default:
        streams.err(`sh: ${name}: command not found${BUILTINS.includes(name.toLowerCase()) ? '' : ' (this prompt runs docker commands; try "help")'}\n`);
        return 127;
    }
  }

  private ls(args: string[], streams: CliStreams): number {
    const workspace = this.options.docker.workspace;
    const targets = args.filter((a) => !a.startsWith('-'));
    let status = 0;
    for (const target of targets.length ? targets : ['.']) {
      const dir = normalizePath(target);
      if (dir === null || !workspace.exists(dir)) {
        streams.err(`ls: ${target}: No such file or directory\n`);
        status = 1;
        continue;
      }
      if (!workspace.isDirectory(dir)) {
        streams.out(`${target}\n`);
        continue;
      }
      const prefix = dir === '' ? '' : `${dir}/`;
      const names = new Set<string>();
      for (const path of [...workspace.directories(dir), ...workspace.files(dir).map((f) => f.path)]) {
        const rest = path.slice(prefix.length);
        if (rest === '') continue;
        const first = rest.split('/')[0]!;
        names.add(rest.includes('/') || workspace.isDirectory(`${prefix}${first}`) ? `${first}/` : first);
      }
      if (targets.length > 1) streams.out(`${target}:\n`);
      if (names.size) streams.out(`${[...names].sort().join('  ')}\n`);
    }
    return status;
  }

  private cat(args: string[], streams: CliStreams): number {
    let status = 0;
    for (const file of args) {
      const data = this.options.docker.workspace.read(file);
      if (data === null) {
        streams.err(`cat: ${file}: ${this.options.docker.workspace.isDirectory(file) ? 'Is a directory' : 'No such file or directory'}\n`);
        status = 1;
      } else streams.out(data);
    }
    return status;
  }
}
