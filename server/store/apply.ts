/**
 * Applying a store op to a snapshot, for the in-memory store of the domain tests. A server
 * applies ops to its state with ChangeApplier only; the JSON file store applies none.
 */
import { moveMark } from "./reads.ts";
import { applyLogEntry, noteTrimmed } from "./apply-log.ts";
import { applyFeatureOp } from "./apply-features.ts";
import { append, byName, byTokenHash, itself, locate, remove, upsert } from "./lists.ts";
import type { Snapshot, StoredMessage, StoreOp } from "./store.ts";

/** A snapshot with nothing in it. */
export function emptySnapshot(): Snapshot {
  return { users: [], sessions: [], rooms: [], history: {} };
}

/**
 * Apply one op to `snapshot` in place. Every op is an idempotent upsert: users by name,
 * sessions by token hash, rooms by name, a room's members and requests by user name, messages
 * by id within their history key, so applying an op twice leaves the same state. A history key
 * keeps only its last `historyLimit` messages. Records are stored by reference, and `member`
 * and `pending` ops change a stored room's lists in place: callers that keep using an op's
 * objects must copy first. Each op costs O(1) on average, whatever the size of the state:
 * lists are located through an index kept beside them (see `locate`), so a list given to
 * applyOp must from then on be changed by applyOp only. Removing from a list moves its last
 * item into the gap, so the order of members, requests and sessions is not kept.
 */
export function applyOp(snapshot: Snapshot, op: StoreOp, historyLimit: number): void {
  switch (op.op) {
    case "user":
      upsert(snapshot.users, op.user, byName);
      return;
    case "session":
      upsert(snapshot.sessions, op.session, byTokenHash);
      return;
    case "session_del":
      remove(snapshot.sessions, op.tokenHash, byTokenHash);
      return;
    case "session_used": {
      // A new record, not a change in place: callers may share the old one (see above).
      const i = locate(snapshot.sessions, op.tokenHash, byTokenHash);
      if (i >= 0) snapshot.sessions[i] = { ...snapshot.sessions[i]!, lastUsed: op.lastUsed };
      return;
    }
    case "room":
      upsert(snapshot.rooms, op.room, byName);
      return;
    case "room_set": {
      const i = locate(snapshot.rooms, op.room, byName);
      if (i < 0) return;
      const { open, visible, topic, shutDown } = op;
      const room = snapshot.rooms[i]!;
      // A new record around the same member list: callers may share the old one (see above).
      const pending = shutDown ? [] : room.pending;
      snapshot.rooms[i] = { ...room, open, visible, topic, shutDown, pending };
      return;
    }
    case "member":
    case "pending": {
      const i = locate(snapshot.rooms, op.room, byName);
      if (i < 0) return; // rooms are never deleted: nothing in a valid journal comes here
      const room = snapshot.rooms[i]!;
      const list = op.op === "member" ? room.members : room.pending;
      if (op.present) {
        if (locate(list, op.user, itself) < 0) append(list, op.user, itself);
        // A member's invite is used up.
        if (op.op === "member" && room.invited) remove(room.invited, op.user, itself);
      } else {
        remove(list, op.user, itself);
      }
      return;
    }
    case "msg": {
      const list = (snapshot.history[op.key] ??= []);
      if (isRepeat(list, op.message.id)) return;
      list.push(op.message);
      if (list.length > historyLimit) {
        noteTrimmed(snapshot, op.key, list, historyLimit);
        trimList(list, historyLimit);
      }
      return;
    }
    case "log":
      applyLogEntry(snapshot, op.entry, historyLimit);
      return;
    case "read":
      moveMark((snapshot.reads ??= {}), op.user, op.key, op.upTo);
      return;
    case "msg_edit":
    case "msg_delete":
    case "ban":
    case "invite":
    case "room_admin":
      applyFeatureOp(snapshot, op);
      return;
    default:
      op satisfies never;
      throw new Error(`unknown store op ${JSON.stringify(op)}`);
  }
}

/** The greatest id each message list has held (an upper bound once messages are trimmed). */
const NEWEST = new WeakMap<StoredMessage[], string>();

/**
 * Whether `list` holds a message with `id`. Ids are time-ordered, so an id greater than any the
 * list has held (every live commit) is new without a scan; any other id is looked for. Call it
 * only right before appending the message when it is new.
 */
function isRepeat(list: StoredMessage[], id: string): boolean {
  let newest = NEWEST.get(list);
  if (newest === undefined) {
    newest = "";
    for (const m of list) if (m.id > newest) newest = m.id;
  }
  if (id > newest) {
    NEWEST.set(list, id);
    return false;
  }
  NEWEST.set(list, newest);
  return list.some((m) => m.id === id);
}

/** Trim every key of `history` to its last `limit` messages, in place. */
export function trimHistory(history: Snapshot["history"], limit: number) {
  for (const list of Object.values(history)) {
    if (list.length > limit) trimList(list, limit);
  }
}

function trimList(list: StoredMessage[], limit: number): void {
  list.splice(0, list.length - limit);
}
