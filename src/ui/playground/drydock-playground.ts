/**
 * `<drydock-playground lesson="hello-world">`: a lesson panel (steps with
 * explanations and commands — clicking one types it into the terminal), the
 * terminal, and a panel with the engine's containers and images kept up to
 * date from the engine's events (and the lesson's files, editable, when it
 * has some). A course author embeds it with one script tag (see
 * src/ui/README.md); the engine needs a cross-origin isolated page, and
 * without one the element explains why instead of failing.
 */
import { css, html, LitElement, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import type { ContainerSummary } from '../../engine/types/container.ts';
import type { ImageSummary } from '../../engine/types/image.ts';
import type { StreamHandle } from '../../engine/client/transport.ts';
import { DockerCli } from '../docker-cli/cli.ts';
import { humanSizeWithPrecision } from '../docker-cli/format/units.ts';
import { connectEngine } from '../engine.ts';
import type { PlaygroundEngine } from '../engine.ts';
import { formatText, parseLesson, sameCommand } from '../lessons/lesson.ts';
import type { Lesson, LessonIndexEntry } from '../lessons/lesson.ts';
import '../terminal/drydock-terminal.ts';
import type { CommandFinishedDetail, DrydockTerminal } from '../terminal/drydock-terminal.ts';
import { SwitchableWorkspace, WorkspaceStore } from './workspace-store.ts';
import { MemoryWorkspace } from '../docker-cli/workspace.ts';

type EngineState = 'starting' | 'ready' | 'unavailable' | 'failed';

/** Why the engine cannot run in this page, or null when it can. */
export function isolationProblem(): string | null {
  if (typeof SharedArrayBuffer === 'undefined' || !globalThis.crossOriginIsolated) return 'not-isolated';
  if (typeof Worker === 'undefined') return 'no-workers';
  return null;
}

function defaultUrl(relative: string): string {
  try {
    return new URL(relative, import.meta.url).href;
  } catch {
    return relative;
  }
}

export class DrydockPlayground extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
      color: #1d2733;
      --accent: #0b5cad;
      --muted: #52606d;
      --panel: #f4f7fa;
      --border: #d5dde5;
    }
    .layout {
      display: grid;
      gap: 1rem 1.5rem;
      grid-template-columns: minmax(17rem, 26rem) minmax(0, 1fr);
      grid-template-areas: 'lesson main';
      align-items: start;
    }
    @media (max-width: 900px) {
      .layout {
        grid-template-columns: minmax(0, 1fr);
        grid-template-areas: 'main' 'lesson';
      }
    }
    .lesson {
      grid-area: lesson;
    }
    .main {
      grid-area: main;
      min-width: 0;
    }
    @media (min-width: 901px) {
      /* The terminal stays in view while the learner scrolls through the lesson. */
      .main {
        position: sticky;
        top: 0.5rem;
      }
    }
    .resources {
      display: grid;
      grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
      gap: 1rem;
      margin-top: 1rem;
      max-height: 30vh;
      overflow: auto;
    }
    @media (max-width: 600px) {
      .resources {
        grid-template-columns: minmax(0, 1fr);
        max-height: none;
      }
    }
    section.panel {
      background: var(--panel);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 0.75rem 1rem;
      margin-bottom: 1rem;
    }
    h2 {
      font-size: 1.25rem;
      margin: 0 0 0.25rem;
    }
    h2.small-title {
      font-size: 1rem;
    }
    h3 {
      font-size: 1rem;
      margin: 0.75rem 0 0.25rem;
    }
    p {
      line-height: 1.45;
      margin: 0.4rem 0;
    }
    code {
      font-family: ui-monospace, Menlo, Consolas, monospace;
      background: #e4eaf0;
      padding: 0 0.2em;
      border-radius: 3px;
      font-size: 0.92em;
    }
    ol.steps {
      padding-left: 1.25rem;
      margin: 0.5rem 0 0;
    }
    ol.steps > li {
      margin-bottom: 0.75rem;
    }
    ol.steps > li.done > h3::after {
      content: ' ✓';
      color: #1a7f37;
    }
    button.command {
      display: block;
      width: 100%;
      text-align: left;
      font: 0.9rem ui-monospace, Menlo, Consolas, monospace;
      background: #0e1621;
      color: #d8e1ea;
      border: 2px solid transparent;
      border-radius: 5px;
      padding: 0.35rem 0.5rem;
      margin: 0.3rem 0;
      cursor: pointer;
      white-space: pre-wrap;
      word-break: break-word;
    }
    button.command:hover,
    button.command:focus-visible {
      border-color: #5aa9ff;
      outline: none;
    }
    button.command.ran::after {
      content: '  ✓';
      color: #7ee2a8;
    }
    .prompt {
      color: #7ee2a8;
      user-select: none;
    }
    drydock-terminal {
      height: clamp(16rem, 58vh, 40rem);
    }
    .status {
      color: var(--muted);
      font-size: 0.9rem;
      margin: 0.25rem 0 0.5rem;
      min-height: 1.2em;
    }
    .banner {
      border-left: 4px solid #c77c02;
      background: #fff6e5;
      padding: 0.5rem 0.75rem;
      border-radius: 4px;
    }
    .problem {
      border: 2px solid #b42318;
      background: #fff1f0;
      border-radius: 8px;
      padding: 1rem 1.25rem;
    }
    nav ol {
      list-style: none;
      padding: 0;
      margin: 0.25rem 0 0.5rem;
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem;
    }
    nav button {
      font: inherit;
      font-size: 0.85rem;
      border: 1px solid var(--border);
      background: white;
      border-radius: 999px;
      padding: 0.2rem 0.7rem;
      cursor: pointer;
    }
    nav button[aria-current='true'] {
      background: var(--accent);
      color: white;
      border-color: var(--accent);
    }
    nav button:focus-visible,
    .files button:focus-visible,
    textarea:focus-visible {
      outline: 3px solid #5aa9ff;
      outline-offset: 1px;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-size: 0.85rem;
    }
    caption {
      text-align: left;
      font-weight: 600;
      margin-bottom: 0.25rem;
    }
    th,
    td {
      text-align: left;
      padding: 0.2rem 0.3rem;
      border-bottom: 1px solid var(--border);
      vertical-align: top;
      overflow-wrap: anywhere;
    }
    .state {
      display: inline-block;
      width: 0.6rem;
      height: 0.6rem;
      border-radius: 50%;
      margin-right: 0.3rem;
      background: #9aa5b1;
    }
    .state.running {
      background: #1a7f37;
    }
    .state.paused {
      background: #c77c02;
    }
    ul.images {
      list-style: none;
      padding: 0;
      margin: 0;
      font-size: 0.85rem;
    }
    ul.images li {
      display: flex;
      justify-content: space-between;
      gap: 0.5rem;
      border-bottom: 1px solid var(--border);
      padding: 0.2rem 0;
    }
    .empty {
      color: var(--muted);
      font-size: 0.85rem;
    }
    .files ul {
      list-style: none;
      padding: 0;
      margin: 0 0 0.5rem;
      display: flex;
      flex-wrap: wrap;
      gap: 0.3rem;
    }
    .files button {
      font: 0.85rem ui-monospace, Menlo, Consolas, monospace;
      border: 1px solid var(--border);
      background: white;
      border-radius: 4px;
      padding: 0.15rem 0.45rem;
      cursor: pointer;
    }
    .files button[aria-pressed='true'] {
      border-color: var(--accent);
      background: #e6f0fa;
    }
    textarea {
      width: 100%;
      box-sizing: border-box;
      min-height: 9rem;
      font: 0.85rem ui-monospace, Menlo, Consolas, monospace;
      border: 1px solid var(--border);
      border-radius: 4px;
      padding: 0.4rem;
    }
    .small {
      font-size: 0.8rem;
      color: var(--muted);
    }
    .ports {
      margin-top: 0.15rem;
      display: flex;
      flex-wrap: wrap;
      gap: 0.2rem 0.8rem;
    }
    .ports a {
      color: var(--accent);
    }
    button.link {
      font: inherit;
      font-size: 0.8rem;
      background: none;
      border: 1px solid var(--border);
      border-radius: 4px;
      padding: 0 0.35rem;
      margin-left: 0.3rem;
      cursor: pointer;
    }
    button.link:focus-visible {
      outline: 3px solid #5aa9ff;
      outline-offset: 1px;
    }
    figure.preview {
      margin: 0;
      background: var(--panel);
      border: 1px solid var(--border);
      border-radius: 8px;
      padding: 0.5rem 0.75rem 0.75rem;
    }
    figure.preview iframe {
      width: 100%;
      height: 16rem;
      border: 1px solid var(--border);
      border-radius: 4px;
      background: white;
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
  `;

  static override properties = {
    lesson: { type: String, reflect: true },
    lessons: { type: String },
    lessonsUrl: { type: String, attribute: 'lessons-url' },
    imagesUrl: { type: String, attribute: 'images-url' },
    storage: { type: String },
    database: { type: String },
    hashNavigation: { type: Boolean, attribute: 'hash-navigation' },
    engineState: { state: true },
    problem: { state: true },
    current: { state: true },
    index: { state: true },
    containers: { state: true },
    images: { state: true },
    portsReady: { state: true },
    preview: { state: true },
    ran: { state: true },
    selectedFile: { state: true },
    filesVersion: { state: true },
  };

  /** The lesson shown (its id in lessons-url). */
  declare lesson: string;
  /** Lessons offered in the picker: "all" (index.json) or ids separated by commas; empty for none. */
  declare lessons: string;
  /** Where lesson files are (default: /lessons/ next to the bundle's /dist/browser/). */
  declare lessonsUrl: string;
  /** Where the shipped images are (images.json); default: /images/ next to the bundle. */
  declare imagesUrl: string;
  /** "indexeddb" (default: containers and images survive a reload) or "memory". */
  declare storage: string;
  declare database: string;
  /** Keep the lesson in the page's URL (#lesson=id), for the tutorial site. */
  declare hashNavigation: boolean;

  declare private engineState: EngineState;
  declare private problem: string;
  declare private current: Lesson | null;
  declare private index: LessonIndexEntry[];
  declare private containers: ContainerSummary[];
  declare private images: ImageSummary[];
  /** Links to published ports work (the ports Service Worker is active). */
  declare private portsReady: boolean;
  /** The published port shown in the preview frame, or 0. */
  declare private preview: number;
  declare private ran: Set<string>;
  declare private selectedFile: string;
  declare private filesVersion: number;

  private engine: PlaygroundEngine | null = null;
  private cli: DockerCli | null = null;
  private events: StreamHandle | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly workspace = new SwitchableWorkspace(new MemoryWorkspace());
  private store: WorkspaceStore | null = null;
  private loadedLesson = '';
  private readonly onHashChange = () => this.readHash();

  constructor() {
    super();
    this.lesson = '';
    this.lessons = '';
    this.lessonsUrl = '';
    this.imagesUrl = '';
    this.storage = 'indexeddb';
    this.database = 'drydock-engine';
    this.hashNavigation = false;
    this.engineState = 'starting';
    this.problem = '';
    this.current = null;
    this.index = [];
    this.containers = [];
    this.images = [];
    this.portsReady = false;
    this.preview = 0;
    this.ran = new Set();
    this.selectedFile = '';
    this.filesVersion = 0;
  }

  /** The terminal inside the playground. */
  get terminal(): DrydockTerminal | null {
    return this.renderRoot.querySelector('drydock-terminal');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hashNavigation) {
      this.readHash();
      window.addEventListener('hashchange', this.onHashChange);
    }
    this.store = new WorkspaceStore(`drydock-workspace:${this.database}`, () => (this.filesVersion += 1));
    void this.loadIndex();
    void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
    this.events?.cancel();
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('lesson') && this.lesson !== this.loadedLesson) void this.loadLesson(this.lesson);
  }

  private lessonsBase(): string {
    const base = this.lessonsUrl || defaultUrl('../../lessons/');
    return base.endsWith('/') ? base : `${base}/`;
  }

  private readHash(): void {
    const match = /lesson=([\w-]+)/.exec(location.hash);
    if (match && match[1] !== this.lesson) this.lesson = match[1]!;
  }

  private async loadIndex(): Promise<void> {
    if (!this.lessons) return;
    if (this.lessons === 'all') {
      try {
        const response = await fetch(new URL('index.json', this.lessonsBase()));
        const data = (await response.json()) as { lessons: LessonIndexEntry[] };
        this.index = data.lessons;
      } catch {
        this.index = [];
      }
    } else this.index = this.lessons.split(',').map((id) => ({ id: id.trim(), title: id.trim() }));
    if (!this.lesson && this.index[0]) this.lesson = this.index[0].id;
  }

  private async loadLesson(id: string): Promise<void> {
    this.loadedLesson = id;
    if (!id) return;
    try {
      const response = await fetch(new URL(`${encodeURIComponent(id)}.json`, this.lessonsBase()));
      if (!response.ok) throw new Error(`lesson "${id}" not found (${response.status})`);
      const lesson = parseLesson(await response.json());
      if (this.loadedLesson !== id) return;
      this.current = lesson;
      this.ran = this.loadProgress(id);
      const workspace = this.store!.forLesson(id, lesson.files);
      this.workspace.switchTo(workspace);
      this.selectedFile = workspace.files()[0]?.path ?? '';
      if (this.hashNavigation && !location.hash.includes(`lesson=${id}`)) history.replaceState(null, '', `#lesson=${id}`);
      this.dispatchEvent(new CustomEvent('lesson-changed', { detail: { id }, bubbles: true, composed: true }));
    } catch (error) {
      this.current = { id, title: 'Lesson not available', summary: (error as Error).message, steps: [] };
    }
  }

  private progressKey(id: string): string {
    return `drydock-progress:${this.database}:${id}`;
  }

  private loadProgress(id: string): Set<string> {
    try {
      return new Set(JSON.parse(localStorage.getItem(this.progressKey(id)) ?? '[]') as string[]);
    } catch {
      return new Set();
    }
  }

  private async start(): Promise<void> {
    const problem = isolationProblem();
    if (problem) {
      this.engineState = 'unavailable';
      this.problem = problem;
      return;
    }
    await this.updateComplete;
    this.terminal?.print('Starting the Drydock engine in this tab (loading the images)…\n');
    try {
      this.engine = await connectEngine({
        imagesUrl: this.imagesUrl || defaultUrl('../../images/'),
        storage: this.storage === 'memory' ? 'memory' : 'indexeddb',
        database: this.database,
      });
    } catch (error) {
      this.engineState = 'failed';
      this.problem = (error as Error).message;
      this.terminal?.print(`\x1b[31mThe engine did not start: ${(error as Error).message}\x1b[0m\n`);
      return;
    }
    this.cli = new DockerCli({ client: this.engine.docker, workspace: this.workspace, columns: () => this.terminal?.columns ?? 80 });
    this.engineState = 'ready';
    await this.updateComplete;
    const terminal = this.terminal;
    if (terminal) {
      terminal.print('Ready. Type \x1b[1mhelp\x1b[0m for what this terminal can do, or click a command in the lesson.\n\n');
      terminal.docker = this.cli;
    }
    this.dispatchEvent(new CustomEvent('engine-ready', { bubbles: true, composed: true }));
    void this.engine.ports?.ready.then((ready) => (this.portsReady = ready));
    void this.watchEngine();
  }

  private async watchEngine(): Promise<void> {
    const docker = this.engine!.docker;
    await this.refresh();
    try {
      this.events = await docker.events(() => this.scheduleRefresh());
    } catch {
      // Without events the panel still refreshes after each command.
    }
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, 150);
  }

  private async refresh(): Promise<void> {
    if (!this.engine) return;
    try {
      const [containers, images] = await Promise.all([this.engine.docker.listContainers({ all: true }), this.engine.docker.listImages()]);
      this.containers = containers;
      this.images = images;
    } catch {
      // Keep the last lists.
    }
  }

  private onCommandFinished(event: CustomEvent<CommandFinishedDetail>): void {
    this.scheduleRefresh();
    const lesson = this.current;
    if (!lesson) return;
    for (const step of lesson.steps) {
      for (const command of step.commands) {
        if (sameCommand(command, event.detail.command)) {
          this.ran = new Set([...this.ran, command]);
          try {
            localStorage.setItem(this.progressKey(lesson.id), JSON.stringify([...this.ran]));
          } catch {
            // Progress is not essential.
          }
        }
      }
    }
  }

  private typeCommand(command: string): void {
    const terminal = this.terminal;
    if (!terminal) return;
    terminal.typeCommand(command);
  }

  private selectLesson(id: string): void {
    this.lesson = id;
  }

  override render(): TemplateResult {
    return html`
      <div class="layout">
        <div class="lesson">${this.renderLesson()}</div>
        <div class="main">${this.renderMain()}</div>
      </div>
    `;
  }

  private renderText(paragraph: string): TemplateResult {
    return html`<p>
      ${formatText(paragraph).map((segment) =>
        segment.kind === 'code'
          ? html`<code>${segment.text}</code>`
          : segment.kind === 'bold'
            ? html`<strong>${segment.text}</strong>`
            : segment.kind === 'link'
              ? html`<a href=${segment.href} target="_blank" rel="noopener">${segment.text}</a>`
              : segment.text,
      )}
    </p>`;
  }

  private renderLesson(): TemplateResult {
    const lesson = this.current;
    const picker = this.index.length
      ? html`<nav aria-label="Lessons">
          <ol>
            ${this.index.map(
              (entry, i) =>
                html`<li>
                  <button type="button" aria-current=${entry.id === this.lesson ? 'true' : 'false'} @click=${() => this.selectLesson(entry.id)}>
                    ${i + 1}. ${entry.title}${entry.status === 'coming-soon' ? ' (coming soon)' : ''}
                  </button>
                </li>`,
            )}
          </ol>
        </nav>`
      : nothing;
    if (!lesson) return html`${picker}<section class="panel" aria-busy="true"><p>Loading the lesson…</p></section>`;
    return html`${picker}
      <section class="panel" aria-labelledby="lesson-title">
        <h2 id="lesson-title">${lesson.title}</h2>
        ${lesson.summary ? this.renderText(lesson.summary) : nothing}
        ${lesson.status === 'coming-soon' ? html`<p class="banner" role="note"><strong>Coming soon.</strong> ${lesson.note ?? ''}</p>` : nothing}
        ${this.renderFiles()}
        <ol class="steps">
          ${lesson.steps.map((step) => {
            const done = step.commands.length > 0 && step.commands.every((c) => this.ran.has(c));
            return html`<li class=${done ? 'done' : ''}>
              <h3>${step.title}${done ? html`<span class="visually-hidden"> (done)</span>` : nothing}</h3>
              ${step.text.map((p) => this.renderText(p))}
              ${step.commands.map(
                (command) =>
                  // Kept on one line: the button's text is white-space: pre-wrap.
                  html`<button type="button" class=${`command${this.ran.has(command) ? ' ran' : ''}`} data-command=${command} aria-label=${`Type into the terminal: ${command}`} @click=${() => this.typeCommand(command)}><span class="prompt" aria-hidden="true">$ </span>${command}</button>`,
              )}
            </li>`;
          })}
        </ol>
        <p class="small">Click a command to type it, then press Enter in the terminal.</p>
      </section>`;
  }

  private renderMain(): TemplateResult {
    if (this.engineState === 'unavailable') return this.renderProblem();
    const status =
      this.engineState === 'starting' ? 'Starting the engine…' : this.engineState === 'failed' ? `The engine did not start: ${this.problem}` : 'Engine running in this tab.';
    return html`<p class="status" role="status">${status}</p>
      <drydock-terminal label="Docker terminal" @command-finished=${(e: CustomEvent<CommandFinishedDetail>) => this.onCommandFinished(e)}></drydock-terminal>
      ${this.renderResources()}`;
  }

  private renderProblem(): TemplateResult {
    const secure = globalThis.isSecureContext !== false;
    return html`<section class="problem" role="alert" aria-labelledby="problem-title">
      <h2 id="problem-title">The playground cannot start in this page</h2>
      <p>
        Drydock runs containers as WebAssembly programs in Web Workers. Their system calls are synchronous, which needs
        <code>SharedArrayBuffer</code>, and browsers only allow it in a <strong>cross-origin isolated</strong> page: one served with the headers
        <code>Cross-Origin-Opener-Policy: same-origin</code> and <code>Cross-Origin-Embedder-Policy: require-corp</code>${secure ? '' : html`, over HTTPS (or from localhost)`}.
      </p>
      <p>
        This page is not isolated. If the playground is embedded in a course platform (an LMS page or an iframe), the page around it must send those
        headers as well, and the iframe needs <code>allow="cross-origin-isolated"</code>. If that is not possible, open the playground in its own tab.
      </p>
      <p><a href=${location.href} target="_blank" rel="noopener">Open the playground in a new tab</a></p>
    </section>`;
  }

  private renderResources(): TemplateResult {
    if (this.engineState !== 'ready') return html``;
    return html`<div class="resources">
      <section class="panel" aria-labelledby="containers-title">
        <h2 id="containers-title" class="small-title">Containers</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Name and image</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            ${this.containers.length === 0
              ? html`<tr>
                  <td colspan="2" class="empty">No containers yet.</td>
                </tr>`
              : this.containers.map(
                  (c) => html`<tr data-container=${c.Names[0]?.replace(/^\//, '') ?? ''}>
                    <td><strong>${c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12)}</strong> <span class="small">${c.Image}</span>${this.renderPortLinks(c)}</td>
                    <td><span class=${`state ${c.State}`} aria-hidden="true"></span>${c.Status}</td>
                  </tr>`,
                )}
          </tbody>
        </table>
      </section>
      <section class="panel" aria-labelledby="images-title">
        <h2 id="images-title" class="small-title">Images</h2>
        <ul class="images">
          ${this.images.flatMap((image) =>
            (image.RepoTags?.length ? image.RepoTags : ['<none>:<none>']).map(
              (tag) => html`<li><span>${tag}</span><span class="small">${humanSizeWithPrecision(image.Size, 3)}</span></li>`,
            ),
          )}
        </ul>
      </section>
    </div>
    ${this.renderPreview()}`;
  }

  /** Links that open what a running container publishes (`-p 8080:80`: "open http://localhost:8080"). */
  private renderPortLinks(container: ContainerSummary): TemplateResult {
    const ports = this.engine?.ports;
    if (!ports || container.State !== 'running') return html``;
    const published = publishedTcpPorts(container);
    if (published.length === 0) return html``;
    if (!this.portsReady) {
      return html`<div class="small ports">Published on ${published.map((p) => `localhost:${p}`).join(', ')} (opening it needs Service Workers, unavailable in this page)</div>`;
    }
    return html`<div class="ports">
      ${published.map(
        (port) =>
          html`<span class="port" data-port=${port}
            ><a href=${ports.url(port)} target="_blank" rel="noopener">open http://localhost:${port}</a>
            <button type="button" class="link" aria-pressed=${this.preview === port ? 'true' : 'false'} @click=${() => (this.preview = this.preview === port ? 0 : port)}>
              ${this.preview === port ? 'hide' : 'show here'}
            </button></span
          >`,
      )}
    </div>`;
  }

  /** The preview frame of one published port, while a running container publishes it. */
  private renderPreview(): TemplateResult {
    const ports = this.engine?.ports;
    const port = this.preview;
    if (!ports || !this.portsReady || port === 0) return html``;
    if (!this.containers.some((c) => c.State === 'running' && publishedTcpPorts(c).includes(port))) return html``;
    return html`<figure class="preview">
      <figcaption class="small">http://localhost:${port} <a href=${ports.url(port)} target="_blank" rel="noopener">(open in a new tab)</a></figcaption>
      <iframe src=${ports.url(port)} title=${`What a container serves on http://localhost:${port}`}></iframe>
    </figure>`;
  }

  private renderFiles(): TemplateResult {
    void this.filesVersion;
    const files = this.workspace.files();
    if (!this.current?.files && files.length === 0) return html``;
    const selected = files.find((f) => f.path === this.selectedFile) ?? files[0];
    return html`<section class="files" aria-labelledby="files-title">
      <h3 id="files-title">Files</h3>
      <p class="small">The build context of <code>docker build .</code>, and the local side of <code>docker cp</code>.</p>
      <ul>
        ${files.map(
          (f) => html`<li>
            <button type="button" aria-pressed=${f === selected ? 'true' : 'false'} @click=${() => (this.selectedFile = f.path)}>${f.path}</button>
          </li>`,
        )}
      </ul>
      ${selected
        ? html`<label class="small" for="editor">Editing ${selected.path}</label>
            <textarea
              id="editor"
              spellcheck="false"
              .value=${new TextDecoder().decode(selected.data)}
              @input=${(e: Event) => this.workspace.write(selected.path, new TextEncoder().encode((e.target as HTMLTextAreaElement).value), selected.mode)}
            ></textarea>`
        : nothing}
      ${this.current?.files
        ? html`<button type="button" @click=${() => this.resetFiles()}>Restore the lesson's files</button>`
        : nothing}
    </section>`;
  }

  private resetFiles(): void {
    if (!this.current) return;
    const workspace = this.store!.reset(this.current.id, this.current.files);
    this.workspace.switchTo(workspace);
    this.filesVersion += 1;
  }
}

/** The host ports a container publishes for TCP, once each (IPv4 and IPv6 bindings name the same port). */
export function publishedTcpPorts(container: ContainerSummary): number[] {
  const ports = (container.Ports ?? []).filter((p) => p.Type === 'tcp' && p.PublicPort !== undefined && p.PublicPort > 0).map((p) => p.PublicPort!);
  return [...new Set(ports)].sort((a, b) => a - b);
}

if (!customElements.get('drydock-playground')) customElements.define('drydock-playground', DrydockPlayground);

declare global {
  interface HTMLElementTagNameMap {
    'drydock-playground': DrydockPlayground;
  }
}
