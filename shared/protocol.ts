/**
 * The wire protocol between the chat server and its clients.
 *
 * Every frame is one JSON object with a `type`. Client -> server frames are verbs
 * (`send`, `join`); server -> client frames are nouns (`message`, `joined`, `error`).
 * A request may carry `id`; its reply echoes it as `replyTo`. It imports nothing outside
 * shared/; the name and text rules (sanitize.ts) live beside it and are re-exported here.
 * The frame parsers (parse.ts) import these types, so they are imported from parse.ts.
 */

export { normalizeRoomName, normalizeUserName, sanitizeText } from "./sanitize.ts";

/** Protocol revision, sent in the `welcome` frame. */
export const PROTOCOL_VERSION = 2;

/** Wire error codes. */
export const ErrorCode = {
  BadRequest: "bad_request",
  AuthRequired: "auth_required",
  AuthFailed: "auth_failed",
  Forbidden: "forbidden",
  NotFound: "not_found",
  Conflict: "conflict",
  RateLimited: "rate_limited",
  Internal: "internal",
} as const;

/** One of the wire error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The `chat` exit code for each wire error code (SPEC section 2.7). */
export const EXIT_CODE_FOR_ERROR: Record<ErrorCode, number> = {
  bad_request: 2,
  auth_required: 4,
  auth_failed: 4,
  forbidden: 5,
  not_found: 3,
  conflict: 6,
  rate_limited: 1,
  internal: 1,
};

/** Limits shared by both sides. */
export const LIMITS = {
  nameMax: 32,
  textMax: 4000,
  passwordMin: 8,
  passwordMax: 1024,
  topicMax: 200,
  /** An away message, in characters. */
  awayMax: 200,
  clientIdMax: 64,
  requestIdMax: 64,
  /** Largest frame the server accepts, in bytes. */
  frameMax: 64 * 1024,
} as const;

/** How a connection counts for presence: people and `listen` count, one-shot scripts do not. */
export type ClientMode = "interactive" | "listen" | "oneshot";

/** A user's presence. */
export type Status = "online" | "idle" | "offline";

/** One user's presence: `away` while the user has an away message. */
export interface PresenceUser {
  user: string;
  status: Status;
  away?: string;
}

/**
 * A `presence` event (protocol 2): the users of a room whose presence changed in the last
 * window, named in the list of their status now, with the away message of each who has one.
 */
export interface PresenceEvent {
  room: string;
  online: string[];
  idle: string[];
  offline: string[];
  away: Record<string, string>;
}

/** A caller's role in a room, as listed by `rooms`. */
export type Role = "admin" | "member" | "pending" | null;

/** A room as listed to one caller. */
export interface RoomInfo {
  name: string;
  open: boolean;
  visible: boolean;
  admin: string;
  members: number;
  role: Role;
  topic: string;
  /** In `rooms`, for a room the caller belongs to: messages after their read marker. */
  unread?: number;
  /** Those of them naming the caller as a word or as `@user`. */
  mentions?: number;
}

/**
 * A stream whose events after a cursor have partly left the kept history: a room, a DM
 * conversation (`user`: the partner) or the events addressed to the caller alone (`self`).
 */
export interface Truncation {
  room?: string;
  user?: string;
  self?: true;
  /** How many were dropped (at least 1 when the server no longer knows how many). */
  dropped: number;
}

/** A stored room message. */
export interface ChatMessage {
  id: string;
  room: string;
  from: string;
  text: string;
  /** ISO 8601 server time. */
  ts: string;
  /** Position in the log of stored events (16 digits; a valid `since`). */
  seq?: string;
  /** An action (IRC `/me`): shown as `* alice waves`. */
  action?: true;
  /** ISO 8601 time of the last edit, or of the deletion. */
  edited?: string;
  /** Deleted: `text` is "" and the text is gone from storage. */
  deleted?: true;
}

/** A stored direct message. */
export interface DirectMessage {
  id: string;
  from: string;
  to: string;
  text: string;
  ts: string;
  /** Position in the log of stored events (16 digits; a valid `since`). */
  seq?: string;
  /** An action (IRC `/me`). */
  action?: true;
  /** ISO 8601 time of the last edit, or of the deletion. */
  edited?: string;
  /** Deleted: `text` is "" and the text is gone from storage. */
  deleted?: true;
}

/** One line of `who`. */
export interface WhoEntry {
  user: string;
  status: Status;
  typing: boolean;
  /** The user's away message, when one is set. */
  away?: string;
}

