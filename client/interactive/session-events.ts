/** Where each frame that is not a reply goes in the chat: the feed, the views, typing, notices. */
import type { ChatMessage, DirectMessage } from "../../shared/protocol.ts";
import type { ServerEvent } from "../connection.ts";
import type { Colors } from "../render.ts";
import { type Shown, showError } from "./display.ts";
import type { MessageFeed } from "./message-feed.ts";
import type { RoomEvents } from "./room-events.ts";
import type { TypingBoard } from "./typing-board.ts";
import type { ViewSwitch } from "./view-switch.ts";

/** What events reach of the session (session.ts provides it). */
export interface EventHost {
  /** The user (their own typing notices are not shown). */
  readonly me: string;
  readonly opts: { colors: Colors };
  readonly views: Pick<ViewSwitch, "readEvent" | "updateEvent">;
  print(shown: Shown): void;
}

/** The session's private parts that events reach. */
export interface EventRoutes {
  feed: Pick<MessageFeed, "room" | "dm">;
  typing: Pick<TypingBoard, "set">;
  roomEvents: Pick<RoomEvents, "handle">;
  /** An `error` event: true when it ended the session and was dealt with. */
  sessionError(code: unknown): boolean;
}

/** Show one frame that is not a reply. */
export function routeEvent(host: EventHost, to: EventRoutes, event: ServerEvent): void {
  const e = event as Record<string, unknown>;
  switch (event.type) {
    case "message":
      return to.feed.room(event as unknown as ChatMessage);
    case "dm":
      return to.feed.dm(event as unknown as DirectMessage);
    case "read":
      return host.views.readEvent(e);
    case "message_update":
    case "dm_update":
      return host.views.updateEvent(e);
    case "typing":
      if (e.user !== host.me) to.typing.set(String(e.room), String(e.user), e.typing === true);
      return;
    case "error":
      // The session was ended elsewhere (logout, revoke, password change): the link says
      // so in words and offers to log in again on this connection.
      if (to.sessionError(e.code)) return;
      host.print(showError(String(e.message ?? "error from the server"), host.opts.colors));
      return;
    default:
      // Room and presence notices; newer event types are not shown.
      to.roomEvents.handle(event.type, e);
      return;
  }
}
