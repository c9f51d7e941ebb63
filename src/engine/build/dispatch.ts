/**
 * What each instruction does to the image being built (dockerd 20.10's
 * builder/dockerfile/dispatchers.go and internals.go): the runtime config
 * it changes, the "#(nop)" comment the step commits (the cache key and the
 * history's CreatedBy), the cache lookup, and the commit of a new image
 * (a layer for RUN, COPY, ADD and a new WORKDIR; none for the others).
 *
 * Ownership: a StageState belongs to one stage of one build; the images it
 * commits are ordinary images of the store (untagged, with the previous
 * step's image as parent), kept so that later builds hit the cache.
 */
import { nowNs } from '../../common/time.ts';
import { MemFs } from '../../unionfs/memfs/memfs.ts';
import { OverlayFs } from '../../unionfs/overlay/overlay-fs.ts';
import { readTar } from '../../unionfs/tar/reader.ts';
import { MountNamespace } from '../../unionfs/vfs/mount-namespace.ts';
import { formatRfc3339Nano } from '../api/timestamp.ts';
import { DRYDOCK_VERSION } from '../api/version.ts';
import type { Container } from '../containers/container.ts';
import type { ContainerManager } from '../containers/manager.ts';
import { randomId } from '../daemon/ids.ts';
import { InvalidParameterError, SystemError, errorMessage } from '../errors.ts';
import { checkSignal } from '../images/changes.ts';
import type { HistoryEntry, ImageConfig } from '../images/image-config.ts';
import type { Image, ImageStore } from '../images/image-store.ts';
import { ENGINE_PLATFORM } from '../images/platform.ts';
import type { RegistryFetch } from '../images/registry/http.ts';
import type { BuildOptions } from '../types/build.ts';
import type { ContainerConfig, HealthConfig } from '../types/container.ts';
import type { ProgressSink } from '../types/json-message.ts';
import type { BuildArgs } from './build-args.ts';
import type { BuildContext } from './context.ts';
import { cleanAbsolute, copyInfoTo, CopyInstructionError, normalizeDest, parseChown, sourceInfos, sourcesHash } from './copy.ts';
import type { CopyInfo, SourceTree } from './copy.ts';
import { CopyError, mkdirAll, lookup } from './fs-ops.ts';
import { goDuration, goList, goQuote, goQuoteList, goQuoteRune } from './go-format.ts';
import type { ImageProber } from './image-cache.ts';
import type { CommandInstruction, Instruction } from './instructions.ts';
import type { Lex } from './lex.ts';
import { LexError } from './lex.ts';
import type { BuildOutput } from './output.ts';
import { downloadSource, isUrl } from './remote.ts';
import { runStep } from './run-step.ts';

const DEFAULT_SHELL = ['/bin/sh', '-c'];
const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** What the builder needs from the daemon. */
export interface BuilderDeps {
  readonly store: ImageStore;
  readonly containers: ContainerManager;
  /** Pulls an image that is not stored (the images backend's pull); absent: FROM of a missing image fails. */
  readonly pull?: (reference: string, progress: ProgressSink, signal: AbortSignal) => Promise<void>;
  /** How ADD reaches URLs; absent: no network. */
  readonly fetch?: RegistryFetch;
}

/** A build step that failed; `jsonCode` is the exit status the CLI exits with (a failed RUN). */
export class StepError extends SystemError {
  constructor(
    message: string,
    readonly jsonCode = 0,
  ) {
    super(message);
  }
}

/** The images of finished stages, by name and by index (`COPY --from=0`). */
export class StageResults {
  private readonly byName = new Map<string, string>();
  private readonly flat: string[] = [];

  checkNameAvailable(name: string): void {
    if (name !== '' && this.byName.has(name)) throw new StepError(`${name} stage name already used`);
  }

  add(name: string, imageId: string): void {
    if (name !== '') this.byName.set(name, imageId);
    this.flat.push(imageId);
  }

  byStageName(name: string): string | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** A stage by name or index; undefined when `nameOrIndex` names no stage (then it is an image). */
  get(nameOrIndex: string): string | undefined {
    const named = this.byStageName(nameOrIndex);
    if (named !== undefined) return named;
    if (!/^[+-]?\d+$/.test(nameOrIndex)) return undefined;
    const index = Number(nameOrIndex);
    if (index === this.flat.length) throw new Error('refers to current build stage');
    if (index < 0 || index > this.flat.length) throw new Error('index out of bounds');
    return this.flat[index];
  }
}

