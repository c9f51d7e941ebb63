/**
 * Go's text/tabwriter as the docker CLI configures it for tables
 * (minwidth 10, tabwidth 1, padding 3, padchar ' ', no flags): cells are
 * tab-terminated; the text after a line's last tab is not part of a column;
 * a column is a run of contiguous lines that have a cell in it, and its
 * width is max(minwidth, widest cell + padding).
 */
import { displayWidth } from './text.ts';

export interface TabwriterOptions {
  readonly minWidth: number;
  readonly padding: number;
}

export const DOCKER_TABLE: TabwriterOptions = { minWidth: 10, padding: 3 };

/** Aligns `text` (lines of tab-terminated cells) as Go's tabwriter does after a Flush. */
export function tabwrite(text: string, options: TabwriterOptions = DOCKER_TABLE): string {
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((line) => line.split('\t'));
  const out: string[] = lines.map(() => '');
  const widths: number[] = [];

  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i]!;
      let line = '';
      cells.forEach((cell, j) => {
        line += cell;
        if (j < widths.length && j < cells.length - 1) line += ' '.repeat(Math.max(0, widths[j]! - displayWidth(cell)));
      });
      out[i] = line;
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let row = line0; row < line1; row++) {
      if (column >= lines[row]!.length - 1) continue;
      writeLines(start, row);
      start = row;
      let width = options.minWidth;
      for (; row < line1; row++) {
        const cells = lines[row]!;
        if (column >= cells.length - 1) break;
        width = Math.max(width, displayWidth(cells[column]!) + options.padding);
      }
      widths.push(width);
      format(start, row);
      widths.pop();
      start = row;
      row--;
    }
    writeLines(start, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}
