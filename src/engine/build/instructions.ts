/**
 * Typed Dockerfile instructions from parser nodes, grouped into build
 * stages (buildkit's frontend/dockerfile/instructions as dockerd 20.10
 * vendors it): argument counts, `--flags`, HEALTHCHECK options, stage
 * names, each with dockerd's message. Errors are InstructionError; the
 * builder prints them as "dockerfile parse error line N: <message>".
 */
import type { HealthConfig } from '../types/container.ts';
import { GoDurationError, parseGoDuration } from './go-format.ts';
import type { DockerfileNode } from './parser.ts';

export interface KeyValue {
  key: string;
  value: string;
}

export interface ArgDefinition {
  key: string;
  /** Null: declared without a default. */
  value: string | null;
}

interface Base {
  /** The instruction as written (trimmed): what "Step N/M : …" shows. */
  readonly code: string;
  /** Line where it starts. */
  readonly line: number;
}

/** RUN, CMD and ENTRYPOINT: exec form, or one string run with the SHELL. */
export interface CommandLine {
  /** Null for an ENTRYPOINT without arguments (clears it). */
  readonly cmdLine: string[] | null;
  readonly prependShell: boolean;
}

export type Instruction =
  | (Base & { kind: 'env'; pairs: KeyValue[] })
  | (Base & { kind: 'label'; pairs: KeyValue[]; noExpand: boolean })
  | (Base & { kind: 'maintainer'; maintainer: string })
  | (Base & { kind: 'add'; sources: string[]; dest: string; chown: string; chmod: string })
  | (Base & { kind: 'copy'; sources: string[]; dest: string; from: string; chown: string; chmod: string })
  | (Base & { kind: 'onbuild'; expression: string })
  | (Base & { kind: 'workdir'; path: string })
  | (Base & CommandLine & { kind: 'run' | 'cmd' | 'entrypoint' })
  | (Base & { kind: 'healthcheck'; health: HealthConfig })
  | (Base & { kind: 'expose'; ports: string[] })
  | (Base & { kind: 'user'; user: string })
  | (Base & { kind: 'volume'; volumes: string[] })
  | (Base & { kind: 'stopsignal'; signal: string })
  | (Base & { kind: 'arg'; args: ArgDefinition[] })
  | (Base & { kind: 'shell'; shell: string[] });

export type InstructionKind = Instruction['kind'];

/** RUN, CMD or ENTRYPOINT. */
export type CommandInstruction = Extract<Instruction, { kind: 'run' | 'cmd' | 'entrypoint' }>;

/** A FROM and the instructions after it. */
export interface Stage {
  /** Lower-case `AS` name, or "". */
  readonly name: string;
  /** The image (or stage) name as written; variables are expanded at build time. */
  readonly baseName: string;
  readonly platform: string;
  readonly code: string;
  readonly line: number;
  readonly commands: Instruction[];
}

