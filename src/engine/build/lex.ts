/**
 * Variable substitution in Dockerfile words (moby/buildkit's
 * frontend/dockerfile/shell lex.go, as dockerd 20.10 uses it): quotes are
 * removed, `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR:+word}`, `${VAR?msg}`,
 * `${VAR:?msg}` are expanded from a "KEY=value" list (first match wins),
 * and the escape token (`\` or a backtick) escapes the next character.
 * `processWords` also splits the result into words the way the shell
 * would, after substitution (EXPOSE uses it).
 */
import { goQuote } from './go-format.ts';

/** A substitution that cannot be done; the message is dockerd's. */
export class LexError extends Error {}

const EOF = '';

class Scanner {
  private at = 0;
  private readonly chars: string[];

  constructor(text: string) {
    this.chars = [...text];
  }

  peek(): string {
    return this.chars[this.at] ?? EOF;
  }

  next(): string {
    const ch = this.chars[this.at] ?? EOF;
    if (ch !== EOF) this.at++;
    return ch;
  }
}

function isSpace(ch: string): boolean {
  return /^\s$/u.test(ch);
}

/** Collects the words of a processed string (lex.go's wordsStruct). */
class Words {
  private word = '';
  private readonly words: string[] = [];
  private inWord = false;

  addChar(ch: string): void {
    if (isSpace(ch) && this.inWord) {
      if (this.word.length !== 0) {
        this.words.push(this.word);
        this.word = '';
        this.inWord = false;
      }
    } else if (!isSpace(ch)) {
      this.addRawChar(ch);
    }
  }

  addRawChar(ch: string): void {
    this.word += ch;
    this.inWord = true;
  }

  addString(text: string): void {
    for (const ch of text) this.addChar(ch);
  }

  addRawString(text: string): void {
    this.word += text;
    this.inWord = true;
  }

  result(): string[] {
    if (this.word.length > 0) {
      this.words.push(this.word);
      this.word = '';
      this.inWord = false;
    }
    return this.words;
  }
}

class ShellWord {
  readonly scanner: Scanner;

  constructor(
    source: string,
    private readonly env: readonly string[],
    private readonly escapeToken: string,
  ) {
    this.scanner = new Scanner(source);
  }

  processStopOn(stopChar: string): { text: string; words: string[] } {
    let result = '';
    const words = new Words();
    while (this.scanner.peek() !== EOF) {
      const ch = this.scanner.peek();
      if (stopChar !== EOF && ch === stopChar) {
        this.scanner.next();
        return { text: result, words: words.result() };
      }
      if (ch === "'" || ch === '"' || ch === '$') {
        const part = ch === "'" ? this.singleQuote() : ch === '"' ? this.doubleQuote() : this.dollar();
        result += part;
        if (ch === '$') words.addString(part);
        else words.addRawString(part);
        continue;
      }
      let c = this.scanner.next();
      if (c === this.escapeToken) {
        c = this.scanner.next();
        if (c === EOF) break;
        words.addRawChar(c);
      } else {
        words.addChar(c);
      }
      result += c;
    }
    if (stopChar !== EOF) throw new LexError(`unexpected end of statement while looking for matching ${stopChar}`);
    return { text: result, words: words.result() };
  }

  private singleQuote(): string {
    this.scanner.next();
    let result = '';
    for (;;) {
      const ch = this.scanner.next();
      if (ch === EOF) throw new LexError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") return result;
      result += ch;
    }
  }

  private doubleQuote(): string {
    this.scanner.next();
    let result = '';
    for (;;) {
      const peek = this.scanner.peek();
      if (peek === EOF) throw new LexError('unexpected end of statement while looking for matching double-quote');
      if (peek === '"') {
        this.scanner.next();
        return result;
      }
      if (peek === '$') {
        result += this.dollar();
        continue;
      }
      let ch = this.scanner.next();
      if (ch === this.escapeToken) {
        const after = this.scanner.peek();
        if (after === EOF) continue;
        if (after === '"' || after === '$' || after === this.escapeToken) ch = this.scanner.next();
      }
      result += ch;
    }
  }

  private dollar(): string {
    this.scanner.next();
    if (this.scanner.peek() !== '{') {
      const name = this.name();
      if (name === '') return '$';
      return this.lookup(name) ?? '';
    }
    this.scanner.next();
    const first = this.scanner.peek();
    if (first === EOF) throw new LexError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new LexError('syntax error: bad substitution');
    const name = this.name();
    const ch = this.scanner.next();
    if (ch === '}') return this.lookup(name) ?? '';
    if (ch === '?') {
      const word = this.wordUntilBrace();
      const value = this.lookup(name);
      if (value === undefined) throw new LexError(`${name}: ${word !== '' ? word : 'is not allowed to be unset'}`);
      return value;
    }
    if (ch === ':') {
      const modifier = this.scanner.next();
      const word = this.wordUntilBrace();
      const value = this.lookup(name);
      switch (modifier) {
        case '+':
          return value !== undefined && value !== '' ? word : (value ?? '');
        case '-':
          return value === undefined || value === '' ? word : value;
        case '?':
          if (value === undefined) throw new LexError(`${name}: ${word !== '' ? word : 'is not allowed to be unset'}`);
          if (value === '') throw new LexError(`${name}: ${word !== '' ? word : 'is not allowed to be empty'}`);
          return value;
        default:
          throw new LexError(`unsupported modifier (${modifier}) in substitution`);
      }
    }
    throw new LexError("missing ':' in substitution");
  }

  private wordUntilBrace(): string {
    try {
      return this.processStopOn('}').text;
    } catch (error) {
      if (this.scanner.peek() === EOF) throw new LexError("syntax error: missing '}'");
      throw error;
    }
  }

  /** A variable name: letters, digits and `_`; a leading digit is a name by itself ($1). */
  private name(): string {
    let name = '';
    while (this.scanner.peek() !== EOF) {
      const ch = this.scanner.peek();
      if (name.length === 0 && /^\p{Nd}$/u.test(ch)) return this.scanner.next();
      if (!/^[\p{L}\p{Nd}_]$/u.test(ch)) break;
      name += this.scanner.next();
    }
    return name;
  }

  private lookup(name: string): string | undefined {
    for (const entry of this.env) {
      const eq = entry.indexOf('=');
      if (eq < 0) {
        if (entry === name) return '';
        continue;
      }
      if (entry.slice(0, eq) === name) return entry.slice(eq + 1);
    }
    return undefined;
  }
}

/** The lexer of one Dockerfile (its escape token). */
export class Lex {
  constructor(readonly escapeToken: string = '\\') {}

  private process(word: string, env: readonly string[]): { text: string; words: string[] } {
    try {
      return new ShellWord(word, env, this.escapeToken).processStopOn(EOF);
    } catch (error) {
      if (error instanceof LexError) throw new LexError(`failed to process ${goQuote(word)}: ${error.message}`);
      throw error;
    }
  }

  /** Substitutes variables in `word` and removes quotes (ProcessWord); whitespace is kept. */
  processWord(word: string, env: readonly string[]): string {
    return this.process(word, env).text;
  }

  /** Substitutes variables, then splits into words honouring quotes (ProcessWords). */
  processWords(word: string, env: readonly string[]): string[] {
    return this.process(word, env).words;
  }
}
