/**
 * The progress stream format of pull, push, load, import and build
 * (moby's jsonmessage.JSONMessage): JSON objects separated by `\r\n`.
 */

/** Byte progress of one layer or download. */
export interface JsonProgress {
  current?: number;
  total?: number;
  start?: number;
  hidecounts?: boolean;
  units?: string;
}

/** An error carried inside a stream once output has started. */
export interface JsonError {
  code?: number;
  message: string;
}

/**
 * One message of a progress stream. `status`/`id`/`progressDetail` for pull
 * and push, `stream` for build output, `aux` for side data (build's
 * `{"ID":"sha256:…"}`, push's digest), `errorDetail` plus the legacy `error`
 * string for a failure after output started.
 */
export interface JsonMessage {
  stream?: string;
  status?: string;
  progressDetail?: JsonProgress;
  /** Pre-rendered progress bar; the CLI renders its own from progressDetail. */
  progress?: string;
  id?: string;
  from?: string;
  time?: number;
  timeNano?: number;
  errorDetail?: JsonError;
  /** Deprecated duplicate of errorDetail.message that old clients read. */
  error?: string;
  aux?: unknown;
}

/** Where a long operation reports its progress; the API layer turns it into the stream. */
export type ProgressSink = (message: JsonMessage) => void;
