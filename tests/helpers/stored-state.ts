/**
 * A JSON file store as a server uses it, for the store tests: loaded into the domain's state,
 * each commit applied to that state once durable, compaction writing from that state.
 */
import { openState, snapshotOf, stateFrom } from "../../server/domain/state-snapshot.ts";
import type { StoredState } from "../../server/domain/state-snapshot.ts";
import { JsonFileStore } from "../../server/store/json-store.ts";
import type { JsonFileStoreOptions } from "../../server/store/json-store.ts";
import { readDataDir } from "../../server/store/read.ts";
import type { Snapshot, StoreOp } from "../../server/store/store.ts";

/** A store on a data folder and the state kept over it. */
export class StoreWithState {
  readonly store: JsonFileStore;
  readonly #limit: number;
  #opened: Promise<StoredState> | null = null;

  /** A store on `dir` (nothing is read until `load` or the first commit). */
  constructor(dir: string, opts: JsonFileStoreOptions) {
    this.store = new JsonFileStore(dir, opts);
    this.#limit = opts.historyLimit;
  }

  /** Read the folder into the state (once); resolves with the state as a snapshot. */
  async load(): Promise<Snapshot> {
    this.#opened ??= openState(this.store, this.#limit);
    return snapshotOf((await this.#opened).state);
  }

  /** The state now, as a snapshot. */
  async state(): Promise<Snapshot> {
    return this.load();
  }

  /** Commit as a server's log does: numbered, durable, then applied. */
  async commit(ops: StoreOp[]): Promise<void> {
    this.#opened ??= openState(this.store, this.#limit);
    return (await this.#opened).commit(ops);
  }

  /** Flush, compact from the state, release the folder. */
  close(): Promise<void> {
    return this.store.close();
  }
}

/** What a server started on `dir` would hold: the files loaded into a state (nothing written). */
export async function loadFolder(dir: string, historyLimit: number): Promise<Snapshot> {
  const store = new JsonFileStore(dir, { historyLimit });
  try {
    return snapshotOf(stateFrom(await store.load(), historyLimit));
  } finally {
    await store.close();
  }
}

/** The same, read while a store may have the folder open (no lock taken, nothing written). */
export async function readFolder(dir: string, historyLimit: number): Promise<Snapshot> {
  const { loaded } = await readDataDir(dir, historyLimit);
  return snapshotOf(stateFrom(loaded, historyLimit));
}
