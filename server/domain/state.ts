/** The domain's live state (users, sessions, rooms, history, log), built from a snapshot. */
import type { RoomInfo, Role } from "../../shared/protocol.ts";
import type { RoomRecord, SessionRecord, Snapshot, UserRecord } from "../store/store.ts";
import { Conversations } from "./conversations.ts";
import { EventLog } from "./event-log.ts";
import type { FeedItem } from "./event-log.ts";
import { History } from "./history.ts";
import { ReadMarkers } from "./read-markers.ts";

/** A room in memory: the record's fields with Sets for members and pending requests. */
export interface RoomState {
  name: string;
  admin: string;
  open: boolean;
  visible: boolean;
  topic: string;
  members: Set<string>;
  pending: Set<string>;
  shutDown: boolean;
  created: string;
  /** Users refused by `ban`. */
  banned: Set<string>;
  /** Users the admin invited, who may join at once. */
  invited: Set<string>;
}

/**
 * The live state of the server, loaded from a snapshot and changed only by applying committed
 * changes, in log order (ChangeApplier): what a client can see is always durable. Users and
 * rooms are replaced by new versions, and a room's members and requests are changed one user
 * at a time (`setMember`, `setPending`).
 */
export class ChatState {
  readonly users = new Map<string, UserRecord>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly rooms = new Map<string, RoomState>();
  /** user -> the token hashes of the user's sessions. */
  #sessionsOf = new Map<string, Set<string>>();
  /** user -> rooms (not shut down) the user is a member of. */
  readonly roomsOf = new Map<string, Set<string>>();
  readonly history: History;
  /** The log of stored events: seq numbering and what `sync` reads. */
  readonly log: EventLog;
  /** Every user's read markers. */
  readonly reads: ReadMarkers;
  /** Every user's DM partners, ordered by their conversation's last message. */
  readonly conversations: Conversations;
  // Indexes of live (not shut down) rooms, so that a user's rooms, requests and quotas and a
  // page of `rooms` cost O(what is asked), never a scan of every room.
  #adminOf = new Map<string, Set<string>>();
  #pendingOf = new Map<string, Set<string>>();
  #names: string[] = [];
  #isLoading = true;
  // A room's members sorted, made when `who` pages through them and dropped when they change.
  #sortedMembers = new WeakMap<RoomState, string[]>();

  /** Build the state from a snapshot, keeping `historyLimit` messages per key. */
  constructor(snapshot: Snapshot, historyLimit: number) {
    this.history = new History(historyLimit);
    this.reads = new ReadMarkers(snapshot.reads);
    this.conversations = new Conversations(snapshot.history);
    for (const u of snapshot.users) this.users.set(u.name, u);
    for (const s of snapshot.sessions) this.addSession(s);
    for (const r of snapshot.rooms) this.putRoom(fromRecord(r));
    this.#names.sort();
    this.#isLoading = false;
    for (const [key, list] of Object.entries(snapshot.history)) this.history.restore(key, list);
    this.log = restoreLog(snapshot, historyLimit);
    for (const room of this.rooms.values()) {
      if (room.shutDown) this.log.roomEnded(room.name, room.members, this.log.last);
    }
  }