/** One of the caller's login sessions, as listed by `sessions`. */
export interface SessionInfo {
  /** Names the session for `revoke`; not the token, and useless without a login. */
  id: string;
  /** ISO 8601. */
  created: string;
  /** ISO 8601, to the hour: the server stores it at most once an hour. */
  lastUsed: string;
  /** How the client that logged in named itself (may be empty). */
  client: string;
  /** The address it logged in from. */
  address: string;
  /** The session of the connection asking. */
  current: boolean;
}

/** One DM conversation of the caller, as listed by `conversations`. */
export interface ConversationInfo {
  /** The partner. */
  user: string;
  /** The conversation's newest message. */
  last: DirectMessage;
  /** Messages after the caller's read marker, not the caller's own. */
  unread: number;
  /** Those of them naming the caller as a word or as `@user`. */
  mentions: number;
}

/** A pending join request. */
export interface JoinRequest {
  room: string;
  user: string;
}

// ---------------------------------------------------------------------------
// Client -> server

/** Every frame a client may send. `id` is optional; replies echo it as `replyTo`. */
export type ClientMessage =
  | {
      type: "register";
      id?: string;
      user: string;
      password: string;
      mode?: ClientMode;
      client?: string;
    }
  /** `since`: a cursor; the missed events follow the session reply (see `sync`). */
  | {
      type: "login";
      id?: string;
      user: string;
      password: string;
      mode?: ClientMode;
      client?: string;
      since?: string;
    }
  | { type: "auth"; id?: string; token: string; mode?: ClientMode; since?: string }
  /** The stored events after cursor `since` the caller could see, at most `limit`. */
  | { type: "sync"; id?: string; since: string; limit?: number }
  | { type: "logout"; id?: string }
  | { type: "passwd"; id?: string; old: string; new: string; keepSessions?: boolean }
  | { type: "sessions"; id?: string }
  /** Exactly one of `session` (an id from `sessions`) and `allOthers: true`. */
  | { type: "revoke"; id?: string; session?: string; allOthers?: boolean }
  /** One page: at most `limit` (up to 200) rooms after the room named `cursor`. */
  | { type: "rooms"; id?: string; limit?: number; cursor?: string }
  | { type: "create"; id?: string; room: string; open?: boolean; visible?: boolean; topic?: string }
  | { type: "edit"; id?: string; room: string; open?: boolean; visible?: boolean; topic?: string }
  | { type: "shutdown"; id?: string; room: string }
  | { type: "join"; id?: string; room: string }
  | { type: "leave"; id?: string; room: string }
  | { type: "requests"; id?: string; room?: string }
  | { type: "approve"; id?: string; room: string; user: string }
  | { type: "deny"; id?: string; room: string; user: string }
  | { type: "kick"; id?: string; room: string; user: string }
  | { type: "send"; id?: string; room: string; text: string; clientId?: string; action?: boolean }
  | { type: "dm"; id?: string; to: string; text: string; clientId?: string; action?: boolean }
  /** Change the text of one's own message: exactly one of `room` and `user` (a DM partner). */
  | { type: "amend"; id?: string; room?: string; user?: string; messageId: string; text: string }
  /** Delete one's own message (or any in a room one administers); `room` or `user`. */
  | { type: "delete"; id?: string; room?: string; user?: string; messageId: string }
  /** Set (with `message`) or clear (without) the caller's away message. */
  | { type: "away"; id?: string; message?: string }
  | { type: "ban"; id?: string; room: string; user: string }
  | { type: "unban"; id?: string; room: string; user: string }
  /** One page: at most `limit` banned users after the user named `cursor`. */
  | { type: "bans"; id?: string; room: string; limit?: number; cursor?: string }
  | { type: "invite"; id?: string; room: string; user: string }
  | { type: "uninvite"; id?: string; room: string; user: string }
  /** Make another member the room's admin. */
  | { type: "handover"; id?: string; room: string; user: string }
  | {
      type: "history";
      id?: string;
      /** Exactly one of `room` and `user` (a DM conversation with that user). */
      room?: string;
      user?: string;
      limit?: number;
      before?: string;
      after?: string;
    }
  /** Mark a room (`room`) or a DM conversation (`user`) read up to message `upTo`. */
  | { type: "read"; id?: string; room?: string; user?: string; upTo: string }
  /** One page of the caller's DM partners, newest first, after the last id `cursor`. */
  | { type: "conversations"; id?: string; limit?: number; cursor?: string }
  /** With a room: at most `limit` (up to 1000) members after the user named `cursor`. */
  | { type: "who"; id?: string; room?: string; limit?: number; cursor?: string }
  | { type: "typing"; id?: string; room: string; typing: boolean }
  | { type: "activity"; id?: string }
  | { type: "ping"; id?: string };

