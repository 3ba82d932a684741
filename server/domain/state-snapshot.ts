/**
 * The domain's state as a snapshot: what a cluster stores in Redis so that a new instance
 * starts from it and the tail of the log instead of the whole log.
 */
import type { Snapshot } from "../store/store.ts";
import type { ChatState } from "./state.ts";
import { toRecord } from "./state.ts";

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
