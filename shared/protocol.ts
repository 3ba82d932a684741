/**
 * The wire protocol between the chat server and its clients.
 *
 * Every frame is one JSON object with a `type`. Client -> server frames are verbs
 * (`send`, `join`); server -> client frames are nouns (`message`, `joined`, `error`).
 * A request may carry `id`; its reply echoes it as `replyTo`. This module imports nothing.
 */

/** Protocol revision, sent in the `welcome` frame. */
export const PROTOCOL_VERSION = 1;

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
  clientIdMax: 64,
  requestIdMax: 64,
  /** Largest frame the server accepts, in bytes. */
  frameMax: 64 * 1024,
} as const;

/** How a connection counts for presence: people and `listen` count, one-shot scripts do not. */
export type ClientMode = "interactive" | "listen" | "oneshot";

/** A user's presence. */
export type Status = "online" | "idle" | "offline";

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
}

/** A stored room message. */
export interface ChatMessage {
  id: string;
  room: string;
  from: string;
  text: string;
  /** ISO 8601 server time. */
  ts: string;
}

/** A stored direct message. */
export interface DirectMessage {
  id: string;
  from: string;
  to: string;
  text: string;
  ts: string;
}

/** One line of `who`. */
export interface WhoEntry {
  user: string;
  status: Status;
  typing: boolean;
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
  | { type: "register"; id?: string; user: string; password: string; mode?: ClientMode }
  | { type: "login"; id?: string; user: string; password: string; mode?: ClientMode }
  | { type: "auth"; id?: string; token: string; mode?: ClientMode }
  | { type: "logout"; id?: string }
  | { type: "passwd"; id?: string; old: string; new: string }
  | { type: "rooms"; id?: string }
  | { type: "create"; id?: string; room: string; open?: boolean; visible?: boolean; topic?: string }
  | { type: "edit"; id?: string; room: string; open?: boolean; visible?: boolean; topic?: string }
  | { type: "shutdown"; id?: string; room: string }
  | { type: "join"; id?: string; room: string }
  | { type: "leave"; id?: string; room: string }
  | { type: "requests"; id?: string; room?: string }
  | { type: "approve"; id?: string; room: string; user: string }
  | { type: "deny"; id?: string; room: string; user: string }
  | { type: "kick"; id?: string; room: string; user: string }
  | { type: "send"; id?: string; room: string; text: string; clientId?: string }
  | { type: "dm"; id?: string; to: string; text: string; clientId?: string }
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
  | { type: "who"; id?: string; room?: string }
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
  | { type: "session"; replyTo?: string; user: string; token: string }
  | { type: "ok"; replyTo?: string }
  | { type: "pong"; replyTo?: string }
  | { type: "rooms"; replyTo?: string; rooms: RoomInfo[] }
  | { type: "room"; replyTo?: string; room: RoomInfo }
  | { type: "joined"; replyTo?: string; room: string; status: "joined" | "pending" }
  | { type: "requests"; replyTo?: string; requests: JoinRequest[] }
  | { type: "sent"; replyTo?: string; message: ChatMessage }
  | { type: "dm_sent"; replyTo?: string; message: DirectMessage }
  | {
      type: "history";
      replyTo?: string;
      room?: string;
      user?: string;
      messages: (ChatMessage | DirectMessage)[];
    }
  | { type: "who"; replyTo?: string; room?: string; users: WhoEntry[] }
  | { type: "error"; replyTo?: string; code: ErrorCode; message: string; retryAfterMs?: number }
  // events
  | ({ type: "message" } & ChatMessage)
  | ({ type: "dm" } & DirectMessage)
  | { type: "presence"; user: string; status: Status }
  | { type: "typing"; room: string; user: string; typing: boolean }
  | { type: "join_request"; room: string; user: string }
  | { type: "join_decision"; room: string; approved: boolean }
  | { type: "room_update"; room: RoomInfo }
  | { type: "member"; room: string; user: string; event: "joined" | "left" | "kicked" }
  | { type: "room_shutdown"; room: string };

/** The `type` of a server frame. */
export type ServerMessageType = ServerMessage["type"];

// ---------------------------------------------------------------------------
// Validation helpers

const NAME_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** Normalise a user name: lower-case, validated; null when invalid. */
export function normalizeUserName(raw: string): string | null {
  const name = raw.trim().toLowerCase();
  return NAME_RE.test(name) ? name : null;
}

/** Normalise a room name: a leading `#` dropped, lower-case, validated; null when invalid. */
export function normalizeRoomName(raw: string): string | null {
  const trimmed = raw.trim();
  return normalizeUserName(trimmed.startsWith("#") ? trimmed.slice(1) : trimmed);
}

// ESC-introduced sequences: CSI (with parameters), OSC/DCS/APC/PM/SOS strings up to their
// terminator, and two-byte escapes. The 8-bit C1 forms (0x9b CSI, 0x9d OSC, ...) likewise.
const ESCAPE_SEQUENCE_RE =
  // eslint-disable-next-line no-control-regex
  /\x1b\[[0-?]*[ -/]*[@-~]?|\x1b[\]PX^_][\s\S]*?(?:\x07|\x1b\\|$)|\x1b[ -~]?|\x9b[0-?]*[ -/]*[@-~]?|[\x90\x9d\x98\x9e\x9f][\s\S]*?(?:\x07|\x9c|\x1b\\|$)/g;
// Remaining C0/C1 controls except tab and newline, DEL, and bidi overrides/isolates.
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Remove terminal control sequences and control characters except newline and tab.
 * Applied by the server to every stored text and by the client again before printing.
 */
export function sanitizeText(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(ESCAPE_SEQUENCE_RE, "").replace(CONTROL_RE, "");
}

/** Thrown by the parsers: the frame is malformed. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(obj: Obj, key: string, max: number): string {
  const value = obj[key];
  if (typeof value !== "string") throw new ProtocolError(`'${key}' must be a string`);
  if (value.length > max) throw new ProtocolError(`'${key}' is longer than ${max} characters`);
  return value;
}

function optStr(obj: Obj, key: string, max: number): string | undefined {
  return obj[key] === undefined ? undefined : str(obj, key, max);
}

function optBool(obj: Obj, key: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw new ProtocolError(`'${key}' must be true or false`);
  return value;
}

function bool(obj: Obj, key: string): boolean {
  const value = optBool(obj, key);
  if (value === undefined) throw new ProtocolError(`'${key}' is required`);
  return value;
}

function optInt(obj: Obj, key: string, min: number, max: number): number | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ProtocolError(`'${key}' must be an integer from ${min} to ${max}`);
  }
  return value;
}

function optMode(obj: Obj): ClientMode | undefined {
  const value = obj.mode;
  if (value === undefined) return undefined;
  if (value === "interactive" || value === "listen" || value === "oneshot") return value;
  throw new ProtocolError("'mode' must be interactive, listen or oneshot");
}

// Names are only checked for type and length here; the server normalises and validates them
// so that the error says which name is wrong.
const NAME_FIELD_MAX = 64;

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
      return msg;
    }
    case "auth": {
      const msg: Extract<ClientMessage, { type: "auth" }> = {
        type: t,
        token: str(d, "token", 256),
      };
      const mode = optMode(d);
      if (mode) msg.mode = mode;
      return msg;
    }
    case "logout":
    case "rooms":
    case "activity":
    case "ping":
      return { type: t };
    case "passwd":
      return {
        type: t,
        old: str(d, "old", LIMITS.passwordMax),
        new: str(d, "new", LIMITS.passwordMax),
      };
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
      return msg;
    }
    case "history":
      return parseHistory(d);
    case "who": {
      const room = optStr(d, "room", NAME_FIELD_MAX);
      return room === undefined ? { type: t } : { type: t, room };
    }
    case "typing":
      return { type: t, room: str(d, "room", NAME_FIELD_MAX), typing: bool(d, "typing") };
    default: {
      // Compile-time check that every ClientMessage type has a case above.
      const exhaustive: never = t;
      throw new ProtocolError(`unknown message type '${String(exhaustive).slice(0, 40)}'`);
    }
  }
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
  if (!isObject(data) || typeof data.type !== "string") {
    throw new ProtocolError("frame from server has no 'type'");
  }
  const d = data;
  switch (d.type as ServerMessageType) {
    case "message":
      (str(d, "id", 64),
        str(d, "room", 64),
        str(d, "from", 64),
        str(d, "text", 1 << 20),
        str(d, "ts", 64));
      break;
    case "dm":
      (str(d, "id", 64),
        str(d, "from", 64),
        str(d, "to", 64),
        str(d, "text", 1 << 20),
        str(d, "ts", 64));
      break;
    case "error":
      (str(d, "code", 64), str(d, "message", 1 << 16));
      break;
    case "presence":
      (str(d, "user", 64), str(d, "status", 16));
      break;
    case "typing":
      (str(d, "room", 64), str(d, "user", 64), bool(d, "typing"));
      break;
    default:
      break;
  }
  return d as ServerMessage | { type: string; [key: string]: unknown };
}

/** True for the wire error codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.values(ErrorCode).includes(value as ErrorCode);
}