/** The `type` of a client frame. */
export type ClientMessageType = ClientMessage["type"];

// ---------------------------------------------------------------------------
// Server -> client

/** Every frame the server may send. Replies carry `replyTo`; events do not. */
export type ServerMessage =
  // sent once on connect, before anything else
  | { type: "welcome"; server: string; protocol: number }
  // replies
  /** `cursor`: the position of the log at that moment. */
  | { type: "session"; replyTo?: string; user: string; token: string; cursor?: string }
  /** Closes a page of `sync` (or of the catch-up after `since`); `cursor`: the next `since`. */
  | { type: "synced"; replyTo?: string; cursor: string; more: boolean; truncated: Truncation[] }
  | { type: "ok"; replyTo?: string }
  | { type: "pong"; replyTo?: string }
  /** `next`, when present: there may be more; ask again with it as `cursor`. */
  | { type: "rooms"; replyTo?: string; rooms: RoomInfo[]; next?: string }
  | { type: "room"; replyTo?: string; room: RoomInfo }
  /** `already`: the caller was a member before (a join is idempotent). */
  | { type: "joined"; replyTo?: string; room: string; status: "joined" | "pending" | "already" }
  /** At most 1000; `more` when there are others. */
  | { type: "requests"; replyTo?: string; requests: JoinRequest[]; more?: boolean }
  | { type: "sent"; replyTo?: string; message: ChatMessage }
  | { type: "dm_sent"; replyTo?: string; message: DirectMessage }
  | {
      type: "history";
      replyTo?: string;
      room?: string;
      user?: string;
      messages: (ChatMessage | DirectMessage)[];
      /** True when more messages lie beyond this page in its direction (older; newer with `after`). */
      more?: boolean;
      /** The `before`/`after` id is older than every kept message: some may be missing. */
      truncated?: true;
    }
  /** `next`: more members, ask again with it as `cursor`; `more`: a list without room was cut. */
  | {
      type: "who";
      replyTo?: string;
      room?: string;
      users: WhoEntry[];
      next?: string;
      more?: boolean;
    }
  | { type: "sessions"; replyTo?: string; sessions: SessionInfo[] }
  /**
   * A read marker: the reply to `read` (with the counts after it), and the event to the user's
   * connections when it moved. Exactly one of `room` and `user`.
   */
  | {
      type: "read";
      replyTo?: string;
      room?: string;
      user?: string;
      upTo: string;
      unread?: number;
      mentions?: number;
    }
  /** `next`, when present: there may be more; ask again with it as `cursor`. */
  | {
      type: "conversations";
      replyTo?: string;
      conversations: ConversationInfo[];
      next?: string;
    }
  | { type: "revoked"; replyTo?: string; count: number }
  /** The message after `amend` or `delete`. */
  | { type: "updated"; replyTo?: string; message: ChatMessage | DirectMessage }
  | { type: "bans"; replyTo?: string; room: string; users: string[]; next?: string }
  | { type: "error"; replyTo?: string; code: ErrorCode; message: string; retryAfterMs?: number }
  // events
  | ({ type: "message" } & ChatMessage)
  | ({ type: "dm" } & DirectMessage)
  | ({ type: "presence" } & PresenceEvent)
  | { type: "typing"; room: string; user: string; typing: boolean }
  // Stored events carry `seq`: their position in the log (a valid `since`).
  | { type: "join_request"; room: string; user: string; seq?: string }
  | { type: "join_decision"; room: string; approved: boolean; seq?: string }
  | { type: "room_update"; room: RoomInfo; seq?: string }
  | {
      type: "member";
      room: string;
      user: string;
      event: "joined" | "left" | "kicked" | "banned";
      seq?: string;
    }
  | { type: "room_shutdown"; room: string; seq?: string }
  /** A room message was edited or deleted: the message as it now is. */
  | ({ type: "message_update" } & ChatMessage)
  /** A DM was edited or deleted. */
  | ({ type: "dm_update" } & DirectMessage)
  /** The caller was invited into `room` by its admin `from`. */
  | { type: "invite"; room: string; from: string };

/** The `type` of a server frame. */
export type ServerMessageType = ServerMessage["type"];

/** True for the wire error codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.values(ErrorCode).includes(value as ErrorCode);
}
