/**
 * Amending and deleting a stored message (SPEC 5.3). The sender may change its text or delete
 * it; a room's admin may delete any message in the room; in a DM only the sender may. A
 * deletion leaves a tombstone whose text is gone: the journal line of a deletion holds no text,
 * and the next compaction writes the tombstone in place of the message.
 */
import type { ChatMessage, DirectMessage } from "../../shared/protocol.ts";
import { ChatError } from "../../shared/errors.ts";
import { changedMessage } from "./message-wire.ts";
import { dmKey, roomKey } from "../store/store.ts";
import type { StoredMessage, StoreOp } from "../store/store.ts";
import { userName } from "./accounts.ts";
import { cleanText, toChatMessage, toDirectMessage } from "./message-wire.ts";
import { commitEvents } from "./record.ts";
import { memberRoom } from "./room-access.ts";
import { editLock, roomLock } from "./serial.ts";
import { quotaLock } from "./room-quota.ts";
import type { KeyedQueue } from "./serial.ts";
import type { Deps } from "./deps.ts";

/** Which conversation a message is in: exactly one of a room and a DM partner. */
export interface MessageTarget {
  room?: string;
  user?: string;
}

/** A message found for a change, with where it lives and who may change it. */
interface Found {
  key: string;
  message: StoredMessage;
  /** The room's admin (may delete others' messages); null in a DM. */
  admin: string | null;
}

/** Edits and deletions of stored messages. */
export class Edits {
  #d: Deps;
  #queue: KeyedQueue;

  /** Edits over the shared state; `queue` orders the changes of one conversation. */
  constructor(deps: Deps, queue: KeyedQueue) {
    this.#d = deps;
    this.#queue = queue;
  }

  /** Replace the text of the caller's own message; members (or both DM users) are told. */
  amend(user: string, target: MessageTarget, id: string, text: string) {
    const clean = cleanText(text);
    const where = this.#where(user, target);
    return this.#queue.run(
      locksOf(where),
      async () => {
        const found = this.#find(user, where, target, id);
        if (found.message.from !== user) {
          throw new ChatError("forbidden", "you can only edit your own messages");
        }
        if (found.message.deleted) throw new ChatError("not_found", `message '${id}' was deleted`);
        this.#d.limits.message(user);
        const edited = this.#now();
        const op = { op: "msg_edit", key: found.key, id, text: clean, edited } as const;
        return this.#commit(op, changedMessage(found.message, { text: clean, edited }));
      },
      [quotaLock(user)],
    );
  }

  /**
   * Delete a message: the caller's own, or any in a room the caller administers. Deleting a
   * deleted message answers its tombstone and stores nothing (a retried request succeeds).
   */
  delete(user: string, target: MessageTarget, id: string) {
    const where = this.#where(user, target);
    return this.#queue.run(
      locksOf(where),
      async () => {
        const found = this.#find(user, where, target, id);
        if (found.message.from !== user && found.admin !== user) {
          const whose = found.admin === null ? "its sender" : "its sender or the room's admin";
          throw new ChatError("forbidden", `only ${whose} can delete this message`);
        }
        if (found.message.deleted) return wire(found.message);
        this.#d.limits.message(user);
        const edited = this.#now();
        const op = { op: "msg_delete", key: found.key, id, edited } as const;
        return this.#commit(op, changedMessage(found.message, { edited, deleted: true }));
      },
      [quotaLock(user)],
    );
  }

  // The history key of the conversation, checked for access before anything waits: a hidden
  // room answers a non-member not_found exactly as a missing room does.
  #where(user: string, target: MessageTarget): string {
    if (target.user !== undefined) return dmKey(user, userName(target.user));
    return roomKey(memberRoom(this.#d.state, target.room ?? "", user).name);
  }

  #find(user: string, key: string, target: MessageTarget, id: string): Found {
    // Checked again under the queue: the caller may have left or been removed meanwhile.
    const room = target.room === undefined ? null : memberRoom(this.#d.state, target.room, user);
    const message = this.#d.state.history.find(key, id);
    if (!message) {
      const place = room ? `'${room.name}'` : "this conversation";
      throw new ChatError("not_found", `no message '${id}' in ${place} (or no longer kept)`);
    }
    return { key, message, admin: room ? room.admin : null };
  }

  // Stored with its update event (its own seq, in the conversation's stream: the log changes
  // the kept message and blanks a deleted one's earlier edits), then replaced in history (and
  // its client-id index) and published. Resolves with the message as it now is.
  async #commit(
    op: Extract<StoreOp, { op: "msg_edit" | "msg_delete" }>,
    message: StoredMessage,
  ): Promise<ChatMessage | DirectMessage> {
    const m = wire(message);
    const { seq: _seq, ...fields } = m;
    const event = { type: message.room !== undefined ? "message_update" : "dm_update", ...fields };
    await commitEvents(this.#d, [op], [{ stream: op.key, event }]);
    return m;
  }

  #now(): string {
    return new Date(this.#d.clock.now()).toISOString();
  }
}

/** A stored message on the wire, as a room message or a DM. */
function wire(m: StoredMessage): ChatMessage | DirectMessage {
  return m.room !== undefined ? toChatMessage(m) : toDirectMessage(m);
}

// A room message is changed under the room's key too, and reads its author's key: a member
// kicked, or a room handed over, meanwhile (on another instance of a cluster) makes the
// change stale.
function locksOf(key: string): string[] {
  const room = roomOfKey(key);
  return room === null ? [editLock(key)] : [editLock(key), roomLock(room)];
}

function roomOfKey(key: string): string | null {
  return key.startsWith("room:") ? key.slice("room:".length) : null;
}
