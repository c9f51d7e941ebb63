/**
 * `<drydock-terminal>`: an xterm.js terminal running the host shell ("$ "
 * prompt, line editing, history) whose `docker` command drives the engine.
 * While a command runs the terminal is a cooked tty (echo, lines, Ctrl-C);
 * `docker run -it` switches it to raw mode, where every key goes to the
 * container and output is written unchanged.
 *
 * Give it a DockerCli (`terminal.docker = cli`); the playground does.
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import xtermCss from '@xterm/xterm/css/xterm.css' with { type: 'text' };
import { css, html, LitElement, unsafeCSS } from 'lit';
import type { DockerCli } from '../docker-cli/cli.ts';
import type { CliStreams, CliTerminal } from '../docker-cli/io.ts';
import { CookedInput } from '../shell/cooked-input.ts';
import { HostShell } from '../shell/host-shell.ts';
import { LineEditor } from '../shell/line-editor.ts';

const encoder = new TextEncoder();

/** "\n" → "\r\n" (the tty's ONLCR in cooked mode), for text and bytes. */
export function onlcr(data: string | Uint8Array): string | Uint8Array {
  if (typeof data === 'string') return data.replace(/\r?\n/g, '\r\n');
  let count = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 10 && (i === 0 || data[i - 1] !== 13)) count++;
  if (count === 0) return data;
  const out = new Uint8Array(data.length + count);
  let at = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 10 && (i === 0 || data[i - 1] !== 13)) out[at++] = 13;
    out[at++] = data[i]!;
  }
  return out;
}

type Mode = 'waiting' | 'prompt' | 'running' | 'raw';

/** Detail of the `command-finished` event. */
export interface CommandFinishedDetail {
  readonly command: string;
  readonly status: number;
}

const HISTORY_KEY = 'drydock-terminal-history';

export class DrydockTerminal extends LitElement {
  static override styles = [
    unsafeCSS(xtermCss),
    css`
      :host {
        display: block;
        position: relative;
        min-height: 12rem;
        background: #0e1621;
        border-radius: 6px;
        padding: 0.5rem;
        box-sizing: border-box;
      }
      :host(:focus-within) {
        outline: 3px solid #5aa9ff;
        outline-offset: 2px;
      }
      .term {
        position: absolute;
        inset: 0.5rem;
      }
    `,
  ];

  static override properties = {
    docker: { attribute: false },
    label: { type: String },
  };

  /** The docker command this terminal runs; the prompt appears once it is set. */
  declare docker: DockerCli | null;
  /** Accessible name of the terminal. */
  declare label: string;

  private term: Terminal | null = null;
  private fit: FitAddon | null = null;
  private editor: LineEditor | null = null;
  private shell: HostShell | null = null;
  private mode: Mode = 'waiting';
  private cooked: CookedInput | null = null;
  private rawHandler: ((bytes: Uint8Array) => void) | null = null;
  private readonly resizeListeners = new Set<(size: { rows: number; cols: number }) => void>();
  private readonly interruptListeners = new Set<() => void>();
  private resizeObserver: ResizeObserver | null = null;
  private idle: Promise<void> = Promise.resolve();
  private pendingBanner: string | null = null;

  constructor() {
    super();
    this.docker = null;
    this.label = 'Terminal';
  }

  override render() {
    return html`<div class="term" role="group" aria-label=${this.label}></div>`;
  }

