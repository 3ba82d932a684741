/**
 * The storage interface between the server's domain and the disk.
 *
 * The domain keeps the live state in memory and describes each change as a StoreOp.
 * A store makes ops durable: `commit` resolves only once they are on disk (fsync'd), and
 * ops committed in the same tick share one write (group commit). Every op is an idempotent
 * upsert, so replaying a journal twice gives the same state. The size of an op does not grow
 * with the state: a join or a kick is a `member` op, not the room with all its members.
 */

/** An account. */
export interface UserRecord {
  name: string;
  /** Bun.password (argon2id) hash. */
  passwordHash: string;
  created: string;
}

/** A login session; only the SHA-256 of the token is ever stored. */
export interface SessionRecord {
  tokenHash: string;
  user: string;
  created: string;
  /** What the owner sees to tell sessions apart (never the token); older records lack it. */
  id?: string;
  /** When the session was last used to authenticate, to the hour (see Sessions). */
  lastUsed?: string;
  /** The client it was created by, as the client named itself (sanitised, bounded). */
  client?: string;
  /** The address it was created from. */
  address?: string;
}

/** A room with all its settings, members and pending requests. */
export interface RoomRecord {
  name: string;
  admin: string;
  open: boolean;
  visible: boolean;
  topic: string;
  members: string[];
  pending: string[];
  shutDown: boolean;
  created: string;
  /** Users refused by `ban` (absent in records of older versions: none). */
  banned?: string[];
  /** Users invited by the admin, who may join at once (absent: none). */
  invited?: string[];
}

/**
 * A stored message: a room message (`room`) or a DM (`to`). A store may keep the committed
 * object itself (no copy), so a message is never changed after it was committed.
 */
export interface StoredMessage {
  id: string;
  from: string;
  text: string;
  ts: string;
  room?: string;
  to?: string;
  /** The sender's idempotency key, when the request carried one. */
  clientId?: string;
  /** Its position in the log of stored events (absent in messages of older versions). */
  seq?: number;
  /** An action (IRC `/me`). */
  action?: true;
  /** When the text was last changed, or when the message was deleted. */
  edited?: string;
  /** Deleted: the text is "" (a tombstone). */
  deleted?: true;
}

/**
 * A stored event other than a message, kept for `sync`: its position, its stream (`room:<name>`,
 * `dm:<a>:<b>` or `user:<name>`) and its frame without `seq`.
 */
export interface LogEntry {
  seq: number;
  stream: string;
  event: { type: string; [field: string]: unknown };
}

/** What a stream has dropped from its kept history: for `truncated` after a restart. */
export interface Trimmed {
  /** The greatest seq dropped. */
  seq: number;
  /** How many were dropped. */
  count: number;
  /** The least seq the stream ever held. */
  first: number;
}

/** The whole persisted state. History keys: `room:<name>` or `dm:<a>:<b>` (names sorted). */
export interface Snapshot {
  users: UserRecord[];
  sessions: SessionRecord[];
  rooms: RoomRecord[];
  history: Record<string, StoredMessage[]>;
  /** Events other than messages kept for `sync`, per stream, oldest first (absent: none). */
  log?: Record<string, LogEntry[]>;
  /** What each stream (history key or log stream) has dropped (absent: nothing). */
  trimmed?: Record<string, Trimmed>;
  /** Read markers: user -> history key -> id of the last message read (absent: none). */
  reads?: Record<string, Record<string, string>>;
}

/** What a new message is made of (see `storedMessage`): not yet edited, and numbered. */
export type MessageFields = Omit<StoredMessage, "edited" | "deleted" | "seq"> & { seq: number };

/**
 * A new stored message, made by one object literal per shape wherever it is made (sent now or
 * read back from the journal): adding fields one at a time gives the object out-of-line
 * storage, one more allocation per message that history keeps alive.
 */
export function storedMessage(f: MessageFields): StoredMessage {
  const { id, from, text, ts, room, to, clientId, seq } = f;
  let m: StoredMessage;
  if (room !== undefined) {
    m =
      clientId === undefined
        ? { id, from, text, ts, room, seq }
        : { id, from, text, ts, room, clientId, seq };
  } else if (to !== undefined) {
    m =
      clientId === undefined
        ? { id, from, text, ts, to, seq }
        : { id, from, text, ts, to, clientId, seq };
  } else {
    m =
      clientId === undefined ? { id, from, text, ts, seq } : { id, from, text, ts, clientId, seq };
  }
  return f.action ? { ...m, action: true } : m;
}