/** Everything one build shares between its stages. */
export interface BuildSession {
  readonly deps: BuilderDeps;
  readonly options: BuildOptions;
  readonly out: BuildOutput;
  readonly signal: AbortSignal;
  readonly context: BuildContext;
  readonly lex: Lex;
  readonly prober: ImageProber;
  readonly stages: StageResults;
  /** Containers this build created and has not removed. */
  readonly containers: Set<Container>;
}

/** The state of the stage being built (dockerd's dispatchState). */
export interface StageState {
  runConfig: ContainerConfig;
  /** "" while the stage is FROM scratch with nothing committed yet. */
  imageId: string;
  image: Image | null;
  buildArgs: BuildArgs;
  /** A CMD was given in this stage (ENTRYPOINT then keeps it). */
  cmdSet: boolean;
  maintainer: string;
  platform: { os: string; architecture: string; variant?: string };
  stageName: string;
}

function copyConfig(config: ContainerConfig): ContainerConfig {
  return structuredClone(config);
}

function shellOf(config: ContainerConfig): string[] {
  return config.Shell && config.Shell.length > 0 ? [...config.Shell] : [...DEFAULT_SHELL];
}

function isEmptyLayer(tar: Uint8Array): boolean {
  return readTar(tar).length === 0;
}

/** Begins a stage on `image` (null: scratch): its config, PATH default, stdin cleared (beginStage). */
export function newStageState(image: Image | null, name: string, buildArgs: BuildArgs): StageState {
  const runConfig: ContainerConfig = image?.config.config ? copyConfig(image.config.config) : {};
  const env = runConfig.Env ?? [];
  if (!env.some((e) => e.startsWith('PATH='))) runConfig.Env = [...env, DEFAULT_PATH];
  runConfig.OpenStdin = false;
  runConfig.StdinOnce = false;
  const config = image?.config;
  return {
    runConfig,
    imageId: image?.id ?? '',
    image,
    buildArgs,
    cmdSet: false,
    maintainer: '',
    platform: config ? { os: config.os || ENGINE_PLATFORM.os, architecture: config.architecture || ENGINE_PLATFORM.architecture, ...(config.variant ? { variant: config.variant } : {}) } : { ...ENGINE_PLATFORM },
    stageName: name,
  };
}

/** runConfig.Image follows the image built so far (updateRunConfig). */
export function updateRunConfig(state: StageState): void {
  state.runConfig.Image = state.imageId;
}

/** A cache lookup for a step that would commit `config`; a hit moves the stage to the cached image. */
function probeCache(session: BuildSession, state: StageState, config: ContainerConfig): boolean {
  const hit = session.prober.probe(state.imageId, config);
  if (!hit) return false;
  session.out.stdout(' ---> Using cache\n');
  state.imageId = hit.id;
  state.image = hit;
  return true;
}

/** Commits a new image for the step: the current runtime config, `containerConfig` (what the cache compares), a layer or none. */
async function commitImage(
  session: BuildSession,
  state: StageState,
  step: { layer: Uint8Array | null; containerConfig: ContainerConfig; containerId: string },
): Promise<void> {
  const created = formatRfc3339Nano(nowNs());
  const empty = step.layer === null || isEmptyLayer(step.layer);
  const history: HistoryEntry = { created, created_by: (step.containerConfig.Cmd ?? []).join(' ') };
  if (state.maintainer) history.author = state.maintainer;
  if (empty) history.empty_layer = true;
  const config: Omit<ImageConfig, 'rootfs'> = {
    architecture: state.platform.architecture,
    os: state.platform.os,
    config: copyConfig(state.runConfig),
    container_config: step.containerConfig,
    created,
    docker_version: DRYDOCK_VERSION,
  };
  if (step.containerId) config.container = step.containerId;
  if (state.maintainer) config.author = state.maintainer;
  if (state.platform.variant) config.variant = state.platform.variant;
  const image = await session.deps.store.create({ parent: state.image, layers: empty ? [] : [step.layer!], config, history: [history] });
  state.imageId = image.id;
  state.image = image;
}

function removeMessage(session: BuildSession, containerId: string): void {
  if (session.options.remove || session.options.forceRemove) session.out.stdout(`Removing intermediate container ${containerId.slice(0, 12)}\n`);
}

