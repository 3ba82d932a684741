/**
 * A `msg` journal line that holds the message's published event (see `journalLine`), read
 * back into the stored message: the event's `seq` is in its 16-digit wire form, and the
 * sender's `clientId`, which the event does not carry, sits beside it.
 */
import { parseSeq } from "../../shared/seq.ts";
import { storedMessage } from "./store.ts";
import type { StoredMessage } from "./store.ts";

/** The stored message that `event` and `clientId` describe, or null when they are malformed. */
export function messageOfEvent(event: unknown, clientId: unknown): StoredMessage | null {
  if (typeof event !== "object" || event === null || Array.isArray(event)) return null;
  const e = event as Record<string, unknown>;
  const { id, from, text, ts } = e;
  if (typeof id !== "string" || typeof from !== "string") return null;
  if (typeof text !== "string" || typeof ts !== "string") return null;
  const seq = parseSeq(e.seq);
  if (seq === null || (clientId !== undefined && typeof clientId !== "string")) return null;
  const action = e.action === true ? (true as const) : undefined;
  const fields = { id, from, text, ts, clientId: clientId as string | undefined, seq, action };
  if (e.type === "message" && typeof e.room === "string") {
    return storedMessage({ ...fields, room: e.room });
  }
  if (e.type === "dm" && typeof e.to === "string") return storedMessage({ ...fields, to: e.to });
  return null;
}
