/**
 * A subset of Go's text/template, enough for the docker CLI's `--format`:
 * text and {{actions}} with trim markers, field chains (`.State.Status`),
 * pipelines with `|`, parenthesised pipelines, string/number/bool literals,
 * if/else/end, range/else/end, with/else/end, and the functions docker adds
 * (json, join, split, upper, lower, title, pad, truncate, println) plus Go's
 * builtins (index, len, print, printf, println, eq, ne, lt, le, gt, ge, and,
 * or, not). Values print as Go's fmt %v prints them: maps as `map[k:v]`,
 * slices as `[a b]`, null as `<nil>`, a missing map key as `<no value>`.
 *
 * Objects given to a template may expose fields as plain properties or
 * getters; `fieldNames` on an object marks it as a "struct", for which an
 * unknown field is an error, as in Go, rather than `<no value>`.
 */
import { goJson } from './go-json.ts';

/** A template error; `message` is the text Go's template package would give. */
export class TemplateError extends Error {}

/** Marks a struct-like object: unknown fields are errors (as on a Go struct). */
export const STRUCT_TYPE = Symbol('go struct type');

/** An object with this symbol is printed with `%v` as this string (Go's Stringer). */
export const GO_STRING = Symbol('go string');

/**
 * The zero value of a typed Go field that the JSON left out or set to null:
 * a nil slice prints "[]", a nil map "map[]", a nil pointer "<nil>"; all
 * marshal to JSON null and are false in conditions.
 */
export class GoZero {
  constructor(readonly kind: 'slice' | 'map' | 'pointer') {}
  toJSON(): null {
    return null;
  }
}

/** Marks a decoded JSON object that stands for a Go struct: `%v` prints it as `{v1 v2 ...}` (fields stay map-like for lookup). */
export const PRINT_AS_STRUCT = Symbol('print as go struct');

/** Execution options: `missingKey: 'error'` makes a missing map key an error (the CLI's inspect fallback). */
export interface ExecuteOptions {
  readonly missingKey?: 'default' | 'error';
  /** Objects marked PRINT_AS_STRUCT are Go structs for lookup too: an unknown field is an error. */
  readonly strictStructs?: boolean;
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline; source: string }
  | { kind: 'if' | 'range' | 'with'; pipe: Pipeline; body: Node[]; otherwise: Node[] };

interface Pipeline {
  commands: Command[];
}
type Command = Operand[];
type Operand =
  | { kind: 'field'; base: Operand | null; path: string[]; pos: number }
  | { kind: 'dot' }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'func'; name: string }
  | { kind: 'pipe'; pipe: Pipeline };

// ------------------------------------------------------------------ lexing

interface Token {
  type: 'field' | 'dot' | 'ident' | 'string' | 'number' | 'pipe' | 'lparen' | 'rparen';
  text: string;
  /** Byte offset in the whole template (Go reports it in execution errors). */
  pos: number;
}

