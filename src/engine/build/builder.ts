/**
 * The classic builder behind POST /build (dockerd 20.10's BuildManager and
 * Builder): reads the context, parses the Dockerfile, runs the stages
 * (meta ARGs, FROM with ONBUILD triggers, each instruction with its cache
 * lookup and commit), prints the "Step N/M" stream, and tags the result.
 * Also /build/prune (untagged images this builder made and nothing uses)
 * and /build/cancel.
 *
 * Ownership: each build owns its session (context tree, output, stage
 * results) until it returns; the images it commits belong to the image
 * store; the RUN containers belong to the container manager, and the
 * build removes them after a successful step (after a failed one only with
 * --force-rm, as dockerd).
 */
import { concatBytes } from '../../common/bytes.ts';
import type { BuildBackend } from '../api/routers/build-backend.ts';
import { randomId, shortId } from '../daemon/ids.ts';
import { CancelledError, InvalidParameterError, NotFoundError, NotImplementedError, SystemError, errorMessage } from '../errors.ts';
import type { Image } from '../images/image-store.ts';
import { familiarString, parseNormalizedNamed, tagNameOnly } from '../images/reference.ts';
import type { Reference } from '../images/reference.ts';
import type { BuildOptions, BuildPruneOptions, BuildPruneReport } from '../types/build.ts';
import type { ProgressSink } from '../types/json-message.ts';
import { BuildArgs } from './build-args.ts';
import { BuildContext } from './context.ts';
import { dispatch, getImage, newStageState, StageResults, StepError, updateRunConfig } from './dispatch.ts';
import type { BuildSession, BuilderDeps, StageState } from './dispatch.ts';
import { ignored, readDockerignore } from './dockerignore.ts';
import { ImageProber } from './image-cache.ts';
import { InstructionError, labelInstructions, parseCommand, parseStages } from './instructions.ts';
import type { Instruction, Stage } from './instructions.ts';
import { Lex, LexError } from './lex.ts';
import { BuildOutput } from './output.ts';
import { DockerfileSyntaxError, parseDockerfile } from './parser.ts';

/** Records of the images builds committed (what /build/prune may delete). */
const BUILT_PREFIX = 'build/image/';

/** dockerd's sanitizeRepoAndTags: references checked before anything runs, duplicates dropped. */
function buildTags(names: readonly string[]): Reference[] {
  const out: Reference[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '') continue;
    const ref = parseNormalizedNamed(name);
    if (ref.digest !== undefined) throw new InvalidParameterError('build tag cannot contain a digest');
    const tagged = tagNameOnly(ref);
    const key = familiarString(tagged);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(tagged);
  }
  return out;
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return concatBytes(chunks);
}

