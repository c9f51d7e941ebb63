/**
 * What the build routes need (moby daemon/server/router/build/backend.go):
 * the classic builder only. BuildKit's /session and /grpc are refused.
 */
import type { BuildOptions, BuildPruneOptions, BuildPruneReport } from '../../types/build.ts';
import type { ProgressSink } from '../../types/json-message.ts';

/** Filter names POST /build/prune accepts. */
export const BUILD_PRUNE_FILTERS = [
  'description',
  'id',
  'inuse',
  'label',
  'label!',
  'parent',
  'private',
  'shared',
  'type',
  'until',
  'unused-for',
] as const;

export interface BuildBackend {
  /**
   * POST /build: builds from the context tar, reporting `{"stream":"Step 1/3 : …"}`,
   * `{"aux":{"ID":"sha256:…"}}` and `{"stream":"Successfully tagged x:latest\n"}`
   * messages. Resolves with the image ID. With `quiet` the router hides the
   * progress and prints only the ID.
   */
  build(options: BuildOptions, context: AsyncIterable<Uint8Array>, progress: ProgressSink, signal: AbortSignal): Promise<string>;
  /** POST /build/prune. */
  prune(options: BuildPruneOptions): Promise<BuildPruneReport>;
  /** POST /build/cancel?id=: cancels a running build (API ≥ 1.42 clients). */
  cancel(buildId: string): Promise<void>;
}
