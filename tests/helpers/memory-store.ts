/**
 * A store kept in memory, for the domain tests: the snapshot it started from and the ops
 * committed since, as the JSON file store keeps its files and journal. Loading replays them
 * through the domain's own applier (as a server does at start-up), so a test reads back the
 * state a restart would give, by the one meaning of each op.
 */
import { emptySnapshot } from "../../server/store/store.ts";
import type { Snapshot, Store, StoreOp } from "../../server/store/store.ts";
import { snapshotOf, stateFrom } from "../../server/domain/state-snapshot.ts";
import { journalLine } from "../../server/store/journal.ts";
import { journalOp } from "../../server/store/validate.ts";

/** The store of the domain tests: a snapshot and a journal in memory. */
export class MemoryStore implements Store {
  #initial: Snapshot;
  #journal: StoreOp[] = [];
  #historyLimit: number;

  /** Start from `initial` (copied), keeping at most `historyLimit` messages per history key. */
  constructor(initial?: Snapshot, historyLimit = Number.POSITIVE_INFINITY) {
    this.#initial = initial ? structuredClone(initial) : emptySnapshot();
    this.#historyLimit = historyLimit;
  }

  /** The state a server would load now: the snapshot with every op since applied. */
  async load(): Promise<Snapshot> {
    const loaded = {
      snapshot: structuredClone(this.#initial),
      tail: structuredClone(this.#journal),
    };
    return snapshotOf(stateFrom(loaded, this.#historyLimit));
  }

  /**
   * Keep the ops as the journal keeps them: each written as its journal line and read back
   * (so later changes by the caller do not leak in, and every line is one a restart can read).
   */
  async commit(ops: StoreOp[]): Promise<void> {
    for (const op of ops) {
      const read = journalOp(JSON.parse(journalLine(op)));
      if (read === null || read === "obsolete")
        throw new Error(`unreadable journal line: ${op.op}`);
      this.#journal.push(read);
    }
  }

  /** Nothing to release. */
  async close(): Promise<void> {}
}

/** The state a server loads from `initial` and a journal of `ops`, as a snapshot. */
export function replayed(
  ops: StoreOp[],
  historyLimit = Number.POSITIVE_INFINITY,
  initial: Snapshot = emptySnapshot(),
): Snapshot {
  const loaded = { snapshot: structuredClone(initial), tail: structuredClone(ops) };
  return snapshotOf(stateFrom(loaded, historyLimit));
}