function lexAction(source: string, base = 0): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '|') {
      tokens.push({ type: 'pipe', text: ch, pos: base + i });
      i++;
    } else if (ch === '(') {
      tokens.push({ type: 'lparen', text: ch, pos: base + i });
      i++;
    } else if (ch === ')') {
      tokens.push({ type: 'rparen', text: ch, pos: base + i });
      i++;
    } else if (ch === '"') {
      let j = i + 1;
      let value = '';
      while (j < source.length && source[j] !== '"') {
        if (source[j] === '\\') {
          const next = source[j + 1];
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next === '\\' ? '\\' : next === '"' ? '"' : `\\${next ?? ''}`;
          j += 2;
        } else value += source[j++];
      }
      if (j >= source.length) throw new TemplateError('unterminated quoted string');
      tokens.push({ type: 'string', text: value, pos: base + i });
      i = j + 1;
    } else if (ch === '`') {
      const end = source.indexOf('`', i + 1);
      if (end < 0) throw new TemplateError('unterminated raw quoted string');
      tokens.push({ type: 'string', text: source.slice(i + 1, end), pos: base + i });
      i = end + 1;
    } else if (ch === '.') {
      const match = /^(\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(source.slice(i));
      if (match) {
        // Go positions a field chain at its last element (".State.Foo" is reported at ".Foo").
        tokens.push({ type: 'field', text: match[0], pos: base + i + match[0].lastIndexOf('.') });
        i += match[0].length;
      } else {
        tokens.push({ type: 'dot', text: '.', pos: base + i });
        i++;
      }
    } else if (/[-+0-9]/.test(ch)) {
      const match = /^[-+]?\d+(\.\d+)?/.exec(source.slice(i));
      if (!match) throw new TemplateError(`bad number syntax: "${source.slice(i, i + 5)}"`);
      tokens.push({ type: 'number', text: match[0], pos: base + i });
      i += match[0].length;
    } else if (/[A-Za-z_$]/.test(ch)) {
      const match = /^[A-Za-z_$][A-Za-z0-9_]*/.exec(source.slice(i))!;
      tokens.push({ type: 'ident', text: match[0], pos: base + i });
      i += match[0].length;
      // A field chain right after a parenthesis or identifier result is not supported beyond `(pipe).Field`.
    } else {
      throw new TemplateError(`unexpected "${ch}" in command`);
    }
  }
  return tokens;
}

// ------------------------------------------------------------------ parsing

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly funcs: ReadonlySet<string>,
  ) {}

  pipeline(): Pipeline {
    const commands: Command[] = [];
    let command: Operand[] = [];
    while (this.at < this.tokens.length) {
      const token = this.tokens[this.at]!;
      if (token.type === 'rparen') break;
      this.at++;
      if (token.type === 'pipe') {
        if (command.length === 0) throw new TemplateError('missing command');
        commands.push(command);
        command = [];
        continue;
      }
      command.push(this.operand(token));
    }
    if (command.length === 0) throw new TemplateError(commands.length ? 'missing command' : 'missing value for command');
    commands.push(command);
    return { commands };
  }

  private operand(token: Token): Operand {
    switch (token.type) {
      case 'field':
        return { kind: 'field', base: null, path: token.text.slice(1).split('.'), pos: token.pos };
      case 'dot':
        return { kind: 'dot' };
      case 'string':
        return { kind: 'string', value: token.text };
      case 'number':
        return { kind: 'number', value: Number(token.text) };
      case 'lparen': {
        const pipe = this.pipeline();
        if (this.tokens[this.at]?.type !== 'rparen') throw new TemplateError('unclosed left paren');
        this.at++;
        const next = this.tokens[this.at];
        if (next?.type === 'field') {
          this.at++;
          return { kind: 'field', base: { kind: 'pipe', pipe }, path: next.text.slice(1).split('.'), pos: next.pos };
        }
        return { kind: 'pipe', pipe };
      }
      case 'ident':
        if (token.text === 'true' || token.text === 'false') return { kind: 'bool', value: token.text === 'true' };
        if (token.text === 'nil') return { kind: 'nil' };
        if (!this.funcs.has(token.text)) throw new TemplateError(`function "${token.text}" not defined`);
        return { kind: 'func', name: token.text };
      default:
        throw new TemplateError(`unexpected "${token.text}" in operand`);
    }
  }

  done(): void {
    if (this.at < this.tokens.length) throw new TemplateError(`unexpected "${this.tokens[this.at]!.text}" in command`);
  }
}

// ------------------------------------------------------------------ values

function isStruct(value: unknown): boolean {
  return typeof value === 'object' && value !== null && STRUCT_TYPE in value;
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (isStruct(value)) return String((value as Record<symbol, unknown>)[STRUCT_TYPE]);
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** Go's truth: false, 0, nil, empty string/slice/map are false. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '' || value instanceof GoZero) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && !isStruct(value) && !(GO_STRING in value)) return Object.keys(value).length > 0;
  return true;
}

function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  const text = String(value);
  return text.replace(/e\+?(-?)(\d)$/, 'e+$10$2').replace(/e\+-/, 'e-');
}

