/**
 * Renders a list of items the way the CLI's formatter.Context does: a
 * `table` format gets a header row (the template run over the column
 * titles) and tabwriter alignment; `json` prints `{{json .}}` per item; any
 * other template is executed once per item, each followed by a newline.
 */
import { tabwrite } from './tabwriter.ts';
import { GoTemplate, HEADER_FUNCTIONS, TemplateError } from './template.ts';

/** What a list renderer needs to know about its items. */
export interface ListFormat {
  /** The user's --format ("" for the command's default). */
  readonly format: string;
  /** The default table format, e.g. "table {{.ID}}\t{{.Image}}". */
  readonly defaultTable: string;
  /** -q: one ID per line. */
  readonly quiet?: boolean;
  /** Field name → column title. */
  readonly headers: Readonly<Record<string, string>>;
}

/** A formatting error the CLI reports as "template parsing error: ..." (exit 1). */
export class FormatError extends Error {}

/** The effective format: the default table when empty, `{{.ID}}` for -q, `{{json .}}` for "json". */
export function resolveFormat(spec: ListFormat): string {
  const source = spec.format;
  if (source === '' || source === 'table') return spec.quiet ? '{{.ID}}' : spec.defaultTable;
  if (spec.quiet) return '{{.ID}}';
  return source;
}

/** Renders `items` (objects whose fields the templates read). */
export function renderList(spec: ListFormat, items: readonly unknown[]): string {
  const format = resolveFormat(spec);
  const isTable = format.startsWith('table');
  let body = format === 'json' ? '{{json .}}' : isTable ? format.slice('table'.length) : format;
  body = body.trim().replaceAll('\\t', '\t').replaceAll('\\n', '\n');
  let template: GoTemplate;
  try {
    template = GoTemplate.parse(body);
  } catch (error) {
    if (error instanceof TemplateError) throw new FormatError(`template parsing error: ${error.message}`);
    throw error;
  }
  let rows = '';
  try {
    for (const item of items) rows += `${template.execute(item)}\n`;
  } catch (error) {
    if (error instanceof TemplateError) throw new FormatError(`template parsing error: ${error.message}`);
    throw error;
  }
  if (!isTable) return rows;
  const header = template.execute({ ...spec.headers }, HEADER_FUNCTIONS);
  return tabwrite(`${header}\n${rows}`);
}

/** The object `{{json .}}` marshals for a formatter context: every field, keys sorted (as Go's map encoding). */
export function contextJson(fields: readonly string[], item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of [...fields].sort()) out[field] = item[field];
  return out;
}
