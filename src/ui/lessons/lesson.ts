/**
 * Lessons: a title, a summary, and steps with explanations and the
 * commands to type; optionally files for the workspace (a build context)
 * and a "coming-soon" status with a note. They are JSON files
 * (public/lessons/<id>.json, listed in index.json) so a course author can
 * write their own.
 */

export interface LessonStep {
  readonly title: string;
  /** Paragraphs; `code`, **bold** and [text](https://link) are formatted. */
  readonly text: readonly string[];
  readonly commands: readonly string[];
}

export interface Lesson {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly steps: readonly LessonStep[];
  /** Workspace files (path → text) the lesson starts with. */
  readonly files?: Readonly<Record<string, string>>;
  /** "coming-soon": shown, with `note` explaining what does not work yet. */
  readonly status?: 'coming-soon';
  readonly note?: string;
}

export interface LessonIndexEntry {
  readonly id: string;
  readonly title: string;
  readonly status?: 'coming-soon';
}

/** A lesson file's JSON, checked; throws with the problem when it is not a lesson. */
export function parseLesson(value: unknown): Lesson {
  const fail = (why: string): never => {
    throw new Error(`not a valid lesson: ${why}`);
  };
  if (!value || typeof value !== 'object') fail('expected an object');
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'string' || typeof v.title !== 'string') fail('"id" and "title" must be strings');
  if (!Array.isArray(v.steps)) fail('"steps" must be a list');
  const steps = (v.steps as unknown[]).map((s, i): LessonStep => {
    const step = s as Record<string, unknown>;
    if (!step || typeof step.title !== 'string') fail(`step ${i + 1} needs a "title"`);
    const text = typeof step.text === 'string' ? [step.text] : Array.isArray(step.text) ? step.text.map(String) : [];
    const commands = Array.isArray(step.commands) ? step.commands.map(String) : [];
    return { title: step.title as string, text, commands };
  });
  const files: Record<string, string> = {};
  if (v.files && typeof v.files === 'object') for (const [k, t] of Object.entries(v.files as Record<string, unknown>)) files[k] = String(t);
  return {
    id: v.id as string,
    title: v.title as string,
    summary: typeof v.summary === 'string' ? v.summary : '',
    steps,
    ...(Object.keys(files).length ? { files } : {}),
    ...(v.status === 'coming-soon' ? { status: 'coming-soon' as const } : {}),
    ...(typeof v.note === 'string' ? { note: v.note } : {}),
  };
}

/** Inline markup of lesson text, as segments to render (never HTML). */
export type TextSegment = { kind: 'text' | 'code' | 'bold'; text: string } | { kind: 'link'; text: string; href: string };

/** Splits `code`, **bold** and [text](https://...) out of a paragraph. */
export function formatText(paragraph: string): TextSegment[] {
  const out: TextSegment[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g;
  let last = 0;
  for (const match of paragraph.matchAll(pattern)) {
    if (match.index! > last) out.push({ kind: 'text', text: paragraph.slice(last, match.index) });
    if (match[1] !== undefined) out.push({ kind: 'code', text: match[1] });
    else if (match[2] !== undefined) out.push({ kind: 'bold', text: match[2] });
    else out.push({ kind: 'link', text: match[3]!, href: match[4]! });
    last = match.index! + match[0].length;
  }
  if (last < paragraph.length) out.push({ kind: 'text', text: paragraph.slice(last) });
  return out;
}

/** Normalises a command for comparison (whitespace runs collapse). */
export function sameCommand(a: string, b: string): boolean {
  return a.trim().replace(/\s+/g, ' ') === b.trim().replace(/\s+/g, ' ');
}
