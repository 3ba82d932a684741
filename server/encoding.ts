/**
 * The one place a frame becomes text: every event published, every reply and notice sent,
 * and the `sent` acknowledgement, which reuses the text of the message's published event
 * instead of encoding the message again, as a batched page of a catch-up or `sync` reuses the
 * text of its events.
 */
import type { ServerMessage } from "../shared/protocol.ts";
import { PUBLISHED } from "./domain/message-wire.ts";
import type { SentAck } from "./domain/message-wire.ts";
import { BATCH } from "./domain/catch-up.ts";
import type { SyncedMessage } from "./domain/catch-up.ts";

/** How a room message's published frame starts: the acknowledgement reuses the rest. */
const MESSAGE_HEAD = `{"type":"message",`;

/** The text of a frame. */
export function encodeFrame(msg: ServerMessage): string {
  return JSON.stringify(msg);
}

/** The text of the reply to request `replyTo` (none: a reply to a request without an id). */
export function encodeReply(msg: ServerMessage, replyTo: string | undefined): string {
  // A `sync` asked with `batch`: its events go inside the reply.
  const batch = msg.type === "synced" ? (msg as SyncedMessage)[BATCH] : undefined;
  if (batch !== undefined) return encodeBatch(msg, batch, replyTo);
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

/**
 * The text of a batched page: the `synced` frame closing it with the page's frames, already
 * text and joined as they are, in `events` (and `replyTo` for the reply to a `sync`).
 */
export function encodeBatch(
  synced: ServerMessage,
  frames: readonly string[],
  replyTo?: string,
): string {
  const head = JSON.stringify(replyTo === undefined ? synced : { ...synced, replyTo });
  const open = `${head.slice(0, -1)},"events":[`;
  const last = frames.length - 1;
  if (last < 0) return `${open}]}`;
  // The head and the tail joined in with the frames: the page's text is built in one copy,
  // not joined and then copied again into a concatenation.
  const parts = frames.slice();
  parts[0] = open + parts[0]!;
  parts[last] = `${parts[last]!}]}`;
  return parts.join(",");
}
