/**
 * Applying the store ops of SPEC 5.3 to a snapshot: message edits and deletions, bans,
 * invites and a room handed over. Each costs O(1) on average, or O(history limit) for a
 * message (found from the newest end of its key).
 */
import { append, byName, itself, locate, remove } from "./lists.ts";
import type { Snapshot, StoredMessage, StoreOp } from "./store.ts";

/** The ops applied here. */
export type FeatureOp = Extract<
  StoreOp,
  { op: "msg_edit" | "msg_delete" | "ban" | "invite" | "room_admin" }
>;

/** Apply one FeatureOp to `snapshot` in place (idempotent, like every op). */
export function applyFeatureOp(snapshot: Snapshot, op: FeatureOp): void {
  switch (op.op) {
    case "msg_edit":
    case "msg_delete":
      return replaceMessage(snapshot, op);
    case "ban":
    case "invite":
      return setListed(snapshot, op);
    case "room_admin": {
      const i = locate(snapshot.rooms, op.room, byName);
      // A new record: callers may share the old one (see applyOp).
      if (i >= 0) snapshot.rooms[i] = { ...snapshot.rooms[i]!, admin: op.admin };
      return;
    }
    default:
      op satisfies never;
  }
}

/** The message as an edit or a deletion leaves it (a new object: messages are never changed). */
export function changedMessage(
  m: StoredMessage,
  change: { text: string; edited: string } | { edited: string; deleted: true },
): StoredMessage {
  if ("deleted" in change) {
    // Rebuilt field by field, so that nothing of the old text is carried along.
    const out: StoredMessage = { id: m.id, from: m.from, text: "", ts: m.ts };
    if (m.room !== undefined) out.room = m.room;
    if (m.to !== undefined) out.to = m.to;
    if (m.clientId !== undefined) out.clientId = m.clientId;
    if (m.action) out.action = true;
    out.edited = change.edited;
    out.deleted = true;
    return out;
  }
  return { ...m, text: change.text, edited: change.edited };
}

function replaceMessage(
  snapshot: Snapshot,
  op: Extract<FeatureOp, { op: "msg_edit" | "msg_delete" }>,
) {
  const list = snapshot.history[op.key];
  if (!list) return;
  for (let i = list.length - 1; i >= 0; i--) {
    const m = list[i]!;
    if (m.id !== op.id) continue;
    if (m.deleted) return; // a deletion is final: a late edit never brings text back
    list[i] =
      op.op === "msg_edit"
        ? changedMessage(m, { text: op.text, edited: op.edited })
        : changedMessage(m, { edited: op.edited, deleted: true });
    return;
  }
}

function setListed(snapshot: Snapshot, op: Extract<FeatureOp, { op: "ban" | "invite" }>) {
  const i = locate(snapshot.rooms, op.room, byName);
  if (i < 0) return;
  const room = snapshot.rooms[i]!;
  const banned = (room.banned ??= []);
  const invited = (room.invited ??= []);
  const [list, other] = op.op === "ban" ? [banned, invited] : [invited, banned];
  if (!op.present) return remove(list, op.user, itself);
  if (locate(list, op.user, itself) < 0) append(list, op.user, itself);
  remove(other, op.user, itself);
  if (op.op === "ban") {
    remove(room.members, op.user, itself);
    remove(room.pending, op.user, itself);
  }
}
