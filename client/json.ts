/**
 * The `--json` shapes of SPEC section 3: plain objects, one per output line.
 *
 * Kept apart from render.ts so that `chat send --json` loads no human formatting. Every
 * string from the wire is passed through sanitizeText again.
 */
import {
  type ChatMessage,
  type DirectMessage,
  type RoomInfo,
  sanitizeText,
  type WhoEntry,
} from "../shared/protocol.ts";

/** A frame from the server: a known event or a newer one. */
export type JsonEvent = { type: string; [key: string]: unknown };

const clean = (value: unknown): string => sanitizeText(String(value ?? ""));

/** An event without its `replyTo`. */
export function stripReply(e: Record<string, unknown>): Record<string, unknown> {
  const { replyTo: _replyTo, ...rest } = e;
  return rest;
}

function sanitizeDeep(value: unknown): unknown {
  if (typeof value === "string") return sanitizeText(value);
  if (Array.isArray(value)) return value.map(sanitizeDeep);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = sanitizeDeep(v);
    return out;
  }
  return value;
}

/** A stored room message as `--json` prints it. */
export function messageJson(m: ChatMessage): Record<string, unknown> {
  const base = { type: "message", id: m.id, room: m.room, from: m.from, text: clean(m.text) };
  return { ...base, ts: m.ts, ...marksJson(m) };
}

/** A stored direct message as `--json` prints it. */
export function dmJson(m: DirectMessage): Record<string, unknown> {
  const base = { type: "dm", id: m.id, from: m.from, to: m.to, text: clean(m.text) };
  return { ...base, ts: m.ts, ...marksJson(m) };
}

// An action, an edit time, a deletion and the log position, each only when the server said so.
function marksJson(m: ChatMessage | DirectMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof m.seq === "string") out.seq = clean(m.seq);
  if (m.action === true) out.action = true;
  if (typeof m.edited === "string") out.edited = clean(m.edited);
  if (m.deleted === true) out.deleted = true;
  return out;
}

/** A stored message of either kind (history holds both) as `--json` prints it. */
export function storedJson(m: ChatMessage | DirectMessage): Record<string, unknown> {
  return "room" in m ? messageJson(m) : dmJson(m);
}

/** An event as one `--json` object (SPEC section 3 shapes), or null when not printed. */
export function eventJson(event: JsonEvent): Record<string, unknown> | null {
  const e = event as Record<string, unknown>;
  switch (event.type) {
    case "message":
      return messageJson(e as unknown as ChatMessage);
    case "dm":
      return dmJson(e as unknown as DirectMessage);
    case "presence":
      return typeof e.away === "string"
        ? { type: "presence", user: e.user, status: e.status, away: clean(e.away) }
        : { type: "presence", user: e.user, status: e.status };
    case "message_update":
      return { ...messageJson(e as unknown as ChatMessage), type: "message_update" };
    case "dm_update":
      return { ...dmJson(e as unknown as DirectMessage), type: "dm_update" };
    case "typing":
      return { type: "typing", room: e.room, user: e.user, typing: e.typing };
    case "join_request":
      return withSeq({ type: "join_request", room: e.room, user: e.user }, e);
    case "join_decision":
      return withSeq({ type: "join_decision", room: e.room, approved: e.approved }, e);
    case "welcome":
      return null;
    default:
      return sanitizeDeep(stripReply(e)) as Record<string, unknown>;
  }
}

// The event's `seq` (its log position, a valid `listen --since`), when it has one.
function withSeq(out: Record<string, unknown>, e: Record<string, unknown>) {
  return typeof e.seq === "string" ? { ...out, seq: clean(e.seq) } : out;
}

// A count from the server as it may be printed: a whole number, not negative.
function isCount(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 0;
}

/** A room as `rooms --json` prints it. */
export function roomJson(r: RoomInfo): Record<string, unknown> {
  const room = {
    name: r.name,
    open: r.open,
    visible: r.visible,
    admin: r.admin,
    members: r.members,
    role: r.role,
    topic: clean(r.topic),
  };
  // `rooms` counts what is unread in the rooms the caller is in; others carry no counts.
  if (!isCount(r.unread)) return room;
  return { ...room, unread: r.unread, mentions: isCount(r.mentions) ? r.mentions : 0 };
}

/** A `who` line as `--json` prints it. */
export function whoJson(w: WhoEntry): Record<string, unknown> {
  const entry = { user: w.user, status: w.status, typing: w.typing };
  return typeof w.away === "string" ? { ...entry, away: clean(w.away) } : entry;
}
