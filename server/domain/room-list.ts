/** The `rooms` listing: pages in name order, each bounded in rooms and in work. */
import type { RoomInfo } from "../../shared/protocol.ts";
import type { ChatState, RoomState } from "./state.ts";
import { firstAfter, roomInfo } from "./state.ts";

// Room names one request looks at, per room of the page: a page among many hidden rooms may
// come back short (even empty) with `next`, rather than one request scanning every room.
const SCAN_PER_ROOM = 25;

/** What `rooms` asks for: at most `limit` rooms, after the room named `cursor`. */
export interface RoomsPage {
  limit?: number;
  cursor?: string;
}

/** One page of `rooms`: `next` is present when there may be more (pass it as `cursor`). */
export interface RoomsReply {
  rooms: RoomInfo[];
  next?: string;
}

/**
 * Visible rooms plus the caller's own rooms and requests, none shut down, sorted by name:
 * the page after `cursor`, at most `pageMax` rooms. Costs O(limit + the hidden rooms skipped),
 * at most SCAN_PER_ROOM x `pageMax` names.
 */
export function listRooms(
  state: ChatState,
  user: string,
  page: RoomsPage,
  pageMax: number,
): RoomsReply {
  const limit = Math.min(page.limit ?? pageMax, pageMax);
  const names = state.liveRoomNames();
  const start = page.cursor === undefined ? 0 : firstAfter(names, page.cursor);
  const end = Math.min(names.length, start + SCAN_PER_ROOM * pageMax);
  const out: RoomInfo[] = [];
  let i = start;
  for (; i < end; i++) {
    const room = state.rooms.get(names[i]!);
    if (!room || room.shutDown || !isListed(room, user)) continue;
    // One more than the page, to know whether `next` is needed.
    if (out.length === limit) return { rooms: out, next: out[out.length - 1]!.name };
    out.push(listedRoom(room, user));
  }
  // Out of budget before the end: the next page starts after the last name looked at.
  return i < names.length ? { rooms: out, next: names[i - 1]! } : { rooms: out };
}

function isListed(room: RoomState, user: string): boolean {
  return room.visible || room.members.has(user) || room.pending.has(user);
}

// A room as listed to `user`. A hidden room the user has only asked to join shows its name and
// `pending` alone: its settings, admin, member count and topic are for members.
function listedRoom(room: RoomState, user: string): RoomInfo {
  if (room.visible || room.members.has(user)) return roomInfo(room, user);
  return {
    name: room.name,
    open: false,
    visible: false,
    admin: "",
    members: 0,
    role: "pending",
    topic: "",
  };
}
