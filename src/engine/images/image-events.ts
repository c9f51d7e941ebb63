/**
 * Image events as dockerd logs them (`docker events --filter type=image`):
 * an action, the actor ID and attributes. The image store and the images
 * backend emit them; the daemon's event bus subscribes with `onEvent`.
 *
 *   pull, push      id = the reference pulled/pushed ("busybox:latest")
 *   tag, untag      id = the image ID; attributes.name = the reference (tag)
 *   delete          id = the image ID
 *   load, save      id = the image ID
 *   import          id = the image ID
 * Every event carries `attributes.name` (dockerd adds the image's name, or
 * the ID when there is none).
 */

export type ImageAction = 'pull' | 'push' | 'tag' | 'untag' | 'delete' | 'load' | 'save' | 'import';

export interface ImageEvent {
  readonly action: ImageAction;
  readonly id: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export type ImageEventListener = (event: ImageEvent) => void;

/** A tiny synchronous emitter; a throwing listener never disturbs the operation or other listeners. */
export class ImageEventEmitter {
  private readonly listeners = new Set<ImageEventListener>();

  /** Subscribes; returns the unsubscribe function. */
  onEvent(listener: ImageEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(action: ImageAction, id: string, attributes: Record<string, string> = {}): void {
    const event: ImageEvent = { action, id, attributes: { name: id, ...attributes } };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own problem.
      }
    }
  }
}
