/** `who`: a room's members in pages, or everyone sharing a room with the caller, bounded. */
import type { Status, WhoEntry } from "../../shared/protocol.ts";
import { jsonStringBytes } from "./message-wire.ts";
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

/** The most one `who` reply lists: `pageMax` users, and their lines at most `pageBytes`. */
export interface WhoBounds {
  pageMax: number;
  pageBytes: number;
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
  bounds: WhoBounds,
): WhoReply {
  const room = seeRoom(state, rawRoom, user);
  const isMember = room.members.has(user);
  if (room.shutDown && !isMember) throw shutDown(room.name);
  const sorted = state.sortedMembers(room);
  const limit = Math.min(page.limit ?? bounds.pageMax, bounds.pageMax);
  const start = page.cursor === undefined ? 0 : firstAfter(sorted, page.cursor);
  const names = sorted.slice(start, start + limit);
  const users = fitted(
    names.map((u) =>
      withAway(src, u, {
        user: u,
        status: src.status(u),
        typing: isMember && src.isTyping(room.name, u),
      }),
    ),
    bounds.pageBytes,
  );
  const last = users[users.length - 1];
  return start + users.length < sorted.length && last !== undefined
    ? { room: room.name, users, next: last.user }
    : { room: room.name, users };
}

/**
 * Everyone who shares a room with `user` (the user included), sorted, at most `max`; `typing`
 * when typing in any of those rooms. `more` says the list was cut.
 */
export function sharedWho(
  state: ChatState,
  src: WhoSources,
  user: string,
  bounds: WhoBounds,
): WhoReply {
  const max = bounds.pageMax;
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
  const listed = sorted
    .slice(0, max)
    .map((u) => withAway(src, u, { user: u, status: src.status(u), typing: typing.has(u) }));
  const users = fitted(listed, bounds.pageBytes);
  return isCut || users.length < listed.length ? { users, more: true } : { users };
}

// A who line with the user's away message, when one is set.
function withAway(src: WhoSources, user: string, entry: WhoEntry): WhoEntry {
  const away = src.away(user);
  if (away !== undefined) entry.away = away;
  return entry;
}

// Bytes of a who line's JSON besides its name and away message (keys, status, typing, comma).
const LINE_BYTES = 64;

// The first lines of `entries` whose JSON fits in `maxBytes` (at least one): away messages of
// 200 three-byte characters would make a page of 5,000 users a few MB.
function fitted(entries: WhoEntry[], maxBytes: number): WhoEntry[] {
  let bytes = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const away = e.away === undefined ? 0 : jsonStringBytes(e.away);
    bytes += LINE_BYTES + e.user.length + away;
    if (i > 0 && bytes > maxBytes) return entries.slice(0, i);
  }
  return entries;
}
