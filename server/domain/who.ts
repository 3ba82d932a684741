/** `who`: a room's members in pages, or everyone sharing a room with the caller, bounded. */
import type { Status, WhoEntry } from "../../shared/protocol.ts";
import { seeRoom, shutDown } from "./room-access.ts";
import type { ChatState } from "./state.ts";
import { firstAfter } from "./state.ts";

// Memberships one `who` without a room looks at, per person it may list: a user in many big
// rooms gets the first part and `more`, rather than one request visiting every member of
// every room.
const SCAN_PER_USER = 20;

/** What `who` of a room asks for: at most `limit` members after the user named `cursor`. */
export interface WhoPage {
  limit?: number;
  cursor?: string;
}

/** A `who` reply: `next` to page on through a room; `more` when a list without room was cut. */
export interface WhoReply {
  room?: string;
  users: WhoEntry[];
  next?: string;
  more?: boolean;
}

/** What `who` reads of presence and typing. */
export interface WhoSources {
  status(user: string): Status;
  isTyping(room: string, user: string): boolean;
  /** The user's away message, if any. */
  away(user: string): string | undefined;
}

/**
 * One page of a room's members with status and typing. Typing is shown to members only, and a
 * shut-down room answers its members only.
 */
export function roomWho(
  state: ChatState,
  src: WhoSources,
  user: string,
  rawRoom: string,
  page: WhoPage,
  pageMax: number,
): WhoReply {
  const room = seeRoom(state, rawRoom, user);
  const isMember = room.members.has(user);
  if (room.shutDown && !isMember) throw shutDown(room.name);
  const sorted = state.sortedMembers(room);
  const limit = Math.min(page.limit ?? pageMax, pageMax);
  const start = page.cursor === undefined ? 0 : firstAfter(sorted, page.cursor);
  const names = sorted.slice(start, start + limit);
  const users = names.map((u) =>
    withAway(src, u, {
      user: u,
      status: src.status(u),
      typing: isMember && src.isTyping(room.name, u),
    }),
  );
  const last = names[names.length - 1];
  return start + limit < sorted.length && last !== undefined
    ? { room: room.name, users, next: last }
    : { room: room.name, users };
}

/**
 * Everyone who shares a room with `user` (the user included), sorted, at most `max`; `typing`
 * when typing in any of those rooms. `more` says the list was cut.
 */
export function sharedWho(state: ChatState, src: WhoSources, user: string, max: number): WhoReply {
  const typing = new Set<string>();
  const all = new Set<string>([user]);
  let budget = SCAN_PER_USER * max;
  let isCut = false;
  for (const name of state.roomsOfUser(user)) {
    const members = state.rooms.get(name)?.members ?? new Set<string>();
    if (members.size > budget) {
      isCut = true;
      break;
    }
    budget -= members.size;
    for (const m of members) {
      all.add(m);
      if (src.isTyping(name, m)) typing.add(m);
    }
  }
  const sorted = [...all].sort();
  if (sorted.length > max) isCut = true;
  const users = sorted
    .slice(0, max)
    .map((u) => withAway(src, u, { user: u, status: src.status(u), typing: typing.has(u) }));
  return isCut ? { users, more: true } : { users };
}

// A who line with the user's away message, when one is set.
function withAway(src: WhoSources, user: string, entry: WhoEntry): WhoEntry {
  const away = src.away(user);
  if (away !== undefined) entry.away = away;
  return entry;
}
