/**
 * Engine error classes, modelled on moby's errdefs (errdefs/doc.go): every
 * error the engine raises is classified once, by its class, and the API layer
 * turns the class into an HTTP status in exactly one place
 * (src/engine/api/http-status.ts). Code below the API (daemon, image store,
 * builder) throws these; it never picks HTTP status codes itself.
 *
 * The message is what the client prints after "Error response from daemon: ",
 * so it uses dockerd's wording ("No such container: x").
 */
import { Errno, ErrnoError } from '../common/errno.ts';

/** The error classes of moby's errdefs, one per way a request can fail. */
export type ErrorKind =
  | 'not-found'
  | 'invalid-parameter'
  | 'conflict'
  | 'unauthorized'
  | 'unavailable'
  | 'forbidden'
  | 'not-modified'
  | 'not-implemented'
  | 'system'
  | 'cancelled'
  | 'deadline'
  | 'data-loss';

/** Base class of every classified engine error. `kind` never changes after construction. */
export abstract class EngineError extends Error {
  abstract readonly kind: ErrorKind;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The object does not exist: "No such container: x" (404). */
export class NotFoundError extends EngineError {
  readonly kind = 'not-found';
}

/** The request is malformed or names invalid values (400). */
export class InvalidParameterError extends EngineError {
  readonly kind = 'invalid-parameter';
}

/** The request conflicts with the current state: name in use, container running (409). */
export class ConflictError extends EngineError {
  readonly kind = 'conflict';
}

/** Credentials are missing or wrong, e.g. for a registry (401). */
export class UnauthorizedError extends EngineError {
  readonly kind = 'unauthorized';
}

/** The service cannot answer now or on this node: swarm endpoints (503). */
export class UnavailableError extends EngineError {
  readonly kind = 'unavailable';
}

/** The request is understood and refused (403). */
export class ForbiddenError extends EngineError {
  readonly kind = 'forbidden';
}

/** Nothing to do: start of a running container, stop of a stopped one (304, no body). */
export class NotModifiedError extends EngineError {
  readonly kind = 'not-modified';
}

/** Drydock does not implement this feature (501). */
export class NotImplementedError extends EngineError {
  readonly kind = 'not-implemented';
}

/** An internal failure (500). Unclassified errors are treated the same way. */
export class SystemError extends EngineError {
  readonly kind = 'system';
}

/** The operation was cancelled, usually because the client went away (500). */
export class CancelledError extends EngineError {
  readonly kind = 'cancelled';
}

/** The operation ran out of time (500). */
export class DeadlineError extends EngineError {
  readonly kind = 'deadline';
}

/** Data was lost or corrupted (500). */
export class DataLossError extends EngineError {
  readonly kind = 'data-loss';
}

const CLASSES: Record<ErrorKind, new (message: string, options?: { cause?: unknown }) => EngineError> = {
  'not-found': NotFoundError,
  'invalid-parameter': InvalidParameterError,
  conflict: ConflictError,
  unauthorized: UnauthorizedError,
  unavailable: UnavailableError,
  forbidden: ForbiddenError,
  'not-modified': NotModifiedError,
  'not-implemented': NotImplementedError,
  system: SystemError,
  cancelled: CancelledError,
  deadline: DeadlineError,
  'data-loss': DataLossError,
};

/** How errno values from the kernel and the filesystem classify (e.g. `docker cp` of a missing path). */
const ERRNO_KINDS: Partial<Record<Errno, ErrorKind>> = {
  [Errno.ENOENT]: 'not-found',
  [Errno.ENOTDIR]: 'invalid-parameter',
  [Errno.EINVAL]: 'invalid-parameter',
  [Errno.ENAMETOOLONG]: 'invalid-parameter',
  [Errno.ELOOP]: 'invalid-parameter',
  [Errno.EISDIR]: 'invalid-parameter',
  [Errno.EEXIST]: 'conflict',
  [Errno.ENOTEMPTY]: 'conflict',
  [Errno.EBUSY]: 'conflict',
  [Errno.EACCES]: 'forbidden',
  [Errno.EPERM]: 'forbidden',
  [Errno.EROFS]: 'forbidden',
  [Errno.ENOSYS]: 'not-implemented',
  [Errno.ENOTSUP]: 'not-implemented',
  [Errno.ECANCELED]: 'cancelled',
  [Errno.ETIMEDOUT]: 'deadline',
};

/**
 * The class of any thrown value: an EngineError's kind, an ErrnoError's
 * mapped kind, else 'system' (an unexpected error is an internal failure).
 */
export function errorKind(error: unknown): ErrorKind {
  if (error instanceof EngineError) return error.kind;
  if (error instanceof ErrnoError) return ERRNO_KINDS[error.errno] ?? 'system';
  return 'system';
}

/** The message a client should see for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Builds an error of the given kind (for code that computes the kind, e.g. a remote engine's status). */
export function errorOfKind(kind: ErrorKind, message: string, cause?: unknown): EngineError {
  return new CLASSES[kind](message, cause === undefined ? undefined : { cause });
}

/**
 * Prefixes an error's message while keeping its class, like Go's
 * `errors.Wrapf(err, "Cannot kill container: %s", name)`.
 */
export function wrapError(error: unknown, prefix: string): EngineError {
  return errorOfKind(errorKind(error), `${prefix}: ${errorMessage(error)}`, error);
}
