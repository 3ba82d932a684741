/**
 * Why a change cannot be applied to the state as it is when its turn in the log comes. On one
 * server every change is checked under its locks just before it is appended, so none is ever
 * refused here; in a cluster two instances check changes at the same moment against states
 * that do not yet hold each other's, and the order of the log decides: the later change is
 * refused everywhere (a name taken, a join after a ban, a message after a kick).
 */
import { ChatError } from "../../shared/errors.ts";
import type { StoreOp } from "../store/store.ts";
import type { ChatState } from "./state.ts";

/** Why `ops` cannot be applied to `state` now, or null. A refused change changes nothing. */
export function refusal(state: ChatState, ops: readonly StoreOp[]): ChatError | null {
  for (const op of ops) {
    const why = refusalOf(state, op);
    if (why) return why;
  }
  return null;
}

function refusalOf(state: ChatState, op: StoreOp): ChatError | null {
  switch (op.op) {
    case "room":
      if (!op.create || !state.rooms.has(op.room.name)) return null;
      return new ChatError("conflict", `room name '${op.room.name}' is taken`);
    case "user":
      if (!op.create || !state.users.has(op.user.name)) return null;
      return new ChatError("conflict", `user name '${op.user.name}' is taken`);
    case "member":
    case "pending": {
      if (!op.present) return null;
      const room = state.rooms.get(op.room);
      if (!room || room.shutDown) return new ChatError("not_found", `no such room '${op.room}'`);
      if (room.banned.has(op.user)) {
        return new ChatError("forbidden", `'${op.user}' is banned from '${op.room}'`);
      }
      return null;
    }
    case "msg": {
      const name = op.message.room;
      if (name === undefined) return null;
      const room = state.rooms.get(name);
      if (room && !room.shutDown && room.members.has(op.message.from)) return null;
      return new ChatError("forbidden", `you are not a member of '${name}'`);
    }
    default:
      return null;
  }
}
