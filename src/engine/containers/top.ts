/**
 * The columns of `docker top` as `ps -ef` (procps) prints them inside a
 * dockerd container: C is the process's CPU use over its lifetime in whole
 * percent (capped at 99), TIME its CPU time as [DD-]HH:MM:SS, STIME its start.
 */

/** procps's pr_time: cumulative CPU time, "00:00:00", with a "D-" day prefix from 24 hours. */
export function psTime(cpuMicros: number): string {
  let t = Math.floor(cpuMicros / 1e6);
  const ss = t % 60;
  t = Math.floor(t / 60);
  const mm = t % 60;
  t = Math.floor(t / 60);
  const hh = t % 24;
  const dd = Math.floor(t / 24);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${dd > 0 ? `${dd}-` : ''}${two(hh)}:${two(mm)}:${two(ss)}`;
}

/** procps's pr_c: CPU seconds × 100 over whole seconds since the start, at most 99; 0 in the first second. */
export function psCpuPercent(cpuMicros: number, elapsedMs: number): string {
  const seconds = Math.floor(elapsedMs / 1000);
  if (seconds <= 0) return '0';
  return String(Math.min(99, Math.floor((cpuMicros / 1e6) * 100 / seconds)));
}

/** procps's STIME for a process started today: "HH:MM" (UTC, the daemon's zone). */
export function psStartTime(startedAtMs: number, nowMs: number): string {
  const started = new Date(startedAtMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  if (nowMs - startedAtMs < 24 * 3600 * 1000) return `${two(started.getUTCHours())}:${two(started.getUTCMinutes())}`;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  // procps: "MonDD" within the year, else the year.
  if (new Date(nowMs).getUTCFullYear() === started.getUTCFullYear()) return `${months[started.getUTCMonth()]}${two(started.getUTCDate())}`;
  return String(started.getUTCFullYear());
}