/** Go's fmt %v of a decoded JSON value (or a formatter context value). */
export function printValue(value: unknown): string {
  if (value === undefined) return '<no value>';
  if (value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof GoZero) return value.kind === 'slice' ? '[]' : value.kind === 'map' ? 'map[]' : '<nil>';
  if (typeof value === 'object' && GO_STRING in value) return String((value as Record<symbol, unknown>)[GO_STRING]);
  if (Array.isArray(value)) return `[${value.map((v) => printNested(v)).join(' ')}]`;
  if (isStruct(value) || PRINT_AS_STRUCT in (value as object)) return `{${Object.keys(value).map((k) => printNested((value as Record<string, unknown>)[k])).join(' ')}}`;
  const entries = Object.keys(value as object).sort();
  return `map[${entries.map((k) => `${k}:${printNested((value as Record<string, unknown>)[k])}`).join(' ')}]`;
}

function printNested(value: unknown): string {
  return value === undefined || value === null ? '<nil>' : printValue(value);
}

// ------------------------------------------------------------------ functions

type TemplateFunction = (...args: unknown[]) => unknown;

function asString(value: unknown): string {
  return typeof value === 'string' ? value : printValue(value);
}

function compare(name: string, a: unknown, b: unknown): number {
  if (typeof a !== typeof b && !(a === null || b === null)) throw new TemplateError(`error calling ${name}: incompatible types for comparison`);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (name === 'eq' || name === 'ne') return a === b ? 0 : 1;
  throw new TemplateError(`error calling ${name}: invalid type for comparison`);
}

function goSprintf(format: string, args: unknown[]): string {
  let n = 0;
  return format.replace(/%([-+# 0]*\d*(?:\.\d+)?)([%vsdqtfgx])/g, (_match, flags: string, verb: string) => {
    if (verb === '%') return '%';
    const arg = args[n++];
    if (arg === undefined && n > args.length) return `%!${verb}(MISSING)`;
    let text: string;
    switch (verb) {
      case 'q':
        text = JSON.stringify(asString(arg));
        break;
      case 'd':
        text = typeof arg === 'number' ? String(Math.trunc(arg)) : `%!d(${typeName(arg)}=${printValue(arg)})`;
        break;
      case 'f': {
        const precision = /\.(\d+)/.exec(flags);
        text = typeof arg === 'number' ? arg.toFixed(precision ? Number(precision[1]) : 6) : printValue(arg);
        break;
      }
      case 'x':
        text = typeof arg === 'number' ? arg.toString(16) : [...new TextEncoder().encode(asString(arg))].map((b) => b.toString(16).padStart(2, '0')).join('');
        break;
      default:
        text = printValue(arg);
    }
    const width = /(-?)(\d+)/.exec(flags.replace(/\.\d+/, ''));
    if (width) {
      const w = Number(width[2]);
      text = flags.includes('-') ? text.padEnd(w) : text.padStart(w);
    }
    return text;
  });
}

function goPrint(args: unknown[]): string {
  // fmt.Sprint adds spaces between operands when neither is a string.
  let out = '';
  args.forEach((arg, i) => {
    if (i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += printValue(arg);
  });
  return out;
}

function title(text: string): string {
  return text.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, before: string, letter: string) => before + letter.toUpperCase());
}

