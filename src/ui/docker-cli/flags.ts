/**
 * Command-line flags the way the docker CLI parses them (spf13/pflag under
 * cobra): `--name value`, `--name=value`, combined shorthands (`-it`,
 * `-dp 80:80`), `-eVALUE`, `--` to end flags, and for commands that run
 * another command (run, exec, create) flags stop at the first argument.
 * Errors carry pflag's wording; help text is laid out as cobra and pflag
 * lay it out (FlagUsagesWrapped).
 */

/** How a flag takes its value; `type` is also the word shown in help ("string", "list", "int"...). */
export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  /** "bool" takes no value; "int" must parse as an integer; anything else is a string value (repeatable if `repeat`). */
  readonly type: 'bool' | 'string' | 'int' | 'list' | 'filter' | 'bytes' | 'map' | 'uint' | 'duration' | 'strings' | 'ulimit';
  readonly help: string;
  /** The default as pflag prints it: `(default "no")` for strings, `(default -1)` otherwise. */
  readonly defaultValue?: string;
  /** Accepted but not shown in help (docker's hidden/deprecated flags). */
  readonly hidden?: boolean;
}

/** One docker command's surface: usage line, description, flags, argument count. */
export interface CommandSpec {
  /** Path after "docker", e.g. "container ls" or "run". */
  readonly path: string;
  /** The usage after the command path: "[OPTIONS] IMAGE [COMMAND] [ARG...]". */
  readonly usage: string;
  readonly short: string;
  /** "docker container ls, docker container list, docker ps". */
  readonly aliases?: string;
  readonly flags: readonly FlagSpec[];
  /** Flags stop at the first positional argument (run, exec, create). */
  readonly stopAtFirstArg?: boolean;
  readonly args?: { readonly min?: number; readonly max?: number; readonly exact?: number; readonly none?: boolean };
}

/** A flag or argument error; the CLI prints it with the usage line and exits 125 (flags) or 1 (arguments). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly kind: 'flag' | 'args',
  ) {
    super(message);
  }
}

/** Parsed flags: each flag's values in order, and the positional arguments. */
export class ParsedFlags {
  constructor(
    private readonly values: ReadonlyMap<string, string[]>,
    readonly args: string[],
    /** True when `--help` was given (the command prints its help and does nothing). */
    readonly help: boolean,
    /** True when help was asked with `-h` (cobra prints a deprecation line first). */
    readonly helpShorthand = false,
  ) {}

  has(name: string): boolean {
    return this.values.has(name);
  }
  bool(name: string): boolean {
    const v = this.values.get(name);
    return v ? v[v.length - 1] === 'true' : false;
  }
  string(name: string, fallback = ''): string {
    const v = this.values.get(name);
    return v ? v[v.length - 1]! : fallback;
  }
  list(name: string): string[] {
    return [...(this.values.get(name) ?? [])];
  }
  int(name: string, fallback: number): number {
    const v = this.values.get(name);
    return v ? Number(v[v.length - 1]) : fallback;
  }
}

const BOOL_VALUES: Record<string, boolean> = { '1': true, t: true, T: true, TRUE: true, true: true, True: true, '0': false, f: false, F: false, FALSE: false, false: false, False: false };

function flagLabel(flag: FlagSpec): string {
  return flag.short ? `-${flag.short}, --${flag.name}` : `--${flag.name}`;
}

function setValue(values: Map<string, string[]>, flag: FlagSpec, raw: string): void {
  let value = raw;
  if (flag.type === 'bool') {
    if (!(raw in BOOL_VALUES)) throw new UsageError(`invalid argument "${raw}" for "${flagLabel(flag)}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`, 'flag');
    value = String(BOOL_VALUES[raw]);
  } else if (flag.type === 'int' || flag.type === 'uint') {
    const unsigned = flag.type === 'uint';
    if (!(unsigned ? /^\+?\d+$/ : /^[-+]?\d+$/).test(raw.trim()) || raw.trim() !== raw) {
      throw new UsageError(`invalid argument "${raw}" for "${flagLabel(flag)}" flag: strconv.Parse${unsigned ? 'Uint' : 'Int'}: parsing "${raw}": invalid syntax`, 'flag');
    }
    value = String(Number(raw));
  }
  const list = values.get(flag.name) ?? [];
  list.push(value);
  values.set(flag.name, list);
}

