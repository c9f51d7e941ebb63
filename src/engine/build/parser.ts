/**
 * The Dockerfile parser (moby/buildkit's frontend/dockerfile/parser, the
 * version dockerd 20.10 builds with): parser directives (`# escape=`,
 * `# syntax=`), comments, line continuations, the instruction keyword and
 * its `--flags`, and each instruction's argument syntax (JSON array or
 * shell form, key=value pairs, whitespace-separated words). Instructions
 * are not validated here (unknown ones parse; instructions.ts rejects
 * them with the line number).
 *
 * Errors: DockerfileSyntaxError, whose message dockerd prints after
 * "failed to parse Dockerfile: " (no line number, as dockerd).
 */

/** One logical line of a Dockerfile. */
export interface DockerfileNode {
  /** The instruction keyword in lower case ("run"). */
  readonly keyword: string;
  /** The arguments as the instruction's syntax splits them (buildkit's node list). */
  readonly args: readonly string[];
  /** The arguments were a JSON array (exec form). */
  readonly json: boolean;
  /** `--name=value` flags before the arguments, as written. */
  readonly flags: readonly string[];
  /** The line as written (continuations joined, leading whitespace removed). */
  readonly original: string;
  /** 1-based lines where the instruction starts and ends. */
  readonly startLine: number;
  readonly endLine: number;
  /** ONBUILD: the instruction it registers. */
  readonly sub: DockerfileNode | null;
}

export interface ParsedDockerfile {
  readonly nodes: readonly DockerfileNode[];
  /** The escape token: `\` or a backtick. */
  readonly escapeToken: string;
  /** "[WARNING]: Empty continuation line found in: …" lines (printed by the builder). */
  readonly warnings: readonly string[];
}

/** A Dockerfile that cannot be parsed at all. */
export class DockerfileSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const WHITESPACE = /[\t\v\f\r ]+/;
const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const VALID_DIRECTIVES = new Set(['escape', 'syntax']);

class Directives {
  escapeToken = '\\';
  continuation = /\\[ \t]*$/;
  private done = false;
  private readonly seen = new Set<string>();

  setEscapeToken(token: string): void {
    if (token !== '`' && token !== '\\') throw new Error(`invalid escape token '${token}' does not match \` or \\`);
    this.escapeToken = token;
    this.continuation = token === '`' ? /`[ \t]*$/ : /\\[ \t]*$/;
  }

  /** Looks for `# escape=` / `# syntax=` before the first instruction or other comment. */
  possibleDirective(line: string): void {
    if (this.done) return;
    const match = DIRECTIVE.exec(line);
    if (!match) {
      this.done = true;
      return;
    }
    const key = match[1]!.toLowerCase();
    if (!VALID_DIRECTIVES.has(key)) {
      this.done = true;
      return;
    }
    if (this.seen.has(key)) throw new Error(`only one ${key} parser directive can be used`);
    this.seen.add(key);
    if (key === 'escape') this.setEscapeToken(match[2]!);
  }
}

function trimLeftSpace(text: string): string {
  return text.replace(/^\s+/u, '');
}

function isComment(line: string): boolean {
  return trimLeftSpace(line).startsWith('#');
}

function isSpace(ch: string): boolean {
  return /^\s$/u.test(ch);
}

/** Splits off the `--flags` that precede an instruction's arguments (extractBuilderFlags). */
function extractFlags(line: string): { rest: string; flags: string[] } {
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word = '';
  let quote = '';
  let blankOk = false;
  for (let pos = 0; pos <= line.length; pos++) {
    const ch = pos < line.length ? line[pos]! : '';
    if (phase === 'spaces') {
      if (pos === line.length) break;
      if (isSpace(ch)) continue;
      // Only words starting with "--" are flags (a flag's value is always "--name=value").
      if (ch !== '-' || pos + 1 === line.length || line[pos + 1] !== '-') return { rest: line.slice(pos), flags: words };
      phase = 'word';
    }
    if ((phase === 'word' || phase === 'quote') && pos === line.length) {
      if (word !== '--' && (blankOk || word.length > 0)) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (word === '--') return { rest: line.slice(pos), flags: words };
        if (blankOk || word.length > 0) words.push(word);
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = 'quote';
        continue;
      }
      let c = ch;
      if (c === '\\') {
        if (pos + 1 === line.length) continue;
        pos++;
        c = line[pos]!;
      }
      word += c;
      continue;
    }
    // In quotes.
    if (ch === quote) {
      phase = 'word';
      continue;
    }
    let c = ch;
    if (c === '\\') {
      if (pos + 1 === line.length) {
        phase = 'word';
        continue;
      }
      pos++;
      c = line[pos]!;
    }
    word += c;
  }
  return { rest: '', flags: words };
}

