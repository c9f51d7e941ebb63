/**
 * JSON text as Go's encoding/json writes it, so Drydock's bodies match
 * dockerd's byte for byte where clients or differential tests compare them.
 */

const HTML = /[<>&\u2028\u2029]/g;
const LINE_SEPARATORS = /[\u2028\u2029]/g;

function escapeChar(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * `value` as JSON text. Go always escapes U+2028/U+2029; with `escapeHtml`
 * (json.Marshal's default, used by dockerd's progress streams) it also
 * escapes `<`, `>` and `&` as \u003c, \u003e, \u0026. API responses
 * (httputils.WriteJSON) do not escape HTML.
 */
export function jsonText(value: unknown, options: { escapeHtml?: boolean } = {}): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.replace(options.escapeHtml ? HTML : LINE_SEPARATORS, escapeChar);
}

const encoder = new TextEncoder();

/** `value` as JSON followed by "\n", the way json.Encoder.Encode writes it. */
export function jsonLine(value: unknown, options: { escapeHtml?: boolean } = {}): Uint8Array {
  return encoder.encode(`${jsonText(value, options)}\n`);
}
