/**
 * `docker cp` between a container and the page's workspace (the "local
 * filesystem" of the in-browser CLI), with the CLI's rules: copying into an
 * existing directory puts the source inside it, otherwise the destination
 * names the copy; "-" streams a tar to standard output.
 */
import type { PathStat } from '../../../engine/types/container.ts';
import { ref } from '../api.ts';
import { humanSize } from '../format/units.ts';
import { readTar, writeTar } from '../tar.ts';
import type { TarEntry } from '../tar.ts';
import { normalizePath } from '../workspace.ts';
import type { CommandContext, CommandDefinition } from './command.ts';

/** Splits "container:path"; null for a local path (one containing "/" before any ":", or starting with "." or "/"). */
function splitContainerPath(arg: string): { container: string; path: string } | null {
  if (arg.startsWith('/') || arg.startsWith('.')) return null;
  const colon = arg.indexOf(':');
  if (colon <= 0) return null;
  const container = arg.slice(0, colon);
  if (container.includes('/')) return null;
  return { container, path: arg.slice(colon + 1) };
}

function decodeStat(header: string | undefined): PathStat | null {
  if (!header) return null;
  try {
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(header), (c) => c.charCodeAt(0)))) as PathStat;
  } catch {
    return null;
  }
}

const DIR_MODE = 2 ** 31;

function basename(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  return parts[parts.length - 1] ?? '';
}

async function copyFromContainer(ctx: CommandContext, container: string, srcPath: string, dest: string, quiet: boolean): Promise<number> {
  const path = srcPath === '' ? '/' : srcPath;
  const response = await ctx.api.raw('GET', `/containers/${ref(container)}/archive?path=${ref(path)}`);
  if (dest === '-') {
    ctx.streams.out(response.body);
    return 0;
  }
  const target = normalizePath(dest);
  if (target === null) {
    ctx.streams.err(`invalid output path: ${dest}\n`);
    return 1;
  }
  const entries = readTar(response.body);
  const stat = decodeStat(response.headers['x-docker-container-path-stat'] ?? response.headers['X-Docker-Container-Path-Stat']);
  const sourceName = stat?.name ?? basename(path);
  const sourceIsDir = stat ? (stat.mode & DIR_MODE) !== 0 : entries.some((e) => e.path === sourceName && e.type === 'dir');
  const destIsDir = ctx.workspace.isDirectory(target);
  if (!destIsDir && dest.endsWith('/') && !sourceIsDir) {
    ctx.streams.err(`destination directory "${dest}" must exist\n`);
    return 1;
  }
  if (!sourceIsDir && srcPath.endsWith('/')) {
    ctx.streams.err(`Error response from daemon: not a directory\n`);
    return 1;
  }
  // The archive's top entry is the source's own name; rename it when the destination names the copy.
  const rename = (entryPath: string) => {
    const rest = entryPath === sourceName ? '' : entryPath.slice(sourceName.length + 1);
    const base = destIsDir ? (target === '' ? sourceName : `${target}/${sourceName}`) : target;
    if (destIsDir && sourceIsDir && srcPath.endsWith('/.')) return rest ? (target ? `${target}/${rest}` : rest) : target;
    return rest ? `${base}/${rest}` : base;
  };
  let copied = 0;
  for (const entry of entries) {
    if (entry.path !== sourceName && !entry.path.startsWith(`${sourceName}/`)) continue;
    const to = rename(entry.path);
    if (entry.type === 'dir') ctx.workspace.mkdir(to);
    else if (entry.type === 'file') {
      ctx.workspace.write(to, entry.data, entry.mode & 0o777);
      copied += entry.data.length;
    }
  }
  if (!quiet && ctx.streams.terminal) ctx.streams.err(`Successfully copied ${humanSize(Math.max(copied, response.body.length))} to ${dest}\n`);
  return 0;
}

