/**
 * Image commands: images (image ls), rmi, tag, history, image prune.
 * Rows and sizes as the CLI prints them ("395kB", "23 months ago", one row
 * per repository:tag, "<none>" for dangling images).
 */
import type { ImageDeleteResponseItem, ImageHistoryItem, ImagePruneReport, ImageSummary } from '../../../engine/types/image.ts';
import { queryString, ref } from '../api.ts';
import { contextJson, FormatError, renderList } from '../format/list.ts';
import { STRUCT_TYPE } from '../format/template.ts';
import { ellipsis, truncateId } from '../format/text.ts';
import { ago, humanSize, humanSizeWithPrecision } from '../format/units.ts';
import { parseReference } from '../reference.ts';
import type { CommandContext, CommandDefinition } from './command.ts';
import { errorLine } from './command.ts';
import { confirm } from './containers.ts';
import { filtersJson, goTimeString } from './ps.ts';

const FORMAT_HELP =
  "Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates";

export const FORMAT_FLAG = { name: 'format', type: 'string', help: FORMAT_HELP } as const;

const IMAGE_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';
const IMAGE_TABLE_DIGEST = 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';
const IMAGE_HEADERS = {
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  VirtualSize: 'SIZE',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
};

/** One row of `docker images`. */
class ImageRow {
  readonly [STRUCT_TYPE] = '*formatter.imageContext';
  constructor(
    private readonly i: ImageSummary,
    private readonly trunc: boolean,
    readonly Repository: string,
    readonly Tag: string,
    readonly Digest: string,
    private readonly now: number,
  ) {}
  get ID(): string {
    return this.trunc ? truncateId(this.i.Id) : this.i.Id;
  }
  get CreatedSince(): string {
    return ago(this.i.Created, this.now);
  }
  get CreatedAt(): string {
    return goTimeString(this.i.Created);
  }
  get Size(): string {
    return humanSizeWithPrecision(this.i.Size, 3);
  }
  get Containers(): string {
    return this.i.Containers === -1 ? 'N/A' : String(this.i.Containers);
  }
  get VirtualSize(): string {
    return humanSize(this.i.Size);
  }
  get SharedSize(): string {
    return this.i.SharedSize === -1 ? 'N/A' : humanSize(this.i.SharedSize);
  }
  get UniqueSize(): string {
    return this.i.Size === -1 || this.i.SharedSize === -1 ? 'N/A' : humanSize(this.i.Size - this.i.SharedSize);
  }
  toJSON(): Record<string, unknown> {
    return contextJson(['Containers', 'CreatedAt', 'CreatedSince', 'Digest', 'ID', 'Repository', 'SharedSize', 'Size', 'Tag', 'UniqueSize', 'VirtualSize'], this as unknown as Record<string, unknown>);
  }
}

function isDangling(image: ImageSummary): boolean {
  const tags = image.RepoTags ?? [];
  const digests = image.RepoDigests ?? [];
  if (tags.length === 0 && digests.length === 0) return true;
  return tags.length === 1 && tags[0] === '<none>:<none>' && digests.length === 1 && digests[0] === '<none>@<none>';
}

/** The rows of one image: one per repository:tag (digests shown when asked), "<none>" when dangling. */
function imageRows(image: ImageSummary, trunc: boolean, showDigests: boolean, now: number): ImageRow[] {
  if (isDangling(image)) return [new ImageRow(image, trunc, '<none>', '<none>', '<none>', now)];
  const tags = new Map<string, string[]>();
  const digests = new Map<string, string[]>();
  for (const text of image.RepoTags ?? []) {
    const parsed = parseReference(text);
    if (parsed?.tag) (tags.get(parsed.familiar) ?? tags.set(parsed.familiar, []).get(parsed.familiar)!).push(parsed.tag);
  }
  for (const text of image.RepoDigests ?? []) {
    const parsed = parseReference(text);
    if (parsed?.digest) (digests.get(parsed.familiar) ?? digests.set(parsed.familiar, []).get(parsed.familiar)!).push(parsed.digest);
  }
  const rows: ImageRow[] = [];
  // The CLI walks a Go map here (random order); sorted repositories keep the output stable.
  for (const repo of [...tags.keys()].sort()) {
    const repoDigests = showDigests ? (digests.get(repo) ?? []) : [];
    digests.delete(repo);
    for (const tag of tags.get(repo)!) {
      if (repoDigests.length === 0) rows.push(new ImageRow(image, trunc, repo, tag, '<none>', now));
      else for (const d of repoDigests) rows.push(new ImageRow(image, trunc, repo, tag, d, now));
    }
  }
  for (const repo of [...digests.keys()].sort()) {
    if (showDigests) for (const d of digests.get(repo)!) rows.push(new ImageRow(image, trunc, repo, '<none>', d, now));
    else rows.push(new ImageRow(image, trunc, repo, '<none>', '', now));
  }
  return rows;
}