/**
 * A step that changes only the config (ENV, LABEL, CMD…): comment
 * "<shell> #(nop)  <comment>", cache lookup, then an image without a layer.
 * dockerd creates (and removes) a container to commit it; Drydock only
 * names one ("Running in <id>"), as nothing runs.
 */
async function commitMetadata(session: BuildSession, state: StageState, comment: string): Promise<void> {
  const config = copyConfig(state.runConfig);
  config.Cmd = [...shellOf(state.runConfig), '#(nop) ', comment];
  if (probeCache(session, state, config)) return;
  mergeHealthcheck(state);
  if (state.runConfig.Healthcheck) config.Healthcheck = structuredClone(state.runConfig.Healthcheck);
  const id = randomId();
  session.out.stdout(` ---> Running in ${id.slice(0, 12)}\n`);
  config.Hostname = id.slice(0, 12);
  await commitImage(session, state, { layer: null, containerConfig: config, containerId: id });
  removeMessage(session, id);
}

/**
 * dockerd quirk reproduced: creating the step's container merges the
 * previous image's healthcheck into the zero fields of the new one (its
 * `merge()` writes through a pointer the build's config shares), so a
 * second HEALTHCHECK keeps the first one's timeout, retries… it leaves out.
 * The commit comment was made before, without them.
 */
function mergeHealthcheck(state: StageState): void {
  const current = state.runConfig.Healthcheck;
  const previous = state.image?.config.config?.Healthcheck;
  if (!current || !previous) return;
  if (!current.Test || current.Test.length === 0) current.Test = previous.Test ? [...previous.Test] : [];
  if (!current.Interval && previous.Interval) current.Interval = previous.Interval;
  if (!current.Timeout && previous.Timeout) current.Timeout = previous.Timeout;
  if (!current.StartPeriod && previous.StartPeriod) current.StartPeriod = previous.StartPeriod;
  if (!current.Retries && previous.Retries) current.Retries = previous.Retries;
}

/** A writable overlay on the current image for COPY, ADD and WORKDIR. */
async function stepRoot(session: BuildSession, state: StageState): Promise<{ overlay: OverlayFs; ns: MountNamespace }> {
  const trees = state.image ? await session.deps.store.layerTrees(state.image) : [];
  const overlay = new OverlayFs({ lowers: [...trees].reverse(), upper: new MemFs({ type: 'overlay-upper' }) });
  return { overlay, ns: new MountNamespace(overlay) };
}

/** A read-only view of an image's files (COPY --from). */
async function imageTree(session: BuildSession, image: Image | null): Promise<SourceTree> {
  const trees = image ? await session.deps.store.layerTrees(image) : [];
  const fs = trees.length > 0 ? new OverlayFs({ lowers: [...trees].reverse(), upper: null }) : new MemFs({ type: 'scratch', readOnly: true });
  return { ns: new MountNamespace(fs), context: null };
}

/** An image by name, pulled when it is not stored (or always with `--pull`) (FROM, COPY --from). */
export async function getImage(session: BuildSession, name: string): Promise<Image> {
  const store = session.deps.store;
  const local = store.tryResolve(name);
  if (local && (!session.options.pull || !session.deps.pull)) return local;
  if (!session.deps.pull) return store.resolve(name);
  await session.deps.pull(name, (message) => session.out.progress(message), session.signal);
  return store.resolve(name);
}

function expandedEnv(state: StageState): string[] {
  const env = state.runConfig.Env ?? [];
  return [...env, ...state.buildArgs.filterAllowed(env)];
}

function expander(session: BuildSession, state: StageState): (word: string) => string {
  const env = expandedEnv(state);
  return (word) => {
    try {
      return session.lex.processWord(word, env);
    } catch (error) {
      if (error instanceof LexError) throw new InvalidParameterError(error.message);
      throw error;
    }
  };
}

/** nat.ParsePortSpecs for EXPOSE: "80", "80/udp", "8000-8002/tcp". */
function exposedPorts(specs: readonly string[]): string[] {
  const out: string[] = [];
  for (const spec of specs) {
    const slash = spec.indexOf('/');
    const port = slash < 0 ? spec : spec.slice(0, slash);
    const proto = slash < 0 ? 'tcp' : spec.slice(slash + 1).toLowerCase();
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new InvalidParameterError(`Invalid proto: ${proto}`);
    const m = /^(\d+)(?:-(\d+))?$/.exec(port);
    if (!m) throw new InvalidParameterError(`Invalid containerPort: ${port}`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > 65535 || hi > 65535) throw new InvalidParameterError(`Invalid containerPort: ${port}`);
    if (hi < lo) throw new InvalidParameterError(`Invalid range specified for the Port: ${port}`);
    for (let p = lo; p <= hi; p++) out.push(`${p}/${proto}`);
  }
  return out;
}

