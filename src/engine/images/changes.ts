/**
 * Dockerfile instructions applied to a config: the `--change` of `docker
 * commit` and `docker import` (moby's dockerfile.BuildFromConfig). Allowed:
 * CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD, STOPSIGNAL,
 * USER, VOLUME, WORKDIR; anything else is "<instr> is not a valid change
 * command" (400), as in dockerd. Values are expanded with the config's
 * environment ($VAR, ${VAR}, ${VAR:-word}, ${VAR:+word}) where Docker
 * expands them.
 */
import { InvalidParameterError } from '../errors.ts';
import type { ContainerConfig, HealthConfig } from '../types/container.ts';

const VALID = new Set(['cmd', 'entrypoint', 'env', 'expose', 'healthcheck', 'label', 'onbuild', 'stopsignal', 'user', 'volume', 'workdir']);
const KNOWN = new Set([...VALID, 'add', 'arg', 'copy', 'from', 'maintainer', 'run', 'shell']);

/** One logical instruction line. */
interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly original: string;
  readonly line: number;
}

/** Splits the changes (joined with newlines, as dockerd does) into instructions: comments, blank lines and `\` continuations handled. */
function instructions(changes: readonly string[]): Instruction[] {
  const lines = changes.join('\n').split('\n');
  const out: Instruction[] = [];
  let pending = '';
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (pending === '' && /^\s*(#|$)/.test(line)) continue;
    if (pending === '') start = i + 1;
    if (/\\\s*$/.test(line)) {
      pending += line.replace(/\\\s*$/, '');
      continue;
    }
    line = pending + line;
    pending = '';
    const match = /^\s*(\S+)\s*([\s\S]*?)\s*$/.exec(line)!;
    out.push({ keyword: match[1]!.toLowerCase(), args: match[2]!, original: line.trim(), line: start });
  }
  if (pending.trim() !== '') {
    const match = /^\s*(\S+)\s*([\s\S]*?)\s*$/.exec(pending)!;
    out.push({ keyword: match[1]!.toLowerCase(), args: match[2]!, original: pending.trim(), line: start });
  }
  return out;
}

/** A JSON array of strings, or null if `text` is not one (then the instruction is in shell form). */
function jsonArray(text: string): string[] | null {
  if (!text.startsWith('[')) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  } catch {
    // Not JSON: shell form.
  }
  return null;
}

/** Expands $VAR, ${VAR}, ${VAR:-word}, ${VAR:+word} from `env` ("K=V" list); `\$` keeps a literal $. */
export function expandVariables(text: string, env: readonly string[]): string {
  const lookup = (name: string): string | undefined => {
    for (let i = env.length - 1; i >= 0; i--) {
      const e = env[i]!;
      const eq = e.indexOf('=');
      if ((eq < 0 ? e : e.slice(0, eq)) === name) return eq < 0 ? '' : e.slice(eq + 1);
    }
    return undefined;
  };
  let out = '';
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length && text[i + 1] === '$') {
      out += '\\$';
      i++;
      continue;
    }
    if (ch === "'" && quote !== '"') quote = quote === "'" ? null : "'";
    else if (ch === '"' && quote !== "'") quote = quote === '"' ? null : '"';
    if (ch !== '$' || quote === "'") {
      out += ch;
      continue;
    }
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}/.exec(text.slice(i));
    if (braced) {
      const value = lookup(braced[1]!);
      if (braced[2] === '-') out += value !== undefined && value !== '' ? value : braced[3]!;
      else if (braced[2] === '+') out += value !== undefined && value !== '' ? braced[3]! : '';
      else out += value ?? '';
      i += braced[0].length - 1;
      continue;
    }
    const plain = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
    if (plain) {
      out += lookup(plain[1]!) ?? '';
      i += plain[0].length - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

/** Shell-like word splitting with quotes and backslashes removed (for ENV/LABEL key=value lists). */
function words(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length && '"\\$'.includes(text[i + 1]!)) current += text[++i]!;
      else current += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[++i]!;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) throw new InvalidParameterError(`unexpected end of statement while looking for matching ${quote === '"' ? 'double-quote' : 'single-quote'}`);
  if (inWord) out.push(current);
  return out;
}

