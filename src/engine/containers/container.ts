import type { MemFs } from '../../unionfs/memfs/memfs.ts';
import type { OverlayFs } from '../../unionfs/overlay/overlay-fs.ts';
import type { MountNamespace } from '../../unionfs/vfs/mount-namespace.ts';
import type { Process } from '../../kernel/proc/process.ts';
import type { PidNamespace, UtsNamespace } from '../../kernel/proc/namespaces.ts';
import type { ResourceGroup } from '../../kernel/proc/resource-group.ts';
import type { ContainerConfig, ContainerHealth, ContainerStatus, HostConfig, MountPoint, NetworkSettings } from '../types/container.ts';
import { LogBuffer } from './logs.ts';
import type { ContainerNetwork } from './networking.ts';
import type { ProcessStdio } from './stdio.ts';

/** RFC3339 "zero time", as dockerd shows unset times. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The persisted state of a container (what survives a daemon restart). */
export interface ContainerStateRecord {
  status: ContainerStatus;
  exitCode: number;
  error: string;
  oomKilled: boolean;
  startedAt: string;
  finishedAt: string;
  /** Stopped by a user (docker stop/kill): restart policies other than "always" leave it stopped. */
  manuallyStopped: boolean;
}

/** Everything about a container that is stored. */
export interface ContainerRecord {
  id: string;
  /** With the leading "/". */
  name: string;
  /** RFC3339Nano. */
  created: string;
  path: string;
  args: string[];
  config: ContainerConfig;
  hostConfig: HostConfig;
  /** The image ID ("sha256:…"). */
  image: string;
  /** The image's layer diff ids, bottom first (leased: they outlive `rmi -f` of the image). */
  layers: string[];
  state: ContainerStateRecord;
  restartCount: number;
  mounts: MountPoint[];
  networkSettings: NetworkSettings;
  /** Snapshotter key of the writable layer. */
  snapshotKey: string;
  /** State.Health, stored with the record as dockerd keeps it in its container config (absent: never checked). */
  health?: ContainerHealth | null;
}

/** What exists only while the container runs. */
export interface ContainerRuntime {
  readonly process: Process;
  readonly pidns: PidNamespace;
  readonly uts: UtsNamespace;
  readonly group: ResourceGroup;
  readonly mounts: MountNamespace;
  readonly stdio: ProcessStdio;
  readonly network: ContainerNetwork;
}

/**
 * A container: its record, its writable layer, its log, and (while it runs)
 * its runtime. State changes wake `changed` so waiters re-check.
 */
export class Container {
  readonly logs = new LogBuffer();
  runtime: ContainerRuntime | null = null;
  /** The writable layer, loaded on first use (start, cp, export, diff). */
  upper: MemFs | null = null;
  /** `upper.generation` when it was last loaded or saved: an upper still at it needs no saving. */
  upperSavedGeneration = 0;
  /** The overlay over the image, built with the upper. */
  overlay: OverlayFs | null = null;
  /** Exec instance IDs of this container. */
  readonly execIds = new Set<string>();
  /** Set while `docker rm` runs (State "removing"), then when gone. */
  removed = false;
  /** A pending restart (restart policy backoff). */
  restartTimer: unknown = null;
  paused = false;
  /** How many times the main process has exited (for `wait?condition=next-exit`). */
  exits = 0;

  /**
   * Attach sessions waiting for the next start (`docker run` attaches before
   * it starts the container): called with the new stdio before its output
   * starts flowing, so they miss nothing.
   */
  readonly pendingAttach = new Set<(stdio: ProcessStdio) => void>();
  private listeners = new Set<() => void>();

  constructor(public record: ContainerRecord) {}

  /**
   * State.Health while the config has a healthcheck and the container has run
   * (kept by health.ts's HealthMonitor); it lives in the record, so it is
   * saved with it and survives a daemon restart.
   */
  get health(): ContainerHealth | null {
    return this.record.health ?? null;
  }

  set health(value: ContainerHealth | null) {
    this.record.health = value;
  }

  get id(): string {
    return this.record.id;
  }

  get name(): string {
    return this.record.name;
  }

  get running(): boolean {
    return this.record.state.status === 'running' || this.record.state.status === 'paused';
  }

  /** Registers `wake` for every state change; returns the function that removes it. */
  onChange(wake: () => void): () => void {
    this.listeners.add(wake);
    return () => this.listeners.delete(wake);
  }

  changed(): void {
    for (const wake of [...this.listeners]) wake();
  }

  /** Resolves at the next state change. */
  nextChange(): Promise<void> {
    return new Promise((resolve) => {
      const remove = this.onChange(() => {
        remove();
        resolve();
      });
    });
  }
}