/** The HEALTHCHECK comment: Go's `%q` of *container.HealthConfig. */
export function healthComment(health: HealthConfig): string {
  const durations = [health.Interval ?? 0, health.Timeout ?? 0, health.StartPeriod ?? 0];
  if (health.StartInterval) durations.push(health.StartInterval);
  return `&{${goQuoteList(health.Test)} ${durations.map((d) => goQuote(goDuration(d))).join(' ')} ${goQuoteRune(health.Retries ?? 0)}}`;
}

/** "|N K=v … cmd": the build args a RUN saw, in its cache key and history (prependEnvOnCmd). */
function prependEnv(buildArgs: BuildArgs, vars: readonly string[], cmd: readonly string[]): string[] {
  const shown = vars.filter((v) => buildArgs.isReferencedOrNotBuiltin(v.slice(0, v.indexOf('=')))).sort();
  return [`|${shown.length}`, ...shown, ...cmd];
}

async function dispatchRun(session: BuildSession, state: StageState, ins: CommandInstruction): Promise<void> {
  const runConfig = state.runConfig;
  const cmd = ins.cmdLine === null ? [] : ins.prependShell ? [...shellOf(runConfig), ...ins.cmdLine] : [...ins.cmdLine];
  const buildArgs = state.buildArgs.filterAllowed(runConfig.Env ?? []);
  const saveCmd = buildArgs.length > 0 ? prependEnv(state.buildArgs, buildArgs, cmd) : cmd;
  const probeConfig = copyConfig(runConfig);
  probeConfig.Cmd = saveCmd;
  delete probeConfig.ArgsEscaped;
  if (saveCmd.length > 0) delete probeConfig.Entrypoint;
  if (probeCache(session, state, probeConfig)) return;
  if (state.imageId === '') {
    throw new StepError(`failed to create task for container: exec: ${JSON.stringify(cmd[0] ?? '')}: stat ${cmd[0] ?? ''}: no such file or directory: unknown`);
  }
  const request = copyConfig(runConfig);
  request.Image = state.imageId;
  request.Cmd = cmd;
  request.Env = [...(runConfig.Env ?? []), ...buildArgs];
  if (cmd.length > 0) request.Entrypoint = [''];
  request.Healthcheck = { Test: ['NONE'] };
  delete request.ArgsEscaped;
  delete request.OnBuild;
  const options = session.options;
  const { containers } = session.deps;
  const result = await runStep(
    containers,
    {
      ...request,
      HostConfig: {
        NetworkMode: options.networkMode || 'default',
        ...(options.memory ? { Memory: options.memory } : {}),
        ...(options.shmSize ? { ShmSize: options.shmSize } : {}),
      },
    },
    session.out,
    session.signal,
    (container) => session.containers.add(container),
  );
  if (result.exitCode !== 0) {
    throw new StepError(`The command '${cmd.join(' ')}' returned a non-zero code: ${result.exitCode}`, result.exitCode);
  }
  const overlay = await containers.filesystem(result.container);
  await commitImage(session, state, { layer: overlay.commitUpper(), containerConfig: probeConfig, containerId: result.container.id });
  if (options.remove || options.forceRemove) {
    await containers.remove(result.container, { force: true, removeVolumes: true });
    session.containers.delete(result.container);
    removeMessage(session, result.container.id);
  }
}

async function dispatchWorkdir(session: BuildSession, state: StageState, path: string): Promise<void> {
  if (path === '') throw new InvalidParameterError('cannot normalize nothing');
  const dir = path.startsWith('/') ? path : cleanAbsolute(`/${state.runConfig.WorkingDir ?? ''}/${path}`);
  state.runConfig.WorkingDir = dir;
  const config = copyConfig(state.runConfig);
  config.Cmd = [...shellOf(state.runConfig), `#(nop) WORKDIR ${dir}`];
  if (probeCache(session, state, config)) return;
  mergeHealthcheck(state);
  if (state.runConfig.Healthcheck) config.Healthcheck = structuredClone(state.runConfig.Healthcheck);
  const id = randomId();
  session.out.stdout(` ---> Running in ${id.slice(0, 12)}\n`);
  config.Hostname = id.slice(0, 12);
  const { overlay, ns } = await stepRoot(session, state);
  if (!lookup(ns, dir, true)) {
    try {
      mkdirAll(ns, dir, { uid: 0, gid: 0 });
    } catch (error) {
      throw new StepError(errorMessage(error));
    }
  }
  await commitImage(session, state, { layer: overlay.commitUpper(), containerConfig: config, containerId: id });
  removeMessage(session, id);
}

