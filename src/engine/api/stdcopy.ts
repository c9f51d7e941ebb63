/**
 * Docker's stdcopy framing for multiplexed stdout/stderr on one connection
 * (moby api/stdcopy): each frame is `[stream u8][0,0,0][length u32 BE]`
 * followed by `length` payload bytes. Used for attach, exec and logs when
 * the container has no TTY. Stdin sent by the client is never framed.
 */

/** Stream identifiers of a stdcopy frame header. */
export enum StdStream {
  Stdin = 0,
  Stdout = 1,
  Stderr = 2,
  /** Daemon-side errors; the Go client turns this frame into an error. */
  Systemerr = 3,
}

export const STDCOPY_HEADER_LENGTH = 8;

/** Largest payload a single frame carries; longer writes are split (the length field is u32). */
const MAX_FRAME_PAYLOAD = 0xffffffff;

/** Frames `payload` for `stream`. An empty payload yields an empty array (no frame is sent). */
export function stdcopyFrame(stream: StdStream, payload: Uint8Array): Uint8Array {
  if (payload.length === 0) return new Uint8Array(0);
  if (payload.length > MAX_FRAME_PAYLOAD) throw new RangeError('stdcopy payload larger than 4 GiB');
  const frame = new Uint8Array(STDCOPY_HEADER_LENGTH + payload.length);
  frame[0] = stream;
  new DataView(frame.buffer).setUint32(4, payload.length, false);
  frame.set(payload, STDCOPY_HEADER_LENGTH);
  return frame;
}

/** A frame decoded by StdcopyDecoder. */
export interface StdFrame {
  readonly stream: StdStream;
  readonly payload: Uint8Array;
}

/**
 * Incremental stdcopy decoder: feed it chunks as they arrive (split
 * anywhere), take out complete frames. Throws on a header with an unknown
 * stream byte, like stdcopy.StdCopy ("Unrecognized input header").
 */
export class StdcopyDecoder {
  private pending = new Uint8Array(0);

  /** Adds bytes and returns every frame now complete. */
  push(chunk: Uint8Array): StdFrame[] {
    const joined = new Uint8Array(this.pending.length + chunk.length);
    joined.set(this.pending);
    joined.set(chunk, this.pending.length);
    const frames: StdFrame[] = [];
    let at = 0;
    while (joined.length - at >= STDCOPY_HEADER_LENGTH) {
      const stream = joined[at]!;
      if (stream > StdStream.Systemerr) throw new Error(`Unrecognized input header: ${stream}`);
      const length = new DataView(joined.buffer, joined.byteOffset + at + 4, 4).getUint32(0, false);
      if (joined.length - at - STDCOPY_HEADER_LENGTH < length) break;
      const start = at + STDCOPY_HEADER_LENGTH;
      frames.push({ stream, payload: joined.slice(start, start + length) });
      at = start + length;
    }
    this.pending = joined.slice(at);
    return frames;
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get buffered(): number {
    return this.pending.length;
  }
}

/** Decodes a complete multiplexed byte string into its frames (tests, the in-process client). */
export function demuxStdcopy(bytes: Uint8Array): StdFrame[] {
  const decoder = new StdcopyDecoder();
  const frames = decoder.push(bytes);
  if (decoder.buffered !== 0) throw new Error(`truncated stdcopy frame (${decoder.buffered} bytes left)`);
  return frames;
}
