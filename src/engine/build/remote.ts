/**
 * ADD <url>: the download (dockerd's downloadSource), through the fetch the
 * entry point injects (Node's fetch; a page's fetch in a browser, which
 * reaches only servers that send CORS headers). The file lands in a
 * one-file tree with mode 0600 and the Last-Modified time (else the
 * epoch), named after the URL path or Content-Disposition.
 */
import { concatBytes } from '../../common/bytes.ts';
import { MemFs } from '../../unionfs/memfs/memfs.ts';
import { MountNamespace } from '../../unionfs/vfs/mount-namespace.ts';
import type { RegistryFetch } from '../images/registry/http.ts';
import type { ProgressSink } from '../types/json-message.ts';
import { statHash } from './copy.ts';
import type { CopyInfo } from './copy.ts';
import { CopyError } from './fs-ops.ts';

const UNNAMED = '__unnamed__';

/** dockerd's urlutil.IsURL. */
export function isUrl(source: string): boolean {
  return source.startsWith('http://') || source.startsWith('https://');
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  410: 'Gone',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function filenameFor(url: string, contentDisposition: string | null): string {
  // The URL's path: after "scheme://host", before "?" or "#".
  const afterHost = url.replace(/^[a-z]+:\/\/[^/?#]*/i, '');
  const path = /^[^?#]*/.exec(afterHost)![0];
  if (path !== '' && !path.endsWith('/')) {
    let name = path.slice(path.lastIndexOf('/') + 1);
    try {
      name = decodeURIComponent(name);
    } catch {
      // Keep it as written.
    }
    if (name !== '') return name;
  }
  const match = contentDisposition ? /filename="?([^";]+)"?/i.exec(contentDisposition) : null;
  if (match && !match[1]!.endsWith('/')) {
    const name = match[1]!.slice(match[1]!.lastIndexOf('/') + 1);
    if (name !== '') return name;
  }
  return '';
}

function causeText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message) return `${error.message}: ${cause.message}`;
  return error.message;
}

/**
 * Downloads `url` for ADD `dest`. Errors are dockerd's: `Get "<url>": …`
 * when nothing answered, "failed to GET <url> with status 404 Not Found:
 * <body>", "cannot determine filename for source <url>".
 */
export async function downloadSource(
  url: string,
  dest: string,
  fetch: RegistryFetch | undefined,
  progress: ProgressSink,
  signal: AbortSignal,
): Promise<CopyInfo> {
  if (!fetch) throw new CopyError(`Get ${JSON.stringify(url)}: this engine has no network access (no fetch was given to the builder)`);
  let response;
  try {
    response = await fetch({ method: 'GET', url, headers: {}, signal });
  } catch (error) {
    throw new CopyError(`Get ${JSON.stringify(url)}: ${causeText(error)}`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body()) {
    chunks.push(chunk);
    total += chunk.length;
  }
  const data = concatBytes(chunks);
  if (response.status >= 400) {
    const body = new TextDecoder().decode(data).trim();
    throw new CopyError(`failed to GET ${url} with status ${response.status} ${STATUS_TEXT[response.status] ?? ''}`.trimEnd() + `: ${body}`);
  }
  const length = Number(response.header('content-length') ?? total);
  progress({ status: 'Downloading', progressDetail: { current: total, total: Number.isFinite(length) ? length : total }, id: '' });
  progress({ stream: '\n' });
  const filename = filenameFor(url, response.header('content-disposition'));
  if (filename === '' && dest.endsWith('/')) throw new CopyError(`cannot determine filename for source ${url}`);
  const name = filename === '' ? UNNAMED : filename;
  const fs = new MemFs({ type: 'download' });
  const file = fs.root().create(name, 'file', { mode: 0o600, uid: 0, gid: 0 });
  if (data.length > 0) file.write(0, data);
  const lastModified = Date.parse(response.header('last-modified') ?? '');
  file.setAttr({ mtimeNs: Number.isFinite(lastModified) ? BigInt(lastModified) * 1_000_000n : 0n });
  return { tree: { ns: new MountNamespace(fs), context: null }, path: name, hash: await statHash(name, file), noDecompress: true };
}
