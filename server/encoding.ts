/**
 * The one place a frame becomes text: every event published, every reply and notice sent,
 * and the `sent` acknowledgement, which reuses the text of the message's published event
 * instead of encoding the message again.
 */
import type { ServerMessage } from "../shared/protocol.ts";
import { PUBLISHED } from "./domain/message-wire.ts";
import type { SentAck } from "./domain/message-wire.ts";

/** How a room message's published frame starts: the acknowledgement reuses the rest. */
const MESSAGE_HEAD = `{"type":"message",`;

/** The text of a frame. */
export function encodeFrame(msg: ServerMessage): string {
  return JSON.stringify(msg);
}

/** The text of the reply to request `replyTo` (none: a reply to a request without an id). */
export function encodeReply(msg: ServerMessage, replyTo: string | undefined): string {
  const published = msg.type === "sent" ? (msg as SentAck)[PUBLISHED] : undefined;
  if (published?.startsWith(MESSAGE_HEAD)) {
    // The message's fields exactly as its event carried them.
    const head = `{"type":"sent","message":{${published.slice(MESSAGE_HEAD.length)}`;
    return replyTo === undefined ? `${head}}` : `${head},"replyTo":${JSON.stringify(replyTo)}}`;
  }
  // Every reply is a fresh object from its handler, so replyTo is set on it without a copy.
  if (replyTo !== undefined) (msg as { replyTo?: string }).replyTo = replyTo;
  return JSON.stringify(msg);
}