export const imagesCommand: CommandDefinition = {
  usage: '[OPTIONS] [REPOSITORY[:TAG]]',
  short: 'List images',
  aliases: 'docker image ls, docker image list, docker images',
  flags: [
    { name: 'all', short: 'a', type: 'bool', help: 'Show all images (default hides intermediate images)' },
    { name: 'digests', type: 'bool', help: 'Show digests' },
    { name: 'filter', short: 'f', type: 'filter', help: 'Filter output based on conditions provided' },
    FORMAT_FLAG,
    { name: 'no-trunc', type: 'bool', help: "Don't truncate output" },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only show image IDs' },
  ],
  args: { max: 1 },
  async run(ctx, flags) {
    const filterList = flags.list('filter');
    if (flags.args[0]) filterList.push(`reference=${flags.args[0]}`);
    const images: ImageSummary[] = await ctx.api.json<ImageSummary[]>('GET', `/images/json${queryString({ all: flags.bool('all'), filters: filtersJson(filterList) })}`);
    const format = flags.string('format');
    const showDigests = flags.bool('digests') || format.includes('{{.Digest}}');
    const now = ctx.streams.now();
    const rows = images.flatMap((image) => imageRows(image, !flags.bool('no-trunc'), showDigests, now));
    let effective = format;
    if (format.startsWith('table') && flags.bool('digests') && !format.includes('{{.Digest}}')) effective += '\t{{.Digest}}';
    try {
      ctx.streams.out(renderList({ format: effective, defaultTable: flags.bool('digests') ? IMAGE_TABLE_DIGEST : IMAGE_TABLE, quiet: flags.bool('quiet'), headers: IMAGE_HEADERS }, rows));
    } catch (error) {
      if (error instanceof FormatError) {
        ctx.streams.err(`${error.message}\n`);
        return 1;
      }
      throw error;
    }
    return 0;
  },
};

export const rmiCommand: CommandDefinition = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  short: 'Remove one or more images',
  aliases: 'docker image rm, docker image remove, docker rmi',
  flags: [
    { name: 'force', short: 'f', type: 'bool', help: 'Force removal of the image' },
    { name: 'no-prune', type: 'bool', help: 'Do not delete untagged parents' },
  ],
  args: { min: 1 },
  async run(ctx, flags) {
    const errors: string[] = [];
    for (const name of flags.args) {
      try {
        const items = await ctx.api.json<ImageDeleteResponseItem[]>('DELETE', `/images/${ref(name)}${queryString({ force: flags.bool('force'), noprune: flags.bool('no-prune') })}`);
        for (const item of items) {
          if (item.Untagged) ctx.streams.out(`Untagged: ${item.Untagged}\n`);
          if (item.Deleted) ctx.streams.out(`Deleted: ${item.Deleted}\n`);
        }
      } catch (error) {
        errors.push(errorLine(error));
      }
    }
    if (errors.length) {
      ctx.streams.err(`${errors.join('\n')}\n`);
      return 1;
    }
    return 0;
  },
};

export const tagCommand: CommandDefinition = {
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  short: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  aliases: 'docker image tag, docker tag',
  flags: [],
  args: { exact: 2 },
  async run(ctx, flags) {
    const [source, target] = flags.args as [string, string];
    const parsed = parseReference(target);
    if (!parsed) {
      const lower = parseReference(target.toLowerCase());
      let name = target.replace(/@.*$/, '');
      if (name.lastIndexOf(':') > name.lastIndexOf('/')) name = name.slice(0, name.lastIndexOf(':'));
      const path = lower && lower.repository.startsWith('docker.io/library/') && !name.includes('/') ? `library/${name}` : name;
      const detail = lower ? `: repository name (${path}) must be lowercase` : '';
      ctx.streams.err(`Error parsing reference: "${target}" is not a valid repository/tag: invalid reference format${detail}\n`);
      return 1;
    }
    if (parsed.digest) {
      ctx.streams.err('refusing to create a tag with a digest reference\n');
      return 1;
    }
    await ctx.api.raw('POST', `/images/${ref(source)}/tag?repo=${ref(parsed.repository)}&tag=${ref(parsed.tag ?? 'latest')}`);
    return 0;
  },
};

