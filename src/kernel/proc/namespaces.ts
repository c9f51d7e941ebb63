import type { Process } from './process.ts';

/**
 * A PID namespace. Processes have a number in their own namespace and in each
 * ancestor; the root namespace's numbers are the global PIDs the engine sees.
 * The first process of a non-root namespace is its init (PID 1): orphans are
 * reparented to it, and when it exits every other process in the namespace
 * is killed.
 */
export class PidNamespace {
  readonly level: number;
  private nextPid = 1;
  /** Processes by their number in this namespace (including those of descendant namespaces). */
  readonly members = new Map<number, Process>();
  init: Process | null = null;

  constructor(readonly parent: PidNamespace | null) {
    this.level = parent ? parent.level + 1 : 0;
  }

  allocate(): number {
    while (this.members.has(this.nextPid)) this.nextPid++;
    return this.nextPid++;
  }

  /** True if `ns` is this namespace or one of its descendants. */
  contains(ns: PidNamespace): boolean {
    for (let at: PidNamespace | null = ns; at; at = at.parent) if (at === this) return true;
    return false;
  }
}

/** A UTS namespace: the hostname (and NIS domain name) processes see. */
export class UtsNamespace {
  constructor(
    public hostname: string,
    public domainname = '(none)',
  ) {}
}

/**
 * A network namespace. The kernel only carries it from parent to child;
 * the network layer (src/net) gives it interfaces, routes and sockets.
 */
export interface NetworkNamespaceHandle {
  readonly id: string;
}