/** The implicit `--help` every docker command has (run's `-h` is --hostname, so help is long-only there). */
function helpFlag(spec: CommandSpec): FlagSpec {
  const shortTaken = spec.flags.some((f) => f.short === 'h');
  return { name: 'help', type: 'bool', help: 'Print usage', ...(shortTaken ? {} : { short: 'h' }), hidden: true };
}

/** Parses `argv` (the words after the command path) against `spec`. Throws UsageError with pflag's message. */
export function parseFlags(spec: CommandSpec, argv: readonly string[]): ParsedFlags {
  const flags = [...spec.flags, helpFlag(spec)];
  const byName = new Map(flags.map((f) => [f.name, f]));
  const byShort = new Map(flags.filter((f) => f.short).map((f) => [f.short!, f]));
  const values = new Map<string, string[]>();
  const args: string[] = [];
  let usedShortHelp = false;
  let i = 0;
  while (i < argv.length) {
    const word = argv[i++]!;
    if (word === '--') {
      args.push(...argv.slice(i));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      args.push(word);
      if (spec.stopAtFirstArg) {
        args.push(...argv.slice(i));
        break;
      }
      continue;
    }
    if (word.startsWith('--')) {
      const body = word.slice(2);
      const eq = body.indexOf('=');
      const name = eq >= 0 ? body.slice(0, eq) : body;
      const flag = byName.get(name);
      if (!flag || name.length === 0) {
        if (name.length === 0) throw new UsageError(`bad flag syntax: ${word}`, 'flag');
        throw new UsageError(`unknown flag: --${name}`, 'flag');
      }
      if (eq >= 0) setValue(values, flag, body.slice(eq + 1));
      else if (flag.type === 'bool') setValue(values, flag, 'true');
      else if (i < argv.length) setValue(values, flag, argv[i++]!);
      else throw new UsageError(`flag needs an argument: --${name}`, 'flag');
      continue;
    }
    // Shorthands: -abc, -e VALUE, -eVALUE, -e=VALUE.
    let rest = word.slice(1);
    while (rest.length > 0) {
      const letter = rest[0]!;
      const flag = byShort.get(letter);
      if (!flag) throw new UsageError(`unknown shorthand flag: '${letter}' in -${rest}`, 'flag');
      if (flag.name === 'help') usedShortHelp = true;
      if (rest.length > 2 && rest[1] === '=') {
        setValue(values, flag, rest.slice(2));
        rest = '';
      } else if (flag.type === 'bool') {
        setValue(values, flag, 'true');
        rest = rest.slice(1);
      } else if (rest.length > 1) {
        setValue(values, flag, rest.slice(1));
        rest = '';
      } else if (i < argv.length) {
        setValue(values, flag, argv[i++]!);
        rest = '';
      } else throw new UsageError(`flag needs an argument: '${letter}' in -${letter}`, 'flag');
    }
  }
  const help = values.has('help') && values.get('help')!.at(-1) === 'true';
  values.delete('help');
  return new ParsedFlags(values, args, help, help && usedShortHelp);
}

