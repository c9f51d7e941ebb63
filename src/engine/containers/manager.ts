import { nowNs } from '../../common/time.ts';
import { parseSignal, SIG } from '../../kernel/abi/linux.ts';
import type { Kernel } from '../../kernel/kernel.ts';
import { PidNamespace, UtsNamespace } from '../../kernel/proc/namespaces.ts';
import { ResourceGroup } from '../../kernel/proc/resource-group.ts';
import { MemFs } from '../../unionfs/memfs/memfs.ts';
import { OverlayFs } from '../../unionfs/overlay/overlay-fs.ts';
import { ROOT } from '../../unionfs/vfs/credentials.ts';
import type { MountNamespace } from '../../unionfs/vfs/mount-namespace.ts';
import type { FileSystem } from '../../unionfs/vfs/types.ts';
import { ConflictError, InvalidParameterError, NotFoundError, NotModifiedError } from '../errors.ts';
import type { ContainerCreateOptions, ContainerCreateResponse, ContainerWaitResponse, MountPoint, WaitCondition } from '../types/container.ts';
import type { EndpointSettings } from '../types/network.ts';
import { formatRfc3339Nano, nsFromMs } from '../api/timestamp.ts';
import type { EventBus } from '../daemon/events.ts';
import { randomId, randomName, shortId } from '../daemon/ids.ts';
import type { VolumeManager } from '../volumes/volumes.ts';
import { commandOf, mergeConfig, validateHostConfig, validateName } from './config.ts';
import { Container, ZERO_TIME } from './container.ts';
import type { ContainerRecord } from './container.ts';
import { defaultHosts, defaultResolvConf } from './etc-files.ts';
import type { ImageSource } from './image-source.ts';
import { initLayer } from './init-layer.ts';
import { populateVolumes } from './volume-copy.ts';
import { buildMountNamespace, mkdirp, resolveExecutable, StartError } from './rootfs.ts';
import { resolveUser } from './user.ts';
import type { ContainerMount } from './rootfs.ts';
import { containerModeTarget, engineErrorOf } from './networking.ts';
import type { ContainerNetwork, ContainerNetworking } from './networking.ts';
import { groupSignaller, ProcessStdio } from './stdio.ts';
import type { ContainerStore } from './store.ts';
import { memFsFromTar, memFsToTar } from '../../unionfs/memfs/memfs-tar.ts';
import { storageSizeLimit } from './storage-opt.ts';
import type { StorageBudget } from '../../unionfs/store/storage-budget.ts';
import { StorageQuotaError } from '../../unionfs/store/errors.ts';

/** Where bind mounts come from: host directories in Node, page-provided ones in the browser. */
export interface BindSource {
  /** The filesystem of a host path, or null when the platform has none (NotFoundError then). */
  open(hostPath: string, readOnly: boolean): FileSystem | null;
}

export interface ContainerManagerOptions {
  readonly kernel: Kernel;
  readonly images: ImageSource;
  readonly volumes: VolumeManager;
  readonly store: ContainerStore;
  readonly events: EventBus;
  readonly network: ContainerNetworking;
  readonly binds?: BindSource;
  /** The global storage quota for writable layers (absent: only --storage-opt size= limits them). */
  readonly budget?: StorageBudget;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const SHM_SIZE = 64 * 1024 * 1024;
/** First restart delay of a restart policy; doubles up to a minute (dockerd's backoff). */
const RESTART_BACKOFF_MS = 100;

function now(): string {
  return formatRfc3339Nano(nowNs());
}

/**
 * The containers of the daemon: creation, names, the lifecycle (start,
 * stop, kill, restart policies, pause), removal and persistence. The API
 * backend (containers-backend.ts) is a thin layer over it.
 */
export class ContainerManager {
  private readonly containers = new Map<string, Container>();
  private readonly names = new Map<string, Container>();
  readonly kernel: Kernel;
  readonly images: ImageSource;
  readonly volumes: VolumeManager;
  readonly events: EventBus;
  readonly network: ContainerNetworking;
  private readonly store: ContainerStore;
  private readonly binds: BindSource | null;
  private readonly budget: StorageBudget | null;

  constructor(options: ContainerManagerOptions) {
    this.kernel = options.kernel;
    this.images = options.images;
    this.volumes = options.volumes;
    this.store = options.store;
    this.events = options.events;
    this.network = options.network;
    this.binds = options.binds ?? null;
    this.budget = options.budget ?? null;
    this.volumes.usedBy = (name) =>
      [...this.containers.values()].filter((c) => c.record.mounts.some((m) => m.Type === 'volume' && m.Name === name)).map((c) => c.id);
  }

