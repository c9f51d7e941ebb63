/**
 * The playground's workspace: one file tree per lesson, seeded with the
 * lesson's files, saved in localStorage so edits survive a reload, and a
 * switchable view so one DockerCli always sees the current lesson's files.
 */
import type { Workspace, WorkspaceFile } from '../docker-cli/workspace.ts';
import { MemoryWorkspace } from '../docker-cli/workspace.ts';

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** A Workspace that forwards to whichever workspace is current. */
export class SwitchableWorkspace implements Workspace {
  onChange: (() => void) | undefined;
  constructor(private target: Workspace) {}

  switchTo(target: Workspace): void {
    this.target = target;
    this.onChange?.();
  }
  files(dir?: string): WorkspaceFile[] {
    return this.target.files(dir);
  }
  directories(dir?: string): string[] {
    return this.target.directories(dir);
  }
  read(path: string): Uint8Array | null {
    return this.target.read(path);
  }
  write(path: string, data: Uint8Array, mode?: number): void {
    this.target.write(path, data, mode);
  }
  mkdir(path: string): void {
    this.target.mkdir(path);
  }
  isDirectory(path: string): boolean {
    return this.target.isDirectory(path);
  }
  exists(path: string): boolean {
    return this.target.exists(path);
  }
}

/** Per-lesson workspaces persisted under `storageKey:<lesson>`. */
export class WorkspaceStore {
  private readonly workspaces = new Map<string, MemoryWorkspace>();

  constructor(
    private readonly storageKey: string,
    private readonly onChange: () => void,
  ) {}

  /** The lesson's workspace: saved edits if any, else the lesson's files. */
  forLesson(id: string, files: Readonly<Record<string, string>> = {}): MemoryWorkspace {
    let workspace = this.workspaces.get(id);
    if (workspace) return workspace;
    workspace = new MemoryWorkspace();
    const saved = this.load(id);
    if (saved) {
      for (const dir of saved.dirs) workspace.mkdir(dir);
      for (const file of saved.files) workspace.write(file.path, fromBase64(file.data), file.mode);
    } else for (const [path, text] of Object.entries(files)) workspace.write(path, new TextEncoder().encode(text), path.endsWith('.sh') ? 0o755 : 0o644);
    workspace.onChange = () => {
      this.save(id, workspace!);
      this.onChange();
    };
    this.workspaces.set(id, workspace);
    return workspace;
  }

  /** Puts the lesson's original files back. */
  reset(id: string, files: Readonly<Record<string, string>> = {}): MemoryWorkspace {
    const workspace = this.forLesson(id, files);
    workspace.clear();
    for (const [path, text] of Object.entries(files)) workspace.write(path, new TextEncoder().encode(text), path.endsWith('.sh') ? 0o755 : 0o644);
    return workspace;
  }

  private load(id: string): { dirs: string[]; files: { path: string; data: string; mode: number }[] } | null {
    try {
      const text = localStorage.getItem(`${this.storageKey}:${id}`);
      return text ? (JSON.parse(text) as { dirs: string[]; files: { path: string; data: string; mode: number }[] }) : null;
    } catch {
      return null;
    }
  }

  private save(id: string, workspace: MemoryWorkspace): void {
    try {
      const data = { dirs: workspace.directories(), files: workspace.files().map((f) => ({ path: f.path, data: toBase64(f.data), mode: f.mode })) };
      localStorage.setItem(`${this.storageKey}:${id}`, JSON.stringify(data));
    } catch {
      // Storage may be full or unavailable; the workspace still works for this page.
    }
  }
}
