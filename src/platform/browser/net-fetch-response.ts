/**
 * Writing HTTP/1.1 responses onto a connection: the status line and header
 * fields, chunked framing, and complete plain-text answers (Drydock's own
 * errors). Pure: no DOM or Node APIs (unit-tested in Node).
 *
 * Invariants: header names are tokens and values carry no CR, LF or NUL
 * (anything else is dropped or cleaned), so nothing a remote server or a
 * URL holds can inject lines into the response.
 */

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const REASONS: Record<number, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  418: "I'm a teapot",
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  425: 'Too Early',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
};

/** The standard reason phrase of `status` ("Unknown" for codes without one). */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Unknown';
}

/** "content-type" -> "Content-Type": how most servers spell header names (HTTP does not care). */
export function canonicalHeaderName(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** Status codes whose responses never have a body (RFC 9110 6.4.1). */
export function statusHasNoBody(status: number): boolean {
  return (status >= 100 && status < 200) || status === 204 || status === 304;
}

/** The status line and header fields of a response, ending with the empty line. */
export function formatResponseHead(status: number, reason: string, headers: readonly (readonly [string, string])[]): Uint8Array {
  const cleanReason = reason.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
  let text = `HTTP/1.1 ${status} ${cleanReason || reasonPhrase(status)}\r\n`;
  for (const [name, value] of headers) {
    if (!TOKEN.test(name)) continue;
    text += `${name}: ${value.replace(/[\0\r\n]/g, ' ').trim()}\r\n`;
  }
  text += '\r\n';
  return new TextEncoder().encode(text);
}

/** One chunk of a chunked body (an empty `data` gives nothing: use LAST_CHUNK to end). */
export function chunkFrame(data: Uint8Array): Uint8Array {
  if (data.length === 0) return new Uint8Array(0);
  const size = new TextEncoder().encode(`${data.length.toString(16)}\r\n`);
  const out = new Uint8Array(size.length + data.length + 2);
  out.set(size);
  out.set(data, size.length);
  out[out.length - 2] = 13;
  out[out.length - 1] = 10;
  return out;
}

/** The end of a chunked body (no trailers). */
export const LAST_CHUNK: Uint8Array = new TextEncoder().encode('0\r\n\r\n');

/**
 * A whole response with a plain-text body (Content-Length, Connection:
 * close): how Drydock itself answers a request it cannot carry out.
 * `headOnly` leaves the body out (the answer to HEAD).
 */
export function textResponse(status: number, body: string, extraHeaders: readonly (readonly [string, string])[] = [], headOnly = false): Uint8Array {
  const bytes = new TextEncoder().encode(body.endsWith('\n') ? body : `${body}\n`);
  const head = formatResponseHead(status, reasonPhrase(status), [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(bytes.length)],
    ['Connection', 'close'],
    ...extraHeaders,
  ]);
  if (headOnly) return head;
  const out = new Uint8Array(head.length + bytes.length);
  out.set(head);
  out.set(bytes, head.length);
  return out;
}
