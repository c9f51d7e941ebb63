/**
 * A client of one OCI distribution registry (the Docker Registry HTTP API
 * V2): endpoints, authentication and the requests pull and push need.
 *
 * Endpoints: docker.io is https://registry-1.docker.io; loopback hosts
 * (localhost, 127.0.0.0/8, [::1]) and the configured insecure registries
 * are plain HTTP (as dockerd treats 127.0.0.0/8 as insecure); everything
 * else is HTTPS.
 *
 * Authentication follows the registry's challenge: a 401 with
 * `WWW-Authenticate: Bearer realm=…,service=…,scope=…` fetches a token from
 * the realm (with the user's credentials as Basic auth when given, else
 * anonymously) and retries; `Basic realm=…` retries with the credentials.
 * Tokens are cached per scope for the client's life.
 *
 * Errors use dockerd's wording: registry error bodies become
 * "manifest unknown: manifest unknown", network failures
 * `Get "https://…/v2/": <cause>` (500, as dockerd). In a browser a failed
 * fetch usually means the registry does not allow CORS: the message says so.
 */
import { fromUtf8 } from '../../../common/bytes.ts';
import { EngineError, NotFoundError, SystemError, UnauthorizedError } from '../../errors.ts';
import type { AuthConfig } from '../../types/system.ts';
import { DEFAULT_DOMAIN } from '../reference.ts';
import { type RegistryFetch, type RegistryRequest, type RegistryResponse, readBody } from './http.ts';

export interface RegistryClientOptions {
  readonly fetch: RegistryFetch;
  /** Registry host as in references ("docker.io", "localhost:5000"). */
  readonly domain: string;
  readonly auth?: AuthConfig;
  /** Hosts served over plain HTTP besides loopback ones. */
  readonly insecureRegistries?: readonly string[];
  /** Running in a browser: a failed fetch is explained as a CORS problem. */
  readonly browser?: boolean;
}

/** One error of a registry's `{"errors":[…]}` body. */
export interface RegistryErrorDetail {
  readonly code: string;
  readonly message: string;
}

/** An HTTP error answer of a registry, with the errcode message dockerd prints ("manifest unknown: manifest unknown"). */
export class RegistryHttpError extends SystemError {
  constructor(
    readonly status: number,
    readonly errors: readonly RegistryErrorDetail[],
    message: string,
  ) {
    super(message);
  }
  get code(): string {
    return this.errors[0]?.code ?? '';
  }
}

const MAX_JSON = 8 * 1024 * 1024;

/** distribution's errcode descriptors: code -> the lowercase description dockerd prints before the message. */
const CODE_TEXT: Record<string, string> = {
  UNKNOWN: 'unknown',
  UNSUPPORTED: 'unsupported',
  UNAUTHORIZED: 'unauthorized',
  DENIED: 'denied',
  UNAVAILABLE: 'unavailable',
  TOOMANYREQUESTS: 'toomanyrequests',
  BLOB_UNKNOWN: 'blob unknown',
  BLOB_UPLOAD_INVALID: 'blob upload invalid',
  BLOB_UPLOAD_UNKNOWN: 'blob upload unknown',
  DIGEST_INVALID: 'digest invalid',
  MANIFEST_BLOB_UNKNOWN: 'manifest blob unknown',
  MANIFEST_INVALID: 'manifest invalid',
  MANIFEST_UNKNOWN: 'manifest unknown',
  MANIFEST_UNVERIFIED: 'manifest unverified',
  NAME_INVALID: 'name invalid',
  NAME_UNKNOWN: 'name unknown',
  SIZE_INVALID: 'size invalid',
  TAG_INVALID: 'tag invalid',
};