  /** Loads the stored containers (daemon start). Containers that were running come back as exited, or restart per policy. */
  async restore(): Promise<void> {
    for (const record of await this.store.load()) {
      const container = new Container(record);
      if (record.state.status === 'running' || record.state.status === 'paused' || record.state.status === 'restarting') {
        record.state = { ...record.state, status: 'exited', exitCode: 255, finishedAt: now(), error: '' };
      }
      if (record.state.status === 'removing') record.state.status = 'dead';
      this.network.render(record, null);
      container.logs.restore(await this.store.loadLogs(record.id));
      this.containers.set(record.id, container);
      this.names.set(record.name, container);
    }
    // As dockerd's restore: containers whose policy says so are started before the engine serves
    // requests (a failed start is recorded on the container, as any failed start is).
    const restarts: Promise<void>[] = [];
    for (const container of this.containers.values()) {
      const policy = container.record.hostConfig.RestartPolicy?.Name ?? '';
      if (policy === 'always' || (policy === 'unless-stopped' && !container.record.state.manuallyStopped)) {
        restarts.push(this.start(container).catch(() => {}));
      }
    }
    await Promise.all(restarts);
  }

  all(): Container[] {
    return [...this.containers.values()];
  }

  /** By full ID, unique ID prefix, or name (with or without "/"). */
  find(name: string): Container | null {
    const byId = this.containers.get(name);
    if (byId) return byId;
    const byName = this.names.get(name.startsWith('/') ? name : `/${name}`);
    if (byName) return byName;
    if (/^[0-9a-f]+$/.test(name)) {
      const matches = [...this.containers.values()].filter((c) => c.id.startsWith(name));
      if (matches.length === 1) return matches[0]!;
      if (matches.length > 1) throw new InvalidParameterError(`multiple IDs found with provided prefix: ${name}`);
    }
    return null;
  }

  get(name: string): Container {
    const container = this.find(name);
    if (!container) throw new NotFoundError(`No such container: ${name}`);
    return container;
  }

  async create(options: ContainerCreateOptions): Promise<ContainerCreateResponse> {
    const request = options.config;
    const host = request.HostConfig ?? {};
    validateHostConfig(host);
    let name: string;
    if (options.name) {
      name = validateName(options.name);
      const taken = this.names.get(name);
      if (taken) {
        throw new ConflictError(
          `Conflict. The container name "${name}" is already in use by container "${taken.id}". You have to remove (or rename) that container to be able to reuse that name.`,
        );
      }
    } else {
      let retry = 0;
      do name = `/${randomName(retry++)}`;
      while (this.names.has(name));
    }
    if (!request.Image) throw new InvalidParameterError('No image specified');
    storageSizeLimit(host.StorageOpt); // a bad --storage-opt fails the create (400), not the start
    const image = this.images.resolve(request.Image);
    const config = mergeConfig(request, image.config, request.Image);
    const command = commandOf(config);
    const id = randomId();
    const networkMode = host.NetworkMode === undefined || host.NetworkMode === '' || host.NetworkMode === 'default' ? 'default' : host.NetworkMode;
    const record: ContainerRecord = {
      id,
      name,
      created: now(),
      path: command[0]!,
      args: command.slice(1),
      config,
      hostConfig: { ...host, NetworkMode: networkMode },
      image: image.id,
      layers: [...image.diffIds],
      state: {
        status: 'created',
        exitCode: 0,
        error: '',
        oomKilled: false,
        startedAt: ZERO_TIME,
        finishedAt: ZERO_TIME,
        manuallyStopped: false,
      },
      restartCount: 0,
      mounts: [],
      networkSettings: emptyNetworkSettings(),
      snapshotKey: `container/${id}`,
    };
    const { networks, warnings } = this.network.plan(record, request.NetworkingConfig?.EndpointsConfig);
    record.networkSettings.Networks = networks;
    // --network host and container:X take their hostname at start (the host's, the other container's).
    const sharesNetwork = networkMode === 'host' || containerModeTarget(networkMode) !== null;
    if (!record.config.Hostname && !sharesNetwork) record.config.Hostname = id.slice(0, 12);
    // A create that fails (a bad mount, out of space) leaves no container and no anonymous volume behind.
    const anonymous: string[] = [];
    const dropAnonymous = async () => {
      for (const volume of anonymous) await this.volumes.remove(volume, { force: true }).catch(() => {});
    };
    try {
      record.mounts = await this.planMounts(record, anonymous);
    } catch (error) {
      await dropAnonymous();
      throw error;
    }
    await this.images.lease(id, record.layers);
    const container = new Container(record);
    try {
      await populateVolumes({
        mounts: record.mounts,
        hostConfig: record.hostConfig,
        rootfs: () => this.filesystem(container),
        volume: async (volume) => (await this.volumes.use(volume)).fs,
      });
    } catch (error) {
      if (container.upper) this.budget?.untrack(container.upper);
      await this.images.release(id);
      await dropAnonymous();
      throw error;
    }
    this.containers.set(id, container);
    this.names.set(name, container);
    try {
      await this.store.save(record);
    } catch (error) {
      this.containers.delete(id);
      this.names.delete(name);
      if (container.upper) this.budget?.untrack(container.upper);
      await this.images.release(id);
      await dropAnonymous();
      throw error;
    }
    // Volumes just filled from the image; out of space, the container's next save tries again.
    await this.flushVolumes(container).catch((error: unknown) => {
      if (!(error instanceof StorageQuotaError)) throw error;
    });
    this.events.publish('container', 'create', id, this.attributes(container));
    return { Id: id, Warnings: warnings };
  }

