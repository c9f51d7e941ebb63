/**
 * Event types of GET /events (moby api/types/events, swagger 1.47).
 */
import type { Filters } from './filters.ts';

export type EventType = 'builder' | 'config' | 'container' | 'daemon' | 'image' | 'network' | 'node' | 'plugin' | 'secret' | 'service' | 'volume';

/** The object an event is about: its ID and attributes (name, image, labels, exitCode…). */
export interface EventActor {
  ID: string;
  Attributes: Record<string, string>;
}

/**
 * One event, written as a line of JSON. The legacy `status`, `id` and
 * `from` fields are filled for container and image events because CLIs
 * before 25 (and compose v1) read them.
 */
export interface EventMessage {
  Type: EventType;
  /** "create", "start", "die", "exec_start: sh", "health_status: healthy"… */
  Action: string;
  Actor: EventActor;
  scope: 'local' | 'swarm';
  /** Unix seconds. */
  time: number;
  /** Unix nanoseconds (beyond 2^53: use the value rounded by JSON numbers, as dockerd's clients do). */
  timeNano: number;
  status?: string;
  id?: string;
  from?: string;
}

/** Options of GET /events. Times are nanoseconds since the epoch. */
export interface EventsOptions {
  since?: bigint;
  until?: bigint;
  filters: Filters;
}
