/**
 * The parsers of the requests of SPEC 5.3: amending and deleting a message, away messages,
 * bans, invites and handing a room over.
 */
import { NAME_FIELD_MAX, type Obj, optInt, optStr, ProtocolError, str } from "./fields.ts";
import { type ClientMessage, LIMITS } from "./protocol.ts";

/** The request types parsed here. */
export type FeatureType =
  "amend" | "delete" | "away" | "ban" | "unban" | "bans" | "invite" | "uninvite" | "handover";

// Message ids are UUIDs; the server answers not_found for any it does not hold.
const MESSAGE_ID_MAX = 64;

/** Parse the body of one of the FeatureType requests. Throws ProtocolError. */
export function parseFeature(t: FeatureType, d: Obj): ClientMessage {
  switch (t) {
    case "amend":
      return { type: t, ...target(d), text: str(d, "text", LIMITS.textMax * 4) };
    case "delete":
      return { type: t, ...target(d) };
    case "away": {
      const message = optStr(d, "message", LIMITS.awayMax * 4);
      return message === undefined ? { type: t } : { type: t, message };
    }
    case "ban":
    case "unban":
    case "invite":
    case "uninvite":
    case "handover":
      return {
        type: t,
        room: str(d, "room", NAME_FIELD_MAX),
        user: str(d, "user", NAME_FIELD_MAX),
      };
    case "bans": {
      const msg: Extract<ClientMessage, { type: "bans" }> = {
        type: t,
        room: str(d, "room", NAME_FIELD_MAX),
      };
      const limit = optInt(d, "limit", 1, 10_000);
      const cursor = optStr(d, "cursor", NAME_FIELD_MAX);
      if (limit !== undefined) msg.limit = limit;
      if (cursor !== undefined) msg.cursor = cursor;
      return msg;
    }
    default: {
      const exhaustive: never = t;
      throw new ProtocolError(`unknown message type '${String(exhaustive)}'`);
    }
  }
}

// Exactly one of `room` and `user` (a DM partner), and the message's id.
function target(d: Obj): { room?: string; user?: string; messageId: string } {
  const room = optStr(d, "room", NAME_FIELD_MAX);
  const user = optStr(d, "user", NAME_FIELD_MAX);
  if ((room === undefined) === (user === undefined)) {
    throw new ProtocolError("needs exactly one of 'room' and 'user'");
  }
  const messageId = str(d, "messageId", MESSAGE_ID_MAX);
  return room === undefined ? { user: user!, messageId } : { room, messageId };
}