/** Where a `msg` op carries the text of its event, once encoded (see `journalLine`). */
export const ENCODED: unique symbol = Symbol("encoded event");

/** One durable change. */
export type StoreOp =
  /** An account; `create` when it is a new one (refused when the name was taken meanwhile). */
  | { op: "user"; user: UserRecord; create?: true }
  | { op: "session"; session: SessionRecord }
  | { op: "session_del"; tokenHash: string }
  /** A session was used at `lastUsed`; a session that does not exist (ended) is ignored. */
  | { op: "session_used"; tokenHash: string; lastUsed: string }
  /** A room whole; `create` when it is a new one (refused when the name was taken meanwhile). */
  | { op: "room"; room: RoomRecord; create?: true }
  /**
   * A room's settings changed (`edit`) or it was shut down: its members stay, and shutting down
   * drops its requests. A line whose size does not grow with the room. Likewise ignored.
   */
  | {
      op: "room_set";
      room: string;
      open: boolean;
      visible: boolean;
      topic: string;
      shutDown: boolean;
    }
  /** `user` is (present) or is not a member of `room`; a room that does not exist is ignored. */
  | { op: "member"; room: string; user: string; present: boolean }
  /** `user` has (present) or has not a pending join request in `room`; likewise. */
  | { op: "pending"; room: string; user: string; present: boolean }
  /**
   * A new message. `[ENCODED]`, when set, is the JSON text of the event it is published as:
   * its journal line holds that text rather than a second encoding of the message.
   */
  | { op: "msg"; key: string; message: StoredMessage; [ENCODED]?: string }
  /** A stored event other than a message, kept for `sync` (committed with the change it tells). */
  | { op: "log"; entry: LogEntry }
  /** Message `id` under `key` has a new text since `edited`; ignored when gone or deleted. */
  | { op: "msg_edit"; key: string; id: string; text: string; edited: string }
  /** Message `id` under `key` is deleted: a tombstone replaces it. The line holds no text. */
  | { op: "msg_delete"; key: string; id: string; edited: string }
  /** `user` is (present) or is not banned from `room`; a ban also ends membership, request and invite. */
  | { op: "ban"; room: string; user: string; present: boolean }
  /** `user` is (present) or is not invited into `room`; an invite also ends a ban. */
  | { op: "invite"; room: string; user: string; present: boolean }
  /** `admin` is the admin of `room` now (a room handed over). */
  | { op: "room_admin"; room: string; admin: string }
  /** `user` has read history key `key` up to message `upTo`; a marker never moves back. */
  | { op: "read"; user: string; key: string; upTo: string };

/**
 * What a store that keeps no state of its own reads at start-up: its last snapshot and the ops
 * committed after it, in commit order. The state is the snapshot with the tail applied.
 */
export interface Loaded {
  snapshot: Snapshot;
  tail: StoreOp[];
}

/** Where the domain's changes are made durable (each store also has a way to load). */
export interface Store {
  /** Make ops durable. Resolves once fsync'd; rejects (and stores nothing of them) when the disk refuses. */
  commit(ops: StoreOp[]): Promise<void>;
  /** Flush everything, compact into the snapshot files, release the files. */
  close(): Promise<void>;
}

/** The history key of a room. */
export function roomKey(room: string): string {
  return `room:${room}`;
}

/** The history key of the DM conversation between two users (order does not matter). */
export function dmKey(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

/** The users of a DM history key `dm:<a>:<b>` (see dmKey), or null for any other key. */
export function dmUsers(key: string): [string, string] | null {
  if (!key.startsWith("dm:")) return null;
  const parts = key.split(":");
  return parts.length === 3 ? [parts[1]!, parts[2]!] : null;
}

/** A snapshot with nothing in it. */
export function emptySnapshot(): Snapshot {
  return { users: [], sessions: [], rooms: [], history: {} };
}
