/**
 * The one place where engine error classes become HTTP status codes (moby's
 * httpstatus/status.go), and the reason phrases the transports write.
 */
import { errorKind, type ErrorKind } from '../errors.ts';

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  'not-found': 404,
  'invalid-parameter': 400,
  conflict: 409,
  unauthorized: 401,
  unavailable: 503,
  forbidden: 403,
  'not-modified': 304,
  'not-implemented': 501,
  system: 500,
  cancelled: 500,
  deadline: 500,
  'data-loss': 500,
};

/** The HTTP status for an error class. */
export function statusForKind(kind: ErrorKind): number {
  return STATUS_BY_KIND[kind];
}

/** The HTTP status for any thrown value (unclassified errors are 500). */
export function statusForError(error: unknown): number {
  return STATUS_BY_KIND[errorKind(error)];
}

const REASONS: Record<number, string> = {
  100: 'Continue',
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  206: 'Partial Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  411: 'Length Required',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  505: 'HTTP Version Not Supported',
};

/** The standard reason phrase of a status code ("Not Found"), or "Status N" for unusual codes. */
export function statusText(status: number): string {
  return REASONS[status] ?? `Status ${status}`;
}

/** Whether a response with this status never carries a body (1xx, 204, 304). */
export function statusHasNoBody(status: number): boolean {
  return (status >= 100 && status < 200) || status === 204 || status === 304;
}
