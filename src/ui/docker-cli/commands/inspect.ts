/**
 * `docker inspect` and the per-object inspects (container, image, volume,
 * network): the engine's JSON re-indented as the CLI does (json.Indent,
 * four spaces, inside "[...]"), or a Go template per object with -f.
 */
import { DockerApiError } from '../../../engine/client/client.ts';
import { ref } from '../api.ts';
import { indentJson } from '../format/go-json.ts';
import { GoTemplate, TemplateError } from '../format/template.ts';
import { CONTAINER_SCHEMA, IMAGE_SCHEMA, NETWORK_SCHEMA, ociImageConfigJson, typedView, VOLUME_SCHEMA } from '../format/typed.ts';
import type { CommandContext, CommandDefinition } from './command.ts';
import { errorLine } from './command.ts';

/** A getter of one object's raw JSON by reference; throws DockerApiError (404 when missing). */
type Getter = (ctx: CommandContext, name: string, size: boolean) => Promise<string>;

const GETTERS: Record<string, Getter> = {
  container: (ctx, name, size) => ctx.api.text('GET', `/containers/${ref(name)}/json${size ? '?size=1' : ''}`),
  image: (ctx, name) => ctx.api.text('GET', `/images/${ref(name)}/json`),
  network: (ctx, name) => ctx.api.text('GET', `/networks/${ref(name)}`),
  plugin: (ctx, name) => ctx.api.text('GET', `/plugins/${ref(name)}/json`),
  volume: (ctx, name) => ctx.api.text('GET', `/volumes/${ref(name)}`),
};

const SCHEMAS: Record<string, Parameters<typeof typedView>[1]> = { container: CONTAINER_SCHEMA, image: IMAGE_SCHEMA, volume: VOLUME_SCHEMA, network: NETWORK_SCHEMA };

/** An object found by inspect: its raw JSON and its type. */
interface Found {
  readonly raw: string;
  readonly type: string;
}

/** Tries the object types in the CLI's order; a non-404 error stops the search (as the CLI does). */
async function findObject(ctx: CommandContext, name: string, types: readonly string[], size: boolean): Promise<Found> {
  for (const type of types) {
    try {
      return { raw: await GETTERS[type]!(ctx, name, size && type === 'container'), type };
    } catch (error) {
      if (error instanceof DockerApiError && error.status === 404) continue;
      throw error;
    }
  }
  throw new Error(`Error: No such object: ${name}`);
}

/** Go's map encoding sorts keys: the raw fallback marshals decoded maps that way. */
function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(record).sort().map((k) => [k, sortKeysDeep(record[k])]));
  }
  return value;
}

/**
 * Runs an inspect template the way the CLI does: first on the typed Go
 * struct (here: the JSON with typed zero values, and "ID" where Go's field
 * is ID but the JSON key is "Id"); if that fails, on the raw JSON decoded
 * as maps with missingkey=error.
 */
function executeInspect(template: GoTemplate, found: Found): string {
  const schema = SCHEMAS[found.type];
  if (schema) {
    try {
      const value = JSON.parse(found.raw) as Record<string, unknown>;
      const typed = 'Id' in value ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k === 'Id' ? 'ID' : k, v])) : value;
      if (found.type === 'image') ociImageConfigJson(typed);
      return template.execute(typedView(typed, schema), undefined, { missingKey: 'error', strictStructs: true });
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
    }
  }
  return template.execute(sortKeysDeep(JSON.parse(found.raw)), undefined, { missingKey: 'error' });
}

/** Prints inspect output for `names`; errors after the output, one per line (the CLI's inspect.Inspect). */
async function inspectAll(ctx: CommandContext, names: readonly string[], format: string, get: (name: string) => Promise<Found>, notFound?: (name: string) => string): Promise<number> {
  let template: GoTemplate | null = null;
  if (format !== '' && format !== 'json') {
    try {
      template = GoTemplate.parse(format);
    } catch (error) {
      ctx.streams.err(`template parsing error: ${(error as Error).message}\n`);
      return 64;
    }
  }
  const raws: string[] = [];
  const lines: string[] = [];
  const errors: string[] = [];
  for (const name of names) {
    let found: Found;
    try {
      found = await get(name);
    } catch (error) {
      if (notFound && error instanceof DockerApiError && error.status === 404) errors.push(notFound(name));
      else errors.push(errorLine(error));
      continue;
    }
    if (template) {
      try {
        lines.push(executeInspect(template, found));
      } catch (error) {
        if (error instanceof TemplateError) errors.push(`template parsing error: ${error.message}`);
        else throw error;
      }
    } else raws.push(found.raw);
  }
  if (template) ctx.streams.out(lines.length ? lines.map((l) => `${l}\n`).join('') : '\n');
  else if (format === 'json') ctx.streams.out(`[${raws.join(',')}]\n`);
  else ctx.streams.out(raws.length ? `${indentJson(`[${raws.join(',')}]`)}\n` : '[]\n');
  if (errors.length) {
    ctx.streams.err(`${errors.join('\n')}\n`);
    return 1;
  }
  return 0;
}

const FORMAT_HELP =
  "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates";

export const inspectCommand: CommandDefinition = {
  usage: '[OPTIONS] NAME|ID [NAME|ID...]',
  short: 'Return low-level information on Docker objects',
  flags: [
    { name: 'format', short: 'f', type: 'string', help: FORMAT_HELP },
    { name: 'size', short: 's', type: 'bool', help: 'Display total file sizes if the type is container' },
    { name: 'type', type: 'string', help: 'Only inspect objects of the given type' },
  ],
  args: { min: 1 },
  async run(ctx, flags) {
    const type = flags.string('type');
    const types = type === '' ? ['container', 'image', 'network', 'plugin', 'volume'] : [type];
    if (type !== '' && !GETTERS[type]) {
      ctx.streams.err(`"${type}" is not a valid value for --type\n`);
      return 1;
    }
    return inspectAll(ctx, flags.args, flags.string('format'), (name) => findObject(ctx, name, types, flags.bool('size')));
  },
};

function typedInspect(type: 'container' | 'image' | 'volume' | 'network', short: string, usage: string, notFound?: (name: string) => string): CommandDefinition {
  return {
    usage,
    short,
    flags: [
      { name: 'format', short: 'f', type: 'string', help: FORMAT_HELP },
      ...(type === 'container' ? [{ name: 'size', short: 's', type: 'bool' as const, help: 'Display total file sizes' }] : []),
    ],
    args: { min: 1 },
    run: (ctx, flags) => inspectAll(ctx, flags.args, flags.string('format'), async (name) => ({ raw: await GETTERS[type]!(ctx, name, flags.bool('size')), type }), notFound),
  };
}

export const containerInspectCommand = typedInspect('container', 'Display detailed information on one or more containers', '[OPTIONS] CONTAINER [CONTAINER...]');
export const imageInspectCommand = typedInspect('image', 'Display detailed information on one or more images', '[OPTIONS] IMAGE [IMAGE...]');
export const volumeInspectCommand = typedInspect('volume', 'Display detailed information on one or more volumes', '[OPTIONS] VOLUME [VOLUME...]');
export const networkInspectCommand = typedInspect('network', 'Display detailed information on one or more networks', '[OPTIONS] NETWORK [NETWORK...]');
