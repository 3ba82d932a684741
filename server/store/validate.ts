/**
 * Shape checks for what the store reads back from disk. Each throws an Error saying what is
 * wrong; the caller adds the file name. Checks cover what the server relies on, not every field.
 */
import { messageOfEvent } from "./message-event.ts";
import { moveMark } from "./reads.ts";
import { dmKey, roomKey } from "./store.ts";
import type { ReadMarks } from "./reads.ts";
import type {
  LogEntry,
  RoomRecord,
  SessionRecord,
  StoredMessage,
  StoreOp,
  Trimmed,
  UserRecord,
} from "./store.ts";

/** Which journal prefix a snapshot file already contains: bytes before `offset` of journal `gen`. */
export interface JournalMark {
  gen: string;
  offset: number;
}

/** users.json */
export interface UsersFile {
  users: UserRecord[];
  sessions: SessionRecord[];
  /** Read markers per user (older files have none). */
  reads: ReadMarks;
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
  /** Events other than messages kept for `sync`, per stream (older files have none). */
  log: Record<string, LogEntry[]>;
  /** What each stream had dropped (older files have none). */
  trimmed: Record<string, Trimmed>;
  journal: JournalMark | null;
}

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

// Fixed arity, no rest array or callback: a start-up checks hundreds of thousands of records
// before the JIT has optimised anything.
function hasStrings(x: unknown, a: string, b: string, c?: string, d?: string): x is Obj {
  if (!isObj(x) || typeof x[a] !== "string" || typeof x[b] !== "string") return false;
  return (
    (c === undefined || typeof x[c] === "string") && (d === undefined || typeof x[d] === "string")
  );
}

function list<T>(x: unknown, what: string, ok: (item: unknown) => boolean): T[] {
  if (!Array.isArray(x)) throw new Error(`"${what}" is not a list`);
  for (let i = 0; i < x.length; i++) {
    if (!ok(x[i])) throw new Error(`"${what}" entry ${i} is malformed`);
  }
  return x as T[];
}

// Older versions kept a queue of notices in the record (`notices`, a list): read and dropped.
function isUser(x: unknown): boolean {
  return (
    hasStrings(x, "name", "passwordHash") && (x.notices === undefined || Array.isArray(x.notices))
  );
}

/** `user` without the queue of notices an older version kept in it, changed in place. */
function withoutQueue<T extends UserRecord>(user: T): T {
  delete (user as { notices?: unknown }).notices;
  return user;
}

function isSeq(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) > 0;
}

function isSession(x: unknown): boolean {
  return hasStrings(x, "tokenHash", "user");
}

function isRoom(x: unknown): boolean {
  return hasStrings(x, "name", "admin") && Array.isArray(x.members) && Array.isArray(x.pending);
}

// Written out field by field: history.json holds every kept message.
function isMessage(x: unknown): boolean {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const m = x as Obj;
  return (
    typeof m.id === "string" &&
    typeof m.from === "string" &&
    typeof m.text === "string" &&
    typeof m.ts === "string" &&
    (m.seq === undefined || isSeq(m.seq))
  );
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

/**
 * Check a parsed users.json (`sessions` may be absent). The queues of notices older versions
 * kept (a top-level `notices`, or one inside each user) are ignored: offline delivery is the log.
 */
export function checkUsersFile(data: unknown): UsersFile {
  const o = top(data);
  const users = list<UserRecord>(o.users, "users", isUser).map(withoutQueue);
  const sessions = list<SessionRecord>(o.sessions ?? [], "sessions", isSession);
  return { users, sessions, reads: readMarks(o.reads), journal: mark(o.journal) };
}

// The `reads` of users.json: user -> history key -> message id, all strings.
function readMarks(x: unknown): ReadMarks {
  const reads: ReadMarks = {};
  if (x === undefined) return reads;
  if (!isObj(x)) throw new Error(`"reads" is not an object`);
  for (const [user, marks] of Object.entries(x)) {
    if (!isObj(marks)) throw new Error(`"reads.${user}" is not an object`);
    for (const [key, id] of Object.entries(marks)) {
      if (typeof id !== "string") throw new Error(`"reads.${user}" entry ${key} is malformed`);
      moveMark(reads, user, key, id);
    }
  }
  return reads;
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
    ...checkLog(o),
    journal: mark(o.journal),
  };
}

// The `log` and `trimmed` of history.json, both optional.
function checkLog(o: Obj): Pick<HistoryFile, "log" | "trimmed"> {
  if (o.log !== undefined && !isObj(o.log)) throw new Error(`"log" is not an object`);
  if (o.trimmed !== undefined && !isObj(o.trimmed)) throw new Error(`"trimmed" is not an object`);
  for (const [stream, entries] of Object.entries(o.log ?? {})) list(entries, stream, isLogEntry);
  for (const [stream, t] of Object.entries(o.trimmed ?? {})) {
    const isTrimmed = isObj(t) && isSeq(t.seq) && isSeq(t.count) && isSeq(t.first);
    if (!isTrimmed) throw new Error(`"trimmed" entry ${stream} is malformed`);
  }
  return {
    log: (o.log ?? {}) as Record<string, LogEntry[]>,
    trimmed: (o.trimmed ?? {}) as Record<string, Trimmed>,
  };
}

function isLogEntry(x: unknown): x is LogEntry {
  return (
    isObj(x) &&
    isSeq(x.seq) &&
    typeof x.stream === "string" &&
    isObj(x.event) &&
    typeof x.event.type === "string"
  );
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
    case "session_used":
      return hasStrings(x, "tokenHash", "lastUsed");
    case "room":
      return isRoom(x.room);
    case "room_set":
      return (
        hasStrings(x, "room", "topic") &&
        typeof x.open === "boolean" &&
        typeof x.visible === "boolean" &&
        typeof x.shutDown === "boolean"
      );
    case "member":
    case "pending":
      return hasStrings(x, "room", "user") && typeof x.present === "boolean";
    case "msg":
      return typeof x.key === "string" && isMessage(x.message);
    case "log":
      return isLogEntry(x.entry);
    case "msg_edit":
      return hasStrings(x, "key", "id", "text", "edited");
    case "msg_delete":
      return hasStrings(x, "key", "id", "edited");
    case "ban":
    case "invite":
      return hasStrings(x, "room", "user") && typeof x.present === "boolean";
    case "room_admin":
      return hasStrings(x, "room", "admin");
    case "read":
      return hasStrings(x, "user", "key", "upTo");
    default:
      return false;
  }
}

/** Journal ops older versions wrote for their queues of notices: read and ignored. */
const OBSOLETE_OPS: ReadonlySet<unknown> = new Set(["notice", "notice_clear"]);

/**
 * A parsed journal line as the op to apply (a `user` op without the queue an older version
 * kept in it, a `msg` op whose line holds its event as a stored message), `"obsolete"` for a line of an older version that means nothing now, or null
 * when the line is not a valid op.
 */
export function journalOp(x: unknown): StoreOp | "obsolete" | null {
  if (isObj(x) && OBSOLETE_OPS.has(x.op) && typeof x.user === "string") return "obsolete";
  if (isObj(x) && x.op === "msg" && x.message === undefined) {
    // A message stored as the event it was published as.
    const message = messageOfEvent(x.event, x.clientId);
    if (message === null) return null;
    const key =
      message.room !== undefined ? roomKey(message.room) : dmKey(message.from, message.to!);
    return { op: "msg", key, message };
  }
  if (!isStoreOp(x)) return null;
  if (x.op === "user") withoutQueue(x.user);
  return x;
}