/** Words separated by whitespace, quotes and escapes kept (parseWords: they are removed later by substitution). */
function parseWords(rest: string, escapeToken: string): string[] {
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  let blankOk = false;
  let word = '';
  const chars = [...rest];
  for (let pos = 0; pos <= chars.length; pos++) {
    let ch = chars[pos] ?? '';
    if (phase === 'spaces') {
      if (pos === chars.length) break;
      if (isSpace(ch)) continue;
      phase = 'word';
    }
    if ((phase === 'word' || phase === 'quote') && pos === chars.length) {
      if (blankOk || word.length > 0) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (blankOk || word.length > 0) words.push(word);
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = 'quote';
      }
      if (ch === escapeToken) {
        if (pos + 1 === chars.length) continue;
        word += ch;
        pos++;
        ch = chars[pos]!;
      }
      word += ch;
      continue;
    }
    if (ch === quote) phase = 'word';
    if (ch === escapeToken && quote !== "'") {
      if (pos + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      pos++;
      word += ch;
      ch = chars[pos]!;
    }
    word += ch;
  }
  return words;
}

class NotStringArrayError extends Error {
  constructor() {
    super('when using JSON array syntax, arrays must be comprised of strings only');
  }
}

/**
 * The first JSON value of `text` as Go's json.Decoder reads it (text after
 * the value is ignored), if it is an array: its strings. Null when `text`
 * is not a JSON array (the caller falls back to the shell form);
 * NotStringArrayError when it is one with a non-string element.
 */
function parseJsonArray(text: string): string[] | null {
  const rest = trimLeftSpace(text);
  if (!rest.startsWith('[')) return null;
  let depth = 0;
  let inString = false;
  let end = -1;
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) {
        end = i + 1;
        break;
      }
    }
  }
  if (end < 0) return null;
  let value: unknown;
  try {
    value = JSON.parse(rest.slice(0, end));
  } catch {
    return null;
  }
  if (!Array.isArray(value)) return null;
  if (!value.every((v): v is string => typeof v === 'string')) throw new NotStringArrayError();
  return value;
}

interface LineResult {
  args: string[];
  json: boolean;
  sub?: DockerfileNode | null;
}

type LineParser = (rest: string, d: Directives, line: number) => LineResult;

const whitespaceDelimited: LineParser = (rest) => ({ args: rest === '' ? [] : rest.split(WHITESPACE), json: false });

const stringArg: LineParser = (rest) => ({ args: rest === '' ? [] : [rest], json: false });

const maybeJson: LineParser = (rest) => {
  if (rest === '') return { args: [], json: false };
  const list = parseJsonArray(rest);
  if (list) return { args: list, json: true };
  return { args: [rest], json: false };
};

const maybeJsonToList: LineParser = (rest, d, line) => {
  const list = parseJsonArray(rest);
  if (list) return { args: list, json: true };
  return whitespaceDelimited(rest, d, line);
};

function nameVal(key: 'ENV' | 'LABEL'): LineParser {
  return (rest, d) => {
    const words = parseWords(rest, d.escapeToken);
    if (words.length === 0) return { args: [], json: false };
    if (!words[0]!.includes('=')) {
      const parts = rest.split(WHITESPACE);
      if (parts.length < 2) throw new Error(`${key} must have two arguments`);
      const at = WHITESPACE.exec(rest)!;
      return { args: [rest.slice(0, at.index), rest.slice(at.index + at[0].length)], json: false };
    }
    const args: string[] = [];
    for (const word of words) {
      if (!word.includes('=')) throw new Error(`Syntax error - can't find = in ${JSON.stringify(word)}. Must be of the form: name=value`);
      const eq = word.indexOf('=');
      args.push(word.slice(0, eq), word.slice(eq + 1));
    }
    return { args, json: false };
  };
}