function isLoopback(domain: string): boolean {
  const host = domain.startsWith('[') ? domain.slice(1, domain.indexOf(']')) : domain.replace(/:\d+$/, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The base URL of a registry host. */
export function registryBase(domain: string, insecure: readonly string[] = []): string {
  if (domain === DEFAULT_DOMAIN) return 'https://registry-1.docker.io';
  const scheme = isLoopback(domain) || insecure.includes(domain) ? 'http' : 'https';
  return `${scheme}://${domain}`;
}

/** `url` with query parameters added (keeping any it has). */
export function withQuery(url: string, params: Readonly<Record<string, string>>): string {
  const query = Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  if (query === '') return url;
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

/** Parses `WWW-Authenticate: Scheme k="v", k2=v2`. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } | null {
  const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
  if (!m) return null;
  const params: Record<string, string> = {};
  const re = /([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?\s*/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2]!)) !== null) {
    if (p[0] === '') break;
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
  }
  return { scheme: m[1]!.toLowerCase(), params };
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? alphabet[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? alphabet[n & 63]! : '=';
  }
  return out;
}

function decodeBase64(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = text.replace(/[^A-Za-z0-9+/]/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < clean.length; i += 4) {
    const n = [0, 1, 2, 3].map((k) => alphabet.indexOf(clean[i + k] ?? 'A'));
    const v = (n[0]! << 18) | (n[1]! << 12) | (n[2]! << 6) | n[3]!;
    bytes.push((v >> 16) & 255);
    if (i + 2 < clean.length) bytes.push((v >> 8) & 255);
    if (i + 3 < clean.length) bytes.push(v & 255);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Username and password of an AuthConfig (also from its `auth` field), or null. */
function credentials(auth: AuthConfig | undefined): { username: string; password: string } | null {
  if (!auth) return null;
  if (auth.username) return { username: auth.username, password: auth.password ?? '' };
  if (auth.auth) {
    const text = decodeBase64(auth.auth);
    const colon = text.indexOf(':');
    if (colon > 0) return { username: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  return null;
}

export class RegistryClient {
  readonly base: string;
  private readonly tokens = new Map<string, string>();

  constructor(private readonly options: RegistryClientOptions) {
    this.base = registryBase(options.domain, options.insecureRegistries);
  }

  /**
   * Sends a request for `scope` ("repository:library/busybox:pull"),
   * authenticating as the registry's 401 challenge asks.
   */
  async send(request: Omit<RegistryRequest, 'url'> & { url: string }, scope: string): Promise<RegistryResponse> {
    const cached = this.tokens.get(scope);
    let response = await this.fetch({ ...request, headers: { ...request.headers, ...(cached ? { Authorization: cached } : {}) } });
    if (response.status !== 401) return response;
    const challenge = parseChallenge(response.header('www-authenticate') ?? '');
    await response.discard();
    if (!challenge) return this.fetch(request);
    const authorization = await this.authorize(challenge, scope, request.signal);
    if (authorization === null) return this.fetch(request);
    this.tokens.set(scope, authorization);
    response = await this.fetch({ ...request, headers: { ...request.headers, Authorization: authorization } });
    return response;
  }

  private async authorize(challenge: { scheme: string; params: Record<string, string> }, scope: string, signal?: AbortSignal): Promise<string | null> {
    const creds = credentials(this.options.auth);
    if (challenge.scheme === 'basic') {
      if (!creds) return null;
      return `Basic ${base64(`${creds.username}:${creds.password}`)}`;
    }
    if (challenge.scheme !== 'bearer') return null;
    const realm = challenge.params.realm;
    if (!realm) throw new SystemError('the registry asked for a token without naming a realm');
    if (this.options.auth?.registrytoken) return `Bearer ${this.options.auth.registrytoken}`;
    const params: Record<string, string> = {};
    if (challenge.params.service) params.service = challenge.params.service;
    const wanted = scope || challenge.params.scope;
    if (wanted) params.scope = wanted;
    if (creds) params.account = creds.username;
    const url = withQuery(realm, params);
    const headers: Record<string, string> = {};
    if (creds) headers.Authorization = `Basic ${base64(`${creds.username}:${creds.password}`)}`;
    const response = await this.fetch({ method: 'GET', url, headers, ...(signal ? { signal } : {}) });
    const body = await readBody(response.body(), MAX_JSON, 'token response');
    if (response.status === 401 || response.status === 403) {
      throw new UnauthorizedError(await errorMessageOf(response.status, body, 'unauthorized: incorrect username or password'));
    }
    if (response.status !== 200) {
      throw new SystemError(`failed to fetch ${creds ? 'a' : 'an anonymous'} token from ${realm}: ${response.status} ${statusText(response.status)}`);
    }
    let token: unknown;
    try {
      const json = JSON.parse(fromUtf8(body)) as Record<string, unknown>;
      token = json.token ?? json.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || token === '') throw new SystemError('the registry\'s token service answered without a token');
    return `Bearer ${token}`;
  }

  /** fetch with dockerd-style network errors (and the CORS explanation in browsers). */
  async fetch(request: RegistryRequest): Promise<RegistryResponse> {
    try {
      return await this.options.fetch(request);
    } catch (error) {
      if (request.signal?.aborted) throw error;
      const verb = request.method.charAt(0) + request.method.slice(1).toLowerCase();
      let cause = error instanceof Error ? error.message : String(error);
      const inner = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
      if (inner instanceof Error && inner.message && !cause.includes(inner.message)) cause = `${cause}: ${inner.message}`;
      let message = `${verb} "${request.url}": ${cause}`;
      if (this.options.browser) {
        message +=
          ' (a browser can only reach a registry that allows cross-origin requests (CORS) from this page; Docker Hub and most public registries do not: use a registry with CORS enabled, or the Node engine)';
      }
      throw new SystemError(message, { cause: error });
    }
  }

  /** URL of a path under /v2/. */
  url(path: string): string {
    return `${this.base}/v2/${path}`;
  }

  /** Resolves a Location header (absolute, host-relative or relative) against the registry. */
  resolve(location: string): string {
    if (/^https?:\/\//i.test(location)) return location;
    if (location.startsWith('/')) return `${this.base}${location}`;
    return `${this.base}/v2/${location}`;
  }

  /** Reads a JSON-ish body (manifests, tag lists) with a size limit. */
  static read(response: RegistryResponse, what: string): Promise<Uint8Array> {
    return readBody(response.body(), MAX_JSON, what);
  }
}

/** Reads a registry error body into RegistryHttpError. */
export async function registryError(response: RegistryResponse, fallback?: string): Promise<RegistryHttpError> {
  let body: Uint8Array = new Uint8Array(0);
  try {
    body = await readBody(response.body(), MAX_JSON, 'error response');
  } catch {
    // Unreadable body: the status alone.
  }
  const errors = parseErrors(body);
  const message = await errorMessageOf(response.status, body, fallback);
  return new RegistryHttpError(response.status, errors, message);
}

function parseErrors(body: Uint8Array): RegistryErrorDetail[] {
  try {
    const json = JSON.parse(fromUtf8(body)) as { errors?: unknown };
    if (Array.isArray(json.errors)) {
      return json.errors
        .filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object')
        .map((e) => ({ code: String(e.code ?? 'UNKNOWN'), message: String(e.message ?? '') }));
    }
  } catch {
    // Not JSON.
  }
  return [];
}

async function errorMessageOf(status: number, body: Uint8Array, fallback?: string): Promise<string> {
  const errors = parseErrors(body);
  const first = errors[0];
  if (first) return `${CODE_TEXT[first.code] ?? first.code.toLowerCase()}: ${first.message}`;
  if (fallback) return fallback;
  return `unexpected status code ${status} ${statusText(status)}`;
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    409: 'Conflict',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
  };
  return texts[status] ?? '';
}

/** Turns an error from pulling `ref` into dockerd's pull errors (translatePullError). */
export function translatePullError(error: unknown, familiarName: string, familiarRef: string): unknown {
  if (!(error instanceof RegistryHttpError)) return error;
  const cause = error.message;
  switch (error.code) {
    case 'DENIED':
    case 'UNAUTHORIZED':
      return new NotFoundError(`pull access denied for ${familiarName}, repository does not exist or may require 'docker login': ${cause}`);
    case 'MANIFEST_UNKNOWN':
      return new NotFoundError(`manifest for ${familiarRef} not found: ${cause}`);
    case 'NAME_UNKNOWN':
      return new NotFoundError(`repository ${familiarName} not found: ${cause}`);
  }
  if (error.status === 404) return new NotFoundError(`manifest for ${familiarRef} not found: manifest unknown: manifest unknown`);
  return error;
}

export { EngineError };