/** The functions docker's templates package registers, and Go's builtins. */
export const TEMPLATE_FUNCTIONS: Record<string, TemplateFunction> = {
  json: (value) => goJson(value),
  join: (list, sep) => (Array.isArray(list) ? list.map(asString).join(asString(sep)) : asString(list)),
  split: (text, sep) => asString(text).split(asString(sep)),
  upper: (text) => asString(text).toUpperCase(),
  lower: (text) => asString(text).toLowerCase(),
  title: (text) => title(asString(text)),
  pad: (text, before, after) => `${' '.repeat(Number(before))}${asString(text)}${' '.repeat(Number(after))}`,
  truncate: (text, length) => {
    const chars = [...asString(text)];
    return chars.length > Number(length) ? chars.slice(0, Number(length)).join('') : asString(text);
  },
  println: (...args) => `${args.map(printValue).join(' ')}\n`,
  print: (...args) => goPrint(args),
  printf: (format, ...args) => goSprintf(asString(format), args),
  len: (value) => {
    if (value instanceof GoZero) return 0;
    if (typeof value === 'string') return new TextEncoder().encode(value).length;
    if (Array.isArray(value)) return value.length;
    if (value && typeof value === 'object') return Object.keys(value).length;
    throw new TemplateError(`error calling len: len of type ${typeName(value)}`);
  },
  index: (value, ...keys) => {
    let current = value;
    for (const key of keys) {
      if (Array.isArray(current)) {
        if (typeof key !== 'number' || key < 0 || key >= current.length) throw new TemplateError(`error calling index: index out of range: ${printValue(key)}`);
        current = current[key];
      } else if (current && typeof current === 'object') {
        const record = current as Record<string, unknown>;
        current = Object.prototype.hasOwnProperty.call(record, asString(key)) ? record[asString(key)] : undefined;
      } else if (current === null || current === undefined) {
        throw new TemplateError('error calling index: index of untyped nil');
      } else throw new TemplateError(`error calling index: can't index item of type ${typeName(current)}`);
    }
    return current;
  },
  eq: (a, ...rest) => rest.some((b) => compare('eq', a, b) === 0),
  ne: (a, b) => compare('ne', a, b) !== 0,
  lt: (a, b) => compare('lt', a, b) < 0,
  le: (a, b) => compare('le', a, b) <= 0,
  gt: (a, b) => compare('gt', a, b) > 0,
  ge: (a, b) => compare('ge', a, b) >= 0,
  and: (...args) => args.find((a) => !truthy(a)) ?? args[args.length - 1],
  or: (...args) => args.find((a) => truthy(a)) ?? args[args.length - 1],
  not: (a) => !truthy(a),
};

/**
 * The functions docker uses when it renders a table header: the header
 * context's values are column titles, so the text functions pass them
 * through (as the CLI's templates.HeaderFunctions do).
 */
export const HEADER_FUNCTIONS: Record<string, TemplateFunction> = {
  ...TEMPLATE_FUNCTIONS,
  json: (value) => asString(value),
  join: (value) => asString(value),
  split: (value) => asString(value),
  upper: (value) => asString(value),
  lower: (value) => asString(value),
  title: (value) => asString(value),
  pad: (value) => asString(value),
  truncate: (value) => asString(value),
};

// ------------------------------------------------------------------ the template

/** A parsed template; `execute` renders it with a dot value. */
export class GoTemplate {
  private constructor(private readonly nodes: Node[]) {}