/** `KEY=value ...` pairs, or the legacy `KEY value with spaces` form (ENV and LABEL). */
function keyValues(instruction: string, args: string, env: readonly string[]): [string, string][] {
  if (args.trim() === '') throw new InvalidParameterError(`${instruction.toUpperCase()} requires at least one argument`);
  const first = /^\S+/.exec(args)![0];
  if (!first.includes('=')) {
    const rest = args.slice(first.length).trim();
    if (rest === '') throw new InvalidParameterError(`${instruction.toUpperCase()} must have two arguments`);
    return [[first, expandVariables(rest, env)]];
  }
  return words(expandVariables(args, env)).map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) {
      if (eq === 0) throw new InvalidParameterError(`${instruction.toUpperCase()} names can not be blank`);
      throw new InvalidParameterError(`Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    }
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration ("30s", "1m30s", "500ms") in nanoseconds. */
export function parseGoDuration(text: string): number {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  let m: RegExpExecArray | null;
  while (at < text.length && (m = re.exec(text)) !== null) {
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    at = re.lastIndex;
  }
  if (at !== text.length || text === '') throw new InvalidParameterError(`time: invalid duration "${text}"`);
  return Math.round(total);
}

const SIGNALS = new Set([
  'ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL', 'PIPE', 'POLL', 'PROF', 'PWR', 'QUIT',
  'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'USR1', 'USR2', 'VTALRM', 'WINCH', 'XCPU', 'XFSZ',
]);

/** Checks a stop signal as dockerd's signal.ParseSignal: a number 1-64, a name with or without SIG, or RTMIN+n. */
export function checkSignal(text: string): void {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n >= 1 && n <= 64) return;
  } else {
    const name = text.toUpperCase().replace(/^SIG/, '');
    if (SIGNALS.has(name) || /^RTM(IN|AX)([+-]\d+)?$/.test(name)) return;
  }
  throw new InvalidParameterError(`Invalid signal: ${text}`);
}

function exposedPorts(args: string[]): string[] {
  const out: string[] = [];
  for (const spec of args) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
    if (!m) throw new InvalidParameterError(`invalid containerPort: ${spec.split('/')[0]}`);
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    if (lo > 65535 || hi > 65535 || hi < lo) throw new InvalidParameterError(`invalid containerPort: ${spec.split('/')[0]}`);
    for (let p = lo; p <= hi; p++) out.push(`${p}/${(m[3] ?? 'tcp').toLowerCase()}`);
  }
  return out;
}

function healthcheck(args: string): HealthConfig {
  let rest = args;
  const flags = new Map<string, string>();
  for (;;) {
    const m = /^--([a-z-]+)=(\S*)\s*/.exec(rest);
    if (!m) break;
    flags.set(m[1]!, m[2]!);
    rest = rest.slice(m[0].length);
  }
  const typeMatch = /^(\S+)\s*([\s\S]*)$/.exec(rest);
  const kind = typeMatch?.[1]?.toUpperCase() ?? '';
  if (kind === 'NONE') {
    if (typeMatch![2] !== '' || flags.size > 0) throw new InvalidParameterError('HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  if (kind !== 'CMD') throw new InvalidParameterError(`Unknown type "${kind}" in HEALTHCHECK (try CMD)`);
  const cmd = typeMatch![2]!;
  const exec = jsonArray(cmd);
  const health: HealthConfig = { Test: exec ? ['CMD', ...exec] : ['CMD-SHELL', cmd] };
  for (const [flag, value] of flags) {
    switch (flag) {
      case 'interval':
      case 'timeout':
      case 'start-period':
      case 'start-interval': {
        const ns = parseGoDuration(value);
        if (ns !== 0 && ns < 1_000_000) throw new InvalidParameterError(`Interval "${flag}" cannot be less than 1ms`);
        if (flag === 'interval') health.Interval = ns;
        else if (flag === 'timeout') health.Timeout = ns;
        else if (flag === 'start-period') health.StartPeriod = ns;
        else health.StartInterval = ns;
        break;
      }
      case 'retries': {
        if (!/^-?\d+$/.test(value)) throw new InvalidParameterError(`strconv.ParseInt: parsing "${value}": invalid syntax`);
        const n = Number(value);
        if (n < 0) throw new InvalidParameterError('--retries cannot be negative');
        health.Retries = n;
        break;
      }
      default:
        throw new InvalidParameterError(`Unknown flag: ${flag}`);
    }
  }
  return health;
}

/**
 * Applies Dockerfile `changes` to a copy of `config` (dockerd's
 * BuildFromConfig, Linux): returns the new config. InvalidParameterError
 * with dockerd's message for a disallowed or malformed instruction.
 */
export function applyChanges(config: ContainerConfig, changes: readonly string[]): ContainerConfig {
  const next: ContainerConfig = structuredClone(config);
  const list = instructions(changes);
  for (const ins of list) {
    if (!KNOWN.has(ins.keyword)) throw new InvalidParameterError(`dockerfile parse error line ${ins.line}: unknown instruction: ${ins.keyword.toUpperCase()}`);
    if (!VALID.has(ins.keyword)) throw new InvalidParameterError(`${ins.keyword} is not a valid change command`);
  }
  let cmdSet = false;
  const shell = () => (next.Shell && next.Shell.length > 0 ? [...next.Shell] : ['/bin/sh', '-c']);
  for (const ins of list) {
    const env = next.Env ?? [];
    switch (ins.keyword) {
      case 'cmd': {
        const exec = jsonArray(ins.args);
        next.Cmd = exec ?? [...shell(), ins.args];
        cmdSet = true;
        break;
      }
      case 'entrypoint': {
        const exec = jsonArray(ins.args);
        next.Entrypoint = exec ?? (ins.args === '' ? [] : [...shell(), ins.args]);
        if (!cmdSet) delete next.Cmd;
        break;
      }
      case 'env': {
        const vars = [...(next.Env ?? [])];
        for (const [key, value] of keyValues('env', ins.args, env)) {
          const at = vars.findIndex((v) => v.split('=')[0] === key);
          if (at >= 0) vars[at] = `${key}=${value}`;
          else vars.push(`${key}=${value}`);
        }
        next.Env = vars;
        break;
      }
      case 'label': {
        next.Labels = { ...(next.Labels ?? {}) };
        for (const [key, value] of keyValues('label', ins.args, env)) next.Labels[key] = value;
        break;
      }
      case 'expose': {
        const ports = words(expandVariables(ins.args, env));
        if (ports.length === 0) throw new InvalidParameterError('EXPOSE requires at least one argument');
        next.ExposedPorts = { ...(next.ExposedPorts ?? {}) };
        for (const port of exposedPorts(ports)) next.ExposedPorts[port] = {};
        break;
      }
      case 'user': {
        if (ins.args === '') throw new InvalidParameterError('USER requires exactly one argument');
        next.User = expandVariables(ins.args, env);
        break;
      }
      case 'workdir': {
        if (ins.args === '') throw new InvalidParameterError('WORKDIR requires exactly one argument');
        const dir = expandVariables(ins.args, env);
        next.WorkingDir = dir.startsWith('/') ? normalizePath(dir) : normalizePath(`/${next.WorkingDir ?? ''}/${dir}`);
        break;
      }
      case 'volume': {
        const vols = jsonArray(ins.args) ?? words(expandVariables(ins.args, env));
        if (vols.length === 0) throw new InvalidParameterError('VOLUME requires at least one argument');
        next.Volumes = { ...(next.Volumes ?? {}) };
        for (const v of vols) {
          if (v.trim() === '') throw new InvalidParameterError('VOLUME specified can not be an empty string');
          next.Volumes[v.trim()] = {};
        }
        break;
      }
      case 'stopsignal': {
        const signal = expandVariables(ins.args, env);
        checkSignal(signal);
        next.StopSignal = signal;
        break;
      }
      case 'healthcheck':
        next.Healthcheck = healthcheck(ins.args);
        break;
      case 'onbuild': {
        const trigger = /^\s*(\S+)/.exec(ins.args)?.[1]?.toUpperCase() ?? '';
        if (trigger === '') throw new InvalidParameterError('ONBUILD requires at least one argument');
        if (trigger === 'ONBUILD') throw new InvalidParameterError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        if (trigger === 'FROM' || trigger === 'MAINTAINER') throw new InvalidParameterError(`${trigger} isn't allowed as an ONBUILD trigger`);
        next.OnBuild = [...(next.OnBuild ?? []), ins.original.replace(/^\s*ONBUILD\s*/i, '')];
        break;
      }
    }
  }
  return next;
}

