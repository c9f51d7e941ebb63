/**
 * What the system router needs (moby daemon/server/router/system/backend.go).
 */
import type { EventMessage, EventsOptions } from '../../types/events.ts';
import type { AuthConfig, AuthResponse, DiskUsage, DiskUsageOptions, SystemInfo, SystemVersion } from '../../types/system.ts';

export interface SystemBackend {
  /** GET /version. */
  version(): Promise<SystemVersion>;
  /** GET /info. */
  info(): Promise<SystemInfo>;
  /**
   * GET /events: past events from `since`, then live ones, matching the
   * (validated) filters. The sequence ends when `until` is reached or the
   * signal aborts (client gone); it must not keep the client waiting past
   * `until`.
   */
  events(options: EventsOptions, signal: AbortSignal): AsyncIterable<EventMessage>;
  /** GET /system/df. */
  diskUsage(options: DiskUsageOptions): Promise<DiskUsage>;
  /** POST /auth: checks credentials against a registry. UnauthorizedError when they are wrong. */
  authenticate(config: AuthConfig): Promise<AuthResponse>;
}