  /** Parses `source`; throws TemplateError with Go's wording ("template: :1: function "x" not defined"). */
  static parse(source: string): GoTemplate {
    const funcs = new Set(Object.keys(TEMPLATE_FUNCTIONS));
    const pieces: ({ text: string } | { action: string; line: number; offset: number })[] = [];
    let i = 0;
    let line = 1;
    while (i < source.length) {
      const open = source.indexOf('{{', i);
      if (open < 0) {
        pieces.push({ text: source.slice(i) });
        break;
      }
      let text = source.slice(i, open);
      let start = open + 2;
      if (source[start] === '-' && /\s/.test(source[start + 1] ?? '')) {
        text = text.replace(/\s+$/, '');
        start += 1;
      }
      pieces.push({ text });
      line += (source.slice(i, open).match(/\n/g) ?? []).length;
      const close = source.indexOf('}}', start);
      if (close < 0) throw new TemplateError(`template: :${line}: unclosed action`);
      let body = source.slice(start, close);
      const leading = body.length - body.trimStart().length;
      let next = close + 2;
      if (body.endsWith('-') && /\s/.test(body[body.length - 2] ?? '')) {
        body = body.slice(0, -1);
        const rest = /^\s*/.exec(source.slice(next))!;
        next += rest[0].length;
      }
      pieces.push({ action: body.trim(), line, offset: start + leading });
      i = next;
    }

    let at = 0;
    const parseList = (stopAt: Set<string>): { nodes: Node[]; stop: string | null } => {
      const nodes: Node[] = [];
      while (at < pieces.length) {
        const piece = pieces[at++]!;
        if ('text' in piece) {
          if (piece.text) nodes.push({ kind: 'text', text: piece.text });
          continue;
        }
        const action = piece.action;
        if (action.startsWith('/*')) continue;
        const keyword = /^(if|range|with|else|end)\b/.exec(action)?.[1];
        try {
          if (keyword === 'end' || keyword === 'else') {
            if (!stopAt.has(keyword)) throw new TemplateError(`unexpected {{${keyword}}}`);
            if (keyword === 'else' && action.trim() !== 'else') throw new TemplateError('else if is not supported');
            return { nodes, stop: keyword };
          }
          if (keyword === 'if' || keyword === 'range' || keyword === 'with') {
            const parser = new Parser(lexAction(action.slice(keyword.length), piece.offset + keyword.length), funcs);
            const pipe = parser.pipeline();
            parser.done();
            const body = parseList(new Set(['else', 'end']));
            let otherwise: Node[] = [];
            if (body.stop === 'else') {
              const rest = parseList(new Set(['end']));
              if (rest.stop !== 'end') throw new TemplateError(`unexpected EOF`);
              otherwise = rest.nodes;
            } else if (body.stop !== 'end') throw new TemplateError('unexpected EOF');
            nodes.push({ kind: keyword, pipe, body: body.nodes, otherwise });
            continue;
          }
          if (action === '') throw new TemplateError('missing value for command');
          const parser = new Parser(lexAction(action, piece.offset), funcs);
          const pipe = parser.pipeline();
          parser.done();
          nodes.push({ kind: 'action', pipe, source: action });
        } catch (error) {
          if (error instanceof TemplateError && !error.message.startsWith('template:')) throw new TemplateError(`template: :${piece.line}: ${error.message}`);
          throw error;
        }
      }
      if (stopAt.size > 0) throw new TemplateError(`template: :${line}: unexpected EOF`);
      return { nodes, stop: null };
    };
    return new GoTemplate(parseList(new Set()).nodes);
  }

  /** Renders with `dot`; throws TemplateError ("template: :1:2: executing "" at <.Foo>: ...") on failure. */
  execute(dot: unknown, functions: Record<string, TemplateFunction> = TEMPLATE_FUNCTIONS, options: ExecuteOptions = {}): string {
    let out = '';
    const missingKey: MissingKey = options.strictStructs ? (options.missingKey === 'error' ? 'strict-error' : 'strict') : (options.missingKey ?? 'default');
    const run = (nodes: Node[], dot: unknown) => {
      for (const node of nodes) {
        switch (node.kind) {
          case 'text':
            out += node.text;
            break;
          case 'action': {
            const value = evalPipe(node.pipe, dot, functions, node.source, missingKey);
            out += printValue(value);
            break;
          }
          case 'if': {
            const value = evalPipe(node.pipe, dot, functions, 'if', missingKey);
            run(truthy(value) ? node.body : node.otherwise, dot);
            break;
          }
          case 'with': {
            const value = evalPipe(node.pipe, dot, functions, 'with', missingKey);
            if (truthy(value)) run(node.body, value);
            else run(node.otherwise, dot);
            break;
          }
          case 'range': {
            const value = evalPipe(node.pipe, dot, functions, 'range', missingKey);
            const items = value instanceof GoZero
              ? []
              : Array.isArray(value)
              ? value
              : value && typeof value === 'object'
                ? Object.keys(value)
                    .sort()
                    .map((k) => (value as Record<string, unknown>)[k])
                : value === null || value === undefined
                  ? []
                  : null;
            if (items === null) throw new TemplateError(`template: :1: range can't iterate over ${printValue(value)}`);
            if (items.length === 0) run(node.otherwise, dot);
            for (const item of items) run(node.body, item);
            break;
          }
        }
      }
    };
    run(this.nodes, dot);
    return out;
  }
}

/** How a missing field is treated: 'strict…' also refuses unknown fields of struct-marked objects. */
type MissingKey = 'default' | 'error' | 'strict' | 'strict-error';

