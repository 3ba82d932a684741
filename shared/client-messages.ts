/** The frames a client may send: one union of verbs, discriminated by `type`. */
import type { ClientMode } from "./entities.ts";

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
  /**
   * `since`: a cursor; the missed events follow the session reply (see `sync`). `batch`: each
   * page of them comes as one frame, its `synced` carrying the page's events in `events`.
   */
  | {
      type: "login";
      id?: string;
      user: string;
      password: string;
      mode?: ClientMode;
      client?: string;
      since?: string;
      batch?: boolean;
    }
  | {
      type: "auth";
      id?: string;
      token: string;
      mode?: ClientMode;
      since?: string;
      batch?: boolean;
    }
  /**
   * The stored events after cursor `since` the caller could see, at most `limit`; with `batch`
   * they come inside the `synced` reply (`events`) instead of as frames before it.
   */
  | { type: "sync"; id?: string; since: string; limit?: number; batch?: boolean }
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
