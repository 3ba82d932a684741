/**
 * The parsers of wire frames: every client frame validated field by field on the server
 * (here), the envelope and the fields the client relies on checked on the client
 * (parse-server-message.ts, re-exported here).
 */
import { type ClientMessage, type ClientMessageType, type ClientMode, LIMITS } from "./protocol.ts";

import {
  bool,
  isObject,
  NAME_FIELD_MAX,
  type Obj,
  optBool,
  optInt,
  optStr,
  str,
} from "./fields.ts";
import { ProtocolError } from "./fields.ts";
import { parseFeature } from "./parse-features.ts";
import { parseReadRequest } from "./parse-read.ts";
import { optBatch, optSince, parseSync } from "./parse-sync.ts";

export { ProtocolError } from "./fields.ts";
export { checkServerMessage, parseServerMessage } from "./parse-server-message.ts";

function optMode(obj: Obj): ClientMode | undefined {
  const value = obj.mode;
  if (value === undefined) return undefined;
  if (value === "interactive" || value === "listen" || value === "oneshot") return value;
  throw new ProtocolError("'mode' must be interactive, listen or oneshot");
}

// The server keeps 64 characters of a client's name for itself; more is cut, not refused.
const CLIENT_FIELD_MAX = 256;

/**
 * Parse and validate one client frame. Throws ProtocolError for anything malformed.
 * Unknown extra fields are ignored; the result holds only known fields.
 */
export function parseClientMessage(raw: string): ClientMessage {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new ProtocolError("frame is not valid JSON");
  }
  if (!isObject(data)) throw new ProtocolError("frame must be a JSON object");
  const type = data.type;
  if (typeof type !== "string") throw new ProtocolError("'type' must be a string");
  const id = optStr(data, "id", LIMITS.requestIdMax);
  const msg = parseClientBody(type, data);
  if (id !== undefined) msg.id = id;
  return msg;
}

function parseClientBody(type: string, d: Obj): ClientMessage {
  const t = type as ClientMessageType;
  switch (t) {
    case "register":
    case "login": {
      const msg: Extract<ClientMessage, { type: "register" | "login" }> = {
        type: t,
        user: str(d, "user", NAME_FIELD_MAX),
        password: str(d, "password", LIMITS.passwordMax),
      };
      const mode = optMode(d);
      if (mode) msg.mode = mode;
      const client = optStr(d, "client", CLIENT_FIELD_MAX);
      if (client !== undefined) msg.client = client;
      const since = optSince(d);
      const batch = optBatch(d);
      if (since !== undefined && msg.type === "login") msg.since = since;
      if (batch && msg.type === "login") msg.batch = true;
      return msg;
    }
    case "auth": {
      const msg: Extract<ClientMessage, { type: "auth" }> = {
        type: t,
        token: str(d, "token", 256),
      };
      const mode = optMode(d);
      if (mode) msg.mode = mode;
      const since = optSince(d);
      if (since !== undefined) msg.since = since;
      if (optBatch(d)) msg.batch = true;
      return msg;
    }
    case "sync":
      return parseSync(d);
    case "rooms":
      return parseRooms(d);
    case "logout":
    case "sessions":
    case "activity":
    case "ping":
      return { type: t };
    case "passwd": {
      const msg: Extract<ClientMessage, { type: "passwd" }> = {
        type: t,
        old: str(d, "old", LIMITS.passwordMax),
        new: str(d, "new", LIMITS.passwordMax),
      };
      const keep = optBool(d, "keepSessions");
      if (keep !== undefined) msg.keepSessions = keep;
      return msg;
    }
    case "revoke":
      return parseRevoke(d);
    case "create":
    case "edit": {
      const msg: Extract<ClientMessage, { type: "create" | "edit" }> = {
        type: t,
        room: str(d, "room", NAME_FIELD_MAX),
      };
      const open = optBool(d, "open");
      const visible = optBool(d, "visible");
      const topic = optStr(d, "topic", LIMITS.topicMax * 4);
      if (open !== undefined) msg.open = open;
      if (visible !== undefined) msg.visible = visible;
      if (topic !== undefined) msg.topic = topic;
      return msg;
    }
    case "shutdown":
    case "join":
    case "leave":
      return { type: t, room: str(d, "room", NAME_FIELD_MAX) };
    case "requests": {
      const room = optStr(d, "room", NAME_FIELD_MAX);
      return room === undefined ? { type: t } : { type: t, room };
    }
    case "approve":
    case "deny":
    case "kick":
      return {
        type: t,
        room: str(d, "room", NAME_FIELD_MAX),
        user: str(d, "user", NAME_FIELD_MAX),
      };
    case "send": {
      const msg: Extract<ClientMessage, { type: "send" }> = {
        type: t,
        room: str(d, "room", NAME_FIELD_MAX),
        text: str(d, "text", LIMITS.textMax * 4),
      };
      const clientId = optStr(d, "clientId", LIMITS.clientIdMax);
      if (clientId !== undefined) msg.clientId = clientId;
      if (optBool(d, "action") === true) msg.action = true;
      return msg;
    }
    case "dm": {
      const msg: Extract<ClientMessage, { type: "dm" }> = {
        type: t,
        to: str(d, "to", NAME_FIELD_MAX),
        text: str(d, "text", LIMITS.textMax * 4),
      };
      const clientId = optStr(d, "clientId", LIMITS.clientIdMax);
      if (clientId !== undefined) msg.clientId = clientId;
      if (optBool(d, "action") === true) msg.action = true;
      return msg;
    }
    case "amend":
    case "delete":
    case "away":
    case "ban":
    case "unban":
    case "bans":
    case "invite":
    case "uninvite":
    case "handover":
      return parseFeature(t, d);
    case "read":
    case "conversations":
      return parseReadRequest(t, d);
    case "history":
      return parseHistory(d);
    case "who":
      return parseWho(d);
    case "typing":
      return { type: t, room: str(d, "room", NAME_FIELD_MAX), typing: bool(d, "typing") };
    default: {
      // Compile-time check that every ClientMessage type has a case above.
      const exhaustive: never = t;
      throw new ProtocolError(`unknown message type '${String(exhaustive).slice(0, 40)}'`);
    }
  }
}

