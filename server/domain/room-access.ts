/** Finding a room by name as a user may see it (hidden rooms, members, admins). */
import { normalizeRoomName } from "../../shared/protocol.ts";
import { ChatError } from "../../shared/errors.ts";
import type { ChatState, RoomState } from "./state.ts";

/** Check and normalise a room name (a leading `#` dropped); bad_request when invalid. */
export function roomName(raw: string): string {
  const name = normalizeRoomName(raw);
  if (name === null) {
    throw new ChatError(
      "bad_request",
      "invalid room name: 1-32 characters of a-z 0-9 _ -, starting with a letter or digit",
    );
  }
  return name;
}

/** The not_found error for a room, identical for a missing room and a hidden one. */
export function noSuchRoom(name: string): ChatError {
  return new ChatError("not_found", `no such room '${name}'`);
}

/** True when `room` is hidden and `user` is neither a member nor its admin. */
export function isHiddenFrom(room: RoomState, user: string): boolean {
  return !room.visible && !room.members.has(user) && room.admin !== user;
}

/** The room by name, as `user` may see it: hidden rooms exist only for their members. */
export function seeRoom(state: ChatState, raw: string, user: string): RoomState {
  const name = roomName(raw);
  const room = state.rooms.get(name);
  if (!room || isHiddenFrom(room, user)) throw noSuchRoom(name);
  return room;
}

/** The room, when `user` is a member and it is not shut down. */
export function memberRoom(state: ChatState, raw: string, user: string): RoomState {
  const room = seeRoom(state, raw, user);
  if (!room.members.has(user)) {
    throw new ChatError("forbidden", `you are not a member of '${room.name}'; join it first`);
  }
  if (room.shutDown) throw shutDown(room.name);
  return room;
}

/** The room, when `user` is its admin and it is not shut down. */
export function adminRoom(state: ChatState, raw: string, user: string, action: string): RoomState {
  const room = seeRoom(state, raw, user);
  if (room.admin !== user) {
    throw new ChatError("forbidden", `only the admin of '${room.name}' can ${action}`);
  }
  if (room.shutDown) throw shutDown(room.name);
  return room;
}

/** The forbidden error for a shut-down room. */
export function shutDown(name: string): ChatError {
  return new ChatError("forbidden", `room '${name}' is shut down`);
}
