/**
 * Positions in the cluster's log that the reader keeps: where each queue key was last
 * written (a change checked before that is stale), and callers waiting for the reader to
 * pass a position.
 */
import type { EntryChange } from "./entry.ts";

/** Queue key -> the stream position of the last change that wrote it. */
export class WrittenKeys {
  #at = new Map<string, number>();

  /** Whether a key the change was checked under was written after its checks read the state. */
  isStale(change: EntryChange): boolean {
    const at = change.at ?? 0;
    for (const key of change.reads ?? []) {
      if ((this.#at.get(key) ?? 0) > at) return true;
    }
    return false;
  }

  /** `keys` were written by the entry at `position`. */
  wrote(keys: readonly string[], position: number): void {
    for (const key of keys) this.#at.set(key, position);
  }
}

/** Callers waiting for the reader to reach a position, each at most a while. */
export class PositionWaits {
  #waiting: { position: number; wake: () => void }[] = [];

  /** Resolves once `passed` reports `position` or more, or after `ms`. */
  async until(position: number, ms: number): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    const waiter = { position, wake: resolve };
    this.#waiting.push(waiter);
    const timer = setTimeout(resolve, ms);
    await promise;
    clearTimeout(timer);
    // Gone when it timed out too: a stalled reader does not keep every waiter.
    this.#waiting = this.#waiting.filter((w) => w !== waiter);
  }

  /** The reader applied everything up to `position`. */
  passed(position: number): void {
    if (this.#waiting.length === 0) return;
    const ready = this.#waiting.filter((w) => w.position <= position);
    this.#waiting = this.#waiting.filter((w) => w.position > position);
    for (const w of ready) w.wake();
  }
}