  override firstUpdated(): void {
    const container = this.renderRoot.querySelector('.term') as HTMLElement;
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: 'ui-monospace, "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 13,
      scrollback: 5000,
      screenReaderMode: true,
      theme: { background: '#0e1621', foreground: '#d8e1ea', cursor: '#5aa9ff', selectionBackground: '#2c4a6b' },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(container);
    this.term = term;
    this.fit = fit;
    this.refit();
    term.onData((data) => this.onInput(data));
    term.onResize((size) => {
      for (const listener of this.resizeListeners) listener(size);
    });
    this.resizeObserver = new ResizeObserver(() => this.refit());
    this.resizeObserver.observe(this);
    const textarea = container.querySelector('textarea');
    textarea?.setAttribute('aria-label', `${this.label}: type commands here`);
    if (this.pendingBanner !== null) term.write(onlcr(this.pendingBanner));
    this.pendingBanner = null;
    this.maybeStart();
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('docker')) this.maybeStart();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
  }

  override focus(): void {
    this.term?.focus();
  }

  /** Width of the terminal in columns (80 before it is laid out). */
  get columns(): number {
    return this.term?.cols ?? 80;
  }

  /** Writes a message above the prompt (status lines before the engine is ready). */
  print(text: string): void {
    if (!this.term) {
      this.pendingBanner = (this.pendingBanner ?? '') + text;
      return;
    }
    this.term.write(onlcr(text));
  }

  /** Puts `command` on the prompt line for the user to run (a lesson's command). */
  typeCommand(command: string): void {
    if (this.mode === 'prompt' && this.editor) this.editor.setLine(command);
    this.focus();
  }

  /** Types `command` and runs it; resolves with its exit status when it finishes. */
  async runCommand(command: string): Promise<number> {
    await this.whenIdle();
    if (this.mode !== 'prompt' || !this.editor) throw new Error('the terminal is not ready');
    this.editor.setLine(command);
    const finished = new Promise<number>((resolve) => {
      this.addEventListener('command-finished', (event) => resolve((event as CustomEvent<CommandFinishedDetail>).detail.status), { once: true });
    });
    this.onInput('\r');
    return finished;
  }

  /** Resolves when no command is running. */
  whenIdle(): Promise<void> {
    return this.idle;
  }

  /** The terminal's text: every line of the buffer with its trailing spaces trimmed (the prompt "$ " reads "$"). */
  text(): string {
    const buffer = this.term?.buffer.active;
    if (!buffer) return '';
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push((buffer.getLine(i)?.translateToString(true) ?? '').replace(/ +$/, ''));
    return lines.join('\n').replace(/\n+$/, '');
  }

  /** Clears the screen and scrollback. */
  clear(): void {
    this.term?.clear();
    this.term?.write('\x1b[H\x1b[2J');
  }

  private refit(): void {
    if (!this.fit || !this.term || this.clientWidth === 0) return;
    try {
      this.fit.fit();
    } catch {
      // Not laid out yet.
    }
  }

  private maybeStart(): void {
    if (!this.term || !this.docker || this.shell) return;
    const term = this.term;
    let saved: string[] = [];
    try {
      saved = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]') as string[];
    } catch {
      saved = [];
    }
    this.editor = new LineEditor((text) => term.write(text), () => term.cols, saved);
    this.shell = new HostShell({ docker: this.docker, clear: () => this.clear(), history: () => this.editor?.entries() ?? [] });
    this.mode = 'prompt';
    this.editor.start();
  }

  private onInput(data: string): void {
    switch (this.mode) {
      case 'raw':
        this.rawHandler?.(encoder.encode(data));
        return;
      case 'running':
        this.cooked?.feed(data);
        return;
      case 'prompt':
        break;
      default:
        return;
    }
    for (const event of this.editor!.feed(data)) {
      if (event.kind === 'submit') {
        this.saveHistory();
        this.runLine(event.line);
        return;
      }
      if (event.kind === 'interrupt') {
        this.shell!.status = 130;
        this.editor!.start();
      } else if (event.kind === 'clear-screen') {
        const line = this.editor!.line;
        this.clear();
        this.editor!.start();
        this.editor!.setLine(line);
      } else if (event.kind === 'complete') {
        this.complete(event.line, event.cursor);
      }
    }
  }

  private complete(before: string, cursor: number): void {
    const candidates = this.shell!.complete(before);
    if (candidates.length === 0) return;
    const words = before.split(/\s+/);
    const current = words[words.length - 1] ?? '';
    let common = candidates[0]!;
    for (const c of candidates) while (!c.startsWith(common)) common = common.slice(0, -1);
    const line = this.editor!.line;
    if (candidates.length === 1) common += ' ';
    if (common.length > current.length) {
      const insert = common.slice(current.length);
      this.editor!.setLine(line.slice(0, cursor) + insert + line.slice(cursor), cursor + insert.length);
    } else if (candidates.length > 1) {
      this.term!.write(`\r\n${candidates.join('  ')}\r\n`);
      this.editor!.start();
      this.editor!.setLine(line, cursor);
    }
  }

  private saveHistory(): void {
    try {
      localStorage.setItem(HISTORY_KEY, JSON.stringify(this.editor!.entries().slice(-200)));
    } catch {
      // Storage may be unavailable (private mode, sandboxed iframe).
    }
  }

  private runLine(line: string): void {
    const term = this.term!;
    this.mode = 'running';
    const cooked = new CookedInput(
      (text) => term.write(text),
      () => {
        for (const listener of [...this.interruptListeners]) listener();
      },
    );
    this.cooked = cooked;
    const write = (data: string | Uint8Array) => term.write(this.mode === 'raw' ? data : onlcr(data));
    const control: CliTerminal = {
      size: () => ({ rows: term.rows, cols: term.cols }),
      onResize: (listener) => {
        this.resizeListeners.add(listener);
        return () => this.resizeListeners.delete(listener);
      },
      raw: (onData) => {
        this.mode = 'raw';
        this.rawHandler = onData;
        return () => {
          if (this.mode === 'raw') this.mode = 'running';
          this.rawHandler = null;
        };
      },
    };
    const streams: CliStreams = {
      out: write,
      err: write,
      stdin: cooked,
      terminal: control,
      onInterrupt: (listener) => {
        this.interruptListeners.add(listener);
        return () => this.interruptListeners.delete(listener);
      },
      now: () => Date.now(),
    };
    let done!: () => void;
    this.idle = new Promise((resolve) => (done = resolve));
    void (async () => {
      let status: number;
      try {
        status = await this.shell!.execute(line, streams);
      } catch (error) {
        write(`sh: ${(error as Error).message}\n`);
        status = 1;
      }
      cooked.end();
      this.cooked = null;
      this.rawHandler = null;
      this.interruptListeners.clear();
      this.mode = 'prompt';
      // Keep the prompt at the start of a line even when the output did not end with one.
      await new Promise<void>((resolve) => term.write('', resolve));
      if (term.buffer.active.cursorX !== 0) term.write('\r\n');
      this.editor!.start();
      done();
      this.dispatchEvent(new CustomEvent<CommandFinishedDetail>('command-finished', { detail: { command: line, status }, bubbles: true, composed: true }));
    })();
  }
}

if (!customElements.get('drydock-terminal')) customElements.define('drydock-terminal', DrydockTerminal);

declare global {
  interface HTMLElementTagNameMap {
    'drydock-terminal': DrydockTerminal;
  }
}
