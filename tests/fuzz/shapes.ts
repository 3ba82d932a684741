/**
 * The shape of every client frame (its fields and their kinds), and the check that a parsed
 * frame holds it: the invariants the fuzzers assert of parseClientMessage.
 */
import { LIMITS, type ClientMessage, type ClientMessageType } from "../../shared/protocol.ts";

/** What a field holds, for building valid values and checking parsed ones. */
export type FieldKind =
  | "room"
  | "user"
  | "password"
  | "token"
  | "text"
  | "topic"
  | "bool"
  | "mode"
  | "clientId"
  | "limit"
  | "msgId";

interface Shape {
  required: Record<string, FieldKind>;
  optional: Record<string, FieldKind>;
}

/** Every client frame type with its fields; used both to build frames and to check parses. */
export const SHAPES: Record<ClientMessageType, Shape> = {
  register: {
    required: { user: "user", password: "password" },
    optional: { mode: "mode", client: "clientId" },
  },
  login: {
    required: { user: "user", password: "password" },
    optional: { mode: "mode", client: "clientId" },
  },
  auth: { required: { token: "token" }, optional: { mode: "mode" } },
  logout: { required: {}, optional: {} },
  passwd: { required: { old: "password", new: "password" }, optional: { keepSessions: "bool" } },
  sessions: { required: {}, optional: {} },
  revoke: { required: { session: "msgId" }, optional: {} },
  rooms: { required: {}, optional: {} },
  create: {
    required: { room: "room" },
    optional: { open: "bool", visible: "bool", topic: "topic" },
  },
  edit: { required: { room: "room" }, optional: { open: "bool", visible: "bool", topic: "topic" } },
  shutdown: { required: { room: "room" }, optional: {} },
  join: { required: { room: "room" }, optional: {} },
  leave: { required: { room: "room" }, optional: {} },
  requests: { required: {}, optional: { room: "room" } },
  approve: { required: { room: "room", user: "user" }, optional: {} },
  deny: { required: { room: "room", user: "user" }, optional: {} },
  kick: { required: { room: "room", user: "user" }, optional: {} },
  send: {
    required: { room: "room", text: "text" },
    optional: { clientId: "clientId", action: "bool" },
  },
  dm: {
    required: { to: "user", text: "text" },
    optional: { clientId: "clientId", action: "bool" },
  },
  amend: {
    required: { messageId: "msgId", text: "text" },
    optional: { room: "room", user: "user" },
  },
  delete: { required: { messageId: "msgId" }, optional: { room: "room", user: "user" } },
  away: { required: {}, optional: { message: "topic" } },
  ban: { required: { room: "room", user: "user" }, optional: {} },
  unban: { required: { room: "room", user: "user" }, optional: {} },
  bans: { required: { room: "room" }, optional: { limit: "limit" } },
  invite: { required: { room: "room", user: "user" }, optional: {} },
  uninvite: { required: { room: "room", user: "user" }, optional: {} },
  handover: { required: { room: "room", user: "user" }, optional: {} },
  history: {
    required: {},
    optional: { room: "room", user: "user", limit: "limit", before: "msgId", after: "msgId" },
  },
  sync: { required: { since: "msgId" }, optional: {} },
  who: { required: {}, optional: { room: "room" } },
  read: { required: { upTo: "msgId" }, optional: { room: "room", user: "user" } },
  conversations: { required: {}, optional: { limit: "limit", cursor: "msgId" } },
  typing: { required: { room: "room", typing: "bool" }, optional: {} },
  activity: { required: {}, optional: {} },
  ping: { required: {}, optional: {} },
};

/** The client frame types. */
export const CLIENT_TYPES = Object.keys(SHAPES) as ClientMessageType[];

// Parser limits per field kind (the parser checks type and length; the server checks names).
const MAX_LENGTH: Record<FieldKind, number> = {
  room: 64,
  user: 64,
  password: LIMITS.passwordMax,
  token: 256,
  text: LIMITS.textMax * 4,
  topic: LIMITS.topicMax * 4,
  bool: 0,
  mode: 0,
  clientId: LIMITS.clientIdMax,
  limit: 0,
  msgId: 64,
};

/**
 * Check that a value returned by parseClientMessage holds the ClientMessage invariants:
 * a known type, only that type's fields, each of the right JS type and within its limit,
 * required fields present, a plain prototype. Returns the first problem, or null.
 */
export function checkClientMessage(msg: ClientMessage): string | null {
  if (typeof msg !== "object" || msg === null) return "not an object";
  if (Object.getPrototypeOf(msg) !== Object.prototype) return "prototype is not Object.prototype";
  const shape = SHAPES[msg.type as ClientMessageType];
  if (!Object.hasOwn(SHAPES, msg.type) || shape === undefined) return `unknown type ${msg.type}`;
  const rec = msg as unknown as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    if (key === "type") continue;
    if (key === "id") {
      if (typeof rec.id !== "string" || rec.id.length > LIMITS.requestIdMax) return "bad id";
      continue;
    }
    const kind = shape.required[key] ?? shape.optional[key];
    if (!Object.hasOwn(shape.required, key) && !Object.hasOwn(shape.optional, key)) {
      return `unexpected field '${key}' on ${msg.type}`;
    }
    const problem = checkField(kind as FieldKind, rec[key]);
    if (problem) return `${msg.type}.${key}: ${problem}`;
  }
  for (const key of Object.keys(shape.required)) {
    if (!Object.hasOwn(rec, key)) return `${msg.type} without '${key}'`;
  }
  const isOneOf = msg.type === "history" || msg.type === "amend" || msg.type === "delete";
  if (isOneOf && (msg.room === undefined) === (msg.user === undefined)) {
    return `${msg.type} without exactly one of room and user`;
  }
  return null;
}

function checkField(kind: FieldKind, value: unknown): string | null {
  switch (kind) {
    case "bool":
      return typeof value === "boolean" ? null : "not a boolean";
    case "mode":
      return value === "interactive" || value === "listen" || value === "oneshot"
        ? null
        : "not a mode";
    case "limit":
      return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 10_000
        ? null
        : "limit out of range";
    default:
      if (typeof value !== "string") return "not a string";
      return value.length <= MAX_LENGTH[kind] ? null : "too long";
  }
}