const HISTORY_TABLE = 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';

class HistoryRow {
  readonly [STRUCT_TYPE] = '*formatter.historyContext';
  constructor(
    private readonly h: ImageHistoryItem,
    private readonly trunc: boolean,
    private readonly human: boolean,
    private readonly now: number,
  ) {}
  get ID(): string {
    return this.trunc ? truncateId(this.h.Id) : this.h.Id;
  }
  get CreatedSince(): string {
    return this.human ? ago(this.h.Created, this.now) : new Date(this.h.Created * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  }
  get CreatedAt(): string {
    return new Date(this.h.Created * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  }
  get CreatedBy(): string {
    const text = this.h.CreatedBy.replaceAll('\t', ' ');
    return this.trunc ? ellipsis(text, 45) : text;
  }
  get Size(): string {
    return this.human ? humanSizeWithPrecision(this.h.Size, 3) : String(this.h.Size);
  }
  get Comment(): string {
    return this.h.Comment;
  }
  toJSON(): Record<string, unknown> {
    return contextJson(['Comment', 'CreatedAt', 'CreatedBy', 'CreatedSince', 'ID', 'Size'], this as unknown as Record<string, unknown>);
  }
}

export const historyCommand: CommandDefinition = {
  usage: '[OPTIONS] IMAGE',
  short: 'Show the history of an image',
  aliases: 'docker image history, docker history',
  flags: [
    FORMAT_FLAG,
    { name: 'human', short: 'H', type: 'bool', help: 'Print sizes and dates in human readable format', defaultValue: 'true' },
    { name: 'no-trunc', type: 'bool', help: "Don't truncate output" },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only show image IDs' },
  ],
  args: { exact: 1 },
  async run(ctx, flags) {
    const history: ImageHistoryItem[] = await ctx.api.json<ImageHistoryItem[]>('GET', `/images/${ref(flags.args[0]!)}/history`);
    const human = flags.has('human') ? flags.bool('human') : true;
    const now = ctx.streams.now();
    const rows = history.map((h) => new HistoryRow(h, !flags.bool('no-trunc'), human, now));
    try {
      ctx.streams.out(
        renderList(
          { format: flags.string('format'), defaultTable: HISTORY_TABLE, quiet: flags.bool('quiet'), headers: { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' } },
          rows,
        ),
      );
    } catch (error) {
      if (error instanceof FormatError) {
        ctx.streams.err(`${error.message}\n`);
        return 1;
      }
      throw error;
    }
    return 0;
  },
};

export const imagePruneCommand: CommandDefinition = {
  usage: '[OPTIONS]',
  short: 'Remove unused images',
  flags: [
    { name: 'all', short: 'a', type: 'bool', help: 'Remove all unused images, not just dangling ones' },
    { name: 'filter', type: 'filter', help: 'Provide filter values (e.g. "until=<timestamp>")' },
    { name: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' },
  ],
  args: { none: true },
  async run(ctx: CommandContext, flags) {
    const all = flags.bool('all');
    const warning = all ? 'WARNING! This will remove all images without at least one container associated to them.' : 'WARNING! This will remove all dangling images.';
    if (!flags.bool('force') && !(await confirm(ctx, warning))) return 0;
    const filters = flags.list('filter');
    filters.push(`dangling=${all ? 'false' : 'true'}`);
    const report = await ctx.api.json<ImagePruneReport>('POST', `/images/prune${queryString({ filters: filtersJson(filters) })}`);
    let out = '';
    if (report.ImagesDeleted?.length) {
      out += 'Deleted Images:\n';
      for (const item of report.ImagesDeleted) out += item.Untagged ? `untagged: ${item.Untagged}\n` : `deleted: ${item.Deleted}\n`;
      out += '\n';
    }
    out += `Total reclaimed space: ${humanSize(report.SpaceReclaimed)}\n`;
    ctx.streams.out(out);
    return 0;
  },
};
