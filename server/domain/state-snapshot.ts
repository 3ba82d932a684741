/**
 * The domain's state and its stored form: a snapshot of the whole state (what a store's
 * compaction writes, what a cluster stores in Redis), and a state built back from a snapshot
 * and the changes stored after it, each applied by ChangeApplier, the one meaning of each op.
 */
import type { Loaded, Snapshot, StoreOp } from "../store/store.ts";
import { ChangeApplier } from "./apply-change.ts";
import { numberEvents } from "./change-log.ts";
import { Connections } from "./connections.ts";
import { ChatState, toRecord } from "./state.ts";
import type { Publisher } from "./types.ts";

/** The whole state as a Snapshot (copies: the state may change once it is returned). */
export function snapshotOf(state: ChatState): Snapshot {
  const snapshot: Snapshot = {
    users: [...state.users.values()],
    sessions: [...state.sessions.values()],
    rooms: [...state.rooms.values()].map(toRecord),
    history: Object.fromEntries(state.history.windows()),
    log: {},
    trimmed: {},
    reads: state.reads.marks(),
  };
  for (const { key, entries, trimmed } of state.log.saved()) {
    if (entries.length > 0) snapshot.log![key] = entries;
    if (trimmed) snapshot.trimmed![key] = trimmed;
  }
  return snapshot;
}

/** Nobody listens while a state is loaded. */
const SILENT: Publisher = {
  publish() {},
  publishEach() {},
  publishEvent: () => undefined,
  publishText: () => undefined,
  encode: () => {
    throw new Error("nothing is sent while a state loads");
  },
  encodeBatch: () => {
    throw new Error("nothing is sent while a state loads");
  },
};

/** The state a store loaded: its snapshot with the ops stored after it applied in order. */
export function stateFrom(loaded: Loaded, historyLimit: number): ChatState {
  const state = new ChatState(loaded.snapshot, historyLimit);
  replay(state, loaded.tail);
  return state;
}

/**
 * Apply stored ops to `state` in order, as ChangeApplier applies a change, with no one to tell.
 * The journal does not mark where one change ends, so each op is applied on its own; a room
 * shut down on the way is then closed to its members as of the last event, as when a snapshot
 * is loaded (nothing happens in a room after it was shut down). A message already there (an
 * older version's journal repeating the snapshot) is not added twice.
 */
function replay(state: ChatState, ops: readonly StoreOp[]): void {
  if (ops.length === 0) return;
  const applier = silentApplier(state);
  const wasShut = new Set<string>();
  for (const room of state.rooms.values()) if (room.shutDown) wasShut.add(room.name);
  const newest = new Map<string, string>();
  for (const op of ops) applyNew(state, applier, [op], newest);
  for (const room of state.rooms.values()) {
    if (room.shutDown && !wasShut.has(room.name)) {
      state.log.roomEnded(room.name, room.members, state.log.last);
    }
  }
}

function silentApplier(state: ChatState): ChangeApplier {
  return new ChangeApplier({ state, conns: new Connections(), publisher: SILENT });
}

/** Apply a change, leaving out the messages the state holds already. */
function applyNew(
  state: ChatState,
  applier: ChangeApplier,
  ops: readonly StoreOp[],
  newest: Map<string, string>,
): void {
  const fresh = ops.filter(
    (op) => op.op !== "msg" || !isStored(state, op.key, op.message.id, newest),
  );
  if (fresh.length > 0) applier.apply(fresh);
}

// An id greater than any its key has held is new, without a search (ids are time-ordered, so
// that is every message of a live journal); any other id is looked for. `newest` keeps the
// greatest id of each key seen so far.
function isStored(state: ChatState, key: string, id: string, newest: Map<string, string>): boolean {
  let max = newest.get(key);
  if (max === undefined) {
    max = "";
    const { list, start } = state.history.kept(key);
    for (let i = start; i < list.length; i++) if (list[i]!.id > max) max = list[i]!.id;
  }
  if (id > max) {
    newest.set(key, id);
    return false;
  }
  newest.set(key, max);
  return state.history.find(key, id) !== undefined;
}

/** A store that keeps no state: it loads a snapshot and a tail, and compacts from a source. */
export interface JournalStore {
  load(): Promise<Loaded>;
  attach(source: () => Snapshot): void;
  commit(ops: StoreOp[]): Promise<void>;
}

/** A state kept over a store with nothing listening (tools and tests that write a store). */
export interface StoredState {
  state: ChatState;
  /**
   * Number, commit, then apply `ops` as one change, as a server's log does (a message the state
   * holds already is left out, as loading does); resolves once applied.
   */
  commit(ops: StoreOp[]): Promise<void>;
}

/** Load `store` into a state, give it that state's snapshots, and commit through it. */
export async function openState(store: JournalStore, historyLimit: number): Promise<StoredState> {
  const state = stateFrom(await store.load(), historyLimit);
  store.attach(() => snapshotOf(state));
  const applier = silentApplier(state);
  const newest = new Map<string, string>();
  const commit = (ops: StoreOp[]): Promise<void> => {
    numberEvents(ops, () => state.log.take());
    return store.commit(ops).then(() => applyNew(state, applier, ops, newest));
  };
  return { state, commit };
}