  /** Volume, bind and tmpfs mounts of a new container (creating named and anonymous volumes; the anonymous ones' names go to `anonymous`). */
  private async planMounts(record: ContainerRecord, anonymous: string[]): Promise<MountPoint[]> {
    const newAnonymous = async () => {
      const name = await this.volumes.anonymous();
      anonymous.push(name);
      return name;
    };
    const mounts: MountPoint[] = [];
    const seen = new Set<string>();
    const add = (mount: MountPoint) => {
      if (seen.has(mount.Destination)) throw new InvalidParameterError(`Duplicate mount point: ${mount.Destination}`);
      seen.add(mount.Destination);
      mounts.push(mount);
    };
    for (const bind of record.hostConfig.Binds ?? []) {
      const parts = bind.split(':');
      if (parts.length < 2 || parts.length > 3 || !parts[1]!.startsWith('/')) {
        throw new InvalidParameterError(`invalid volume specification: '${bind}'`);
      }
      const [source, destination, mode = ''] = parts as [string, string, string?];
      const readOnly = mode.split(',').includes('ro');
      if (source.startsWith('/')) {
        add({ Type: 'bind', Source: source, Destination: destination, Mode: mode, RW: !readOnly, Propagation: 'rprivate' });
      } else {
        await this.volumes.use(source);
        add({ Type: 'volume', Name: source, Source: this.volumes.mountpoint(source), Destination: destination, Driver: 'local', Mode: mode || 'z', RW: !readOnly, Propagation: '' });
      }
    }
    for (const request of record.hostConfig.Mounts ?? []) {
      const destination = request.Target ?? '';
      if (!destination.startsWith('/')) throw new InvalidParameterError(`invalid mount config: mount path must be absolute`);
      if (request.Type === 'volume') {
        const name = request.Source || (await newAnonymous());
        await this.volumes.use(name);
        add({ Type: 'volume', Name: name, Source: this.volumes.mountpoint(name), Destination: destination, Driver: 'local', Mode: 'z', RW: !request.ReadOnly, Propagation: '' });
      } else if (request.Type === 'bind') {
        add({ Type: 'bind', Source: request.Source ?? '', Destination: destination, Mode: '', RW: !request.ReadOnly, Propagation: 'rprivate' });
      } else if (request.Type === 'tmpfs') {
        add({ Type: 'tmpfs', Source: '', Destination: destination, Mode: '', RW: true, Propagation: '' });
      } else {
        throw new InvalidParameterError(`invalid mount config for type "${request.Type}"`);
      }
    }
    for (const destination of Object.keys(record.hostConfig.Tmpfs ?? {})) {
      add({ Type: 'tmpfs', Source: '', Destination: destination, Mode: '', RW: true, Propagation: '' });
    }
    // Image VOLUMEs (and -v /path) without a mount become anonymous volumes.
    for (const destination of Object.keys(record.config.Volumes ?? {})) {
      if (seen.has(destination)) continue;
      const name = await newAnonymous();
      add({ Type: 'volume', Name: name, Source: this.volumes.mountpoint(name), Destination: destination, Driver: 'local', Mode: '', RW: true, Propagation: '' });
    }
    return mounts;
  }

