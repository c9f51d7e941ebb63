/**
 * Base64 for the API's header payloads (X-Registry-Auth, X-Registry-Config,
 * X-Docker-Container-Path-Stat) without depending on btoa/atob or Buffer.
 */
import { InvalidParameterError } from '../errors.ts';

const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding (Go's base64.StdEncoding). */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    out += STANDARD[b0 >> 2]!;
    out += STANDARD[((b0 & 3) << 4) | ((b1 ?? 0) >> 4)]!;
    out += b1 === undefined ? '=' : STANDARD[((b1 & 15) << 2) | ((b2 ?? 0) >> 6)]!;
    out += b2 === undefined ? '=' : STANDARD[b2 & 63]!;
  }
  return out;
}

/**
 * Decodes standard or URL-safe base64, with or without padding (clients
 * disagree: Go's CLI sends URL-safe, others standard). Throws
 * InvalidParameterError on any other character.
 */
export function decodeBase64(text: string): Uint8Array {
  const clean = text.trim().replace(/=+$/, '');
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of clean) {
    let v: number;
    if (ch === '-') v = 62;
    else if (ch === '_') v = 63;
    else v = STANDARD.indexOf(ch);
    if (v < 0) throw new InvalidParameterError('invalid base64 data');
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  if (bits >= 6) throw new InvalidParameterError('invalid base64 data');
  return new Uint8Array(out);
}
