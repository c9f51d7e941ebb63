import { nowNs } from '../../common/time.ts';
import type { Filters } from '../types/filters.ts';
import type { EventActor, EventMessage, EventType, EventsOptions } from '../types/events.ts';

/** Events kept for `docker events --since` (dockerd keeps the last 256 too). */
const HISTORY = 256;

type Listener = (event: EventMessage) => void;

/**
 * The daemon's event stream (GET /events): every object action is published
 * here; subscribers get past events matching `since` and then live ones
 * until `until` or until they leave.
 */
export class EventBus {
  private readonly history: EventMessage[] = [];
  private readonly listeners = new Set<Listener>();

  publish(type: EventType, action: string, id: string, attributes: Record<string, string> = {}): EventMessage {
    const timeNano = nowNs();
    const actor: EventActor = { ID: id, Attributes: attributes };
    const event: EventMessage = {
      ...(type === 'container' || type === 'image'
        ? { status: action, id, ...(attributes.image ? { from: attributes.image } : {}) }
        : {}),
      Type: type,
      Action: action,
      Actor: actor,
      scope: 'local',
      time: Number(timeNano / 1_000_000_000n),
      timeNano: Number(timeNano),
    };
    this.history.push(event);
    if (this.history.length > HISTORY) this.history.shift();
    for (const listener of [...this.listeners]) listener(event);
    return event;
  }

  /** Past events matching `options` (since/until/filters), then live ones, until `signal` aborts or `until` passes. */
  async *subscribe(options: EventsOptions, signal: AbortSignal): AsyncIterable<EventMessage> {
    const queue: EventMessage[] = [];
    let wake: (() => void) | null = null;
    const listener: Listener = (event) => {
      queue.push(event);
      wake?.();
    };
    this.listeners.add(listener);
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort);
    let timer: unknown = null;
    let expired = false;
    if (options.until !== undefined) {
      const ms = Number((options.until - nowNs()) / 1_000_000n);
      timer = setTimeout(() => {
        expired = true;
        wake?.();
      }, Math.max(0, ms));
    }
    try {
      // Past events only when asked for (`--since`); otherwise the stream starts now, as dockerd's.
      if (options.since !== undefined) for (const event of this.history) if (matches(event, options)) yield event;
      if (options.until !== undefined && options.until <= nowNs()) return;
      while (!signal.aborted && !expired) {
        const event = queue.shift();
        if (event) {
          if (matches(event, options)) yield event;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    } finally {
      this.listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
      if (timer !== null) clearTimeout(timer);
    }
  }
}

function matches(event: EventMessage, options: EventsOptions): boolean {
  const nano = BigInt(event.timeNano);
  if (options.since !== undefined && nano < options.since) return false;
  if (options.until !== undefined && nano > options.until) return false;
  return matchesFilters(event, options.filters);
}

function matchesFilters(event: EventMessage, filters: Filters): boolean {
  const attrs = event.Actor.Attributes;
  const anyOf = (key: string, test: (value: string) => boolean): boolean => {
    const values = filters.get(key);
    return values.length === 0 || values.some(test);
  };
  return (
    anyOf('type', (v) => v === event.Type) &&
    anyOf('event', (v) => v === event.Action || event.Action.startsWith(`${v}:`)) &&
    anyOf(event.Type, (v) => v === event.Actor.ID || event.Actor.ID.startsWith(v) || attrs.name === v) &&
    anyOf('container', (v) => event.Type === 'container' && (event.Actor.ID.startsWith(v) || attrs.name === v)) &&
    anyOf('image', (v) => attrs.image === v || event.Actor.ID === v || (event.Type === 'image' && attrs.name === v)) &&
    anyOf('label', (v) => {
      const [key, value] = v.split('=', 2) as [string, string | undefined];
      return value === undefined ? key in attrs : attrs[key] === value;
    }) &&
    anyOf('volume', (v) => event.Type === 'volume' && event.Actor.ID === v) &&
    anyOf('network', (v) => event.Type === 'network' && (event.Actor.ID.startsWith(v) || attrs.name === v)) &&
    anyOf('daemon', () => event.Type === 'daemon') &&
    anyOf('scope', (v) => v === event.scope)
  );
}
