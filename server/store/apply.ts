import type { Snapshot, StoredMessage, StoreOp } from "./store.ts";

/** A snapshot with nothing in it. */
export function emptySnapshot(): Snapshot {
  return { users: [], sessions: [], rooms: [], history: {} };
}

/**
 * The ids under each history key of a snapshot, so that applyOp finds a repeated message
 * without scanning the key's history (a scan touches every message: slow once the history
 * no longer fits in the CPU cache). Keep it in step by passing it to every applyOp call.
 */
export class HistoryIndex {
  #ids = new Map<string, Set<string>>();

  /** An index of what `history` holds now. */
  constructor(history: Snapshot["history"] = {}) {
    for (const [key, list] of Object.entries(history)) {
      this.#ids.set(key, new Set(list.map((m) => m.id)));
    }
  }

  /** The ids under `key` (a live set). */
  ids(key: string): Set<string> {
    let ids = this.#ids.get(key);
    if (!ids) this.#ids.set(key, (ids = new Set()));
    return ids;
  }
}

/** Extras for applying many ops to one long-lived snapshot. */
export interface ApplyOptions {
  /** Must describe `snapshot.history`; kept up to date. */
  index?: HistoryIndex;
  /**
   * Trim a key only once it is this many messages past the limit, so that trimming costs O(1)
   * per message on average instead of moving the whole list each time. Such a snapshot's
   * history must be read through `lastMessages` (or `trimHistory` first).
   */
  trimSlack?: number;
}

/**
 * Apply one op to `snapshot` in place. Every op is an idempotent upsert: users by name,
 * sessions by token hash, rooms by name, messages by id within their history key, so applying
 * an op twice leaves the same state. A history key keeps only its last `historyLimit` messages.
 * Records are stored by reference: callers that keep mutating an op's objects must copy first.
 */
export function applyOp(
  snapshot: Snapshot,
  op: StoreOp,
  historyLimit: number,
  opts: ApplyOptions = {},
): void {
  switch (op.op) {
    case "user":
      upsert(snapshot.users, op.user, (u) => u.name === op.user.name);
      return;
    case "session":
      upsert(snapshot.sessions, op.session, (s) => s.tokenHash === op.session.tokenHash);
      return;
    case "session_del": {
      const i = snapshot.sessions.findIndex((s) => s.tokenHash === op.tokenHash);
      if (i >= 0) snapshot.sessions.splice(i, 1);
      return;
    }
    case "room":
      upsert(snapshot.rooms, op.room, (r) => r.name === op.room.name);
      return;
    case "msg": {
      const list = (snapshot.history[op.key] ??= []);
      const ids = opts.index?.ids(op.key);
      if (ids ? ids.has(op.message.id) : list.some((m) => m.id === op.message.id)) return;
      list.push(op.message);
      ids?.add(op.message.id);
      if (list.length > historyLimit + (opts.trimSlack ?? 0)) trimList(list, historyLimit, ids);
      return;
    }
    default:
      op satisfies never;
      throw new Error(`unknown store op ${JSON.stringify(op)}`);
  }
}

/** A copy of the last `limit` messages of a list. */
export function lastMessages(list: StoredMessage[], limit: number): StoredMessage[] {
  return list.length > limit ? list.slice(list.length - limit) : list.slice();
}

/** Trim every key of `history` to its last `limit` messages, in place. */
export function trimHistory(history: Snapshot["history"], limit: number, index?: HistoryIndex) {
  for (const [key, list] of Object.entries(history)) {
    if (list.length > limit) trimList(list, limit, index?.ids(key));
  }
}

function trimList(list: StoredMessage[], limit: number, ids?: Set<string>): void {
  for (const old of list.splice(0, list.length - limit)) ids?.delete(old.id);
}

function upsert<T>(list: T[], item: T, same: (x: T) => boolean): void {
  const i = list.findIndex(same);
  if (i >= 0) list[i] = item;
  else list.push(item);
}