const healthConfig: LineParser = (rest, d, line) => {
  const sep = /\s/.exec(rest)?.index ?? rest.length;
  if (sep === 0) return { args: [], json: false };
  const next = sep + (/^\s*/.exec(rest.slice(sep))![0].length);
  const cmd = maybeJson(rest.slice(next), d, line);
  return { args: [rest.slice(0, sep), ...cmd.args], json: cmd.json };
};

const subCommand: LineParser = (rest, d, line) => {
  if (rest === '') return { args: [], json: false, sub: null };
  const sub = nodeFromLine(rest, d, line, line);
  return { args: [sub.keyword, ...sub.args], json: sub.json, sub };
};

const LINE_PARSERS: Record<string, LineParser> = {
  add: maybeJsonToList,
  arg: whitespaceDelimited,
  cmd: maybeJson,
  copy: maybeJsonToList,
  entrypoint: maybeJson,
  env: nameVal('ENV'),
  expose: whitespaceDelimited,
  from: whitespaceDelimited,
  healthcheck: healthConfig,
  label: nameVal('LABEL'),
  maintainer: stringArg,
  onbuild: subCommand,
  run: maybeJson,
  shell: maybeJson,
  stopsignal: stringArg,
  user: stringArg,
  volume: maybeJsonToList,
  workdir: stringArg,
};

function nodeFromLine(line: string, d: Directives, startLine: number, endLine: number): DockerfileNode {
  const trimmed = line.trim();
  const split = WHITESPACE.exec(trimmed);
  const keyword = (split ? trimmed.slice(0, split.index) : trimmed).toLowerCase();
  let rest = '';
  let flags: string[] = [];
  if (split) {
    const extracted = extractFlags(trimmed.slice(split.index + split[0].length));
    rest = extracted.rest.trim();
    flags = extracted.flags;
  }
  const parser = LINE_PARSERS[keyword];
  const result: LineResult = parser ? parser(rest, d, startLine) : { args: [], json: false };
  return { keyword, args: result.args, json: result.json, flags, original: line, startLine, endLine, sub: result.sub ?? null };
}

/**
 * Parses a Dockerfile's text. DockerfileSyntaxError for a bad directive,
 * malformed arguments ("ENV must have two arguments", "when using JSON
 * array syntax, arrays must be comprised of strings only") or a file with
 * no instructions.
 */
export function parseDockerfile(text: string): ParsedDockerfile {
  const d = new Directives();
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length > 0) lines[0] = lines[0]!.replace(/^\uFEFF/, '');
  const nodes: DockerfileNode[] = [];
  const warnings: string[] = [];
  let current = 0;
  const processLine = (raw: string, stripLeft: boolean, at: number): string => {
    const token = stripLeft ? trimLeftSpace(raw) : raw;
    try {
      d.possibleDirective(token);
    } catch (error) {
      throw new DockerfileSyntaxError(error instanceof Error ? error.message : String(error), at);
    }
    return token.startsWith('#') ? '' : token;
  };
  const trimContinuation = (line: string): { line: string; end: boolean } =>
    d.continuation.test(line) ? { line: line.replace(d.continuation, ''), end: false } : { line, end: true };
  let index = 0;
  while (index < lines.length) {
    const first = processLine(lines[index++]!, true, current);
    current++;
    const startLine = current;
    let { line, end } = trimContinuation(first);
    if (end && line === '') continue;
    let emptyContinuation = false;
    while (!end && index < lines.length) {
      const raw = lines[index++]!;
      const processed = processLine(raw, false, current);
      current++;
      if (isComment(raw)) continue;
      if (trimLeftSpace(processed).length === 0) {
        emptyContinuation = true;
        continue;
      }
      const next = trimContinuation(processed);
      line += next.line;
      end = next.end;
    }
    if (emptyContinuation) warnings.push(`[WARNING]: Empty continuation line found in:\n    ${line}`);
    try {
      nodes.push(nodeFromLine(line, d, startLine, current));
    } catch (error) {
      if (error instanceof DockerfileSyntaxError) throw error;
      throw new DockerfileSyntaxError(error instanceof Error ? error.message : String(error), startLine);
    }
  }
  if (warnings.length > 0) warnings.push('[WARNING]: Empty continuation lines will become errors in a future release.');
  if (nodes.length === 0) throw new DockerfileSyntaxError('file with no instructions', current);
  return { nodes, escapeToken: d.escapeToken, warnings };
}
