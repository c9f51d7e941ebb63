/**
 * Docker's progress messages (pkg/progress, pkg/jsonmessage): short IDs,
 * human sizes and the `progress` bar string dockerd puts beside
 * `progressDetail`, so clients that print it (the CLI without a TTY) see
 * what they would see from dockerd.
 */
import type { JsonMessage, ProgressSink } from '../types/json-message.ts';

/** stringid.TruncateID: the first 12 hex digits, without "sha256:". */
export function shortId(id: string): string {
  const hex = id.includes(':') ? id.slice(id.indexOf(':') + 1) : id;
  return hex.slice(0, 12);
}

/** go-units HumanSize: decimal units, 4 significant digits ("2.758MB", "512B"). */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < units.length - 1) {
    size /= 1000;
    i++;
  }
  return `${formatG4(size)}${units[i]}`;
}

/** Go's %.4g for the values humanSize produces (0 <= x < 1000). */
function formatG4(x: number): string {
  if (x === 0) return '0';
  const text = x.toPrecision(4);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** JSONProgress.String() at dockerd's width (200 columns, no time estimate). */
export function progressBar(current: number, total: number): string {
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current).padStart(8);
  let percentage = Math.floor((current / total) * 100) / 2;
  percentage = Math.min(50, Math.floor(percentage));
  const bar = `[${'='.repeat(percentage)}>${' '.repeat(Math.max(0, 50 - percentage))}] `;
  const numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

/** A status line for one layer: {"status","progressDetail":{},"id"}. */
export function layerStatus(progress: ProgressSink, id: string, status: string): void {
  progress({ status, progressDetail: {}, id });
}

/** A byte-progress line for one layer. */
export function layerProgress(progress: ProgressSink, id: string, status: string, current: number, total: number): void {
  const message: JsonMessage = { status, progressDetail: { current, total }, progress: progressBar(current, total), id };
  progress(message);
}