export class ClassicBuilder implements BuildBackend {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly deps: BuilderDeps) {}

  async build(options: BuildOptions, contextStream: AsyncIterable<Uint8Array>, progress: ProgressSink, signal: AbortSignal): Promise<string> {
    const tags = buildTags(options.tags);
    if (options.remote !== '') throw new NotImplementedError('remote build contexts (git and tarball URLs) are not supported by Drydock: send the context');
    const context = await BuildContext.fromTar(await collect(contextStream));
    const dockerfilePath = options.dockerfile || 'Dockerfile';
    const dockerfile = context.dockerfile(dockerfilePath);
    let parsed;
    try {
      parsed = parseDockerfile(dockerfile.text);
    } catch (error) {
      if (error instanceof DockerfileSyntaxError) throw new InvalidParameterError(`failed to parse ${dockerfilePath}: ${error.message}`);
      throw error;
    }
    const ignore = context.readFile('.dockerignore');
    if (ignore !== null) {
      const patterns = readDockerignore(ignore);
      for (const file of ['.dockerignore', dockerfile.name]) if (ignored(file, patterns)) context.remove(file);
    }
    let stages: Stage[];
    let metaArgs: Extract<Instruction, { kind: 'arg' }>[];
    try {
      ({ stages, metaArgs } = parseStages(parsed.nodes));
    } catch (error) {
      if (error instanceof InstructionError) throw new InvalidParameterError(error.message);
      throw error;
    }
    if (options.target !== '') {
      const index = stages.findIndex((s) => s.name === options.target.toLowerCase());
      if (index < 0) throw new InvalidParameterError(`failed to reach build target ${options.target} in Dockerfile`);
      stages = stages.slice(0, index + 1);
    }
    if (stages.length > 0 && Object.keys(options.labels).length > 0) stages[stages.length - 1]!.commands.push(...labelInstructions(options.labels));

    const buildId = randomId();
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort);
    this.running.set(buildId, controller);
    const out = new BuildOutput(progress);
    const session: BuildSession = {
      deps: this.deps,
      options,
      out,
      signal: controller.signal,
      context,
      lex: new Lex(parsed.escapeToken),
      prober: new ImageProber(this.deps.store, options.noCache),
      stages: new StageResults(),
      containers: new Set(),
    };
    try {
      if (parsed.warnings.length > 0) out.stderr(`${parsed.warnings.join('\n')}\n`);
      const state = await this.runStages(session, stages, metaArgs);
      if (!state || state.imageId === '') throw new SystemError('No image was generated. Is your Dockerfile empty?');
      const image = this.deps.store.get(state.imageId)!;
      out.stdout(`Successfully built ${shortId(image.id)}\n`);
      for (const ref of tags) {
        await this.deps.store.tag(image, ref);
        out.stdout(`Successfully tagged ${familiarString(ref)}\n`);
      }
      return image.id;
    } catch (error) {
      if (options.forceRemove || controller.signal.aborted) await this.removeContainers(session);
      if (error instanceof LexError) throw new InvalidParameterError(error.message);
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.running.delete(buildId);
    }
  }

  private async removeContainers(session: BuildSession): Promise<void> {
    for (const container of session.containers) {
      await this.deps.containers.remove(container, { force: true, removeVolumes: true }).catch(() => {});
      session.out.stdout(`Removing intermediate container ${container.id.slice(0, 12)}\n`);
    }
    session.containers.clear();
  }

  /** dispatchDockerfileWithCancellation: every stage in order; the last stage's state. */
  private async runStages(session: BuildSession, stages: readonly Stage[], metaArgs: readonly Extract<Instruction, { kind: 'arg' }>[]): Promise<StageState | null> {
    const { out } = session;
    const buildArgs = new BuildArgs(session.options.buildArgs);
    const total = metaArgs.length + stages.length + stages.reduce((n, s) => n + s.commands.length, 0);
    let index = 1;
    const step = (code: string) => {
      out.stdout(`Step ${index++}/${total} : ${code}`);
      out.stdout('\n');
    };
    for (const meta of metaArgs) {
      step(meta.code);
      const env = [...buildArgs.allAllowed()].map(([k, v]) => `${k}=${v}`);
      for (const arg of meta.args) {
        const key = session.lex.processWord(arg.key, env);
        const value = arg.value === null ? null : session.lex.processWord(arg.value, env);
        buildArgs.addArg(key, value);
        buildArgs.addMetaArg(key, value);
      }
    }
    let state: StageState | null = null;
    for (const stage of stages) {
      session.stages.checkNameAvailable(stage.name);
      step(stage.code);
      state = await this.initializeStage(session, stage, buildArgs.forStage());
      updateRunConfig(state);
      out.stdout(` ---> ${shortId(state.imageId)}\n`);
      for (const instruction of stage.commands) {
        if (session.signal.aborted) {
          out.stdout('Build cancelled\n');
          throw new CancelledError('Build cancelled');
        }
        step(instruction.code);
        await this.record(session, state, () => dispatch(session, state!, instruction));
        updateRunConfig(state);
        out.stdout(` ---> ${shortId(state.imageId)}\n`);
      }
      if (state.imageId !== '') out.aux(state.imageId);
      buildArgs.mergeReferenced(state.buildArgs);
      session.stages.add(stage.name, state.imageId);
    }
    const unused = buildArgs.unused();
    if (unused.length > 0) out.stdout(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
    return state;
  }

  /** Runs a step and records the image it committed as the builder's (for prune). */
  private async record(session: BuildSession, state: StageState, step: () => Promise<void>): Promise<void> {
    const before = state.imageId;
    await step();
    if (state.imageId !== before && state.imageId !== '') {
      await this.deps.store.blobs.commit([{ op: 'putRecord', key: BUILT_PREFIX + state.imageId, value: { id: state.imageId } }]);
    }
  }

  /** FROM: the base image (a stage, scratch, a stored or pulled image), then its ONBUILD triggers. */
  private async initializeStage(session: BuildSession, stage: Stage, buildArgs: BuildArgs): Promise<StageState> {
    session.prober.reset();
    const meta = [...buildArgs.allMeta()].map(([k, v]) => `${k}=${v}`);
    if (stage.platform !== '') session.lex.processWord(stage.platform, meta);
    const name = session.lex.processWord(stage.baseName, meta);
    if (name === '') throw new StepError(`base name (${stage.baseName}) should not be blank`);
    let image: Image | null;
    const stageImage = session.stages.byStageName(name);
    if (stageImage !== undefined) image = stageImage === '' ? null : this.deps.store.get(stageImage);
    else if (name === 'scratch') image = null;
    else image = await getImage(session, name);
    const state = newStageState(image, stage.name, buildArgs);
    const triggers = state.runConfig.OnBuild ?? [];
    if (triggers.length > 0) {
      delete state.runConfig.OnBuild;
      session.out.stdout(`# Executing ${triggers.length} build trigger`);
      if (triggers.length > 1) session.out.stdout('s');
      session.out.stdout('\n');
      for (const trigger of triggers) {
        updateRunConfig(state);
        let instruction: Instruction;
        try {
          const nodes = parseDockerfile(trigger).nodes;
          if (nodes.length !== 1) throw new Error('onbuild trigger should be a single expression');
          instruction = parseCommand(nodes[0]!);
        } catch (error) {
          throw new StepError(errorMessage(error));
        }
        await this.record(session, state, () => dispatch(session, state, instruction));
      }
    }
    return state;
  }

  /**
   * POST /build/prune: deletes the untagged images builds made that no
   * image builds on and no container uses (failed and superseded builds'
   * steps), repeatedly, newest leaves first.
   */
  async prune(_options: BuildPruneOptions): Promise<BuildPruneReport> {
    const store = this.deps.store;
    const built = new Set((await store.blobs.listRecords(BUILT_PREFIX)).map(({ key }) => key.slice(BUILT_PREFIX.length)));
    const deleted: string[] = [];
    let reclaimed = 0;
    for (let changed = true; changed; ) {
      changed = false;
      for (const id of [...built]) {
        const image = store.get(id);
        if (!image) {
          built.delete(id);
          await store.blobs.commit([{ op: 'deleteRecord', key: BUILT_PREFIX + id }]);
          continue;
        }
        if (image.repoTags.length > 0 || image.repoDigests.length > 0 || store.children(id).length > 0 || store.inUse(id)) continue;
        const sizes = new Map(image.diffIds.map((d) => [d, store.layer(d)?.size ?? 0]));
        await store.deleteImage(id);
        for (const [diffId, size] of sizes) if (!store.layer(diffId)) reclaimed += size;
        await store.blobs.commit([{ op: 'deleteRecord', key: BUILT_PREFIX + id }]);
        built.delete(id);
        deleted.push(id);
        changed = true;
      }
    }
    return { CachesDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed };
  }

  /** POST /build/cancel: stops a running build (its RUN container is killed). */
  async cancel(buildId: string): Promise<void> {
    const controller = this.running.get(buildId);
    if (!controller) throw new NotFoundError(`no such build: ${buildId}`);
    controller.abort();
  }

  /** IDs of the builds running now (for /build/cancel). */
  runningBuilds(): string[] {
    return [...this.running.keys()];
  }
}