/** path.Clean for absolute paths. */
function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

/**
 * dockerd's merge(userConf, imageConf) for commit: fields the new config
 * leaves empty come from the container's config; env, ports, labels and
 * volumes are unions (the new config's values win).
 */
export function mergeConfig(user: ContainerConfig, image: ContainerConfig): ContainerConfig {
  const out: ContainerConfig = structuredClone(user);
  if (!out.User) out.User = image.User ?? '';
  if (!out.ExposedPorts || Object.keys(out.ExposedPorts).length === 0) {
    if (image.ExposedPorts) out.ExposedPorts = { ...image.ExposedPorts };
  } else if (image.ExposedPorts) {
    for (const port of Object.keys(image.ExposedPorts)) out.ExposedPorts[port] ??= {};
  }
  if (!out.Env || out.Env.length === 0) {
    if (image.Env) out.Env = [...image.Env];
  } else {
    for (const e of image.Env ?? []) {
      const key = e.split('=')[0];
      if (!out.Env.some((u) => u.split('=')[0] === key)) out.Env.push(e);
    }
  }
  out.Labels = { ...(out.Labels ?? {}) };
  for (const [k, v] of Object.entries(image.Labels ?? {})) if (!(k in out.Labels)) out.Labels[k] = v;
  if (!out.Entrypoint || out.Entrypoint.length === 0) {
    if (!out.Cmd || out.Cmd.length === 0) {
      if (image.Cmd) out.Cmd = [...image.Cmd];
      if (image.ArgsEscaped) out.ArgsEscaped = true;
    }
    if (out.Entrypoint === undefined && image.Entrypoint) out.Entrypoint = [...image.Entrypoint];
  }
  if (image.Healthcheck) {
    if (!out.Healthcheck) out.Healthcheck = { ...image.Healthcheck };
    else {
      if (!out.Healthcheck.Test || out.Healthcheck.Test.length === 0) out.Healthcheck.Test = image.Healthcheck.Test;
      if (!out.Healthcheck.Interval) out.Healthcheck.Interval = image.Healthcheck.Interval;
      if (!out.Healthcheck.Timeout) out.Healthcheck.Timeout = image.Healthcheck.Timeout;
      if (!out.Healthcheck.StartPeriod) out.Healthcheck.StartPeriod = image.Healthcheck.StartPeriod;
      if (!out.Healthcheck.Retries) out.Healthcheck.Retries = image.Healthcheck.Retries;
    }
  }
  if (!out.WorkingDir) out.WorkingDir = image.WorkingDir ?? '';
  if (!out.Volumes || Object.keys(out.Volumes).length === 0) {
    if (image.Volumes) out.Volumes = { ...image.Volumes };
  } else {
    for (const k of Object.keys(image.Volumes ?? {})) out.Volumes[k] = {};
  }
  if (!out.StopSignal && image.StopSignal) out.StopSignal = image.StopSignal;
  return out;
}
