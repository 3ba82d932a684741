/** Stored messages as they go on the wire: the cleaned text, the frames, the `sent` ack. */
import { LIMITS, sanitizeText } from "../../shared/protocol.ts";
import type { ChatMessage, DirectMessage, ServerMessage } from "../../shared/protocol.ts";
import { isEntry } from "./event-log.ts";
import type { FeedItem } from "./event-log.ts";
import { formatSeq, SEQ_WIDTH } from "../../shared/seq.ts";
import { ChatError } from "../../shared/errors.ts";
import type { StoredMessage } from "../store/store.ts";

/** Sanitise and trim a message text; bad_request unless 1-4000 characters remain. */
export function cleanText(text: string): string {
  const clean = sanitizeText(text).trim();
  if (clean.length === 0) throw new ChatError("bad_request", "message text is empty");
  if (clean.length > LIMITS.textMax) {
    throw new ChatError("bad_request", `message text is longer than ${LIMITS.textMax} characters`);
  }
  return clean;
}

/** A stored room message as sent on the wire. */
export function toChatMessage(m: StoredMessage): ChatMessage {
  const out: ChatMessage = { id: m.id, room: m.room ?? "", from: m.from, text: m.text, ts: m.ts };
  if (m.seq !== undefined) out.seq = formatSeq(m.seq);
  return m.action || m.edited !== undefined ? withMarks(out, m) : out;
}

/** A stored DM as sent on the wire. */
export function toDirectMessage(m: StoredMessage): DirectMessage {
  const out: DirectMessage = { id: m.id, from: m.from, to: m.to ?? "", text: m.text, ts: m.ts };
  if (m.seq !== undefined) out.seq = formatSeq(m.seq);
  return m.action || m.edited !== undefined ? withMarks(out, m) : out;
}

/**
 * The UTF-8 bytes of a stored message's wire form as JSON (`toChatMessage` or
 * `toDirectMessage`, then `JSON.stringify`), counted from its fields without building either:
 * a `history` page is sized by this before it is built once.
 */
export function wireBytes(m: StoredMessage): number {
  // `{"id":,"from":,"text":,"ts":}` (29), then `,"room":` (8) or `,"to":` (6).
  let bytes = 29 + jsonStringBytes(m.id) + jsonStringBytes(m.from) + jsonStringBytes(m.text);
  bytes += jsonStringBytes(m.ts);
  bytes += m.room !== undefined ? 8 + jsonStringBytes(m.room) : 6 + jsonStringBytes(m.to ?? "");
  if (m.seq !== undefined) bytes += 7 + SEQ_WIDTH + 2; // ,"seq":"<16 digits>"
  // The marks go on the wire as `toChatMessage` puts them (see withMarks).
  if (!m.action && m.edited === undefined) return bytes;
  if (m.action) bytes += 14; // ,"action":true
  if (m.edited !== undefined) bytes += 10 + jsonStringBytes(m.edited);
  if (m.deleted) bytes += 15; // ,"deleted":true
  return bytes;
}

/** The UTF-8 bytes of `s` as a JSON string, quotes and escapes included, without encoding it. */
export function jsonStringBytes(s: string): number {
  let bytes = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x80) bytes += c === 0x22 || c === 0x5c ? 2 : 1;
    else if (c < 0x20) bytes += c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    else if (c < 0x800) bytes += 2;
    else if (c < 0xd800 || c >= 0xe000) bytes += 3;
    else if (c < 0xdc00 && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      // A surrogate pair is one 4-byte character; a lone surrogate is escaped (\udxxx).
      if (next >= 0xdc00 && next < 0xe000) {
        bytes += 4;
        i++;
      } else bytes += 6;
    } else bytes += 6;
  }
  return bytes;
}

// The marks of an action, an edited message or a tombstone, on the wire as they are stored.
function withMarks<T extends ChatMessage | DirectMessage>(out: T, m: StoredMessage): T {
  if (m.action) out.action = true;
  if (m.edited !== undefined) out.edited = m.edited;
  if (m.deleted) out.deleted = true;
  return out;
}

/** Where a `sent` acknowledgement carries the frame its message was published as. */
export const PUBLISHED: unique symbol = Symbol("published frame");

/**
 * The `sent` acknowledgement of a room message; `[PUBLISHED]` (not a field on the wire) is the
 * frame the message went out as, which the acknowledgement's text reuses (see encodeReply).
 */
export interface SentAck {
  type: "sent";
  message: ChatMessage;
  [PUBLISHED]?: string;
}

/** The acknowledgement of room message `m`, published as `frame` when it was just stored. */
export function sentAck(m: StoredMessage, frame: string | undefined): SentAck {
  if (frame === undefined) return { type: "sent", message: toChatMessage(m) };
  // The reply reuses the frame: the message's wire form is built only if something reads it.
  return {
    type: "sent",
    get message() {
      return toChatMessage(m);
    },
    [PUBLISHED]: frame,
  };
}

/** A kept item as the event `sync` and catch-ups send (with its `seq`), as it was published. */
export function eventOf(item: FeedItem): ServerMessage {
  if (isEntry(item)) {
    return { ...item.event, seq: formatSeq(item.seq) } as unknown as ServerMessage;
  }
  return messageEvent(item);
}

/**
 * A stored message as its `message` or `dm` event: one object literal, no copy of the wire
 * form (this runs for every message sent).
 */
export function messageEvent(m: StoredMessage): ServerMessage {
  const { id, from, text, ts } = m;
  const seq = m.seq === undefined ? undefined : formatSeq(m.seq);
  const out: (ChatMessage & { type: "message" }) | (DirectMessage & { type: "dm" }) =
    m.room !== undefined
      ? { type: "message", id, room: m.room, from, text, ts, seq }
      : { type: "dm", id, from, to: m.to ?? "", text, ts, seq };
  return m.action || m.edited !== undefined ? withMarks(out, m) : out;
}

/** The message as an edit or a deletion leaves it (a new object: messages are never changed). */
export function changedMessage(
  m: StoredMessage,
  change: { text: string; edited: string } | { edited: string; deleted: true },
): StoredMessage {
  if ("deleted" in change) {
    // Rebuilt field by field, so that nothing of the old text is carried along.
    const out: StoredMessage = { id: m.id, from: m.from, text: "", ts: m.ts };
    if (m.room !== undefined) out.room = m.room;
    if (m.to !== undefined) out.to = m.to;
    if (m.clientId !== undefined) out.clientId = m.clientId;
    if (m.action) out.action = true;
    out.edited = change.edited;
    out.deleted = true;
    return out;
  }
  return { ...m, text: change.text, edited: change.edited };
}
