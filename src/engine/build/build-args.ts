/**
 * Build arguments (dockerd's builder/dockerfile/buildargs.go): values from
 * `--build-arg`, ARG declarations of the current stage (`allowed`), ARGs
 * before the first FROM (`meta`), and which ones the Dockerfile referenced
 * (for the "were not consumed" warning). The proxy variables are
 * predefined: usable without an ARG and kept out of the image history.
 */

/** Predefined ARGs: passed to RUN without a declaration, left out of the history unless declared. */
export const BUILTIN_ARGS: ReadonlySet<string> = new Set([
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
]);

export class BuildArgs {
  private allowed = new Map<string, string | null>();
  private readonly meta: Map<string, string | null>;
  private readonly referenced: Set<string>;

  /** `fromOptions`: the request's buildargs; null is "named without a value". */
  constructor(
    private readonly fromOptions: Readonly<Record<string, string | null>>,
    meta?: Map<string, string | null>,
    referenced?: Set<string>,
  ) {
    this.meta = meta ?? new Map();
    this.referenced = referenced ?? new Set();
  }

  /** A copy for a new stage: meta args and references kept, stage ARGs cleared. */
  forStage(): BuildArgs {
    return new BuildArgs(this.fromOptions, new Map(this.meta), new Set(this.referenced));
  }

  /** Adds the references another stage made (MergeReferencedArgs). */
  mergeReferenced(other: BuildArgs): void {
    for (const key of other.referenced) this.referenced.add(key);
  }

  addArg(key: string, value: string | null): void {
    this.allowed.set(key, value);
    this.referenced.add(key);
  }

  addMetaArg(key: string, value: string | null): void {
    this.meta.set(key, value);
  }

  /** Not a builtin, or a builtin the Dockerfile declared: shown in RUN's history ("|1 A=b …"). */
  isReferencedOrNotBuiltin(key: string): boolean {
    return this.allowed.has(key) || !BUILTIN_ARGS.has(key);
  }

  private value(key: string, source: Map<string, string | null>): string | undefined {
    const option = this.fromOptions[key];
    if (Object.hasOwn(this.fromOptions, key) && option !== null && option !== undefined) return option;
    const defaultValue = source.get(key);
    if (defaultValue === null || defaultValue === undefined) {
      const meta = this.meta.get(key);
      return meta === null || meta === undefined ? undefined : meta;
    }
    return defaultValue;
  }

  private all(source: Map<string, string | null>): Map<string, string> {
    const out = new Map<string, string>();
    for (const key of new Set([...source.keys(), ...BUILTIN_ARGS])) {
      const value = this.value(key, source);
      if (value !== undefined) out.set(key, value);
    }
    return out;
  }

  /** Args usable in this stage with their values (declared ARGs and given builtins). */
  allAllowed(): Map<string, string> {
    return this.all(this.allowed);
  }

  /** Args usable in FROM lines (meta ARGs and builtins). */
  allMeta(): Map<string, string> {
    return this.all(this.meta);
  }

  /** "K=v" for each allowed arg whose key is not set in `env` (FilterAllowed), sorted. */
  filterAllowed(env: readonly string[]): string[] {
    const keys = new Set(env.map((e) => (e.includes('=') ? e.slice(0, e.indexOf('=')) : e)));
    const out: string[] = [];
    for (const [key, value] of this.allAllowed()) if (!keys.has(key)) out.push(`${key}=${value}`);
    return out.sort();
  }

  /** The build args given but never declared (builtins excepted), sorted: dockerd's warning. */
  unused(): string[] {
    return Object.keys(this.fromOptions)
      .filter((key) => !this.referenced.has(key) && !BUILTIN_ARGS.has(key))
      .sort();
  }
}
