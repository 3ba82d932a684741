/**
 * Receiving what another instance holds told as a whole set in parts (see `setParts`): the
 * parts are gathered per instance, and the whole set is handed over once its last part came.
 */
import type { SetPart } from "./signals.ts";

/** The sets being told, per instance. */
export class WholeSets<T> {
  #incoming = new Map<string, Map<string, T>>();

  /**
   * Take the `items` of a signal of `from`: without `set` they are changes as they come
   * (`each` hears them); with it, a part of a whole set, returned once its last part came.
   */
  take(
    from: string,
    set: SetPart | undefined,
    items: Iterable<[string, T]>,
    each: (key: string, value: T) => void,
  ): Map<string, T> | null {
    if (set?.first) this.#incoming.set(from, new Map());
    const whole = set ? this.#incoming.get(from) : undefined;
    for (const [key, value] of items) {
      if (whole) whole.set(key, value);
      else if (!set) each(key, value);
    }
    if (!whole || !set?.last) return null;
    this.#incoming.delete(from);
    return whole;
  }

  /** Forget a set half told by `from` (the instance is gone). */
  drop(from: string): void {
    this.#incoming.delete(from);
  }
}
