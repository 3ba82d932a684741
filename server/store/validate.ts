import type { RoomRecord, SessionRecord, StoredMessage, StoreOp, UserRecord } from "./store.ts";

/**
 * Shape checks for what the store reads back from disk. Each throws an Error saying what is
 * wrong; the caller adds the file name. Checks cover what the server relies on, not every field.
 */

/** Which journal prefix a snapshot file already contains: bytes before `offset` of journal `gen`. */
export interface JournalMark {
  gen: string;
  offset: number;
}

/** users.json */
export interface UsersFile {
  users: UserRecord[];
  sessions: SessionRecord[];
  journal: JournalMark | null;
}

/** rooms.json */
export interface RoomsFile {
  rooms: RoomRecord[];
  journal: JournalMark | null;
}

/** history.json */
export interface HistoryFile {
  history: Record<string, StoredMessage[]>;
  journal: JournalMark | null;
}

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function hasStrings(x: unknown, ...keys: string[]): x is Obj {
  return isObj(x) && keys.every((k) => typeof x[k] === "string");
}

function list<T>(x: unknown, what: string, ok: (item: unknown) => boolean): T[] {
  if (!Array.isArray(x)) throw new Error(`"${what}" is not a list`);
  const bad = x.findIndex((item) => !ok(item));
  if (bad >= 0) throw new Error(`"${what}" entry ${bad} is malformed`);
  return x as T[];
}

function isUser(x: unknown): boolean {
  return (
    hasStrings(x, "name", "passwordHash") && (x.notices === undefined || Array.isArray(x.notices))
  );
}

function isSession(x: unknown): boolean {
  return hasStrings(x, "tokenHash", "user");
}

function isRoom(x: unknown): boolean {
  return hasStrings(x, "name", "admin") && Array.isArray(x.members) && Array.isArray(x.pending);
}

function isMessage(x: unknown): boolean {
  return hasStrings(x, "id", "from", "text", "ts");
}

function mark(x: unknown): JournalMark | null {
  if (x === undefined) return null;
  if (isObj(x) && typeof x.gen === "string" && Number.isSafeInteger(x.offset)) {
    return { gen: x.gen, offset: x.offset as number };
  }
  throw new Error(`"journal" is malformed`);
}

function top(x: unknown): Obj {
  if (!isObj(x)) throw new Error("expected a JSON object at the top level");
  return x;
}

/** Check a parsed users.json (`sessions` may be absent). */
export function checkUsersFile(data: unknown): UsersFile {
  const o = top(data);
  const users = list<UserRecord>(o.users, "users", isUser);
  for (const u of users) u.notices ??= [];
  const sessions = list<SessionRecord>(o.sessions ?? [], "sessions", isSession);
  return { users, sessions, journal: mark(o.journal) };
}

/** Check a parsed rooms.json. */
export function checkRoomsFile(data: unknown): RoomsFile {
  const o = top(data);
  return { rooms: list<RoomRecord>(o.rooms, "rooms", isRoom), journal: mark(o.journal) };
}

/** Check a parsed history.json. */
export function checkHistoryFile(data: unknown): HistoryFile {
  const o = top(data);
  if (!isObj(o.history)) throw new Error(`"history" is not an object`);
  for (const [key, messages] of Object.entries(o.history)) list(messages, key, isMessage);
  return {
    history: o.history as Record<string, StoredMessage[]>,
    journal: mark(o.journal),
  };
}

/** Whether a parsed journal line is a StoreOp the store can apply. */
export function isStoreOp(x: unknown): x is StoreOp {
  if (!isObj(x)) return false;
  switch (x.op) {
    case "user":
      return isUser(x.user);
    case "session":
      return isSession(x.session);
    case "session_del":
      return typeof x.tokenHash === "string";
    case "room":
      return isRoom(x.room);
    case "member":
    case "pending":
      return hasStrings(x, "room", "user") && typeof x.present === "boolean";
    case "msg":
      return typeof x.key === "string" && isMessage(x.message);
    default:
      return false;
  }
}
