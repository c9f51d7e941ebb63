/**
 * `docker build PATH`: the build context is a directory of the page's
 * workspace (lesson files, the editor), sent as a tar to the classic
 * builder (POST /build); the builder's stream is printed as the legacy
 * CLI prints it ("Step 1/3 : FROM busybox", " ---> 78357bb84853", ...).
 */
import { UsageError } from '../flags.ts';
import { humanSize } from '../format/units.ts';
import { parseReference } from '../reference.ts';
import { writeTar } from '../tar.ts';
import type { TarEntry } from '../tar.ts';
import { normalizePath } from '../workspace.ts';
import type { CommandDefinition } from './command.ts';
import type { JsonMessage } from './pull.ts';

/** A .dockerignore pattern as a RegExp (`*`, `?`, `**`, and a leading "!" to re-include). */
function ignoreMatcher(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = normalizePath(negate ? line.slice(1) : line) ?? '';
      const source = pattern
        .split('/')
        .map((part) => (part === '**' ? '.*' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*').replaceAll('?', '[^/]')))
        .join('/');
      return { negate, re: new RegExp(`^${source}(/.*)?$`) };
    });
  return (path) => {
    let ignored = false;
    for (const rule of rules) if (rule.re.test(path)) ignored = !rule.negate;
    return ignored;
  };
}

export const buildCommand: CommandDefinition = {
  usage: '[OPTIONS] PATH | URL | -',
  short: 'Build an image from a Dockerfile',
  aliases: 'docker image build, docker build, docker builder build',
  flags: [
    { name: 'build-arg', type: 'list', help: 'Set build-time variables' },
    { name: 'file', short: 'f', type: 'string', help: "Name of the Dockerfile (Default is 'PATH/Dockerfile')" },
    { name: 'force-rm', type: 'bool', help: 'Always remove intermediate containers' },
    { name: 'label', type: 'list', help: 'Set metadata for an image' },
    { name: 'no-cache', type: 'bool', help: 'Do not use cache when building the image' },
    { name: 'pull', type: 'bool', help: 'Always attempt to pull a newer version of the image' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Suppress the build output and print image ID on success' },
    { name: 'rm', type: 'bool', help: 'Remove intermediate containers after a successful build', defaultValue: 'true' },
    { name: 'tag', short: 't', type: 'list', help: 'Name and optionally a tag in the "name:tag" format' },
    { name: 'target', type: 'string', help: 'Set the target build stage to build.' },
  ],
  args: { exact: 1 },
  async run(ctx, flags) {
    for (const tag of flags.list('tag')) {
      if (!parseReference(tag)) throw new UsageError(`invalid argument "${tag}" for "-t, --tag" flag: invalid reference format`, 'flag');
    }
    const contextArg = flags.args[0]!;
    if (contextArg === '-' || /^(https?|git):\/\//.test(contextArg) || contextArg.startsWith('git@')) {
      ctx.streams.err('unable to prepare context: only a directory of the workspace can be a build context in the browser\n');
      return 1;
    }
    const dir = normalizePath(contextArg);
    if (dir === null || !ctx.workspace.isDirectory(dir)) {
      ctx.streams.err(`unable to prepare context: path "${contextArg}" not found\n`);
      return 1;
    }
    const dockerfile = flags.string('file') || 'Dockerfile';
    const dockerfileInContext = normalizePath(dir ? `${dir}/${dockerfile}` : dockerfile);
    if (dockerfileInContext === null || ctx.workspace.read(dockerfileInContext) === null) {
      ctx.streams.err(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat /workspace/${dockerfileInContext ?? dockerfile}: no such file or directory\n`);
      return 1;
    }
    const strip = (path: string) => (dir ? path.slice(dir.length + 1) : path);
    const ignoreText = ctx.workspace.read(dir ? `${dir}/.dockerignore` : '.dockerignore');
    const ignored = ignoreText ? ignoreMatcher(new TextDecoder().decode(ignoreText)) : () => false;
    const keep = (rel: string) => rel === strip(dockerfileInContext) || rel === '.dockerignore' || !ignored(rel);
    const entries: TarEntry[] = [
      ...ctx.workspace
        .directories(dir)
        .map(strip)
        .filter(keep)
        .map((path) => ({ path, type: 'dir' as const, mode: 0o755, data: new Uint8Array(0) })),
      ...ctx.workspace
        .files(dir)
        .filter((f) => keep(strip(f.path)))
        .map((f) => ({ path: strip(f.path), type: 'file' as const, mode: f.mode, data: f.data })),
    ].sort((a, b) => (a.path < b.path ? -1 : 1));
    const tar = writeTar(entries);
    const quiet = flags.bool('quiet');
    if (!quiet) ctx.streams.out(`Sending build context to Docker daemon  ${humanSize(tar.length)}\n`);

    const buildArgs: Record<string, string | null> = {};
    for (const arg of flags.list('build-arg')) {
      const eq = arg.indexOf('=');
      buildArgs[eq < 0 ? arg : arg.slice(0, eq)] = eq < 0 ? null : arg.slice(eq + 1);
    }
    const labels: Record<string, string> = {};
    for (const label of flags.list('label')) {
      const eq = label.indexOf('=');
      labels[eq < 0 ? label : label.slice(0, eq)] = eq < 0 ? '' : label.slice(eq + 1);
    }
    const params = new URLSearchParams();
    params.set('buildargs', JSON.stringify(buildArgs));
    params.set('dockerfile', flags.has('file') ? strip(dockerfileInContext) : '');
    if (flags.bool('force-rm')) params.set('forcerm', '1');
    params.set('labels', JSON.stringify(labels));
    params.set('networkmode', 'default');
    if (flags.bool('no-cache')) params.set('nocache', '1');
    if (flags.bool('pull')) params.set('pull', '1');
    if (quiet) params.set('q', '1');
    params.set('rm', flags.has('rm') && !flags.bool('rm') ? '0' : '1');
    for (const tag of flags.list('tag')) params.append('t', tag);
    params.set('target', flags.string('target'));
    params.set('version', '1');

    let imageId = '';
    let quietOutput = '';
    let failure: { message: string; code: number } | null = null;
    const handle = await ctx.api.jsonStream<JsonMessage>(
      'POST',
      `/build?${params.toString().replaceAll('+', '%20')}`,
      (message) => {
        if (failure) return;
        if (message.errorDetail || message.error) {
          failure = { message: message.errorDetail?.message ?? message.error ?? '', code: message.errorDetail?.code ?? 0 };
          return;
        }
        if (message.aux?.ID) imageId = message.aux.ID;
        const text = message.stream ?? (message.status !== undefined ? `${message.id ? `${message.id}: ` : ''}${message.status}\n` : undefined);
        if (text === undefined) return;
        // With -q the CLI keeps the stream (the builder sends only the ID) and prints it at the end.
        if (quiet) quietOutput += text;
        else ctx.streams.out(text);
      },
      { bytes: tar, contentType: 'application/x-tar' },
    );
    await handle.done;
    if (failure) {
      const { message, code } = failure as { message: string; code: number };
      if (quiet) ctx.streams.err(quietOutput);
      ctx.streams.err(`${message}\n`);
      return code || 1;
    }
    if (quiet) ctx.streams.out(quietOutput || (imageId ? `${imageId}\n` : ''));
    return 0;
  },
};
