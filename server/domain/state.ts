import type { RoomInfo, Role } from "../../shared/protocol.ts";
import { legacyQueue } from "../store/notices.ts";
import type {
  LegacyUserRecord,
  QueuedNotice,
  RoomRecord,
  SessionRecord,
  Snapshot,
  UserRecord,
} from "../store/store.ts";
import { History } from "./history.ts";

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
}

/**
 * The live state of the server, loaded from a snapshot and kept in step with the store. Users
 * and rooms are replaced by new versions, and a room's members and requests are changed one
 * user at a time (`setMember`, `setPending`), always only once the store has committed the
 * change: what a client can see is always on disk.
 */
export class ChatState {
  readonly users = new Map<string, UserRecord>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly rooms = new Map<string, RoomState>();
  /** user -> notices queued for their next live connection, oldest first (never empty). */
  readonly notices = new Map<string, QueuedNotice[]>();
  /** user -> rooms (not shut down) the user is a member of. */
  readonly roomsOf = new Map<string, Set<string>>();
  readonly history: History;

  /** Build the state from a snapshot, keeping `historyLimit` messages per key. */
  constructor(snapshot: Snapshot, historyLimit: number) {
    this.history = new History(historyLimit);
    for (const { notices, ...u } of snapshot.users as LegacyUserRecord[]) {
      this.users.set(u.name, u);
      // A record of an older version carries its queue; the store's loads never do.
      if (notices?.length) this.notices.set(u.name, legacyQueue(notices, historyLimit));
    }
    for (const [user, queued] of Object.entries(snapshot.notices ?? {})) {
      if (queued.length > 0) this.notices.set(user, queued.slice());
    }
    for (const s of snapshot.sessions) this.sessions.set(s.tokenHash, s);
    for (const r of snapshot.rooms) this.putRoom(fromRecord(r));
    for (const [key, list] of Object.entries(snapshot.history)) {
      for (const m of list.slice(-historyLimit)) this.history.append(key, m);
    }
  }

  /** Put a room's new version in place of the old one, re-indexing its members. */
  putRoom(room: RoomState): void {
    const old = this.rooms.get(room.name);
    const isLive = !room.shutDown;
    if (old && !old.shutDown) {
      for (const m of old.members) {
        if (!isLive || !room.members.has(m)) this.indexMember(m, room.name, false);
      }
    }
    this.rooms.set(room.name, room);
    if (isLive) for (const m of room.members) this.indexMember(m, room.name, true);
  }

  /** Make `user` a member of `room` or not, in place (O(1)): the store has it already. */
  setMember(room: RoomState, user: string, isMember: boolean): void {
    if (isMember) room.members.add(user);
    else room.members.delete(user);
    if (!room.shutDown) this.indexMember(user, room.name, isMember);
  }

  /** Give `user` a pending request in `room` or drop it, in place (O(1)). */
  setPending(room: RoomState, user: string, isPending: boolean): void {
    if (isPending) room.pending.add(user);
    else room.pending.delete(user);
  }

  /** Add or remove `room` from a user's membership index. */
  indexMember(user: string, room: string, isMember: boolean): void {
    let set = this.roomsOf.get(user);
    if (isMember) {
      if (!set) this.roomsOf.set(user, (set = new Set()));
      set.add(room);
    } else if (set) {
      set.delete(room);
      if (set.size === 0) this.roomsOf.delete(user);
    }
  }

  /** The rooms (not shut down) a user belongs to. */
  roomsOfUser(user: string): ReadonlySet<string> {
    return this.roomsOf.get(user) ?? EMPTY;
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/** A stored room as a RoomState. */
function fromRecord(r: RoomRecord): RoomState {
  return { ...r, members: new Set(r.members), pending: new Set(r.pending) };
}

/** A copy of a room (its own member and request sets) with `changes` applied. */
export function copyRoom(room: RoomState, changes: Partial<RoomState> = {}): RoomState {
  return { ...room, members: new Set(room.members), pending: new Set(room.pending), ...changes };
}

/** A RoomState as a record for the store (a fresh copy). */
export function toRecord(r: RoomState): RoomRecord {
  return { ...r, members: [...r.members], pending: [...r.pending] };
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
