/**
 * The cap on what one decompression may produce, and the error for passing
 * it: a few kilobytes of gzip, bzip2 or xz can expand to gigabytes (a
 * decompression bomb), and Drydock holds archives in memory.
 */

/**
 * Default cap on the decompressed size of one archive (a build context or an
 * ADD source): 1 GiB. dockerd has none (it streams to disk); Drydock holds the
 * tar in memory, in a browser tab too.
 */
export const MAX_DECOMPRESSED_BYTES = 2 ** 30;

/** Decompressed output would pass the cap; nothing of it is kept. */
export class DecompressLimitError extends Error {
  constructor(
    /** The compression being undone ("gzip", "bzip2", "xz"). */
    readonly format: string,
    /** The cap that was reached, in bytes. */
    readonly maxBytes: number,
  ) {
    super(`${format} data decompresses to more than ${maxBytes} bytes (the limit for one archive)`);
    this.name = 'DecompressLimitError';
  }
}
