/**
 * The records the frames carry: messages, rooms, presence, sessions and the rest, as both
 * sides see them on the wire.
 */

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

/** What room messages and DMs have alike. */
interface MessageFields {
  id: string;
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

/** A stored room message. */
export interface ChatMessage extends MessageFields {
  room: string;
}

/** A stored direct message. */
export interface DirectMessage extends MessageFields {
  to: string;
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
