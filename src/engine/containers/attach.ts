/**
 * Attach sessions (docker attach, docker run, docker start -a, exec start):
 * the client's stdin goes to the process, the process's output goes to the
 * client, until the process ends (and its output has been delivered), the
 * client detaches with the detach keys, or the client goes away.
 */
import { InvalidParameterError } from '../errors.ts';
import type { StdStreams } from '../api/hijack.ts';
import type { LogMessage } from '../types/container.ts';
import type { OutputStream, ProcessStdio } from './stdio.ts';

/** Parses Docker's detach keys ("ctrl-p,ctrl-q", "a,ctrl-@", ...) into bytes. */
export function parseDetachKeys(spec: string): Uint8Array {
  const keys: number[] = [];
  for (const key of spec.split(',')) {
    const k = key.trim().toLowerCase();
    if (k.length === 1) keys.push(k.charCodeAt(0));
    else if (/^ctrl-[a-z@[\\\]^_]$/.test(k)) {
      const c = k[5]!;
      keys.push(c === '@' ? 0 : c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 96 : c.charCodeAt(0) - 64);
    } else throw new InvalidParameterError(`Invalid detach keys (${spec}) provided`);
  }
  return new Uint8Array(keys);
}

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

export interface AttachPlan {
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  /** Close the process's stdin when the client's input ends (StdinOnce). */
  readonly stdinOnce: boolean;
  readonly detachKeys: Uint8Array;
  /** Stored output to send first (attach with logs=1). */
  readonly replay: readonly LogMessage[];
  /** False: only the replay. */
  readonly stream: boolean;
}

/** Runs one session over `streams` for a process's stdio. Resolves with true if the client detached. */
export async function runAttach(stdio: ProcessStdio | null, plan: AttachPlan, streams: StdStreams): Promise<boolean> {
  const write = (stream: OutputStream, bytes: Uint8Array) =>
    stream === 'stdout' ? (plan.stdout ? streams.stdout.write(bytes) : Promise.resolve()) : plan.stderr ? streams.stderr.write(bytes) : Promise.resolve();
  for (const message of plan.replay) await write(message.stream, message.line);
  if (!plan.stream || !stdio) return false;

  // Output is queued in order and written with back-pressure from the client.
  let writing = Promise.resolve();
  const stopListening = stdio.listen((stream, bytes) => {
    writing = writing.then(() => write(stream, bytes)).catch(() => {});
  });
  let detached = false;
  let resolveDetach!: () => void;
  const detachedSignal = new Promise<void>((resolve) => {
    resolveDetach = resolve;
  });
  const input = plan.stdin
    ? (async () => {
        let matched = 0;
        for (;;) {
          const chunk = await streams.stdin.read();
          if (chunk === null) {
            if (plan.stdinOnce) stdio.closeStdin();
            return;
          }
          // Detach keys: pass bytes through unless they complete the sequence.
          const keys = plan.detachKeys;
          let forward: number[] = [];
          for (const byte of chunk) {
            if (keys.length > 0 && byte === keys[matched]) {
              matched++;
              if (matched === keys.length) {
                detached = true;
                resolveDetach();
                return;
              }
              continue;
            }
            if (matched > 0) {
              forward = forward.concat([...keys.subarray(0, matched)]);
              matched = 0;
            }
            forward.push(byte);
          }
          if (forward.length > 0) await stdio.writeStdin(new Uint8Array(forward));
        }
      })()
    : Promise.resolve();
  void input;
  await Promise.race([stdio.done, detachedSignal, streams.closed]);
  stopListening();
  await writing;
  return detached;
}
