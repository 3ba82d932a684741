/** Stored messages as they go on the wire: the cleaned text, the frames, the `sent` ack. */
import { LIMITS, sanitizeText } from "../../shared/protocol.ts";
import type { ChatMessage, DirectMessage, ServerMessage } from "../../shared/protocol.ts";
import { isEntry } from "./event-log.ts";
import type { FeedItem } from "./event-log.ts";
import { formatSeq } from "../../shared/seq.ts";
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
