/**
 * The records each store op changes, named as the queue keys the domain runs its changes
 * under (see KeyedQueue): in a cluster, a change whose checks ran under a key that another
 * change wrote after them is stale, and is made again on the newer state. A room's key
 * stands for its settings and admin; what concerns one user in it goes under the user's
 * quota key, which every change about that user reads.
 */
import type { StoreOp } from "../store/store.ts";
import { quotaLock } from "./room-quota.ts";
import { editLock, readLock, roomLock, sessionsLock, userLock } from "./serial.ts";
import type { ChatState } from "./state.ts";

/** The keys `ops` change, read from `state` before they are applied. */
export function writtenKeys(state: ChatState, ops: readonly StoreOp[]): string[] {
  const keys: string[] = [];
  for (const op of ops) {
    switch (op.op) {
      case "user":
        keys.push(userLock(op.user.name));
        break;
      case "session":
        keys.push(sessionsLock(op.session.user));
        break;
      case "session_del": {
        const user = state.sessions.get(op.tokenHash)?.user;
        if (user !== undefined) keys.push(sessionsLock(user));
        break;
      }
      case "room":
        keys.push(roomLock(op.room.name), quotaLock(op.room.admin));
        break;
      case "room_set":
        keys.push(roomLock(op.room));
        break;
      case "member":
      case "pending":
      case "ban":
      case "invite":
        // Under the user's key, not the room's: joins of different users do not collide,
        // while every change about this user (a kick, a ban, an invite withdrawn) does.
        keys.push(quotaLock(op.user));
        break;
      case "room_admin":
        keys.push(roomLock(op.room), quotaLock(op.admin));
        break;
      case "msg_edit":
      case "msg_delete":
        keys.push(editLock(op.key));
        break;
      case "read":
        keys.push(readLock(op.user));
        break;
      case "msg":
      case "log":
      case "session_used":
        // A message is checked when its turn comes (see refusal); the rest change nothing
        // another change checks.
        break;
      default:
        op satisfies never;
    }
  }
  return keys;
}