async function dispatchCopy(session: BuildSession, state: StageState, ins: Extract<Instruction, { kind: 'copy' | 'add' }>): Promise<void> {
  const name = ins.kind === 'copy' ? 'COPY' : 'ADD';
  if (ins.chmod !== '') {
    throw new StepError('the --chmod option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled');
  }
  const expand = expander(session, state);
  const chown = expand(ins.chown);
  const args = [...ins.sources, ins.dest].map(expand);
  const dest = args[args.length - 1]!;
  const sources = args.slice(0, -1);
  let tree: SourceTree = { ns: session.context.ns, context: session.context };
  const from = ins.kind === 'copy' ? ins.from : '';
  if (from !== '') {
    let image: Image | null;
    try {
      const stage = session.stages.get(from);
      image = stage !== undefined ? (stage === '' ? null : session.deps.store.get(stage)) : await getImage(session, from);
    } catch (error) {
      throw new StepError(`invalid from flag value ${from}: ${errorMessage(error)}`);
    }
    tree = await imageTree(session, image);
  }
  const infos: CopyInfo[] = [];
  try {
    for (const source of sources) {
      if (isUrl(source)) {
        if (ins.kind === 'copy') throw new CopyError("source can't be a URL for COPY");
        infos.push(await downloadSource(source, dest, session.deps.fetch, (m) => session.out.progress(m), session.signal));
        continue;
      }
      infos.push(...(await sourceInfos(tree, source)));
    }
    if (infos.length === 0) throw new CopyError('no source files were specified');
  } catch (error) {
    if (error instanceof CopyError) throw new StepError(`${name} failed: ${error.message}`);
    throw error;
  }
  if (infos.length > 1 && !dest.endsWith('/')) {
    throw new StepError(`When using ${name} with more than one source file, the destination must be a directory and end with a /`);
  }
  const hash = await sourcesHash(infos);
  const comment = `${name} ${chown !== '' ? `--chown=${chown}` : ''}${hash} in ${dest} `;
  const config = copyConfig(state.runConfig);
  config.Cmd = [...shellOf(state.runConfig), `#(nop) ${comment}`];
  if (probeCache(session, state, config)) return;
  const { overlay, ns } = await stepRoot(session, state);
  const destPath = normalizeDest(state.runConfig.WorkingDir ?? '', dest);
  let identity: { uid: number; gid: number } | null = { uid: 0, gid: 0 };
  try {
    if (chown !== '') identity = parseChown(ns, chown);
    else if (from !== '') identity = null;
  } catch (error) {
    if (error instanceof CopyInstructionError) throw new StepError(error.message);
    throw error;
  }
  try {
    for (const info of infos) copyInfoTo(ns, destPath, info, { decompress: ins.kind === 'add', identity });
  } catch (error) {
    if (error instanceof CopyError) throw new StepError(`failed to copy files: ${error.message}`);
    throw error;
  }
  await commitImage(session, state, { layer: overlay.commitUpper(), containerConfig: config, containerId: '' });
}

