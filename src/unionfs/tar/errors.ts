/**
 * The one error class of the tar module. Everything that goes wrong while
 * reading, writing or applying a tar (a corrupt header, a truncated archive, a
 * hostile entry) is a `TarError` naming the entry it concerns, so an image
 * import can tell the user exactly which member of which layer was refused.
 */
export class TarError extends Error {
  constructor(
    /** The entry's path as written in the archive, or null when no entry name is known yet (e.g. a corrupt header). */
    readonly entry: string | null,
    /** What is wrong, in words a user can act on. */
    readonly reason: string,
    /** Byte offset of the entry's header in the (uncompressed) archive, when known. */
    readonly offset?: number,
  ) {
    const where = offset === undefined ? '' : ` at offset ${offset}`;
    super(entry === null ? `tar${where}: ${reason}` : `tar entry ${JSON.stringify(entry)}${where}: ${reason}`);
    this.name = 'TarError';
  }
}
