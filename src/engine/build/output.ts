/**
 * The build's output stream as dockerd's classic builder writes it: every
 * write is one `{"stream": …}` message (stderr text wrapped in the red
 * "\x1b[91m … \x1b[0m" the CLI prints as is), `{"aux":{"ID":…}}` after each
 * stage, and JSON progress for pulls and downloads.
 */
import type { JsonMessage, ProgressSink } from '../types/json-message.ts';

export class BuildOutput {
  constructor(private readonly sink: ProgressSink) {}

  /** One stdout write (a message per write, as dockerd's stream formatter). */
  stdout(text: string): void {
    if (text !== '') this.sink({ stream: text });
  }

  /** One stderr write, in dockerd's red. */
  stderr(text: string): void {
    if (text !== '') this.sink({ stream: `\x1b[91m${text}\x1b[0m` });
  }

  /** `{"aux":{"ID":"sha256:…"}}`: the image a stage produced. */
  aux(id: string): void {
    this.sink({ aux: { ID: id } });
  }

  /** Pull and download progress, passed through. */
  progress(message: JsonMessage): void {
    this.sink(message);
  }
}
