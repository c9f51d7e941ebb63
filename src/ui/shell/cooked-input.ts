/**
 * The terminal's line discipline while a command runs (a tty in cooked
 * mode): typed characters are echoed and collected into lines; Enter hands
 * the line (with "\n") to whoever reads standard input; Backspace edits;
 * Ctrl-D ends input (or hands over a partial line); Ctrl-C interrupts.
 */
import type { StdinSource } from '../docker-cli/io.ts';

export class CookedInput implements StdinSource {
  private line = '';
  private readonly ready: Uint8Array[] = [];
  private ended = false;
  private waiter: ((chunk: Uint8Array | null) => void) | null = null;
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly echo: (text: string) => void,
    private readonly interrupt: () => void,
  ) {}

  /** Feeds keystrokes as xterm.js reports them. */
  feed(data: string): void {
    for (let i = 0; i < data.length; i++) {
      const ch = data[i]!;
      if (ch === '\x1b') {
        // Arrow keys and other sequences are not part of a cooked line.
        const seq = /^\x1b(\[[0-9;]*[A-Za-z~]|O[A-Za-z]|.)?/.exec(data.slice(i))!;
        i += seq[0].length - 1;
        continue;
      }
      switch (ch) {
        case '\r':
        case '\n':
          this.echo('\r\n');
          this.deliver(`${this.line}\n`);
          this.line = '';
          break;
        case '\x7f':
        case '\b':
          if (this.line.length > 0) {
            this.line = this.line.slice(0, -1);
            this.echo('\b \b');
          }
          break;
        case '\x03':
          this.echo('^C\r\n');
          this.line = '';
          this.interrupt();
          break;
        case '\x04':
          if (this.line === '') this.end();
          else {
            this.deliver(this.line);
            this.line = '';
          }
          break;
        case '\x15':
          this.echo('\b \b'.repeat(this.line.length));
          this.line = '';
          break;
        default:
          if (ch >= ' ') {
            this.line += ch;
            this.echo(ch);
          }
      }
    }
  }

  /** Ends input (Ctrl-D on an empty line, or the command finished). */
  end(): void {
    this.ended = true;
    const wake = this.waiter;
    this.waiter = null;
    wake?.(null);
  }

  read(): Promise<Uint8Array | null> {
    const chunk = this.ready.shift();
    if (chunk) return Promise.resolve(chunk);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  private deliver(text: string): void {
    const bytes = this.encoder.encode(text);
    if (this.waiter) {
      const wake = this.waiter;
      this.waiter = null;
      wake(bytes);
    } else this.ready.push(bytes);
  }
}