  /** Keep a session (new, or a new version of one). */
  addSession(s: SessionRecord): void {
    this.sessions.set(s.tokenHash, s);
    index(this.#sessionsOf, s.user, s.tokenHash, true);
  }

  /** Drop a session; false when there was none. */
  removeSession(tokenHash: string): boolean {
    const s = this.sessions.get(tokenHash);
    if (!s) return false;
    this.sessions.delete(tokenHash);
    index(this.#sessionsOf, s.user, tokenHash, false);
    return true;
  }

  /** The token hashes of a user's sessions. */
  sessionsOf(user: string): ReadonlySet<string> {
    return this.#sessionsOf.get(user) ?? EMPTY;
  }

  /** Put a room's new version in place of the old one, re-indexing its members. */
  putRoom(room: RoomState): void {
    const old = this.rooms.get(room.name);
    const isLive = !room.shutDown;
    const wasLive = old !== undefined && !old.shutDown;
    if (old && wasLive) {
      for (const m of old.members) {
        if (!isLive || !room.members.has(m)) this.indexMember(m, room.name, false);
      }
      for (const p of old.pending) index(this.#pendingOf, p, room.name, false);
      index(this.#adminOf, old.admin, room.name, false);
    }
    this.rooms.set(room.name, room);
    if (isLive) {
      for (const m of room.members) this.indexMember(m, room.name, true);
      for (const p of room.pending) index(this.#pendingOf, p, room.name, true);
      index(this.#adminOf, room.admin, room.name, true);
    }
    if (isLive && !wasLive) this.#indexName(room.name, true);
    if (!isLive && wasLive) this.#indexName(room.name, false);
  }

  /** Make `user` a member of `room` or not, in place (O(1)): the store has it already. */
  setMember(room: RoomState, user: string, isMember: boolean): void {
    if (isMember) room.members.add(user);
    else room.members.delete(user);
    if (isMember) room.invited.delete(user); // an invite is used up by joining
    this.#sortedMembers.delete(room);
    if (!room.shutDown) this.indexMember(user, room.name, isMember);
  }

  /** Change a room's settings in place (O(1)): the store has them already. */
  setSettings(room: RoomState, s: Pick<RoomState, "open" | "visible" | "topic">): void {
    room.open = s.open;
    room.visible = s.visible;
    room.topic = s.topic;
  }

  /** Make `admin` the admin of `room` in place (a room handed over): the store has it already. */
  setAdmin(room: RoomState, admin: string): void {
    if (!room.shutDown) index(this.#adminOf, room.admin, room.name, false);
    room.admin = admin;
    if (!room.shutDown) index(this.#adminOf, admin, room.name, true);
  }

  /** Give `user` a pending request in `room` or drop it, in place (O(1)). */
  setPending(room: RoomState, user: string, isPending: boolean): void {
    if (isPending) room.pending.add(user);
    else room.pending.delete(user);
    if (!room.shutDown) index(this.#pendingOf, user, room.name, isPending);
  }

  /** Add or remove `room` from a user's membership index. */
  indexMember(user: string, room: string, isMember: boolean): void {
    index(this.roomsOf, user, room, isMember);
  }

  /** The rooms (not shut down) a user belongs to. */
  roomsOfUser(user: string): ReadonlySet<string> {
    return this.roomsOf.get(user) ?? EMPTY;
  }

  /** The rooms (not shut down) a user administers. */
  adminRoomsOf(user: string): ReadonlySet<string> {
    return this.#adminOf.get(user) ?? EMPTY;
  }

  /** The rooms (not shut down) where a user has a pending join request. */
  pendingRoomsOf(user: string): ReadonlySet<string> {
    return this.#pendingOf.get(user) ?? EMPTY;
  }

  /** A room's members, sorted (the order `who` pages in); made once per change of members. */
  sortedMembers(room: RoomState): readonly string[] {
    let sorted = this.#sortedMembers.get(room);
    if (!sorted) this.#sortedMembers.set(room, (sorted = [...room.members].sort()));
    return sorted;
  }

  /** The names of every room not shut down, sorted (the order `rooms` pages in). */
  liveRoomNames(): readonly string[] {
    return this.#names;
  }

  // Binary search: a creation or shutdown moves part of the array once (O(rooms) memmove,
  // far cheaper than sorting every listing); loading appends and sorts once at the end.
  #indexName(name: string, isLive: boolean): void {
    if (this.#isLoading) {
      // Each stored room is loaded once; `rooms` skips a name whose room is shut down anyway.
      if (isLive) this.#names.push(name);
      return;
    }
    const at = firstAfter(this.#names, name, true);
    const isThere = this.#names[at] === name;
    if (isLive && !isThere) this.#names.splice(at, 0, name);
    if (!isLive && isThere) this.#names.splice(at, 1);
  }
}

/** The index in sorted `names` of the first name after `name` (or at it, when `orAt`). */
export function firstAfter(names: readonly string[], name: string, orAt = false): number {
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const n = names[mid]!;
    if (n < name || (!orAt && n === name)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Add `item` to the set of `key` in `map`, or remove it (dropping an empty set).
function index(map: Map<string, Set<string>>, key: string, item: string, isIn: boolean): void {
  let set = map.get(key);
  if (isIn) {
    if (!set) map.set(key, (set = new Set()));
    set.add(item);
  } else if (set) {
    set.delete(item);
    if (set.size === 0) map.delete(key);
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/** The log of stored events from a snapshot: its messages with their seq and its log entries. */
function restoreLog(snapshot: Snapshot, limit: number): EventLog {
  const streams = new Map<string, FeedItem[]>();
  for (const [key, list] of Object.entries(snapshot.history)) {
    streams.set(key, list.slice(-limit));
  }
  for (const [key, entries] of Object.entries(snapshot.log ?? {})) {
    const items = streams.get(key) ?? [];
    for (const e of entries.slice(-limit)) items.push(e);
    streams.set(key, items);
  }
  return new EventLog(limit, { streams, trimmed: snapshot.trimmed });
}

/** A stored room as a RoomState. */
export function fromRecord(r: RoomRecord): RoomState {
  return {
    ...r,
    members: new Set(r.members),
    pending: new Set(r.pending),
    banned: new Set(r.banned),
    invited: new Set(r.invited),
  };
}

/** A copy of a room (its own member and request sets) with `changes` applied. */
export function copyRoom(room: RoomState, changes: Partial<RoomState> = {}): RoomState {
  return {
    ...room,
    members: new Set(room.members),
    pending: new Set(room.pending),
    banned: new Set(room.banned),
    invited: new Set(room.invited),
    ...changes,
  };
}

/** A RoomState as a record for the store (a fresh copy). */
export function toRecord(r: RoomState): RoomRecord {
  return {
    ...r,
    members: [...r.members],
    pending: [...r.pending],
    banned: [...r.banned],
    invited: [...r.invited],
  };
}

/** The caller's role in a room. */
function roleOf(room: RoomState, user: string | null): Role {
  if (user === null) return null;
  if (room.admin === user && room.members.has(user)) return "admin";
  if (room.members.has(user)) return "member";
  if (room.pending.has(user)) return "pending";
  return null;
}

/** A room as listed to `user`. */
export function roomInfo(room: RoomState, user: string | null): RoomInfo {
  return {
    name: room.name,
    open: room.open,
    visible: room.visible,
    admin: room.admin,
    members: room.members.size,
    role: roleOf(room, user),
    topic: room.topic,
  };
}
