/** The events of a connection, handed to its listeners; kept for the first one until it comes. */

/** A frame from the server that is not a reply: an event, possibly of a type newer than this client. */
export type ServerEvent = { type: string; [key: string]: unknown };

// Events kept for a listener that has not subscribed yet; a one-shot command never does.
const UNCLAIMED_MAX = 1000;

/** Listeners of the frames that are not replies. */
export class EventFeed {
  readonly #listeners = new Set<(event: ServerEvent) => void>();
  readonly #unclaimed: ServerEvent[] = [];

  /** Add a listener; it first gets, in a microtask, what came before anyone listened. */
  listen(listener: (event: ServerEvent) => void): () => void {
    this.#listeners.add(listener);
    // Events that came before anyone listened (the server sends DMs and notices kept for
    // an offline user right after authentication) go to the first listener.
    const early = this.#unclaimed.splice(0);
    if (early.length > 0) {
      queueMicrotask(() => {
        for (const event of early) listener(event);
      });
    }
    return () => this.#listeners.delete(listener);
  }

  /** A frame from the server: to every listener, or kept until the first one comes. */
  deliver(event: ServerEvent): void {
    if (this.#listeners.size === 0) {
      if (this.#unclaimed.length < UNCLAIMED_MAX) this.#unclaimed.push(event);
      return;
    }
    this.broadcast(event);
  }

  /** An event of the client's own: to the listeners there are now, never kept. */
  broadcast(event: ServerEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}