async function copyToContainer(ctx: CommandContext, src: string, container: string, destPath: string, quiet: boolean): Promise<number> {
  const source = normalizePath(src);
  if (source === null || !ctx.workspace.exists(source)) {
    ctx.streams.err(`lstat /workspace/${src.replace(/^\.\//, '')}: no such file or directory\n`);
    return 1;
  }
  const sourceIsDir = ctx.workspace.isDirectory(source);
  const sourceName = basename(source) || 'workspace';
  // Where it goes: into an existing directory under its own name, or as the destination's name.
  let destStat: PathStat | null = null;
  try {
    const head = await ctx.api.raw('HEAD', `/containers/${ref(container)}/archive?path=${ref(destPath)}`);
    destStat = decodeStat(head.headers['x-docker-container-path-stat'] ?? head.headers['X-Docker-Container-Path-Stat']);
  } catch {
    destStat = null;
  }
  const destIsDir = destStat !== null && (destStat.mode & DIR_MODE) !== 0;
  let extractDir: string;
  let topName: string;
  if (destIsDir) {
    extractDir = destPath;
    topName = sourceName;
  } else {
    if (destPath.endsWith('/')) {
      ctx.streams.err(`Error response from daemon: Could not find the file ${destPath} in container ${container}\n`);
      return 1;
    }
    const slash = destPath.replace(/\/+$/, '').lastIndexOf('/');
    extractDir = slash <= 0 ? '/' : destPath.slice(0, slash);
    topName = destPath.slice(slash + 1);
  }
  const entries: TarEntry[] = [];
  if (sourceIsDir) {
    entries.push({ path: topName, type: 'dir', mode: 0o755, data: new Uint8Array(0) });
    for (const dir of ctx.workspace.directories(source)) entries.push({ path: `${topName}/${source ? dir.slice(source.length + 1) : dir}`, type: 'dir', mode: 0o755, data: new Uint8Array(0) });
    for (const file of ctx.workspace.files(source)) entries.push({ path: `${topName}/${source ? file.path.slice(source.length + 1) : file.path}`, type: 'file', mode: file.mode, data: file.data });
  } else {
    const data = ctx.workspace.read(source)!;
    entries.push({ path: topName, type: 'file', mode: ctx.workspace.files().find((f) => f.path === source)?.mode ?? 0o644, data });
  }
  const tar = writeTar(entries);
  await ctx.api.raw('PUT', `/containers/${ref(container)}/archive?noOverwriteDirNonDir=true&path=${ref(extractDir)}`, { bytes: tar, contentType: 'application/x-tar' });
  if (!quiet && ctx.streams.terminal) ctx.streams.err(`Successfully copied ${humanSize(tar.length)} to ${container}:${destPath}\n`);
  return 0;
}

export const cpCommand: CommandDefinition = {
  usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tdocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  short: 'Copy files/folders between a container and the local filesystem',
  aliases: 'docker container cp, docker cp',
  flags: [
    { name: 'archive', short: 'a', type: 'bool', help: 'Archive mode (copy all uid/gid information)' },
    { name: 'follow-link', short: 'L', type: 'bool', help: 'Always follow symbol link in SRC_PATH' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached' },
  ],
  args: { exact: 2 },
  async run(ctx, flags) {
    const [src, dest] = flags.args as [string, string];
    const from = splitContainerPath(src);
    const to = splitContainerPath(dest);
    if (from && to) {
      ctx.streams.err('copying between containers is not supported\n');
      return 1;
    }
    if (!from && !to) {
      ctx.streams.err('must specify at least one container source\n');
      return 1;
    }
    if (from) return await copyFromContainer(ctx, from.container, from.path, dest, flags.bool('quiet'));
    if (src === '-') {
      ctx.streams.err('copying from standard input is not supported in the browser\n');
      return 1;
    }
    return await copyToContainer(ctx, src, to!.container, to!.path, flags.bool('quiet'));
  },
};
