/**
 * The host prompt's command language: a small subset of sh. Words with
 * '...' and "..." quoting and backslash escapes, `$?`, `$(command)`
 * substitution, `;`, `&&`, `||`, and `#` comments. Parsing yields a list;
 * expansion happens when each command runs (so `$?` sees the previous
 * status).
 */

/** A piece of a word: literal text, `$?`, or a command substitution; `quoted` pieces are not split into words. */
export type WordPart = { kind: 'text'; text: string; quoted: boolean } | { kind: 'status'; quoted: boolean } | { kind: 'command'; source: string; quoted: boolean };

export type Word = WordPart[];

/** One simple command and how it connects to the previous one. */
export interface ListItem {
  /** ";" (or the first command), "&&", "||". */
  readonly connector: ';' | '&&' | '||';
  readonly words: Word[];
}

/** A syntax error in the command line, with sh's wording. */
export class ShellSyntaxError extends Error {}

/** Parses a command line into its list of commands. */
export function parseCommandLine(line: string): ListItem[] {
  const items: ListItem[] = [];
  let words: Word[] = [];
  let word: Word | null = null;
  let connector: ListItem['connector'] = ';';
  let i = 0;

  const pushText = (text: string, quoted: boolean) => {
    word ??= [];
    const last = word[word.length - 1];
    if (last && last.kind === 'text' && last.quoted === quoted) last.text += text;
    else word.push({ kind: 'text', text, quoted });
  };
  const endWord = () => {
    if (word) words.push(word);
    word = null;
  };
  const endCommand = (next: ListItem['connector']) => {
    endWord();
    if (words.length === 0) {
      if (next === ';' && items.length === 0 && connector === ';') return;
      throw new ShellSyntaxError(`syntax error near unexpected token \`${next}'`);
    }
    items.push({ connector, words });
    words = [];
    connector = next;
  };
  /** Reads `$(...)` starting at the "$"; returns the inner source and the index after ")". */
  const readSubstitution = (start: number): [string, number] => {
    let depth = 0;
    let j = start + 1;
    let quote: string | null = null;
    for (; j < line.length; j++) {
      const ch = line[j]!;
      if (quote) {
        if (ch === quote) quote = null;
        else if (ch === '\\' && quote === '"') j++;
        continue;
      }
      if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '\\') j++;
      else if (ch === '(') depth++;
      else if (ch === ')') {
        depth--;
        if (depth === 0) return [line.slice(start + 2, j), j + 1];
      }
    }
    throw new ShellSyntaxError('syntax error: unexpected end of file (expecting ")")');
  };

  while (i < line.length) {
    const ch = line[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      endWord();
      i++;
    } else if (ch === '#' && word === null) {
      break;
    } else if (ch === ';') {
      endCommand(';');
      i++;
    } else if (ch === '&' && line[i + 1] === '&') {
      endCommand('&&');
      i += 2;
    } else if (ch === '|' && line[i + 1] === '|') {
      endCommand('||');
      i += 2;
    } else if (ch === '|' || ch === '&' || ch === '<' || ch === '>') {
      throw new ShellSyntaxError(`${ch === '|' ? 'pipes' : ch === '&' ? 'background jobs' : 'redirections'} are not supported at this prompt (only docker commands run here)`);
    } else if (ch === '\\') {
      if (i + 1 < line.length) pushText(line[i + 1]!, true);
      i += 2;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `''");
      pushText(line.slice(i + 1, end), true);
      i = end + 1;
    } else if (ch === '"') {
      let j = i + 1;
      word ??= [];
      let text = '';
      for (; j < line.length && line[j] !== '"'; j++) {
        const c = line[j]!;
        if (c === '\\' && '$`"\\\n'.includes(line[j + 1] ?? '')) {
          text += line[++j];
        } else if (c === '$' && line[j + 1] === '?') {
          if (text) pushText(text, true);
          text = '';
          word.push({ kind: 'status', quoted: true });
          j++;
        } else if (c === '$' && line[j + 1] === '(') {
          if (text) pushText(text, true);
          text = '';
          const [source, next] = readSubstitution(j);
          word.push({ kind: 'command', source, quoted: true });
          j = next - 1;
        } else text += c;
      }
      if (j >= line.length) throw new ShellSyntaxError('unexpected EOF while looking for matching `"\'');
      pushText(text, true);
      i = j + 1;
    } else if (ch === '$' && line[i + 1] === '?') {
      word ??= [];
      word.push({ kind: 'status', quoted: false });
      i += 2;
    } else if (ch === '$' && line[i + 1] === '(') {
      const [source, next] = readSubstitution(i);
      word ??= [];
      word.push({ kind: 'command', source, quoted: false });
      i = next;
    } else {
      pushText(ch, false);
      i++;
    }
  }
  endWord();
  if (words.length > 0) items.push({ connector, words });
  else if (connector !== ';') throw new ShellSyntaxError('syntax error: unexpected end of file');
  return items;
}

/**
 * Expands words: `$?` and substitutions are replaced; unquoted substitution
 * results are split on whitespace (so `docker rm $(docker ps -aq)` gets one
 * argument per ID).
 */
export async function expandWords(words: readonly Word[], status: number, substitute: (source: string) => Promise<string>): Promise<string[]> {
  const out: string[] = [];
  for (const word of words) {
    let fields: string[] = [''];
    let sawQuoted = false;
    for (const part of word) {
      let text: string;
      if (part.kind === 'text') text = part.text;
      else if (part.kind === 'status') text = String(status);
      else text = (await substitute(part.source)).replace(/\n+$/, '');
      if (part.quoted || part.kind === 'text') {
        if (part.quoted) sawQuoted = true;
        fields[fields.length - 1] += text;
        continue;
      }
      const split = text.split(/[ \t\n]+/);
      if (split[0] === '') split.shift();
      if (split.length && split[split.length - 1] === '') split.pop();
      if (split.length === 0) continue;
      const startsWithSpace = /^[ \t\n]/.test(text);
      const endsWithSpace = /[ \t\n]$/.test(text);
      if (startsWithSpace) fields.push(split[0]!);
      else fields[fields.length - 1] += split[0]!;
      for (const extra of split.slice(1)) fields.push(extra);
      if (endsWithSpace) fields.push('');
    }
    fields = fields.filter((f, i) => f !== '' || (i === 0 && (sawQuoted || word.every((p) => p.kind === 'text'))));
    out.push(...fields);
  }
  return out;
}