/** An instruction that is not valid; `line` is where it starts. */
export class InstructionError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** The `--name=value` flags of one instruction (buildkit's BFlags). */
class Flags {
  private readonly known = new Map<string, 'string' | 'bool'>();
  private readonly values = new Map<string, string>();

  constructor(private readonly args: readonly string[]) {}

  string(name: string): () => string {
    this.known.set(name, 'string');
    return () => this.values.get(name) ?? '';
  }

  parse(): void {
    const used = new Set<string>();
    for (const raw of this.args) {
      if (!raw.startsWith('--')) throw new Error(`Arg should start with -- : ${raw}`);
      if (raw === '--') return;
      let arg = raw.slice(2);
      let value = '';
      const eq = arg.indexOf('=');
      if (eq >= 0) {
        value = arg.slice(eq + 1);
        arg = arg.slice(0, eq);
      }
      const type = this.known.get(arg);
      if (!type) throw new Error(`Unknown flag: ${arg}`);
      if (used.has(arg)) throw new Error(`Duplicate flag specified: ${arg}`);
      used.add(arg);
      if (type === 'string') {
        if (eq < 0) throw new Error(`Missing a value on flag: ${arg}`);
        this.values.set(arg, value);
      } else {
        if (eq >= 0 && value === '') throw new Error(`Missing a value on flag: ${arg}`);
        const lower = value.toLowerCase();
        if (lower !== '' && lower !== 'true' && lower !== 'false') throw new Error(`Expecting boolean value for flag ${arg}, not: ${value}`);
        this.values.set(arg, lower === '' ? 'true' : lower);
      }
    }
  }
}

const atLeastOne = (name: string) => new Error(`${name} requires at least one argument`);
const exactlyOne = (name: string) => new Error(`${name} requires exactly one argument`);
const noDestination = (name: string) => new Error(`${name} requires at least two arguments, but only one was provided. Destination could not be determined`);
const blankNames = (name: string) => new Error(`${name} names can not be blank`);

function keyValues(args: readonly string[], name: string): KeyValue[] {
  if (args.length === 0) throw atLeastOne(name);
  if (args.length % 2 !== 0) throw new Error(`Bad input to ${name}, too many arguments`);
  const out: KeyValue[] = [];
  for (let i = 0; i < args.length; i += 2) {
    if (args[i]!.length === 0) throw blankNames(name);
    out.push({ key: args[i]!, value: args[i + 1]! });
  }
  return out;
}

/** handleJSONArgs: exec form as is, shell form as one string. */
function jsonArgs(node: DockerfileNode, args: readonly string[] = node.args): string[] {
  if (args.length === 0) return [];
  return node.json ? [...args] : [args.join(' ')];
}

function commandLine(node: DockerfileNode, emptyAsNil: boolean): CommandLine {
  const cmd = jsonArgs(node);
  return { cmdLine: emptyAsNil && cmd.length === 0 ? null : cmd, prependShell: !node.json };
}

const MIN_DURATION = 1_000_000;

function interval(name: string, value: string): number {
  if (value === '') return 0;
  let ns: number;
  try {
    ns = parseGoDuration(value);
  } catch (error) {
    if (error instanceof GoDurationError) throw new Error(error.message);
    throw error;
  }
  if (ns < MIN_DURATION) throw new Error(`Interval ${JSON.stringify(name)} cannot be less than 1ms`);
  return ns;
}

function healthcheck(node: DockerfileNode, flags: Flags): HealthConfig {
  if (node.args.length === 0) throw atLeastOne('HEALTHCHECK');
  const type = node.args[0]!.toUpperCase();
  const args = node.args.slice(1);
  if (type === 'NONE') {
    if (args.length !== 0) throw new Error('HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  const flInterval = flags.string('interval');
  const flTimeout = flags.string('timeout');
  const flStartPeriod = flags.string('start-period');
  // Docker 25's --start-interval (dockerd 20.10 refuses it); Drydock speaks API 1.47, where it exists.
  const flStartInterval = flags.string('start-interval');
  const flRetries = flags.string('retries');
  flags.parse();
  if (type !== 'CMD') throw new Error(`Unknown type ${JSON.stringify(type)} in HEALTHCHECK (try CMD)`);
  const cmd = jsonArgs(node, args);
  if (cmd.length === 0) throw new Error('Missing command after HEALTHCHECK CMD');
  const health: HealthConfig = { Test: [node.json ? 'CMD' : 'CMD-SHELL', ...cmd] };
  const intervalNs = interval('interval', flInterval());
  const timeoutNs = interval('timeout', flTimeout());
  const startPeriodNs = interval('start-period', flStartPeriod());
  const startIntervalNs = interval('start-interval', flStartInterval());
  if (intervalNs) health.Interval = intervalNs;
  if (timeoutNs) health.Timeout = timeoutNs;
  if (startPeriodNs) health.StartPeriod = startPeriodNs;
  if (startIntervalNs) health.StartInterval = startIntervalNs;
  const retries = flRetries();
  if (retries !== '') {
    if (!/^[+-]?\d+$/.test(retries)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(retries)}: invalid syntax`);
    const n = Number(retries);
    if (n > 2 ** 31 - 1 || n < -(2 ** 31)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(retries)}: value out of range`);
    if (n < 1) throw new Error(`--retries must be at least 1 (not ${n})`);
    health.Retries = n;
  }
  return health;
}

function stageName(args: readonly string[]): string {
  if (args.length === 3 && args[1]!.toLowerCase() === 'as') {
    const name = args[2]!.toLowerCase();
    if (!/^[a-z][a-z0-9-_.]*$/.test(name)) {
      throw new Error(`invalid name for build stage: ${JSON.stringify(name)}, name can't start with a number or contain symbols`);
    }
    return name;
  }
  if (args.length !== 1) throw new Error('FROM requires either one or three arguments');
  return '';
}

/** Parses one node: a Stage for FROM, an Instruction otherwise. Throws plain Errors with dockerd's message. */
function parseNode(node: DockerfileNode): Stage | Instruction {
  const flags = new Flags(node.flags);
  const base = { code: node.original.trim(), line: node.startLine };
  const args = node.args;
  switch (node.keyword) {
    case 'from': {
      const name = stageName(args);
      const platform = flags.string('platform');
      flags.parse();
      return { name, baseName: args[0]!, platform: platform(), code: base.code, line: base.line, commands: [] };
    }
    case 'env':
      flags.parse();
      return { ...base, kind: 'env', pairs: keyValues(args, 'ENV') };
    case 'label':
      flags.parse();
      return { ...base, kind: 'label', pairs: keyValues(args, 'LABEL'), noExpand: false };
    case 'maintainer':
      if (args.length !== 1) throw exactlyOne('MAINTAINER');
      flags.parse();
      return { ...base, kind: 'maintainer', maintainer: args[0]! };
    case 'add': {
      if (args.length < 2) throw noDestination('ADD');
      const chown = flags.string('chown');
      const chmod = flags.string('chmod');
      flags.parse();
      return { ...base, kind: 'add', sources: args.slice(0, -1), dest: args[args.length - 1]!, chown: chown(), chmod: chmod() };
    }
    case 'copy': {
      if (args.length < 2) throw noDestination('COPY');
      const chown = flags.string('chown');
      const from = flags.string('from');
      const chmod = flags.string('chmod');
      flags.parse();
      return { ...base, kind: 'copy', sources: args.slice(0, -1), dest: args[args.length - 1]!, from: from(), chown: chown(), chmod: chmod() };
    }
    case 'onbuild': {
      if (args.length === 0) throw atLeastOne('ONBUILD');
      flags.parse();
      const trigger = args[0]!.trim().toUpperCase();
      if (trigger === 'ONBUILD') throw new Error("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
      if (trigger === 'MAINTAINER' || trigger === 'FROM') throw new Error(`${trigger} isn't allowed as an ONBUILD trigger`);
      return { ...base, kind: 'onbuild', expression: node.original.replace(/^\s*ONBUILD\s*/i, '') };
    }
    case 'workdir':
      if (args.length !== 1) throw exactlyOne('WORKDIR');
      flags.parse();
      return { ...base, kind: 'workdir', path: args[0]! };
    case 'run':
    case 'cmd':
      flags.parse();
      return { ...base, kind: node.keyword as 'run' | 'cmd', ...commandLine(node, false) };
    case 'entrypoint':
      flags.parse();
      return { ...base, kind: 'entrypoint', ...commandLine(node, true) };
    case 'healthcheck':
      return { ...base, kind: 'healthcheck', health: healthcheck(node, flags) };
    case 'expose':
      if (args.length === 0) throw atLeastOne('EXPOSE');
      flags.parse();
      return { ...base, kind: 'expose', ports: [...args].sort(byteOrder) };
    case 'user':
      if (args.length !== 1) throw exactlyOne('USER');
      flags.parse();
      return { ...base, kind: 'user', user: args[0]! };
    case 'volume': {
      if (args.length === 0) throw atLeastOne('VOLUME');
      flags.parse();
      const volumes = args.map((v) => v.trim());
      if (volumes.some((v) => v === '')) throw new Error('VOLUME specified can not be an empty string');
      return { ...base, kind: 'volume', volumes };
    }
    case 'stopsignal':
      if (args.length !== 1) throw exactlyOne('STOPSIGNAL');
      return { ...base, kind: 'stopsignal', signal: args[0]! };
    case 'arg': {
      if (args.length === 0) throw atLeastOne('ARG');
      const defs = args.map((arg): ArgDefinition => {
        const eq = arg.indexOf('=');
        if (eq < 0) return { key: arg, value: null };
        if (eq === 0) throw blankNames('ARG');
        return { key: arg.slice(0, eq), value: arg.slice(eq + 1) };
      });
      return { ...base, kind: 'arg', args: defs };
    }
    case 'shell': {
      flags.parse();
      const shell = jsonArgs(node);
      if (shell.length === 0) throw atLeastOne('SHELL');
      if (!node.json) throw new Error('SHELL requires the arguments to be in JSON form');
      return { ...base, kind: 'shell', shell };
    }
    default:
      throw new Error(`unknown instruction: ${node.keyword.toUpperCase()}`);
  }
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One instruction that must not be FROM (ONBUILD triggers); errors carry no line prefix, as dockerd's. */
export function parseCommand(node: DockerfileNode): Instruction {
  const parsed = parseNode(node);
  if ('commands' in parsed) throw new Error('*instructions.Stage is not a command type');
  return parsed;
}

/**
 * Groups the instructions into stages; ARGs before the first FROM are the
 * meta args. InstructionError "dockerfile parse error line N: …", or "no
 * build stage in current context".
 */
export function parseStages(nodes: readonly DockerfileNode[]): { stages: Stage[]; metaArgs: Extract<Instruction, { kind: 'arg' }>[] } {
  const stages: Stage[] = [];
  const metaArgs: Extract<Instruction, { kind: 'arg' }>[] = [];
  for (const node of nodes) {
    let parsed: Stage | Instruction;
    try {
      parsed = parseNode(node);
    } catch (error) {
      throw new InstructionError(`dockerfile parse error line ${node.startLine}: ${error instanceof Error ? error.message : String(error)}`, node.startLine);
    }
    if ('commands' in parsed) {
      stages.push(parsed);
      continue;
    }
    if (stages.length === 0) {
      if (parsed.kind === 'arg') {
        metaArgs.push(parsed);
        continue;
      }
      throw new InstructionError('no build stage in current context', node.startLine);
    }
    stages[stages.length - 1]!.commands.push(parsed);
  }
  return { stages, metaArgs };
}

/** The LABEL instructions `--label k=v` adds to the last stage (sorted by key, not expanded). */
export function labelInstructions(labels: Record<string, string>): Instruction[] {
  return Object.keys(labels)
    .sort(byteOrder)
    .map((key) => ({ kind: 'label', code: `LABEL ${key}=${labels[key]}`, line: 0, pairs: [{ key, value: labels[key]! }], noExpand: true }));
}
