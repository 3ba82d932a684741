/** The client's parser of server frames: the envelope and the fields the client relies on. */
import type { ServerMessage, ServerMessageType } from "./protocol.ts";

import { bool, isObject, type Obj, ProtocolError, str } from "./fields.ts";

/**
 * Parse one server frame on the client. Checks the envelope (an object with a string
 * `type`) and the fields the client relies on; unknown types are returned as they are
 * so that newer servers can add events.
 */
export function parseServerMessage(
  raw: string,
): ServerMessage | { type: string; [key: string]: unknown } {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new ProtocolError("frame from server is not valid JSON");
  }
  return checkServerMessage(data);
}

/**
 * Check one server frame already parsed from JSON (an event inside a batched `synced`) as
 * parseServerMessage checks a frame's text.
 */
export function checkServerMessage(
  data: unknown,
): ServerMessage | { type: string; [key: string]: unknown } {
  if (!isObject(data) || typeof data.type !== "string") {
    throw new ProtocolError("frame from server has no 'type'");
  }
  const d = data;
  switch (d.type as ServerMessageType) {
    case "message":
    case "dm":
      // A room message names its room, a DM its recipient; the rest they have alike.
      str(d, d.type === "message" ? "room" : "to", 64);
      (str(d, "id", 64), str(d, "from", 64), str(d, "text", 1 << 20), str(d, "ts", 64));
      break;
    case "error":
      (str(d, "code", 64), str(d, "message", 1 << 16));
      break;
    case "presence":
      presenceUsers(d);
      break;
    case "synced":
      syncedFields(d);
      break;
    case "typing":
      (str(d, "room", 64), str(d, "user", 64), bool(d, "typing"));
      break;
    default:
      break;
  }
  return d as ServerMessage | { type: string; [key: string]: unknown };
}

// A presence event names its room, lists user names by status and maps names to away messages.
function presenceUsers(d: Obj): void {
  str(d, "room", 64);
  for (const key of ["online", "idle", "offline"]) {
    const list = d[key];
    if (!Array.isArray(list)) throw new ProtocolError(`'${key}' must be an array`);
    for (const u of list as unknown[]) {
      if (typeof u !== "string" || u.length > 64) {
        throw new ProtocolError(`'${key}' must hold user names`);
      }
    }
  }
  if (!isObject(d.away)) throw new ProtocolError("'away' must be an object");
  for (const text of Object.values(d.away)) {
    if (typeof text !== "string") throw new ProtocolError("'away' must map names to text");
  }
}

// A `synced` closes a page: its cursor, whether more follows, the streams it could not give
// whole (objects), and for a batched page its events (checked one by one by the client).
function syncedFields(d: Obj): void {
  str(d, "cursor", 64);
  bool(d, "more");
  const { truncated, events } = d;
  if (!Array.isArray(truncated) || !truncated.every(isObject)) {
    throw new ProtocolError("'truncated' must be a list of objects");
  }
  if (events !== undefined && !Array.isArray(events)) {
    throw new ProtocolError("'events' must be a list");
  }
}