function parseRevoke(d: Obj): ClientMessage {
  const session = optStr(d, "session", NAME_FIELD_MAX);
  const allOthers = optBool(d, "allOthers");
  if ((session === undefined) === (allOthers !== true)) {
    throw new ProtocolError("revoke needs exactly one of 'session' and 'allOthers': true");
  }
  return session === undefined ? { type: "revoke", allOthers: true } : { type: "revoke", session };
}

function parseWho(d: Obj): ClientMessage {
  const msg: Extract<ClientMessage, { type: "who" }> = { type: "who" };
  const room = optStr(d, "room", NAME_FIELD_MAX);
  const limit = optInt(d, "limit", 1, 10_000);
  const cursor = optStr(d, "cursor", NAME_FIELD_MAX);
  if (room !== undefined) msg.room = room;
  if (limit !== undefined) msg.limit = limit;
  if (cursor !== undefined) msg.cursor = cursor;
  return msg;
}

function parseRooms(d: Obj): ClientMessage {
  const msg: Extract<ClientMessage, { type: "rooms" }> = { type: "rooms" };
  const limit = optInt(d, "limit", 1, 10_000);
  const cursor = optStr(d, "cursor", NAME_FIELD_MAX);
  if (limit !== undefined) msg.limit = limit;
  if (cursor !== undefined) msg.cursor = cursor;
  return msg;
}

function parseHistory(d: Obj): ClientMessage {
  const room = optStr(d, "room", NAME_FIELD_MAX);
  const user = optStr(d, "user", NAME_FIELD_MAX);
  if ((room === undefined) === (user === undefined)) {
    throw new ProtocolError("history needs exactly one of 'room' and 'user'");
  }
  const msg: Extract<ClientMessage, { type: "history" }> = { type: "history" };
  if (room !== undefined) msg.room = room;
  if (user !== undefined) msg.user = user;
  const limit = optInt(d, "limit", 1, 10_000);
  const before = optStr(d, "before", 64);
  const after = optStr(d, "after", 64);
  if (limit !== undefined) msg.limit = limit;
  if (before !== undefined) msg.before = before;
  if (after !== undefined) msg.after = after;
  return msg;
}