/** Runs one instruction of a stage (dockerd's dispatch), committing its image. */
export async function dispatch(session: BuildSession, state: StageState, ins: Instruction): Promise<void> {
  const runConfig = state.runConfig;
  switch (ins.kind) {
    case 'env': {
      const expand = expander(session, state);
      const pairs = ins.pairs.map((p) => ({ key: expand(p.key), value: expand(p.value) }));
      let message = 'ENV';
      const env = [...(runConfig.Env ?? [])];
      for (const { key, value } of pairs) {
        const entry = `${key}=${value}`;
        message += ` ${entry}`;
        const at = env.findIndex((e) => (e.includes('=') ? e.slice(0, e.indexOf('=')) : e) === key);
        if (at >= 0) env[at] = entry;
        else env.push(entry);
      }
      runConfig.Env = env;
      return commitMetadata(session, state, message);
    }
    case 'label': {
      const expand = ins.noExpand ? (w: string) => w : expander(session, state);
      const pairs = ins.pairs.map((p) => ({ key: expand(p.key), value: expand(p.value) }));
      runConfig.Labels = { ...(runConfig.Labels ?? {}) };
      let message = 'LABEL';
      for (const { key, value } of pairs) {
        runConfig.Labels[key] = value;
        message += ` ${key}=${value}`;
      }
      return commitMetadata(session, state, message);
    }
    case 'maintainer':
      state.maintainer = ins.maintainer;
      return commitMetadata(session, state, `MAINTAINER ${ins.maintainer}`);
    case 'copy':
    case 'add':
      return dispatchCopy(session, state, ins);
    case 'onbuild':
      runConfig.OnBuild = [...(runConfig.OnBuild ?? []), ins.expression];
      return commitMetadata(session, state, `ONBUILD ${ins.expression}`);
    case 'workdir':
      return dispatchWorkdir(session, state, expander(session, state)(ins.path));
    case 'run':
      return dispatchRun(session, state, ins);
    case 'cmd': {
      const cmd = ins.cmdLine === null ? [] : ins.prependShell ? [...shellOf(runConfig), ...ins.cmdLine] : [...ins.cmdLine];
      runConfig.Cmd = cmd;
      delete runConfig.ArgsEscaped;
      await commitMetadata(session, state, `CMD ${goQuoteList(cmd)}`);
      if ((ins.cmdLine ?? []).length !== 0) state.cmdSet = true;
      return;
    }
    case 'entrypoint': {
      const entrypoint = ins.cmdLine === null ? null : ins.prependShell ? [...shellOf(runConfig), ...ins.cmdLine] : [...ins.cmdLine];
      if (entrypoint === null) delete runConfig.Entrypoint;
      else runConfig.Entrypoint = entrypoint;
      delete runConfig.ArgsEscaped;
      if (!state.cmdSet) delete runConfig.Cmd;
      return commitMetadata(session, state, `ENTRYPOINT ${goQuoteList(entrypoint)}`);
    }
    case 'healthcheck': {
      const old = runConfig.Healthcheck?.Test;
      if (old && old.length > 0 && old[0] !== 'NONE') session.out.stdout(`Note: overriding previous HEALTHCHECK: ${goList(old)}\n`);
      runConfig.Healthcheck = structuredClone(ins.health);
      return commitMetadata(session, state, `HEALTHCHECK ${healthComment(ins.health)}`);
    }
    case 'expose': {
      const env = expandedEnv(state);
      const ports: string[] = [];
      for (const port of ins.ports) {
        try {
          ports.push(...session.lex.processWords(port, env));
        } catch (error) {
          if (error instanceof LexError) throw new InvalidParameterError(error.message);
          throw error;
        }
      }
      const exposed = { ...(runConfig.ExposedPorts ?? {}) };
      for (const port of exposedPorts(ports)) exposed[port] = {};
      runConfig.ExposedPorts = exposed;
      return commitMetadata(session, state, `EXPOSE ${ports.join(' ')}`);
    }
    case 'user': {
      const user = expander(session, state)(ins.user);
      runConfig.User = user;
      return commitMetadata(session, state, `USER ${user}`);
    }
    case 'volume': {
      const expand = expander(session, state);
      const volumes = ins.volumes.map(expand);
      runConfig.Volumes = { ...(runConfig.Volumes ?? {}) };
      for (const volume of volumes) {
        if (volume === '') throw new InvalidParameterError('VOLUME specified can not be an empty string');
        runConfig.Volumes[volume] = {};
      }
      return commitMetadata(session, state, `VOLUME ${goList(volumes)}`);
    }
    case 'stopsignal': {
      const signal = expander(session, state)(ins.signal);
      checkSignal(signal);
      runConfig.StopSignal = signal;
      return commitMetadata(session, state, `STOPSIGNAL ${signal}`);
    }
    case 'arg': {
      const expand = expander(session, state);
      const parts: string[] = [];
      const defs = ins.args.map((a) => ({ key: expand(a.key), value: a.value === null ? null : expand(a.value) }));
      for (const { key, value } of defs) {
        parts.push(value === null ? key : `${key}=${value}`);
        state.buildArgs.addArg(key, value);
      }
      return commitMetadata(session, state, `ARG ${parts.join(' ')}`);
    }
    case 'shell':
      runConfig.Shell = [...ins.shell];
      return commitMetadata(session, state, `SHELL ${goList(ins.shell)}`);
  }
}
