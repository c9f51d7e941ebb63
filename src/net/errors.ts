/**
 * Errors of the network layer's management interface (NetworkManager). The
 * socket layer throws ErrnoError instead, as the kernel does. Each class
 * says what kind of failure it is, so the engine maps it to an HTTP status
 * in one place (NotFound 404, Conflict 409, Invalid 400, Forbidden 403,
 * Unavailable 500). Messages use dockerd's wording where Docker has one.
 */
export type NetworkErrorKind = 'not-found' | 'conflict' | 'invalid' | 'forbidden' | 'unavailable';

export class NetworkError extends Error {
  constructor(
    readonly kind: NetworkErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

/** A network, endpoint or published port that does not exist. */
export class NetworkNotFoundError extends NetworkError {
  constructor(message: string) {
    super('not-found', message);
    this.name = 'NetworkNotFoundError';
  }
}

/** A name, address or port already taken; a network still in use. */
export class NetworkConflictError extends NetworkError {
  constructor(message: string) {
    super('conflict', message);
    this.name = 'NetworkConflictError';
  }
}

/** A malformed or impossible request (bad subnet, address outside the subnet). */
export class NetworkInvalidError extends NetworkError {
  constructor(message: string) {
    super('invalid', message);
    this.name = 'NetworkInvalidError';
  }
}

/** An operation Docker refuses on predefined networks (removing `bridge`). */
export class NetworkForbiddenError extends NetworkError {
  constructor(message: string) {
    super('forbidden', message);
    this.name = 'NetworkForbiddenError';
  }
}

/**
 * The host cannot do it (a published port already taken on the host, no
 * host network in this platform). dockerd answers these with 500.
 */
export class NetworkUnavailableError extends NetworkError {
  constructor(message: string) {
    super('unavailable', message);
    this.name = 'NetworkUnavailableError';
  }
}
