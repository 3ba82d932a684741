import type { Snapshot, StoreOp } from "./store.ts";

/** A snapshot with nothing in it. */
export function emptySnapshot(): Snapshot {
  return { users: [], sessions: [], rooms: [], history: {} };
}

/**
 * Apply one op to `snapshot` in place. Every op is an idempotent upsert: users by name,
 * sessions by token hash, rooms by name, messages by id within their history key, so applying
 * an op twice leaves the same state. A history key keeps only its last `historyLimit` messages.
 * Records are stored by reference: callers that keep mutating an op's objects must copy first.
 */
export function applyOp(snapshot: Snapshot, op: StoreOp, historyLimit: number): void {
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
      // Scan from the end: a duplicate is almost always a recent message.
      for (let i = list.length - 1; i >= 0; i--) if (list[i]!.id === op.message.id) return;
      list.push(op.message);
      if (list.length > historyLimit) list.splice(0, list.length - historyLimit);
      return;
    }
    default:
      op satisfies never;
      throw new Error(`unknown store op ${JSON.stringify(op)}`);
  }
}

function upsert<T>(list: T[], item: T, same: (x: T) => boolean): void {
  const i = list.findIndex(same);
  if (i >= 0) list[i] = item;
  else list.push(item);
}
