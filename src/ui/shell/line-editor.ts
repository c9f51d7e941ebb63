/**
 * Line editing for the host prompt, as readline does it on a terminal:
 * the keys xterm.js reports (arrows, Home/End, Backspace/Delete, Ctrl-A/E/
 * U/K/W/L/C, Tab, Up/Down history, pasted text) change a buffer and a cursor,
 * and the editor produces the escape sequences that redraw the line —
 * wrapping across terminal rows included. No DOM: the terminal feeds keys
 * and writes what comes back.
 */
import { charWidth } from '../docker-cli/format/text.ts';

/** What a key press led to. */
export type EditorEvent =
  | { kind: 'submit'; line: string }
  | { kind: 'interrupt' }
  | { kind: 'clear-screen' }
  | { kind: 'complete'; line: string; cursor: number }
  | { kind: 'eof' };

function width(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0)!);
  return w;
}

export class LineEditor {
  private buffer = '';
  private cursor = 0;
  /** Terminal row of the cursor relative to the prompt's row, after the last render. */
  private cursorRow = 0;
  private history: string[];
  private historyIndex: number;
  /** The line being typed when the user went up into history. */
  private draft = '';
  prompt = '$ ';

  constructor(
    private readonly write: (text: string) => void,
    private readonly columns: () => number,
    history: readonly string[] = [],
  ) {
    this.history = [...history];
    this.historyIndex = this.history.length;
  }

  /** Lines entered so far, oldest first. */
  entries(): readonly string[] {
    return this.history;
  }

  get line(): string {
    return this.buffer;
  }

  /** Starts a new prompt (after a command finished). */
  start(): void {
    this.buffer = '';
    this.cursor = 0;
    this.cursorRow = 0;
    this.historyIndex = this.history.length;
    this.draft = '';
    this.write(this.prompt);
  }

  /** Replaces the line (history, completion, a lesson command typed for the user). */
  setLine(text: string, cursor = text.length): void {
    this.buffer = text;
    this.cursor = Math.max(0, Math.min(cursor, text.length));
    this.render();
  }

  /** Inserts text at the cursor. */
  insert(text: string): void {
    const clean = text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
    this.buffer = this.buffer.slice(0, this.cursor) + clean + this.buffer.slice(this.cursor);
    this.cursor += clean.length;
    this.render();
  }