/** The argument-count message cobra's validators give (cli.RequiresMinArgs and friends), or null. */
export function checkArgs(spec: CommandSpec, count: number): { message: string; see: boolean; brokenPrefix?: boolean } | null {
  const a = spec.args;
  if (!a) return null;
  const plural = (n: number) => (n === 1 ? 'argument' : 'arguments');
  const name = `docker ${spec.path}`;
  if (a.none && count > 0) return { message: `'${name}' accepts no arguments`, see: false };
  if (a.exact !== undefined && count !== a.exact) return { message: `'${name}' requires ${a.exact} ${plural(a.exact)}`, see: false };
  if (a.min !== undefined && count < a.min) return { message: `'${name}' requires at least ${a.min} ${plural(a.min)}`, see: true };
  // cli.RequiresMaxArgs in CLI 28.2.2 prints "SRun" (a stray "S"): reproduced as the CLI prints it.
  if (a.max !== undefined && count > a.max) return { message: `'${name}' requires at most ${a.max} ${plural(a.max)}`, see: false, brokenPrefix: true };
  return null;
}

// ------------------------------------------------------------------ help text

/** pflag's wrapN: the first `i` characters up to a space (going `slop` over to take the whole rest), and the remainder. */
function wrapN(i: number, slop: number, s: string): [string, string] {
  if (i + slop > s.length) return [s, ''];
  const head = s.slice(0, i);
  const w = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\t'), head.lastIndexOf('\n'));
  if (w <= 0) return [s, ''];
  const nl = head.lastIndexOf('\n');
  if (nl > 0 && nl < w) return [s.slice(0, nl), s.slice(nl + 1)];
  return [s.slice(0, w), s.slice(w + 1)];
}

/** pflag's wrap: `s` wrapped to width `w` with continuation lines indented by `i`. */
function wrap(i: number, w: number, s: string): string {
  if (w === 0) return s.replaceAll('\n', `\n${' '.repeat(i)}`);
  let width = w - i;
  let r = '';
  if (width < 24) {
    i = 16;
    width = w - i;
    r += `\n${' '.repeat(i)}`;
  }
  if (width < 24) return s.replaceAll('\n', r);
  const slop = 5;
  width -= slop;
  let [line, rest] = wrapN(width, slop, s);
  r += line.replaceAll('\n', `\n${' '.repeat(i)}`);
  while (rest !== '') {
    [line, rest] = wrapN(width, slop, rest);
    r += `\n${' '.repeat(i)}${line.replaceAll('\n', `\n${' '.repeat(i)}`)}`;
  }
  return r;
}

/** pflag's FlagUsagesWrapped(cols): one line per visible flag, sorted by name, descriptions aligned and wrapped. */
export function flagUsages(flags: readonly FlagSpec[], cols: number): string {
  const visible = flags.filter((f) => !f.hidden).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines: { head: string; usage: string }[] = [];
  let maxlen = 0;
  for (const flag of visible) {
    let head = flag.short ? `  -${flag.short}, --${flag.name}` : `      --${flag.name}`;
    if (flag.type !== 'bool') head += ` ${flag.type}`;
    // pflag counts the "\x00" it appends to mark where the description starts.
    maxlen = Math.max(maxlen, head.length + 1);
    let usage = flag.help;
    if (flag.defaultValue !== undefined) usage += flag.type === 'string' ? ` (default "${flag.defaultValue}")` : ` (default ${flag.defaultValue})`;
    lines.push({ head, usage });
  }
  return lines.map(({ head, usage }) => `${head} ${' '.repeat(maxlen - head.length)} ${wrap(maxlen + 2, cols, usage)}\n`).join('');
}

/** `docker CMD --help`: usage, description, aliases and options, laid out as the docker CLI does. */
export function commandHelp(spec: CommandSpec, cols = 80): string {
  let out = `Usage:  docker ${spec.path}${spec.usage ? ` ${spec.usage}` : ''}\n\n${spec.short}\n`;
  if (spec.aliases) out += `\nAliases:\n  ${spec.aliases}\n`;
  if (spec.flags.some((f) => !f.hidden)) out += `\nOptions:\n${flagUsages(spec.flags, cols - 1).replace(/\s+$/, '')}\n`;
  return out;
}

/** The "Usage:  docker ps [OPTIONS]" line used in error messages. */
export function usageLine(spec: CommandSpec): string {
  return `Usage:  docker ${spec.path}${spec.usage ? ` ${spec.usage}` : ''}`;
}