  /** Loads the writable layer and builds the overlay (once). */
  async filesystem(container: Container): Promise<OverlayFs> {
    if (container.overlay) return container.overlay;
    const layers = await this.images.layerTrees(container.record.layers);
    const sizeLimit = storageSizeLimit(container.record.hostConfig.StorageOpt) ?? undefined;
    const saved = await this.store.loadUpper(container.record.snapshotKey);
    const limits = { ...(sizeLimit !== undefined ? { sizeLimit } : {}), ...(this.budget ? { guard: this.budget } : {}) };
    const upper = saved ? memFsFromTar(saved, { type: 'overlay-upper', ...limits }) : new MemFs({ type: 'overlay-upper', ...limits });
    this.budget?.track(upper);
    container.upper = upper;
    // A new, empty layer is saved once something is written to it; a restored one once it changes.
    container.upperSavedGeneration = upper.generation;
    container.overlay = new OverlayFs({ lowers: [initLayer(nsFromMs(Date.parse(container.record.created))), ...[...layers].reverse()], upper });
    return container.overlay;
  }

  private async containerMounts(container: Container): Promise<ContainerMount[]> {
    const out: ContainerMount[] = [];
    for (const mount of container.record.mounts) {
      if (mount.Type === 'volume') {
        const { fs } = await this.volumes.use(mount.Name!);
        out.push({ destination: mount.Destination, fs, readOnly: !mount.RW, source: mount.Source });
      } else if (mount.Type === 'bind') {
        const fs = this.binds?.open(mount.Source, !mount.RW) ?? null;
        if (!fs) throw new InvalidParameterError(`invalid mount config for type "bind": bind source path does not exist: ${mount.Source}`);
        out.push({ destination: mount.Destination, fs, readOnly: !mount.RW, source: mount.Source });
      } else if (mount.Type === 'tmpfs') {
        const options = container.record.hostConfig.Tmpfs?.[mount.Destination] ?? '';
        const size = /size=(\d+)([kmg]?)/i.exec(options);
        const sizeLimit = size ? Number(size[1]) * ({ '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[size[2]!.toLowerCase() as '' | 'k' | 'm' | 'g']) : undefined;
        out.push({
          destination: mount.Destination,
          fs: new MemFs({ type: 'tmpfs', rootMode: 0o1777, ...(sizeLimit ? { sizeLimit } : {}) }),
          readOnly: false,
          source: 'tmpfs',
          options: options || 'nosuid,nodev,noexec,relatime',
        });
      }
    }
    return out;
  }

  /** A mount namespace over the container's files for `docker cp` and friends (no processes needed). */
  async mountNamespace(container: Container): Promise<MountNamespace> {
    if (container.runtime) return container.runtime.mounts;
    const overlay = await this.filesystem(container);
    return buildMountNamespace(this.kernel, {
      overlay,
      hostname: container.record.config.Hostname!,
      hosts: defaultHosts(container.record.config.Hostname!, null),
      resolvConf: defaultResolvConf(),
      pidns: null,
      mounts: await this.containerMounts(container),
      readOnlyRoot: false,
      shmSize: SHM_SIZE,
      tty: container.record.config.Tty ?? false,
    });
  }

  // ------------------------------------------------------------------ lifecycle

  async start(container: Container): Promise<void> {
    if (container.removed) throw new NotFoundError(`No such container: ${container.id}`);
    if (container.running) throw new NotModifiedError('container already started');
    if (container.restartTimer !== null) {
      clearTimeout(container.restartTimer);
      container.restartTimer = null;
    }
    const record = container.record;
    let network: ContainerNetwork | null = null;
    try {
      const overlay = await this.filesystem(container);
      network = await this.network.setUp(record, (target) => {
        const other = this.find(target);
        return other ? { id: other.id, network: other.runtime?.network ?? null } : null;
      });
      await this.startWithNetwork(container, overlay, network);
    } catch (error) {
      if (network) await this.network.tearDown(network);
      const failure = engineErrorOf(error);
      await this.failStart(container, failure instanceof Error ? failure : new Error(String(failure)));
      throw failure;
    }
  }

  private async startWithNetwork(container: Container, overlay: OverlayFs, network: ContainerNetwork): Promise<void> {
    const record = container.record;
    const pidns = new PidNamespace(this.kernel.rootPidns);
    if (!record.config.Hostname) record.config.Hostname = network.hostname;
    const hostname = record.config.Hostname;
    const mounts = buildMountNamespace(this.kernel, {
      overlay,
      hostname,
      hosts: network.hosts,
      resolvConf: network.resolvConf,
      pidns,
      mounts: await this.containerMounts(container),
      readOnlyRoot: record.hostConfig.ReadonlyRootfs ?? false,
      shmSize: record.hostConfig.ShmSize || SHM_SIZE,
      tty: record.config.Tty ?? false,
    });
    const user = resolveUser(mounts, record.config.User ?? '', record.hostConfig.GroupAdd ?? []);
    const workdir = record.config.WorkingDir || '/';
    mkdirp(mounts, workdir);
    const cwd = mounts.resolve(mounts.root(), workdir, { follow: true, creds: ROOT });
    const env = containerEnv(record.config.Env ?? [], hostname, user.home, record.config.Tty ?? false);
    const command = commandOf(record.config);
    const executable = resolveExecutable(mounts, cwd, command[0]!, env);
    const group = new ResourceGroup(record.id, {
      memory: record.hostConfig.Memory ? record.hostConfig.Memory : null,
      pids: record.hostConfig.PidsLimit && record.hostConfig.PidsLimit > 0 ? record.hostConfig.PidsLimit : null,
    });
    const [rows, cols] = record.hostConfig.ConsoleSize ?? [0, 0];
    const stdio = new ProcessStdio({
      tty: record.config.Tty ?? false,
      openStdin: record.config.OpenStdin ?? false,
      rows: rows ?? 0,
      cols: cols ?? 0,
      signalGroup: groupSignaller(this.kernel, pidns),
    });
    stdio.listen((stream, bytes) => container.logs.append(stream, bytes));
    // Attached clients listen before the process exists: a terminal's output (the shell's first
    // prompt) can arrive before spawn resolves, and a listener added later would miss it.
    for (const attach of [...container.pendingAttach]) attach(stdio);
    container.pendingAttach.clear();
    const uts = new UtsNamespace(hostname, record.config.Domainname || '(none)');
    let process;
    try {
      process = await this.kernel.spawn({
        path: executable,
        args: command,
        env,
        mounts,
        cwd: cwd.path,
        pidns,
        uts,
        net: network.ns,
        creds: { uid: user.uid, gid: user.gid, groups: user.groups },
        group,
        stdio: stdio.descriptions,
      });
    } catch (error) {
      stdio.release();
      const message = error instanceof Error ? error.message : String(error);
      throw /ENOENT/.test(message)
        ? new StartError(`exec: "${command[0]}": stat ${executable}: no such file or directory`, 127)
        : /EACCES/.test(message)
          ? new StartError(`exec: "${command[0]}": permission denied`, 126)
          : new StartError(`exec: "${command[0]}": ${message.replace(/^E[A-Z]+: /, '')}`, 126);
    }
    if (stdio.pty) stdio.pty.tty.foreground = 1;
    stdio.start();
    container.runtime = { process, pidns, uts, group, mounts, stdio, network };
    container.logs.open();
    record.state = { ...record.state, status: 'running', exitCode: 0, error: '', oomKilled: false, startedAt: now(), finishedAt: ZERO_TIME, manuallyStopped: false };
    container.paused = false;
    this.network.render(record, network);
    for (const endpoint of network.endpoints.values()) this.networkEvent('connect', endpoint.network, record.id);
    await this.store.save(record);
    this.events.publish('container', 'start', record.id, this.attributes(container));
    container.changed();
    void process.exited.then((exit) => this.onExit(container, exit));
  }

  /**
   * A start that failed before the process ran, for any reason (user, mounts,
   * executable): recorded as dockerd's containerStart does (State.Error, the
   * exit code of a StartError or else 128); an AutoRemove container is removed,
   * which settles `wait --condition removed` for `docker run --rm`.
   */
  private async failStart(container: Container, error: Error): Promise<void> {
    const record = container.record;
    const exitCode = error instanceof StartError ? error.exitCode : record.state.exitCode || 128;
    record.state = { ...record.state, exitCode, error: error.message };
    await this.store.save(record);
    container.changed();
    if (record.hostConfig.AutoRemove) await this.remove(container, { force: true, removeVolumes: true });
  }

  /** The main process ended: collect the output, record the exit, then restart or remove per policy. */
  private async onExit(container: Container, exit: { exitCode: number; oomKilled: boolean }): Promise<void> {
    const runtime = container.runtime;
    if (!runtime) return;
    await runtime.stdio.done;
    runtime.stdio.release();
    await this.network.tearDown(runtime.network);
    for (const endpoint of runtime.network.endpoints.values()) this.networkEvent('disconnect', endpoint.network, container.id);
    this.network.render(container.record, null);
    container.runtime = null;
    container.paused = false;
    container.logs.close();
    const record = container.record;
    record.state = { ...record.state, status: 'exited', exitCode: exit.exitCode, oomKilled: exit.oomKilled, finishedAt: now() };
    container.exits++;
    if (exit.oomKilled) this.events.publish('container', 'oom', record.id, this.attributes(container));
    this.events.publish('container', 'die', record.id, { ...this.attributes(container), exitCode: String(exit.exitCode) });
    await this.persist(container);
    container.changed();
    if (record.hostConfig.AutoRemove) {
      await this.remove(container, { force: true, removeVolumes: true });
      return;
    }
    this.maybeRestart(container);
  }

  private maybeRestart(container: Container): void {
    const record = container.record;
    const policy = record.hostConfig.RestartPolicy?.Name ?? '';
    const max = record.hostConfig.RestartPolicy?.MaximumRetryCount ?? 0;
    const wanted =
      policy === 'always' ||
      (policy === 'unless-stopped' && !record.state.manuallyStopped) ||
      (policy === 'on-failure' && record.state.exitCode !== 0 && (max === 0 || record.restartCount < max));
    if (!wanted || (record.state.manuallyStopped && policy !== 'always') || container.removed) return;
    if (record.state.manuallyStopped) return;
    const delay = Math.min(60_000, RESTART_BACKOFF_MS * 2 ** Math.min(record.restartCount, 10));
    record.state.status = 'restarting';
    container.changed();
    container.restartTimer = setTimeout(() => {
      container.restartTimer = null;
      if (container.removed || record.state.status !== 'restarting') return;
      record.restartCount++;
      record.state.status = 'exited';
      this.start(container)
        .then(() => this.events.publish('container', 'restart', record.id, this.attributes(container)))
        .catch(() => {});
    }, delay);
  }

  /** Saves the record, the log, the data of its in-memory volumes and the writable layer. */
  async persist(container: Container): Promise<void> {
    // Out of space (the storage quota, a full disk): the store keeps the
    // previous save whole, the state stays in memory, and the next save (stop,
    // shutdown) tries again; the engine carries on.
    const unlessFull = (error: unknown) => {
      if (!(error instanceof StorageQuotaError)) throw error;
    };
    await this.store.save(container.record).catch(unlessFull);
    await this.store.saveLogs(container.id, container.logs.snapshot()).catch(unlessFull);
    await this.flushVolumes(container).catch(unlessFull);
    const upper = container.upper;
    if (!upper || upper.generation === container.upperSavedGeneration) return;
    const used = upper.used;
    const generation = upper.generation;
    await this.store
      .saveUpper(container.record.snapshotKey, memFsToTar(upper))
      .then(() => {
        this.budget?.saved(upper, used);
        container.upperSavedGeneration = generation;
      })
      .catch(unlessFull);
  }

  /** Makes the data of the container's volumes durable where it lives in memory (see ../volumes/memory-driver.ts). */
  private async flushVolumes(container: Container): Promise<void> {
    for (const mount of container.record.mounts) {
      if (mount.Type === 'volume' && mount.Name) await this.volumes.flush(mount.Name);
    }
  }

  /** docker stop: the StopSignal, then SIGKILL after the timeout. */
  async stop(container: Container, options: { signal?: string; timeout?: number }): Promise<void> {
    if (container.restartTimer !== null) {
      clearTimeout(container.restartTimer);
      container.restartTimer = null;
      container.record.state.status = 'exited';
      container.record.state.manuallyStopped = true;
      container.changed();
      return;
    }
    if (!container.running) throw new NotModifiedError('container already stopped');
    container.record.state.manuallyStopped = true;
    if (container.paused) this.unpause(container);
    const signal = parseSignal(options.signal || container.record.config.StopSignal || 'SIGTERM') ?? SIG.TERM;
    const timeout = options.timeout ?? container.record.config.StopTimeout ?? 10;
    const exited = container.runtime!.process.exited;
    this.sendSignal(container, signal);
    if (timeout >= 0) {
      const stopped = await Promise.race([exited.then(() => true), sleep(timeout * 1000).then(() => false)]);
      if (!stopped && container.runtime) this.sendSignal(container, SIG.KILL);
    }
    await exited;
    await this.settled(container);
    this.events.publish('container', 'stop', container.id, this.attributes(container));
  }

  /** Resolves once the exit has been recorded (output collected, state saved). */
  private async settled(container: Container): Promise<void> {
    while (container.runtime) await container.nextChange();
  }

  private sendSignal(container: Container, signal: number): void {
    const runtime = container.runtime;
    if (!runtime) return;
    this.events.publish('container', 'kill', container.id, { ...this.attributes(container), signal: String(signal) });
    this.kernel.signal(runtime.process, signal, null);
  }

  /** docker kill. */
  kill(container: Container, signal: string): void {
    if (!container.running) {
      throw new ConflictError(`Container ${container.id} is not running`);
    }
    const number = signal === '' ? SIG.KILL : parseSignal(signal);
    if (number === undefined) throw new InvalidParameterError(`Invalid signal: ${signal}`);
    if (number === SIG.KILL || number === SIG.TERM || number === SIG.INT) container.record.state.manuallyStopped = true;
    this.sendSignal(container, number);
  }

  async restart(container: Container, options: { signal?: string; timeout?: number }): Promise<void> {
    if (container.running) await this.stop(container, options);
    container.record.state.manuallyStopped = false;
    await this.start(container);
    this.events.publish('container', 'restart', container.id, this.attributes(container));
  }

  pause(container: Container): void {
    if (!container.running) throw new ConflictError(`Container ${container.id} is not running`);
    if (container.paused) throw new ConflictError(`Container ${container.id} is already paused`);
    container.runtime!.group.frozen = true;
    container.paused = true;
    container.record.state.status = 'paused';
    this.events.publish('container', 'pause', container.id, this.attributes(container));
    container.changed();
  }

  unpause(container: Container): void {
    if (!container.paused) throw new ConflictError(`Container ${container.id} is not paused`);
    container.runtime!.group.thaw();
    container.paused = false;
    container.record.state.status = 'running';
    this.events.publish('container', 'unpause', container.id, this.attributes(container));
    container.changed();
  }

  async remove(container: Container, options: { force: boolean; removeVolumes: boolean }): Promise<void> {
    if (container.removed) return;
    if (container.running || container.record.state.status === 'restarting') {
      if (!options.force) {
        const what = container.paused ? 'paused' : 'running';
        throw new ConflictError(
          `You cannot remove a ${what} container ${container.id}. Stop the container before attempting removal or force remove`,
        );
      }
      if (container.restartTimer !== null) clearTimeout(container.restartTimer);
      container.record.state.manuallyStopped = true;
      if (container.runtime) {
        if (container.paused) this.unpause(container);
        const exited = container.runtime.process.exited;
        this.sendSignal(container, SIG.KILL);
        await exited;
        await this.settled(container);
      }
    }
    container.removed = true;
    container.record.state.status = 'removing';
    this.containers.delete(container.id);
    this.names.delete(container.name);
    await this.store.remove(container.record);
    if (container.upper) this.budget?.untrack(container.upper);
    await this.images.release(container.id);
    if (options.removeVolumes) {
      for (const mount of container.record.mounts) {
        if (mount.Type === 'volume' && mount.Name && this.volumes.isAnonymous(mount.Name)) {
          await this.volumes.remove(mount.Name, { force: true }).catch(() => {});
        }
      }
    }
    this.events.publish('container', 'destroy', container.id, this.attributes(container));
    container.changed();
  }

  /**
   * docker wait: validated now, settles when the condition is met.
   * next-exit waits for the next exit even if the container is not running
   * yet (`docker run` registers it before start); not-running settles at once
   * for a stopped container.
   */
  wait(container: Container, condition: WaitCondition, signal: AbortSignal): Promise<ContainerWaitResponse> {
    const result = (): ContainerWaitResponse => ({
      // dockerd clears the error when the container is removed (State.SetRemoved).
      Error: condition !== 'removed' && container.record.state.error ? { Message: container.record.state.error } : null,
      StatusCode: container.record.state.exitCode,
    });
    const stopped = () => !container.running && container.record.state.status !== 'restarting';
    if (condition === 'not-running' && stopped()) return Promise.resolve(result());
    if (condition === 'removed' && container.removed) return Promise.resolve(result());
    const exitsBefore = container.exits;
    return new Promise((resolve, reject) => {
      const check = () => {
        const met =
          condition === 'removed' ? container.removed : condition === 'next-exit' ? container.exits > exitsBefore : container.exits > exitsBefore && stopped();
        if (met) {
          remove();
          resolve(result());
        }
      };
      const remove = container.onChange(check);
      signal.addEventListener('abort', () => {
        remove();
        reject(signal.reason);
      });
    });
  }

  /** docker rename, with dockerd 20.10's errors (daemon/rename.go: the new name gets its "/" before it is checked). */
  async rename(container: Container, newName: string): Promise<void> {
    const slashed = newName.startsWith('/') ? newName : `/${newName}`;
    if (slashed === container.name) {
      throw new InvalidParameterError(`Renaming a container with the same name as its current name`);
    }
    let name: string;
    try {
      name = validateName(newName);
    } catch {
      throw new InvalidParameterError(`Error when allocating new name: Invalid container name (${slashed}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    }
    const taken = this.names.get(name);
    if (taken) {
      throw new ConflictError(
        `Error when allocating new name: Conflict. The container name "${name}" is already in use by container "${taken.id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    const old = container.name;
    this.names.delete(old);
    container.record.name = name;
    this.names.set(name, container);
    await this.store.save(container.record);
    this.events.publish('container', 'rename', container.id, { ...this.attributes(container), oldName: old });
  }

  /** docker network connect: plugs a running container in now; a stopped one gets the endpoint at its next start. */
  async connectNetwork(container: Container, networkId: string, config: EndpointSettings | undefined): Promise<void> {
    const running = container.runtime?.network ?? null;
    this.network.connect(container.record, running, networkId, config);
    if (running) {
      this.network.render(container.record, running);
      this.networkEvent('connect', this.network.manager.get(networkId), container.id);
    }
    await this.store.save(container.record);
  }

  /** docker network disconnect. */
  async disconnectNetwork(container: Container, networkId: string): Promise<void> {
    const running = container.runtime?.network ?? null;
    this.network.disconnect(container.record, running, networkId);
    if (running) {
      this.network.render(container.record, running);
      this.networkEvent('disconnect', this.network.manager.get(networkId), container.id);
    }
    await this.store.save(container.record);
  }

  private networkEvent(action: 'connect' | 'disconnect', network: { id: string; name: string; driver: string }, containerId: string): void {
    this.events.publish('network', action, network.id, { container: containerId, name: network.name, type: network.driver });
  }

  /** Attributes of container events: name, image and labels. */
  attributes(container: Container): Record<string, string> {
    return { ...(container.record.config.Labels ?? {}), image: container.record.config.Image ?? '', name: container.name.slice(1) };
  }

  /** Daemon shutdown: stops running containers (SIGTERM, then SIGKILL) and saves everything. */
  async shutdown(): Promise<void> {
    await Promise.all(
      this.all()
        .filter((c) => c.running)
        .map(async (c) => {
          const wasManual = c.record.state.manuallyStopped;
          await this.stop(c, { timeout: Math.min(c.record.config.StopTimeout ?? 10, 10) }).catch(() => {});
          c.record.state.manuallyStopped = wasManual;
        }),
    );
    for (const container of this.all()) {
      if (container.restartTimer !== null) clearTimeout(container.restartTimer);
      await this.persist(container).catch(() => {});
    }
  }
}

/** The environment of a container's process: the config's, with PATH, HOSTNAME, HOME (and TERM with a TTY) as dockerd adds them. */
export function containerEnv(env: readonly string[], hostname: string, home: string, tty: boolean): string[] {
  const out = [...env];
  const has = (key: string) => out.some((e) => e.startsWith(`${key}=`));
  if (!has('PATH')) out.unshift(DEFAULT_PATH);
  out.splice(1, 0, `HOSTNAME=${hostname}`);
  if (tty && !has('TERM')) out.push('TERM=xterm');
  if (!has('HOME')) out.push(`HOME=${home}`);
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(() => resolve(), ms));
}

export function emptyNetworkSettings(): ContainerRecord['networkSettings'] {
  return {
    Bridge: '',
    SandboxID: '',
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    Ports: {},
    SandboxKey: '',
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: '',
    Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    MacAddress: '',
    Networks: {},
  };
}

export { shortId };