function evalPipe(pipe: Pipeline, dot: unknown, functions: Record<string, TemplateFunction>, source: string, missingKey: MissingKey): unknown {
  let previous: unknown;
  let hasPrevious = false;
  for (const command of pipe.commands) {
    const [head, ...rest] = command;
    if (!head) throw new TemplateError('missing command');
    if (head.kind === 'func') {
      const fn = functions[head.name] ?? TEMPLATE_FUNCTIONS[head.name]!;
      const args = rest.map((op) => evalOperand(op, dot, functions, source, missingKey));
      if (hasPrevious) args.push(previous);
      try {
        previous = fn(...args);
      } catch (error) {
        if (error instanceof TemplateError) throw new TemplateError(`template: :1:${source.length}: executing "" at <${head.name}>: ${error.message}`);
        throw error;
      }
    } else if (head.kind === 'field' && (rest.length > 0 || hasPrevious)) {
      // A method with arguments: {{.Label "a"}} (the receiver's function, called with them).
      const args = rest.map((op) => evalOperand(op, dot, functions, source, missingKey));
      if (hasPrevious) args.push(previous);
      previous = evalOperand(head, dot, functions, source, missingKey, args);
    } else {
      if (rest.length > 0 || hasPrevious) throw new TemplateError(`template: :1: executing "" at <${source}>: can't give argument to non-function`);
      previous = evalOperand(head, dot, functions, source, missingKey);
    }
    hasPrevious = true;
  }
  return previous;
}

function evalOperand(op: Operand, dot: unknown, functions: Record<string, TemplateFunction>, source: string, missingKey: MissingKey, callArgs?: unknown[]): unknown {
  switch (op.kind) {
    case 'dot':
      return dot;
    case 'string':
      return op.value;
    case 'number':
      return op.value;
    case 'bool':
      return op.value;
    case 'nil':
      return null;
    case 'pipe':
      return evalPipe(op.pipe, dot, functions, source, missingKey);
    case 'func': {
      const fn = functions[op.name] ?? TEMPLATE_FUNCTIONS[op.name]!;
      return fn();
    }
    case 'field': {
      let value = op.base ? evalOperand(op.base, dot, functions, source, missingKey) : dot;
      const at = `template: :1:${op.pos}: executing "" at <.${op.path.join('.')}>`;
      for (const [index, name] of op.path.entries()) {
        const last = index === op.path.length - 1;
        if (value === null || value === undefined) {
          if (value === undefined) return undefined;
          throw new TemplateError(`${at}: nil pointer evaluating interface {}.${name}`);
        }
        if (typeof value !== 'object') throw new TemplateError(`${at}: can't evaluate field ${name} in type ${typeName(value)}`);
        const record = value as Record<string, unknown>;
        if (isStruct(value) && typeof record[name] !== 'function') {
          if (!(name in record)) throw new TemplateError(`${at}: can't evaluate field ${name} in type ${typeName(value)}`);
          value = record[name];
        } else if (Array.isArray(value)) {
          throw new TemplateError(`${at}: can't evaluate field ${name} in type ${typeName(value)}`);
        } else if (value instanceof GoZero) {
          if (value.kind === 'pointer') throw new TemplateError(`${at}: nil pointer evaluating *${name}`);
          return undefined;
        } else if (Object.prototype.hasOwnProperty.call(record, name)) value = record[name];
        else if (typeof record[name] === 'function') {
          // A method: called with the command's arguments when it is the last element, else without.
          const args = last ? (callArgs ?? []) : [];
          const method = record[name] as (...a: unknown[]) => unknown;
          if (method.length !== args.length) throw new TemplateError(`${at}: wrong number of args for ${name}: want ${method.length} got ${args.length}`);
          value = method.apply(record, args);
          continue;
        }
        else if ((missingKey === 'strict' || missingKey === 'strict-error') && PRINT_AS_STRUCT in record) {
          throw new TemplateError(`${at}: can't evaluate field ${name} in type struct`);
        } else if (missingKey === 'error' || missingKey === 'strict-error') throw new TemplateError(`${at}: map has no entry for key "${name}"`);
        else value = undefined;
      }
      return value;
    }
  }
}
