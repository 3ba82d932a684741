/** Stored messages as they go on the wire: the cleaned text, the frames, the `sent` ack. */
import { LIMITS, sanitizeText } from "../../shared/protocol.ts";
import type { ChatMessage, DirectMessage } from "../../shared/protocol.ts";
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

/** The `sent` acknowledgement of a room message, with the message's JSON made once. */
export class SentAck {
  readonly type = "sent";
  readonly message: ChatMessage;
  readonly #json: string;

  /** The acknowledgement of `message`, whose JSON is `json`. */
  constructor(message: ChatMessage, json: string) {
    this.message = message;
    this.#json = json;
  }

  /** The frame's JSON, answering request `replyTo` when given. */
  frame(replyTo: string | undefined): string {
    const head = `{"type":"sent","message":${this.#json}`;
    return replyTo === undefined ? `${head}}` : `${head},"replyTo":${JSON.stringify(replyTo)}}`;
  }
}
