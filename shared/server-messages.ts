/** The frames the server may send: replies (with `replyTo`) and events, discriminated by `type`. */
import type {
  ChatMessage,
  ConversationInfo,
  DirectMessage,
  JoinRequest,
  PresenceEvent,
  RoomInfo,
  SessionInfo,
  Truncation,
  WhoEntry,
} from "./entities.ts";
import type { ErrorCode } from "./error-codes.ts";

/** Every frame the server may send. Replies carry `replyTo`; events do not. */
export type ServerMessage =
  // sent once on connect, before anything else
  | { type: "welcome"; server: string; protocol: number }
  // replies
  /** `cursor`: the position of the log at that moment. */
  | { type: "session"; replyTo?: string; user: string; token: string; cursor?: string }
  /**
   * Closes a page of `sync` (or of the catch-up after `since`); `cursor`: the next `since`.
   * `events`, when the page was asked for with `batch`: the page's events, in log order.
   */
  | {
      type: "synced";
      replyTo?: string;
      cursor: string;
      more: boolean;
      truncated: Truncation[];
      events?: ServerMessage[];
    }
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
