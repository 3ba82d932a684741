/** A store kept in memory, for tests and for running without a disk. */
import { applyOp, emptySnapshot } from "./apply.ts";
import type { Snapshot, Store, StoreOp } from "./store.ts";

/** A store that keeps everything in memory: for tests and for running without a disk. */
export class MemoryStore implements Store {
  #state: Snapshot;
  #historyLimit: number;

  /** Start from `initial` (copied), keeping at most `historyLimit` messages per history key. */
  constructor(initial?: Snapshot, historyLimit = Number.POSITIVE_INFINITY) {
    this.#state = initial ? structuredClone(initial) : emptySnapshot();
    this.#historyLimit = historyLimit;
  }

  /** A deep copy of the current state. */
  async load(): Promise<Snapshot> {
    return structuredClone(this.#state);
  }

  /** Apply the ops (copied, so later changes by the caller do not leak in). */
  async commit(ops: StoreOp[]): Promise<void> {
    for (const op of structuredClone(ops)) applyOp(this.#state, op, this.#historyLimit);
  }

  /** Nothing to release. */
  async close(): Promise<void> {}
}
