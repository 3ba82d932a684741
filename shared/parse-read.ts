/** The parsers of the requests of SPEC 5.2: read markers and the conversations listing. */
import { NAME_FIELD_MAX, type Obj, optInt, optStr, ProtocolError, str } from "./fields.ts";
import type { ClientMessage } from "./protocol.ts";

/** The request types parsed here. */
export type ReadType = "read" | "conversations";

// Message ids are UUIDs; the server answers not_found for any it does not hold.
const MESSAGE_ID_MAX = 64;

/** Parse the body of a `read` or `conversations` request. Throws ProtocolError. */
export function parseReadRequest(t: ReadType, d: Obj): ClientMessage {
  if (t === "conversations") {
    const msg: Extract<ClientMessage, { type: "conversations" }> = { type: t };
    const limit = optInt(d, "limit", 1, 10_000);
    const cursor = optStr(d, "cursor", MESSAGE_ID_MAX);
    if (limit !== undefined) msg.limit = limit;
    if (cursor !== undefined) msg.cursor = cursor;
    return msg;
  }
  const room = optStr(d, "room", NAME_FIELD_MAX);
  const user = optStr(d, "user", NAME_FIELD_MAX);
  if ((room === undefined) === (user === undefined)) {
    throw new ProtocolError("read needs exactly one of 'room' and 'user'");
  }
  const upTo = str(d, "upTo", MESSAGE_ID_MAX);
  return room === undefined ? { type: t, user: user!, upTo } : { type: t, room, upTo };
}
