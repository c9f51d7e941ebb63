/**
 * JSON as Go's encoding/json writes it: json.Marshal escapes <, > and & (and
 * U+2028/U+2029); json.Indent re-indents raw JSON text without touching its
 * strings, writing empty objects and arrays as {} and [].
 */

const ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** Go's json.Marshal of a decoded JSON value (compact, HTML-safe). */
export function goJson(value: unknown): string {
  const text = JSON.stringify(value === undefined ? null : value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  return (text ?? 'null').replace(/[<>&\u2028\u2029]/g, (ch) => ESCAPES[ch]!);
}

/** Go's json.Indent(dst, src, prefix "", indent): the raw text re-indented, strings kept byte for byte. */
export function indentJson(raw: string, indent = '    '): string {
  let out = '';
  let depth = 0;
  let needIndent = false;
  let i = 0;
  const newline = () => {
    out += `\n${indent.repeat(depth)}`;
  };
  while (i < raw.length) {
    const ch = raw[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (j < raw.length && raw[j] !== '"') j += raw[j] === '\\' ? 2 : 1;
      if (needIndent) {
        newline();
        needIndent = false;
      }
      out += raw.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    i++;
    if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') continue;
    if (needIndent && ch !== ']' && ch !== '}') {
      newline();
      needIndent = false;
    }
    switch (ch) {
      case '{':
      case '[':
        out += ch;
        depth++;
        needIndent = true;
        break;
      case '}':
      case ']':
        depth--;
        if (needIndent) needIndent = false;
        else newline();
        out += ch;
        break;
      case ',':
        out += ch;
        newline();
        break;
      case ':':
        out += ': ';
        break;
      default:
        out += ch;
    }
  }
  return out;
}