  /**
   * Feeds what xterm.js reported for a key press or a paste. Returns the
   * events it caused, in order (a paste of several lines submits each).
   */
  feed(data: string): EditorEvent[] {
    const events: EditorEvent[] = [];
    let i = 0;
    let text = '';
    const flush = () => {
      if (text) this.insert(text);
      text = '';
    };
    while (i < data.length) {
      const rest = data.slice(i);
      const seq = /^\x1b(\[[0-9;]*[A-Za-z~]|O[A-Za-z]|.)/.exec(rest);
      if (seq) {
        flush();
        this.escape(seq[1]!);
        i += seq[0].length;
        continue;
      }
      const ch = data[i]!;
      i++;
      switch (ch) {
        case '\r':
        case '\n':
          flush();
          if (ch === '\n' && data[i - 2] === '\r') break;
          events.push(this.submit());
          break;
        case '\x7f':
        case '\b':
          flush();
          this.backspace();
          break;
        case '\x01':
          flush();
          this.move(0);
          break;
        case '\x05':
          flush();
          this.move(this.buffer.length);
          break;
        case '\x02':
          flush();
          this.move(this.cursor - 1);
          break;
        case '\x06':
          flush();
          this.move(this.cursor + 1);
          break;
        case '\x15':
          flush();
          this.buffer = this.buffer.slice(this.cursor);
          this.cursor = 0;
          this.render();
          break;
        case '\x0b':
          flush();
          this.buffer = this.buffer.slice(0, this.cursor);
          this.render();
          break;
        case '\x17': {
          flush();
          const before = this.buffer.slice(0, this.cursor).replace(/\S+\s*$/, '');
          this.buffer = before + this.buffer.slice(this.cursor);
          this.cursor = before.length;
          this.render();
          break;
        }
        case '\x0c':
          flush();
          events.push({ kind: 'clear-screen' });
          break;
        case '\x03':
          flush();
          this.moveToEnd();
          this.write('^C\r\n');
          this.buffer = '';
          this.cursor = 0;
          this.cursorRow = 0;
          events.push({ kind: 'interrupt' });
          break;
        case '\x04':
          flush();
          if (this.buffer === '') events.push({ kind: 'eof' });
          else this.deleteForward();
          break;
        case '\t':
          flush();
          events.push({ kind: 'complete', line: this.buffer.slice(0, this.cursor), cursor: this.cursor });
          break;
        default:
          if (ch >= ' ' || ch > '\x7f') text += ch;
      }
    }
    flush();
    return events;
  }

  private escape(code: string): void {
    switch (code) {
      case '[D':
      case 'OD':
        this.move(this.cursor - 1);
        break;
      case '[C':
      case 'OC':
        this.move(this.cursor + 1);
        break;
      case '[A':
      case 'OA':
        this.historyStep(-1);
        break;
      case '[B':
      case 'OB':
        this.historyStep(1);
        break;
      case '[H':
      case 'OH':
      case '[1~':
        this.move(0);
        break;
      case '[F':
      case 'OF':
      case '[4~':
        this.move(this.buffer.length);
        break;
      case '[3~':
        this.deleteForward();
        break;
      case '[1;5D':
      case 'b': {
        const before = this.buffer.slice(0, this.cursor).replace(/\S+\s*$/, '');
        this.move(before.length);
        break;
      }
      case '[1;5C':
      case 'f': {
        const after = /^\s*\S+/.exec(this.buffer.slice(this.cursor));
        this.move(this.cursor + (after ? after[0].length : this.buffer.length - this.cursor));
        break;
      }
      default:
        break;
    }
  }

  private submit(): EditorEvent {
    const line = this.buffer;
    this.moveToEnd();
    this.write('\r\n');
    this.cursorRow = 0;
    if (line.trim() !== '' && this.history[this.history.length - 1] !== line) this.history.push(line);
    this.historyIndex = this.history.length;
    this.buffer = '';
    this.cursor = 0;
    return { kind: 'submit', line };
  }

  private backspace(): void {
    if (this.cursor === 0) return;
    this.buffer = this.buffer.slice(0, this.cursor - 1) + this.buffer.slice(this.cursor);
    this.cursor--;
    this.render();
  }

  private deleteForward(): void {
    if (this.cursor >= this.buffer.length) return;
    this.buffer = this.buffer.slice(0, this.cursor) + this.buffer.slice(this.cursor + 1);
    this.render();
  }

  private move(to: number): void {
    const next = Math.max(0, Math.min(to, this.buffer.length));
    if (next === this.cursor) return;
    this.cursor = next;
    this.render();
  }

  private historyStep(delta: number): void {
    const next = this.historyIndex + delta;
    if (next < 0 || next > this.history.length) return;
    if (this.historyIndex === this.history.length) this.draft = this.buffer;
    this.historyIndex = next;
    this.setLine(next === this.history.length ? this.draft : this.history[next]!);
  }

  private moveToEnd(): void {
    const cols = Math.max(1, this.columns());
    const total = width(this.prompt + this.buffer);
    const endRow = Math.floor(total / cols) - (total > 0 && total % cols === 0 ? 1 : 0);
    if (endRow > this.cursorRow) this.write(`\x1b[${endRow - this.cursorRow}B`);
    this.cursorRow = endRow;
  }

  /** Redraws prompt and buffer from the prompt's first row, then puts the cursor in place. */
  private render(): void {
    const cols = Math.max(1, this.columns());
    let out = '';
    if (this.cursorRow > 0) out += `\x1b[${this.cursorRow}A`;
    out += `\r${this.prompt}${this.buffer}\x1b[J`;
    const total = width(this.prompt + this.buffer);
    // At an exact multiple of the width the cursor waits at the margin: move it to the next row.
    if (total > 0 && total % cols === 0) out += '\r\n';
    const endRow = Math.floor(total / cols);
    const target = width(this.prompt + this.buffer.slice(0, this.cursor));
    const targetRow = Math.floor(target / cols);
    const targetCol = target % cols;
    if (endRow > targetRow) out += `\x1b[${endRow - targetRow}A`;
    out += '\r';
    if (targetCol > 0) out += `\x1b[${targetCol}C`;
    this.cursorRow = targetRow;
    this.write(out);
  }
}
